"""Validation of a `circular-match-exchange/1` document, with every error at once.

Pure: no database. Each record kind is described by a table of fields and
checks; `validate` walks the document once and returns one `FieldError` per
problem, with a path such as `streams[12].quantity.unit`. References may point
at records in the file or at ids the caller says already exist (the database).
EURAL codes are read by `matchmaker.ewc`, the one place that knows them.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection
from datetime import date
from typing import Any

from matchmaker import limits, taxonomy
from matchmaker.errors import FieldError, ValidationError
from matchmaker.identifiers import (
    email_problem,
    enterprise_number_problem,
)
from matchmaker.places import PlaceError, gazetteer
from matchmaker.taxonomy import parse_ewc

FORMAT = "circular-match-exchange/1"
LISTS = ("hubs", "organisations", "streams", "capacities")

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# A check gets (value, path) and returns messages; "" paths are the field itself.
Check = Callable[[Any, str], list[FieldError]]


def ewc_problem(value: str) -> str | None:
    """Why `value` is not a European List of Waste code, or None when it is one."""
    try:
        parse_ewc(value)
    except ValidationError:
        return f"{value!r} is not a European List of Waste code (e.g. '20 01 10')"
    return None


def _err(path: str, message: str) -> list[FieldError]:
    return [FieldError(path, message)]


def _string(value: Any, path: str) -> list[FieldError]:
    return [] if isinstance(value, str) else _err(path, f"must be a string, got {_kind(value)}")


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number" if isinstance(value, int | float) else "?")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(minimum: float | None = None, maximum: float | None = None) -> Check:
    def check(value: Any, path: str) -> list[FieldError]:
        if not _is_number(value):
            return _err(path, f"must be a number, got {_kind(value)}")
        try:
            finite = math.isfinite(value)
        except OverflowError:  # an integer of hundreds of digits
            finite = False
        if not finite:
            return _err(path, "must be a finite number")
        if minimum == 0 and value < 0:
            return _err(path, f"{value} is negative")
        if minimum is not None and maximum is not None and not minimum <= value <= maximum:
            return _err(path, f"{value} is not between {minimum:g} and {maximum:g}")
        if minimum is not None and value < minimum:
            return _err(path, f"{value} < {minimum}")
        return []
    return check


def _one_of(vocabulary: Collection[str], shown: str | None = None) -> Check:
    listed = shown or ", ".join(vocabulary)

    def check(value: Any, path: str) -> list[FieldError]:
        if not isinstance(value, str):
            return _err(path, f"must be a string, got {_kind(value)}")
        if value not in vocabulary:
            return _err(path, f"{value!r} is not one of {listed}")
        return []
    return check


def _text_rule(problem: Callable[[str], str | None]) -> Check:
    def check(value: Any, path: str) -> list[FieldError]:
        if not isinstance(value, str):
            return _err(path, f"must be a string, got {_kind(value)}")
        message = problem(value)
        return _err(path, message) if message else []
    return check


def _date_problem(value: str) -> str | None:
    if _ISO_DATE.match(value):
        try:
            return limits.day_problem(date.fromisoformat(value))
        except ValueError:
            pass
    return f"{value!r} is not an ISO date (YYYY-MM-DD)"


def _id(value: Any, path: str) -> list[FieldError]:
    if not isinstance(value, str) or not value.strip():
        return _err(path, "must be a non-empty string")
    return []


def _list_of(item: Check) -> Check:
    def check(value: Any, path: str) -> list[FieldError]:
        if not isinstance(value, list):
            return _err(path, f"must be a list, got {_kind(value)}")
        return [e for i, v in enumerate(value) for e in item(v, f"{path}[{i}]")]
    return check


def _object(fields: dict[str, Check], required: tuple[str, ...] = ()) -> Check:
    def check(value: Any, path: str) -> list[FieldError]:
        if not isinstance(value, dict):
            return _err(path, f"must be an object, got {_kind(value)}")
        return _check_fields(value, path, fields, required)
    return check


def _check_fields(
    record: dict[str, Any], path: str, fields: dict[str, Check], required: tuple[str, ...]
) -> list[FieldError]:
    errors = [FieldError(f"{path}.{name}", "is required") for name in required
              if record.get(name) is None]
    for name, value in record.items():
        if name not in fields:
            errors.append(FieldError(f"{path}.{name}", "unknown field"))
        elif value is not None:
            errors.extend(fields[name](value, f"{path}.{name}"))
    return errors


_MATERIAL = _one_of(taxonomy.MATERIALS, "the material ids of the vocabulary")
_LOCATION_FIELDS = _object({
    "lat": _number(-90, 90), "lon": _number(-180, 180),
    "postcode": _string, "municipality": _string,
})


def _location(value: Any, path: str) -> list[FieldError]:
    """The fields, and a postcode or municipality that must be found in the gazetteer when
    no coordinates come with it (explicit coordinates win, so their labels are not checked)."""
    errors = _LOCATION_FIELDS(value, path)
    if errors or value.get("lat") is not None and value.get("lon") is not None:
        return errors
    if value.get("lat") is not None or value.get("lon") is not None:
        missing = "lon" if value.get("lat") is not None else "lat"
        return _err(f"{path}.{missing}", "give lat and lon together")
    try:
        gazetteer().locate(value.get("postcode"), value.get("municipality"))
    except PlaceError as err:
        return err.under(f"{path}.").errors
    return []


_LOCATION = _location
_LANGUAGE = _one_of(taxonomy.LANGUAGES)
_EWC_CODES = _list_of(_text_rule(ewc_problem))


def _amount() -> Check:
    return _object(
        {"amount": _number(0, limits.MAX_AMOUNT), "unit": _one_of(taxonomy.UNITS),
         "per": _one_of(taxonomy.PERIODS)},
        required=("amount", "unit"),
    )


# field tables per record kind, and the required fields of each
RECORDS: dict[str, tuple[dict[str, Check], tuple[str, ...]]] = {
    "hubs": ({"id": _id, "name": _string, "location": _LOCATION}, ("id", "name")),
    "organisations": ({
        "id": _id, "name": _string,
        "kind": _one_of(taxonomy.ORGANISATION_KINDS),
        "enterprise_number": _text_rule(enterprise_number_problem),
        "recognitions": _list_of(_one_of(taxonomy.RECOGNITIONS)),
        "hub": _id, "location": _LOCATION,
        "nace": _list_of(_string), "language": _LANGUAGE,
        "description": _string,
        "contact": _object({"name": _string, "email": _text_rule(email_problem),
                            "phone": _string}),
    }, ("id", "name", "kind")),
    "streams": ({
        "id": _id, "organisation": _id, "title": _string, "description": _string,
        "language": _LANGUAGE, "materials": _list_of(_MATERIAL), "ewc_codes": _EWC_CODES,
        "services_wanted": _list_of(_one_of(taxonomy.SERVICES)),
        "quantity": _amount(), "location": _LOCATION,
        "requirements": _list_of(_one_of(taxonomy.CERTIFICATIONS)),
        "available_from": _text_rule(_date_problem),
    }, ("id", "organisation")),
    "capacities": ({
        "id": _id, "organisation": _id, "title": _string, "description": _string,
        "language": _LANGUAGE, "services": _list_of(_one_of(taxonomy.SERVICES)),
        "materials": _list_of(_MATERIAL), "ewc_codes": _EWC_CODES,
        "capacity": _amount(), "service_radius_km": _number(0, limits.MAX_RADIUS_KM),
        "location": _LOCATION,
        "certifications": _list_of(_one_of(taxonomy.CERTIFICATIONS)),
        "target_group_fte": _number(0, limits.MAX_FTE),
        "available_from": _text_rule(_date_problem),
        "available_until": _text_rule(_date_problem),
    }, ("id", "organisation")),
}

# list -> (field referring elsewhere, list it refers to)
REFERENCES = {"organisations": ("hub", "hubs"), "streams": ("organisation", "organisations"),
              "capacities": ("organisation", "organisations")}


def validate(data: Any, known_ids: dict[str, Collection[str]] | None = None) -> list[FieldError]:
    """Every problem in the exchange document `data`; an empty list means it is valid.

    `known_ids` maps a list name ("hubs", "organisations") to ids that exist
    outside the file (already in the database), so references to them are fine.
    """
    if not isinstance(data, dict):
        return _err("", f"the document must be a JSON object, got {_kind(data)}")
    errors: list[FieldError] = []
    if data.get("format") != FORMAT:
        errors.append(FieldError("format", f"must be {FORMAT!r}, got {data.get('format')!r}"))
    errors += [FieldError(name, "unknown field") for name in data
               if name not in LISTS and name != "format"]
    ids: dict[str, set[str]] = {}
    lists: dict[str, list[Any]] = {}
    for name in LISTS:
        records = data.get(name)
        if records is None:
            records = []
        elif not isinstance(records, list):
            errors.append(FieldError(name, f"must be a list, got {_kind(records)}"))
            records = []
        lists[name] = records
        errors += _check_records(name, records)
        ids[name] = {r["id"] for r in records if isinstance(r, dict) and isinstance(r.get("id"), str)}
    for name, (field, target) in REFERENCES.items():
        allowed = ids[target] | set((known_ids or {}).get(target, ()))
        for i, record in enumerate(lists[name]):
            ref = record.get(field) if isinstance(record, dict) else None
            if isinstance(ref, str) and ref not in allowed:
                singular = target[:-1]
                errors.append(FieldError(f"{name}[{i}].{field}", f"no {singular} with id {ref!r}"))
    return errors


def _check_records(name: str, records: list[Any]) -> list[FieldError]:
    fields, required = RECORDS[name]
    errors: list[FieldError] = []
    first_index: dict[str, int] = {}
    for i, record in enumerate(records):
        path = f"{name}[{i}]"
        if not isinstance(record, dict):
            errors.append(FieldError(path, f"must be an object, got {_kind(record)}"))
            continue
        errors += _check_fields(record, path, fields, required)
        if name in ("streams", "capacities") and not any(
            isinstance(record.get(f), str) and record[f].strip() for f in ("title", "description")
        ):
            errors.append(FieldError(path, "needs a title or a description"))
        rid = record.get("id")
        if isinstance(rid, str):
            if rid in first_index:
                errors.append(FieldError(
                    f"{path}.id", f"duplicate id {rid!r} (also {name}[{first_index[rid]}])"))
            else:
                first_index[rid] = i
    return errors
