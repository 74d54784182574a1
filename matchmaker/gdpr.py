"""Personal data under the GDPR: contacts kept, exported, erased and expired.

Personal data lives in contacts (and the accounts and invitations that carry
the same address); the audit log never holds any, so erasing a person leaves
every KPI and audit entry intact and still adding up.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (
    Activity,
    AuditEntry,
    Base,
    Contact,
    Invitation,
    Match,
    Organisation,
    PasswordFailure,
    User,
    utcnow,
)

from . import audit
from .audit import plain
from .tokens import end_all_sign_ins

FORMAT = "matchmaker-personal-data/1"
_SECRETS = frozenset({"password_hash", "token_hash"})


def _row(obj: Base) -> dict[str, Any]:
    return {c.key: plain(getattr(obj, c.key)) for c in obj.__table__.columns
            if c.key not in _SECRETS}


def export_organisation(session: Session, organisation: Organisation) -> dict[str, Any]:
    """Everything held about an organisation and its people, as one JSON-ready document."""
    stream_ids = [s.id for s in organisation.streams]
    capacity_ids = [c.id for c in organisation.capacities]
    matches = session.scalars(sa.select(Match).where(sa.or_(
        Match.stream_id.in_(stream_ids), Match.capacity_id.in_(capacity_ids))
    ).order_by(Match.id)).all()
    about = [("organisations", [organisation.id]), ("streams", stream_ids),
             ("capacities", capacity_ids), ("matches", [m.id for m in matches]),
             ("contacts", [c.id for c in organisation.contacts])]
    entries = session.scalars(sa.select(AuditEntry).where(sa.or_(*(
        sa.and_(AuditEntry.entity == entity, AuditEntry.entity_id.in_(ids))
        for entity, ids in about))).order_by(AuditEntry.id)).all()
    activities = session.scalars(sa.select(Activity).where(
        Activity.organisations.any(Organisation.id == organisation.id))).all()
    return {
        "format": FORMAT,
        "exported_at": utcnow().isoformat(),
        "organisation": _row(organisation),
        "contacts": [_row(c) for c in organisation.contacts],
        "members": [_row(u) for u in organisation.members],
        "invitations": [_row(i) for i in organisation.invitations],
        "streams": [_row(s) for s in organisation.streams],
        "capacities": [_row(c) for c in organisation.capacities],
        "matches": [{**_row(m), "decisions": [_row(d) for d in m.decisions]} for m in matches],
        "activities": [_row(a) for a in activities],
        "audit_entries": [_row(e) for e in entries],
    }


def erase_contact(session: Session, actor: User | None, contact: Contact) -> str | None:
    """Remove a contact's personal data everywhere it is held; returns the old address
    so the caller can purge it from places outside the database (the mail outbox)."""
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
    return email


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
                    now: datetime | None = None) -> list[str]:
    """Erase every contact inactive for longer than the retention period; returns the
    erased addresses (for purging the outbox), never logged."""
    return [email for contact in inactive_contacts(session, inactive_days, now)
            if (email := erase_contact(session, None, contact))]

