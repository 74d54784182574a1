"""Backups and restores of the service's database.

SQLite is copied with its online backup API, so the service keeps running: in WAL
mode the copy reads one consistent snapshot while writers go on. A restore checks
the copy first (`PRAGMA integrity_check`, the schema revision this code expects),
refuses while anything else has the target open, and writes it into the target
through the same API under an exclusive lock, so no one sees a half-copied file. PostgreSQL is left to its own tools:
`pg_dump_command` says which command to run and how to restore it.
"""
from __future__ import annotations

import shlex
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from models.db import alembic_config

from .errors import Conflict, FieldError, ValidationError

# How long a backup or restore waits for another connection's write lock.
BUSY_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size_bytes: int
    revision: str | None


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite URL; None for any other database."""
    url = sa.make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise ValidationError([FieldError("database_url", "a SQLite file is needed to back up")])
    return Path(url.database)


def pg_dump_command(database_url: str, path: Path) -> str:
    """The `pg_dump` command that writes a restorable custom-format dump of the database."""
    url = sa.make_url(database_url)
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=True)
    return shlex.join(["pg_dump", "--format=custom", "--no-owner", f"--file={path}", libpq])


def pg_restore_command(database_url: str, path: Path) -> str:
    url = sa.make_url(database_url)
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=True)
    return shlex.join(["pg_restore", "--clean", "--if-exists", "--no-owner",
                       f"--dbname={libpq}", str(path)])


def expected_revision() -> str | None:
    """The schema revision this code works with (the newest migration)."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return connection


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def backup_sqlite(database_url: str, target: Path) -> BackupReport:
    """Copy the live SQLite database to `target` (a new file) without stopping the service."""
    source_path = sqlite_path(database_url)
    if source_path is None:
        raise ValidationError([FieldError("database_url", "not SQLite; use pg_dump_command")])
    if not source_path.is_file():
        raise ValidationError([FieldError("database_url", f"{source_path} does not exist")])
    if target.exists():
        raise Conflict(f"{target} exists; choose a new file so no backup is overwritten")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with closing(_connect(source_path)) as source, closing(sqlite3.connect(partial)) as copy:
        # All pages in one step: the copy reads one snapshot; done in several steps, every
        # write by another connection would restart it, and a busy service never finishes.
        source.backup(copy, pages=-1)
        # Rollback journal mode makes the backup a single self-contained file.
        copy.execute("PRAGMA journal_mode=DELETE")
        revision = _revision(copy)
    partial.rename(target)
    return BackupReport(target, target.stat().st_size, revision)


def check_backup(path: Path) -> str:
    """The schema revision of a backup file, after checking it is sound and current."""
    if not path.is_file():
        raise ValidationError([FieldError("backup", f"{path} does not exist")])
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        try:
            result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as err:
            raise ValidationError([FieldError("backup", f"not a SQLite database: {err}")]) from err
        if result != ["ok"]:
            raise ValidationError([FieldError("backup", "integrity check failed: "
                                              + "; ".join(result[:5]))])
        revision = _revision(connection)
    wanted = expected_revision()
    if revision != wanted:
        raise ValidationError([FieldError(
            "backup", f"schema revision {revision or 'none'}, this version needs {wanted}; "
                      "restore with the version that made it, then run `matchmaker migrate`")])
    return revision


def _claim(path: Path) -> sqlite3.Connection:
    """A connection holding the database alone; Conflict while any other connection is open.

    In WAL mode every open connection, even an idle one in a pool, keeps a shared lock,
    so the exclusive lock is refused while the service runs.
    """
    connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        connection.execute("PRAGMA locking_mode=EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        # In exclusive locking mode the lock outlives the transaction, until close.
        connection.execute("ROLLBACK")
    except sqlite3.OperationalError as err:
        connection.close()
        raise Conflict(f"{path} is in use ({err}); stop the service before restoring") from err
    return connection


def restore_sqlite(backup: Path, database_url: str) -> str:
    """Replace the SQLite database with a checked backup; returns the backup's revision.

    Refused (Conflict) while another connection has the database open: a running
    service would keep serving from its in-memory suggestion index.
    """
    revision = check_backup(backup)
    target_path = sqlite_path(database_url)
    if target_path is None:
        raise ValidationError([FieldError("database_url", "not SQLite; use pg_restore_command")])
    target_path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as source, \
            closing(_claim(target_path)) as target:
        source.backup(target, pages=-1)
        target.execute("PRAGMA journal_mode=WAL")
        result = [row[0] for row in target.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        raise ValidationError([FieldError("database_url", "restored database fails its "
                                          "integrity check: " + "; ".join(result[:5]))])
    return revision
