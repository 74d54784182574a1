"""The stream and capacity form takes what the text says for what is left empty: suggestions
are ticked for the person to untick, a form sent without JavaScript and without ticking
stores what the text says and the next page names it, and what the person unticked or
chose stays as they left it. Through Flask's test client on the `world` of two hubs."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from models import Capacity, Stream
from tests.test_web_pages import Browser, text


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Overrides conftest's: pages, not storage, so SQLite only. What the pages call runs on
    both databases in the API, workflow and KPI tests."""
    return f"sqlite:///{tmp_path / 'matchmaker.sqlite'}"

DESCRIPTION = "Wij hebben elke maand 2 ton gebruikte werkkledij die opgehaald moet worden."
FORM = {"title": "Werkkledij", "description": DESCRIPTION, "status": "published",
        "postcode": "", "municipality": ""}


@pytest.fixture
def company(api_app, world) -> Browser:
    return Browser(api_app.test_client()).login("co-a@example.org")


def _stored(session_factory, model, title: str):
    with session_factory() as session:
        return session.scalars(sa.select(model).where(model.title == title)).one()


def _checked(page: str, name: str) -> set[str]:
    box = rf'<input type="checkbox" id="[^"]+" name="{name}" value="([^"]+)" checked>'
    return set(re.findall(box, page))


def test_saving_without_ticking_stores_what_the_text_says_and_says_so(
        company, session_factory):
    response = company.post("/streams/new", {**FORM, "action": "save"})
    assert response.status_code == 302
    stream = _stored(session_factory, Stream, "Werkkledij")
    assert stream.materials == ["workwear"] and stream.services_wanted == ["collection"]
    assert (stream.quantity_amount, stream.quantity_unit, stream.quantity_per) == (2, "t", "month")
    listing = text(company.get(response.location))
    notice = re.search(r'<div class="notice" role="status">(.*?)</div>', listing, re.S).group(1)
    assert "<p>Opgeslagen.</p>" in notice
    assert ("Uit je beschrijving gehaald omdat het leeg bleef: Materialen: Werkkledij; "
            "Gevraagde diensten: Ophaling; Hoeveelheid: 2 ton per maand.") in notice


def test_suggestions_come_back_ticked_and_the_quantity_filled_in(company):
    page = text(company.post("/streams/new", {**FORM, "action": "analyse"}))
    assert _checked(page, "materials") == {"workwear"}
    assert _checked(page, "services") == {"collection"}
    assert re.search(r'id="amount" name="amount" inputmode="decimal" value="2"', page)
    assert re.search(r'<option value="month" selected>', page)
    for name, value in (("materials", "workwear"), ("services", "collection"),
                        ("quantity", "2|t|month")):
        assert f'name="offered_{name}" value="{value}"' in page
    assert "Wat je beschrijving noemt, is voor je aangevinkt en ingevuld" in page


def test_what_was_offered_and_unticked_stays_unticked(company, session_factory):
    offered = {"offered_materials": "workwear", "offered_services": "collection",
               "offered_quantity": "2|t|month"}
    again = text(company.post("/streams/new", {**FORM, **offered, "action": "analyse"}))
    assert _checked(again, "materials") == set() and _checked(again, "services") == set()
    assert re.search(r'id="amount" name="amount" inputmode="decimal" value=""', again)
    assert company.post("/streams/new", {**FORM, **offered, "action": "save"}).status_code == 302
    stream = _stored(session_factory, Stream, "Werkkledij")
    assert stream.materials == [] and stream.services_wanted == []
    assert stream.quantity_amount is None


def test_a_choice_the_person_made_is_kept_as_it_is(company, session_factory):
    response = company.post("/streams/new", {**FORM, "action": "save", "materials": "textiles",
                                             "services": "sorting", "amount": "500",
                                             "unit": "kg", "per": "year"})
    assert response.status_code == 302
    stream = _stored(session_factory, Stream, "Werkkledij")
    assert stream.materials == ["textiles"] and stream.services_wanted == ["sorting"]
    assert (stream.quantity_amount, stream.quantity_unit,
            stream.quantity_per) == (500, "kg", "year")
    notice = re.search(r'<div class="notice" role="status">(.*?)</div>',
                       text(company.get(response.location)), re.S).group(1)
    assert notice == "<p>Opgeslagen.</p>"


def test_editing_shows_what_is_stored_with_the_suggestions_marked_not_ticked(
        company, world, session_factory):
    with session_factory() as session:   # its owner unticked the services the text suggests
        stream = session.get(Stream, world.ids["stream_a"])
        stream.title, stream.materials, stream.services_wanted = (
            "Werkkledij en laptops op te halen", ["workwear"], [])
        session.commit()
    path = f"/streams/{world.ids['stream_a']}/edit"
    page = text(company.get(path))
    assert _checked(page, "materials") == {"workwear"} and _checked(page, "services") == set()
    assert 'name="offered_services" value="collection"' in page
    assert re.search(r'name="offered_materials" value="(ict_equipment|laptops|electronics)"', page)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    saved = company.post(path, {"title": "Werkkledij en laptops op te halen", "version": version,
                                "materials": "workwear", "offered_services": "collection",
                                "status": "published"})
    assert saved.status_code == 302
    with session_factory() as session:
        assert session.get(Stream, world.ids["stream_a"]).services_wanted == []


def test_a_capacity_takes_radius_and_workforce_from_its_text(api_app, world, session_factory):
    enterprise = Browser(api_app.test_client()).login("se-a@example.org")
    description = ("We herstellen fietsen met 12 doelgroepwerknemers, binnen 25 km rond Gent; "
                   "zo'n 40 fietsen per maand.")
    response = enterprise.post("/capacities/new", {
        "title": "Fietsherstel", "description": description, "status": "published",
        "action": "save"})
    assert response.status_code == 302
    capacity = _stored(session_factory, Capacity, "Fietsherstel")
    assert capacity.materials and capacity.services
    assert (capacity.service_radius_km, capacity.target_group_fte) == (25, 12)
    assert (capacity.capacity_amount, capacity.capacity_unit, capacity.capacity_per) == (
        40, "units", "month")
    notice = text(enterprise.get(response.location))
    assert "Werkingsstraal (km): 25" in notice and "VTE doelgroep: 12" in notice


def _walk_to_introduced(facilitator: Browser, world) -> str:
    hub, stream = world.ids["hub_a"], world.ids["stream_a"]
    queue = text(facilitator.get(f"/hubs/{hub}/queue"))
    capacity = re.search(rf'name="stream_id" value="{stream}">\s*<input type="hidden" '
                         r'name="capacity_id" value="(\d+)"', queue).group(1)
    match = facilitator.post(f"/hubs/{hub}/take", {"stream_id": stream,
                                                   "capacity_id": capacity}).location
    for step in ("accepted", "introduced"):
        version = re.search(r'name="version" value="(\d+)"', text(facilitator.get(match))).group(1)
        assert facilitator.post(match + "/decide", {"to_status": step,
                                                    "version": version}).status_code == 302
    return match


def test_the_agreement_is_drafted_in_kg_from_a_stream_in_tonnes(api_app, world, session_factory):
    import datetime as dt

    with session_factory() as session:
        stream = session.get(Stream, world.ids["stream_a"])
        stream.quantity_amount, stream.quantity_unit, stream.quantity_per = 2, "t", "month"
        session.commit()
    facilitator = Browser(api_app.test_client()).login("fac-a@example.org")
    match = _walk_to_introduced(facilitator, world)
    page = text(facilitator.get(match))
    today = dt.date.today()
    assert re.search(r'id="volume_kg" name="volume_kg" inputmode="decimal" value="24000"', page)
    assert f'id="period_start" name="period_start" type="date" value="{today.isoformat()}"' in page
    assert "De stroom vermeldt 2 ton per maand, dat is 2.000 kg per maand" in page
    assert 'data-kg-per-period="2000.0" data-per="month"' in page
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = facilitator.post(match + "/decide", {
        "to_status": "agreed", "version": version, "volume_kg": "18,5 t",
        "period_start": "2025-01-01", "period_end": "2025-09-30", "estimated_hours": "200"})
    assert response.status_code == 302
    shown = text(facilitator.get(match))
    assert "Afgesproken volume (kg): 18.500 kg (1 jan 2025 – 30 sep 2025)" in shown


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)   # pages, not storage
def test_a_volume_that_is_no_weight_is_refused_on_its_field(api_app, world):
    facilitator = Browser(api_app.test_client()).login("fac-a@example.org")
    match = _walk_to_introduced(facilitator, world)
    version = re.search(r'name="version" value="(\d+)"', text(facilitator.get(match))).group(1)
    response = facilitator.post(match + "/decide", {
        "to_status": "agreed", "version": version, "volume_kg": "3 m3",
        "period_start": "2025-01-01", "period_end": "2025-09-30", "estimated_hours": "200"})
    assert response.status_code == 400
    page = text(response)
    assert 'id="volume_kg-error">Geef een gewicht in kg of in ton' in page
    assert 'aria-describedby="volume_kg-hint volume_kg-error"' in page
    assert 'value="3 m3"' in page   # what was typed stays


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)   # pages, not storage
@pytest.mark.parametrize("who, path, data, first", [
    ("co-a@example.org", "/streams/new", {"title": "", "amount": "veel", "action": "save"},
     ("title", "Titel: Geef een korte titel.")),
    ("se-a@example.org", "/capacities/new", {"title": "x", "service_radius_km": "ver",
                                             "action": "save"}, ("service_radius_km", "")),
    ("fac-a@example.org", "/hubs/{hub_a}/activities", {"title": ""}, ("kind", "")),
    (None, "/register", {"postcode": "99999"}, ("hub", "Hub: Kies je hub.")),
    (None, "/login", {"email": "x@example.org", "password": "x"},
     ("email", "E-mailadres: Verkeerd e-mailadres of wachtwoord.")),
    (None, "/invitation", {"code": ""}, ("code", "")),
])
def test_a_failed_submit_puts_an_error_summary_linking_to_the_fields_first(
        api_app, world, who, path, data, first):
    browser = Browser(api_app.test_client())
    if who:
        browser.login(who)
    else:
        browser.get("/login")
    response = browser.post(path.format(**world.ids), data)
    assert response.status_code in (400, 401)
    page = text(response)
    summary = re.search(r'<main id="main">\s*<div class="error-summary" id="error-summary" '
                        r'tabindex="-1" autofocus aria-labelledby="error-summary-title">(.*?)'
                        r'</div>\s*</div>', page, re.S)
    assert summary, page[:3000]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary.group(1))
    assert links[0][0] == first[0] and links[0][1].startswith(first[1]), links
    for name, _label in links:   # every entry leads to its field
        assert re.search(rf'<(input|select|textarea) id="{name}"', page), name


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)   # pages, not storage
def test_a_wrong_kpi_target_is_shown_on_its_fields_with_a_summary(api_app, world):
    facilitator = Browser(api_app.test_client()).login("fac-a@example.org")
    response = facilitator.post(f"/hubs/{world.ids['hub_a']}/kpi-targets",
                                {"kpi": "nonsense", "year": "", "target": "-2"})
    assert response.status_code == 400
    page = text(response)
    for field in ("t-kpi", "t-year", "t-target"):
        assert f'<a href="#{field}">' in page and f'id="{field}-error"' in page
