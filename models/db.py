"""Engines, sessions and schema migrations.

`make_engine` gives every backend the settings it needs (SQLite: WAL, foreign
keys, a busy timeout, secure delete; PostgreSQL: the psycopg 3 driver and pre-ping).
Tables are created and changed only through the Alembic migrations shipped
inside this package, via `upgrade` and `downgrade`.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _normalise_url(url: str) -> sa.URL:
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets web workers read while one of them writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Deleted and overwritten content is zeroed, not left in free space and free pages,
    # so erased personal data is gone from the file (see `truncate_wal` for the log).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _sqlite_begin_before_savepoint(connection: sa.Connection, name: str) -> None:
    # pysqlite opens a transaction only at the first write, which reads like READ
    # COMMITTED and keeps optimistic locking conflicts StaleDataErrors; but a SAVEPOINT
    # taken before that write would start, and on release commit, a transaction of its own.
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for a SQLite or PostgreSQL URL; extra keyword arguments go to `create_engine`."""
    parsed = _normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(parsed, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "savepoint", _sqlite_begin_before_savepoint)
        return engine
    return sa.create_engine(parsed, pool_pre_ping=True, **kwargs)


def truncate_wal(engine: Engine) -> bool:
    """Copy a SQLite database's write-ahead log into the database and empty the log file,
    so earlier versions of changed rows (an erased address) remain in no file; False when
    a reader kept it busy beyond the busy timeout. Other backends: nothing to do, True."""
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as connection:
        busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()[0]
    return busy == 0


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (schemas dump them afterwards)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    """An Alembic configuration built in code, so no alembic.ini is needed anywhere."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation would choke on '%' in passwords.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _run(url: str, action: Callable[[Config, str], None], revision: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            action(config, revision)
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision` (creating it from empty if need be)."""
    _run(url, command.upgrade, revision)


def downgrade(url: str, revision: str) -> None:
    """Take the database at `url` down to `revision` ("base" removes every table)."""
    _run(url, command.downgrade, revision)


def current_revision(url: str) -> str | None:
    """The revision the database at `url` is at, None when it was never migrated."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
