"""End-to-end: the yearly report and the programme's view in Debian's Chromium (Playwright),
on the demo data with a year of history, leaving screenshots in test-artifacts/reports/:
the report page on screen and as printed (A4), the programme's view, the opportunities,
the KPI dashboard refusing a target below the programme's, and both pages on a phone.
Without Chromium or Playwright the tests skip and say why.
"""
from __future__ import annotations

import datetime as dt
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
    sync_api,
)

ARTIFACTS = ARTIFACTS_ROOT / "reports"
PASSWORD = DEMO_PASSWORD
PROGRAMME_EMAIL = "programma@vlaanderen.example"
YEAR = dt.date.today().year - 1

pytestmark = MARKS


def _history(session, service) -> None:
    """A year of work for the Gent hub: activities, three agreements with the engine's best
    partner for its first streams, and the programme's targets; all dated in YEAR."""
    import sqlalchemy as sa

    from matchmaker import activities, parties, workflow
    from matchmaker.accounts import hash_password
    from matchmaker.reports import targets
    from matchmaker.suggestions import take_pair
    from models import Capacity, Decision, Hub, Organisation, Stream, User

    hub = session.scalars(sa.select(Hub).where(Hub.external_id == "hub-gent")).one()
    facilitator = hub.facilitators[0]
    admin = User(email="admin.report@demo.example", role="admin")
    session.add_all([admin, User(email=PROGRAMME_EMAIL, role="programme",
                                 password_hash=hash_password(PASSWORD))])
    organisations = session.scalars(sa.select(Organisation.id).where(
        Organisation.hub_id == hub.id)).all()
    for month in range(1, 12, 2):
        activities.record_activity(session, facilitator, hub, "network_event",
                                   dt.date(YEAR, month, 14), "Netwerkcafé",
                                   list(organisations[month % 3::3][:5]), 8 + month)
    activities.record_activity(session, facilitator, hub, "info_session", dt.date(YEAR, 3, 20),
                               "Infosessie", list(organisations[:4]), 12)
    streams = session.scalars(sa.select(Stream).join(Organisation).where(
        Organisation.hub_id == hub.id, Stream.status == "published").order_by(Stream.id)).all()
    for stream in streams:  # registered at the start of the year reported on
        stream.created_at = dt.datetime(YEAR, 1, 6, 9, tzinfo=dt.UTC)
    for n, stream in enumerate(streams[:3]):
        best = service.for_stream(session, stream.id, 1)[0]
        match = take_pair(session, service, facilitator, stream,
                          session.get(Capacity, int(best.target_id)))
        if workflow.partner_hub_id(match) is not None:  # the capacity's hub consents first
            parties.consent(session, session.get(Hub, workflow.partner_hub_id(match))
                            .facilitators[0], match, True)
        day = dt.date(YEAR, 2 + 3 * n, 10)
        for step, details in (("accepted", {}), ("introduced", {}), ("agreed", {
                "agreement": workflow.Agreement(1200.0 * (n + 1), day, dt.date(YEAR, 12, 31),
                                                estimated_fte=0.3 * (n + 1),
                                                new_service=n == 0)})):
            workflow.decide(session, facilitator, match,
                            workflow.Transition(step, match.version, **details))
            session.scalars(sa.select(Decision).where(Decision.match_id == match.id).order_by(
                Decision.id.desc())).first().at = dt.datetime.combine(
                    day, dt.time(10), tzinfo=dt.UTC)
    for kpi, target in (("new_assignments", 6), ("matches_accepted", 10),
                        ("network_activities", 8), ("assignment_volume_kg", 10_000)):
        targets.set_programme_target(session, admin, YEAR, kpi, target)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_site(tmp_path_factory.mktemp("reports-e2e"), _history) as (served_at, _):
        yield served_at


def _page(chromium, site: str, email: str, width: int = 1200):
    return open_page(chromium, site, email, viewport={"width": width, "height": 900})


def _shot(page, name: str) -> None:
    screenshot(page, ARTIFACTS, name)


def _gent(page) -> str:
    return page.url.split("/queue")[0].removeprefix(page.url.split("/hubs/")[0])


def test_report_page_on_screen_and_printed_on_a4(chromium, site):
    page = _page(chromium, site, "facilitator.gent@demo.example")
    hub_path = _gent(page)
    page.goto(f"{hub_path}/report?year={YEAR}")
    sync_api.expect(page.get_by_role("heading", level=1)).to_contain_text(f"Jaarrapport {YEAR}")
    progress = page.locator("#progress svg")
    sync_api.expect(progress).to_be_visible()
    assert progress.locator("line.axis").count() == 2
    assert page.locator('tr[data-kpi="new_assignments"] td.num').first.inner_text() == "3"
    page.locator("#month-new_assignments summary").click()
    sync_api.expect(page.locator("#month-new_assignments table")).to_be_visible()
    _shot(page, "1-report-screen")
    page.emulate_media(media="print")
    sync_api.expect(page.locator("header.top")).to_be_hidden()
    sync_api.expect(page.locator(".report-tools")).to_be_hidden()
    _shot(page, "2-report-print")
    page.emulate_media(media="screen")
    page.goto(f"{hub_path}/opportunities")
    sync_api.expect(page.get_by_role("heading", level=1)).to_contain_text("Kansen")
    _shot(page, "3-opportunities")
    close_page(page)


def test_programme_view_side_by_side(chromium, site):
    page = _page(chromium, site, PROGRAMME_EMAIL)
    sync_api.expect(page).to_have_url(f"{site}/programme")
    page.goto(f"/programme?year={YEAR}")
    sync_api.expect(page.locator("table.scores tbody tr")).to_have_count(3)
    sync_api.expect(page.locator("#weighted svg")).to_be_visible()
    _shot(page, "4-programme")
    page.goto("/programme/opportunities")
    _shot(page, "5-programme-opportunities")
    close_page(page)


def test_target_below_the_programmes_is_refused_next_to_the_field(chromium, site):
    page = _page(chromium, site, "facilitator.gent@demo.example")
    page.goto(f"{_gent(page)}/kpis?start={YEAR}-01-01&end={YEAR}-12-31")
    page.locator("#t-kpi").select_option("new_assignments")
    page.locator("#t-year").fill(str(YEAR))
    page.locator("#t-target").fill("2")
    page.get_by_role("button", name="Opslaan").click()
    sync_api.expect(page.locator("#t-target-error")).to_contain_text(
        "Minstens het doel van het programma")
    sync_api.expect(page.locator("#t-target")).to_have_attribute("aria-invalid", "true")
    _shot(page, "6-target-refused")
    page.locator("#t-target").fill("7")
    page.get_by_role("button", name="Opslaan").click()
    sync_api.expect(page.get_by_role("status")).to_contain_text("Doel opgeslagen")
    _shot(page, "7-target-saved")
    close_page(page, expected=("400",))


def test_report_and_programme_fit_a_phone(chromium, site):
    for email, path in (("facilitator.gent@demo.example", None),
                        (PROGRAMME_EMAIL, f"/programme?year={YEAR}")):
        page = _page(chromium, site, email, width=360)
        page.goto(path or f"{_gent(page)}/report?year={YEAR}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{page.url} is {overflow}px wider than a phone"
        _shot(page, f"8-phone-{'programme' if path else 'report'}")
        close_page(page)
