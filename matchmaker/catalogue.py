"""Streams and capacities from the database as engine documents.

The engine's ids are strings: the database primary key, so the service layer
maps a suggestion back with `int(doc.id)`. A stream or capacity without a
location takes its organisation's; its hub is its organisation's hub. Only
published items are offered for matching.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from models import Capacity, Organisation, Stream

from .engine.documents import CapacityDoc, Doc, StreamDoc, enrich, join_text
from .stages import stage
from .stored_analysis import stored_analysis

ITEM_MODELS: dict[str, type[Stream] | type[Capacity]] = {"stream": Stream, "capacity": Capacity}
MATCHABLE_STATUS = "published"


def _common(item: Stream | Capacity) -> dict:
    org = item.organisation
    has_own_location = item.lat is not None and item.lon is not None
    return {
        "id": str(item.id),
        "organisation_id": str(org.id),
        "organisation_name": org.name,
        "hub_id": str(org.hub_id) if org.hub_id is not None else None,
        "title": item.title or "",
        "description": item.description or "",
        "language": item.language,
        "materials": tuple(item.materials or ()),
        "ewc_codes": tuple(item.ewc_codes or ()),
        "lat": item.lat if has_own_location else org.lat,
        "lon": item.lon if has_own_location else org.lon,
        "available_from": item.available_from,
        # the engine treats "open" docs as matchable
        "status": "open" if item.status == MATCHABLE_STATUS else item.status,
    }


def stream_doc(stream: Stream) -> StreamDoc:
    return StreamDoc(
        **_common(stream), services=tuple(stream.services_wanted or ()),
        quantity_amount=stream.quantity_amount, quantity_unit=stream.quantity_unit,
        quantity_per=stream.quantity_per, requirements=tuple(stream.requirements or ()),
    )


def capacity_doc(capacity: Capacity) -> CapacityDoc:
    return CapacityDoc(
        **_common(capacity), services=tuple(capacity.services or ()),
        quantity_amount=capacity.capacity_amount, quantity_unit=capacity.capacity_unit,
        quantity_per=capacity.capacity_per,
        certifications=tuple(capacity.certifications or ()),
        service_radius_km=capacity.service_radius_km,
        target_group_fte=capacity.target_group_fte,
        available_until=capacity.available_until,
    )


def to_doc(item: Stream | Capacity) -> Doc:
    """The engine's view of an item, with empty structured fields inferred from its text
    (by the analysis stored when it was written, when that was made for this text)."""
    doc = stream_doc(item) if isinstance(item, Stream) else capacity_doc(item)
    stored = stored_analysis(item)
    if stored is not None:
        return enrich(doc, analyse=lambda *args, **kwargs: stored)
    with stage("analysis"):
        return enrich(doc)


Mark = tuple[datetime, datetime]


def change_marks(session: Session, kind: str) -> dict[int, Mark]:
    """id -> (item updated_at, organisation updated_at) of every matchable item of `kind`.

    Two timestamps a row: a worker compares them with what it holds to find what was
    added, changed or removed. O(rows): `recent_changes` is the cheap look in between.
    """
    model = ITEM_MODELS[kind]
    rows = session.execute(
        sa.select(model.id, model.updated_at, Organisation.updated_at)
        .join(Organisation, model.organisation_id == Organisation.id)
        .where(model.status == MATCHABLE_STATUS)
    )
    return {item_id: (item_at, org_at) for item_id, item_at, org_at in rows}


def recent_changes(session: Session, kind: str, since: datetime) -> dict[int, Mark | None]:
    """Items of `kind` whose own or organisation's timestamp is after `since`: id -> mark,
    or None when the item is no longer matchable (closed, withdrawn, organisation gone)."""
    model = ITEM_MODELS[kind]
    query = (sa.select(model.id, model.updated_at, Organisation.updated_at, model.status)
             .join(Organisation, model.organisation_id == Organisation.id))
    # two queries, each on its timestamp's index (an OR across the join reads every row);
    # an item found by both comes twice, alike
    rows = [*session.execute(query.where(model.updated_at > since)),
            *session.execute(query.where(Organisation.updated_at > since))]
    return {item_id: (item_at, org_at) if status == MATCHABLE_STATUS else None
            for item_id, item_at, org_at, status in rows}


def matchable_texts(session: Session, kind: str) -> list[tuple[int, str]]:
    """(id, embedded text) of every matchable item of `kind`, by id: what
    `embed_text(to_doc(item))` gives, read as two columns instead of building every
    item and its doc (the embedded text is the title and description alone)."""
    model = ITEM_MODELS[kind]
    rows = session.execute(
        sa.select(model.id, model.title, model.description)
        .join(Organisation, model.organisation_id == Organisation.id)
        .where(model.status == MATCHABLE_STATUS).order_by(model.id))
    return [(item_id, join_text(title or "", description or ""))
            for item_id, title, description in rows]


def matchable_count(session: Session, kind: str) -> int:
    model = ITEM_MODELS[kind]
    return session.scalar(sa.select(sa.func.count()).select_from(model)
                          .where(model.status == MATCHABLE_STATUS)) or 0


def load_items(session: Session, kind: str, ids: Iterable[int]) -> list[Stream | Capacity]:
    model = ITEM_MODELS[kind]
    ids = list(ids)
    items: list[Stream | Capacity] = []
    # chunks keep the IN list within every backend's parameter limit
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        items.extend(session.scalars(
            sa.select(model).options(joinedload(model.organisation)).where(model.id.in_(chunk))
        ).unique())
    return items
