"""The GDPR access request: everything held about an organisation and its people, as one
document, limited to what its reader may read.

The export goes through `scoping` like every other read: the rows it holds are
those the reader's single reads (`GET /matches/{id}`, ...) answer, and of each
row the fields those reads show, so an export never tells more than the API.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Activity, AuditEntry, Base, Capacity, Match, Organisation, Stream, User, utcnow

from .. import scoping
from ..audit import plain

FORMAT = "matchmaker-personal-data/1"
_SECRETS = frozenset({"password_hash", "token_hash"})


def _row(reader: User, obj: Base) -> dict[str, Any]:
    hidden = _SECRETS | set(scoping.hidden_fields(reader, type(obj)))
    return {c.key: plain(getattr(obj, c.key)) for c in obj.__table__.columns
            if c.key not in hidden}


def export_organisation(session: Session, reader: User, organisation: Organisation
                        ) -> dict[str, Any]:
    """Everything held about `organisation` and its people that `reader` may read."""
    def rows(model: type, *where: Any) -> list[Any]:
        return list(session.scalars(sa.select(model).where(
            scoping.visible(reader, model), *where).order_by(model.id)))

    streams = rows(Stream, Stream.organisation_id == organisation.id)
    capacities = rows(Capacity, Capacity.organisation_id == organisation.id)
    matches = rows(Match, sa.or_(Match.stream_id.in_([s.id for s in streams]),
                                 Match.capacity_id.in_([c.id for c in capacities])))
    contacts = [c for c in organisation.contacts if c.erased_at is None] \
        if scoping.may_see_contacts(session, reader, organisation) else []
    members = [u for u in organisation.members if u.erased_at is None]
    activities = rows(Activity, Activity.organisations.any(Organisation.id == organisation.id))
    about = [("organisations", [organisation.id]), ("streams", [s.id for s in streams]),
             ("capacities", [c.id for c in capacities]), ("matches", [m.id for m in matches]),
             ("contacts", [c.id for c in contacts])]
    entries = session.scalars(sa.select(AuditEntry).where(sa.or_(*(
        sa.and_(AuditEntry.entity == entity, AuditEntry.entity_id.in_(ids))
        for entity, ids in about))).order_by(AuditEntry.id)).all()
    return {
        "format": FORMAT,
        "exported_at": utcnow().isoformat(),
        "organisation": _row(reader, organisation),
        "contacts": [_row(reader, c) for c in contacts],
        "members": [_row(reader, u) for u in members],
        "invitations": [_row(reader, i) for i in organisation.invitations],
        "streams": [_row(reader, s) for s in streams],
        "capacities": [_row(reader, c) for c in capacities],
        "matches": [{**_row(reader, m), "decisions": [_row(reader, d) for d in m.decisions]}
                    for m in matches],
        "activities": [_row(reader, a) for a in activities],
        "audit_entries": [_row(reader, e) for e in entries],
    }
