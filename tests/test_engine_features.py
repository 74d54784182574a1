"""Each pair feature of the ranking engine on hand-made docs."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from matchmaker.engine.columns import Block, encode
from matchmaker.engine.documents import CapacityDoc, StreamDoc, kg_per_month
from matchmaker.engine.features import (
    DEFAULT_RADIUS_KM,
    FEATURES,
    haversine_km,
    material_level,
    pair_features,
)

GENT = (51.054, 3.717)
ANTWERPEN = (51.219, 4.402)


def stream(**fields) -> StreamDoc:
    return StreamDoc(id="s-1", organisation_id="org-1", **fields)


def capacity(**fields) -> CapacityDoc:
    return CapacityDoc(id="c-1", organisation_id="org-2", **fields)


def block(doc) -> Block:
    return encode(doc, {"200110": 0, "160214": 1}, 2)


def features_of(s: StreamDoc, c: CapacityDoc) -> dict[str, float]:
    matrix = pair_features(block(s), block(c), np.zeros(1), np.zeros(1))
    values = dict(zip(FEATURES, matrix.values[0].tolist(), strict=True))
    return {**values, **{k: float(v[0]) for k, v in matrix.details.items()}}


def test_haversine_gent_antwerpen_is_about_51_km():
    assert haversine_km(*GENT, *ANTWERPEN) == pytest.approx(51.0, abs=1.0)
    assert haversine_km(*GENT, *GENT) == pytest.approx(0.0)


def test_haversine_unknown_coordinate_is_nan():
    assert np.isnan(haversine_km(np.nan, 3.7, *GENT))


@pytest.mark.parametrize(("amount", "unit", "per", "materials", "expected"), [
    (2, "t", "year", (), 2000 / 12),
    (900, "kg", "week", (), 900 * 52 / 12),
    (9, "t", "once", (), 9000),  # a one-off batch counts within one month
    (3, "t", "month", ("workwear",), 3000),
])
def test_quantities_normalise_to_kg_per_month(amount, unit, per, materials, expected):
    doc = stream(quantity_amount=amount, quantity_unit=unit, quantity_per=per, materials=materials)
    assert kg_per_month(doc) == pytest.approx(expected)


def test_units_are_weighed_with_the_material_factor():
    bikes = stream(quantity_amount=10, quantity_unit="units", quantity_per="month",
                   materials=("bicycles",))
    laptops = stream(quantity_amount=10, quantity_unit="units", quantity_per="month",
                     materials=("ict_equipment",))
    assert kg_per_month(bikes) > kg_per_month(laptops) > 0


def test_missing_quantity_has_no_kg_per_month():
    assert kg_per_month(stream(quantity_amount=5)) is None


@pytest.mark.parametrize(("stream_material", "capacity_material", "level"), [
    ("workwear", "workwear", 1.0),
    ("workwear", "textiles", 0.9),  # the capacity's parent material covers the stream
    ("textiles", "workwear", 0.7),  # the capacity handles part of the stream
    ("workwear", "clothing", 0.35),
    ("workwear", "pallets", 0.0),
])
def test_material_levels_follow_the_tree(stream_material, capacity_material, level):
    s = block(stream(materials=(stream_material,)))
    c = block(capacity(materials=(capacity_material,)))
    assert material_level(s.materials, c.materials)[0] == pytest.approx(level)
    many = Block(**{k: np.repeat(v, 3, axis=0) for k, v in vars(s).items()})
    assert material_level(many.materials, c.materials).tolist() == pytest.approx([level] * 3)


def test_unrelated_materials_on_both_sides_are_a_mismatch_but_unknown_is_not():
    assert features_of(stream(materials=("glass",)), capacity(materials=("pallets",)))[
        "material_mismatch"] == 1.0
    assert features_of(stream(), capacity(materials=("pallets",)))["material_mismatch"] == 0.0


def test_service_coverage_is_the_share_of_wanted_services_offered():
    f = features_of(stream(services=("collection", "sorting")),
                    capacity(services=("sorting", "repair")))
    assert f["service"] == pytest.approx(0.5)
    assert f["service_mismatch"] == 0.0
    none = features_of(stream(services=("repair",)), capacity(services=("sorting",)))
    assert none["service"] == 0.0 and none["service_mismatch"] == 1.0


def test_certification_coverage_counts_required_certificates_not_held():
    f = features_of(stream(requirements=("certified_data_wiping", "iso_14001")),
                    capacity(certifications=("iso_14001",)))
    assert f["certification_missing"] == pytest.approx(0.5)
    assert features_of(stream(), capacity())["certification_missing"] == 0.0


def test_distance_inside_and_outside_the_service_radius():
    near = features_of(stream(lat=GENT[0], lon=GENT[1]),
                       capacity(lat=ANTWERPEN[0], lon=ANTWERPEN[1], service_radius_km=60))
    assert near["within_radius"] == 1.0 and near["beyond_radius"] == 0.0
    far = features_of(stream(lat=GENT[0], lon=GENT[1]),
                      capacity(lat=ANTWERPEN[0], lon=ANTWERPEN[1], service_radius_km=40))
    assert far["within_radius"] == 0.0
    assert far["beyond_radius"] == pytest.approx(far["distance_km"] / 40 - 1)


def test_capacity_without_radius_uses_the_default_reach():
    f = features_of(stream(lat=GENT[0], lon=GENT[1]), capacity(lat=GENT[0], lon=GENT[1]))
    assert f["radius_km"] == DEFAULT_RADIUS_KM and f["within_radius"] == 1.0


def test_capacity_short_is_the_share_of_volume_not_covered():
    f = features_of(stream(quantity_amount=10, quantity_unit="t", quantity_per="month"),
                    capacity(quantity_amount=8, quantity_unit="t", quantity_per="month"))
    assert f["capacity_share"] == pytest.approx(0.8)
    assert f["capacity_short"] == pytest.approx(0.2)
    enough = features_of(stream(quantity_amount=1, quantity_unit="t", quantity_per="year"),
                         capacity(quantity_amount=1, quantity_unit="t", quantity_per="month"))
    assert enough["capacity_short"] == 0.0


def test_shared_ewc_code_and_social_impact():
    f = features_of(stream(ewc_codes=("20 01 10",)),
                    capacity(ewc_codes=("20 01 10",), target_group_fte=14))
    assert f["ewc"] == 1.0
    assert 0 < f["social_impact"] < 1


def test_dates_that_cannot_overlap_conflict():
    late = features_of(stream(available_from=date(2026, 9, 1)),
                       capacity(available_until=date(2026, 6, 30)))
    assert late["availability_conflict"] == 1.0
    open_ended = features_of(stream(available_from=date(2026, 9, 1)), capacity())
    assert open_ended["availability_conflict"] == 0.0
