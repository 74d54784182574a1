"""The vocabularies: tree relations, labels, EURAL codes and unit conversion."""
from __future__ import annotations

import pytest

from matchmaker import taxonomy as t
from matchmaker.errors import ValidationError
from matchmaker.ewc import CHAPTERS, CODES


def test_material_tree_relations():
    assert t.material_ancestors("workwear") == ["textiles"]
    assert t.material_ancestors("textiles") == []
    assert set(t.material_children("textiles")) == {"clothing", "workwear", "household_textiles"}
    assert t.material_relation("textiles", "workwear") == "parent"
    assert t.material_relation("workwear", "textiles") == "child"
    assert t.material_relation("workwear", "clothing") == "sibling"
    assert t.material_relation("pallets", "pallets") == "same"
    assert t.material_relation("pallets", "glass") is None
    assert t.material_relation("glass", "metals") is None


@pytest.mark.parametrize("kind, ids", [
    ("material", sorted(t.MATERIALS)), ("service", t.SERVICES), ("recognition", t.RECOGNITIONS),
    ("certification", t.CERTIFICATIONS), ("unit", t.UNITS), ("period", t.PERIODS),
    ("organisation_kind", t.ORGANISATION_KINDS),
])
def test_every_id_has_labels_in_three_languages(kind, ids):
    for id_ in ids:
        labels = t.labels(kind, id_)
        assert all(labels.get(language) for language in ("nl", "fr", "en")), (kind, id_)
    assert t.label("material", "workwear", "fr") == "Vêtements de travail"
    assert t.label("service", "collection", "nl") == "Ophaling"


def test_label_falls_back_to_english_then_id():
    assert t.label("material", "glass", "de") == "Glass"
    assert t.label("material", "no_such_material", "nl") == "no_such_material"
    assert t.label("ewc", "20 01 10", "fr") == "Vêtements"
    assert t.label("ewc", "not a code", "fr") == "not a code"


def test_every_material_has_synonyms_in_three_languages():
    for material in t.MATERIALS:
        terms = t.MATERIAL_DATA[material]["terms"]
        assert all(terms[lang] for lang in ("nl", "fr", "en")), material
    for service in t.SERVICES:
        assert all(t.SERVICE_DATA[service]["terms"][lang] for lang in ("nl", "fr", "en")), service


@pytest.mark.parametrize("raw, expected", [
    ("200110", "20 01 10"), ("20.01.10", "20 01 10"), ("20 01 10", "20 01 10"),
    ("20-01-36", "20 01 36"), ("20 01 35*", "20 01 35*"), ("200135", "20 01 35*"),
])
def test_normalise_ewc(raw, expected):
    assert t.normalise_ewc(raw) == expected


def test_parse_ewc_flags_hazardous_codes():
    assert t.parse_ewc("20 01 35*").hazardous
    assert t.parse_ewc("20.01.35").hazardous  # hazardous by the list even without the star
    assert not t.parse_ewc("20 01 36").hazardous


@pytest.mark.parametrize("raw", ["", "2001", "99 01 01", "abc"])
def test_invalid_ewc_code_raises_validation_error(raw):
    with pytest.raises(ValidationError):
        t.normalise_ewc(raw)


def test_ewc_structure_and_mapping():
    assert len(CHAPTERS) == 20
    for code, entry in CODES.items():
        assert code[:2] in CHAPTERS
        assert set(entry["materials"]) <= t.MATERIALS, code
    assert t.ewc_materials("20 01 10") == {"clothing", "workwear"}
    assert "pallets" in t.ewc_materials("150103")
    assert "metals" in t.ewc_materials("17 04 05")
    assert "electronics" in t.ewc_materials("16 02 14")
    assert t.ewc_materials("16 01 03") == set()


def test_every_ewc_chapter_and_code_has_three_labels():
    for number, labels in CHAPTERS.items():
        assert all(labels.get(lang) for lang in ("nl", "fr", "en")), number
    for code, entry in CODES.items():
        assert all(entry.get(lang) for lang in ("nl", "fr", "en")), code
        assert t.normalise_ewc(code) == code
    assert t.label("ewc", "17 04 05", "nl") == "IJzer en staal"
    assert t.label("ewc", "17 99 99", "en") == CHAPTERS["17"]["en"]  # unknown code: its chapter


def test_materials_for_ewc_uses_ancestors_and_children():
    assert "16 02 14" in t.materials_for_ewc("ict_equipment")
    assert {"20 01 10", "20 01 11"} <= set(t.materials_for_ewc("textiles"))
    assert "15 01 03" in t.materials_for_ewc("pallets")


def test_conversion_factors_fall_back_to_parent_and_default():
    assert t.kg_per_unit("ict_equipment") == pytest.approx(2.5)
    assert t.kg_per_unit("bicycles") == pytest.approx(15)
    assert t.kg_per_unit("pallets") == pytest.approx(20)
    assert t.kg_per_unit("unknown") == t.DEFAULT_KG_PER_UNIT
    assert t.kg_per_m3("unknown") == t.DEFAULT_KG_PER_M3
    assert t.kg_per_m3("tiles_bricks") > t.kg_per_m3("insulation")


@pytest.mark.parametrize("amount, unit, per, materials, expected", [
    (2, "t", "year", [], 2000 / 12),
    (100, "kg", "week", [], 100 * 52 / 12),
    (57, "kg", "month", [], 57),
    (9, "t", "once", [], 9000),
    (20, "units", "once", ["bicycles"], 300),
    (10, "units", "month", ["ict_equipment", "bicycles"], 10 * (2.5 + 15) / 2),
    (2, "m3", "month", ["insulation"], 60),
    (3, "units", "month", [], 3 * t.DEFAULT_KG_PER_UNIT),
])
def test_to_kg_per_month(amount, unit, per, materials, expected):
    assert t.to_kg_per_month(amount, unit, per, materials) == pytest.approx(expected)


def test_to_kg_per_month_unknown_is_none():
    assert t.to_kg_per_month(None, "kg", "month") is None
    assert t.to_kg_per_month(5, "litre", "month") is None
    assert t.to_kg_per_month(5, "kg", "fortnight") is None
