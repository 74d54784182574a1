"""`matchmaker backup` and `matchmaker restore`: the database copied out and back."""
from __future__ import annotations

from pathlib import Path

import click

from matchmaker.backup import (
    backup_sqlite,
    pg_dump_command,
    pg_restore_command,
    restore_sqlite,
    sqlite_path,
)
from matchmaker.config import Settings
from matchmaker.errors import Conflict, ValidationError


def _fail(err: ValidationError | Conflict) -> click.ClickException:
    if isinstance(err, ValidationError):
        return click.ClickException("; ".join(str(e) for e in err.errors))
    return click.ClickException(str(err))


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Copy the database to PATH while the service runs (SQLite; prints pg_dump otherwise)."""
    url = Settings.from_env().database_url
    if sqlite_path(url) is None:
        click.echo("PostgreSQL is backed up with its own tool; run:")
        click.echo(f"  {pg_dump_command(url, path)}")
        return
    try:
        report = backup_sqlite(url, path)
    except (ValidationError, Conflict) as err:
        raise _fail(err) from err
    click.echo(f"Backup written to {report.path} ({report.size_bytes} bytes, "
               f"schema revision {report.revision})")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database with the backup PATH, after checking it. Stop the service first."""
    url = Settings.from_env().database_url
    if sqlite_path(url) is None:
        click.echo("PostgreSQL is restored with its own tool; run:")
        click.echo(f"  {pg_restore_command(url, path)}")
        return
    if not yes:
        click.confirm(f"Replace {sqlite_path(url)} with {path}?", abort=True)
    try:
        revision = restore_sqlite(path, url)
    except (ValidationError, Conflict) as err:
        raise _fail(err) from err
    click.echo(f"Restored {path} (schema revision {revision}); start the service again.")
