"""The GDPR access request: everything held about an organisation and its people, as one
document."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Activity, AuditEntry, Base, Match, Organisation, utcnow

from ..audit import plain

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
