"""An import interrupted half-way leaves nothing of itself: a `matchmaker import` process
killed with SIGKILL while it writes a large file, and a large file whose last record is
bad, on SQLite and PostgreSQL."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from benchmarks.bench_load import generate_exchange
from models import Capacity, Hub, Organisation, Stream

ROOT = Path(__file__).resolve().parents[1]
TABLES = (Hub, Organisation, Stream, Capacity)


@pytest.fixture(scope="module")
def large_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("import") / "large.json"
    path.write_text(json.dumps(generate_exchange(2000, 4000, 2000)), encoding="utf-8")
    return path


def counts(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return [connection.scalar(sa.select(sa.func.count()).select_from(m)) for m in TABLES]


def _import_command(db_url: str, path: Path, **kw: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "import", str(path)],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": db_url}, stdin=subprocess.DEVNULL, **kw)


def _writing(engine: Engine, db_url: str) -> bool:
    """Whether another connection holds an open transaction that has written."""
    if engine.dialect.name == "sqlite":
        probe = sqlite3.connect(sa.make_url(db_url).database, timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.rollback()
            return False
        except sqlite3.OperationalError as err:
            if "locked" in str(err):
                return True
            raise
        finally:
            probe.close()
    application = sa.make_url(db_url).query["application_name"]
    with engine.connect() as connection:
        return bool(connection.scalar(sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"
            " AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"), {"name": application}))


def _kill_while_writing(process: subprocess.Popen, engine: Engine, db_url: str) -> None:
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if _writing(engine, db_url):
                process.send_signal(signal.SIGKILL)
                process.wait()
                return
            time.sleep(0.002)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    pytest.fail(f"the import ended (exit {process.returncode}) before it was seen writing")


def test_import_killed_half_way_leaves_nothing_and_the_database_sound(
        engine: Engine, db_url: str, large_file: Path) -> None:
    process = _import_command(db_url, large_file, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    _kill_while_writing(process, engine, db_url)
    assert process.returncode == -signal.SIGKILL

    assert counts(engine) == [0, 0, 0, 0]
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    # Nothing was left locked: the same file imports completely afterwards.
    rerun = _import_command(db_url, large_file, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, stderr = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, stderr
    assert counts(engine) == [5, 2000, 4000, 2000]


def test_large_file_with_a_bad_last_record_writes_nothing(
        engine: Engine, db_url: str, large_file: Path, tmp_path: Path) -> None:
    data = json.loads(large_file.read_text(encoding="utf-8"))
    data["capacities"][-1]["services"] = ["teleportation"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    result = _import_command(db_url, bad, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    _, stderr = result.communicate(timeout=300)
    assert result.returncode == 1
    assert "capacities[1999].services[0]" in stderr
    assert "nothing was imported" in stderr
    assert counts(engine) == [0, 0, 0, 0]
