"""Exchange-format JSON (`circular-match-exchange/1`) straight into engine docs.

Used by the evaluation scripts and tests; the database path builds the same
docs from the ORM. A stream or capacity without a location takes its
organisation's, and its hub is its organisation's hub.
"""

from __future__ import annotations

from datetime import date

from matchmaker.engine.documents import CapacityDoc, StreamDoc


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _common(item: dict, organisations: dict[str, dict]) -> dict:
    org = organisations.get(item["organisation"], {})
    location = item.get("location") or org.get("location") or {}
    quantity = item.get("quantity") or item.get("capacity") or {}
    return {
        "id": item["id"],
        "organisation_id": item["organisation"],
        "organisation_name": org.get("name", ""),
        "hub_id": org.get("hub"),
        "title": item.get("title") or "",
        "description": item.get("description") or "",
        "language": item.get("language"),
        "materials": tuple(item.get("materials") or ()),
        "ewc_codes": tuple(item.get("ewc_codes") or ()),
        "quantity_amount": quantity.get("amount"),
        "quantity_unit": quantity.get("unit"),
        "quantity_per": quantity.get("per"),
        "lat": location.get("lat"),
        "lon": location.get("lon"),
        "available_from": _date(item.get("available_from")),
        "available_until": _date(item.get("available_until")),
        "status": item.get("status") or "open",
    }


def docs_from_exchange(data: dict) -> tuple[list[StreamDoc], list[CapacityDoc]]:
    """Streams and capacities of one exchange document, as entered (not enriched)."""
    organisations = {o["id"]: o for o in data.get("organisations", [])}
    streams = [
        StreamDoc(
            **_common(item, organisations),
            services=tuple(item.get("services_wanted") or ()),
            requirements=tuple(item.get("requirements") or ()),
        )
        for item in data.get("streams", [])
    ]
    capacities = [
        CapacityDoc(
            **_common(item, organisations),
            services=tuple(item.get("services") or ()),
            certifications=tuple(item.get("certifications") or ()),
            service_radius_km=item.get("service_radius_km"),
            target_group_fte=item.get("target_group_fte"),
        )
        for item in data.get("capacities", [])
    ]
    return streams, capacities
