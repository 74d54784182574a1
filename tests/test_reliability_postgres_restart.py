"""The PostgreSQL server itself is stopped while the service runs, and started again.

The test runs a private cluster (initdb in a temporary directory, on a port of its
own), so the server other tests share keeps running. It skips where PostgreSQL's
server programs are not installed.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from models import Match

pytestmark = pytest.mark.postgres


class Cluster:
    """A throwaway PostgreSQL server: `start()`, `stop()`, and its URL."""

    def __init__(self, programs: Path) -> None:
        self.programs = programs
        # initdb and postgres refuse to run as root: they run as the postgres account then.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.home = Path(tempfile.mkdtemp(prefix="matchmaker-pg-"))
        if self.as_owner:
            owner = pwd.getpwnam("postgres")
            os.chown(self.home, owner.pw_uid, owner.pw_gid)
        self.data = self.home / "data"
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres?connect_timeout=3"
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run([*self.as_owner, str(self.programs / program), *args],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{program} failed: {done.stderr or done.stdout}"

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                  str(self.home / "server.log"), "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        subprocess.run([*self.as_owner, str(self.programs / "pg_ctl"), "-D", str(self.data),
                        "-m", "immediate", "stop"], capture_output=True, timeout=120)
        shutil.rmtree(self.home, ignore_errors=True)


def _server_programs() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    programs = _server_programs()
    if programs is None:
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    if os.geteuid() == 0 and (shutil.which("runuser") is None or not _has_user("postgres")):
        pytest.skip("running as root without a postgres account to run the server as")
    server = Cluster(programs)
    try:
        server.start()
        yield server
    finally:
        server.remove()


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture
def db_url(cluster: Cluster) -> str:
    """The private cluster instead of the shared server (conftest's `engine`, `world`
    and `http` build on it)."""
    return cluster.url


def test_service_answers_503_while_postgresql_is_stopped_and_recovers_when_it_starts(
        cluster: Cluster, http, world, session_factory) -> None:
    token = world.tokens["fac_a"]
    pair = {"stream_id": world.ids["stream_a"], "capacity_id": world.ids["capacity_a"]}
    assert http.get("/api/v1/me", token=token)[0] == 200

    cluster.stop()
    status, headers, problem = http.get("/api/v1/me", token=token)
    assert status == 503, problem
    assert int(headers["Retry-After"]) > 0
    assert problem["status"] == 503 and "Traceback" not in str(problem)
    status, _, _ = http.post("/api/v1/matches", json=pair, token=token)
    assert status == 503

    cluster.start()
    # the pooled connections died with the server; the next request gets fresh ones
    assert http.get("/api/v1/me", token=token)[0] == 200
    with session_factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Match)) == 0
    status, _, match = http.post("/api/v1/matches", json=pair, token=token)
    assert status == 201, match
