"""End-to-end in Debian's Chromium (Playwright) on the demo data: both parties of a pair
across two hubs say they are interested on their proposals pages; the stream's facilitator
finds the pair first in the queue, marked mutual; the capacity's hub consents from its own
queue; the stream's facilitator accepts and introduces; then a suggestion is rejected from
the queue with a reason without opening it. Screenshots go to test-artifacts/e2e/."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_browser_flows import (
    CHROMIUM,
    PASSWORD,
    _close,
    _shot,
    chromium,  # noqa: F401  (the module's browser)
)

COMPANY_EMAIL = "stroom@partij.example"
ENTERPRISE_EMAIL = "capaciteit@partij.example"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"),
]
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="Playwright not installed (pip install playwright)")


def _page(chromium, site: str, email: str):  # noqa: F811
    """A fresh browser context signed in as `email`, patient with a busy test machine."""
    context = chromium.new_context(base_url=site, locale="nl-BE",
                                   viewport={"width": 1100, "height": 900})
    context.set_default_timeout(90_000)
    # the site has no favicon; Chromium asks for one after some redirects
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.on("response", lambda r: r.status >= 400 and page.console_errors.append(
        f"{r.status} {r.url}"))
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_load_state()
    return page


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


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict]]:
    """The demo database with its index, a member for each side of a cross-hub pair, and
    the app serving it; with what the steps need to know of the pair."""
    from api.app import create_app
    from api.suggestion_index import warm_up
    from indexing.embedders import get_embedder
    from matchmaker.accounts import hash_password
    from matchmaker.config import Settings
    from matchmaker.demo.setup import install_demo
    from matchmaker.suggestions import SuggestionService
    from models import User, make_engine, make_session_factory, upgrade
    from tests.serving import serving

    home = tmp_path_factory.mktemp("e2e-parties")
    url = f"sqlite:///{home / 'matchmaker.sqlite'}"
    upgrade(url)
    settings = Settings(home=home, database_url=url, secret_key="e2e-secret")
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        install_demo(session)
        service = SuggestionService(get_embedder(settings.embedder))
        service.build_index(session)
        stream, capacity = _cross_hub_pair(session, service)
        for email, organisation in ((COMPANY_EMAIL, stream.organisation),
                                    (ENTERPRISE_EMAIL, capacity.organisation)):
            session.add(User(email=email, role="member", organisation=organisation,
                             password_hash=hash_password(PASSWORD)))
        pair = {"stream_id": stream.id, "capacity_id": capacity.id,
                "stream_title": stream.title, "enterprise": capacity.organisation.name,
                "stream_hub": stream.organisation.hub_id,
                "stream_facilitator": _facilitator(stream.organisation.hub),
                "capacity_hub": capacity.organisation.hub_id,
                "capacity_facilitator": _facilitator(capacity.organisation.hub)}
        session.commit()
    engine.dispose()
    app = create_app(settings)
    with app.test_request_context():  # the index is loaded before the first page, not during it
        warm_up()
    with serving(app) as served_at:
        yield served_at, pair
    app.extensions["matchmaker.engine"].dispose()


@pytest.fixture(scope="module")
def state() -> dict:
    return {}


def _say_interested(chromium, base: str, email: str, proposals: str, other_id: int,  # noqa: F811
                    shot: str) -> None:
    page = _page(chromium, base, email)
    page.goto(proposals)
    card = page.locator(f"#p-{other_id}")
    card.get_by_role("button", name="Geïnteresseerd").click()
    sync_api.expect(page.get_by_role("status").first).to_contain_text("Bedankt")
    sync_api.expect(page.locator(f"#p-{other_id} .voice")).to_contain_text("geïnteresseerd")
    _shot(page, shot)
    _close(page)


def test_both_parties_say_they_are_interested(chromium, site, state):  # noqa: F811
    base, pair = site
    _say_interested(chromium, base, COMPANY_EMAIL, f"/streams/{pair['stream_id']}/proposals",
                    pair["capacity_id"], "p1-company-interested")
    _say_interested(chromium, base, ENTERPRISE_EMAIL,
                    f"/capacities/{pair['capacity_id']}/proposals", pair["stream_id"],
                    "p1-enterprise-interested")
    state["interested"] = True


def test_the_facilitator_finds_mutual_interest_first(chromium, site, state):  # noqa: F811
    if not state.get("interested"):
        pytest.skip("the parties did not answer")
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
    _close(page)


def test_the_other_hub_consents_and_the_pair_is_introduced(chromium, site, state):  # noqa: F811
    if not state.get("match_path"):
        pytest.skip("no match in the queue")
    base, pair = site
    partner = _page(chromium, base, pair["capacity_facilitator"])
    partner.goto(f"/hubs/{pair['capacity_hub']}/queue#elsewhere")
    row = partner.locator("#elsewhere + p + table tr", has_text=pair["enterprise"]).first
    row.get_by_role("button", name="Toestemming geven voor de kennismaking").click()
    sync_api.expect(partner.locator("#partner-consent")).to_contain_text("toestemming gegeven")
    _shot(partner, "p3-partner-consented")
    _close(partner)
    page = _page(chromium, base, pair["stream_facilitator"])
    page.goto(state["match_path"])
    page.locator("#accept").click()
    page.get_by_role("button", name="Beide partijen voorstellen").click()
    sync_api.expect(page.locator(".status").first).to_have_text("in contact gebracht")
    _shot(page, "p3-introduced")
    _close(page)
    state["introduced"] = True


def test_a_suggestion_is_rejected_from_the_queue(chromium, site, state):  # noqa: F811
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
    _close(page)
