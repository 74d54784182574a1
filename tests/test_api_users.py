"""Accounts managed by admins: facilitators with hubs, members of one organisation."""
from __future__ import annotations

import pytest

NEW = "a long enough secret"


def test_admin_creates_a_facilitator_who_then_sees_the_hub(http, world):
    status, _, user = http.post("/api/v1/users", json={
        "email": "Nieuwe.Facilitator@example.org", "password": NEW, "role": "facilitator",
        "hub_ids": [world.ids["hub_b"]]}, token=world.tokens["admin"])
    assert status == 201 and user["hub_ids"] == [world.ids["hub_b"]]
    http.post("/api/v1/session", json={"email": "nieuwe.facilitator@example.org",
                                       "password": NEW})
    status, _, kpis = http.get(f"/api/v1/hubs/{world.ids['hub_b']}/kpis")
    assert status == 200


@pytest.mark.parametrize(("body", "path"), [
    ({"role": "facilitator"}, "hub_ids"),
    ({"role": "member"}, "organisation_id"),
    ({"role": "admin", "hub_ids": [1]}, "hub_ids"),
])
def test_role_must_fit_hubs_and_organisation(http, world, body, path):
    status, _, problem = http.post("/api/v1/users", json={
        "email": "x@example.org", "password": NEW, **body}, token=world.tokens["admin"])
    assert status == 400
    assert path in [e["path"] for e in problem["errors"]]


def test_switched_off_account_cannot_use_its_token(http, world):
    status, _, user = http.patch(f"/api/v1/users/{world.ids['user_co_b']}",
                                 json={"is_active": False}, token=world.tokens["admin"])
    assert status == 200 and user["is_active"] is False
    assert http.get("/api/v1/me", token=world.tokens["co_b"])[0] == 401


def test_facilitator_moves_to_another_hub(http, world):
    status, _, user = http.patch(f"/api/v1/users/{world.ids['user_fac_a']}",
                                 json={"hub_ids": [world.ids["hub_b"]]},
                                 token=world.tokens["admin"])
    assert status == 200
    assert http.get(f"/api/v1/hubs/{world.ids['hub_a']}/kpis",
                    token=world.tokens["fac_a"])[0] == 403


@pytest.mark.parametrize("role", ["fac_a", "co_a"])
def test_only_admins_manage_accounts(http, world, role):
    assert http.get("/api/v1/users", token=world.tokens[role])[0] == 403
    assert http.post("/api/v1/users", json={"email": "y@example.org", "password": NEW,
                                            "role": "admin"}, token=world.tokens[role])[0] == 403


def test_admin_lists_facilitators_of_a_hub(http, world):
    status, _, page = http.get(f"/api/v1/users?role=facilitator&hub={world.ids['hub_a']}",
                               token=world.tokens["admin"])
    assert status == 200
    assert [u["email"] for u in page["items"]] == ["fac-a@example.org"]
