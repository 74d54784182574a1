"""Schemas of hubs, organisations, their contacts, streams and capacities."""
from __future__ import annotations

from marshmallow import fields, validate

from matchmaker import identifiers, limits
from matchmaker.places import PRECISIONS
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
from models import ITEM_STATUSES, ORGANISATION_STATUSES

from .common import SHORT, TEXT, Day, Email, Id, Number, PageArgs, Schema, checked, list_of

# --- locations -----------------------------------------------------------------------------
# A postcode and/or municipality without coordinates is geocoded (matchmaker.places); an
# unknown one is refused on its field with suggestions. Coordinates given always win.
POSTCODE = fields.String(allow_none=True, validate=validate.Length(max=16),
                         metadata={"description": "Belgian postcode, e.g. 9000"})
MUNICIPALITY = fields.String(allow_none=True, validate=validate.Length(max=128), metadata={
    "description": "municipality or deelgemeente, in Dutch, French or English"})
LAT = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
LON = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
PRECISION = fields.String(dump_only=True, allow_none=True, validate=validate.OneOf(PRECISIONS),
                          metadata={"description": "how lat/lon were found: given (exact), the "
                                    "postcode's place, or the municipality's centre"})


# --- hubs and organisations ----------------------------------------------------------------

class HubIn(Schema):
    name = fields.String(required=True, validate=SHORT)
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
    name = fields.String(required=True, validate=SHORT)
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))
    enterprise_number = fields.String(
        allow_none=True, validate=checked(identifiers.enterprise_number_problem),
        metadata={"description": "a KBO/BCE number with valid check digits, e.g. 0456.123.989"})
    recognitions = list_of(RECOGNITIONS)
    address = fields.String(allow_none=True, validate=validate.Length(max=300),
                            metadata={"description": "street and number"})
    postcode = POSTCODE
    municipality = MUNICIPALITY
    lat = LAT
    lon = LON
    language = fields.String(allow_none=True, validate=validate.OneOf(LANGUAGES))
    description = fields.String(allow_none=True, validate=TEXT)


class OrganisationOut(OrganisationIn):
    id = fields.Integer(dump_only=True)
    location_precision = PRECISION
    hub_id = fields.Integer(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True, validate=validate.OneOf(ORGANISATION_STATUSES))
    created_at = fields.DateTime(dump_only=True)
    contacts = fields.List(fields.Nested(ContactOut), dump_only=True, metadata={
        "description": "only for the organisation, its hub's facilitators and introduced "
                       "partners; absent otherwise"})


class OrganisationArgs(PageArgs):
    hub = Id()
    kind = fields.String(validate=validate.OneOf(ORGANISATION_KINDS))
    status = fields.String(validate=validate.OneOf(ORGANISATION_STATUSES))
    q = fields.String(validate=validate.Length(max=200))


# --- streams and capacities ----------------------------------------------------------------

class _ItemIn(Schema):
    title = fields.String(required=True, validate=SHORT)
    description = fields.String(load_default="", validate=TEXT)
    language = fields.String(allow_none=True, validate=validate.OneOf(LANGUAGES))
    materials = list_of(MATERIALS)
    ewc_codes = fields.List(fields.String(validate=validate.Regexp(r"^\d{6}\*?$")),
                            validate=validate.Length(max=50))
    postcode = POSTCODE
    municipality = MUNICIPALITY
    lat = LAT
    lon = LON
    available_from = Day(allow_none=True)


class _ItemOut(Schema):
    id = fields.Integer(dump_only=True)
    organisation_id = fields.Integer(dump_only=True)
    hub_id = fields.Function(lambda item: item.organisation.hub_id, dump_only=True,
                             metadata={"type": "integer", "nullable": True})
    status = fields.String(dump_only=True, validate=validate.OneOf(ITEM_STATUSES))
    location_precision = PRECISION
    version = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class StreamIn(_ItemIn):
    services_wanted = list_of(SERVICES)
    quantity_amount = Number(limits.MAX_AMOUNT, allow_none=True)
    quantity_unit = fields.String(allow_none=True, validate=validate.OneOf(UNITS))
    quantity_per = fields.String(allow_none=True, validate=validate.OneOf(PERIODS))
    requirements = list_of(CERTIFICATIONS)


class StreamOut(StreamIn, _ItemOut):
    pass


class CapacityIn(_ItemIn):
    services = list_of(SERVICES)
    capacity_amount = Number(limits.MAX_AMOUNT, allow_none=True)
    capacity_unit = fields.String(allow_none=True, validate=validate.OneOf(UNITS))
    capacity_per = fields.String(allow_none=True, validate=validate.OneOf(PERIODS))
    service_radius_km = Number(limits.MAX_RADIUS_KM, allow_none=True)
    certifications = list_of(CERTIFICATIONS)
    target_group_fte = Number(limits.MAX_FTE, allow_none=True)
    available_until = Day(allow_none=True)


class CapacityOut(CapacityIn, _ItemOut):
    pass


class ItemArgs(PageArgs):
    hub = Id()
    organisation = Id()
    material = fields.String(validate=validate.OneOf(sorted(MATERIALS)))
    service = fields.String(validate=validate.OneOf(SERVICES))
    status = fields.String(validate=validate.OneOf(ITEM_STATUSES))
    q = fields.String(validate=validate.Length(max=200))


class StatusIn(Schema):
    status = fields.String(required=True, validate=validate.OneOf(ITEM_STATUSES))


# --- personal data -------------------------------------------------------------------------

class ContactIn(Schema):
    name = fields.String(allow_none=True, validate=validate.Length(max=300))
    email = Email(allow_none=True)
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
