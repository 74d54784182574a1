"""Signing in: session cookie, API tokens (shown once, stored hashed, revocable, header only)."""
from __future__ import annotations

import hashlib

import sqlalchemy as sa
from conftest import PASSWORD

from models import ApiToken


def test_login_sets_a_session_cookie_that_identifies_the_user(http, world):
    status, headers, me = http.post("/api/v1/session",
                                    json={"email": "fac-a@example.org", "password": PASSWORD})
    assert status == 200 and me["role"] == "facilitator"
    assert "HttpOnly" in headers["Set-Cookie"]
    status, _, me = http.get("/api/v1/me")
    assert status == 200
    assert me["email"] == "fac-a@example.org" and me["hub_ids"] == [world.ids["hub_a"]]
    assert http.delete("/api/v1/session")[0] == 204
    assert http.get("/api/v1/me")[0] == 401


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(http, world):
    wrong_password = http.post("/api/v1/session",
                               json={"email": "fac-a@example.org", "password": "nope" * 4})
    unknown_user = http.post("/api/v1/session",
                             json={"email": "nobody@example.org", "password": PASSWORD})
    assert wrong_password[0] == unknown_user[0] == 401
    assert wrong_password[2]["detail"] == unknown_user[2]["detail"]


def test_token_is_shown_once_and_stored_only_as_its_hash(http, world, session_factory):
    status, _, created = http.post("/api/v1/tokens", json={
        "email": "co-a@example.org", "password": PASSWORD, "name": "erp sync"})
    assert status == 201
    secret = created["token"]
    assert len(secret) >= 43
    with session_factory() as session:
        stored = session.get(ApiToken, created["id"])
        assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in str(session.scalars(sa.select(ApiToken.token_hash)).all())
    status, _, listed = http.get("/api/v1/tokens", token=secret)
    assert status == 200
    assert "token" not in listed[0]
    assert http.get("/api/v1/me", token=secret)[2]["email"] == "co-a@example.org"


def test_revoked_token_is_refused(http, world):
    _, _, created = http.post("/api/v1/tokens", json={
        "email": "co-a@example.org", "password": PASSWORD})
    secret = created["token"]
    assert http.delete(f"/api/v1/tokens/{created['id']}", token=secret)[0] == 204
    assert http.get("/api/v1/me", token=secret)[0] == 401


def test_token_of_someone_else_cannot_be_revoked(http, world):
    _, _, created = http.post("/api/v1/tokens", json={
        "email": "co-a@example.org", "password": PASSWORD})
    assert http.delete(f"/api/v1/tokens/{created['id']}", token=world.tokens["co_b"])[0] == 404
    assert http.get("/api/v1/me", token=created["token"])[0] == 200


def test_token_in_the_query_string_is_ignored(http, world):
    status, _, _ = http.get(f"/api/v1/me?access_token={world.tokens['admin']}")
    assert status == 401
    status, _, _ = http.get(f"/api/v1/me?token={world.tokens['admin']}")
    assert status == 401


def test_malformed_authorization_header_is_401(http, world):
    assert http.get("/api/v1/me", headers={"Authorization": "Basic abc"})[0] == 401
    assert http.get("/api/v1/me", token="not-a-real-token")[0] == 401
