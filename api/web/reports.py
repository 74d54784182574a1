"""A hub's yearly report as a printable page (A4), as a PDF printed from that page, as an
Excel workbook and as a CSV file for Belgian spreadsheets; and the hub's opportunities.

Everything comes from `matchmaker.reports`; who may read it from `matchmaker.scoping`
(the hub's facilitators and the programme; anyone else gets a 404). The PDF is the page
itself, printed by a headless Chromium (`matchmaker.reports.pdf`); without Chromium the
page says so and the browser's own printing still works.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Response, current_app, render_template, request
from flask_babel import format_date, format_decimal, format_percent, get_locale
from flask_babel import gettext as _

from api.db import db_session
from api.suggestion_index import suggestion_service
from api.web.charts import Chart, column_chart, progress_chart
from api.web.common import bp, form_day, page, signed_in
from api.web.i18n import page_language
from matchmaker import kpis, limits, scoping
from matchmaker.errors import NotFound, Unavailable
from matchmaker.reports import csv_report, hub_report, opportunities, pdf, words, workbook
from matchmaker.reports.hub_report import CHARTED, HubReport, Month
from matchmaker.reports.periods import Period
from models import Hub

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATIC = Path(__file__).resolve().parents[1] / "static"
# inlined in the PDF's page, which Chromium reads from a file and nothing else
PRINT_STYLESHEETS = ("site.css", "report.css")


class PeriodRefused(Exception):
    """A period asked in the query that is no date or outside the service's range."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


@bp.errorhandler(PeriodRefused)
def _period_refused(error: PeriodRefused) -> tuple[str, int]:
    return page("error.html", 400, title=_("Period not shown"),
                message=" ".join(error.errors.values()))


def period_from_query(errors: dict[str, str] | None = None) -> Period:
    """`year`, or `start` and `end` (both included), from the query; else this year.
    A date that is none or lies outside the service's range (`matchmaker.limits`) goes
    into `errors` under its field, and this year is shown instead; without `errors` to
    fill it is a 400 page (a download of a period nobody can ask for)."""
    problems: dict[str, str] = {}
    this_year = Period.year(dt.date.today().year)
    year = request.args.get("year", "").strip()
    if year:
        if year.isdigit() and limits.FIRST_DAY.year <= int(year) <= limits.LAST_DAY.year:
            return Period.year(int(year))
        problems["year"] = _("Give a year, for example 2025.")
    first = form_day(request.args, "start", problems) if request.args.get("start") else None
    last = form_day(request.args, "end", problems) if request.args.get("end") else None
    if problems:
        if errors is None:
            raise PeriodRefused(problems)
        errors.update(problems)
        return this_year
    if first is None:
        return this_year
    return Period.days(first, max(first, last or dt.date(first.year, 12, 31)))


def reported_hub(hub_id: int) -> Hub:
    """The hub, if the signed-in user may read its report; a 404 otherwise."""
    user = signed_in()
    hub = db_session().get(Hub, hub_id)
    if hub is None or not scoping.reads_hub_report(user, hub.id):
        raise NotFound(f"hub {hub_id} not found")
    return hub


def kpi_number(value: float | None, unit: str) -> str:
    """A KPI's value as the page shows it: a rate in %, FTE with two decimals."""
    if value is None:
        return "—"
    if unit == "ratio":
        return format_percent(value, "#,##0.#%")
    return format_decimal(value, {"FTE": "#,##0.00", "days": "#,##0.#"}.get(unit, "#,##0.##"))


def monthly_charts(months: list[Month], charted: tuple[str, ...] = CHARTED
                   ) -> dict[str, Chart]:
    """One column chart per KPI, month by month; the same computation as the totals."""
    labels = [format_date(m.period.start, "MMM yy") for m in months]
    language = page_language()
    return {kpi: column_chart(words.kpi(kpi, language),
                              list(zip(labels, [m.report.value(kpi) for m in months],
                                       strict=True)),
                              lambda v: format_decimal(v, "#,##0.##"),
                              label_every=2 if len(months) > 12 else 1)
            for kpi in charted}


def progress_of(rows: list[kpis.KpiRow], title: str) -> Chart | None:
    with_target = [(words.kpi(r.kpi, page_language()), r.progress) for r in rows
                   if "." not in r.kpi and r.progress is not None]
    if not with_target:
        return None
    return progress_chart(title, with_target, lambda v: format_percent(v, "#,##0%"))


def _report(hub_id: int, with_opportunities: bool) -> HubReport:
    hub, period = reported_hub(hub_id), period_from_query()
    found = (opportunities.find(db_session(), suggestion_service(), [hub.id], page_language())
             if with_opportunities else None)
    return hub_report.build(db_session(), hub.id, period, found)


def report_context(report: HubReport) -> dict:
    return {
        "report": report, "title": f"{words.report_title(report.period, page_language())} — "
                                   f"{report.hub_name}",
        "objectives": kpis.OBJECTIVES,
        "charted_by_objective": {o: [r.kpi for r in report.kpis.rows
                                     if r.objective == o and r.kpi in CHARTED]
                                 for o in kpis.OBJECTIVES},
        "progress": progress_of(report.kpis.rows, _("Progress towards the targets")),
        "monthly": monthly_charts(report.months), "kpi_number": kpi_number,
    }


def _query() -> dict[str, str]:
    period = period_from_query()
    if period.is_calendar_year:
        return {"year": str(period.start.year)}
    return {"start": period.start.isoformat(), "end": period.last_day.isoformat()}


@bp.get("/hubs/<int:hub_id>/report")
def hub_report_page(hub_id: int) -> tuple[str, int]:
    settings = current_app.extensions["matchmaker.settings"]
    return page("report.html", hub=reported_hub(hub_id), query=_query(),
                pdf_available=pdf.find_chromium(settings.chromium) is not None,
                may_edit=scoping.facilitates(signed_in(), hub_id),
                **report_context(_report(hub_id, with_opportunities=True)))


def printable_html(context: dict) -> str:
    """The report page as one self-contained document for Chromium to print."""
    css = "\n".join((STATIC / name).read_text(encoding="utf-8") for name in PRINT_STYLESHEETS)
    return render_template("report_pdf.html", css=css, language=str(get_locale()), **context)


def _download(body: bytes, mimetype: str, report: HubReport, suffix: str) -> Response:
    name = f"report-hub{report.hub_id}-{report.period.start}-{report.period.last_day}.{suffix}"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/hubs/<int:hub_id>/report.pdf")
def hub_report_pdf(hub_id: int) -> Response | tuple[str, int]:
    report = _report(hub_id, with_opportunities=True)
    html = printable_html(report_context(report))
    settings = current_app.extensions["matchmaker.settings"]
    try:
        body = pdf.html_to_pdf(html, settings.chromium)
    except Unavailable as err:
        current_app.logger.warning("no PDF report: %s", err)
        return page("error.html", 503, title=_("No PDF on this server"), message=_(
            "This server cannot make the PDF now: Chromium is missing or failed. Print the "
            "report page from your browser instead and choose Save as PDF."))
    return _download(body, "application/pdf", report, "pdf")


@bp.get("/hubs/<int:hub_id>/report.xlsx")
def hub_report_xlsx(hub_id: int) -> Response:
    report = _report(hub_id, with_opportunities=True)
    return _download(workbook.hub_workbook(report, page_language()), XLSX, report, "xlsx")


@bp.get("/hubs/<int:hub_id>/report.csv")
def hub_report_csv(hub_id: int) -> Response:
    report = _report(hub_id, with_opportunities=False)
    return _download(csv_report.hub_csv(report, page_language()), "text/csv; charset=utf-8",
                     report, "csv")


@bp.get("/hubs/<int:hub_id>/opportunities")
def hub_opportunities(hub_id: int) -> tuple[str, int]:
    hub = reported_hub(hub_id)
    found = opportunities.find(db_session(), suggestion_service(), [hub.id], page_language())
    return page("opportunities.html", hub=hub, found=found, show_hub=False)
