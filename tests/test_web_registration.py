"""Joining by oneself: the registration page, the API and the imports refuse the same
addresses and enterprise numbers; the registrant is the first contact person; signing in
before approval says so (only with the right password)."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from matchmaker.exchange import validate
from tests.test_exchange_validation import with_change
from tests.test_web_pages import Browser, text

NEW_PASSWORD = "a long enough secret"
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
