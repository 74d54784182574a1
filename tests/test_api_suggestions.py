"""Suggestions over HTTP: partners from every hub with reasons in the caller's language,
the hub's review queue, matches that keep the engine's score, and text analysis."""
from __future__ import annotations

import json


def test_stream_suggestions_cross_hubs_with_reasons_and_no_personal_data(http, world):
    status, _, found = http.get(f"/api/v1/streams/{world.ids['stream_a']}/suggestions?k=5",
                                token=world.tokens["co_a"])
    assert status == 200
    assert {s["capacity_id"] for s in found} == {world.ids["capacity_a"], world.ids["capacity_b"]}
    other_hub = next(s for s in found if s["capacity_id"] == world.ids["capacity_b"])
    assert other_hub["hub_id"] == world.ids["hub_b"] and other_hub["organisation_name"] == "SE B"
    assert other_hub["reasons"] and all(r["text"] for r in other_hub["reasons"])
    assert found == sorted(found, key=lambda s: -s["score"])
    assert "@example.org" not in json.dumps(found)
    assert "NaN" not in http.raw("GET", f"/api/v1/streams/{world.ids['stream_a']}/suggestions",
                                 token=world.tokens["co_a"]).decode()


def test_reasons_come_in_the_language_asked_for(http, world):
    path = f"/api/v1/streams/{world.ids['stream_a']}/suggestions"
    dutch = http.get(path + "?language=nl", token=world.tokens["co_a"])[2]
    french = http.get(path + "?language=fr", token=world.tokens["co_a"])[2]
    assert [r["code"] for r in dutch[0]["reasons"]] == [r["code"] for r in french[0]["reasons"]]
    assert dutch[0]["reasons"][0]["text"] != french[0]["reasons"][0]["text"]


def test_capacity_suggestions_for_the_social_enterprise(http, world):
    status, _, found = http.get(f"/api/v1/capacities/{world.ids['capacity_b']}/suggestions",
                                token=world.tokens["se_b"])
    assert status == 200
    assert {s["stream_id"] for s in found} == {world.ids["stream_a"], world.ids["stream_b"]}


def test_suggestions_are_for_those_who_manage_the_item(http, world):
    path = f"/api/v1/streams/{world.ids['stream_a']}/suggestions"
    assert http.get(path, token=world.tokens["co_b"])[0] == 403
    assert http.get(path, token=world.tokens["fac_b"])[0] == 403
    assert http.get(path, token=world.tokens["fac_a"])[0] == 200


def test_taken_match_keeps_the_engine_score_and_leaves_the_queue(http, world):
    queue_path = f"/api/v1/hubs/{world.ids['hub_a']}/suggestion-queue"
    status, _, queue = http.get(queue_path, token=world.tokens["fac_a"])
    assert status == 200
    pair = {"stream_id": queue[0]["stream_id"], "capacity_id": queue[0]["capacity_id"]}
    status, _, match = http.post("/api/v1/matches", json=pair, token=world.tokens["fac_a"])
    assert status == 201
    assert match["scorer_version"] != "manual"
    assert abs(match["score"] - queue[0]["score"]) < 1e-6
    assert match["features"]
    _, _, after = http.get(queue_path, token=world.tokens["fac_a"])
    assert pair not in [{"stream_id": q["stream_id"], "capacity_id": q["capacity_id"]}
                        for q in after]
    assert http.get(queue_path, token=world.tokens["fac_b"])[0] == 403


def test_text_analysis_suggests_materials_services_and_quantity(http, world):
    status, _, analysis = http.post("/api/v1/analysis", json={
        "title": "Oude laptops", "description": "Elk jaar 40 laptops, data moet gewist worden."},
        token=world.tokens["co_a"])
    assert status == 200
    assert "ict_equipment" in [m["id"] for m in analysis["materials"]]
    assert "data_wiping" in [s["id"] for s in analysis["services"]]
    assert analysis["quantity"]["amount"] == 40
