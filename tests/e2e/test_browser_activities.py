"""End-to-end, in Debian's Chromium: a facilitator records an activity with the searchable
participant picker, sees it in the KPIs, corrects it (another kind, one more organisation,
more people) and sees the KPIs change, then deletes it after a confirmation.

One server on the tests' two-hub world for the module; screenshots in
test-artifacts/activities/.
"""
from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, build_world

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "activities"
FACILITATOR = "fac-a@example.org"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"),
]
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="Playwright not installed (pip install playwright)")


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


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


def _signed_in(chromium, site: dict):
    context = chromium.new_context(base_url=site["url"], locale="nl-BE",
                                   viewport={"width": 1100, "height": 900})
    context.route(re.compile(r"^(?!" + re.escape(site["url"]) + ").*"),
                  lambda route: route.abort())
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(FACILITATOR)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_load_state()
    return page


def _kpi(page, hub: int, kpi: str) -> str:
    page.goto(f"/hubs/{hub}/kpis")
    return page.locator(f'tr[data-kpi="{kpi}"]').first.locator("td.num").first.inner_text()


def test_a_corrected_activity_changes_the_kpis(chromium, site):
    page = _signed_in(chromium, site)
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
    page.screenshot(path=str(ARTIFACTS / "1-record.png"), full_page=True)
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
    page.screenshot(path=str(ARTIFACTS / "2-corrected.png"), full_page=True)
    assert _kpi(page, hub, "network_participants") == "0"
    assert _kpi(page, hub, "awareness_participants") == "7"

    page.goto(f"/hubs/{hub}/activities")
    page.get_by_role("link", name=re.compile("Netwerkontbijt")).click()
    page.get_by_role("link", name="Deze activiteit verwijderen…").click()
    page.screenshot(path=str(ARTIFACTS / "3-confirm.png"), full_page=True)
    page.get_by_role("button", name="Definitief verwijderen").click()
    sync_api.expect(page.get_by_role("status")).to_contain_text("verwijderd")
    sync_api.expect(page.get_by_role("link", name=re.compile("Netwerkontbijt"))).to_have_count(0)
    assert _kpi(page, hub, "awareness_participants") == "0"
    assert not page.problems, page.problems
    page.context.close()
