"""Marshmallow schemas: one per direction where they differ, unknown fields refused.

Ids, owners, hubs, statuses and versions are dump-only: a client can read
them but never write them. Vocabularies are enums, so the OpenAPI document
tells clients the allowed values.
"""
from __future__ import annotations

from datetime import timedelta

import marshmallow as ma
from marshmallow import fields, validate

from matchmaker.kpis import KPI_NAMES
from matchmaker.taxonomy import (
    CERTIFICATIONS,
    LANGUAGES,
    MATERIALS,
    ORGANISATION_KINDS,
    PERIODS,
    RECOGNITIONS,
    SERVICES,
    UNITS,
)
from matchmaker.workflow import REASON_CODES
from models import ACTIVITY_KINDS, ITEM_STATUSES, MATCH_STATUSES, ORGANISATION_STATUSES

MAX_PAGE_SIZE = 100
_text = validate.Length(max=10_000)
_short = validate.Length(min=1, max=300)


def _one_of(values) -> fields.String:
    return fields.String(validate=validate.OneOf(sorted(values)))


def _list_of(values) -> fields.List:
    return fields.List(_one_of(values), validate=validate.Length(max=50))


class Schema(ma.Schema):
    class Meta:
        unknown = ma.RAISE


# --- auth ----------------------------------------------------------------------------------

class LoginIn(Schema):
    email = fields.Email(required=True)
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=1024))


class TokenIn(LoginIn):
    name = fields.String(validate=validate.Length(max=128), load_default="")


class TokenOut(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    revoked_at = fields.DateTime(dump_only=True, allow_none=True)


class TokenCreatedOut(TokenOut):
    token = fields.String(dump_only=True, metadata={"description": "shown once; keep it safe"})


class UserOut(Schema):
    id = fields.Integer(dump_only=True)
    email = fields.Email(dump_only=True)
    display_name = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
    organisation_id = fields.Integer(dump_only=True, allow_none=True)
    hub_ids = fields.Method("_hub_ids", dump_only=True,
                            metadata={"type": "array", "items": {"type": "integer"}})
    language = fields.String(dump_only=True)

    def _hub_ids(self, user) -> list[int]:
        return [hub.id for hub in user.hubs]


# --- paging --------------------------------------------------------------------------------

class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


def page_of(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """The list envelope `{items, page, page_size, total}` around `item_schema`."""
    return type(name, (Schema,), {
        "items": fields.List(fields.Nested(item_schema), dump_only=True),
        "page": fields.Integer(dump_only=True),
        "page_size": fields.Integer(dump_only=True),
        "total": fields.Integer(dump_only=True),
    })


class VersionArgs(ma.Schema):
    """Read from the headers, where every other header is none of our business."""

    class Meta:
        unknown = ma.EXCLUDE

    if_match = fields.Integer(data_key="If-Match", validate=validate.Range(min=1),
                              metadata={"description": "the version you saw; stale -> 409"})


# --- hubs and organisations ----------------------------------------------------------------

class HubIn(Schema):
    name = fields.String(required=True, validate=_short)
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(allow_none=True, validate=validate.Range(-180, 180))


class HubOut(HubIn):
    id = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class ContactOut(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True, allow_none=True)
    email = fields.String(dump_only=True, allow_none=True)
    phone = fields.String(dump_only=True, allow_none=True)


class OrganisationIn(Schema):
    name = fields.String(required=True, validate=_short)
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))
    enterprise_number = fields.String(allow_none=True, validate=validate.Regexp(
        r"^(BE)?[ .]?\d{3,4}[ .]?\d{3}[ .]?\d{3}$", error="a KBO/BCE number, e.g. 0456.123.987"))
    recognitions = _list_of(RECOGNITIONS)
    postcode = fields.String(allow_none=True, validate=validate.Length(max=16))
    municipality = fields.String(allow_none=True, validate=validate.Length(max=128))
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    language = fields.String(allow_none=True, validate=validate.OneOf(LANGUAGES))
    description = fields.String(allow_none=True, validate=_text)


class OrganisationOut(OrganisationIn):
    id = fields.Integer(dump_only=True)
    hub_id = fields.Integer(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True, validate=validate.OneOf(ORGANISATION_STATUSES))
    created_at = fields.DateTime(dump_only=True)
    contacts = fields.List(fields.Nested(ContactOut), dump_only=True, metadata={
        "description": "only for the organisation, its hub's facilitators and introduced "
                       "partners; absent otherwise"})


class OrganisationArgs(PageArgs):
    hub = fields.Integer()
    kind = fields.String(validate=validate.OneOf(ORGANISATION_KINDS))
    status = fields.String(validate=validate.OneOf(ORGANISATION_STATUSES))
    q = fields.String(validate=validate.Length(max=200))


# --- streams and capacities ----------------------------------------------------------------

class _ItemIn(Schema):
    title = fields.String(required=True, validate=_short)
    description = fields.String(load_default="", validate=_text)
    language = fields.String(allow_none=True, validate=validate.OneOf(LANGUAGES))
    materials = _list_of(MATERIALS)
    ewc_codes = fields.List(fields.String(validate=validate.Regexp(r"^\d{6}\*?$")),
                            validate=validate.Length(max=50))
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    available_from = fields.Date(allow_none=True)


class _ItemOut(Schema):
    id = fields.Integer(dump_only=True)
    organisation_id = fields.Integer(dump_only=True)
    hub_id = fields.Function(lambda item: item.organisation.hub_id, dump_only=True,
                             metadata={"type": "integer", "nullable": True})
    status = fields.String(dump_only=True, validate=validate.OneOf(ITEM_STATUSES))
    version = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class StreamIn(_ItemIn):
    services_wanted = _list_of(SERVICES)
    quantity_amount = fields.Float(allow_none=True, validate=validate.Range(min=0))
    quantity_unit = fields.String(allow_none=True, validate=validate.OneOf(UNITS))
    quantity_per = fields.String(allow_none=True, validate=validate.OneOf(PERIODS))
    postcode = fields.String(allow_none=True, validate=validate.Length(max=16))
    municipality = fields.String(allow_none=True, validate=validate.Length(max=128))
    requirements = _list_of(CERTIFICATIONS)


class StreamOut(StreamIn, _ItemOut):
    pass


class CapacityIn(_ItemIn):
    services = _list_of(SERVICES)
    capacity_amount = fields.Float(allow_none=True, validate=validate.Range(min=0))
    capacity_unit = fields.String(allow_none=True, validate=validate.OneOf(UNITS))
    capacity_per = fields.String(allow_none=True, validate=validate.OneOf(PERIODS))
    service_radius_km = fields.Float(allow_none=True, validate=validate.Range(min=0, max=1000))
    certifications = _list_of(CERTIFICATIONS)
    target_group_fte = fields.Float(allow_none=True, validate=validate.Range(min=0))
    available_until = fields.Date(allow_none=True)


class CapacityOut(CapacityIn, _ItemOut):
    pass


class ItemArgs(PageArgs):
    hub = fields.Integer()
    organisation = fields.Integer()
    material = fields.String(validate=validate.OneOf(sorted(MATERIALS)))
    service = fields.String(validate=validate.OneOf(SERVICES))
    status = fields.String(validate=validate.OneOf(ITEM_STATUSES))
    q = fields.String(validate=validate.Length(max=200))


class StatusIn(Schema):
    status = fields.String(required=True, validate=validate.OneOf(ITEM_STATUSES))


# --- matches -------------------------------------------------------------------------------

class MatchIn(Schema):
    stream_id = fields.Integer(required=True)
    capacity_id = fields.Integer(required=True)


class DecisionOut(Schema):
    id = fields.Integer(dump_only=True)
    user_id = fields.Integer(dump_only=True, allow_none=True)
    at = fields.DateTime(dump_only=True)
    from_status = fields.String(dump_only=True, allow_none=True)
    to_status = fields.String(dump_only=True)
    reason_code = fields.String(dump_only=True, allow_none=True)
    note = fields.String(dump_only=True)


class MatchOut(Schema):
    id = fields.Integer(dump_only=True)
    stream_id = fields.Integer(dump_only=True)
    capacity_id = fields.Integer(dump_only=True)
    hub_id = fields.Integer(dump_only=True, allow_none=True)
    score = fields.Float(dump_only=True)
    features = fields.Dict(keys=fields.String(), dump_only=True)
    scorer_version = fields.String(dump_only=True)
    status = fields.String(dump_only=True, validate=validate.OneOf(MATCH_STATUSES))
    version = fields.Integer(dump_only=True)
    agreed_volume_kg = fields.Float(dump_only=True, allow_none=True)
    agreed_period_start = fields.Date(dump_only=True, allow_none=True)
    agreed_period_end = fields.Date(dump_only=True, allow_none=True)
    estimated_hours = fields.Float(dump_only=True, allow_none=True)
    estimated_fte = fields.Float(dump_only=True, allow_none=True)
    completed_volume_kg = fields.Float(dump_only=True, allow_none=True)
    new_service = fields.Boolean(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    decisions = fields.List(fields.Nested(DecisionOut), dump_only=True)
    may_decide = fields.Boolean(dump_only=True)


class MatchArgs(PageArgs):
    hub = fields.Integer()
    status = fields.String(validate=validate.OneOf(MATCH_STATUSES))
    stream = fields.Integer()
    capacity = fields.Integer()


class AgreementIn(Schema):
    volume_kg = fields.Float(required=True, validate=validate.Range(min=0))
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    estimated_hours = fields.Float(allow_none=True, validate=validate.Range(min=0))
    estimated_fte = fields.Float(allow_none=True, validate=validate.Range(min=0))
    new_service = fields.Boolean(load_default=False)


class DecisionIn(Schema):
    to_status = fields.String(required=True, validate=validate.OneOf(MATCH_STATUSES))
    version = fields.Integer(required=True, metadata={"description": "the version you saw"})
    reason_code = fields.String(allow_none=True, validate=validate.OneOf(REASON_CODES))
    note = fields.String(load_default="", validate=_text)
    agreement = fields.Nested(AgreementIn, allow_none=True)
    completed_volume_kg = fields.Float(allow_none=True, validate=validate.Range(min=0))


# --- hub activities and KPIs ---------------------------------------------------------------

class ActivityIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(ACTIVITY_KINDS))
    date = fields.Date(required=True)
    title = fields.String(required=True, validate=_short)
    organisation_ids = fields.List(fields.Integer(), load_default=list,
                                   validate=validate.Length(max=1000))
    other_participants = fields.Integer(load_default=0, validate=validate.Range(min=0,
                                                                                max=100_000))


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
    year = fields.Integer(validate=validate.Range(min=2000, max=2100),
                          metadata={"description": "a calendar year (default: this year)"})
    start = fields.Date(metadata={"description": "first day; with `end` instead of `year`"})
    end = fields.Date(metadata={"description": "last day, included"})

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
    target = fields.Float(dump_only=True, allow_none=True)
    progress = fields.Float(dump_only=True, allow_none=True)


class KpiReportOut(Schema):
    hub_id = fields.Integer(dump_only=True)
    start = fields.Date(dump_only=True)
    end = fields.Function(lambda r: (r.end - timedelta(days=1)).isoformat(), dump_only=True,
                          metadata={"type": "string", "format": "date"})
    rows = fields.List(fields.Nested(KpiRowOut), dump_only=True)


class KpiTargetIn(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    kpi = fields.String(required=True, validate=validate.OneOf(sorted(KPI_NAMES)))
    target = fields.Float(required=True, validate=validate.Range(min=0))


class KpiTargetOut(KpiTargetIn):
    id = fields.Integer(dump_only=True)
    hub_id = fields.Integer(dump_only=True)


# --- personal data -------------------------------------------------------------------------

class ContactIn(Schema):
    name = fields.String(allow_none=True, validate=validate.Length(max=300))
    email = fields.Email(allow_none=True)
    phone = fields.String(allow_none=True, validate=validate.Length(max=64))


class PersonalDataOut(Schema):
    """Everything held about one organisation and its people (GDPR access request)."""

    format = fields.String(dump_only=True)
    exported_at = fields.String(dump_only=True)
    organisation = fields.Dict(dump_only=True)
    contacts = fields.List(fields.Dict(), dump_only=True)
    members = fields.List(fields.Dict(), dump_only=True)
    invitations = fields.List(fields.Dict(), dump_only=True)
    streams = fields.List(fields.Dict(), dump_only=True)
    capacities = fields.List(fields.Dict(), dump_only=True)
    matches = fields.List(fields.Dict(), dump_only=True)
    activities = fields.List(fields.Dict(), dump_only=True)
    audit_entries = fields.List(fields.Dict(), dump_only=True)


# --- onboarding ----------------------------------------------------------------------------

class InvitationIn(Schema):
    email = fields.Email(required=True)
    language = fields.String(validate=validate.OneOf(("nl", "fr", "en")))


class InvitationOut(Schema):
    id = fields.Integer(dump_only=True)
    email = fields.String(dump_only=True)
    organisation_id = fields.Integer(dump_only=True, allow_none=True)
    role = fields.String(dump_only=True)
    expires_at = fields.DateTime(dump_only=True)


class AcceptInvitationIn(Schema):
    token = fields.String(required=True, validate=validate.Length(min=10, max=200))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=10, max=1024))
    display_name = fields.String(load_default="", validate=validate.Length(max=200))


class RegistrationIn(Schema):
    hub_id = fields.Integer(required=True)
    organisation = fields.Nested(OrganisationIn, required=True)
    email = fields.Email(required=True)
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=10, max=1024))
    display_name = fields.String(load_default="", validate=validate.Length(max=200))


class RegistrationOut(Schema):
    organisation_id = fields.Integer(dump_only=True)
    status = fields.String(dump_only=True)


# --- suggestions and text analysis ---------------------------------------------------------

class SuggestionArgs(Schema):
    k = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))
    language = fields.String(validate=validate.OneOf(("nl", "fr", "en")),
                             metadata={"description": "of the reasons (default: yours)"})


class QueueArgs(SuggestionArgs):
    per_stream = fields.Integer(load_default=3, validate=validate.Range(min=1, max=10))


class ReasonOut(Schema):
    code = fields.String(dump_only=True)
    polarity = fields.String(dump_only=True, metadata={"description": "+ or -"})
    text = fields.String(dump_only=True)
    contribution = fields.Float(dump_only=True)


class SuggestionOut(Schema):
    """A suggested partner: its non-personal fields, the score and its parts, and why."""

    stream_id = fields.Integer(dump_only=True)
    capacity_id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True, metadata={"description": "of the suggested item"})
    organisation_id = fields.Integer(dump_only=True)
    organisation_name = fields.String(dump_only=True)
    hub_id = fields.Integer(dump_only=True, allow_none=True)
    score = fields.Float(dump_only=True)
    features = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True),
                           dump_only=True, metadata={"description": "null: not computable"})
    contributions = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True),
                                dump_only=True)
    reasons = fields.List(fields.Nested(ReasonOut), dump_only=True)
    match_id = fields.Integer(dump_only=True, allow_none=True,
                              metadata={"description": "set when already taken into review"})


class AnalysisIn(Schema):
    title = fields.String(load_default="", validate=validate.Length(max=300))
    description = fields.String(load_default="", validate=_text)
    language = fields.String(allow_none=True, validate=validate.OneOf(("nl", "fr", "en")))
    role = fields.String(load_default="stream", validate=validate.OneOf(("stream", "capacity")))


class FoundOut(Schema):
    id = fields.String(dump_only=True)
    confidence = fields.Float(dump_only=True)
    evidence = fields.String(dump_only=True)


class QuantityOut(Schema):
    amount = fields.Float(dump_only=True)
    unit = fields.String(dump_only=True)
    per = fields.String(dump_only=True)
    confidence = fields.Float(dump_only=True)
    evidence = fields.String(dump_only=True)


class AnalysisOut(Schema):
    language = fields.String(dump_only=True)
    materials = fields.List(fields.Nested(FoundOut), dump_only=True)
    services = fields.List(fields.Nested(FoundOut), dump_only=True)
    certifications = fields.List(fields.Nested(FoundOut), dump_only=True)
    ewc_codes = fields.List(fields.Nested(FoundOut), dump_only=True)
    quantity = fields.Nested(QuantityOut, dump_only=True, allow_none=True)
    service_radius_km = fields.Float(dump_only=True, allow_none=True)
    target_group_fte = fields.Float(dump_only=True, allow_none=True)


# --- exchange format -----------------------------------------------------------------------

class ImportArgs(Schema):
    source = fields.String(load_default="exchange", validate=validate.Regexp(
        r"^[A-Za-z0-9_.-]{1,64}$"), metadata={"description": "the sending system; ids are "
                                                             "unique per source"})


class ExportArgs(Schema):
    hub = fields.List(fields.Integer(), metadata={"description": "only these hubs (repeatable)"})
    contacts = fields.Boolean(load_default=False,
                              metadata={"description": "include contact persons"})


class CountsOut(Schema):
    created = fields.Integer(dump_only=True)
    updated = fields.Integer(dump_only=True)
    unchanged = fields.Integer(dump_only=True)


class ImportReportOut(Schema):
    hubs = fields.Nested(CountsOut, dump_only=True)
    organisations = fields.Nested(CountsOut, dump_only=True)
    streams = fields.Nested(CountsOut, dump_only=True)
    capacities = fields.Nested(CountsOut, dump_only=True)


class ExchangeDocument(ma.Schema):
    """A `circular-match-exchange/1` document; validated in full by the importer."""

    class Meta:
        unknown = ma.INCLUDE

    format = fields.String(required=True)
