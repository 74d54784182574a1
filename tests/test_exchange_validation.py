"""Validation of exchange documents: every error at once, with its path and message."""
from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest

from matchmaker.exchange import normalise_enterprise_number, validate
from matchmaker.exchange.validation import enterprise_number_problem
from matchmaker.taxonomy import normalise_ewc

DEV_DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev" / "data.json"

VALID: dict[str, Any] = {
    "format": "circular-match-exchange/1",
    "hubs": [{"id": "hub-gent", "name": "Circulair Werk(t) Gent",
              "location": {"lat": 51.054, "lon": 3.717}}],
    "organisations": [
        {"id": "org-1", "name": "Textielatelier De Draad vzw", "kind": "social_enterprise",
         "enterprise_number": "0456.123.989", "recognitions": ["maatwerkbedrijf"],
         "hub": "hub-gent", "language": "nl",
         "location": {"postcode": "9000", "municipality": "Gent", "lat": 51.05, "lon": 3.72},
         "contact": {"name": "An", "email": "an@draad.example", "phone": "09 123 45 67"}},
        {"id": "org-2", "name": "Schoonmaak nv", "kind": "company"},
    ],
    "streams": [{"id": "s-1", "organisation": "org-2", "title": "Werkkledij",
                 "materials": ["workwear"], "ewc_codes": ["20 01 10"],
                 "services_wanted": ["collection"], "requirements": ["iso_14001"],
                 "quantity": {"amount": 2, "unit": "t", "per": "year"},
                 "available_from": "2026-01-01"}],
    "capacities": [{"id": "c-1", "organisation": "org-1", "description": "Sorteren",
                    "services": ["sorting"], "materials": ["textiles"],
                    "capacity": {"amount": 5, "unit": "t", "per": "month"},
                    "service_radius_km": 40, "certifications": [], "target_group_fte": 14}],
}


def with_change(path: str, value: Any) -> dict[str, Any]:
    """VALID with one field set (dotted path, list indexes as numbers); `...` deletes it."""
    data = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    target: Any = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return data


def messages(data: Any) -> list[str]:
    return [str(e) for e in validate(data)]


def test_valid_document_has_no_errors() -> None:
    assert validate(VALID) == []


@pytest.mark.parametrize(("path", "value", "expected"), [
    ("format", "circular-match-exchange/2",
     "format: must be 'circular-match-exchange/1', got 'circular-match-exchange/2'"),
    ("streams.0.quantity.unit", "tonnes",
     "streams[0].quantity.unit: 'tonnes' is not one of kg, t, units, m3"),
    ("streams.0.quantity.per", "day",
     "streams[0].quantity.per: 'day' is not one of once, week, month, year"),
    ("streams.0.quantity.amount", -2, "streams[0].quantity.amount: -2 is negative"),
    ("streams.0.quantity.amount", "2", "streams[0].quantity.amount: must be a number, got a string"),
    ("capacities.0.service_radius_km", -1, "capacities[0].service_radius_km: -1 is negative"),
    ("organisations.0.kind", "ngo", "organisations[0].kind: 'ngo' is not one of company, "
     "social_enterprise, local_government, knowledge_institution, other"),
    ("organisations.0.language", "es",
     "organisations[0].language: 'es' is not one of nl, fr, en, de"),
    ("organisations.0.recognitions", ["kringloop"], "organisations[0].recognitions[0]: "
     "'kringloop' is not one of maatwerkbedrijf, lokale_diensteneconomie, "
     "sociale_inschakelingseconomie, arbeidszorg, kringwinkel, sociale_onderneming"),
    ("streams.0.materials", ["workwear", "laptops"],
     "streams[0].materials[1]: 'laptops' is not one of the material ids of the vocabulary"),
    ("streams.0.services_wanted", ["shredding"], "streams[0].services_wanted[0]: 'shredding' "
     "is not one of collection, sorting, repair, refurbishment, dismantling, cleaning, "
     "upcycling, resale, data_wiping, logistics, recycling_preparation, redistribution, "
     "composting"),
    ("streams.0.requirements", ["iso_9001"], "streams[0].requirements[0]: 'iso_9001' is not "
     "one of certified_data_wiping, weee_treatment_permit, waste_transport_registration, "
     "food_safety_registration, iso_14001"),
    ("capacities.0.certifications", "iso_14001",
     "capacities[0].certifications: must be a list, got a string"),
    ("organisations.0.enterprise_number", "0456.123.987",
     "organisations[0].enterprise_number: '0456.123.987' fails the mod-97 check of "
     "enterprise numbers"),
    ("organisations.0.enterprise_number", "2456.123.989",
     "organisations[0].enterprise_number: '2456.123.989' is not an enterprise number "
     "(the first digit is 0 or 1)"),
    ("organisations.0.enterprise_number", "12345",
     "organisations[0].enterprise_number: '12345' is not an enterprise number "
     "(10 digits, e.g. 0456.123.989)"),
    ("organisations.0.location.lat", 91,
     "organisations[0].location.lat: 91 is not between -90 and 90"),
    ("hubs.0.location.lon", -180.5, "hubs[0].location.lon: -180.5 is not between -180 and 180"),
    ("hubs.0.location.lat", math.nan, "hubs[0].location.lat: must be a finite number"),
    ("streams.0.organisation", "org-9", "streams[0].organisation: no organisation with id 'org-9'"),
    ("organisations.0.hub", "hub-brugge", "organisations[0].hub: no hub with id 'hub-brugge'"),
    ("streams.0.colour", "blue", "streams[0].colour: unknown field"),
    ("organisations.0.contact.fax", "09 1", "organisations[0].contact.fax: unknown field"),
    ("organisations.0.contact.email", "an at draad",
     "organisations[0].contact.email: 'an at draad' is not an e-mail address"),
    ("streams.0.ewc_codes", ["20 01"],
     "streams[0].ewc_codes[0]: '20 01' is not a European List of Waste code (e.g. '20 01 10')"),
    ("capacities.0.ewc_codes", ["21 01 01"], "capacities[0].ewc_codes[0]: '21 01 01' is not "
     "a European List of Waste code (e.g. '20 01 10')"),
    ("streams.0.available_from", "01/02/2026",
     "streams[0].available_from: '01/02/2026' is not an ISO date (YYYY-MM-DD)"),
    ("streams.0.available_from", "2026-02-30",
     "streams[0].available_from: '2026-02-30' is not an ISO date (YYYY-MM-DD)"),
    ("organisations.1.name", ..., "organisations[1].name: is required"),
    ("capacities.0.organisation", ..., "capacities[0].organisation: is required"),
    ("streams.0.id", "", "streams[0].id: must be a non-empty string"),
    ("streams.0.title", ..., "streams[0]: needs a title or a description"),
    ("capacities.0.title", 12, "capacities[0].title: must be a string, got a number"),
    ("streams.0.quantity", {"amount": 2}, "streams[0].quantity.unit: is required"),
    ("capacities", {"id": "c-1"}, "capacities: must be a list, got an object"),
])
def test_invalid_field_is_reported_with_its_path(path: str, value: Any, expected: str) -> None:
    assert messages(with_change(path, value)) == [expected]


def test_unknown_top_level_field_is_rejected() -> None:
    assert messages({**VALID, "matches": []}) == ["matches: unknown field"]


def test_duplicate_ids_name_the_first_occurrence() -> None:
    data = copy.deepcopy(VALID)
    data["streams"].append({**data["streams"][0]})
    assert messages(data) == ["streams[1].id: duplicate id 's-1' (also streams[0])"]


def test_every_error_is_reported_at_once() -> None:
    data = with_change("streams.0.quantity.unit", "tonnes")
    data["capacities"][0]["services"] = ["sorting", "magic"]
    data["organisations"][1]["kind"] = "ngo"
    data["streams"].append({"id": "s-2", "organisation": "org-404"})
    paths = [e.path for e in validate(data)]
    assert paths == ["organisations[1].kind", "streams[0].quantity.unit", "streams[1]",
                     "capacities[0].services[1]", "streams[1].organisation"]


def test_references_to_ids_known_outside_the_file_are_accepted() -> None:
    data = with_change("streams.0.organisation", "org-in-db")
    assert validate(data, {"organisations": {"org-in-db"}}) == []


def test_document_that_is_not_an_object_is_rejected() -> None:
    assert messages([]) == ["the document must be a JSON object, got a list"]


@pytest.mark.parametrize("number", ["0456.123.989", "BE0456123989", "456123989",
                                    "BE 0456 123 989"])
def test_enterprise_number_spellings_are_accepted(number: str) -> None:
    assert enterprise_number_problem(number) is None
    assert normalise_enterprise_number(number) == "0456123989"


@pytest.mark.parametrize(("code", "normal"), [("200110", "20 01 10"), ("20.01.10", "20 01 10"),
                                              ("20 01 35*", "20 01 35*"), ("20-01-36", "20 01 36")])
def test_ewc_codes_are_normalised(code: str, normal: str) -> None:
    assert normalise_ewc(code) == normal
    assert validate(with_change("streams.0.ewc_codes", [code])) == []


@pytest.mark.skipif(not DEV_DATA.exists(), reason="../shared/eval/dev is not available")
def test_dev_set_validates_cleanly() -> None:
    assert validate(json.loads(DEV_DATA.read_text(encoding="utf-8"))) == []
