"""Shared fixtures.

Database: `db_url` runs a test once on a fresh SQLite file and once on a fresh
PostgreSQL database (skipped when no server answers); `engine`, `session_factory`
and `session` sit on top of it, migrated to head the way production is.
"""
from __future__ import annotations

import functools
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from models import make_engine, make_session_factory, upgrade

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


# The longest tests (whole-API fuzzing, the load benchmark's smoke run, the class tests that
# walk every export) start first, so the parallel workers do not end waiting on one of them.
LONG_FIRST = ("test_api_schemathesis.py", "test_reliability_load_smoke.py",
              "test_exports_follow_reads.py", "test_fuzz_edges.py", "test_reliability_import.py",
              "test_fuzz_endpoints.py", "test_notebooks.py", "test_embedders.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.path.name not in LONG_FIRST)   # stable: else in order


@pytest.fixture(scope="session")
def _postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can; asked once per test run."""
    engine = make_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return None
    except sa.exc.OperationalError as err:
        return str(err.orig or err).strip()
    finally:
        engine.dispose()


def _postgres_admin() -> Engine:
    # CREATE/DROP DATABASE cannot run inside a transaction.
    return make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")


def _create_database(name: str, template: str | None = None) -> str:
    admin = _postgres_admin()
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(
                f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    finally:
        admin.dispose()
    return sa.make_url(POSTGRES_URL).set(database=name).update_query_dict(
        {"application_name": name}).render_as_string(hide_password=False)


def _drop_database(name: str) -> None:
    admin = _postgres_admin()
    try:
        with admin.connect() as connection:
            # FORCE: a connection the test left open would otherwise block the DROP forever.
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _postgres_fresh_database(problem: str | None) -> Iterator[str]:
    """An empty PostgreSQL database of its own, dropped afterwards."""
    if problem:
        shown = sa.make_url(POSTGRES_URL).render_as_string(hide_password=True)
        pytest.skip(f"PostgreSQL not reachable at {shown}: {problem}")
    name = f"test_{uuid.uuid4().hex[:12]}"
    url = _create_database(name)
    try:
        yield url
    finally:
        _drop_database(name)


@pytest.fixture(scope="session")
def _postgres_template(_postgres_problem: str | None) -> Iterator[str]:
    """A database migrated to head once per run (and per xdist worker); tests get copies of it.
    Copying a template takes ~30 ms where running the migrations takes ~1 s."""
    if _postgres_problem:
        pytest.skip(f"PostgreSQL not reachable: {_postgres_problem}")
    name = f"template_{uuid.uuid4().hex[:12]}"
    upgrade(_create_database(name))
    yield name
    _drop_database(name)


def _migrated_postgres(url: str, template: str) -> None:
    """Replace the (empty, unused) database of `url` by a copy of the migrated template."""
    name = sa.make_url(url).database
    _drop_database(name)
    _create_database(name, template)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, not migrated: a SQLite file or a PostgreSQL database of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'matchmaker.sqlite'}"
    else:
        # Asked for lazily so SQLite-only runs never wait on a connect timeout.
        yield from _postgres_fresh_database(request.getfixturevalue("_postgres_problem"))


@pytest.fixture(scope="session")
def _migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per run; copying it beats migrating each test."""
    path = tmp_path_factory.mktemp("template") / "migrated.sqlite"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def engine(db_url: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An engine on `db_url`, migrated to head (a copy of a database migrated once per run;
    tests/test_migrations.py runs the migrations themselves on empty databases)."""
    url = sa.make_url(db_url)
    if url.get_backend_name() == "sqlite":
        shutil.copyfile(request.getfixturevalue("_migrated_sqlite_file"), url.database)
    elif (url.host, url.port) == (sa.make_url(POSTGRES_URL).host, sa.make_url(POSTGRES_URL).port):
        _migrated_postgres(db_url, request.getfixturevalue("_postgres_template"))
    else:   # a server of the test's own (tests/test_reliability_postgres_restart.py)
        upgrade(db_url)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


# --- API: the app served over real HTTP, and a small world of hubs, organisations and users ---

class Http:
    """A minimal HTTP client on the standard library: JSON in, (status, headers, JSON) out.

    Keeps cookies, so signing in with POST /api/v1/session works as in a browser, and
    sends back the CSRF token that sign-in hands out on its writes, as a page's script would.
    """

    UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

    def __init__(self, base_url: str) -> None:
        import http.cookiejar
        import urllib.request

        self.base_url = base_url
        self.csrf_token: str | None = None
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, method: str, path: str, json: object = None, token: str | None = None,
                headers: dict[str, str] | None = None, data: bytes | None = None,
                ) -> tuple[int, dict[str, str], object]:
        import json as json_module
        import urllib.error
        import urllib.request

        body = data if data is not None else (
            None if json is None else json_module.dumps(json).encode())
        request = urllib.request.Request(self.base_url + path, data=body, method=method)
        if json is not None or data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        elif method in self.UNSAFE and self.csrf_token:
            request.add_header("X-CSRF-Token", self.csrf_token)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with self._opener.open(request, timeout=30) as response:
                status, raw, got = response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as err:
            status, raw, got = err.code, err.read(), dict(err.headers)
        self.csrf_token = got.get("X-CSRF-Token", self.csrf_token)
        return status, got, (json_module.loads(raw) if raw.strip() else None)

    def get(self, path: str, **kw: object) -> tuple[int, dict[str, str], object]:
        return self.request("GET", path, **kw)

    def post(self, path: str, json: object = None, **kw: object
             ) -> tuple[int, dict[str, str], object]:
        return self.request("POST", path, json=json, **kw)

    def patch(self, path: str, json: object = None, **kw: object
              ) -> tuple[int, dict[str, str], object]:
        return self.request("PATCH", path, json=json, **kw)

    def delete(self, path: str, **kw: object) -> tuple[int, dict[str, str], object]:
        return self.request("DELETE", path, **kw)

    def put_json(self, path: str, json: object = None, **kw: object
                 ) -> tuple[int, dict[str, str], object]:
        return self.request("PUT", path, json=json, **kw)

    def raw(self, method: str, path: str, token: str | None = None) -> bytes:
        """The body of a successful non-JSON response (CSV, Excel, ...)."""
        import urllib.request

        request = urllib.request.Request(self.base_url + path, method=method)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with self._opener.open(request, timeout=30) as response:
            return response.read()


@pytest.fixture
def api_app(engine: Engine, db_url: str, tmp_path: Path):
    """The Flask app on the test database (migrated by `engine`)."""
    from api.app import create_app
    from matchmaker.config import Settings

    app = create_app(Settings(home=tmp_path / "home", database_url=db_url,
                              secret_key="test-secret"))
    yield app
    app.extensions["matchmaker.engine"].dispose()


@pytest.fixture
def live_api(api_app) -> Iterator[str]:
    """The app served over HTTP on a free local port, in a thread; yields its base URL."""
    from tests.serving import serving

    with serving(api_app) as base_url:
        yield base_url


@pytest.fixture
def http(live_api: str) -> Http:
    return Http(live_api)


PASSWORD = "correct horse battery"


@functools.cache
def _world_password_hash() -> str:
    """argon2id costs ~0.2-1 s by design; every world's users share one password, hashed
    once per process (signing in still verifies it for real)."""
    from matchmaker.accounts import hash_password

    return hash_password(PASSWORD)


def build_world(session_factory: sessionmaker[Session]):
    """Two hubs, each with a company and a social enterprise (one member each, one stream or
    capacity each), a facilitator per hub and an admin; every user has an API token.

    Built through the same domain functions the API calls.
    """
    from types import SimpleNamespace

    from matchmaker import registration
    from matchmaker.tokens import create_api_token
    from models import Capacity, Contact, Organisation, Stream, User

    w = SimpleNamespace(tokens={}, ids={})
    password_hash = _world_password_hash()
    with session_factory() as session:
        admin = User(email="admin@example.org", role="admin", password_hash=password_hash)
        session.add(admin)
        session.flush()
        users = {"admin": admin}
        for hub_key in ("a", "b"):
            hub = registration.create_hub(session, admin, {"name": f"Hub {hub_key.upper()}"})
            facilitator = User(email=f"fac-{hub_key}@example.org", role="facilitator",
                               password_hash=password_hash, hubs=[hub])
            session.add(facilitator)
            users[f"fac_{hub_key}"] = facilitator
            w.ids[f"hub_{hub_key}"] = hub.id
            for kind, short in (("company", "co"), ("social_enterprise", "se")):
                org = registration.create_organisation(session, admin, hub, {
                    "name": f"{short.upper()} {hub_key.upper()}", "kind": kind, "language": "nl"})
                org.contacts.append(Contact(name=f"Person {short} {hub_key}",
                                            email=f"person-{short}-{hub_key}@example.org"))
                member = User(email=f"{short}-{hub_key}@example.org", role="member",
                              password_hash=password_hash, organisation=org)
                session.add(member)
                users[f"{short}_{hub_key}"] = member
                w.ids[f"org_{short}_{hub_key}"] = org.id
            stream = registration.create_item(
                session, admin, Stream, session.get(Organisation, w.ids[f"org_co_{hub_key}"]),
                {"title": f"Werkkledij {hub_key}", "materials": ["workwear"],
                 "services_wanted": ["collection"]})
            capacity = registration.create_item(
                session, admin, Capacity, session.get(Organisation, w.ids[f"org_se_{hub_key}"]),
                {"title": f"Textielsortering {hub_key}", "materials": ["textiles"],
                 "services": ["collection", "sorting"]})
            w.ids[f"stream_{hub_key}"], w.ids[f"capacity_{hub_key}"] = stream.id, capacity.id
        session.flush()
        for key, user in users.items():
            w.tokens[key] = create_api_token(session, user, "test")[1]
            w.ids[f"user_{key}"] = user.id
        session.commit()
    return w


@pytest.fixture
def world(session_factory: sessionmaker[Session]):
    return build_world(session_factory)


# --- one app, served over HTTP on one world, shared by a whole module ---------------------
# For modules whose tests only read, or write rows of their own: the world, the migration
# and the server are built once per module and database, not once per test.

@pytest.fixture(scope="module", params=["sqlite",
                                        pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("shared") / "matchmaker.sqlite"
        shutil.copyfile(request.getfixturevalue("_migrated_sqlite_file"), path)
        yield f"sqlite:///{path}"
    else:
        for url in _postgres_fresh_database(request.getfixturevalue("_postgres_problem")):
            _migrated_postgres(url, request.getfixturevalue("_postgres_template"))
            yield url


@pytest.fixture(scope="module")
def shared_api(shared_db_url: str, tmp_path_factory: pytest.TempPathFactory):
    """The app on its own database with the `world`, served on a threaded HTTP server:
    `base_url`, `app`, `engine`, `session_factory`, `world`, and `http()` for a new client."""
    from types import SimpleNamespace

    from api.app import create_app
    from matchmaker.config import Settings
    from tests.serving import serving

    engine = make_engine(shared_db_url)
    session_factory = make_session_factory(engine)
    world = build_world(session_factory)
    app = create_app(Settings(home=tmp_path_factory.mktemp("home"),
                              database_url=shared_db_url, secret_key="test-secret"))
    with serving(app) as base_url:
        yield SimpleNamespace(base_url=base_url, app=app, engine=engine,
                              session_factory=session_factory, world=world,
                              http=lambda: Http(base_url))
    app.extensions["matchmaker.engine"].dispose()
    engine.dispose()


class SmtpInbox:
    """A real (minimal) SMTP server on a free local port (or `port`, to come back where it
    was after `close`) that keeps what it receives, or answers every recipient with
    `refuse`."""

    def __init__(self, port: int = 0, messages: list | None = None,
                 refuse: bytes = b"") -> None:
        import socketserver
        import threading
        from email import message_from_bytes, policy

        self.messages: list = [] if messages is None else messages
        inbox = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                self.wfile.write(b"220 test SMTP\r\n")
                while line := self.rfile.readline():
                    verb = line[:4].upper()
                    if verb == b"DATA":
                        self.wfile.write(b"354 go ahead\r\n")
                        data = b""
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data += chunk[1:] if chunk.startswith(b"..") else chunk
                        inbox.messages.append(message_from_bytes(data, policy=policy.default))
                        self.wfile.write(b"250 queued\r\n")
                    elif verb == b"QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    elif verb == b"RCPT" and refuse:  # e.g. b"550 no such user"
                        self.wfile.write(refuse + b"\r\n")
                    elif verb == b"EHLO":
                        self.wfile.write(b"250 test\r\n")
                    else:
                        self.wfile.write(b"250 ok\r\n")

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True  # back on its port right after `close`

        self._server = Server(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self.url = f"smtp://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def smtp_inbox() -> Iterator[SmtpInbox]:
    inbox = SmtpInbox()
    yield inbox
    inbox.close()


@pytest.fixture(scope="module")
def chromium(request: pytest.FixtureRequest) -> Iterator[object]:
    """One browser for a browser test module; its screenshots go to the module's
    `ARTIFACTS` (tests/e2e/browser.py)."""
    from tests.e2e.browser import launched

    with launched(request.module.ARTIFACTS) as browser:
        yield browser
