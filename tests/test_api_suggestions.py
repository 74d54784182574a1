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


def test_a_worker_reads_what_another_wrote_after_a_response_not_in_the_next_suggestion(
        http, world, api_app, session_factory):
    """Another process registers a capacity; this app's next response (here a health check)
    brings its index up to date once sent, so the suggestion after it does no refresh of
    its own (its Server-Timing shows no refresh stage) and already offers the capacity."""
    import time

    from api.suggestion_index import suggestion_service
    from matchmaker import registration
    from matchmaker.errors import NotFound
    from matchmaker.suggestions import SuggestionService
    from models import Capacity, Organisation, User

    def held(service, capacity_id: int) -> bool:
        try:   # language_of reads the index as it is, without refreshing it
            service.language_of("capacity", capacity_id)
        except NotFound:
            return False
        return True

    path = f"/api/v1/streams/{world.ids['stream_a']}/suggestions?k=10"
    assert http.get(path, token=world.tokens["co_a"])[0] == 200
    with api_app.app_context():
        service = suggestion_service()
    with session_factory() as session:   # another worker: its own session and service
        capacity = registration.create_item(
            session, session.get(User, world.ids["user_admin"]), Capacity,
            session.get(Organisation, world.ids["org_se_b"]),
            {"title": "Werkkledij ophalen en sorteren", "materials": ["workwear"],
             "services": ["collection", "sorting"]})
        session.commit()
        SuggestionService(service.embedder).index_items(session, "capacity", [capacity.id])
        session.commit()
        new_id = capacity.id
    time.sleep(service.refresh_seconds)
    assert not held(service, new_id)
    assert http.get("/healthz")[0] == 200
    deadline = time.monotonic() + 10
    while not held(service, new_id) and time.monotonic() < deadline:
        time.sleep(0.05)   # the refresh runs once the response was sent
    assert held(service, new_id)
    status, headers, found = http.get(path, token=world.tokens["co_a"])
    assert status == 200
    assert new_id in {s["capacity_id"] for s in found}
    stages = {part.split(";")[0].strip() for part in headers["Server-Timing"].split(",")}
    assert "candidates" in stages
    # ("refresh" is there, ~0 ms: the request still asks whether one is due)
    assert not {"changes", "loading", "indexing", "embedding"} & stages
