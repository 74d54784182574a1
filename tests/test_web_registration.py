"""Joining by oneself: the registration page, the API and the imports refuse the same
addresses and enterprise numbers; the registrant is the first contact person; signing in
before approval says so (only with the right password)."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from matchmaker.exchange import validate
from tests.conftest import PASSWORD as NEW_PASSWORD
from tests.test_exchange_validation import with_change
from tests.test_web_pages import Browser, text

page_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

WRONG = [("email", "niet-een-adres"), ("enterprise_number", "0123.456.750")]


def _registration(world, **changes: str) -> dict[str, str]:
    return {"hub": world.ids["hub_a"], "name": "Drukkerij Nieuw", "kind": "company",
            "enterprise_number": "0456.123.989", "display_name": "An Peeters",
            "email": "an@drukkerij.example", "password": NEW_PASSWORD, **changes}


@pytest.fixture
def browser(api_app) -> Browser:
    return Browser(api_app.test_client())


@page_only
@pytest.mark.parametrize(("field", "value"), WRONG)
def test_page_api_and_import_refuse_the_same_wrong_values(browser, world, api_app, field,
                                                          value, session_factory):
    from models import Organisation

    browser.get("/register")
    response = browser.post("/register", _registration(world, **{field: value}))
    page = text(response)
    assert response.status_code == 400
    assert re.search(rf'id="{field}-error"[^>]*>[^<]*\S', page), page
    assert f'href="#{field}"' in page  # the error summary links to the field
    api_form = _registration(world)
    body = {"hub_id": api_form["hub"], "email": api_form["email"],
            "password": api_form["password"],
            "organisation": {"name": api_form["name"], "kind": api_form["kind"],
                             "enterprise_number": api_form["enterprise_number"]}}
    if field == "email":
        body["email"] = value
    else:
        body["organisation"]["enterprise_number"] = value
    answer = api_app.test_client().post("/api/v1/registrations", json=body)
    assert answer.status_code == 400 and field in answer.get_data(as_text=True), answer.json
    document = with_change(f"organisations.0.{'contact.email' if field == 'email' else field}",
                           value)
    assert any(value in str(error) for error in validate(document))
    with session_factory() as session:
        assert session.scalar(sa.select(sa.func.count(Organisation.id)).where(
            Organisation.name == "Drukkerij Nieuw")) == 0


@page_only
def test_the_check_digits_are_named_in_the_pages_language(browser, world):
    french = {"Accept-Language": "fr"}
    browser.get("/register", headers=french)
    page = text(browser.post("/register", _registration(
        world, enterprise_number="0123.456.750"), headers=french))
    assert "chiffres de contrôle" in page


def _api(api_app, world, method: str, path: str, role: str = "fac_a", **body):
    response = api_app.test_client().open(
        path, method=method, json=body or None,
        headers={"Authorization": f"Bearer {world.tokens[role]}"})
    return response.status_code, response.get_json()


@page_only
def test_registrant_is_the_first_contact_in_the_chosen_language_and_edits_it(
        browser, world, api_app, session_factory):
    from models import Organisation

    browser.get("/register")
    assert 'name="language"' in text(browser.get("/register"))
    assert browser.post("/register", _registration(world, language="fr")).status_code == 200
    with session_factory() as session:
        organisation = session.scalar(sa.select(Organisation).where(
            Organisation.name == "Drukkerij Nieuw"))
        assert organisation.language == "fr" and organisation.status == "pending"
        assert [(c.name, c.email) for c in organisation.contacts] == [
            ("An Peeters", "an@drukkerij.example")]
        org_id, contact_id = organisation.id, organisation.contacts[0].id
    assert _api(api_app, world, "POST", f"/api/v1/organisations/{org_id}/approval")[0] == 200
    member = Browser(api_app.test_client()).login("an@drukkerij.example")
    assert "an@drukkerij.example" in text(member.get("/my/organisation"))
    contacts = f"/organisations/{org_id}/contacts"
    assert f'value="{contact_id}"' in text(member.get(contacts))
    wrong = member.post(contacts, {"contact": contact_id, "name": "An Peeters",
                                   "email": "niet-een-adres"})
    assert wrong.status_code == 400
    assert f'id="contact-{contact_id}-email-error"' in text(wrong)
    assert member.post(contacts, {"contact": contact_id, "name": "An Peeters",
                                  "email": "an@drukkerij.example",
                                  "phone": "09 123 45 67"}).status_code == 302
    assert member.post(contacts, {"name": "Bert", "email": "bert@drukkerij.example"}
                       ).status_code == 302
    outsider = Browser(api_app.test_client()).login("co-b@example.org")
    assert outsider.get(contacts).status_code in (403, 404)
    with session_factory() as session:
        organisation = session.get(Organisation, org_id)
        assert sorted((c.name, c.phone) for c in organisation.contacts) == [
            ("An Peeters", "09 123 45 67"), ("Bert", None)]


@page_only
def test_signing_in_before_approval_says_so_only_with_the_right_password(browser, world,
                                                                         api_app):
    browser.get("/register")
    browser.post("/register", _registration(world))
    browser.get("/login")
    wrong = browser.post("/login", {"email": "an@drukkerij.example", "password": "raden123!"})
    unknown = browser.post("/login", {"email": "niemand@drukkerij.example",
                                      "password": "raden123!"})
    assert (wrong.status_code, unknown.status_code) == (401, 401)
    assert "Verkeerd e-mailadres of wachtwoord" in text(wrong)
    assert "goedgekeurd" not in text(wrong) and "goedgekeurd" not in text(unknown)
    right = browser.post("/login", {"email": "an@drukkerij.example", "password": NEW_PASSWORD})
    assert right.status_code == 403
    assert "Drukkerij Nieuw nog niet goedgekeurd" in text(right)
    client = api_app.test_client()
    api_wrong = client.post("/api/v1/session", json={"email": "an@drukkerij.example",
                                                     "password": "raden123!!"})
    api_right = client.post("/api/v1/session", json={"email": "an@drukkerij.example",
                                                     "password": NEW_PASSWORD})
    assert api_wrong.status_code == 401 and "approved" not in api_wrong.get_data(as_text=True)
    assert api_right.status_code == 403 and "not approved" in api_right.get_json()["detail"]


@page_only
def test_an_organisation_without_contact_cannot_be_introduced_and_the_page_says_why(
        browser, world, api_app, session_factory):
    from models import Contact

    with session_factory() as session:
        session.execute(sa.delete(Contact).where(
            Contact.organisation_id == world.ids["org_se_a"]))
        session.commit()
    status, match = _api(api_app, world, "POST", "/api/v1/matches",
                         stream_id=world.ids["stream_a"], capacity_id=world.ids["capacity_a"])
    assert status == 201
    path = f"/api/v1/matches/{match['id']}/decisions"
    assert _api(api_app, world, "POST", path, to_status="accepted", version=1)[0] == 201
    browser.login("fac-a@example.org")
    page = text(browser.get(f"/matches/{match['id']}"))
    assert "SE A heeft geen contactpersoon met e-mailadres" in page
    assert f"/organisations/{world.ids['org_se_a']}/contacts" in page
    refused = browser.post(f"/matches/{match['id']}/decide",
                           {"to_status": "introduced", "version": 2})
    assert refused.status_code == 409 and 'href="#introduce"' in text(refused)
    status, problem = _api(api_app, world, "POST", path, to_status="introduced", version=2)
    assert status == 400 and problem["errors"][0]["path"] == "contacts"
    assert "SE A" in problem["errors"][0]["message"]
    assert browser.post(f"/organisations/{world.ids['org_se_a']}/contacts", {
        "name": "Els", "email": "els@se-a.example"}).status_code == 302
    assert browser.post(f"/matches/{match['id']}/decide",
                        {"to_status": "introduced", "version": 2}).status_code == 302
