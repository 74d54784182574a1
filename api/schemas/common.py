"""Marshmallow schemas: one per direction where they differ, unknown fields refused.

Ids, owners, hubs, statuses and versions are dump-only: a client can read
them but never write them. Vocabularies are enums, so the OpenAPI document
tells clients the allowed values. This module holds the base, paging and auth.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

import marshmallow as ma
from marshmallow import fields, validate

from matchmaker import identifiers, limits
from models import USER_ROLES

MAX_PAGE_SIZE = 100
# Ids and versions are INTEGER columns: a larger number is refused here with a 400
# instead of failing in the database.
MAX_ID = 2**31 - 1
ID_RANGE = validate.Range(min=1, max=MAX_ID)


def Id(**kwargs) -> fields.Integer:  # noqa: N802 - reads like a field class in schemas
    """A reference to a row (or a version): a positive integer the database can hold."""
    return fields.Integer(validate=ID_RANGE, **kwargs)


def Day(**kwargs) -> fields.Date:  # noqa: N802
    """A day within the service's range (`matchmaker.limits`), stated in the document as
    `x-minimum`/`x-maximum`."""
    return fields.Date(validate=validate.Range(min=limits.FIRST_DAY, max=limits.LAST_DAY),
                       **kwargs)


def Number(maximum: float, minimum: float = 0.0, **kwargs) -> fields.Float:  # noqa: N802
    """A finite number within [minimum, maximum] (`matchmaker.limits`)."""
    return fields.Float(validate=validate.Range(min=minimum, max=maximum), **kwargs)


def checked(problem: Callable[[str], str | None]) -> Callable[[str], None]:
    """A validator from a domain check that says why a value is wrong (or None): the API
    refuses exactly what the pages and the imports refuse."""
    def check(value: str) -> None:
        if (message := problem(value)) is not None:
            raise ma.ValidationError(message)
    return check


def Email(**kwargs) -> fields.String:  # noqa: N802
    """An e-mail address as `matchmaker.identifiers` accepts it everywhere."""
    return fields.String(validate=checked(identifiers.email_problem),
                         metadata={"format": "email"}, **kwargs)


TEXT = validate.Length(max=10_000)
SHORT = validate.Length(min=1, max=300)


def one_of(values: Iterable[str]) -> fields.String:
    return fields.String(validate=validate.OneOf(sorted(values)))


def list_of(values: Iterable[str]) -> fields.List:
    return fields.List(one_of(values), validate=validate.Length(max=50))


class Schema(ma.Schema):
    class Meta:
        unknown = ma.RAISE


# --- auth ----------------------------------------------------------------------------------

class LoginIn(Schema):
    email = Email(required=True)
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


class SignInLinkIn(Schema):
    email = Email(required=True)
    language = fields.String(validate=validate.OneOf(("nl", "fr", "en")), metadata={
        "description": "of the mail when the address has no account (else the account's)"})


class UseSignInLinkIn(Schema):
    code = fields.String(required=True, validate=validate.Length(min=10, max=200),
                         metadata={"description": "the `code` of the mailed link"})
    new_password = fields.String(load_only=True, validate=validate.Length(min=10, max=1024),
                                 metadata={"description": "to set a new password at once"})


class AcceptedOut(Schema):
    """The same answer whatever exists (registrations, sign-in links): the mail to the
    address tells its owner what happened."""

    status = fields.String(dump_only=True)
    detail = fields.String(dump_only=True)


class UserOut(Schema):
    id = fields.Integer(dump_only=True)
    email = fields.String(dump_only=True, metadata={"format": "email"})
    display_name = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
    organisation_id = fields.Integer(dump_only=True, allow_none=True)
    hub_ids = fields.Method("_hub_ids", dump_only=True,
                            metadata={"type": "array", "items": {"type": "integer"}})
    language = fields.String(dump_only=True)
    is_active = fields.Boolean(dump_only=True)

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

    if_match = fields.Integer(data_key="If-Match", validate=ID_RANGE,
                              metadata={"description": "the version you saw; stale -> 409"})


class UserIn(Schema):
    email = Email(required=True)
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=10, max=1024))
    role = fields.String(required=True, validate=validate.OneOf(USER_ROLES))
    hub_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=100))
    organisation_id = Id(allow_none=True)
    display_name = fields.String(load_default="", validate=validate.Length(max=200))
    language = fields.String(load_default="nl", validate=validate.OneOf(("nl", "fr", "en")))


class UserPatch(Schema):
    hub_ids = fields.List(Id(), validate=validate.Length(max=100))
    display_name = fields.String(validate=validate.Length(max=200))
    language = fields.String(validate=validate.OneOf(("nl", "fr", "en")))
    is_active = fields.Boolean()


class UserArgs(PageArgs):
    role = fields.String(validate=validate.OneOf(USER_ROLES))
    hub = Id()
    organisation = Id()
