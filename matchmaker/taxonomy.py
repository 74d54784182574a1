"""The vocabularies of the exchange format: materials (a tree), services,
recognitions, certifications, units and periods; their labels in nl/fr/en,
the relations in the material tree, the link to EURAL codes, and the
conversion of quantities to kg per month and to kg over an agreement's period.

Identifiers are English snake_case, as in `circular-match-exchange/1`.
Labels and synonyms live in `matchmaker/data/*.json`; the synonyms are read by
`matchmaker.lexicon`.
"""
from __future__ import annotations

import calendar
import json
from datetime import date, timedelta
from importlib import resources

from matchmaker import ewc
from matchmaker.errors import ValidationError
from matchmaker.ewc import ewc_materials, normalise_ewc, parse_ewc

# child -> parent; a parent covers its children.
MATERIAL_PARENT: dict[str, str | None] = {
    "textiles": None, "clothing": "textiles", "workwear": "textiles",
    "household_textiles": "textiles",
    "electronics": None, "ict_equipment": "electronics",
    "small_appliances": "electronics", "large_appliances": "electronics",
    "furniture": None, "office_furniture": "furniture", "household_furniture": "furniture",
    "wood": None, "pallets": "wood", "construction_wood": "wood",
    "construction_materials": None, "doors_windows": "construction_materials",
    "tiles_bricks": "construction_materials", "insulation": "construction_materials",
    "plastics": None, "plastic_packaging": "plastics", "plastic_crates": "plastics",
    "banners_pvc": "plastics",
    "paper_cardboard": None, "metals": None, "glass": None, "bicycles": None, "toys": None,
    "books_media": None, "mattresses": None,
    "food": None, "food_surplus": "food", "coffee_grounds": "food",
    "organic": None, "green_waste": "organic",
    "packaging": None, "reusable_packaging": "packaging",
}
MATERIALS: frozenset[str] = frozenset(MATERIAL_PARENT)

SERVICES: tuple[str, ...] = (
    "collection", "sorting", "repair", "refurbishment", "dismantling", "cleaning",
    "upcycling", "resale", "data_wiping", "logistics", "recycling_preparation",
    "redistribution", "composting",
)
RECOGNITIONS: tuple[str, ...] = (
    "maatwerkbedrijf", "lokale_diensteneconomie", "sociale_inschakelingseconomie",
    "arbeidszorg", "kringwinkel", "sociale_onderneming",
)
CERTIFICATIONS: tuple[str, ...] = (
    "certified_data_wiping", "weee_treatment_permit", "waste_transport_registration",
    "food_safety_registration", "iso_14001",
)
ORGANISATION_KINDS: tuple[str, ...] = (
    "company", "social_enterprise", "local_government", "knowledge_institution", "other",
)
LANGUAGES: tuple[str, ...] = ("nl", "fr", "en", "de")
UNITS: tuple[str, ...] = ("kg", "t", "units", "m3")
PERIODS: tuple[str, ...] = ("once", "week", "month", "year")


def _load(name: str) -> dict:
    return json.loads(resources.files("matchmaker.data").joinpath(name).read_text("utf-8"))


# id -> {"label": {lang: text}, "terms": {lang: [...]}, "kg_per_unit", "kg_per_m3"}
MATERIAL_DATA: dict[str, dict] = _load("materials.json")
_VOCABULARY = _load("vocabulary.json")
SERVICE_DATA: dict[str, dict] = _VOCABULARY["services"]
CERTIFICATION_DATA: dict[str, dict] = _VOCABULARY["certifications"]

_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "material": {k: v["label"] for k, v in MATERIAL_DATA.items()},
    "service": {k: v["label"] for k, v in SERVICE_DATA.items()},
    "certification": {k: v["label"] for k, v in CERTIFICATION_DATA.items()},
    "recognition": {k: v["label"] for k, v in _VOCABULARY["recognitions"].items()},
    "unit": {k: v["label"] for k, v in _VOCABULARY["units"].items()},
    "period": {k: v["label"] for k, v in _VOCABULARY["periods"].items()},
    "organisation_kind": {k: v["label"] for k, v in _VOCABULARY["organisation_kinds"].items()},
}
LABEL_KINDS: tuple[str, ...] = (*_LABELS, "ewc")

DEFAULT_KG_PER_UNIT = 10.0
DEFAULT_KG_PER_M3 = 200.0
_MONTHS_PER_PERIOD = {"week": 12 / 52, "month": 1.0, "year": 12.0, "once": 1.0}
_KG_PER = {"kg": 1.0, "t": 1000.0}


def label(kind: str, id: str, language: str = "en") -> str:
    """Human label of a vocabulary id; falls back to English, then to the id itself."""
    if kind == "ewc":
        try:
            return ewc.ewc_label(id, language)
        except ValidationError:
            return id
    labels = _LABELS.get(kind, {}).get(id)
    if not labels:
        return id
    return labels.get(language) or labels.get("en") or id


def labels(kind: str, id: str) -> dict[str, str]:
    """All labels of a vocabulary id, by language; empty when unknown."""
    return dict(_LABELS.get(kind, {}).get(id, {}))


def material_ancestors(material: str) -> list[str]:
    """Parent first, root last; empty for a root or an unknown id."""
    out: list[str] = []
    parent = MATERIAL_PARENT.get(material)
    while parent:
        out.append(parent)
        parent = MATERIAL_PARENT.get(parent)
    return out


def material_children(material: str) -> list[str]:
    """Direct children, in vocabulary order."""
    return [m for m, p in MATERIAL_PARENT.items() if p == material]


def material_relation(a: str, b: str) -> str | None:
    """"same", "parent" (a is an ancestor of b), "child" (a descends from b),
    "sibling" (same parent) or None."""
    if a == b:
        return "same"
    if a in material_ancestors(b):
        return "parent"
    if b in material_ancestors(a):
        return "child"
    pa, pb = MATERIAL_PARENT.get(a), MATERIAL_PARENT.get(b)
    if pa is not None and pa == pb:
        return "sibling"
    return None


def materials_for_ewc(material: str) -> list[str]:
    """EURAL codes for a material: its own codes, else those of its nearest ancestor;
    a parent also gets its children's codes."""
    by_material = ewc.codes_by_material()
    codes = list(by_material.get(material, ()))
    for ancestor in material_ancestors(material):
        if codes:
            break
        codes = list(by_material.get(ancestor, ()))
    for child in material_children(material):
        codes += [c for c in by_material.get(child, ()) if c not in codes]
    return codes


def _factor(material: str, key: str) -> float | None:
    for m in (material, *material_ancestors(material)):
        value = MATERIAL_DATA.get(m, {}).get(key)
        if value is not None:
            return float(value)
    return None


def kg_per_unit(material: str) -> float:
    """Typical weight of one item of a material (the parent's, else a generic default)."""
    return _factor(material, "kg_per_unit") or DEFAULT_KG_PER_UNIT


def kg_per_m3(material: str) -> float:
    """Bulk density of a material as collected (the parent's, else a generic default)."""
    return _factor(material, "kg_per_m3") or DEFAULT_KG_PER_M3


def to_kg_per_month(amount: float | None, unit: str | None, per: str | None,
                    materials: list[str] | tuple[str, ...] = ()) -> float | None:
    """A quantity as kg per month; None when amount, unit or period is missing or unknown.

    Items and volumes are weighed with the mean factor of the given materials.
    "once" counts the whole batch within one month.
    """
    if amount is None or unit not in UNITS or per not in _MONTHS_PER_PERIOD:
        return None
    return amount_kg(amount, unit, materials) / _MONTHS_PER_PERIOD[per]


def amount_kg(amount: float, unit: str, materials: list[str] | tuple[str, ...] = ()) -> float:
    """An amount in one of UNITS as kg: weights exactly, items and volumes with the mean
    factor of the given materials (else a generic one)."""
    if unit in _KG_PER:
        return amount * _KG_PER[unit]
    factor = kg_per_unit if unit == "units" else kg_per_m3
    known = [m for m in materials if m in MATERIALS]
    if known:
        return amount * sum(factor(m) for m in known) / len(known)
    return amount * (DEFAULT_KG_PER_UNIT if unit == "units" else DEFAULT_KG_PER_M3)


def mass_kg(amount: float | None, unit: str | None) -> float | None:
    """A weighed amount in kg; None for pieces and volumes, whose weight is only a guess."""
    if amount is None or unit not in _KG_PER:
        return None
    return amount * _KG_PER[unit]


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 January + 1 is 28 February)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: date, end: date) -> float:
    """Calendar months from `start` to `end`, both days included: 1 July to 30 June is 12,
    a part month counts pro rata of its days."""
    stop = end + timedelta(days=1)
    months = (stop.year - start.year) * 12 + stop.month - start.month
    while months > 0 and add_months(start, months) > stop:
        months -= 1
    anchor, following = add_months(start, months), add_months(start, months + 1)
    return months + (stop - anchor).days / (following - anchor).days


def kg_over_period(amount: float | None, unit: str | None, per: str | None,
                   start: date, end: date) -> float | None:
    """The kg a weighed quantity comes to from `start` to `end` (both included): a weekly
    amount every 7 days, a monthly one every calendar month, a yearly one every 12 months,
    a one-off batch once. None for pieces and volumes, or without a period."""
    kg = mass_kg(amount, unit)
    if kg is None or per not in _MONTHS_PER_PERIOD or end < start:
        return None
    if per == "once":
        return kg
    if per == "week":
        return kg * ((end - start).days + 1) / 7
    return kg * months_between(start, end) / _MONTHS_PER_PERIOD[per]


__all__ = [
    "MATERIAL_PARENT", "MATERIALS", "SERVICES", "RECOGNITIONS", "CERTIFICATIONS",
    "ORGANISATION_KINDS", "LANGUAGES", "UNITS", "PERIODS", "MATERIAL_DATA", "SERVICE_DATA",
    "CERTIFICATION_DATA", "LABEL_KINDS", "label", "labels", "material_ancestors", "material_children",
    "material_relation", "materials_for_ewc", "ewc_materials", "normalise_ewc", "parse_ewc",
    "kg_per_unit", "kg_per_m3", "to_kg_per_month", "mass_kg", "add_months",
    "months_between", "kg_over_period",
]
