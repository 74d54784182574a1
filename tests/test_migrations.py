"""The migrations build exactly the ORM's schema, on SQLite and PostgreSQL, and undo it."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from models import Base, current_revision, downgrade, make_engine, upgrade
from models.db import alembic_config


def _head() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def test_upgrade_from_empty_builds_exactly_the_orm_schema(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()
    assert current_revision(db_url) == _head()


def test_upgrade_seeds_the_index_version_row(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT id, version FROM index_version")).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in rows] == [(1, 0)]


def test_downgrade_to_base_leaves_no_tables(db_url: str) -> None:
    upgrade(db_url)
    downgrade(db_url, "base")
    engine = make_engine(db_url)
    try:
        tables = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert tables <= {"alembic_version"}
    assert current_revision(db_url) is None


def test_upgrade_after_downgrade_works_again(db_url: str) -> None:
    upgrade(db_url)
    downgrade(db_url, "base")
    upgrade(db_url)
    assert current_revision(db_url) == _head()


def test_alembic_commands_work_without_a_handed_over_connection(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'by-hand.sqlite'}"
    command.upgrade(alembic_config(url), "head")
    assert current_revision(url) == _head()


def test_sqlite_engine_uses_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "there.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            settings = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout")
            }
    finally:
        engine.dispose()
    assert settings == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 30000}
    assert path.exists()


def test_postgresql_urls_use_psycopg_3() -> None:
    for url in ("postgresql://u@h/db", "postgres://u@h/db", "postgresql+psycopg://u@h/db"):
        engine = make_engine(url)
        assert engine.dialect.driver == "psycopg"
        engine.dispose()


def test_downgrading_the_erasure_column_keeps_accounts_and_their_tokens(db_url: str) -> None:
    # rebuilding `users` (SQLite batch mode) would cascade to api_tokens and sign_ins
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO users (id, email, display_name, role, language, is_active,"
                " created_at) VALUES (1, 'a@example.org', '', 'admin', 'nl', true,"
                " '2026-01-01')"))
            connection.execute(sa.text(
                "INSERT INTO api_tokens (user_id, name, token_hash, created_at)"
                " VALUES (1, 'laptop', 'h', '2026-01-01')"))
        before = ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision(
            "0005_sec_data").down_revision
        downgrade(db_url, before)
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM api_tokens")).scalar() == 1
            assert "erased_at" not in {c["name"] for c in sa.inspect(connection).get_columns(
                "users")}
    finally:
        engine.dispose()
