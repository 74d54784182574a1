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


def _signed_in_copy(http, live_api, email):
    """Sign `http` in; a second client, and the headers that send a copy of its cookie."""
    from conftest import Http

    status, _, _ = http.post("/api/v1/session", json={"email": email, "password": PASSWORD})
    assert status == 200
    [session] = [c for c in http.cookies if c.name == "session"]
    return Http(live_api), {"Cookie": f"session={session.value}"}


def test_a_cookie_copied_before_sign_out_no_longer_signs_in(http, live_api, world):
    copy, cookie = _signed_in_copy(http, live_api, "fac-a@example.org")
    assert copy.get("/api/v1/me", headers=cookie)[2]["email"] == "fac-a@example.org"
    assert http.delete("/api/v1/session")[0] == 204
    assert copy.get("/api/v1/me", headers=cookie)[0] == 401


def test_sign_ins_are_kept_as_hashes_and_signing_out_removes_the_row(http, world, session_factory):
    from models import SignIn

    http.post("/api/v1/session", json={"email": "co-a@example.org", "password": PASSWORD})
    with session_factory() as session:
        rows = session.scalars(sa.select(SignIn)).all()
        assert [row.user_id for row in rows] == [world.ids["user_co_a"]]
        assert len(rows[0].token_hash) == 64  # a SHA-256, not the secret
    http.delete("/api/v1/session")
    with session_factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(SignIn)) == 0


def test_switching_an_account_off_ends_its_sign_ins_for_good(http, live_api, world):
    copy, cookie = _signed_in_copy(http, live_api, "co-a@example.org")
    user = f"/api/v1/users/{world.ids['user_co_a']}"
    admin = world.tokens["admin"]
    assert http.patch(user, json={"is_active": False}, token=admin)[0] == 200
    assert copy.get("/api/v1/me", headers=cookie)[0] == 401
    assert http.patch(user, json={"is_active": True}, token=admin)[0] == 200
    # switched on again, the old cookie stays dead: the person signs in anew
    assert copy.get("/api/v1/me", headers=cookie)[0] == 401
    assert http.post("/api/v1/session", json={"email": "co-a@example.org",
                                              "password": PASSWORD})[0] == 200
    assert http.get("/api/v1/me")[0] == 200


def test_a_sign_in_runs_out_after_its_lifetime_and_is_cleared_at_the_next(session, world):
    from datetime import timedelta

    from matchmaker.tokens import SIGN_IN_LIFETIME, start_sign_in, user_for_sign_in
    from models import SignIn, User, utcnow

    user = session.get(User, world.ids["user_co_a"])
    old = start_sign_in(session, user)
    session.flush()
    assert user_for_sign_in(session, old) is user
    session.execute(sa.update(SignIn).values(
        created_at=utcnow() - SIGN_IN_LIFETIME - timedelta(minutes=1)))
    assert user_for_sign_in(session, old) is None
    new = start_sign_in(session, user)
    session.flush()
    assert user_for_sign_in(session, new) is user
    assert session.scalar(sa.select(sa.func.count()).select_from(SignIn)) == 1


def test_cookie_signed_api_writes_need_the_csrf_header_that_sign_in_hands_out(
        http, world, session_factory):
    """A cross-site page can make the browser post to the API with its cookie (a form sends
    `text/plain`, or nothing at all) but cannot set a header: such writes change nothing."""
    from models import Contact

    def contacts() -> list[tuple]:
        with session_factory() as session:
            return session.execute(sa.select(Contact.id, Contact.name, Contact.erased_at)
                                   .order_by(Contact.id)).all()

    status, headers, _ = http.post("/api/v1/session", json={"email": "co-a@example.org",
                                                            "password": PASSWORD})
    token = headers["X-CSRF-Token"]
    assert status == 200 and len(token) >= 32
    assert http.get("/api/v1/me")[1]["X-CSRF-Token"] == token
    http.csrf_token = None  # what a forged request from another site is left with
    add = f"/api/v1/organisations/{world.ids['org_co_a']}/contacts"
    with session_factory() as session:
        contact_id = session.scalar(sa.select(Contact.id).where(
            Contact.organisation_id == world.ids["org_co_a"]))
    before = contacts()
    form_post = http.request("POST", add, data=b'{"name": "x"}',
                             headers={"Content-Type": "text/plain"})
    assert form_post[0] == 415 and form_post[1]["Content-Type"] == "application/problem+json"
    assert http.post(add, json={"name": "x"})[0] == 403
    assert http.post(f"/api/v1/contacts/{contact_id}/erasure")[0] == 403
    assert http.delete("/api/v1/session")[0] == 403
    assert http.post(add, json={"name": "x"}, headers={"X-CSRF-Token": "wrong"})[0] == 403
    assert contacts() == before and http.get("/api/v1/me")[0] == 200

    assert http.post(add, json={"name": "Jan"}, headers={"X-CSRF-Token": token})[0] == 201
    # an API token is never sent by a browser on its own: it needs no CSRF header
    assert http.post(add, json={"name": "Piet"}, token=world.tokens["co_a"])[0] == 201
    assert http.delete("/api/v1/session", headers={"X-CSRF-Token": token})[0] == 204
