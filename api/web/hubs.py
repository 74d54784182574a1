"""A hub's own pages: the KPI dashboard per period with CSV and Excel downloads, and the
form to record an activity. Figures come from `matchmaker.kpis`, activities are written
by `matchmaker.activities`, both for the hub's facilitators only (others get a 404)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Response, redirect, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _

from api.db import db_session
from api.web.common import bp, form_day, form_number, page, signed_in
from api.web.review import facilitated_hub
from matchmaker import activities, kpis, limits
from matchmaker.errors import ValidationError
from models import ACTIVITY_KINDS, Activity, Organisation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHARTED = ("matches_accepted", "new_assignments", "streams_registered", "network_activities")
MAX_MONTHS = 24


def _period() -> tuple[dt.date, dt.date, dict[str, str]]:
    """[start, end) from the query (`start`, `end` inclusive), else the current year, and
    the problems with what was asked (a field that is no date or out of range)."""
    errors: dict[str, str] = {}
    start = form_day(request.args, "start", errors) if request.args.get("start") else None
    last = form_day(request.args, "end", errors) if request.args.get("end") else None
    if start is None:
        start = dt.date(dt.date.today().year, 1, 1)
    if last is None:
        last = dt.date(start.year, 12, 31)
    return start, max(last, start) + dt.timedelta(days=1), errors


def _report(hub_id: int) -> kpis.KpiReport:
    """The report of the period asked; a period that is refused is a 400 page."""
    hub = facilitated_hub(hub_id)
    start, end, errors = _period()
    if errors:
        raise PeriodRefused(errors)
    return kpis.compute(db_session(), hub.id, start, end)


class PeriodRefused(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


@bp.errorhandler(PeriodRefused)
def _period_refused(error: PeriodRefused) -> tuple[str, int]:
    return page("error.html", 400, title=_("Period not shown"),
                message=" ".join(error.errors.values()))


def _months(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The calendar months overlapping [start, end), clipped to it; the latest MAX_MONTHS."""
    months, first = [], start.replace(day=1)
    while first < end:
        following = (first + dt.timedelta(days=32)).replace(day=1)
        months.append((max(first, start), min(following, end)))
        first = following
    return months[-MAX_MONTHS:]


def _charts(report: kpis.KpiReport) -> dict[str, list[tuple[dt.date, float]]]:
    """A few KPIs month by month, the same computation as the totals."""
    monthly = [(month_start, kpis.compute(db_session(), report.hub_id, month_start, month_end))
               for month_start, month_end in _months(report.start, report.end)]
    return {kpi: [(month, part.value(kpi)) for month, part in monthly] for kpi in CHARTED}


def _kpi_page(hub_id: int, errors: dict[str, str] | None = None, status: int = 200
              ) -> tuple[str, int]:
    hub = facilitated_hub(hub_id)
    start, end, period_errors = _period()
    if period_errors:  # the form again, with the problems next to its fields, over this year
        start = dt.date(dt.date.today().year, 1, 1)
        end = dt.date(start.year + 1, 1, 1)
    errors = {**period_errors, **(errors or {})}
    report = kpis.compute(db_session(), hub.id, start, end)
    by_objective: dict[str, list[kpis.KpiRow]] = {}
    for row in report.rows:
        by_objective.setdefault(row.objective, []).append(row)
    return page("kpis.html", 400 if errors else status, hub=hub, report=report,
                last_day=report.end - dt.timedelta(days=1), by_objective=by_objective,
                charts=_charts(report), targetable=sorted(kpis.KPI_NAMES), errors=errors,
                form=request.form, first_day=limits.FIRST_DAY.isoformat(),
                last_allowed_day=limits.LAST_DAY.isoformat())


@bp.get("/hubs/<int:hub_id>/kpis")
def hub_kpis(hub_id: int) -> tuple[str, int]:
    return _kpi_page(hub_id)


@bp.post("/hubs/<int:hub_id>/kpi-targets")
def set_kpi_target(hub_id: int) -> Response | tuple[str, int]:
    """Set the hub's yearly target for one KPI; the dashboard shows progress against it."""
    hub = facilitated_hub(hub_id)
    form = request.form
    errors: dict[str, str] = {}
    kpi, year = form.get("kpi", ""), form.get("year", type=int)
    if kpi not in kpis.KPI_NAMES:
        errors["t-kpi"] = _("Choose a KPI from the list.")
    if year is None or not limits.FIRST_DAY.year <= year <= limits.LAST_DAY.year:
        errors["t-year"] = _("Give a year, for example 2025.")
    target = form_number(form, "target", errors, required=True, maximum=limits.MAX_AMOUNT)
    if "target" in errors:
        errors["t-target"] = errors.pop("target")
    if errors:
        return _kpi_page(hub.id, errors, 400)
    session = db_session()
    kpis.set_target(session, signed_in(), hub.id, year, kpi, target or 0.0)
    session.commit()
    return redirect(url_for("web.hub_kpis", hub_id=hub.id, start=f"{year}-01-01",
                            end=f"{year}-12-31"))


def _download(hub_id: int, body: str | bytes, mimetype: str, suffix: str) -> Response:
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


def _activity_page(hub_id: int, errors: dict[str, str], status: int = 200
                   ) -> tuple[str, int]:
    hub = facilitated_hub(hub_id)
    session = db_session()
    organisations = session.scalars(sa.select(Organisation).where(
        Organisation.hub_id == hub.id).order_by(Organisation.name)).all()
    recent = session.scalars(sa.select(Activity).where(Activity.hub_id == hub.id).order_by(
        Activity.date.desc(), Activity.id.desc()).limit(20)).all()
    return page("activities.html", status, hub=hub, organisations=organisations,
                recent=recent, kinds=ACTIVITY_KINDS, errors=errors,
                form=request.form)


@bp.get("/hubs/<int:hub_id>/activities")
def new_activity(hub_id: int) -> tuple[str, int]:
    return _activity_page(hub_id, {})


@bp.post("/hubs/<int:hub_id>/activities")
def record_activity(hub_id: int) -> Response | tuple[str, int]:
    hub = facilitated_hub(hub_id)
    form = request.form
    errors: dict[str, str] = {}
    kind = form.get("kind", "")
    if kind not in ACTIVITY_KINDS:
        errors["kind"] = _("Choose the kind of activity.")
    title = form.get("title", "").strip()
    if not title:
        errors["title"] = _("Give a short title.")
    date = form_day(form, "date", errors)
    others = form.get("other_participants", "0").strip() or "0"
    if not others.isdigit():
        errors["other_participants"] = _("Give a whole number of zero or more.")
    elif int(others) > limits.MAX_PARTICIPANTS:
        errors["other_participants"] = _("Give a number of at most %(maximum)s.",
                                         maximum=format_decimal(limits.MAX_PARTICIPANTS))
    if errors:
        return _activity_page(hub_id, errors, 400)
    session = db_session()
    try:
        activities.record_activity(
            session, signed_in(), hub, kind, date, title,
            organisation_ids=[int(i) for i in form.getlist("organisations") if i.isdigit()],
            other_participants=int(others))
    except ValidationError:
        return _activity_page(hub_id, {"organisations": _("Choose organisations from the list.")},
                              400)
    session.commit()
    return redirect(url_for("web.new_activity", hub_id=hub.id, saved=1))
