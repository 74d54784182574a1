"""End-to-end, in Debian's Chromium: a facilitator records an activity with the searchable
participant picker, sees it in the KPIs, corrects it (another kind, one more organisation,
more people) and sees the KPIs change, then deletes it after a confirmation.

One server on the tests' two-hub world for the module; screenshots in
test-artifacts/activities/.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.conftest import PASSWORD, build_world
from tests.e2e.browser import ARTIFACTS_ROOT, MARKS, close_page, open_page, screenshot, sync_api

ARTIFACTS = ARTIFACTS_ROOT / "activities"
FACILITATOR = "fac-a@example.org"

pytestmark = MARKS


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The two-hub world served on 127.0.0.1."""
    from api.app import create_app
    from matchmaker.config import Settings
    from models import make_engine, make_session_factory, upgrade
    from tests.serving import serving

    home = tmp_path_factory.mktemp("activities-e2e")
    url = f"sqlite:///{home / 'matchmaker.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    world = build_world(make_session_factory(engine))
    engine.dispose()
    app = create_app(Settings(home=home, database_url=url, secret_key="activities-e2e"))
    with serving(app) as served_at:
        yield {"url": served_at, **world.ids}
    app.extensions["matchmaker.engine"].dispose()


def _kpi(page, hub: int, kpi: str) -> str:
    page.goto(f"/hubs/{hub}/kpis")
    return page.locator(f'tr[data-kpi="{kpi}"]').first.locator("td.num").first.inner_text()


def test_a_corrected_activity_changes_the_kpis(chromium, site):
    page = open_page(chromium, site["url"], FACILITATOR, password=PASSWORD)
    hub = site["hub_a"]
    page.goto(f"/hubs/{hub}/activities")
    picker = page.locator("fieldset#organisations")
    search = picker.get_by_label("Zoek organisaties")
    co_a, se_a = (picker.get_by_label(name, exact=True) for name in ("CO A", "SE A"))
    search.fill("zzz")
    sync_api.expect(picker.get_by_text("Geen organisatie gevonden.")).to_be_visible()
    search.fill("co")
    sync_api.expect(se_a).to_be_hidden()
    sync_api.expect(picker.get_by_text("Geen organisatie gevonden.")).to_be_hidden()
    co_a.check()
    search.fill("se")   # a ticked organisation stays in sight
    sync_api.expect(se_a).to_be_visible()
    sync_api.expect(co_a).to_be_visible()
    search.fill("")
    page.locator("#kind").select_option("network_event")
    page.locator("#title").fill("Netwerkontbijt")
    page.locator("#date").fill(page.evaluate("new Date().toISOString().slice(0, 10)"))
    page.locator("#other_participants").fill("3")
    screenshot(page, ARTIFACTS, "1-record")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    sync_api.expect(page.get_by_role("status")).to_contain_text("Netwerkontbijt")
    assert _kpi(page, hub, "network_participants") == "4"
    assert _kpi(page, hub, "awareness_participants") == "0"

    page.goto(f"/hubs/{hub}/activities")
    page.get_by_role("link", name=re.compile("Netwerkontbijt")).click()
    sync_api.expect(page.locator("#people")).to_have_text("4")
    page.locator("#kind").select_option("info_session")
    page.locator("fieldset#organisations").get_by_label("SE A", exact=True).check()
    page.locator("#other_participants").fill("5")
    page.get_by_role("button", name="Correctie opslaan").click()
    sync_api.expect(page.locator("#people")).to_have_text("7")
    screenshot(page, ARTIFACTS, "2-corrected")
    assert _kpi(page, hub, "network_participants") == "0"
    assert _kpi(page, hub, "awareness_participants") == "7"

    page.goto(f"/hubs/{hub}/activities")
    page.get_by_role("link", name=re.compile("Netwerkontbijt")).click()
    page.get_by_role("link", name="Deze activiteit verwijderen…").click()
    screenshot(page, ARTIFACTS, "3-confirm")
    page.get_by_role("button", name="Definitief verwijderen").click()
    sync_api.expect(page.get_by_role("status")).to_contain_text("verwijderd")
    sync_api.expect(page.get_by_role("link", name=re.compile("Netwerkontbijt"))).to_have_count(0)
    assert _kpi(page, hub, "awareness_participants") == "0"
    close_page(page)
