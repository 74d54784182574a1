"""French typography on the pages: a no-break space before ":" (U+00A0) and a narrow one
before ";", "?" and "!" (U+202F), in every French catalogue entry, in the engine's French
reasons and on the rendered French pages; month names as Babel writes them ("juin",
"juil.", never a cut "jui")."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from matchmaker.engine.explain import TEMPLATES
from tests.test_web_pages import Browser, text

CATALOGUE = Path(__file__).resolve().parents[1] / "api/translations/fr/LC_MESSAGES/messages.po"
# a mark that ends a phrase ("Statut :", "Où ?") must follow a no-break space; "10:30",
# "https://" and "%(names)s?" inside a word are not phrases
LOOSE_MARK = re.compile(r"(?<![\u00a0\u202f])[:;?!](?=\s|$|\))")
SPACED = {":": "\u00a0", ";": "\u202f", "?": "\u202f", "!": "\u202f"}


def _loose(value: str) -> list[str]:
    return [value[max(0, m.start() - 20):m.end() + 5] for m in LOOSE_MARK.finditer(value)]


def test_the_french_account_mails_set_their_punctuation_apart():
    from matchmaker.access.mails import TEXTS

    french = {key: texts["fr"] for key, texts in TEXTS.items()}
    assert len(french) > 5
    bad = {key: _loose(value) for key, value in french.items() if _loose(value)}
    assert not bad, bad


def test_every_french_catalogue_entry_sets_its_punctuation_apart():
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f)
    entries = [m for m in catalogue if m.id and m.string]
    assert len(entries) > 200
    bad = {m.id: _loose(m.string) for m in entries if _loose(m.string)}
    assert not bad, bad
    for m in entries:   # and with the right width
        for mark, space in SPACED.items():
            other = "\u202f" if space == "\u00a0" else "\u00a0"
            assert other + mark not in m.string, (m.id, mark)


def test_the_engines_french_reasons_set_their_punctuation_apart():
    bad = {key: _loose(t["fr"]) for key, t in TEMPLATES.items() if _loose(t["fr"])}
    assert not bad, bad


class _Text(HTMLParser):
    """The text a reader meets: text nodes (not scripts) and the attributes read aloud."""

    SPOKEN = ("aria-label", "title", "alt", "placeholder", "data-label", "data-suggested-label")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")
        self.parts += [v for k, v in attrs if k in self.SPOKEN and v]

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _spoken(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


def _take(browser: Browser, hub: int, stream: int) -> str:
    queue = text(browser.get(f"/hubs/{hub}/queue"))
    capacity = re.search(rf'name="stream_id" value="{stream}">\s*<input type="hidden" '
                         r'name="capacity_id" value="(\d+)"', queue).group(1)
    return browser.post(f"/hubs/{hub}/take", {"stream_id": stream,
                                              "capacity_id": capacity}).location


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_rendered_french_pages_set_their_punctuation_apart(api_app, world):
    visitor = Browser(api_app.test_client())
    visitor.post("/language", {"language": "fr"})
    pages = {path: visitor.get(path) for path in ("/login", "/register", "/invitation")}
    pages["login error"] = visitor.post("/login", {"email": "x@example.org", "password": "x"})
    pages["register errors"] = visitor.post("/register", {"postcode": "99999"})

    company = Browser(api_app.test_client()).login("co-a@example.org")
    company.post("/language", {"language": "fr"})
    stream = world.ids["stream_a"]
    pages |= {path: company.get(path) for path in (
        "/my/streams", "/streams/new", f"/streams/{stream}/edit", f"/streams/{stream}/proposals",
        "/my/organisation")}
    pages["stream analysed"] = company.post("/streams/new", {
        "title": "Vêtements", "action": "analyse",
        "description": "Nous avons 2 tonnes de vêtements de travail usagés chaque mois."})
    pages["stream errors"] = company.post("/streams/new", {"title": "", "amount": "beaucoup",
                                                           "action": "save"})

    facilitator = Browser(api_app.test_client()).login("fac-a@example.org")
    facilitator.post("/language", {"language": "fr"})
    hub = world.ids["hub_a"]
    match = _take(facilitator, hub, stream)
    pages |= {path: facilitator.get(path) for path in (
        f"/hubs/{hub}/queue", match, f"/hubs/{hub}/kpis", f"/hubs/{hub}/activities",
        f"/hubs/{hub}/organisations", f"/hubs/{hub}/map")}
    pages["decision errors"] = facilitator.post(match + "/decide", {"to_status": "rejected",
                                                                   "version": "1"})
    pages["kpi target errors"] = facilitator.post(f"/hubs/{hub}/kpi-targets", {"kpi": "?"})
    pages["activity errors"] = facilitator.post(f"/hubs/{hub}/activities", {"title": ""})

    problems = {}
    for name, response in pages.items():
        html = text(response)
        assert '<html lang="fr"' in html, name
        loose = [x for part in _spoken(html) for x in _loose(part)]
        if loose:
            problems[name] = loose
    assert not problems, problems
    assert "Statut\u00a0:" in text(facilitator.get(match))
    facilitator.post("/language", {"language": "nl"})
    assert "Status:" in text(facilitator.get(match))


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_french_month_names_are_babels_and_tell_june_from_july(api_app, world):
    facilitator = Browser(api_app.test_client()).login("fac-a@example.org")
    facilitator.post("/language", {"language": "fr"})
    page = text(facilitator.get(f"/hubs/{world.ids['hub_a']}/kpis?start=2025-05-01&end=2025-08-31"))
    labels = re.findall(r'<text class="label" x="[\d.]+" y="[\d.]+" text-anchor="middle">'
                        r'([^<]+)</text>', page)
    assert labels[:4] == ["mai 25", "juin 25", "juil. 25", "août 25"], labels
    assert "juil. 25\u00a0: 0" in page  # the chart's description, read by screen readers
    assert "1 mai 2025 – 31 août 2025" in page
