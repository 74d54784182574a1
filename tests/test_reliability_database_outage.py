"""The database goes away mid-request and comes back (PostgreSQL).

The app reaches PostgreSQL through a small TCP relay the test controls, so the
connection can be cut in the middle of a decision's transaction, or refused for a
while, without stopping the server other tests share.
"""
from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import PASSWORD, Http

from models import AuditEntry, Decision, Match
from tests.serving import serving

pytestmark = [pytest.mark.postgres,
              pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)]


class Relay:
    """Forwards TCP connections to `upstream`; can refuse them or cut one at a given query."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.up = True
        self._cut_at: bytes | None = None
        self.cut = threading.Event()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(self.upstream)
            with self._lock:
                self._pairs.append((client, server))
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, to_server: bool) -> None:
        tail = b""  # a statement may straddle two reads
        try:
            while chunk := source.recv(65536):
                seen, tail = tail + chunk, chunk[-256:]
                if to_server and self._cut_at is not None and self._cut_at in seen:
                    self._cut_at = None
                    self.go_down()
                    self.cut.set()
                    return
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                sock.close()

    def cut_when_sent(self, pattern: bytes) -> None:
        """Drop every connection, and refuse new ones, when a client sends `pattern`."""
        self._cut_at = pattern

    def go_down(self) -> None:
        self.up = False
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for sock in pair:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

    def come_back(self) -> None:
        self.up = True

    def close(self) -> None:
        self.go_down()
        self._listener.close()


@pytest.fixture
def relay(db_url: str) -> Iterator[Relay]:
    url = sa.make_url(db_url)
    relay = Relay((url.host or "127.0.0.1", url.port or 5432))
    yield relay
    relay.close()


@pytest.fixture
def relayed_http(engine, db_url: str, relay: Relay, tmp_path: Path) -> Iterator[Http]:
    from api.app import create_app
    from matchmaker.config import Settings

    relayed = sa.make_url(db_url).set(host="127.0.0.1", port=relay.port)
    # Plain text on the wire, so the relay can see which statement is being sent.
    relayed = relayed.update_query_dict({"sslmode": "disable", "connect_timeout": "3"})
    app = create_app(Settings(home=tmp_path / "home", secret_key="test-secret",
                              database_url=relayed.render_as_string(hide_password=False)))
    with serving(app) as served_at:
        yield Http(served_at)
    app.extensions["matchmaker.engine"].dispose()


def _proposed_match(http: Http, world) -> dict:
    status, _, match = http.post("/api/v1/matches", json={
        "stream_id": world.ids["stream_a"], "capacity_id": world.ids["capacity_a"]},
        token=world.tokens["fac_a"])
    assert status == 201, match
    return match


def test_decision_cut_off_mid_transaction_leaves_no_half_written_rows_and_service_recovers(
        relayed_http: Http, relay: Relay, world, session_factory) -> None:
    match = _proposed_match(relayed_http, world)
    relay.cut_when_sent(b"INSERT INTO decisions")
    status, _, body = relayed_http.post(
        f"/api/v1/matches/{match['id']}/decisions",
        json={"to_status": "accepted", "version": match["version"]}, token=world.tokens["fac_a"])
    assert relay.cut.is_set(), f"the relay never saw the decision being written: {status} {body}"
    assert status >= 500
    assert "Traceback" not in str(body) and "psycopg" not in str(body)

    with session_factory() as session:
        assert session.get(Match, match["id"]).status == "proposed"
        assert session.scalar(sa.select(sa.func.count()).select_from(Decision).where(
            Decision.match_id == match["id"])) == 1
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.entity == "matches", AuditEntry.entity_id == match["id"],
            AuditEntry.action == "decide")) == 0

    relay.come_back()
    status, _, decision = relayed_http.post(
        f"/api/v1/matches/{match['id']}/decisions",
        json={"to_status": "accepted", "version": match["version"]}, token=world.tokens["fac_a"])
    assert status == 201, decision


def test_database_down_answers_503_with_retry_after_as_problem_details(
        relayed_http: Http, relay: Relay, world) -> None:
    status, _, _ = relayed_http.get("/api/v1/me", token=world.tokens["fac_a"])
    assert status == 200
    relay.go_down()
    status, headers, problem = relayed_http.get("/api/v1/me", token=world.tokens["fac_a"])
    assert status == 503
    assert headers["Content-Type"] == "application/problem+json"
    assert int(headers["Retry-After"]) > 0
    assert problem["status"] == 503 and "Traceback" not in str(problem)
    relay.come_back()
    assert relayed_http.get("/api/v1/me", token=world.tokens["fac_a"])[0] == 200


def test_page_while_the_database_is_down_is_a_503_page_with_retry_after(
        relayed_http: Http, relay: Relay, world) -> None:
    import urllib.error

    assert relayed_http.post("/api/v1/session", json={"email": "fac-a@example.org",
                                                      "password": PASSWORD})[0] == 200
    relay.go_down()
    with pytest.raises(urllib.error.HTTPError) as refused:
        relayed_http._opener.open(relayed_http.base_url + "/", timeout=30)
    assert refused.value.code == 503
    assert int(refused.value.headers["Retry-After"]) > 0
    page = refused.value.read().decode()
    assert "Tijdelijk niet beschikbaar" in page and "Traceback" not in page
    relay.come_back()
    assert relayed_http.get("/api/v1/me")[0] == 200
