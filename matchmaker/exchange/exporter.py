"""Export of the database as an exchange document.

Rows created in the app have no external id yet; the export gives them one
("org-<pk>", "s-<pk>" ...) under the export's source and stores it, so that
importing the exported file back into the same database changes nothing.
"""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from models import Capacity, Hub, Organisation, Stream

from . import records
from .validation import FORMAT

_PREFIX = {Hub: "hub", Organisation: "org", Stream: "s", Capacity: "c"}


def _external_ids(session: Session, rows: list[Any], model: type, source: str) -> dict[int, str]:
    """pk -> the id written to the file, giving rows without one an id of their own."""
    taken = set(session.scalars(
        sa.select(model.external_id).where(model.source == source,
                                           model.external_id.is_not(None))))
    ids: dict[int, str] = {}
    used: set[str] = set()
    for row in rows:
        if row.external_id is None:
            candidate, n = f"{_PREFIX[model]}-{row.id}", 1
            while candidate in taken:
                n += 1
                candidate = f"{_PREFIX[model]}-{row.id}-{n}"
            row.source, row.external_id = source, candidate
            taken.add(candidate)
        rid = row.external_id
        if rid in used:
            # The same external id from two sources: the file needs unique ids.
            rid = f"{row.source}:{rid}"
        used.add(rid)
        ids[row.id] = rid
    return ids


def export_exchange(
    session: Session,
    hub_ids: Collection[int] | None = None,
    include_contacts: bool = True,
    source: str = "exchange",
) -> dict[str, Any]:
    """The published data (of the hubs with primary keys `hub_ids`, or all) as an exchange document.

    Commits the external ids it hands out to rows that had none.
    """
    hub_query = sa.select(Hub).order_by(Hub.id)
    org_query = (sa.select(Organisation).order_by(Organisation.id)
                 .options(selectinload(Organisation.contacts)))
    if hub_ids is not None:
        hub_query = hub_query.where(Hub.id.in_(list(hub_ids)))
        org_query = org_query.where(Organisation.hub_id.in_(list(hub_ids)))
    hubs = list(session.scalars(hub_query))
    orgs = list(session.scalars(org_query))
    org_pks = [o.id for o in orgs]
    items = {model: list(session.scalars(
        sa.select(model).where(model.organisation_id.in_(org_pks), model.status == "published")
        .order_by(model.id))) for model in (Stream, Capacity)}

    hub_rid = _external_ids(session, hubs, Hub, source)
    org_rid = _external_ids(session, orgs, Organisation, source)
    stream_rid = _external_ids(session, items[Stream], Stream, source)
    capacity_rid = _external_ids(session, items[Capacity], Capacity, source)
    if session.dirty:
        session.commit()

    def contact(org: Organisation) -> Any:
        current = [c for c in org.contacts if c.erased_at is None]
        return current[0] if include_contacts and current else None

    return {
        "format": FORMAT,
        "hubs": [records.hub_record(h, hub_rid[h.id]) for h in hubs],
        "organisations": [
            records.organisation_record(o, org_rid[o.id], hub_rid.get(o.hub_id), contact(o))
            for o in orgs],
        "streams": [records.stream_record(s, stream_rid[s.id], org_rid[s.organisation_id])
                    for s in items[Stream]],
        "capacities": [records.capacity_record(c, capacity_rid[c.id], org_rid[c.organisation_id])
                       for c in items[Capacity]],
    }
