"""Opportunities nobody serves yet, on generated hubs with known gaps (benchmarks/gap_world.py):
every planted gap is found with the partner that almost fits and what it misses, no served
stream is reported, idle capacities likewise; grouped by material and region; the same
over HTTP. The real embedding model and the real suggestion service, on both databases."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from benchmarks import gap_world
from indexing.embedders import get_embedder
from matchmaker.reports import opportunities
from matchmaker.suggestions import SuggestionService


@pytest.fixture(scope="module")
def embedder():
    return get_embedder("use-multilingual")


@pytest.fixture
def planted(session_factory, embedder):
    with session_factory() as session:
        truth = gap_world.build(session, hubs=2, copies=1)
        session.commit()
    service = SuggestionService(embedder)
    with session_factory() as session:
        service.build_index(session)
        session.commit()
    return truth, service


def test_every_planted_gap_and_idle_capacity_is_found_and_nothing_else(planted,
                                                                       session_factory):
    truth, service = planted
    with session_factory() as session:
        found = opportunities.find(session, service, None, "nl")
    figures = gap_world.score(found, truth)
    assert figures == {
        "streams": 2 * 7, "capacities": 2 * 8,  # the books stream is closed
        "gaps_planted": 2 * 5, "gaps_found": 2 * 5, "gaps_missed": 0,
        "served_reported_as_gaps": 0, "near_miss_right": 2 * 5,
        "idle_planted": 2 * 5, "idle_found": 2 * 5, "idle_missed": 0, "busy_reported_idle": 0,
    }


def test_gaps_are_grouped_by_material_and_region_with_their_volume(planted, session_factory):
    truth, service = planted
    with session_factory() as session:
        found = opportunities.find(session, service, [truth.hubs[1]], "fr")
    assert {s.hub_id for s in found.unserved} == {truth.hubs[1]}
    groups = {(g.material, g.region): g for g in found.gaps}
    assert set(groups) == {("mattresses", "WVL"), ("office_furniture", "WVL"),
                           ("glass", "WVL"), ("ict_equipment", "WVL"), ("bicycles", "WVL")}
    assert groups[("glass", "WVL")].kg_per_month == 5000
    assert found.gaps[0].material == "glass"  # the largest volume first
    laptops = groups[("ict_equipment", "WVL")].streams[0]
    assert laptops.nearest[0].shortfalls == ("certification",)
    assert any("certification" in reason.lower() for reason in laptops.nearest[0].reasons)
    far = groups[("office_furniture", "WVL")].streams[0].nearest[0]
    assert far.distance_km > 60 and far.shortfalls == ("radius",)


def test_a_good_partner_added_closes_the_gap(planted, session_factory):
    from matchmaker import registration
    from models import Capacity, Organisation, User

    truth, service = planted
    with session_factory() as session:
        admin = session.scalars(sa.select(User).where(User.role == "admin")).one()
        hub = truth.hubs[0]
        org = session.scalars(sa.select(Organisation).where(
            Organisation.hub_id == hub, Organisation.kind == "social_enterprise")).first()
        capacity = registration.create_item(session, admin, Capacity, org, {
            "title": "Matrassen inzamelen en ontmantelen", "materials": ["mattresses"],
            "services": ["collection", "dismantling"], "capacity_amount": 5,
            "capacity_unit": "t", "capacity_per": "month", "service_radius_km": 40})
        session.commit()
        service.index_items(session, "capacity", [capacity.id])
        session.commit()
        found = opportunities.find(session, service, [hub], "nl")
    assert "mattresses" not in {g.material for g in found.gaps}
    assert capacity.id not in {c.capacity_id for c in found.idle}


def test_opportunities_over_http_for_the_hub_and_the_programme(http, world):
    token = world.tokens["fac_a"]
    status, _, found = http.get(f"/api/v1/hubs/{world.ids['hub_a']}/opportunities",
                                token=token)
    assert status == 200 and found["streams_checked"] == 1
    # the world's workwear stream wants collection; the textiles sorter offers it: served
    assert found["gaps"] == []
    assert http.get(f"/api/v1/hubs/{world.ids['hub_a']}/opportunities",
                    token=world.tokens["fac_b"])[0] == 403
    status, _, everything = http.get("/api/v1/programme/opportunities",
                                     token=world.tokens["admin"])
    assert status == 200 and everything["streams_checked"] == 2
    assert http.get("/api/v1/programme/opportunities", token=token)[0] == 403
