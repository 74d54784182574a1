"""`matchmaker report` and `matchmaker programme-report`: the yearly reports as files, made
by the same functions as the pages and the API (`matchmaker.reports`)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.cli_support import configured_embedder, database_session
from matchmaker.config import Settings
from matchmaker.reports.periods import Period
from models import Hub

FORMATS = ("xlsx", "csv", "pdf")


def _period(year: int | None, start: dt.datetime | None, end: dt.datetime | None) -> Period:
    if start or end:
        if not (start and end):
            raise click.BadParameter("give both --start and --end", param_hint="--start")
        if end < start:
            raise click.BadParameter("before --start", param_hint="--end")
        return Period.days(start.date(), end.date())
    return Period.year(year or dt.date.today().year)


def _hub(session: Session, wanted: str) -> Hub:
    query = sa.select(Hub).where(sa.or_(Hub.external_id == wanted, Hub.name == wanted,
                                        Hub.id == (int(wanted) if wanted.isdigit() else -1)))
    hub = session.scalars(query.order_by(Hub.id)).first()
    if hub is None:
        raise click.BadParameter(f"no hub {wanted!r} (its id, exchange id or name)",
                                 param_hint="--hub")
    return hub


def _opportunities(session: Session, settings: Settings, hub_ids: list[int] | None,
                   language: str):
    from matchmaker.reports import opportunities
    from matchmaker.suggestions import SuggestionService

    service = SuggestionService(configured_embedder(settings),
                                max_per_organisation=settings.max_per_organisation,
                                ann_threshold=settings.ann_threshold)
    return opportunities.find(session, service, hub_ids, language)


def _pdf(settings: Settings, report, language: str) -> bytes:
    """The report page printed by Chromium, rendered by the app as for a browser."""
    from flask import session as cookie

    from api.app import create_app
    from api.web.reports import printable_html, report_context
    from matchmaker.reports import pdf

    app = create_app(settings)
    try:
        with app.test_request_context(f"/hubs/{report.hub_id}/report"):
            cookie["language"] = language
            html = printable_html(report_context(report))
    finally:
        app.extensions["matchmaker.engine"].dispose()
    return pdf.html_to_pdf(html, settings.chromium)


@click.command("report")
@click.option("--hub", "hub_name", required=True, help="The hub's id, exchange id or name.")
@click.option("--year", type=click.IntRange(2000, 2100), help="Calendar year [default: this one].")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="First day, instead of --year.")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="Last day (included).")
@click.option("--format", "kind", type=click.Choice(FORMATS), default="xlsx", show_default=True)
@click.option("--lang", "language", type=click.Choice(("nl", "fr", "en")), default="nl",
              show_default=True)
@click.option("--no-opportunities", is_flag=True,
              help="Leave out the opportunities (they load the embedding model).")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def report_command(hub_name: str, year: int | None, start: dt.datetime | None,
                   end: dt.datetime | None, kind: str, language: str, no_opportunities: bool,
                   path: Path) -> None:
    """Write a hub's yearly report to PATH: Excel workbook, Belgian CSV or PDF."""
    from matchmaker.errors import Unavailable
    from matchmaker.reports import csv_report, hub_report, workbook

    settings = Settings.from_env()
    period = _period(year, start, end)
    with database_session(settings) as session:
        hub = _hub(session, hub_name)
        found = (None if no_opportunities or kind == "csv"
                 else _opportunities(session, settings, [hub.id], language))
        report = hub_report.build(session, hub.id, period, found)
    if kind == "xlsx":
        body = workbook.hub_workbook(report, language)
    elif kind == "csv":
        body = csv_report.hub_csv(report, language)
    else:
        try:
            body = _pdf(settings, report, language)
        except Unavailable as err:
            raise click.ClickException(str(err)) from err
    path.write_bytes(body)
    click.echo(f"{report.hub_name}, {period.start} to {period.last_day}: {path}", err=True)


@click.command("programme-report")
@click.option("--year", type=click.IntRange(2000, 2100), help="Calendar year [default: this one].")
@click.option("--lang", "language", type=click.Choice(("nl", "fr", "en")), default="nl",
              show_default=True)
@click.option("--no-opportunities", is_flag=True,
              help="Leave out the opportunities (they load the embedding model).")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def programme_report_command(year: int | None, language: str, no_opportunities: bool,
                             path: Path) -> None:
    """Write the programme's view of every hub to PATH as an Excel workbook."""
    from matchmaker.reports import programme, programme_workbook

    settings = Settings.from_env()
    period = _period(year, None, None)
    with database_session(settings) as session:
        view = programme.view(session, period, settings.weights)
        found = None if no_opportunities else _opportunities(session, settings, None, language)
    path.write_bytes(programme_workbook.programme_workbook(view, found, language))
    click.echo(f"{len(view.hubs)} hubs, {period.start.year}: {path}", err=True)
