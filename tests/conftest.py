"""Shared fixtures.

Database: `db_url` runs a test once on a fresh SQLite file and once on a fresh
PostgreSQL schema (skipped when no server answers); `engine`, `session_factory`
and `session` sit on top of it, migrated to head the way production is.
"""
from __future__ import annotations

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


def _postgres_url_in_fresh_schema(problem: str | None) -> Iterator[str]:
    if problem:
        shown = sa.make_url(POSTGRES_URL).render_as_string(hide_password=True)
        pytest.skip(f"PostgreSQL not reachable at {shown}: {problem}")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = sa.make_url(POSTGRES_URL).update_query_dict(
            {"options": f"-csearch_path={schema}", "application_name": schema}
        )
        yield url.render_as_string(hide_password=False)
        with admin.begin() as connection:
            # A connection the test left open would hold locks and block the DROP forever.
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = :schema AND pid <> pg_backend_pid()"
                ),
                {"schema": schema},
            )
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, not migrated: a SQLite file or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'matchmaker.sqlite'}"
    else:
        # Asked for lazily so SQLite-only runs never wait on a connect timeout.
        yield from _postgres_url_in_fresh_schema(request.getfixturevalue("_postgres_problem"))


@pytest.fixture(scope="session")
def _migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per run; copying it beats migrating each test."""
    path = tmp_path_factory.mktemp("template") / "migrated.sqlite"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def engine(db_url: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An engine on `db_url`, migrated to head."""
    url = sa.make_url(db_url)
    if url.get_backend_name() == "sqlite":
        shutil.copyfile(request.getfixturevalue("_migrated_sqlite_file"), url.database)
    else:
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
