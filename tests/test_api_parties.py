"""The parties' voice and the partner hub's consent over HTTP: both parties say they are
interested, a party's 'not for us' waits for the facilitator, the capacity's hub consents
before another hub introduces its social enterprise, and the parties follow their match
with what the facilitator shares, never the internal note."""
from __future__ import annotations

import pytest

STREAM_A_CAPACITY_B = ("stream_a", "capacity_b")  # the stream's hub A decides, hub B consents


def _voice(http, world, role, pair=STREAM_A_CAPACITY_B, **body):
    stream, capacity = pair
    return http.post("/api/v1/interests", json={
        "stream_id": world.ids[stream], "capacity_id": world.ids[capacity], **body},
        token=world.tokens[role])


def _decide(http, world, match_id, role="fac_a", **body):
    _, _, current = http.get(f"/api/v1/matches/{match_id}", token=world.tokens[role])
    return http.post(f"/api/v1/matches/{match_id}/decisions",
                     json={"version": current["version"], **body}, token=world.tokens[role])


def test_both_parties_interested_are_decisions_the_hubs_read(http, world):
    status, _, first = _voice(http, world, "co_a", interested=True)
    assert status == 201, first
    assert (first["party"], first["to_status"], first["from_status"]) == (
        "stream", "interested", "proposed")
    status, _, second = _voice(http, world, "se_b", interested=True)
    assert status == 201 and second["match_id"] == first["match_id"]
    for role in ("fac_a", "fac_b"):
        _, _, match = http.get(f"/api/v1/matches/{first['match_id']}", token=world.tokens[role])
        assert match["status"] == "proposed" and match["hub_id"] == world.ids["hub_a"]
        assert (match["stream_interest"], match["capacity_interest"]) == (True, True)
        assert [(d["party"], d["to_status"]) for d in match["decisions"]] == [
            (None, "proposed"), ("stream", "interested"), ("capacity", "interested")]
    # the parties follow the pair they spoke of; an organisation outside it does not see it
    assert http.get(f"/api/v1/matches/{first['match_id']}", token=world.tokens["co_a"])[0] \
        == 200
    assert http.get(f"/api/v1/matches/{first['match_id']}", token=world.tokens["co_b"])[0] \
        == 404


def test_not_for_us_needs_a_reason_and_waits_for_the_facilitator(http, world):
    status, _, problem = _voice(http, world, "se_b", interested=False)
    assert status == 400 and problem["errors"][0]["path"] == "reason_code"
    status, _, said = _voice(http, world, "se_b", interested=False, reason_code="too_far")
    assert status == 201 and said["reason_code"] == "too_far"
    _, _, match = http.get(f"/api/v1/matches/{said['match_id']}", token=world.tokens["fac_a"])
    assert match["status"] == "proposed" and match["capacity_interest"] is False
    status, _, rejected = _decide(http, world, said["match_id"], to_status="rejected",
                                  reason_code="too_far")
    assert status == 201, rejected
    # a rejected pair is the hub's business; the party is no longer asked
    assert http.get(f"/api/v1/matches/{said['match_id']}", token=world.tokens["se_b"])[0] == 404
    assert _voice(http, world, "se_b", interested=True)[0] == 409


@pytest.mark.parametrize("role", ["co_b", "se_a", "fac_a", "admin"])
def test_only_the_two_parties_voice_their_interest(http, world, role):
    assert _voice(http, world, role, interested=True)[0] == 403


def test_a_cross_hub_introduction_waits_for_the_partner_hub(http, world):
    _, _, match = http.post("/api/v1/matches", json={
        "stream_id": world.ids["stream_a"], "capacity_id": world.ids["capacity_b"]},
        token=world.tokens["fac_a"])
    assert match["partner_hub_id"] == world.ids["hub_b"] and match["partner_consent"] is None
    assert _decide(http, world, match["id"], to_status="accepted")[0] == 201
    status, _, problem = _decide(http, world, match["id"], to_status="introduced")
    assert status == 409 and "consents first" in problem["detail"]
    # only the capacity's hub consents: the deciding hub and a party read the match
    path = f"/api/v1/matches/{match['id']}/consent"
    for role in ("fac_a", "co_a"):
        assert http.post(path, json={"consent": True}, token=world.tokens[role])[0] == 403
    assert http.post(path, json={"consent": True}, token=world.tokens["co_b"])[0] == 404
    status, _, consent = http.post(path, json={"consent": True}, token=world.tokens["fac_b"])
    assert status == 201 and (consent["party"], consent["to_status"]) == (
        "partner_hub", "consented")
    assert _decide(http, world, match["id"], to_status="introduced")[0] == 201


def test_the_social_enterprise_interested_stands_for_consent(http, world):
    match_id = _voice(http, world, "se_b", interested=True)[2]["match_id"]
    assert _decide(http, world, match_id, to_status="accepted")[0] == 201
    assert _decide(http, world, match_id, to_status="introduced")[0] == 201
    # introduced: the parties talk to each other now
    assert _voice(http, world, "co_a", interested=True)[0] == 409


def test_a_pair_within_one_hub_needs_no_consent(http, world):
    match_id = _voice(http, world, "co_a", ("stream_a", "capacity_a"), interested=True)[2][
        "match_id"]
    assert http.post(f"/api/v1/matches/{match_id}/consent", json={"consent": True},
                     token=world.tokens["fac_a"])[0] == 403
    for step in ("accepted", "introduced"):
        assert _decide(http, world, match_id, to_status=step)[0] == 201


def test_the_parties_follow_an_accepted_match_with_the_shared_note_only(http, world):
    _, _, match = http.post("/api/v1/matches", json={
        "stream_id": world.ids["stream_a"], "capacity_id": world.ids["capacity_a"]},
        token=world.tokens["fac_a"])
    path = f"/api/v1/matches/{match['id']}"
    assert http.get(path, token=world.tokens["co_a"])[0] == 404  # nobody asked them yet
    _decide(http, world, match["id"], to_status="accepted", note="INTERNAL check insurance",
            note_to_parties="We stellen jullie volgende week voor.")
    for role in ("co_a", "se_a"):
        status, _, seen = http.get(path, token=world.tokens[role])
        assert status == 200 and seen["status"] == "accepted"
        assert seen["decisions"][-1]["note_to_parties"] == "We stellen jullie volgende week voor."
        assert "INTERNAL" not in str(seen) and "note" not in seen["decisions"][-1]
        listed = http.get("/api/v1/matches", token=world.tokens[role])[2]["items"]
        assert [m["id"] for m in listed] == [match["id"]]
    # no contacts before the introduction
    partner = http.get(f"/api/v1/organisations/{world.ids['org_se_a']}",
                       token=world.tokens["co_a"])[2]
    assert "contacts" not in partner


def test_mutual_interest_first_in_the_list_and_its_filter(http, world):
    _voice(http, world, "co_a", ("stream_a", "capacity_a"), interested=True)
    mutual = _voice(http, world, "co_a", interested=True)[2]["match_id"]
    _voice(http, world, "se_b", interested=True)
    newest = http.get("/api/v1/matches", token=world.tokens["fac_a"])[2]["items"]
    by_interest = http.get("/api/v1/matches?sort=interest",
                           token=world.tokens["fac_a"])[2]["items"]
    assert by_interest[0]["id"] == mutual and len(by_interest) == len(newest) == 2
    only = http.get("/api/v1/matches?interest=mutual", token=world.tokens["fac_a"])[2]
    assert [m["id"] for m in only["items"]] == [mutual] and only["total"] == 1


def test_queue_decisions_take_or_reject_several_pairs_all_or_none(http, world):
    path = f"/api/v1/hubs/{world.ids['hub_a']}/queue-decisions"
    pairs = [{"stream_id": world.ids["stream_a"], "capacity_id": world.ids[c]}
             for c in ("capacity_a", "capacity_b")]
    status, _, problem = http.post(path, json={"pairs": pairs, "to_status": "rejected"},
                                   token=world.tokens["fac_a"])
    assert status == 400 and problem["errors"][0]["path"] == "reason_code"
    assert http.get("/api/v1/matches", token=world.tokens["fac_a"])[2]["total"] == 0
    # another hub's facilitator does not work this queue; a stream of another hub is unknown
    assert http.post(path, json={"pairs": pairs, "to_status": "proposed"},
                     token=world.tokens["fac_b"])[0] == 403
    assert http.post(path, json={"pairs": [{"stream_id": world.ids["stream_b"],
                                            "capacity_id": world.ids["capacity_a"]}],
                                 "to_status": "proposed"}, token=world.tokens["fac_a"])[0] == 404
    status, _, rejected = http.post(path, json={"pairs": pairs[:1], "to_status": "rejected",
                                                "reason_code": "too_far"},
                                    token=world.tokens["fac_a"])
    assert status == 201 and [m["status"] for m in rejected] == ["rejected"]
    # a rejected pair cannot be taken again: the whole call is refused
    assert http.post(path, json={"pairs": pairs, "to_status": "proposed"},
                     token=world.tokens["fac_a"])[0] == 409
    status, _, taken = http.post(path, json={"pairs": pairs[1:], "to_status": "proposed"},
                                 token=world.tokens["fac_a"])
    assert status == 201 and [m["status"] for m in taken] == ["proposed"]
    assert http.get("/api/v1/matches?status=proposed",
                    token=world.tokens["fac_a"])[2]["total"] == 1


def test_queue_filters_on_the_organisations_municipality_and_names(http, world,
                                                                   session_factory):
    from models import Organisation

    with session_factory() as session:
        session.get(Organisation, world.ids["org_se_b"]).municipality = "Lochristi"
        session.commit()
    path = f"/api/v1/hubs/{world.ids['hub_a']}/suggestion-queue"
    found = http.get(path + "?municipality=lochristi", token=world.tokens["fac_a"])[2]
    assert [s["capacity_id"] for s in found] == [world.ids["capacity_b"]]
    found = http.get(path + "?q=se%20a", token=world.tokens["fac_a"])[2]
    assert [s["capacity_id"] for s in found] == [world.ids["capacity_a"]]
    assert len(http.get(path, token=world.tokens["fac_a"])[2]) == 2


def test_queue_filters_on_score_and_distance(http, world):
    path = f"/api/v1/hubs/{world.ids['hub_a']}/suggestion-queue"
    everything = http.get(path, token=world.tokens["fac_a"])[2]
    lowest = min(s["score"] for s in everything)
    found = http.get(f"{path}?min_score={lowest + 1e-6}", token=world.tokens["fac_a"])[2]
    assert len(found) == len(everything) - 1
    # no places in this world: no pair is known to be within a distance
    assert http.get(f"{path}?max_km=500", token=world.tokens["fac_a"])[2] == []
    assert http.get(f"{path}?max_km=-1", token=world.tokens["fac_a"])[0] == 400
