"""The vocabularies of the exchange format: materials (a tree), services,
recognitions, certifications, units and periods.

Identifiers are English snake_case, as in `circular-match-exchange/1`.
"""
from __future__ import annotations

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
