"""End-to-end, in Debian's Chromium on the demo data: the forms and pages at a phone's width
(375x667) and on a desk.

- The header folds into a "Menu" on a phone and stays open on a wide screen.
- Stacked table cells keep their column's name.
- The stream form ticks what the text says while typing, keeps what the person unticked,
  and, without JavaScript, takes the text's suggestions for what was left empty and says so.
- A failed submit moves the focus to an error summary whose links lead to their fields,
  with and without JavaScript.
- The agreement's volume is drafted in kg from a stream in tonnes and follows its dates.
- The French pages set ":" apart and tell "juin" from "juil.".

One server and one browser for the module; screenshots in test-artifacts/forms/.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.e2e.browser import (
    ARTIFACTS_ROOT,
    DEMO_PASSWORD,
    DESK,
    MARKS,
    PHONE,
    close_page,
    demo_site,
    open_page,
    screenshot,
    sync_api,
)

ARTIFACTS = ARTIFACTS_ROOT / "forms"
PASSWORD = DEMO_PASSWORD
COMPANY = "logistiek@proclean.example"
FACILITATOR = "facilitator.gent@demo.example"
MAX_FOLDED_HEADER_PX = 80

pytestmark = MARKS


def _introduced_match(session, service) -> dict:
    """A company member, and a match on a stream of 2 t a month introduced to both parties."""
    import sqlalchemy as sa

    from matchmaker import workflow
    from matchmaker.accounts import hash_password
    from matchmaker.suggestions import take_pair
    from models import Capacity, Organisation, Stream, User

    demo = sa.select(Organisation).where(Organisation.source == "demo")
    company = session.scalars(demo.where(Organisation.external_id == "org-008")).one()
    session.add(User(email=COMPANY, role="member", organisation=company,
                     password_hash=hash_password(PASSWORD), display_name="Logistiek"))
    facilitator = session.scalars(sa.select(User).where(User.email == FACILITATOR)).one()
    crates = session.scalars(sa.select(Stream).where(Stream.external_id == "s-008")).one()
    capacity = session.scalars(sa.select(Capacity).join(Organisation).where(
        Organisation.hub_id == crates.organisation.hub_id)).first()
    match = take_pair(session, service, facilitator, crates, capacity)
    for step in ("accepted", "introduced"):
        workflow.decide(session, facilitator, match, workflow.Transition(step, match.version))
    return {"match": match.id, "hub": crates.organisation.hub_id}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The demo data with its index and the match above, served on 127.0.0.1."""
    with demo_site(tmp_path_factory.mktemp("forms-e2e"), _introduced_match) as (url, ids):
        yield {"url": url, **ids}


def _page(chromium, site: dict, email: str | None, viewport: dict = PHONE,
          javascript: bool = True):
    return open_page(chromium, site["url"], email, viewport=viewport, javascript=javascript)


def _shot(page, name: str) -> None:
    screenshot(page, ARTIFACTS, name)


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_header_folds_into_a_menu_on_a_phone_and_stays_open_on_a_desk(chromium, site):
    page = _page(chromium, site, FACILITATOR)
    header = page.locator("header.top")
    folded = header.bounding_box()["height"]
    organisations = page.get_by_role("link", name="Organisaties")
    assert folded <= MAX_FOLDED_HEADER_PX, f"the header takes {folded}px of a 667px screen"
    sync_api.expect(organisations).to_be_hidden()
    _shot(page, "1-phone-header-folded")
    page.locator("#menu > summary").click()
    sync_api.expect(organisations).to_be_visible()
    sync_api.expect(page.get_by_role("button", name="Afmelden")).to_be_visible()
    _shot(page, "1-phone-header-menu-open")
    page.screenshot(path=str(ARTIFACTS / "1-phone-header-menu-open-top.png"))
    organisations.click()
    sync_api.expect(page.get_by_role("heading", level=1)).to_contain_text("Organisaties")
    close_page(page)

    page = _page(chromium, site, FACILITATOR, DESK)
    sync_api.expect(page.locator("#menu > summary")).to_be_hidden()
    sync_api.expect(page.get_by_role("link", name="Organisaties")).to_be_visible()
    _shot(page, "1-desk-header")
    page.screenshot(path=str(ARTIFACTS / "1-desk-header-top.png"))
    close_page(page)


def test_stacked_table_cells_keep_their_column_names_on_a_phone(chromium, site):
    page = _page(chromium, site, FACILITATOR)
    page.goto(f"/hubs/{site['hub']}/organisations")
    sync_api.expect(page.locator("table.list thead").first).to_be_hidden()
    row = page.locator("table.list tbody tr").first
    names = row.locator("td").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').content)")
    assert names[:4] == ['"Organisatie: "', '"Soort: "', '"Status: "', '"Leden: "'], names
    # the label and the value share the cell's line: the name is read with what it names
    kind = row.locator("td").nth(1)
    assert kind.bounding_box()["height"] < 40
    _shot(page, "2-phone-organisations-table")
    page.goto(f"/hubs/{site['hub']}/queue")
    matches = page.locator("#in-review + form + table.list tbody tr td").first
    assert matches.evaluate("c => getComputedStyle(c, '::before').content") == '"Stroom: "'
    close_page(page)


def test_stream_form_ticks_what_the_text_says_and_keeps_what_was_unticked(chromium, site):
    page = _page(chromium, site, COMPANY)
    page.goto("/streams/new")
    assert page.get_by_label("Postcode").input_value()   # the organisation's, by the places work
    page.get_by_label("Titel").fill("Werkkledij en fleeces")
    page.get_by_label("Beschrijving").press_sequentially(
        "Nous avons 2 tonnes de vêtements de travail usagés à collecter chaque mois.", delay=2)
    workwear, collection = page.locator("#material-workwear"), page.locator("#service-collection")
    sync_api.expect(workwear).to_be_checked()
    sync_api.expect(collection).to_be_checked()
    sync_api.expect(page.locator("#amount")).to_have_value("2")
    sync_api.expect(page.locator("#unit")).to_have_value("t")
    sync_api.expect(page.locator("#per")).to_have_value("month")
    _shot(page, "3-stream-form-ticked")
    collection.uncheck()
    page.get_by_label("Beschrijving").press_sequentially(" Collecte à Gand.", delay=2)
    page.wait_for_timeout(900)   # the next analysis has answered
    sync_api.expect(collection).not_to_be_checked()
    sync_api.expect(workwear).to_be_checked()
    page.get_by_role("button", name="Opslaan").click()
    sync_api.expect(page.get_by_role("status")).to_have_text("Opgeslagen.")
    page.get_by_role("link", name="Werkkledij en fleeces").click()
    sync_api.expect(page.locator("#material-workwear")).to_be_checked()
    sync_api.expect(page.locator("#service-collection")).not_to_be_checked()
    sync_api.expect(page.locator("#per")).to_have_value("month")
    close_page(page)


def test_without_javascript_an_unticked_stream_takes_the_text_and_says_so(chromium, site):
    page = _page(chromium, site, COMPANY, javascript=False)
    page.goto("/streams/new")
    page.get_by_label("Titel").fill("Oude laptops")
    page.get_by_label("Beschrijving").fill("Elk jaar 40 laptops, op te halen en veilig te wissen.")
    page.get_by_role("button", name="Opslaan").click()
    notice = page.get_by_role("status")
    sync_api.expect(notice).to_contain_text("Uit je beschrijving gehaald omdat het leeg bleef")
    sync_api.expect(notice).to_contain_text("Hoeveelheid: 40 stuks per jaar")
    _shot(page, "4-no-javascript-taken-from-the-text")
    page.get_by_role("link", name="Oude laptops").click()
    assert page.locator("#materials input:checked").count() >= 1
    assert page.locator("#services input:checked").count() >= 1
    close_page(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_failed_submit_moves_the_focus_to_the_error_summary(chromium, site, javascript):
    page = _page(chromium, site, COMPANY, javascript=javascript)
    page.goto("/streams/new")
    page.locator("#amount").fill("veel")
    page.get_by_role("button", name="Opslaan").click()
    summary = page.locator("#error-summary")
    sync_api.expect(summary).to_be_visible()
    sync_api.expect(summary).to_be_focused()
    assert summary.bounding_box()["y"] < PHONE["height"], "the summary is on the first screen"
    links = summary.get_by_role("link")
    assert links.all_inner_texts() == ["Titel: Geef een korte titel.",
                                       "Aantal: Geef een getal, bijvoorbeeld 1200 of 2,5."]
    _shot(page, f"5-error-summary-{'js' if javascript else 'no-js'}")
    links.nth(1).click()
    if javascript:   # the field itself takes the focus, its label in sight
        assert _focused_id(page) == "amount"
        assert page.locator("label[for=amount]").bounding_box()["y"] >= 0
    else:            # the browser follows the link to the field
        assert page.url.endswith("#amount")
    close_page(page, expected=("400",))


def test_agreement_volume_is_drafted_in_kg_and_follows_its_dates(chromium, site):
    page = _page(chromium, site, FACILITATOR, DESK)
    page.goto(f"/matches/{site['match']}")
    volume = page.get_by_label("Volume (kg)")
    sync_api.expect(volume).to_have_value("24000")
    sync_api.expect(page.locator("#volume_kg-hint")).to_contain_text(
        "2 ton per maand, dat is 2.000 kg per maand")
    start = dt.date.fromisoformat(page.locator("#period_start").input_value())
    assert start == dt.date.today()
    half = dt.date(start.year + (start.month + 5) // 12, (start.month + 5) % 12 + 1, 1)
    page.locator("#period_start").fill(start.replace(day=1).isoformat())
    page.locator("#period_end").fill((half - dt.timedelta(days=1)).isoformat())
    page.locator("#period_end").dispatch_event("change")
    sync_api.expect(volume).to_have_value("12000")   # six calendar months
    _shot(page, "6-agreement-drafted-in-kg")
    volume.fill("11,5 t")
    page.locator("#period_end").dispatch_event("change")
    sync_api.expect(volume).to_have_value("11,5 t")   # typed by the facilitator: kept
    page.get_by_label("Werkuren voor de doelgroep").fill("120")
    page.get_by_role("button", name="Afspraak vastleggen").click()
    sync_api.expect(page.locator("#agreed")).to_contain_text("11.500 kg")
    _shot(page, "6-agreement-recorded")
    close_page(page)


def test_french_pages_set_punctuation_apart_and_name_months_as_babel_does(chromium, site):
    page = _page(chromium, site, FACILITATOR, DESK)
    page.get_by_role("button", name="Français").click()
    sync_api.expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.goto(f"/hubs/{site['hub']}/kpis?start=2025-05-01&end=2025-08-31")
    period = page.locator("main p").filter(has_text="Période").first.inner_text()
    assert period.startswith("Période\u00a0: 1 mai 2025"), repr(period)
    months = page.locator("figure.chart").first.locator(
        'text.label[text-anchor="middle"]').evaluate_all("labels => labels.map(t => t.textContent)")
    assert months[:4] == ["mai 25", "juin 25", "juil. 25", "août 25"], months
    _shot(page, "7-french-kpis")
    page.goto(f"/matches/{site['match']}")
    assert "Statut\u00a0:" in page.locator("p.meta").first.inner_text()
    loose = page.evaluate(r"""() => {
        const main = document.querySelector('main');
        const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
        const found = [];
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            for (const m of n.textContent.matchAll(/(^|[^\u00a0\u202f])[:;?!](?=\s|$)/g))
                found.push(n.textContent.slice(Math.max(0, m.index - 20), m.index + 4));
        }
        return found; }""")
    assert not loose, loose
    _shot(page, "7-french-match")
    close_page(page)
