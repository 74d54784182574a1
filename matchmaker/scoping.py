"""Who may see and who may manage what: the one place visibility is decided.

Every query of organisations, streams, capacities and matches takes its WHERE
clause from here, every single-object load goes through `load`, and every id given in
a request's body through `load_many`, so no endpoint has to remember a rule. Reading is
wider than managing: published streams and capacities (their non-personal fields) are
visible to every signed-in user in every hub, because matching crosses hub borders;
drafts and pending organisations only to those who manage them. A match belongs to the
facilitators of its stream's hub; the capacity's hub sees it read-only (and consents to
its introduction), and the two parties see it once it is accepted or they said whether they
are interested; their contacts only once they have been introduced.

Lists and exports (the personal-data export included) take the same clauses,
so they never hold a row its single read refuses; `hidden_fields` says which
fields of a visible row stay with the hubs.
The programme's role (the department, Vlaanderen Circulair) manages nothing and belongs
to no organisation, so every rule below treats it as a member without one: it sees
published items like anyone signed in, no match, no contact. What it adds is reading
aggregates across hubs (`reads_programme`) and the hubs' yearly reports
(`reads_hub_report`), which hold figures and organisations, never a person.
"""
from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from models import Activity, Capacity, Decision, Hub, Match, Organisation, Stream, User

from .errors import FieldError, NotFound, PermissionDenied, ValidationError

T = TypeVar("T")
Item = Stream | Capacity

# From here on both parties know each other: contacts and the match are shared with them.
INTRODUCED_STATUSES: tuple[str, ...] = ("introduced", "agreed", "completed")
# The parties follow their match through these (before the introduction without contacts).
PARTY_STATUSES: tuple[str, ...] = ("accepted", *INTRODUCED_STATUSES)
SOCIAL_ENTERPRISE = "social_enterprise"
PROGRAMME = "programme"

# Fields that stay with the hubs: their facilitators and admins read them, the
# organisations never, in no answer, page, export or mail. A decision's note is the
# facilitator's internal note; a field meant for the parties is simply not listed here.
HUB_ONLY_FIELDS: dict[type, tuple[str, ...]] = {Decision: ("note",)}


def hub_ids(user: User) -> list[int]:
    return [hub.id for hub in user.hubs]


def is_admin(user: User) -> bool:
    return user.role == "admin"


def is_programme(user: User) -> bool:
    return user.role == PROGRAMME


def reads_programme(user: User) -> bool:
    """Every hub's aggregates side by side: admins and the programme."""
    return is_admin(user) or is_programme(user)


def reads_hub_report(user: User, hub_id: int) -> bool:
    """A hub's yearly report: whoever facilitates the hub, and the programme."""
    return facilitates(user, hub_id) or is_programme(user)


def facilitates(user: User, hub_id: int | None) -> bool:
    """Admins facilitate every hub; facilitators their own."""
    return is_admin(user) or (user.role == "facilitator" and hub_id in hub_ids(user))


def _member_org(user: User) -> int:
    # -1 matches no row: a member without an organisation sees nothing of anyone's.
    return user.organisation_id if user.organisation_id is not None else -1


def organisations_managed(user: User) -> ColumnElement[bool]:
    if is_admin(user):
        return sa.true()
    if user.role == "facilitator":
        return Organisation.hub_id.in_(hub_ids(user))
    return Organisation.id == _member_org(user)


def organisations_visible(user: User) -> ColumnElement[bool]:
    return sa.or_(Organisation.status == "active", organisations_managed(user))


def items_managed(user: User, model: type[Item]) -> ColumnElement[bool]:
    """A member's organisation manages streams, or capacities if it is a social enterprise."""
    if is_admin(user):
        return sa.true()
    managed = sa.select(Organisation.id).where(organisations_managed(user))
    if user.role == "member":
        kind_ok = (Organisation.kind == SOCIAL_ENTERPRISE if model is Capacity
                   else Organisation.kind != SOCIAL_ENTERPRISE)
        managed = managed.where(kind_ok)
    return model.organisation_id.in_(managed)


def items_visible(user: User, model: type[Item]) -> ColumnElement[bool]:
    published = sa.and_(
        model.status == "published",
        model.organisation_id.in_(
            sa.select(Organisation.id).where(Organisation.status == "active")),
    )
    own = model.organisation_id.in_(sa.select(Organisation.id).where(organisations_managed(user)))
    return sa.or_(published, own)


def matches_decided(user: User) -> ColumnElement[bool]:
    """Matches the user may move through the review lifecycle."""
    if is_admin(user):
        return sa.true()
    if user.role == "facilitator":
        return Match.hub_id.in_(hub_ids(user))
    return sa.false()


def matches_visible(user: User) -> ColumnElement[bool]:
    if is_admin(user):
        return sa.true()
    if user.role == "facilitator":
        capacity_hub = sa.select(Capacity.id).join(Organisation).where(
            Organisation.hub_id.in_(hub_ids(user)))
        return sa.or_(Match.hub_id.in_(hub_ids(user)), Match.capacity_id.in_(capacity_hub))
    org = _member_org(user)
    own_stream = Match.stream_id.in_(sa.select(Stream.id).where(Stream.organisation_id == org))
    own_capacity = Match.capacity_id.in_(
        sa.select(Capacity.id).where(Capacity.organisation_id == org))
    # a party follows a match once the hub accepted it, or from the moment it spoke up itself;
    # a rejected or withdrawn pair is the hub's business
    return sa.or_(
        sa.and_(Match.status.in_(PARTY_STATUSES), sa.or_(own_stream, own_capacity)),
        sa.and_(Match.status == "proposed", sa.or_(
            sa.and_(own_stream, Match.stream_interest.is_not(None)),
            sa.and_(own_capacity, Match.capacity_interest.is_not(None)))),
    )


def users_erasable(user: User) -> ColumnElement[bool]:
    """Accounts `user` may erase: their own; a facilitator, those of the members of their
    hubs' organisations; an admin, every one. Members run their organisation together with
    no manager among them, so none erases a colleague (the hub's facilitator does); the
    API answers every other account with a 404, as if it did not exist."""
    if is_admin(user):
        return sa.true()
    own = User.id == user.id
    if user.role != "facilitator":
        return own
    members = sa.and_(User.role == "member", User.organisation_id.in_(
        sa.select(Organisation.id).where(Organisation.hub_id.in_(hub_ids(user)))))
    return sa.or_(own, members)


def activities_visible(user: User) -> ColumnElement[bool]:
    """A hub's activities are its own work: for its facilitators (and admins)."""
    if is_admin(user):
        return sa.true()
    if user.role == "facilitator":
        return Activity.hub_id.in_(hub_ids(user))
    return sa.false()


def activity_participants(user: User) -> ColumnElement[bool]:
    """Organisations an activity may name: approved ones (an organisation waiting for its
    hub's approval is not reached yet) that the user may see, from any hub."""
    return sa.and_(Organisation.status == "active", organisations_visible(user))


def hidden_fields(user: User | None, model: type) -> tuple[str, ...]:
    """The fields of a `model` row that `user` may not read although they see the row;
    None stands for the parties, who read what they are mailed."""
    if user is not None and (is_admin(user) or user.role == "facilitator"):
        return ()
    return HUB_ONLY_FIELDS.get(model, ())


def hubs_managed(user: User) -> ColumnElement[bool]:
    return sa.true() if is_admin(user) else sa.false()


_VISIBLE = {
    Organisation: organisations_visible,
    Stream: lambda user: items_visible(user, Stream),
    Capacity: lambda user: items_visible(user, Capacity),
    Match: matches_visible,
    Hub: lambda user: sa.true(),
    Activity: activities_visible,
}
_MANAGED = {
    Organisation: organisations_managed,
    Stream: lambda user: items_managed(user, Stream),
    Capacity: lambda user: items_managed(user, Capacity),
    Match: matches_decided,
    Hub: hubs_managed,
}


_NOUNS = {Organisation: "organisation", Stream: "stream", Capacity: "capacity", Match: "match",
          Hub: "hub"}


def noun(model: type) -> str:
    """What users call a row of `model`, for messages."""
    return _NOUNS.get(model, model.__name__.lower())


def visible(user: User, model: type) -> ColumnElement[bool]:
    """The WHERE clause limiting `model` rows to those `user` may see."""
    return _VISIBLE[model](user)


def managed(user: User, model: type) -> ColumnElement[bool]:
    """The WHERE clause limiting `model` rows to those `user` may change."""
    return _MANAGED[model](user)


def load(session: Session, user: User, model: type[T], object_id: int, *,
         manage: bool = False) -> T:
    """The object, or NotFound if the user may not see it; PermissionDenied if it
    is visible but `manage` is asked and the user may not change it."""
    query = sa.select(model).where(model.id == object_id, visible(user, model))
    obj = session.scalar(query)
    if obj is None:
        raise NotFound(f"{noun(model)} {object_id} not found")
    if manage and not session.scalar(
            sa.select(sa.literal(True)).where(model.id == object_id, managed(user, model))):
        raise PermissionDenied(f"you may not change {noun(model)} {object_id}")
    return obj


def load_many(session: Session, user: User, model: type[T], object_ids: list[int],
              field: str, among: ColumnElement[bool] | None = None) -> list[T]:
    """The objects named by ids in a request's body (field `field`), among those the user
    may see (narrowed by `among` when given); any other id is refused exactly like an id
    that does not exist (a 400 on the field), so the answer tells nothing of objects the
    user may not see."""
    found = list(session.scalars(sa.select(model).where(
        model.id.in_(object_ids), visible(user, model),
        sa.true() if among is None else among)))
    missing = sorted(set(object_ids) - {obj.id for obj in found})
    if missing:
        raise ValidationError([FieldError(field, f"no {noun(model)} {i}") for i in missing])
    return found


def may_manage(session: Session, user: User, obj: Organisation | Stream | Capacity | Match | Hub
               ) -> bool:
    model = type(obj)
    return bool(session.scalar(
        sa.select(sa.literal(True)).where(model.id == obj.id, managed(user, model))))


def may_see_contacts(session: Session, user: User, organisation: Organisation) -> bool:
    """The organisation itself, its hub's facilitators, admins, and the other party of
    a match that has been introduced."""
    if is_admin(user) or user.organisation_id == organisation.id:
        return True
    if user.role == "facilitator":
        return organisation.hub_id in hub_ids(user)
    if user.organisation_id is None:
        return False
    mine, theirs = user.organisation_id, organisation.id
    introduced = (
        sa.select(Match.id)
        .join(Stream, Match.stream_id == Stream.id)
        .join(Capacity, Match.capacity_id == Capacity.id)
        .where(Match.status.in_(INTRODUCED_STATUSES),
               sa.or_(sa.and_(Stream.organisation_id == mine, Capacity.organisation_id == theirs),
                      sa.and_(Stream.organisation_id == theirs,
                              Capacity.organisation_id == mine)))
        .limit(1)
    )
    return session.scalar(introduced) is not None
