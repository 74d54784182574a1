"""A hub's own work: activities it organises, and its KPIs with targets and exports.

Both belong to the hub's facilitators (and admins); others get 403.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import Response
from flask.views import MethodView

from api.auth import require_user
from api.db import db_session
from api.listing import paginate
from api.openapi import Blueprint
from api.problems import show_existing
from api.schemas import (
    ActivityIn,
    ActivityOut,
    KpiArgs,
    KpiReportOut,
    KpiTargetIn,
    KpiTargetOut,
    PageArgs,
    page_of,
)
from matchmaker import activities, kpis, scoping
from matchmaker.errors import NotFound, PermissionDenied
from models import Activity, Hub, KpiTarget

blp = Blueprint("hubwork", __name__, url_prefix="/api/v1",
                description="Hub activities, KPIs per period, yearly targets and exports.")
blp.before_request(lambda: require_user() and None)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# a target or an activity changed by another request at the same moment: the 409 shows it
show_existing(KpiTarget, KpiTargetOut().dump)
show_existing(Activity, ActivityOut().dump)


def _facilitated_hub(hub_id: int) -> Hub:
    session, user = db_session(), require_user()
    hub = scoping.load(session, user, Hub, hub_id)
    if not scoping.facilitates(user, hub.id):
        raise PermissionDenied(f"only the facilitators of hub {hub_id} see its activities "
                               "and KPIs")
    return hub


def _report(hub_id: int, args: dict[str, Any]) -> kpis.KpiReport:
    hub = _facilitated_hub(hub_id)
    if "start" in args:
        start, end = args["start"], args["end"] + dt.timedelta(days=1)
    else:
        year = args.get("year", dt.date.today().year)
        start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    return kpis.compute(db_session(), hub.id, start, end)


@blp.route("/hubs/<int:hub_id>/activities")
class HubActivities(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(ActivityOut, "ActivityPage"))
    def get(self, args: dict[str, Any], hub_id: int) -> dict[str, Any]:
        """The hub's activities, latest first."""
        hub = _facilitated_hub(hub_id)
        query = (sa.select(Activity).where(Activity.hub_id == hub.id)
                 .order_by(Activity.date.desc(), Activity.id.desc()))
        return paginate(db_session(), query, args["page"], args["page_size"])

    @blp.arguments(ActivityIn)
    @blp.response(201, ActivityOut)
    def post(self, data: dict[str, Any], hub_id: int) -> Activity:
        """Record an activity with the organisations that took part."""
        hub = _facilitated_hub(hub_id)
        activity = activities.record_activity(db_session(), require_user(), hub, **data)
        db_session().commit()
        return activity


@blp.route("/activities/<int:activity_id>")
class OneActivity(MethodView):
    @blp.arguments(ActivityIn(partial=True))
    @blp.response(200, ActivityOut)
    def patch(self, data: dict[str, Any], activity_id: int) -> Activity:
        """Correct an activity."""
        activity = _activity(activity_id)
        activities.update_activity(db_session(), require_user(), activity, data)
        db_session().commit()
        return activity

    @blp.response(204)
    def delete(self, activity_id: int) -> None:
        """Remove an activity recorded by mistake."""
        activities.delete_activity(db_session(), require_user(), _activity(activity_id))
        db_session().commit()


def _activity(activity_id: int) -> Activity:
    user = require_user()
    activity = db_session().get(Activity, activity_id)
    # Activities of hubs the caller does not facilitate are not theirs to see.
    if activity is None or not scoping.facilitates(user, activity.hub_id):
        raise NotFound(f"activity {activity_id} not found")
    return activity


@blp.route("/hubs/<int:hub_id>/kpis")
class HubKpis(MethodView):
    @blp.arguments(KpiArgs, location="query")
    @blp.response(200, KpiReportOut)
    def get(self, args: dict[str, Any], hub_id: int) -> kpis.KpiReport:
        """The hub's KPIs for a year or a period, grouped by objective, with targets."""
        return _report(hub_id, args)


@blp.route("/hubs/<int:hub_id>/kpis.csv")
class HubKpisCsv(MethodView):
    @blp.arguments(KpiArgs, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, args: dict[str, Any], hub_id: int) -> Response:
        """The same KPIs as CSV."""
        report = _report(hub_id, args)
        return Response(kpis.to_csv(report), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="kpis-hub{hub_id}-{report.start}.csv"'})


@blp.route("/hubs/<int:hub_id>/kpis.xlsx")
class HubKpisXlsx(MethodView):
    @blp.arguments(KpiArgs, location="query")
    @blp.response(200, content_type=XLSX)
    def get(self, args: dict[str, Any], hub_id: int) -> Response:
        """The same KPIs as an Excel sheet."""
        report = _report(hub_id, args)
        return Response(kpis.to_xlsx(report), mimetype=XLSX, headers={
            "Content-Disposition": f'attachment; filename="kpis-hub{hub_id}-{report.start}.xlsx"'})


@blp.route("/hubs/<int:hub_id>/kpi-targets")
class HubKpiTargets(MethodView):
    @blp.response(200, KpiTargetOut(many=True))
    def get(self, hub_id: int) -> list[KpiTarget]:
        """The hub's yearly targets."""
        hub = _facilitated_hub(hub_id)
        return list(db_session().scalars(sa.select(KpiTarget).where(
            KpiTarget.hub_id == hub.id).order_by(KpiTarget.year, KpiTarget.kpi)))

    @blp.arguments(KpiTargetIn)
    @blp.response(200, KpiTargetOut)
    def put(self, data: dict[str, Any], hub_id: int) -> KpiTarget:
        """Set or replace the target of one KPI for one year."""
        hub = _facilitated_hub(hub_id)
        target = kpis.set_target(db_session(), require_user(), hub.id, **data)
        db_session().commit()
        return target
