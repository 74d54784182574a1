"""Schemas of the yearly reports, the programme's view, its targets and the opportunities.

Aggregates and organisations only: none of these schemas has a field for a contact, a
user or a note (tests/test_programme.py checks that nothing personal gets through).
"""
from __future__ import annotations

from marshmallow import fields, validate

from matchmaker.kpis import KPI_NAMES, OBJECTIVES
from models import ACTIVITY_KINDS

from .common import Schema
from .hubwork import KpiArgs, KpiTargetIn

LANGUAGES = ("nl", "fr", "en")


def _language() -> fields.String:
    return fields.String(validate=validate.OneOf(LANGUAGES), metadata={
        "description": "language of the labels (default: the caller's)"})


class ReportArgs(KpiArgs):
    lang = _language()


class LanguageArgs(Schema):
    lang = _language()


class ProgrammeTargetIn(KpiTargetIn):
    pass


class ProgrammeTargetOut(ProgrammeTargetIn):
    id = fields.Integer(dump_only=True)


class ProgrammeTargetArgs(Schema):
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))


class NearMissOut(Schema):
    item_id = fields.Integer(dump_only=True, metadata={
        "description": "the capacity (for a stream) or the stream (for a capacity)"})
    title = fields.String(dump_only=True)
    organisation = fields.String(dump_only=True)
    hub = fields.String(dump_only=True)
    score = fields.Float(dump_only=True)
    distance_km = fields.Float(dump_only=True, allow_none=True)
    shortfalls = fields.List(fields.String(validate=validate.OneOf(
        ("material", "service", "radius", "capacity", "certification", "availability"))),
        dump_only=True)
    reasons = fields.List(fields.String(), dump_only=True,
                          metadata={"description": "the engine's reasons against"})


class _Located(Schema):
    title = fields.String(dump_only=True)
    organisation = fields.String(dump_only=True)
    hub_id = fields.Integer(dump_only=True, allow_none=True)
    hub = fields.String(dump_only=True)
    region = fields.String(dump_only=True, metadata={"description": "province code, '' unknown"})
    kg_per_month = fields.Float(dump_only=True, allow_none=True)
    lat = fields.Float(dump_only=True, allow_none=True)
    lon = fields.Float(dump_only=True, allow_none=True)
    nearest = fields.List(fields.Nested(NearMissOut), dump_only=True)


class UnservedStreamOut(_Located):
    stream_id = fields.Integer(dump_only=True)
    municipality = fields.String(dump_only=True)
    material = fields.String(dump_only=True)


class GapOut(Schema):
    material = fields.String(dump_only=True)
    region = fields.String(dump_only=True)
    kg_per_month = fields.Float(dump_only=True)
    unknown_volume = fields.Integer(dump_only=True, metadata={
        "description": "streams whose monthly volume is not known"})
    streams = fields.List(fields.Nested(UnservedStreamOut), dump_only=True)


class IdleCapacityOut(_Located):
    capacity_id = fields.Integer(dump_only=True)
    materials = fields.List(fields.String(), dump_only=True)
    spare_kg_per_month = fields.Float(dump_only=True, allow_none=True)


class OpportunitiesOut(Schema):
    gaps = fields.List(fields.Nested(GapOut), dump_only=True)
    idle = fields.List(fields.Nested(IdleCapacityOut), dump_only=True)
    streams_checked = fields.Integer(dump_only=True)
    capacities_checked = fields.Integer(dump_only=True)


class ProgrammeKpiOut(Schema):
    objective = fields.String(dump_only=True)
    kpi = fields.String(dump_only=True)
    unit = fields.String(dump_only=True)
    value = fields.Float(dump_only=True)
    target = fields.Float(dump_only=True, allow_none=True)
    programme_target = fields.Float(dump_only=True, allow_none=True)
    progress = fields.Float(dump_only=True, allow_none=True)
    previous = fields.Float(dump_only=True, metadata={"description": "a year earlier"})
    growth = fields.Float(dump_only=True, allow_none=True)


class HubFiguresOut(Schema):
    hub_id = fields.Integer(dump_only=True)
    hub = fields.String(dump_only=True)
    weighted_score = fields.Float(dump_only=True, allow_none=True)
    objective_scores = fields.Dict(keys=fields.String(validate=validate.OneOf(OBJECTIVES)),
                                   values=fields.Float(allow_none=True), dump_only=True)
    kpis = fields.List(fields.Nested(ProgrammeKpiOut), dump_only=True)
    activities = fields.Dict(keys=fields.String(validate=validate.OneOf(ACTIVITY_KINDS)),
                             values=fields.Integer(), dump_only=True)


class FlowOut(Schema):
    stream_hub_id = fields.Integer(dump_only=True)
    stream_hub = fields.String(dump_only=True)
    capacity_hub_id = fields.Integer(dump_only=True)
    capacity_hub = fields.String(dump_only=True)
    matches_taken = fields.Integer(dump_only=True)
    accepted = fields.Integer(dump_only=True)
    agreed = fields.Integer(dump_only=True)
    agreed_volume_kg = fields.Float(dump_only=True)


class ProgrammeOut(Schema):
    start = fields.Date(dump_only=True)
    end = fields.Date(dump_only=True, metadata={"description": "last day, included"})
    weights = fields.Dict(keys=fields.String(validate=validate.OneOf(OBJECTIVES)),
                          values=fields.Float(), dump_only=True)
    hubs = fields.List(fields.Nested(HubFiguresOut), dump_only=True)
    totals = fields.Dict(keys=fields.String(validate=validate.OneOf(sorted(KPI_NAMES))),
                         values=fields.Float(), dump_only=True, metadata={
                             "description": "all hubs together, for KPIs that add up"})
    flows = fields.List(fields.Nested(FlowOut), dump_only=True)
