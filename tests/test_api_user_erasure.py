"""Erasing an account is its own, deliberate, audited act, and erasing a contact never
touches an account.

A contact's address is anything a member types: erasing that contact must not find
the account that happens to use the address (issue 12, finding 1). An account is
erased by its owner, a facilitator of its organisation's hub or an admin; to every
other caller it answers like an account that does not exist.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from matchmaker.accounts import hash_password
from matchmaker.tokens import create_api_token, start_sign_in
from models import (
    ApiToken,
    AuditEntry,
    Contact,
    Invitation,
    PasswordFailure,
    SignIn,
    User,
    utcnow,
)
from tests.conftest import PASSWORD
from tests.test_web_pages import Browser, text


def _users_and_contacts(session_factory, *leave_out: int) -> dict:
    with session_factory() as session:
        users = {u.id: (u.email, u.display_name, u.password_hash, u.is_active, u.erased_at)
                 for u in session.scalars(sa.select(User)) if u.id not in leave_out}
        contacts = {c.id: (c.name, c.email, c.phone, c.erased_at)
                    for c in session.scalars(sa.select(Contact))}
        sign_ins = session.scalar(sa.select(sa.func.count()).select_from(SignIn))
        tokens = session.scalar(sa.select(sa.func.count()).select_from(ApiToken).where(
            ApiToken.user_id.not_in(leave_out)))
    return {"users": users, "contacts": contacts, "sign_ins": sign_ins, "tokens": tokens}


def test_a_contact_with_someone_elses_address_erases_only_itself(http, world, session_factory):
    # the review's attack: any member types the admin's address into a contact of its own
    # organisation, then erases that contact
    assert http.post("/api/v1/session", json={"email": "admin@example.org",
                                              "password": PASSWORD})[0] == 200
    with session_factory() as session:
        session.add(PasswordFailure(scope="account", key="admin@example.org",
                                    at=utcnow().timestamp()))
        session.commit()
    before = _users_and_contacts(session_factory)
    status, _, contact = http.post(f"/api/v1/organisations/{world.ids['org_co_b']}/contacts",
                                   json={"name": "x", "email": "Admin@Example.org"},
                                   token=world.tokens["co_b"])
    assert status == 201
    assert http.post(f"/api/v1/contacts/{contact['id']}/erasure",
                     token=world.tokens["co_b"])[0] == 204

    after = _users_and_contacts(session_factory)
    assert after["users"] == before["users"]
    assert (after["sign_ins"], after["tokens"]) == (before["sign_ins"], before["tokens"])
    assert http.get("/api/v1/me", token=world.tokens["admin"])[0] == 200
    assert http.get("/api/v1/me")[0] == 200  # the admin's browser stays signed in
    with session_factory() as session:
        # wrong passwords typed for the admin's account keep counting against guessing
        assert session.scalar(sa.select(sa.func.count()).select_from(PasswordFailure).where(
            PasswordFailure.key == "admin@example.org")) == 1


def test_erasing_a_contact_withdraws_only_its_organisations_open_invitations(
        http, world, session_factory):
    address = "jan@example.org"
    for organisation, caller in (("org_co_a", "co_a"), ("org_se_a", "se_a")):
        assert http.post(f"/api/v1/organisations/{world.ids[organisation]}/invitations",
                         json={"email": address}, token=world.tokens[caller])[0] == 202
    _, _, contact = http.post(f"/api/v1/organisations/{world.ids['org_co_a']}/contacts",
                              json={"name": "Jan", "email": address}, token=world.tokens["co_a"])
    assert http.post(f"/api/v1/contacts/{contact['id']}/erasure",
                     token=world.tokens["co_a"])[0] == 204
    with session_factory() as session:
        left = session.execute(sa.select(Invitation.organisation_id, Invitation.email)).all()
    assert left == [(world.ids["org_se_a"], address)]


# caller -> account: 204 for its owner, its hub's facilitator and admins, else as if absent
ALLOWED = [("co_a", "co_a"), ("fac_b", "fac_b"), ("fac_a", "se_a"), ("admin", "co_b")]
REFUSED = [("co_a", "colleague"), ("co_a", "se_a"), ("se_a", "co_a"), ("co_a", "admin"),
           ("fac_b", "co_a"), ("fac_a", "co_b"), ("fac_a", "fac_b"), ("fac_a", "admin"),
           ("fac_b", "colleague")]


@pytest.fixture
def colleague(world, session_factory) -> int:
    """A second member of company A, with a sign-in and a token."""
    from models import Organisation

    with session_factory() as session:
        user = User(email="collega@example.org", display_name="Collega", role="member",
                    password_hash=hash_password(PASSWORD),
                    organisation=session.get(Organisation, world.ids["org_co_a"]))
        session.add(user)
        session.flush()
        start_sign_in(session, user)
        create_api_token(session, user, "laptop")
        session.commit()
        return user.id


def _account(world, colleague: int, name: str) -> int:
    return colleague if name == "colleague" else world.ids[f"user_{name}"]


def test_any_other_caller_gets_the_answer_for_an_account_that_does_not_exist(
        http, world, session_factory, colleague):
    before = _users_and_contacts(session_factory)
    for caller, target in REFUSED:
        account = _account(world, colleague, target)
        status, _, problem = http.post(f"/api/v1/users/{account}/erasure",
                                       token=world.tokens[caller])
        _, _, absent = http.post("/api/v1/users/999999/erasure", token=world.tokens[caller])
        assert status == 404, (caller, target)
        assert problem == {**absent, "detail": absent["detail"].replace("999999", str(account))}
        assert http.post(f"/api/v1/users/{account}/erasure")[0] == 401
    assert _users_and_contacts(session_factory) == before


def test_owner_hub_facilitator_and_admin_erase_an_account_and_only_it(
        http, world, session_factory):
    for caller, target in ALLOWED:
        _erase_and_check(http, world, session_factory, caller, target)


def _erase_and_check(http, world, session_factory, caller: str, target: str) -> None:
    account = world.ids[f"user_{target}"]
    with session_factory() as session:
        user = session.get(User, account)
        address = user.email
        start_sign_in(session, user)
        if user.organisation_id is not None:
            session.add(Invitation(email=address, organisation_id=user.organisation_id,
                                   token_hash="open-invitation", expires_at=utcnow()))
        session.add(PasswordFailure(scope="account", key=address, at=utcnow().timestamp()))
        session.commit()
    before = _users_and_contacts(session_factory, account)

    assert http.post(f"/api/v1/users/{account}/erasure", token=world.tokens[caller])[0] == 204

    assert http.get("/api/v1/me", token=world.tokens[target])[0] == 401
    with session_factory() as session:
        user = session.get(User, account)
        assert user.email == f"erased-{account}@invalid" and user.display_name == ""
        assert (user.password_hash, user.is_active, user.erased_at is not None) == (
            None, False, True)
        for model, column in ((SignIn, SignIn.user_id), (ApiToken, ApiToken.user_id)):
            assert session.scalar(sa.select(sa.func.count()).select_from(model).where(
                column == account)) == 0
        assert session.scalar(sa.select(sa.func.count()).select_from(Invitation).where(
            Invitation.email == address)) == 0
        assert session.scalar(sa.select(sa.func.count()).select_from(PasswordFailure).where(
            PasswordFailure.key == address)) == 0
        entry = session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.entity, entry.entity_id, entry.actor_id) == (
            "erase", "users", account, world.ids[f"user_{caller}"])
        assert address not in str((entry.before, entry.after))
    after = _users_and_contacts(session_factory, account)
    assert after["users"] == before["users"] and after["contacts"] == before["contacts"]
    assert after["tokens"] == before["tokens"]
    assert http.post("/api/v1/session", json={"email": address,
                                              "password": PASSWORD})[0] == 401
    if caller != target:
        assert http.post(f"/api/v1/users/{account}/erasure",
                         token=world.tokens[caller])[0] == 404
    # nor is an erased account switched on again
    assert http.patch(f"/api/v1/users/{account}", json={"is_active": True},
                      token=world.tokens["admin"])[0] == 409


def test_the_last_admin_account_is_not_erased(http, world, session_factory):
    admin = world.ids["user_admin"]
    status, _, problem = http.post(f"/api/v1/users/{admin}/erasure",
                                   token=world.tokens["admin"])
    assert status == 409 and "last admin" in problem["detail"]
    status, _, second = http.post("/api/v1/users", json={
        "email": "admin2@example.org", "password": PASSWORD, "role": "admin"},
        token=world.tokens["admin"])
    assert status == 201
    assert http.post(f"/api/v1/users/{admin}/erasure", token=world.tokens["admin"])[0] == 204


def test_facilitator_erases_a_member_from_the_hub_organisations_page(
        api_app, world, session_factory):
    member = world.ids["user_co_a"]
    browser = Browser(api_app.test_client()).login("fac-a@example.org")
    listing = text(browser.get(f"/hubs/{world.ids['hub_a']}/organisations"))
    assert f"/members/{member}/erasure" in listing and "Account wissen" in listing
    unconfirmed = browser.post(f"/members/{member}/erasure")
    assert unconfirmed.status_code == 400 and "vakje" in text(unconfirmed)
    other_hub = Browser(api_app.test_client()).login("fac-b@example.org")
    assert other_hub.post(f"/members/{member}/erasure", {"confirm": "1"}).status_code == 404
    with session_factory() as session:
        assert session.get(User, member).erased_at is None

    assert browser.post(f"/members/{member}/erasure", {"confirm": "1"}).status_code == 302
    with session_factory() as session:
        assert session.get(User, member).erased_at is not None
    listing = text(browser.get(f"/hubs/{world.ids['hub_a']}/organisations"))
    assert f"/members/{member}/erasure" not in listing and "co-a@example.org" not in listing
