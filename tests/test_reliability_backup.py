"""Backup and restore: an online SQLite backup taken while a writer works, restored and
compared table by table; restores that must be refused; the PostgreSQL instructions."""
from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from api.cli import main
from matchmaker import registration, workflow
from matchmaker.backup import (
    backup_sqlite,
    check_backup,
    expected_revision,
    pg_dump_command,
    restore_sqlite,
)
from matchmaker.demo.setup import install_demo
from matchmaker.errors import Conflict, ValidationError
from models import Capacity, Organisation, Stream, User, make_engine, make_session_factory, upgrade

# Tables the writer thread changes: streams and their audit entries are appended,
# the index version counts every change of a searchable item.
APPENDED = ("streams", "audit_entries")
COUNTER = "index_version"


def _tables(path: Path) -> dict[str, list[tuple]]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {name: connection.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
                for name in names}


def _index_version(rows: list[tuple]) -> int:
    return rows[0][1] if rows else 0


@pytest.fixture
def demo_database(tmp_path: Path) -> str:
    """The demo data plus accounts and matches in several states, made by the service code."""
    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        install_demo(session)
        facilitator = session.scalars(sa.select(User).where(User.role == "facilitator")).first()
        streams = session.scalars(sa.select(Stream).order_by(Stream.id).limit(6)).all()
        capacities = session.scalars(sa.select(Capacity).order_by(Capacity.id).limit(6)).all()
        for i, (stream, capacity) in enumerate(zip(streams, capacities, strict=True)):
            match = workflow.take_suggestion(session, facilitator, stream, capacity,
                                             0.5 + i / 20, {"material": 0.8, "distance_km": 3.5},
                                             "default-test")
            if i % 2:
                workflow.decide(session, facilitator, match,
                                workflow.Transition("accepted", match.version, note=f"ok {i}"))
            elif i % 3 == 0:
                workflow.decide(session, facilitator, match, workflow.Transition(
                    "rejected", match.version, reason_code="too_far", note="te ver"))
        session.commit()
    engine.dispose()
    return url


def _writer(url: str, stop: threading.Event, committed: list[int]) -> None:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    try:
        while not stop.is_set():
            with factory() as session:
                admin = session.scalars(sa.select(User).where(User.role == "facilitator")).first()
                company = session.scalars(sa.select(Organisation).where(
                    Organisation.kind == "company").order_by(Organisation.id)).first()
                stream = registration.create_item(session, admin, Stream, company, {
                    "title": f"Paletten partij {len(committed)}", "materials": ["pallets"]})
                session.commit()
                committed.append(stream.id)
    finally:
        engine.dispose()


def test_backup_taken_while_writing_restores_one_consistent_snapshot(
        demo_database: str, tmp_path: Path) -> None:
    live = Path(sa.make_url(demo_database).database)
    before = _tables(live)
    stop, committed = threading.Event(), []
    writer = threading.Thread(target=_writer, args=(demo_database, stop, committed))
    writer.start()
    try:
        while len(committed) < 15 and writer.is_alive():
            stop.wait(0.01)
        committed_before_backup = len(committed)
        report = backup_sqlite(demo_database, tmp_path / "backup.sqlite")
        while len(committed) < committed_before_backup + 15 and writer.is_alive():
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join()
    assert report.revision == expected_revision()
    final = _tables(live)

    restored_url = f"sqlite:///{tmp_path / 'fresh' / 'restored.sqlite'}"
    assert restore_sqlite(report.path, restored_url) == expected_revision()
    restored = _tables(Path(sa.make_url(restored_url).database))

    assert set(restored) == set(final)
    for name in set(final) - {*APPENDED, COUNTER}:
        assert final[name] == before[name], f"the writer should not change {name}"
        assert restored[name] == final[name], f"{name} differs after the restore"
    for name in APPENDED:
        assert restored[name] == final[name][:len(restored[name])], f"{name} is no prefix"
        assert len(restored[name]) >= len(before[name])
    added = len(restored["streams"]) - len(before["streams"])
    # Everything committed before the backup began is in it, and the copy is one
    # snapshot: each stream with its audit entry and its index version step.
    assert committed_before_backup <= added < len(committed)
    assert len(restored["audit_entries"]) - len(before["audit_entries"]) == added
    assert (_index_version(restored[COUNTER]) - _index_version(before[COUNTER])) == added


def test_restored_database_serves_the_service_again(demo_database: str, tmp_path: Path) -> None:
    backup = backup_sqlite(demo_database, tmp_path / "b.sqlite").path
    restored_url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    restore_sqlite(backup, restored_url)
    upgrade(restored_url)
    engine = make_engine(restored_url)
    with make_session_factory(engine)() as session:
        facilitator = session.scalars(sa.select(User).where(User.role == "facilitator")).first()
        company = session.scalars(sa.select(Organisation).where(
            Organisation.kind == "company")).first()
        registration.create_item(session, facilitator, Stream, company,
                                 {"title": "Na herstel", "materials": ["pallets"]})
        session.commit()
        assert session.scalar(sa.select(sa.func.count()).select_from(Stream).where(
            Stream.title == "Na herstel")) == 1
    engine.dispose()


def test_backup_never_overwrites_an_existing_file(demo_database: str, tmp_path: Path) -> None:
    target = tmp_path / "exists.sqlite"
    target.write_bytes(b"an older backup")
    with pytest.raises(Conflict):
        backup_sqlite(demo_database, target)
    assert target.read_bytes() == b"an older backup"


def test_restore_refuses_a_corrupt_backup_and_leaves_the_database_alone(
        demo_database: str, tmp_path: Path) -> None:
    backup = backup_sqlite(demo_database, tmp_path / "b.sqlite").path
    data = bytearray(backup.read_bytes())
    # Overwrite pages past the header and schema: the file still opens, its b-trees don't.
    data[8192:8192 + 16384] = b"\xff" * 16384
    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(bytes(data))
    target = tmp_path / "target.sqlite"
    restore_sqlite(backup, f"sqlite:///{target}")
    good = _tables(target)

    with pytest.raises(ValidationError) as refused:
        restore_sqlite(corrupt, f"sqlite:///{target}")
    assert "backup" in str(refused.value.errors[0])
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ValidationError):
        check_backup(garbage)
    assert _tables(target) == good


def test_restore_refuses_while_the_database_is_in_use(demo_database: str, tmp_path: Path) -> None:
    backup = backup_sqlite(demo_database, tmp_path / "b.sqlite").path
    target = tmp_path / "in-use.sqlite"
    restore_sqlite(backup, f"sqlite:///{target}")
    engine = make_engine(f"sqlite:///{target}")
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT count(*) FROM streams").scalar()
    # An idle pooled connection of a running service is enough to refuse.
    with pytest.raises(Conflict, match="in use"):
        restore_sqlite(backup, f"sqlite:///{target}")
    engine.dispose()
    restore_sqlite(backup, f"sqlite:///{target}")


def test_restore_refuses_a_backup_of_another_schema_revision(
        demo_database: str, tmp_path: Path) -> None:
    backup = backup_sqlite(demo_database, tmp_path / "b.sqlite").path
    with closing(sqlite3.connect(backup)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'from_the_future'")
        connection.commit()
    with pytest.raises(ValidationError) as refused:
        restore_sqlite(backup, f"sqlite:///{tmp_path / 'target.sqlite'}")
    assert "from_the_future" in str(refused.value.errors[0])
    assert not (tmp_path / "target.sqlite").exists()


def test_backup_and_restore_commands(demo_database: str, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.setenv("DATABASE_URL", demo_database)
    made = runner.invoke(main, ["backup", str(tmp_path / "cli.sqlite")])
    assert made.exit_code == 0, made.output
    assert "Backup written" in made.output
    again = runner.invoke(main, ["backup", str(tmp_path / "cli.sqlite")])
    assert again.exit_code == 1 and "exists" in again.output

    target = tmp_path / "cli-restored.sqlite"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{target}")
    restored = runner.invoke(main, ["restore", "--yes", str(tmp_path / "cli.sqlite")])
    assert restored.exit_code == 0, restored.output
    assert _tables(target) == _tables(Path(sa.make_url(demo_database).database))


def test_postgresql_backup_prints_the_pg_dump_command(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql://hub:s3cret@db.internal:5432/matchmaker"
    monkeypatch.setenv("DATABASE_URL", url)
    result = CliRunner().invoke(main, ["backup", str(tmp_path / "hub.dump")])
    assert result.exit_code == 0, result.output
    assert pg_dump_command(url, tmp_path / "hub.dump") in result.output
    assert "pg_dump --format=custom" in result.output
    assert "s3cret" not in result.output
    assert not (tmp_path / "hub.dump").exists()
