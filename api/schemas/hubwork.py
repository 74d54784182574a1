"""Schemas of hub activities, KPI reports and targets."""
from __future__ import annotations

from datetime import timedelta

import marshmallow as ma
from marshmallow import fields, validate

from matchmaker import limits
from matchmaker.kpis import KPI_NAMES
from models import ACTIVITY_KINDS

from .common import SHORT, Day, Id, Number, Schema

YEARS = validate.Range(min=limits.FIRST_DAY.year, max=limits.LAST_DAY.year)

# --- hub activities and KPIs ---------------------------------------------------------------

class ActivityIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(ACTIVITY_KINDS))
    date = Day(required=True)
    title = fields.String(required=True, validate=SHORT)
    organisation_ids = fields.List(Id(), load_default=list,
                                   validate=validate.Length(max=1000))
    other_participants = fields.Integer(load_default=0, validate=validate.Range(
        min=0, max=limits.MAX_PARTICIPANTS))


class ActivityOut(Schema):
    id = fields.Integer(dump_only=True)
    hub_id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    date = fields.Date(dump_only=True)
    title = fields.String(dump_only=True)
    organisation_ids = fields.Function(lambda a: sorted(o.id for o in a.organisations),
                                       dump_only=True,
                                       metadata={"type": "array", "items": {"type": "integer"}})
    other_participants = fields.Integer(dump_only=True)


class KpiArgs(Schema):
    year = fields.Integer(validate=YEARS,
                          metadata={"description": "a calendar year (default: this year)"})
    start = Day(metadata={"description": "first day; with `end` instead of `year`"})
    end = Day(metadata={"description": "last day, included"})

    @ma.validates_schema
    def _period(self, data: dict, **kwargs: object) -> None:
        if ("start" in data) != ("end" in data):
            raise ma.ValidationError("give both start and end, or neither", "start")
        if "start" in data and data["end"] < data["start"]:
            raise ma.ValidationError("before start", "end")
        if "start" in data and "year" in data:
            raise ma.ValidationError("give a year or a period, not both", "year")


class KpiRowOut(Schema):
    objective = fields.String(dump_only=True)
    kpi = fields.String(dump_only=True)
    value = fields.Float(dump_only=True)
    unit = fields.String(dump_only=True)
    target = fields.Float(dump_only=True, allow_none=True, metadata={
        "description": "the target in force: the hub's own or the programme's, whichever is "
                       "more ambitious"})
    programme_target = fields.Float(dump_only=True, allow_none=True)
    progress = fields.Float(dump_only=True, allow_none=True)


class KpiReportOut(Schema):
    hub_id = fields.Integer(dump_only=True)
    start = fields.Date(dump_only=True)
    end = fields.Function(lambda r: (r.end - timedelta(days=1)).isoformat(), dump_only=True,
                          metadata={"type": "string", "format": "date"})
    rows = fields.List(fields.Nested(KpiRowOut), dump_only=True)


class KpiTargetIn(Schema):
    year = fields.Integer(required=True, validate=YEARS)
    kpi = fields.String(required=True, validate=validate.OneOf(sorted(KPI_NAMES)))
    target = Number(limits.MAX_AMOUNT, required=True)


class KpiTargetOut(KpiTargetIn):
    id = fields.Integer(dump_only=True)
    hub_id = fields.Integer(dump_only=True)
