"""Matches over HTTP: the lifecycle, 409s with the allowed states, cross-hub visibility,
and contacts shared once the parties are introduced."""
from __future__ import annotations

import pytest


@pytest.fixture
def cross_hub(http, world) -> dict:
    """A match between company A's stream (hub A) and social enterprise B's capacity (hub B)."""
    status, _, match = http.post("/api/v1/matches", json={
        "stream_id": world.ids["stream_a"], "capacity_id": world.ids["capacity_b"]},
        token=world.tokens["fac_a"])
    assert status == 201, match
    return match


def _consent(http, world, match) -> None:
    """Hub B consents to the introduction of its social enterprise."""
    assert http.post(f"/api/v1/matches/{match['id']}/consent", json={"consent": True},
                     token=world.tokens["fac_b"])[0] == 201


def _decide(http, world, match, role="fac_a", **body):
    status, _, current = http.get(f"/api/v1/matches/{match['id']}", token=world.tokens[role])
    body.setdefault("version", current["version"])
    return http.post(f"/api/v1/matches/{match['id']}/decisions", json=body,
                     token=world.tokens[role])


def test_lifecycle_over_http_up_to_completed(http, world, cross_hub):
    _consent(http, world, cross_hub)
    for step in ({"to_status": "accepted", "note": "goede match"},
                 {"to_status": "introduced"},
                 {"to_status": "agreed", "agreement": {
                     "volume_kg": 800, "period_start": "2026-02-01", "period_end": "2026-07-31",
                     "estimated_hours": 320}},
                 {"to_status": "completed", "completed_volume_kg": 760}):
        status, _, decision = _decide(http, world, cross_hub, **step)
        assert status == 201, decision
        assert decision["to_status"] == step["to_status"]
    _, _, match = http.get(f"/api/v1/matches/{cross_hub['id']}", token=world.tokens["fac_a"])
    assert match["status"] == "completed" and match["completed_volume_kg"] == 760
    assert [d["to_status"] for d in match["decisions"]] == [
        "proposed", "consented", "accepted", "introduced", "agreed", "completed"]


def test_illegal_transition_answers_409_with_allowed_states(http, world, cross_hub):
    status, headers, problem = _decide(http, world, cross_hub, to_status="agreed")
    assert status == 409
    assert headers["Content-Type"] == "application/problem+json"
    assert problem["allowed"] == ["accepted", "rejected", "withdrawn"]


def test_two_facilitators_deciding_at_once_one_gets_409(http, world, cross_hub):
    seen = cross_hub["version"]
    path = f"/api/v1/matches/{cross_hub['id']}/decisions"
    first = http.post(path, json={"to_status": "accepted", "version": seen},
                      token=world.tokens["fac_a"])
    second = http.post(path, json={"to_status": "rejected", "reason_code": "too_far",
                                   "version": seen}, token=world.tokens["admin"])
    assert (first[0], second[0]) == (201, 409)
    _, _, match = http.get(f"/api/v1/matches/{cross_hub['id']}", token=world.tokens["fac_a"])
    assert match["status"] == "accepted"


def test_rejection_without_reason_is_400_on_the_field(http, world, cross_hub):
    status, _, problem = _decide(http, world, cross_hub, to_status="rejected")
    assert status == 400
    assert problem["errors"][0]["path"] == "reason_code"


def test_capacity_hub_sees_a_cross_hub_match_read_only(http, world, cross_hub):
    status, _, match = http.get(f"/api/v1/matches/{cross_hub['id']}", token=world.tokens["fac_b"])
    assert status == 200 and match["may_decide"] is False
    assert _decide(http, world, cross_hub, role="fac_b", to_status="accepted")[0] == 403
    _, _, own = http.get(f"/api/v1/matches/{cross_hub['id']}", token=world.tokens["fac_a"])
    assert own["may_decide"] is True and own["status"] == "proposed"


def test_parties_see_the_match_and_each_others_contacts_once_introduced(http, world, cross_hub):
    path = f"/api/v1/matches/{cross_hub['id']}"
    partner = f"/api/v1/organisations/{world.ids['org_se_b']}"
    assert http.get(path, token=world.tokens["co_a"])[0] == 404
    _decide(http, world, cross_hub, to_status="accepted")
    # accepted: the parties follow their match, without each other's contacts
    assert http.get(path, token=world.tokens["se_b"])[0] == 200
    assert "contacts" not in http.get(partner, token=world.tokens["co_a"])[2]
    _consent(http, world, cross_hub)
    _decide(http, world, cross_hub, to_status="introduced")
    for role in ("co_a", "se_b"):
        status, _, match = http.get(path, token=world.tokens[role])
        assert status == 200 and match["may_decide"] is False
    contacts = http.get(partner, token=world.tokens["co_a"])[2]["contacts"]
    assert contacts[0]["email"] == "person-se-b@example.org"
    # An unrelated organisation still sees no contacts.
    assert "contacts" not in http.get(partner, token=world.tokens["se_a"])[2]


def test_only_the_stream_hub_takes_a_match(http, world):
    status, _, _ = http.post("/api/v1/matches", json={
        "stream_id": world.ids["stream_a"], "capacity_id": world.ids["capacity_b"]},
        token=world.tokens["fac_b"])
    assert status == 403


def add_facilitator(session_factory, world, key: str, hub_key: str = "a") -> None:
    """A second facilitator of a hub, with a token (world.tokens[key]) and the password."""
    from matchmaker.accounts import hash_password
    from matchmaker.tokens import create_api_token
    from models import Hub, User
    from tests.conftest import PASSWORD

    with session_factory() as session:
        user = User(email=f"{key}@example.org", role="facilitator",
                    password_hash=hash_password(PASSWORD),
                    hubs=[session.get(Hub, world.ids[f"hub_{hub_key}"])])
        session.add(user)
        session.flush()
        world.tokens[key] = create_api_token(session, user, "test")[1]
        session.commit()


def test_assigned_to_me_lists_the_matches_each_facilitator_took(http, world, session_factory):
    add_facilitator(session_factory, world, "fac_a2")
    taken = {}
    for role, capacity in (("fac_a", "capacity_a"), ("fac_a2", "capacity_b")):
        status, _, match = http.post("/api/v1/matches", json={
            "stream_id": world.ids["stream_a"], "capacity_id": world.ids[capacity]},
            token=world.tokens[role])
        assert status == 201, match
        taken[role] = match["id"]
    for role in ("fac_a", "fac_a2"):
        status, _, page = http.get("/api/v1/matches?assigned=me", token=world.tokens[role])
        assert status == 200, page
        assert [m["id"] for m in page["items"]] == [taken[role]]
        _, _, everything = http.get(f"/api/v1/matches?hub={world.ids['hub_a']}",
                                    token=world.tokens[role])
        assert sorted(m["id"] for m in everything["items"]) == sorted(taken.values())
    # a colleague's decision later does not move the match to them
    assert _decide(http, world, {"id": taken["fac_a2"]}, role="fac_a",
                   to_status="accepted")[0] == 201
    _, _, page = http.get("/api/v1/matches?assigned=me", token=world.tokens["fac_a"])
    assert [m["id"] for m in page["items"]] == [taken["fac_a"]]
    assert http.get("/api/v1/matches?assigned=someone", token=world.tokens["fac_a"])[0] == 400


def test_completing_before_the_agreed_period_is_a_400_unless_confirmed_in_the_streams_unit(
        http, world, cross_hub, session_factory):
    import datetime as dt

    from models import Stream

    with session_factory() as session:   # the company counts its stream in tonnes
        session.get(Stream, world.ids["stream_a"]).quantity_unit = "t"
        session.commit()
    _consent(http, world, cross_hub)
    start = dt.date.today() + dt.timedelta(days=60)
    for step in ({"to_status": "accepted"}, {"to_status": "introduced"},
                 {"to_status": "agreed", "agreement": {
                     "volume_kg": 3000, "period_start": start.isoformat(),
                     "period_end": (start + dt.timedelta(days=365)).isoformat(),
                     "estimated_hours": 100}}):
        assert _decide(http, world, cross_hub, **step)[0] == 201
    status, _, problem = _decide(http, world, cross_hub, to_status="completed",
                                 completed_amount=2.5)
    assert status == 400, problem
    assert [e["path"] for e in problem["errors"]] == ["confirm_early_completion"]
    assert start.isoformat() in problem["errors"][0]["message"]
    status, _, decision = _decide(http, world, cross_hub, to_status="completed",
                                  completed_amount=2.5, confirm_early_completion=True)
    assert status == 201, decision
    _, _, match = http.get(f"/api/v1/matches/{cross_hub['id']}", token=world.tokens["fac_a"])
    assert match["status"] == "completed" and match["completed_volume_kg"] == 2500
