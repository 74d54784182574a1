"""Schemas of matches and decisions, suggestions and text analysis."""
from __future__ import annotations

from marshmallow import fields, validate

from matchmaker import limits
from matchmaker.review_queue import INTEREST_FILTERS
from matchmaker.workflow import REASON_CODES
from models import MATCH_STATUSES

from .common import TEXT, Day, Id, Number, PageArgs, Schema

# --- matches -------------------------------------------------------------------------------

class MatchIn(Schema):
    stream_id = Id(required=True)
    capacity_id = Id(required=True)


class DecisionOut(Schema):
    id = fields.Integer(dump_only=True)
    match_id = fields.Integer(dump_only=True)
    user_id = fields.Integer(dump_only=True, allow_none=True)
    at = fields.DateTime(dump_only=True)
    from_status = fields.String(dump_only=True, allow_none=True)
    to_status = fields.String(dump_only=True, metadata={
        "description": "the new status; for a voice: interested, not_for_us, consented, "
                       "refused"})
    party = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "whose voice: stream, capacity (the parties), partner_hub (the "
                       "capacity's hub); null for the deciding hub's transitions"})
    reason_code = fields.String(dump_only=True, allow_none=True)
    note = fields.String(dump_only=True, metadata={
        "description": "the facilitator's internal note: shown to the hubs only"})
    note_to_parties = fields.String(dump_only=True, metadata={
        "description": "what the facilitator tells both parties (mailed to them)"})


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
    stream_interest = fields.Boolean(dump_only=True, allow_none=True, metadata={
        "description": "the company: true interested, false not for us, null not said"})
    capacity_interest = fields.Boolean(dump_only=True, allow_none=True, metadata={
        "description": "the social enterprise, as stream_interest"})
    partner_hub_id = fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "the capacity's hub when another hub decides: it consents to the "
                       "introduction"})
    partner_consent = fields.Boolean(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    decisions = fields.List(fields.Nested(DecisionOut), dump_only=True)
    may_decide = fields.Boolean(dump_only=True)


class MatchArgs(PageArgs):
    hub = Id()
    status = fields.String(validate=validate.OneOf(MATCH_STATUSES))
    stream = Id()
    capacity = Id()
    interest = fields.String(validate=validate.OneOf(INTEREST_FILTERS), metadata={
        "description": "both parties interested, one of them, or one said not for us"})
    assigned = fields.String(validate=validate.OneOf(("me",)), metadata={
        "description": "me: the matches you took into review (or, put forward by a party, "
                       "decided on first), when a hub has several facilitators"})
    sort = fields.String(load_default="newest", validate=validate.OneOf(("newest", "interest")),
                         metadata={"description": "interest: mutual interest first"})


class QueueDecisionIn(Schema):
    pairs = fields.List(fields.Nested(MatchIn), required=True,
                        validate=validate.Length(min=1, max=100))
    to_status = fields.String(required=True, validate=validate.OneOf(("proposed", "rejected")),
                              metadata={"description": "proposed: take into review; rejected: "
                                                       "take and reject with reason_code"})
    reason_code = fields.String(allow_none=True, validate=validate.OneOf(REASON_CODES))
    note = fields.String(load_default="", validate=TEXT,
                         metadata={"description": "internal: stays with the hubs"})


class InterestIn(Schema):
    stream_id = Id(required=True)
    capacity_id = Id(required=True)
    interested = fields.Boolean(required=True)
    reason_code = fields.String(allow_none=True, validate=validate.OneOf(REASON_CODES),
                                metadata={"description": "required when not interested"})


class ConsentIn(Schema):
    consent = fields.Boolean(required=True)


class AgreementIn(Schema):
    volume_kg = Number(limits.MAX_AMOUNT, required=True)
    period_start = Day(required=True)
    period_end = Day(required=True)
    estimated_hours = Number(limits.MAX_HOURS, allow_none=True)
    estimated_fte = Number(limits.MAX_FTE, allow_none=True)
    new_service = fields.Boolean(load_default=False)


class DecisionIn(Schema):
    to_status = fields.String(required=True, validate=validate.OneOf(MATCH_STATUSES))
    version = Id(required=True, metadata={"description": "the version you saw"})
    reason_code = fields.String(allow_none=True, validate=validate.OneOf(REASON_CODES))
    note = fields.String(load_default="", validate=TEXT,
                         metadata={"description": "internal: stays with the hubs"})
    note_to_parties = fields.String(
        load_default="", validate=TEXT,
        metadata={"description": "mailed to both parties and shown to them once introduced"})
    agreement = fields.Nested(AgreementIn, allow_none=True)
    completed_volume_kg = Number(limits.MAX_AMOUNT, allow_none=True, metadata={
        "description": "completing: the volume handled in kg (or give completed_amount)"})
    completed_amount = Number(limits.MAX_AMOUNT, allow_none=True, metadata={
        "description": "completing: the volume handled in the stream's unit (its "
                       "quantity_unit: kg, t, units or m3; kg without one), stored in kg "
                       "(pieces and m3 at the typical weight of the stream's materials)"})
    confirm_early_completion = fields.Boolean(load_default=False, metadata={
        "description": "completing while the agreement period has not ended (or not "
                       "started) is a 400 on this field unless it is true"})


# --- suggestions and text analysis ---------------------------------------------------------

class SuggestionArgs(Schema):
    k = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))
    language = fields.String(validate=validate.OneOf(("nl", "fr", "en")),
                             metadata={"description": "of the reasons (default: yours)"})


class QueueArgs(SuggestionArgs):
    per_stream = fields.Integer(load_default=3, validate=validate.Range(min=1, max=10))
    material = fields.String(load_default="", validate=validate.Length(max=64))
    service = fields.String(load_default="", validate=validate.Length(max=64))
    municipality = fields.String(load_default="", validate=validate.Length(max=128), metadata={
        "description": "of either item's site or either organisation"})
    q = fields.String(load_default="", validate=validate.Length(max=200), metadata={
        "description": "in either title or either organisation's name"})
    max_km = Number(limits.MAX_RADIUS_KM, metadata={
        "description": "distance at most; a pair of unknown distance is left out"})
    min_score = Number(100.0)


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
    description = fields.String(load_default="", validate=TEXT)
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
