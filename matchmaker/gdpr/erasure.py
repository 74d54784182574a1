"""Erasing personal data: a contact of an organisation, or an account, each on its own.

Erasing a contact touches that contact and its organisation's data only (its
invitations to the same address); it never looks for accounts by address,
since anyone who manages an organisation can type any address into a contact.
Erasing an account is a separate, deliberate act (`scoping.users_erasable`
says who may), and neither touches the other. The audit log holds no personal
data, so both leave every KPI and audit entry intact and still adding up.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import ApiToken, Contact, Invitation, PasswordFailure, User, utcnow

from .. import audit
from ..errors import Conflict
from ..tokens import end_all_sign_ins
from .traces import Traces


def _forget_invitations(session: Session, organisation_id: int | None, email: str) -> None:
    """The organisation's invitations to `email`: open ones are withdrawn (an erased person
    is not to turn up as a new account later), used ones keep no address."""
    for invitation in session.scalars(sa.select(Invitation).where(
            Invitation.organisation_id == organisation_id,
            sa.func.lower(Invitation.email) == email.lower())):
        if invitation.used_at is None:
            session.delete(invitation)
        else:
            invitation.email = f"erased-{invitation.id}@invalid"


def _forget_password_failures(session: Session, email: str) -> None:
    # wrong passwords typed for the address in the last minutes (api/throttle.py)
    session.execute(sa.delete(PasswordFailure).where(
        PasswordFailure.scope == "account", PasswordFailure.key == email.strip().lower()))


def erase_contact(session: Session, actor: User | None, contact: Contact) -> Traces:
    """Remove a contact's personal data from its organisation; returns what was removed,
    for `purge_copies` to find it outside the database rows once committed."""
    traces = Traces(email=contact.email, name=contact.name, phone=contact.phone)
    before = audit.snapshot(contact)
    contact.name = contact.email = contact.phone = None
    contact.erased_at = utcnow()
    if traces.email:
        _forget_invitations(session, contact.organisation_id, traces.email)
        # Failures typed for an account protect that account against guessing: a contact
        # must not reset them. For an address without an account they protect nothing.
        if session.scalar(sa.select(User.id).where(
                sa.func.lower(User.email) == traces.email.strip().lower())) is None:
            _forget_password_failures(session, traces.email)
    session.flush()
    audit.record(session, actor, "erase", contact, before=before, after=audit.snapshot(contact))
    return traces


def erase_user(session: Session, actor: User, user: User) -> Traces:
    """Close an account for good and remove its personal data: address, name, password,
    sign-ins, API tokens, its organisation's invitations to it and the wrong passwords
    typed for it. Its decisions and audit entries stay (they hold its id only)."""
    if user.erased_at is not None:
        raise Conflict(f"account {user.id} is erased already")
    if user.role == "admin" and not session.scalar(sa.select(User.id).where(
            User.role == "admin", User.is_active, User.id != user.id).limit(1)):
        raise Conflict("the last admin account cannot be erased")
    traces = Traces(email=user.email, name=user.display_name or None)
    before = audit.snapshot(user)
    _forget_invitations(session, user.organisation_id, user.email)
    _forget_password_failures(session, user.email)
    end_all_sign_ins(session, user)
    session.execute(sa.delete(ApiToken).where(ApiToken.user_id == user.id))
    user.email = f"erased-{user.id}@invalid"
    user.display_name = ""
    user.password_hash = None
    user.is_active = False
    user.erased_at = utcnow()
    session.flush()
    session.expire(user, ["api_tokens", "sign_ins"])
    audit.record(session, actor, "erase", user, before=before, after=audit.snapshot(user))
    return traces


def mark_active(session: Session, user: User) -> None:
    """`user` just showed up (signed in): the contact with their address in their own
    organisation counts as active from now on, for retention."""
    if user.organisation_id is None:
        return
    for contact in session.scalars(sa.select(Contact).where(
            Contact.organisation_id == user.organisation_id,
            sa.func.lower(Contact.email) == user.email.lower(), Contact.erased_at.is_(None))):
        contact.last_active_at = utcnow()


def inactive_contacts(session: Session, inactive_days: int,
                      now: datetime | None = None) -> list[Contact]:
    """Contacts not erased yet whose last sign of activity is older than `inactive_days`."""
    cutoff = (now or utcnow()) - timedelta(days=inactive_days)
    last_seen = sa.func.coalesce(Contact.last_active_at, Contact.created_at)
    return list(session.scalars(sa.select(Contact).where(
        Contact.erased_at.is_(None), last_seen < cutoff).order_by(Contact.id)))


def apply_retention(session: Session, inactive_days: int,
                    now: datetime | None = None) -> list[Traces]:
    """Erase every contact inactive for longer than the retention period; returns what was
    erased (for `purge_copies`), never to be logged."""
    return [erase_contact(session, None, contact)
            for contact in inactive_contacts(session, inactive_days, now)]
