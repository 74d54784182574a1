"""Accounts that admins manage: facilitators of hubs, other admins, members of an
organisation; and switching an account off. Passwords go through `accounts`."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Hub, Organisation, User

from . import audit, scoping
from .accounts import hash_password
from .concurrent_writes import first_writer_wins
from .errors import Conflict, FieldError, ValidationError
from .tokens import end_all_sign_ins


def _hubs(session: Session, actor: User, hub_ids: list[int]) -> list[Hub]:
    return scoping.load_many(session, actor, Hub, hub_ids, "hub_ids")


def _check_role(role: str, hubs: list[Hub], organisation_id: int | None) -> None:
    # A facilitator works for hubs, a member for one organisation; an admin for neither.
    errors = []
    if role == "facilitator" and not hubs:
        errors.append(FieldError("hub_ids", "a facilitator facilitates at least one hub"))
    if role != "facilitator" and hubs:
        errors.append(FieldError("hub_ids", f"only facilitators have hubs, not a {role}"))
    if role == "member" and organisation_id is None:
        errors.append(FieldError("organisation_id", "a member belongs to an organisation"))
    if role != "member" and organisation_id is not None:
        errors.append(FieldError("organisation_id", f"only members have one, not a {role}"))
    if errors:
        raise ValidationError(errors)


def create_user(session: Session, actor: User, values: dict[str, Any]) -> User:
    values = dict(values)
    email = values.pop("email").strip().lower()

    def holder() -> User | None:
        return session.scalar(sa.select(User).where(sa.func.lower(User.email) == email))

    if (known := holder()) is not None:
        raise Conflict(f"{email} already has an account", existing=known)
    hubs = _hubs(session, actor, values.pop("hub_ids", []))
    organisation_id = values.pop("organisation_id", None)
    _check_role(values["role"], hubs, organisation_id)
    if organisation_id is not None:
        scoping.load_many(session, actor, Organisation, [organisation_id], "organisation_id")
    password_hash = hash_password(values.pop("password"))
    with first_writer_wins(session, f"an account for {email}", holder):
        user = User(email=email, password_hash=password_hash, hubs=hubs,
                    organisation_id=organisation_id, **values)
        session.add(user)
    audit.record_creation(session, actor, user, hub_ids=sorted(h.id for h in hubs))
    return user


def update_user(session: Session, actor: User, user: User, values: dict[str, Any]) -> User:
    """Change hubs, display name, language or switch the account on or off."""
    if user.id == actor.id and values.get("is_active") is False:
        raise Conflict("you cannot switch off your own account")
    if user.erased_at is not None:
        raise Conflict(f"account {user.id} is erased; it cannot be changed")
    before = {**audit.snapshot(user), "hub_ids": sorted(h.id for h in user.hubs)}
    values = dict(values)
    hubs = _hubs(session, actor, values.pop("hub_ids")) if "hub_ids" in values else None
    if hubs is not None:
        _check_role(user.role, hubs, user.organisation_id)
    with first_writer_wins(session, f"a change of user {user.id}", lambda: user):
        if hubs is not None:
            user.hubs = hubs
        for key, value in values.items():
            setattr(user, key, value)
    if values.get("is_active") is False:
        # switched back on later, the account starts from a fresh sign-in
        end_all_sign_ins(session, user)
    session.flush()
    old, new = audit.changed(before, {**audit.snapshot(user),
                                      "hub_ids": sorted(h.id for h in user.hubs)})
    if new:
        audit.record(session, actor, "update", user, before=old, after=new)
    return user
