"""What the browser tests share: Debian's Chromium driven by Playwright, pages that record
every script error, screenshots, and the demo data served on 127.0.0.1.

A test module sets `pytestmark = MARKS` and an `ARTIFACTS` folder of its own (its
screenshots; the `chromium` fixture empties it), and asks for `chromium` (tests/conftest.py).
Without Chromium or Playwright its tests skip and say why.
"""
from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS_ROOT = Path(__file__).resolve().parents[2] / "test-artifacts"
DEMO_PASSWORD = "circulair-demo"
PHONE = {"width": 375, "height": 667}
DESK = {"width": 1100, "height": 900}

MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"),
]
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="Playwright not installed (pip install playwright)")


@contextmanager
def launched(artifacts: Path) -> Iterator[Any]:
    """Headless Chromium, with `artifacts` emptied for this run's screenshots."""
    shutil.rmtree(artifacts, ignore_errors=True)
    artifacts.mkdir(parents=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


def open_page(browser, base_url: str, email: str | None = None, *,
              password: str = DEMO_PASSWORD, viewport: dict = DESK, javascript: bool = True,
              refuse_error_responses: bool = False, timeout_ms: int | None = None):
    """A fresh context (its own cookies) in Dutch, signed in as `email` when one is given.

    Nothing leaves the app: a request elsewhere (a CDN, say) is refused and shows up as a
    problem. `page.problems` collects script errors and console errors (a CSP violation
    is one), and with `refuse_error_responses` every 4xx/5xx answer; `close_page` checks it.
    """
    context = browser.new_context(base_url=base_url, locale="nl-BE", viewport=viewport,
                                  java_script_enabled=javascript)
    if timeout_ms is not None:
        context.set_default_timeout(timeout_ms)
    context.route(re.compile(r"^(?!" + re.escape(base_url) + ").*"), lambda route: route.abort())
    # the site has no favicon; Chromium asks for one after some redirects
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    if refuse_error_responses:
        page.on("response", lambda r: r.status >= 400 and page.problems.append(
            f"{r.status} {r.url}"))
    if email:
        page.goto("/login")
        page.get_by_label("E-mailadres").fill(email)
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Aanmelden").click()
        page.wait_for_load_state()
    return page


def close_page(page, expected: tuple[str, ...] = ()) -> None:
    """Ends the page's context; a problem other than the `expected` ones fails the test."""
    unexpected = [p for p in page.problems if not any(x in p for x in expected)]
    assert not unexpected, unexpected
    page.context.close()


def screenshot(page, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


@contextmanager
def demo_site(home: Path, prepare: Callable[[Any, Any], dict | None] | None = None,
              *, warm: bool = False) -> Iterator[tuple[str, dict]]:
    """The demo data with its index in a SQLite database under `home`, served on 127.0.0.1:
    yields (address, what `prepare` returned plus the database's URL).

    `prepare(session, service)` adds what the module's story needs, after the index is
    built; it is committed. `warm`: the index is loaded before the first page, not during it.
    """
    from api.app import create_app
    from api.suggestion_index import warm_up
    from indexing.embedders import get_embedder
    from matchmaker.config import Settings
    from matchmaker.demo.setup import install_demo
    from matchmaker.suggestions import SuggestionService
    from models import make_engine, make_session_factory, upgrade
    from tests.serving import serving

    url = f"sqlite:///{home / 'matchmaker.sqlite'}"
    upgrade(url)
    settings = Settings(home=home, database_url=url, secret_key=f"e2e-{home.name}")
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        install_demo(session)
        service = SuggestionService(get_embedder(settings.embedder))
        service.build_index(session)
        session.commit()
        extras = (prepare(session, service) if prepare else None) or {}
        session.commit()
    engine.dispose()
    app = create_app(settings)
    if warm:
        with app.test_request_context():
            warm_up()
    with serving(app) as served_at:
        yield served_at, {**extras, "database_url": url}
    app.extensions["matchmaker.engine"].dispose()
