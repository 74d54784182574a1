"""End-to-end in Debian's Chromium (Playwright) on the demo data: both parties of a pair
across two hubs say they are interested on their proposals pages; the stream's facilitator
finds the pair first in the queue, marked mutual; the capacity's hub consents from its own
queue; the stream's facilitator accepts and introduces; then a suggestion is rejected from
the queue with a reason without opening it. Screenshots go to test-artifacts/parties/."""
from __future__ import annotations

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

ARTIFACTS = ARTIFACTS_ROOT / "parties"
PASSWORD = DEMO_PASSWORD
COMPANY_EMAIL = "stroom@partij.example"
ENTERPRISE_EMAIL = "capaciteit@partij.example"

pytestmark = MARKS


def _page(chromium, site: str, email: str):
    """Signed in as `email`, patient with a busy test machine; any 4xx/5xx fails the test."""
    return open_page(chromium, site, email, refuse_error_responses=True, timeout_ms=90_000)


def _shot(page, name: str) -> None:
    screenshot(page, ARTIFACTS, name)


def _facilitator(hub) -> str:
    return f"facilitator.{(hub.external_id or str(hub.id)).removeprefix('hub-')}@demo.example"


def _cross_hub_pair(session, service):
    """A published stream and a capacity of another hub that each find the other among
    their ten proposals."""
    import sqlalchemy as sa

    from models import Capacity, Stream

    for stream in session.scalars(sa.select(Stream).where(Stream.status == "published")
                                  .order_by(Stream.id)):
        for found in service.for_stream(session, stream.id, 10, "nl"):
            capacity = session.get(Capacity, int(found.target_id))
            if capacity.organisation.hub_id == stream.organisation.hub_id:
                continue
            back = service.for_capacity(session, capacity.id, 10, "nl")
            if any(int(s.target_id) == stream.id for s in back):
                return stream, capacity
    raise AssertionError("the demo data has no cross-hub pair proposed both ways")


def _members_of_a_cross_hub_pair(session, service) -> dict:
    """A member for each side of a cross-hub pair, and what the steps need to know of it."""
    from matchmaker.accounts import hash_password
    from models import User

    stream, capacity = _cross_hub_pair(session, service)
    for email, organisation in ((COMPANY_EMAIL, stream.organisation),
                                (ENTERPRISE_EMAIL, capacity.organisation)):
        session.add(User(email=email, role="member", organisation=organisation,
                         password_hash=hash_password(PASSWORD)))
    return {"stream_id": stream.id, "capacity_id": capacity.id,
            "stream_title": stream.title, "enterprise": capacity.organisation.name,
            "stream_hub": stream.organisation.hub_id,
            "stream_facilitator": _facilitator(stream.organisation.hub),
            "capacity_hub": capacity.organisation.hub_id,
            "capacity_facilitator": _facilitator(capacity.organisation.hub)}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict]]:
    """The demo data with its index and the pair's members, served on 127.0.0.1."""
    with demo_site(tmp_path_factory.mktemp("e2e-parties"), _members_of_a_cross_hub_pair,
                   warm=True) as (served_at, pair):
        yield served_at, pair


def _say_interested(chromium, base: str, email: str, proposals: str, other_id: int,
                    shot: str) -> None:
    page = _page(chromium, base, email)
    page.goto(proposals)
    card = page.locator(f"#p-{other_id}")
    card.get_by_role("button", name="Geïnteresseerd").click()
    sync_api.expect(page.get_by_role("status").first).to_contain_text("Bedankt")
    sync_api.expect(page.locator(f"#p-{other_id} .voice")).to_contain_text("geïnteresseerd")
    _shot(page, shot)
    close_page(page)


def test_interested_parties_are_found_first_consented_introduced_and_others_rejected(
        chromium, site):
    """The story's steps build on each other (and on the queue as the earlier ones left
    it), so they are one test: parallel workers would split separate tests."""
    state: dict = {}
    _both_parties_say_they_are_interested(chromium, site)
    _the_facilitator_finds_mutual_interest_first(chromium, site, state)
    _the_other_hub_consents_and_the_pair_is_introduced(chromium, site, state)
    _a_suggestion_is_rejected_from_the_queue(chromium, site)


def _both_parties_say_they_are_interested(chromium, site):
    base, pair = site
    _say_interested(chromium, base, COMPANY_EMAIL, f"/streams/{pair['stream_id']}/proposals",
                    pair["capacity_id"], "p1-company-interested")
    _say_interested(chromium, base, ENTERPRISE_EMAIL,
                    f"/capacities/{pair['capacity_id']}/proposals", pair["stream_id"],
                    "p1-enterprise-interested")


def _the_facilitator_finds_mutual_interest_first(chromium, site, state):
    base, pair = site
    page = _page(chromium, base, pair["stream_facilitator"])
    page.goto(f"/hubs/{pair['stream_hub']}/queue#in-review")
    first = page.locator("tr.match-row").first
    sync_api.expect(first).to_have_class("match-row mutual")
    sync_api.expect(first).to_contain_text(pair["enterprise"])
    # the enterprise of the other hub said it is interested: that stands for its consent
    sync_api.expect(first).to_contain_text("de onderneming is geïnteresseerd")
    _shot(page, "p2-queue-mutual-first")
    state["match_path"] = first.get_by_role("link").get_attribute("href")
    close_page(page)


def _the_other_hub_consents_and_the_pair_is_introduced(chromium, site, state):
    base, pair = site
    partner = _page(chromium, base, pair["capacity_facilitator"])
    partner.goto(f"/hubs/{pair['capacity_hub']}/queue#elsewhere")
    row = partner.locator("#elsewhere + p + table tr", has_text=pair["enterprise"]).first
    row.get_by_role("button", name="Toestemming geven voor de kennismaking").click()
    sync_api.expect(partner.locator("#partner-consent")).to_contain_text("toestemming gegeven")
    _shot(partner, "p3-partner-consented")
    close_page(partner)
    page = _page(chromium, base, pair["stream_facilitator"])
    page.goto(state["match_path"])
    page.locator("#accept").click()
    page.get_by_role("button", name="Beide partijen voorstellen").click()
    sync_api.expect(page.locator(".status").first).to_have_text("in contact gebracht")
    _shot(page, "p3-introduced")
    close_page(page)


def _a_suggestion_is_rejected_from_the_queue(chromium, site):
    base, pair = site
    page = _page(chromium, base, pair["stream_facilitator"])
    page.goto(f"/hubs/{pair['stream_hub']}/queue")
    cards = page.locator("ol.queue li.card")
    before = cards.count()
    assert before > 0
    card = cards.first
    title = card.locator(".stream-title").inner_text()
    card.locator("select[name=reason_code]").select_option("too_far")
    card.get_by_role("button", name="Afwijzen").click()
    sync_api.expect(page.get_by_role("status").first).to_contain_text("Suggesties afgewezen: 1.")
    sync_api.expect(page.locator(".count-rejected")).to_contain_text("(1)")
    assert title
    _shot(page, "p4-rejected-from-queue")
    close_page(page)
