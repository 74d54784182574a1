"""Onboarding: e-mailed one-time invitations, self-registration, KBO duplicates, approval."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import PASSWORD

from models import Invitation

NEW_PASSWORD = "a long enough secret"


@pytest.fixture
def inbox(api_app, smtp_inbox):
    api_app.extensions["matchmaker.mailer"].smtp_url = smtp_inbox.url
    return smtp_inbox


def _code_from(message) -> str:
    return re.search(r"^([A-Za-z0-9_-]{40,})\r?$", message.get_content(), re.M).group(1)


def test_invitation_code_arrives_by_mail_and_works_once(http, world, inbox):
    status, _, invitation = http.post(
        f"/api/v1/organisations/{world.ids['org_co_a']}/invitations",
        json={"email": "Nieuw@Example.org"}, token=world.tokens["fac_a"])
    assert status == 201 and "token" not in invitation
    [mail] = inbox.messages
    assert mail["To"] == "nieuw@example.org" and "Uitnodiging" in mail["Subject"]
    code = _code_from(mail)
    body = {"token": code, "password": NEW_PASSWORD, "display_name": "Nieuw"}
    status, _, user = http.post("/api/v1/invitations/acceptance", json=body)
    assert status == 201 and user["organisation_id"] == world.ids["org_co_a"]
    assert http.post("/api/v1/invitations/acceptance", json=body)[0] == 409
    status, _, me = http.post("/api/v1/session", json={"email": "nieuw@example.org",
                                                       "password": NEW_PASSWORD})
    assert status == 200 and me["role"] == "member"


def test_expired_invitation_is_refused(http, world, inbox, session_factory):
    http.post(f"/api/v1/organisations/{world.ids['org_co_a']}/invitations",
              json={"email": "laat@example.org"}, token=world.tokens["co_a"])
    with session_factory() as session:
        for invitation in session.query(Invitation):
            invitation.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        session.commit()
    status, _, problem = http.post("/api/v1/invitations/acceptance", json={
        "token": _code_from(inbox.messages[0]), "password": NEW_PASSWORD})
    assert status == 409 and "expired" in problem["detail"]


def test_members_invite_colleagues_but_not_into_other_organisations(http, world, inbox):
    own = http.post(f"/api/v1/organisations/{world.ids['org_co_a']}/invitations",
                    json={"email": "collega@example.org"}, token=world.tokens["co_a"])
    other = http.post(f"/api/v1/organisations/{world.ids['org_co_b']}/invitations",
                      json={"email": "indringer@example.org"}, token=world.tokens["co_a"])
    assert (own[0], other[0]) == (201, 403)
    assert [m["To"] for m in inbox.messages] == ["collega@example.org"]


def test_unknown_code_is_404(http, world):
    assert http.post("/api/v1/invitations/acceptance", json={
        "token": "x" * 43, "password": NEW_PASSWORD})[0] == 404


def _register(http, world, number="0456.123.987", email="start@example.org"):
    return http.post("/api/v1/registrations", json={
        "hub_id": world.ids["hub_a"], "email": email, "password": NEW_PASSWORD,
        "organisation": {"name": "Startup", "kind": "company", "enterprise_number": number}})


def test_self_registration_waits_for_approval_by_the_hub(http, world, inbox):
    status, _, registration = _register(http, world)
    assert status == 201 and registration["status"] == "pending"
    login = {"email": "start@example.org", "password": NEW_PASSWORD}
    assert http.post("/api/v1/session", json=login)[0] == 401
    path = f"/api/v1/organisations/{registration['organisation_id']}"
    assert http.get(path, token=world.tokens["fac_b"])[0] == 404
    assert http.post(f"{path}/approval", token=world.tokens["fac_b"])[0] == 404
    status, _, organisation = http.post(f"{path}/approval", token=world.tokens["fac_a"])
    assert status == 200 and organisation["status"] == "active"
    assert http.post("/api/v1/session", json=login)[0] == 200
    assert [m["To"] for m in inbox.messages] == ["start@example.org"]
    assert http.post(f"{path}/approval", token=world.tokens["fac_a"])[0] == 409


def test_registration_with_a_known_enterprise_number_is_a_conflict(http, world):
    assert _register(http, world)[0] == 201
    status, _, problem = _register(http, world, number="BE 0456 123 987", email="b@example.org")
    assert status == 409 and "0456123987" in problem["detail"]


def test_registration_with_a_known_email_is_a_conflict(http, world):
    status, _, _ = _register(http, world, number="0999.888.777", email="co-a@example.org")
    assert status == 409
    assert http.post("/api/v1/session", json={"email": "co-a@example.org",
                                              "password": PASSWORD})[0] == 200
