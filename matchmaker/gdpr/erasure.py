"""Erasing personal data: contacts (on request, or by retention) and what carries their
address.

Personal data lives in contacts (and the accounts and invitations that carry
the same address); the audit log never holds any, so erasing a person leaves
every KPI and audit entry intact and still adding up.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Contact, Invitation, PasswordFailure, User, utcnow

from .. import audit
from ..tokens import end_all_sign_ins
from .traces import Traces


def erase_contact(session: Session, actor: User | None, contact: Contact) -> Traces:
    """Remove a contact's personal data everywhere it is held; returns what was removed, for
    `purge_copies` to find it outside the database rows once committed."""
    traces = Traces(email=contact.email, name=contact.name, phone=contact.phone)
    email = contact.email
    before = audit.snapshot(contact)
    contact.name = contact.email = contact.phone = None
    contact.erased_at = utcnow()
    if email:
        for user in session.scalars(sa.select(User).where(
                sa.func.lower(User.email) == email.lower())):
            user.email = f"erased-{user.id}@invalid"
            user.display_name = ""
            user.password_hash = None
            user.is_active = False
            end_all_sign_ins(session, user)
        for invitation in session.scalars(sa.select(Invitation).where(
                sa.func.lower(Invitation.email) == email.lower())):
            invitation.email = f"erased-{invitation.id}@invalid"
        # wrong passwords typed for this address in the last minutes (api/throttle.py)
        session.execute(sa.delete(PasswordFailure).where(
            PasswordFailure.key == email.strip().lower()))
    session.flush()
    audit.record(session, actor, "erase", contact, before=before, after=audit.snapshot(contact))
    return traces


def mark_active(session: Session, email: str) -> None:
    """The person with this address just showed up (signed in): retention counts from now."""
    for contact in session.scalars(sa.select(Contact).where(
            sa.func.lower(Contact.email) == email.lower(), Contact.erased_at.is_(None))):
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
    erased (for `purge_copies`), never logged."""
    return [erase_contact(session, None, contact)
            for contact in inactive_contacts(session, inactive_days, now)]

