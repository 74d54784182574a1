"""Schemas of onboarding (invitations, registrations) and the exchange format."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from .common import Email, Id, Schema
from .registry import OrganisationIn

# --- onboarding ----------------------------------------------------------------------------

class InvitationIn(Schema):
    email = Email(required=True)
    language = fields.String(validate=validate.OneOf(("nl", "fr", "en")))


class RejectionIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000), metadata={
        "description": "why the hub does not approve the registration; mailed to it"})


class InvitationSentOut(Schema):
    """The same answer whether the address has an account or not: the mail tells its owner."""

    email = fields.String(dump_only=True)
    organisation_id = fields.Integer(dump_only=True)
    status = fields.String(dump_only=True, metadata={"description": "always `sent`"})


class AcceptInvitationIn(Schema):
    token = fields.String(required=True, validate=validate.Length(min=10, max=200))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=10, max=1024))
    display_name = fields.String(load_default="", validate=validate.Length(max=200))


class RegistrationIn(Schema):
    hub_id = Id(required=True)
    organisation = fields.Nested(OrganisationIn, required=True)
    email = Email(required=True)
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=10, max=1024))
    display_name = fields.String(load_default="", validate=validate.Length(max=200))


# --- exchange format -----------------------------------------------------------------------

class ImportArgs(Schema):
    source = fields.String(load_default="exchange", validate=validate.Regexp(
        r"^[A-Za-z0-9_.-]{1,64}$"), metadata={"description": "the sending system; ids are "
                                                             "unique per source"})


class ExportArgs(Schema):
    hub = fields.List(Id(), metadata={"description": "only these hubs (repeatable)"})
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
