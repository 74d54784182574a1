"""The yearly reports (Excel, Belgian CSV), the opportunities nobody serves yet, and the
programme's view across hubs with its default targets.

A hub's report is for its facilitators, admins and the programme; the programme's view
for admins and the programme; setting programme targets for admins. The PDF is printed
from the report page (`/hubs/<id>/report.pdf`), not here.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, current_app
from flask.views import MethodView

from api.auth import require_user
from api.db import db_session
from api.openapi import Blueprint
from api.problems import show_existing
from api.schemas import KpiArgs
from api.schemas.reports import (
    LanguageArgs,
    OpportunitiesOut,
    ProgrammeOut,
    ProgrammeTargetArgs,
    ProgrammeTargetIn,
    ProgrammeTargetOut,
    ReportArgs,
)
from api.suggestion_index import suggestion_service
from matchmaker import scoping
from matchmaker.errors import PermissionDenied
from matchmaker.reports import (
    csv_report,
    hub_report,
    opportunities,
    programme,
    programme_workbook,
    targets,
    workbook,
)
from matchmaker.reports.periods import Period
from models import Hub, ProgrammeTarget

blp = Blueprint("reports", __name__, url_prefix="/api/v1",
                description="Yearly reports, the programme's view across hubs, its targets, "
                            "and the opportunities nobody serves yet.")
blp.before_request(lambda: require_user() and None)
show_existing(ProgrammeTarget, ProgrammeTargetOut().dump)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def period_of(args: dict[str, Any]) -> Period:
    if "start" in args:
        return Period.days(args["start"], args["end"])
    return Period.year(args.get("year", dt.date.today().year))


def language_of(args: dict[str, Any]) -> str:
    return args.get("lang") or require_user().language or "nl"


def reported_hub(hub_id: int) -> Hub:
    """The hub, if the caller may read its report (its facilitators, admins, the programme)."""
    user = require_user()
    hub = scoping.load(db_session(), user, Hub, hub_id)
    if not scoping.reads_hub_report(user, hub.id):
        raise PermissionDenied(f"only the facilitators of hub {hub_id} and the programme read "
                               "its report")
    return hub


def programme_reader() -> None:
    if not scoping.reads_programme(require_user()):
        raise PermissionDenied("only the programme and admins read the programme's view")


def download(body: bytes, mimetype: str, name: str) -> Response:
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def weights() -> dict[str, float]:
    return current_app.extensions["matchmaker.settings"].weights


def hub_opportunities(hub_id: int, language: str) -> opportunities.Opportunities:
    return opportunities.find(db_session(), suggestion_service(), [hub_id], language)


@blp.route("/hubs/<int:hub_id>/report.xlsx")
class HubReportXlsx(MethodView):
    @blp.arguments(ReportArgs, location="query")
    @blp.response(200, content_type=XLSX)
    def get(self, args: dict[str, Any], hub_id: int) -> Response:
        """The hub's yearly report as an Excel workbook in the caller's language: summary,
        one sheet per objective, month by month, agreements, opportunities; with charts."""
        hub, period, language = reported_hub(hub_id), period_of(args), language_of(args)
        report = hub_report.build(db_session(), hub.id, period,
                                  hub_opportunities(hub.id, language))
        return download(workbook.hub_workbook(report, language), XLSX,
                        f"report-hub{hub.id}-{period.start}-{period.last_day}.xlsx")


@blp.route("/hubs/<int:hub_id>/report.csv")
class HubReportCsv(MethodView):
    @blp.arguments(ReportArgs, location="query")
    @blp.response(200, content_type=CSV)
    def get(self, args: dict[str, Any], hub_id: int) -> Response:
        """The hub's KPIs for Belgian spreadsheets: `;`, decimal comma, UTF-8 with BOM,
        headers in the caller's language. Programs read `kpis.csv` instead."""
        hub, period, language = reported_hub(hub_id), period_of(args), language_of(args)
        report = hub_report.build(db_session(), hub.id, period)
        return download(csv_report.hub_csv(report, language), CSV,
                        f"report-hub{hub.id}-{period.start}-{period.last_day}.csv")


@blp.route("/hubs/<int:hub_id>/opportunities")
class HubOpportunities(MethodView):
    @blp.arguments(LanguageArgs, location="query")
    @blp.response(200, OpportunitiesOut)
    def get(self, args: dict[str, Any], hub_id: int) -> opportunities.Opportunities:
        """The hub's published streams that no capacity serves well, by material and region,
        with the nearest capacities that almost fit; its capacities with room and no stream
        (today's, as the suggestions are)."""
        return hub_opportunities(reported_hub(hub_id).id, language_of(args))


def programme_dict(view: programme.ProgrammeView) -> dict[str, Any]:
    """The view as the schema's plain data."""
    kpis_of_hub = [[r.kpi for r in h.report.rows] for h in view.hubs]
    return {
        "start": view.period.start, "end": view.period.last_day, "weights": view.weights,
        "hubs": [{
            "hub_id": h.hub_id, "hub": h.hub_name, "weighted_score": h.weighted_score,
            "objective_scores": h.objective_scores, "activities": h.activities,
            "kpis": [{"objective": r.objective, "kpi": r.kpi, "unit": r.unit, "value": r.value,
                      "target": r.target, "programme_target": r.programme_target,
                      "progress": r.progress, "previous": h.previous.value(r.kpi),
                      "growth": h.growth(r.kpi)} for r in h.report.rows]}
            for h in view.hubs],
        "totals": {kpi: total for kpi in (kpis_of_hub[0] if kpis_of_hub else [])
                   if "." not in kpi and (total := view.total(kpi)) is not None},
        "flows": view.flows,
    }


@blp.route("/programme")
class Programme(MethodView):
    @blp.arguments(KpiArgs, location="query")
    @blp.response(200, ProgrammeOut)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Every hub's KPIs side by side for a year (or a period): progress against the
        targets in force, growth against a year earlier, scores per objective weighted as
        configured, activities by kind, and the flows of matches between hubs."""
        programme_reader()
        return programme_dict(programme.view(db_session(), period_of(args), weights()))


@blp.route("/programme.xlsx")
class ProgrammeXlsx(MethodView):
    @blp.arguments(ReportArgs, location="query")
    @blp.response(200, content_type=XLSX)
    def get(self, args: dict[str, Any]) -> Response:
        """The programme's view as an Excel workbook in the caller's language."""
        programme_reader()
        period, language = period_of(args), language_of(args)
        view = programme.view(db_session(), period, weights())
        found = opportunities.find(db_session(), suggestion_service(), None, language)
        return download(programme_workbook.programme_workbook(view, found, language), XLSX,
                        f"programme-{period.start}-{period.last_day}.xlsx")


@blp.route("/programme/opportunities")
class ProgrammeOpportunities(MethodView):
    @blp.arguments(LanguageArgs, location="query")
    @blp.response(200, OpportunitiesOut)
    def get(self, args: dict[str, Any]) -> opportunities.Opportunities:
        """The opportunities of every hub."""
        programme_reader()
        return opportunities.find(db_session(), suggestion_service(), None, language_of(args))


@blp.route("/programme-targets")
class ProgrammeTargets(MethodView):
    @blp.arguments(ProgrammeTargetArgs, location="query")
    @blp.response(200, ProgrammeTargetOut(many=True))
    def get(self, args: dict[str, Any]) -> list[ProgrammeTarget]:
        """The programme's yearly default targets (facilitators read them: their hub's own
        targets may not be lower)."""
        user = require_user()
        if not (scoping.reads_programme(user) or user.role == "facilitator"):
            raise PermissionDenied("the programme's targets are for admins, the programme "
                                   "and facilitators")
        return targets.programme_targets(db_session(), args.get("year"))

    @blp.arguments(ProgrammeTargetIn)
    @blp.response(200, ProgrammeTargetOut)
    def put(self, data: dict[str, Any]) -> ProgrammeTarget:
        """Set or replace the programme's target of one KPI for one year (admins)."""
        user = require_user()
        if not scoping.is_admin(user):
            raise PermissionDenied("only admins set the programme's targets")
        target = targets.set_programme_target(db_session(), user, **data)
        db_session().commit()
        return target
