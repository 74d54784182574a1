"""End-to-end, in Debian's Chromium: a Ghent company that only typed its postcode registers
itself, registers a stream, and gets distances in its proposals and a map with borders and
place names; its hub's facilitator finds the stream on the material map. A wrong postcode is
refused next to its field, in Dutch, with suggestions. Screenshots in test-artifacts/places/.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.e2e.browser import (
    ARTIFACTS_ROOT,
    DEMO_PASSWORD,
    MARKS,
    close_page,
    demo_site,
    open_page,
    screenshot,
)

ARTIFACTS = ARTIFACTS_ROOT / "places"
PASSWORD = DEMO_PASSWORD
EMAIL = "aankoop@kledijgent.example"
TITLE = "Gebruikte werkkledij"
DESCRIPTION = "Elke maand 2 ton gebruikte werkkledij en fleeces, op te halen bij ons."

pytestmark = MARKS


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The demo database with its index, served on 127.0.0.1: (address, database URL)."""
    with demo_site(tmp_path_factory.mktemp("places-e2e")) as (served_at, extras):
        yield served_at, extras["database_url"]


def _shot(page, name: str) -> None:
    screenshot(page, ARTIFACTS, name)


def _approve(database_url: str) -> None:
    """The facilitator's approval (its own page is tested elsewhere)."""
    import sqlalchemy as sa

    from matchmaker import onboarding
    from models import Organisation, User, make_engine, make_session_factory

    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        organisation = session.scalars(sa.select(Organisation).join(User).where(
            User.email == EMAIL)).one()
        facilitator = session.scalars(sa.select(User).where(
            User.email == "facilitator.gent@demo.example")).one()
        onboarding.approve(session, facilitator, organisation)
        session.commit()
    engine.dispose()


def test_registered_stream_gets_distances_and_a_map(chromium, served) -> None:
    site, database_url = served
    page = open_page(chromium, site)
    page.goto("/register")
    page.get_by_label("Hub").select_option(label="Circulair Werk(t) Gent")
    page.get_by_label("Naam van de organisatie").fill("Kledij Gent bv")
    page.get_by_label("Soort").select_option("company")
    page.get_by_label("Postcode").fill("9999")
    page.get_by_label("Gemeente").fill("Gent")
    page.get_by_label("Je naam").fill("An")
    page.get_by_label("E-mailadres").fill(EMAIL)
    page.get_by_label("Kies een wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Registreren").click()
    error = page.locator("#postcode-error")
    assert "9999 is geen Belgische postcode" in error.inner_text()
    assert "9000 Gent" in error.inner_text()
    assert page.get_by_label("Postcode").get_attribute("aria-invalid") == "true"
    _shot(page, "1-register-unknown-postcode")
    page.problems.clear()   # the refused form was answered with the 400 it deserves
    page.get_by_label("Postcode").fill("9040")
    page.get_by_label("Gemeente").fill("sint amandsberg")
    page.get_by_label("Kies een wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Registreren").click()
    assert page.locator(".error").count() == 0, page.content()
    close_page(page)
    _approve(database_url)

    page = open_page(chromium, site, EMAIL)
    page.goto("/streams/new")
    assert page.get_by_label("Postcode").input_value() == "9040"   # the organisation's
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Beschrijving").fill(DESCRIPTION)
    page.locator("#material-workwear, #other_material").first.wait_for()
    page.locator("#other_material").select_option("workwear")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("link", name="Voorstellen").first.click()
    page.wait_for_load_state()
    cards = page.locator("ol.cards li.card")
    assert cards.count() >= 3
    metas = [cards.nth(i).locator(".meta").inner_text() for i in range(cards.count())]
    assert all(re.search(r"\d km", m) for m in metas), metas
    assert not any("afstand onbekend" in m for m in metas), metas
    svg = page.locator("figure.plot svg")
    assert svg.locator("path.border.canton").count() > 5
    assert svg.locator("path.border.arrondissement").count() > 0   # Gent to Antwerp and Geel
    labels = [t.text_content() for t in svg.locator("text.place-label").all()]
    # typed "sint amandsberg", stored as the gazetteer spells it
    assert any(text.startswith("Sint-Amandsberg 1") for text in labels), labels
    _assert_labels_do_not_overlap(svg)
    _shot(page, "2-proposals")
    page.locator("figure.plot").screenshot(path=str(ARTIFACTS / "2-proposals-map.png"))
    close_page(page)

    page = open_page(chromium, site, "facilitator.gent@demo.example")
    page.get_by_role("link", name="Materiaalkaart").first.click()
    page.locator("select#material").select_option("textiles")
    page.get_by_role("button", name="Tonen").click()
    caption = page.locator("figure.plot figcaption").inner_text()
    assert TITLE in caption and "Kledij Gent bv" in caption
    assert page.locator("figure.plot path.border").count() > 0
    page.locator("figure.plot").screenshot(path=str(ARTIFACTS / "3-hub-material-map.png"))
    close_page(page)


def _assert_labels_do_not_overlap(svg) -> None:
    boxes = [box for box in (label.bounding_box() for label in svg.locator(
        "text.place-label").all()) if box]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = (a["x"] + a["width"] <= b["x"] + 0.5 or b["x"] + b["width"] <= a["x"] + 0.5
                     or a["y"] + a["height"] <= b["y"] + 0.5
                     or b["y"] + b["height"] <= a["y"] + 0.5)
            assert apart, (a, b)
