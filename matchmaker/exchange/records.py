"""How exchange records map onto table columns, in both directions.

`*_columns` turn a validated record into the column values to store (every
column the format covers, so a record in a file is the whole truth about it);
`*_record` turn a stored row back into a record, leaving out what is empty.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from matchmaker.identifiers import normalise_enterprise_number
from matchmaker.places.gazetteer import EXACT
from matchmaker.places.geocode import place_columns
from matchmaker.taxonomy import normalise_ewc
from models import Capacity, Contact, Hub, Organisation, Stream


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _location_columns(record: dict[str, Any], with_place: bool = True) -> dict[str, Any]:
    """Coordinates as given, else geocoded from the postcode and municipality (validated
    before, so the gazetteer finds them)."""
    location = record.get("location") or {}
    columns = {"lat": _float(location.get("lat")), "lon": _float(location.get("lon"))}
    if not with_place:
        return columns
    return place_columns({**columns, "postcode": location.get("postcode"),
                          "municipality": location.get("municipality")})


def _amount_columns(record: dict[str, Any], field: str) -> dict[str, Any]:
    amount = record.get(field) or {}
    return {f"{field}_amount": _float(amount.get("amount")),
            f"{field}_unit": amount.get("unit"), f"{field}_per": amount.get("per")}


def _item_columns(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": record.get("title") or "", "description": record.get("description") or "",
        "language": record.get("language"), "materials": list(record.get("materials") or []),
        "ewc_codes": [normalise_ewc(c) for c in record.get("ewc_codes") or []],
        "available_from": _date(record.get("available_from")),
    }


def hub_columns(record: dict[str, Any]) -> dict[str, Any]:
    return {"name": record["name"], **_location_columns(record, with_place=False)}


def organisation_columns(record: dict[str, Any]) -> dict[str, Any]:
    number = record.get("enterprise_number")
    return {
        "name": record["name"], "kind": record["kind"],
        "enterprise_number": normalise_enterprise_number(number) if number else None,
        "recognitions": list(record.get("recognitions") or []),
        "nace": list(record.get("nace") or []), "language": record.get("language"),
        "description": record.get("description"), **_location_columns(record),
    }


def contact_columns(record: dict[str, Any]) -> dict[str, Any] | None:
    contact = record.get("contact")
    if not contact:
        return None
    return {"name": contact.get("name"), "email": contact.get("email"),
            "phone": contact.get("phone")}


def stream_columns(record: dict[str, Any]) -> dict[str, Any]:
    return {
        **_item_columns(record), **_location_columns(record), **_amount_columns(record, "quantity"),
        "services_wanted": list(record.get("services_wanted") or []),
        "requirements": list(record.get("requirements") or []),
    }


def capacity_columns(record: dict[str, Any]) -> dict[str, Any]:
    return {
        **_item_columns(record), **_location_columns(record),
        **_amount_columns(record, "capacity"),
        "services": list(record.get("services") or []),
        "service_radius_km": _float(record.get("service_radius_km")),
        "certifications": list(record.get("certifications") or []),
        "target_group_fte": _float(record.get("target_group_fte")),
        "available_until": _date(record.get("available_until")),
    }


def _compact(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v not in (None, "", [], {})}


def _number(value: float | None) -> float | int | None:
    return int(value) if value is not None and float(value).is_integer() else value


def _location(row: Hub | Organisation | Stream | Capacity) -> dict[str, Any]:
    # Points the gazetteer found are not data of the record: the importer finds them again.
    given = getattr(row, "location_precision", None) in (None, EXACT)
    return _compact({"postcode": getattr(row, "postcode", None),
                     "municipality": getattr(row, "municipality", None),
                     "lat": row.lat if given else None, "lon": row.lon if given else None})


def _amount(row: Stream | Capacity, field: str) -> dict[str, Any]:
    amount = getattr(row, f"{field}_amount")
    if amount is None:
        return {}
    return _compact({"amount": _number(amount), "unit": getattr(row, f"{field}_unit"),
                     "per": getattr(row, f"{field}_per")})


def _dotted(number: str | None) -> str | None:
    """'0456123987' -> '0456.123.987', the way KBO numbers are written."""
    return f"{number[:4]}.{number[4:7]}.{number[7:]}" if number else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def hub_record(hub: Hub, rid: str) -> dict[str, Any]:
    return _compact({"id": rid, "name": hub.name, "location": _location(hub)})


def organisation_record(
    org: Organisation, rid: str, hub: str | None, contact: Contact | None
) -> dict[str, Any]:
    return _compact({
        "id": rid, "name": org.name, "kind": org.kind,
        "enterprise_number": _dotted(org.enterprise_number), "recognitions": list(org.recognitions),
        "hub": hub, "location": _location(org), "nace": list(org.nace),
        "language": org.language, "description": org.description,
        "contact": contact and _compact(
            {"name": contact.name, "email": contact.email, "phone": contact.phone}),
    })


def _item_record(item: Stream | Capacity, rid: str, organisation: str) -> dict[str, Any]:
    return {"id": rid, "organisation": organisation, "title": item.title,
            "description": item.description, "language": item.language,
            "materials": list(item.materials), "ewc_codes": list(item.ewc_codes)}


def stream_record(stream: Stream, rid: str, organisation: str) -> dict[str, Any]:
    return _compact({
        **_item_record(stream, rid, organisation),
        "services_wanted": list(stream.services_wanted),
        "quantity": _amount(stream, "quantity"), "location": _location(stream),
        "requirements": list(stream.requirements),
        "available_from": _iso(stream.available_from),
    })


def capacity_record(capacity: Capacity, rid: str, organisation: str) -> dict[str, Any]:
    return _compact({
        **_item_record(capacity, rid, organisation),
        "services": list(capacity.services), "capacity": _amount(capacity, "capacity"),
        "service_radius_km": _number(capacity.service_radius_km),
        "location": _location(capacity),
        "certifications": list(capacity.certifications),
        "target_group_fte": _number(capacity.target_group_fte),
        "available_from": _iso(capacity.available_from),
        "available_until": _iso(capacity.available_until),
    })
