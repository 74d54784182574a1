"""A hub's own pages: the KPI dashboard per period with its targets and downloads. Figures
come from `matchmaker.kpis`, for the hub's facilitators only (others get a 404). The
activities that feed them are `api/web/activities.py`; the yearly report made of the same
figures is `api/web/reports.py`."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask import Response, flash, redirect, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _

from api.db import db_session
from api.web.common import bp, form_number, page, signed_in
from api.web.i18n import page_language
from api.web.reports import kpi_number, monthly_charts, period_from_query
from api.web.review import facilitated_hub
from matchmaker import kpis, limits
from matchmaker.errors import ValidationError
from matchmaker.reports import hub_report, targets, words

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHARTED = ("matches_accepted", "new_assignments", "streams_registered", "network_activities")


def _report(hub_id: int) -> kpis.KpiReport:
    hub = facilitated_hub(hub_id)
    period = period_from_query()
    return kpis.compute(db_session(), hub.id, period.start, period.end)


def _by_label(codes: Iterable[str]) -> list[str]:
    return sorted(codes, key=lambda code: words.kpi(code, page_language()).casefold())


def _dashboard(hub_id: int, errors: dict[str, str] | None = None, status: int = 200
               ) -> tuple[str, int]:
    hub = facilitated_hub(hub_id)
    errors = dict(errors or {})
    period = period_from_query(errors)  # a refused period: shown next to its field
    report = kpis.compute(db_session(), hub.id, period.start, period.end)
    by_objective: dict[str, list[kpis.KpiRow]] = {}
    for row in report.rows:
        by_objective.setdefault(row.objective, []).append(row)
    year = request.form.get("year", type=int) or report.start.year
    lines = targets.hub_target_lines(db_session(), hub.id, year)
    return page("kpis.html", 400 if errors else status, hub=hub, report=report,
                last_day=period.last_day,
                by_objective=by_objective, kpi_number=kpi_number,
                charts=monthly_charts(hub_report.months(db_session(), hub.id, period), CHARTED),
                targetable=_by_label(kpis.KPI_NAMES), target_year=year,
                target_lines=sorted(lines, key=lambda t: words.kpi(
                    t.kpi, page_language()).casefold()),
                errors=errors, form=request.form, first_day=limits.FIRST_DAY.isoformat(),
                last_allowed_day=limits.LAST_DAY.isoformat())


@bp.get("/hubs/<int:hub_id>/kpis")
def hub_kpis(hub_id: int) -> tuple[str, int]:
    return _dashboard(hub_id)


@bp.post("/hubs/<int:hub_id>/kpi-targets")
def set_kpi_target(hub_id: int) -> Response | tuple[str, int]:
    """Set the hub's yearly target for one KPI; errors are shown next to their field,
    a saved target is confirmed and the dashboard shows progress against it."""
    hub = facilitated_hub(hub_id)
    form, errors = request.form, {}
    kpi = form.get("kpi", "")
    if kpi not in kpis.KPI_NAMES:
        errors["kpi"] = _("Choose a KPI from the list.")
    year = form.get("year", "").strip()
    if not (year.isdigit() and limits.FIRST_DAY.year <= int(year) <= limits.LAST_DAY.year):
        errors["year"] = _("Give a year between 2000 and 2100.")
    target = form_number(form, "target", errors, required=True, maximum=limits.MAX_AMOUNT)
    if errors:
        return _dashboard(hub_id, _target_fields(errors), 400)
    session = db_session()
    try:
        kpis.set_target(session, signed_in(), hub.id, int(year), kpi, target)
    except ValidationError:
        floor = kpis.programme_targets(session, int(year)).get(kpi)
        message = (_("At most the programme's target for this year: %(floor)s.",
                     floor=format_decimal(floor))
                   if kpi in kpis.LOWER_IS_BETTER else
                   _("At least the programme's target for this year: %(floor)s.",
                     floor=format_decimal(floor)))
        return _dashboard(hub_id, _target_fields({"target": message}), 400)
    session.commit()
    flash(_("Target saved: %(kpi)s in %(year)s, %(target)s.", kpi=words.kpi(
        kpi, page_language()), year=year, target=format_decimal(target)))
    return redirect(url_for("web.hub_kpis", hub_id=hub.id, start=f"{year}-01-01",
                            end=f"{year}-12-31"))


def _target_fields(errors: dict[str, str]) -> dict[str, str]:
    """The target form's errors under its fields' ids, which differ from the period's."""
    return {f"t-{name}": message for name, message in errors.items()}


def _download(hub_id: int, body: str | bytes, mimetype: str, suffix: str) -> Response:
    """The machine-readable downloads (codes, dots); the report's are `api/web/reports.py`."""
    report = _report(hub_id)
    name = f"kpis-hub{hub_id}-{report.start}-{report.end - dt.timedelta(days=1)}.{suffix}"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/hubs/<int:hub_id>/kpis.csv")
def hub_kpis_csv(hub_id: int) -> Response:
    return _download(hub_id, kpis.to_csv(_report(hub_id)), "text/csv", "csv")


@bp.get("/hubs/<int:hub_id>/kpis.xlsx")
def hub_kpis_xlsx(hub_id: int) -> Response:
    return _download(hub_id, kpis.to_xlsx(_report(hub_id)), XLSX, "xlsx")
