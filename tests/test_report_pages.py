"""The report pages through Flask's test client on a year of history: the printable report
with its charts (axes, values, a table alternative), its downloads and PDF, who may read
it, the KPI dashboard's target form, and the programme's pages.

SQLite only: the figures are computed and tested on both databases in test_reports.py
and test_programme.py; these tests are about the pages.
"""
from __future__ import annotations

import csv
import dataclasses
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.reporting_data import YEAR, add_history, add_programme_user
from tests.test_web_pages import Browser, text


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Overrides conftest's fixture: SQLite only (see the module docstring)."""
    return f"sqlite:///{tmp_path / 'matchmaker.sqlite'}"


@pytest.fixture
def history(world, session_factory):
    world.ids.update(add_history(session_factory, world))
    add_programme_user(session_factory, world)
    return world


@pytest.fixture
def browser(api_app) -> Browser:
    return Browser(api_app.test_client())


def test_report_page_has_objectives_targets_progress_and_charts_with_axes_and_tables(
        browser, history):
    browser.login("fac-a@example.org")
    response = browser.get(f"/hubs/{history.ids['hub_a']}/report?year={YEAR}")
    assert response.status_code == 200
    page = text(response)
    assert f"Jaarrapport {YEAR} — Hub A" in page
    assert "Nieuwe opdrachten voor de sociale economie" in page
    row = re.search(r'data-kpi="new_assignments"><th scope="row">[^<]+</th>\s*'
                    r'<td class="num">(\d+)</td>\s*<td class="num">(\d+)</td>\s*'
                    r'<td class="num">(\d+)</td>\s*<td class="num">([^<]+)</td>', page)
    assert row.groups() == ("2", "4", "3", "50%")
    charts = re.findall(r'<figure class="chart[^"]*" id="([^"]+)">(.*?)</figure>', page, re.S)
    assert {"progress", "month-new_assignments", "month-network_activities"} <= {
        name for name, _ in charts}
    for name, body in charts:
        assert body.count('class="axis"') == 2, name
        assert 'class="tick"' in body and 'class="value"' in body, name
        assert '<details class="chart-data">' in body and "<table" in body, name
    month = dict(charts)["month-new_assignments"]
    assert re.search(r'<th scope="row">feb\.? 25</th><td class="num">1</td>', month)
    assert "CO A" in page and "SE A" in page  # the agreements behind the new assignments
    assert 'id="opportunities-map"' in page  # where the map of the opportunities will go
    assert 'rel="stylesheet" href="/static/report.css"' in page


def test_report_page_in_french_and_print_stylesheet_for_a4(browser, history, api_app):
    browser.login("fac-a@example.org")
    browser.post("/language", {"language": "fr", "next": "/login"})
    page = text(browser.get(f"/hubs/{history.ids['hub_a']}/report?year={YEAR}"))
    assert f"Rapport annuel {YEAR} — Hub A" in page and "Mise en réseau" in page
    assert "Afficher sous forme de tableau" in page
    with browser.client.get("/static/report.css") as response:
        css = text(response)
    assert "@page { size: A4" in css and "@media print" in css


def test_pdf_is_the_report_page_printed_on_a4(browser, history, api_app):
    from matchmaker.reports.pdf import find_chromium

    if find_chromium(api_app.extensions["matchmaker.settings"].chromium) is None:
        pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium)")
    browser.login("fac-a@example.org")
    response = browser.get(f"/hubs/{history.ids['hub_a']}/report.pdf?year={YEAR}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", response.data)
    assert boxes and all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2
                         for w, h in boxes)  # A4 in points
    assert len(boxes) >= 3
    assert "attachment" in response.headers["Content-Disposition"]


def test_without_chromium_the_pdf_says_so_and_the_page_offers_printing(browser, history,
                                                                        api_app):
    settings = api_app.extensions["matchmaker.settings"]
    api_app.extensions["matchmaker.settings"] = dataclasses.replace(
        settings, chromium="/nonexistent/chromium")
    browser.login("fac-a@example.org")
    page = text(browser.get(f"/hubs/{history.ids['hub_a']}/report?year={YEAR}"))
    assert 'id="no-pdf"' in page and "Chromium" in page
    response = browser.get(f"/hubs/{history.ids['hub_a']}/report.pdf?year={YEAR}")
    assert response.status_code == 503
    assert "Chromium" in text(response) and "Opslaan als PDF" in text(response)


def test_report_downloads_in_the_readers_language(browser, history):
    browser.login("fac-a@example.org")
    hub = history.ids["hub_a"]
    xlsx = browser.get(f"/hubs/{hub}/report.xlsx?year={YEAR}")
    book = load_workbook(io.BytesIO(xlsx.data))
    assert book.sheetnames[0] == "Overzicht" and "Kansen" in book.sheetnames
    raw = browser.get(f"/hubs/{hub}/report.csv?year={YEAR}").data
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0]["Doelstelling"] == "Netwerking"


REPORT_PATHS = ("/hubs/{hub}/report", "/hubs/{hub}/report.xlsx", "/hubs/{hub}/report.csv",
                "/hubs/{hub}/report.pdf", "/hubs/{hub}/opportunities")


def test_report_belongs_to_the_hubs_facilitators_the_programme_and_admins(api_app, history):
    hub = history.ids["hub_a"]
    for email in ("fac-a@example.org", "programma@vlaanderen.example", "admin@example.org"):
        browser = Browser(api_app.test_client()).login(email)
        assert browser.get(f"/hubs/{hub}/report.csv").status_code == 200, email
    for email in ("fac-b@example.org", "co-a@example.org", "se-a@example.org"):
        browser = Browser(api_app.test_client()).login(email)
        for path in REPORT_PATHS:
            assert browser.get(path.format(hub=hub)).status_code == 404, (email, path)


def test_target_entry_is_checked_next_to_the_field_and_confirmed(browser, history):
    browser.login("fac-a@example.org")
    hub = history.ids["hub_a"]
    response = browser.post(f"/hubs/{hub}/kpi-targets", {"kpi": "matches_accepted",
                                                         "year": str(YEAR), "target": "5"})
    assert response.status_code == 400
    page = text(response)
    assert re.search(r'id="t-target"[^>]*aria-invalid="true"', page)
    assert '<p class="error" id="t-target-error">Minstens het doel van het programma voor dit ' \
           'jaar: 6.</p>' in page
    response = browser.post(f"/hubs/{hub}/kpi-targets", {"kpi": "matches_accepted",
                                                         "year": "1999", "target": "abc"})
    page = text(response)
    assert 'id="t-year-error"' in page and 'id="t-target-error"' in page
    response = browser.post(f"/hubs/{hub}/kpi-targets", {"kpi": "matches_accepted",
                                                         "year": str(YEAR), "target": "7,5"})
    assert response.status_code == 302
    page = text(browser.get(response.location))
    assert "Doel opgeslagen: Aanvaarde matches in 2025, 7,5." in page


def test_target_list_and_choices_are_sorted_by_label(browser, history):
    browser.login("fac-a@example.org")
    page = text(browser.get(f"/hubs/{history.ids['hub_a']}/kpis?start={YEAR}-01-01"
                            f"&end={YEAR}-12-31"))
    listed = re.search(r'<table class="list target-list">.*?</table>', page, re.S).group(0)
    labels = re.findall(r'<th scope="row">([^<]+)</th>', listed)
    assert labels == sorted(labels, key=str.casefold) and len(labels) == 4
    choices = re.findall(r'<option value="[^"]+"[^>]*>([^<]+)</option>',
                         re.search(r'<select id="t-kpi".*?</select>', page, re.S).group(0))
    assert choices == sorted(choices, key=str.casefold) and len(choices) == 20


def test_programme_pages_for_the_programme_and_admins_only(browser, history):
    for email, status in (("fac-a@example.org", 404), ("co-a@example.org", 404)):
        other = Browser(browser.client.application.test_client()).login(email)
        assert other.get("/programme").status_code == status
    browser.login("programma@vlaanderen.example")
    assert browser.get("/").location.endswith("/programme")
    page = text(browser.get(f"/programme?year={YEAR}"))
    assert "Hub A" in page and "Hub B" in page and "Gewogen score" in page
    hub_a = history.ids["hub_a"]
    cell = re.search(rf'<tr data-hub="{hub_a}">.*?data-kpi="new_assignments">'
                     r'<span class="value">(\d+)</span>', page, re.S)
    assert cell.group(1) == "2"
    assert re.search(r"<td>Hub A</td><td>Hub B</td><td class=\"num\">1</td>"
                     r"<td class=\"num\">1</td><td class=\"num\">1</td>", page)
    book = load_workbook(io.BytesIO(browser.get(f"/programme.xlsx?year={YEAR}").data))
    assert book.sheetnames[0] == "Overzicht"
    assert browser.get("/programme/opportunities").status_code == 200
    targets = text(browser.get(f"/programme/targets?year={YEAR}"))
    assert "Aanvaarde matches" in targets and 'name="target"' not in targets  # read-only
    assert browser.post("/programme/targets", {"kpi": "new_assignments", "year": str(YEAR),
                                               "target": "9"}).status_code == 403


def test_admin_sets_a_programme_target_with_errors_next_to_the_field(browser, history):
    browser.login("admin@example.org")
    response = browser.post("/programme/targets", {"kpi": "nonsense", "year": str(YEAR),
                                                   "target": "-2"})
    assert response.status_code == 400
    page = text(response)
    assert 'id="kpi-error"' in page and 'id="target-error"' in page
    response = browser.post("/programme/targets", {"kpi": "new_assignments",
                                                   "year": str(YEAR), "target": "5"})
    assert response.status_code == 302
    page = text(browser.get(response.location))
    assert "Doel opgeslagen" in page
    assert re.search(r'data-kpi="new_assignments"><th scope="row">Nieuwe opdrachten</th>'
                     r'<td class="num">5</td>', page)
