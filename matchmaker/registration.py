"""Creating, changing and removing hubs, organisations, their contacts, streams and capacities.

Callers pass plain field values; who may do it was settled by `scoping`
before the object reached here, except for what only a new object can tell
(which organisation a member may add a stream or a capacity to). Every write
lands in the audit log; the index version is bumped by the models on flush.
"""
from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models import (
    ITEM_STATUSES,
    Capacity,
    Contact,
    Hub,
    Match,
    Organisation,
    Stream,
    User,
    normalise_enterprise_number,
)

from . import audit
from .errors import Conflict, FieldError, PermissionDenied
from .places.geocode import place_columns
from .scoping import SOCIAL_ENTERPRISE, noun

T = TypeVar("T", Hub, Organisation, Stream, Capacity)
Item = Stream | Capacity


def _create(session: Session, actor: User, obj: T) -> T:
    audit.record_creation(session, actor, obj)
    return obj


def _update(session: Session, actor: User, obj: T, values: dict[str, Any],
            expected_version: int | None = None) -> T:
    current = getattr(obj, "version", None)
    label = f"{noun(type(obj))} {obj.id}"
    if expected_version is not None and current is not None and expected_version != current:
        raise Conflict(f"{label} changed meanwhile "
                       f"(version {current}, you sent {expected_version}); reload and retry")
    before = audit.snapshot(obj)
    for key, value in values.items():
        setattr(obj, key, value)
    try:
        session.flush()
    except StaleDataError as err:
        raise Conflict(f"{label} changed meanwhile; reload and retry") from err
    old, new = audit.changed(before, audit.snapshot(obj))
    if new:
        audit.record(session, actor, "update", obj, before=old, after=new)
    return obj


def _delete(session: Session, actor: User, obj: T) -> None:
    audit.record(session, actor, "delete", obj, before=audit.snapshot(obj))
    session.delete(obj)
    session.flush()


def create_hub(session: Session, actor: User, values: dict[str, Any]) -> Hub:
    return _create(session, actor, Hub(**values))


def update_hub(session: Session, actor: User, hub: Hub, values: dict[str, Any]) -> Hub:
    return _update(session, actor, hub, values)


def delete_hub(session: Session, actor: User, hub: Hub) -> None:
    if hub.organisations:
        raise Conflict(f"hub {hub.id} still has {len(hub.organisations)} organisations; "
                       "move or remove them first")
    _delete(session, actor, hub)


def refuse_known_enterprise_number(session: Session, number: str | None,
                                   organisation_id: int | None = None) -> None:
    """One organisation per KBO/BCE number, however it arrives (form, API, edit)."""
    if not number:
        return
    number = normalise_enterprise_number(number)
    query = sa.select(Organisation.id).where(Organisation.enterprise_number == number)
    if organisation_id is not None:
        query = query.where(Organisation.id != organisation_id)
    if session.scalar(query) is not None:
        raise Conflict(f"an organisation with enterprise number {number} is already "
                       "registered; ask its members or the hub for an invitation")


def create_organisation(session: Session, actor: User, hub: Hub,
                        values: dict[str, Any]) -> Organisation:
    refuse_known_enterprise_number(session, values.get("enterprise_number"))
    return _create(session, actor, Organisation(hub=hub, **place_columns(values)))


# What the hub approves: which kind of organisation it is (it decides whether it offers
# capacities or registers streams), its recognitions, its hub and its KBO/BCE number.
HUB_APPROVED_FIELDS: tuple[str, ...] = ("kind", "recognitions", "hub_id", "enterprise_number")


def _changes(organisation: Organisation, name: str, value: Any) -> bool:
    current = getattr(organisation, name)
    if name == "enterprise_number" and value:
        value = normalise_enterprise_number(value)
    if name == "recognitions":
        return sorted(value or []) != sorted(current or [])
    return value != current


def update_organisation(session: Session, actor: User, organisation: Organisation,
                        values: dict[str, Any]) -> Organisation:
    """Change an organisation's fields; a member may not change those its hub approves
    (PermissionDenied naming each), sending them unchanged is fine."""
    if actor.role == "member":
        refused = [name for name in HUB_APPROVED_FIELDS
                   if name in values and _changes(organisation, name, values[name])]
        if refused:
            raise PermissionDenied(
                f"{', '.join(refused)}: set by your hub's facilitator; ask them to change it",
                errors=[FieldError(name, "set by your hub's facilitator; ask them to change "
                                         "it") for name in refused])
    refuse_known_enterprise_number(session, values.get("enterprise_number"), organisation.id)
    return _update(session, actor, organisation, place_columns(values, organisation))


def delete_organisation(session: Session, actor: User, organisation: Organisation) -> None:
    _refuse_when_matched(session, Match.stream_id.in_(
        sa.select(Stream.id).where(Stream.organisation_id == organisation.id)) | Match.capacity_id.in_(
        sa.select(Capacity.id).where(Capacity.organisation_id == organisation.id)),
        f"organisation {organisation.id}")
    _delete(session, actor, organisation)


def may_add_item(actor: User, model: type[Item], organisation: Organisation) -> bool:
    """Members add streams to a company-like organisation, capacities to a social enterprise."""
    if actor.role != "member":
        return True
    return (organisation.kind == SOCIAL_ENTERPRISE) == (model is Capacity)


def create_item(session: Session, actor: User, model: type[Item], organisation: Organisation,
                values: dict[str, Any]) -> Item:
    if not may_add_item(actor, model, organisation):
        raise PermissionDenied(
            f"a member of a {organisation.kind} cannot register {model.__tablename__}")
    # Without a site of its own, an item lies at its organisation's place, wherever that
    # is later (catalogue.py), so nothing is copied here.
    values = place_columns({"language": organisation.language, **values})
    return _create(session, actor, model(organisation=organisation, **values))


def update_item(session: Session, actor: User, item: Item, values: dict[str, Any],
                expected_version: int | None = None) -> Item:
    return _update(session, actor, item, place_columns(values, item), expected_version)


def set_item_status(session: Session, actor: User, item: Item, status: str,
                    expected_version: int | None = None) -> Item:
    """Publish, close or withdraw a stream or capacity (the status is never a plain field)."""
    if status not in ITEM_STATUSES:
        raise Conflict(f"unknown status {status!r}", allowed=ITEM_STATUSES)
    return _update(session, actor, item, {"status": status}, expected_version)


def delete_item(session: Session, actor: User, item: Item) -> None:
    column = Match.stream_id if isinstance(item, Stream) else Match.capacity_id
    _refuse_when_matched(session, column == item.id, f"{noun(type(item))} {item.id}")
    _delete(session, actor, item)


def _refuse_when_matched(session: Session, where: sa.ColumnElement[bool], what: str) -> None:
    # Matches carry the decisions the scorer learns from; deleting them would lose that.
    count = session.scalar(sa.select(sa.func.count()).select_from(Match).where(where))
    if count:
        raise Conflict(f"{what} has {count} match(es); close or withdraw it instead",
                       allowed=("closed", "withdrawn"))


def add_contact(session: Session, actor: User, organisation: Organisation,
                values: dict[str, Any]) -> Contact:
    contact = Contact(organisation=organisation, **values)
    audit.record_creation(session, actor, contact)
    return contact


def update_contact(session: Session, actor: User, contact: Contact,
                   values: dict[str, Any]) -> Contact:
    # The audit entry says that the contact changed, never what it was or became.
    for key, value in values.items():
        setattr(contact, key, value)
    audit.record(session, actor, "update", contact)
    return contact
