"""The hub's material map ("materiaalkaart"): every published stream and capacity of the hub's
organisations on one map, filtered by material, so the facilitator sees where supply and
demand lie. Facilitators of the hub only (others get a 404)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import request
from sqlalchemy.orm import selectinload

from api.db import db_session
from api.web.common import bp, page
from api.web.plot import coordinate_plot, place_of
from api.web.review import facilitated_hub
from matchmaker import taxonomy
from matchmaker.catalogue import MATCHABLE_STATUS, to_doc
from models import Capacity, Organisation, Stream


def _about(material: str, materials: tuple[str, ...]) -> bool:
    """The item names the material, a narrower one, or a broader one ("textiles" covers
    "workwear" and the reverse: both belong on a textiles map)."""
    return any(taxonomy.material_relation(material, m) in ("same", "parent", "child")
               for m in materials)


@bp.get("/hubs/<int:hub_id>/map")
def hub_map(hub_id: int) -> tuple[str, int]:
    hub = facilitated_hub(hub_id)
    session = db_session()
    material = request.args.get("material") or None
    if material not in taxonomy.MATERIALS:
        material = None
    items: list[Stream | Capacity] = []
    for model in (Stream, Capacity):
        items += session.scalars(
            sa.select(model).options(selectinload(model.organisation))
            .join(Organisation, model.organisation_id == Organisation.id)
            .where(Organisation.hub_id == hub.id, model.status == MATCHABLE_STATUS)
            .order_by(model.title)).all()
    # the materials as the engine reads them: free-text items get theirs from the text
    docs = {(type(item), item.id): to_doc(item) for item in items}
    present = sorted({m for doc in docs.values() for m in doc.materials})
    shown = [item for item in items
             if material is None or _about(material, docs[(type(item), item.id)].materials)]
    plot = coordinate_plot([place_of(item, f"{item.title} ({item.organisation.name})")
                            for item in shown])
    return page("hub_map.html", hub=hub, plot=plot, material=material, materials=present,
                streams=sum(isinstance(i, Stream) for i in shown),
                capacities=sum(isinstance(i, Capacity) for i in shown))
