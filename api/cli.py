"""The `matchmaker` command line: one entry point for operators and CI.

Commands are thin: parse options, call a `matchmaker` service function, print.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from matchmaker.config import Settings


def settings() -> Settings:
    return Settings.from_env()


@click.group(help="Circular-social matchmaker: streams, capacities and matches for the hubs.")
def main() -> None:
    """Entry point of the console script."""


@main.command("migrate")
def migrate_command() -> None:
    """Create the database or bring it up to the latest schema."""
    from models import upgrade

    s = settings()
    upgrade(s.database_url)
    click.echo(f"Database is up to date: {s.database_url.split('@')[-1]}")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="gunicorn workers [default: cores + 1]")
@click.option("--dev", is_flag=True, help="Flask's development server instead of gunicorn.")
def serve_command(host: str, port: int, workers: int | None, dev: bool) -> None:
    """Serve the web app and the API."""
    from api.app import create_app
    from api.serve import default_workers, run_gunicorn

    s = settings()
    if dev:
        create_app(s).run(host=host, port=port, debug=False)
        return
    run_gunicorn(s, host, port, workers or default_workers())


@main.command("gdpr-retention")
@click.option("--days", type=int, default=None,
              help="Inactivity period [default: MATCHMAKER_CONTACT_RETENTION_DAYS, 3 years]")
def gdpr_retention_command(days: int | None) -> None:
    """Erase the personal data of contacts inactive for longer than the retention period."""
    from matchmaker.gdpr import apply_retention, purge_copies
    from matchmaker.mail import Mailer
    from models import make_engine, make_session_factory

    s = settings()
    engine = make_engine(s.database_url)
    try:
        with make_session_factory(engine)() as session:
            erased = apply_retention(session, days if days is not None
                                     else s.contact_retention_days)
            session.commit()
        if not purge_copies(engine, Mailer(s), erased):
            click.echo("the database's write-ahead log was busy; the next erasure empties it",
                       err=True)
    finally:
        engine.dispose()
    click.echo(f"{len(erased)} contact(s) erased")


@main.command("geocode")
@click.option("--refresh", is_flag=True,
              help="Place every geocoded row again (after a gazetteer update), not only new ones.")
def geocode_command(refresh: bool) -> None:
    """Give stored organisations, streams and capacities their point from their postcode or
    municipality; coordinates given with a row are never changed."""
    from api.cli_support import database_session
    from matchmaker.places.geocode import geocode_stored

    with database_session(settings()) as session:
        report = geocode_stored(session, refresh=refresh)
        session.commit()
    for table, count in report.located.items():
        click.echo(f"{table}: {count} located")
    for line in report.failed:
        click.echo(f"not located: {line}", err=True)
    if report.failed:
        sys.exit(1)


@main.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--source", default="exchange", show_default=True,
              help="Name of the system the file comes from; ids are unique per source.")
def import_command(path: Path, source: str) -> None:
    """Import an exchange JSON file, a CSV file or a folder of CSV files (all or nothing);
    `matchmaker index` then analyses and embeds the new and changed items."""
    from tqdm import tqdm

    from matchmaker.errors import ValidationError
    from matchmaker.exchange import import_file
    from models import make_engine, make_session_factory, upgrade

    s = settings()
    upgrade(s.database_url)
    engine = make_engine(s.database_url)
    try:
        with tqdm(unit="record", file=sys.stderr, disable=None) as bar, \
                make_session_factory(engine)() as session:
            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            try:
                # the analysis runs in `matchmaker index`, beside the embedding
                report = import_file(session, path, source, progress, store_analysis=False)
            except ValidationError as err:
                bar.close()
                for error in err.errors:
                    click.echo(str(error), err=True)
                raise click.ClickException(
                    f"{len(err.errors)} error(s); nothing was imported") from err
    finally:
        engine.dispose()
    for line in report.lines():
        click.echo(line)
    if report.changed:
        click.echo("run `matchmaker index` to analyse and embed the new and changed items")


@main.command("export")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--hub", "hubs", multiple=True, help="Only this hub (its id in the file); repeatable.")
@click.option("--no-contacts", is_flag=True, help="Leave out contact persons (personal data).")
def export_command(path: Path | None, hubs: tuple[str, ...], no_contacts: bool) -> None:
    """Export the published data as an exchange JSON file (stdout without PATH)."""
    import json

    import sqlalchemy as sa

    from matchmaker.exchange import export_exchange
    from models import Hub, make_engine, make_session_factory

    engine = make_engine(settings().database_url)
    try:
        with make_session_factory(engine)() as session:
            hub_ids = None
            if hubs:
                found = dict(session.execute(sa.select(Hub.external_id, Hub.id)
                                             .where(Hub.external_id.in_(hubs))).all())
                unknown = [h for h in hubs if h not in found and not h.isdigit()]
                if unknown:
                    raise click.BadParameter(f"no hub with id {', '.join(unknown)}",
                                             param_hint="--hub")
                hub_ids = [found.get(h) or int(h) for h in hubs]
            document = export_exchange(session, hub_ids, include_contacts=not no_contacts)
    finally:
        engine.dispose()
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if path is None:
        click.echo(text, nl=False)
    else:
        path.write_text(text, encoding="utf-8")
        click.echo(f"{sum(len(document[k]) for k in document if k != 'format')} records "
                   f"written to {path}", err=True)


def _register() -> None:
    from api.cli_backup import backup_command, restore_command
    from api.cli_demo import demo_command
    from api.cli_ranking import (
        evaluate_command,
        index_command,
        rank_command,
        train_scorer_command,
    )
    from api.cli_reports import programme_report_command, report_command

    for command in (index_command, rank_command, evaluate_command, train_scorer_command,
                    demo_command, backup_command, restore_command, report_command,
                    programme_report_command):
        main.add_command(command)


_register()

if __name__ == "__main__":
    main()
