"""Onboarding: e-mailed one-time invitations, self-registration, KBO duplicates, approval."""
from __future__ import annotations

import datetime as dt
import json
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
    assert status == 202 and "token" not in invitation
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
    assert (own[0], other[0]) == (202, 403)
    assert [m["To"] for m in inbox.messages] == ["collega@example.org"]


def test_unknown_code_is_404(http, world):
    assert http.post("/api/v1/invitations/acceptance", json={
        "token": "x" * 43, "password": NEW_PASSWORD})[0] == 404


def _register(http, world, number="0456.123.989", email="start@example.org"):
    return http.post("/api/v1/registrations", json={
        "hub_id": world.ids["hub_a"], "email": email, "password": NEW_PASSWORD,
        "organisation": {"name": "Startup", "kind": "company", "enterprise_number": number}})


def _pending(http, world) -> list[dict]:
    status, _, page = http.get(f"/api/v1/organisations?hub={world.ids['hub_a']}&status=pending",
                               token=world.tokens["fac_a"])
    assert status == 200
    return page["items"]


def test_self_registration_waits_for_approval_by_the_hub(http, world, inbox):
    status, _, registration = _register(http, world)
    assert status == 202 and registration["status"] == "received"
    received, facilitator = inbox.messages
    assert received["To"] == "start@example.org" and "ontvangen" in received["Subject"]
    assert facilitator["To"] == "fac-a@example.org" and "Startup" in facilitator["Subject"]
    login = {"email": "start@example.org", "password": NEW_PASSWORD}
    assert http.post("/api/v1/session", json=login)[0] == 403
    [organisation] = _pending(http, world)
    path = f"/api/v1/organisations/{organisation['id']}"
    assert http.get(path, token=world.tokens["fac_b"])[0] == 404
    assert http.post(f"{path}/approval", token=world.tokens["fac_b"])[0] == 404
    status, _, organisation = http.post(f"{path}/approval", token=world.tokens["fac_a"])
    assert status == 200 and organisation["status"] == "active"
    assert http.post("/api/v1/session", json=login)[0] == 200
    assert [m["To"] for m in inbox.messages] == ["start@example.org", "fac-a@example.org",
                                                 "start@example.org"]
    assert http.post(f"{path}/approval", token=world.tokens["fac_a"])[0] == 409


def test_registrations_answer_alike_whatever_exists_and_the_mail_tells_the_owner(
        http, world, inbox):
    """A new registration, one with a known enterprise number and one with an address that
    has an account: the same answer; only the address's owner learns which, by mail, in
    their own language. Nothing is created for the known ones."""
    answers = [_register(http, world),
               _register(http, world, number="BE 0456 123 989", email="b@example.org"),
               _register(http, world, number="0999.888.767", email="co-a@example.org")]
    assert {(status, json.dumps(body)) for status, _, body in answers} == {
        (202, json.dumps(answers[0][2]))}
    assert len(_pending(http, world)) == 1
    new, facilitator, number_known, account_known = inbox.messages
    assert facilitator["To"] == "fac-a@example.org"  # for the new registration only
    assert new["To"] == "start@example.org" and "ontvangen" in new["Subject"]
    assert number_known["To"] == "b@example.org" and "0456123989" in number_known["Subject"]
    assert account_known["To"] == "co-a@example.org"
    assert "al een account" in account_known["Subject"]
    assert "/login" in account_known.get_content()
    assert http.post("/api/v1/session", json={"email": "co-a@example.org",
                                              "password": PASSWORD})[0] == 200


def test_invitations_answer_alike_whether_the_address_has_an_account(http, world, inbox):
    path = f"/api/v1/organisations/{world.ids['org_co_a']}/invitations"
    unknown = http.post(path, json={"email": "nieuw@example.org"}, token=world.tokens["co_a"])
    known = http.post(path, json={"email": "se-b@example.org"}, token=world.tokens["co_a"])
    assert (unknown[0], known[0]) == (202, 202)
    assert {k: v for k, v in unknown[2].items() if k != "email"} == {
        k: v for k, v in known[2].items() if k != "email"}
    code_mail, known_mail = inbox.messages
    assert _code_from(code_mail)
    assert known_mail["To"] == "se-b@example.org" and "/login" in known_mail.get_content()
    assert not re.search(r"^[A-Za-z0-9_-]{40,}\r?$", known_mail.get_content(), re.M)


def test_registrations_and_invitations_are_limited_per_client_address(http, world, inbox):
    from api.throttle import INVITATION_LIMIT, REGISTRATION_LIMIT

    statuses = [_register(http, world, number=None, email=f"r{i}@example.org")[0]
                for i in range(REGISTRATION_LIMIT.failures + 1)]
    assert statuses[:-1] == [202] * REGISTRATION_LIMIT.failures and statuses[-1] == 429
    path = f"/api/v1/organisations/{world.ids['org_co_a']}/invitations"
    statuses = [http.post(path, json={"email": f"i{i}@example.org"},
                          token=world.tokens["co_a"])[0]
                for i in range(INVITATION_LIMIT.failures + 1)]
    assert statuses[:-1] == [202] * INVITATION_LIMIT.failures
    status, headers, problem = http.post(path, json={"email": "x@example.org"},
                                         token=world.tokens["co_a"])
    assert status == 429 and int(headers["Retry-After"]) > 0 and problem["status"] == 429


def test_a_facilitator_rejects_a_registration_with_a_reason_that_is_mailed(http, world, inbox):
    _register(http, world)
    [organisation] = _pending(http, world)
    path = f"/api/v1/organisations/{organisation['id']}/rejection"
    reason = {"reason": "Geen organisatie uit onze regio."}
    assert http.post(path, json=reason, token=world.tokens["fac_b"])[0] == 404
    assert http.post(path, json=reason, token=world.tokens["co_a"])[0] in (403, 404)
    assert http.post(path, json={"reason": ""}, token=world.tokens["fac_a"])[0] == 400
    assert http.post(path, json=reason, token=world.tokens["fac_a"])[0] == 204
    rejected = inbox.messages[-1]
    assert rejected["To"] == "start@example.org" and "niet goedgekeurd" in rejected["Subject"]
    assert reason["reason"] in rejected.get_content()
    assert rejected["Reply-To"] == "fac-a@example.org"
    assert _pending(http, world) == []
    assert http.post("/api/v1/session", json={"email": "start@example.org",
                                              "password": NEW_PASSWORD})[0] == 401
