"""The web pages through Flask's test client on the `world` of two hubs: sign-in, CSRF,
headers, languages, the facilitator's review, a company's stream form, KPIs, activities."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import PASSWORD


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Overrides conftest's: pages, not storage, so SQLite only. What the pages call runs on
    both databases in the API, workflow and KPI tests."""
    return f"sqlite:///{tmp_path / 'matchmaker.sqlite'}"

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """The test client plus the page's CSRF token, the way a browser sends forms."""

    def __init__(self, client) -> None:
        self.client = client
        self.token = ""

    def get(self, path: str, **kw):
        response = self.client.get(path, **kw)
        found = response.mimetype == "text/html" and CSRF.search(response.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return response

    def post(self, path: str, data: dict | None = None, **kw):
        if not self.token:
            self.get("/login")
        return self.client.post(path, data={"csrf_token": self.token, **(data or {})}, **kw)

    def login(self, email: str) -> Browser:
        self.get("/login")
        response = self.post("/login", {"email": email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        self.get("/", follow_redirects=True)
        return self


@pytest.fixture
def browser(api_app) -> Browser:
    return Browser(api_app.test_client())


def text(response) -> str:
    return response.get_data(as_text=True)


def test_login_page_is_dutch_by_default_with_csrf_token_and_security_headers(browser):
    response = browser.get("/login")
    assert response.status_code == 200
    assert "Aanmelden" in text(response) and '<html lang="nl"' in text(response)
    assert CSRF.search(text(response))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_post_without_csrf_token_is_refused(browser, world):
    response = browser.client.post("/login", data={"email": "fac-a@example.org",
                                                   "password": PASSWORD})
    assert response.status_code == 400
    assert "Formulier verlopen" in text(response)


def test_wrong_password_shows_the_error_next_to_the_form(browser, world):
    browser.get("/login")
    response = browser.post("/login", {"email": "fac-a@example.org", "password": "nope"})
    assert response.status_code == 401
    assert "Verkeerd e-mailadres of wachtwoord." in text(response)


def test_session_cookie_is_http_only_and_renewed_on_sign_in(browser, world):
    browser.get("/login")
    before = browser.client.get_cookie("session").value
    response = browser.post("/login", {"email": "fac-a@example.org", "password": PASSWORD})
    cookies = response.headers.getlist("Set-Cookie")
    # the sign-in, and the browser kept as one the account signed in from
    assert sorted(c.split("=", 1)[0] for c in cookies) == ["known_device", "session"]
    assert all("HttpOnly" in c and "SameSite=Lax" in c for c in cookies)
    assert browser.client.get_cookie("session").value != before


def test_signing_out_on_the_page_ends_the_session_for_a_copied_cookie(api_app, browser, world):
    browser.login("fac-a@example.org")
    queue = f"/hubs/{world.ids['hub_a']}/queue"
    copy = api_app.test_client()
    copy.set_cookie("session", browser.client.get_cookie("session").value)
    assert copy.get(queue).status_code == 200
    assert browser.post("/logout").status_code == 302
    response = copy.get(queue)
    assert response.status_code == 302 and response.location.startswith("/login")


def test_session_cookie_is_secure_and_hsts_sent_when_served_over_tls(monkeypatch, tmp_path):
    from api.app import create_app
    from matchmaker.config import Settings

    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite'}")
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    monkeypatch.setenv("MATCHMAKER_HOME", str(tmp_path))
    app = create_app(Settings.from_env())
    response = app.test_client().get("/login", base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    app.extensions["matchmaker.engine"].dispose()


def test_signed_out_visitor_is_sent_to_the_login_page(browser, world):
    response = browser.get(f"/hubs/{world.ids['hub_a']}/queue")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_login_never_redirects_to_another_site(browser, world):
    browser.get("/login")
    response = browser.post("/login?next=//evil.example/", {
        "email": "fac-a@example.org", "password": PASSWORD, "next": "https://evil.example/"})
    assert response.location == "/"


def test_language_switch_shows_the_french_page_and_is_kept(browser, world):
    browser.login("fac-a@example.org")
    browser.post("/language", {"language": "fr", "next": "/login"})
    response = browser.get(f"/hubs/{world.ids['hub_a']}/kpis")
    assert '<html lang="fr"' in text(response)
    assert "Mise en réseau" in text(response) and "Télécharger en Excel" in text(response)
    browser.post("/language", {"language": "en"})
    assert "Networking" in text(browser.get(f"/hubs/{world.ids['hub_a']}/kpis"))


def _take_first_suggestion(browser: Browser, hub_id: int, stream_id: int) -> str:
    queue = text(browser.get(f"/hubs/{hub_id}/queue"))
    pairs = re.findall(r'name="stream_id" value="(\d+)">\s*<input type="hidden" '
                       r'name="capacity_id" value="(\d+)"', queue)
    capacity_id = next(c for s, c in pairs if int(s) == stream_id)
    response = browser.post(f"/hubs/{hub_id}/take", {"stream_id": stream_id,
                                                     "capacity_id": capacity_id})
    assert response.status_code == 302
    return response.location


def test_facilitator_takes_a_suggestion_and_accepts_it_with_the_explanation_shown(
        browser, world):
    browser.login("fac-a@example.org")
    match_page = _take_first_suggestion(browser, world.ids["hub_a"], world.ids["stream_a"])
    page = text(browser.get(match_page))
    assert "Waarom deze match" in page and "Werkkledij a" in page
    assert 'class="reasons"' in page
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = browser.post(match_page.replace("/matches/", "/matches/") + "/decide",
                            {"to_status": "accepted", "version": version, "note": ""})
    assert response.status_code == 302
    assert "aanvaard" in text(browser.get(match_page))


def test_reject_without_reason_shows_the_error_next_to_the_field(browser, world):
    browser.login("fac-a@example.org")
    match_page = _take_first_suggestion(browser, world.ids["hub_a"], world.ids["stream_a"])
    version = re.search(r'name="version" value="(\d+)"', text(browser.get(match_page))).group(1)
    response = browser.post(match_page + "/decide", {"to_status": "rejected", "version": version})
    assert response.status_code == 400
    assert 'id="reason_code-error"' in text(response)
    assert "Kies waarom deze match afgewezen wordt." in text(response)


def test_a_stale_decision_is_refused(browser, world):
    browser.login("fac-a@example.org")
    match_page = _take_first_suggestion(browser, world.ids["hub_a"], world.ids["stream_a"])
    response = browser.post(match_page + "/decide", {"to_status": "accepted", "version": "99"})
    assert response.status_code == 409


def test_facilitator_of_other_hub_gets_404(browser, world):
    browser.login("fac-a@example.org")
    # a pair within hub A: hub B reads a match along only when it offers the capacity
    match_page = browser.post(f"/hubs/{world.ids['hub_a']}/take", {
        "stream_id": world.ids["stream_a"], "capacity_id": world.ids["capacity_a"]}).location
    other = Browser(browser.client.application.test_client()).login("fac-b@example.org")
    hub_a = world.ids["hub_a"]
    for path in (match_page, f"/hubs/{hub_a}/queue", f"/hubs/{hub_a}/kpis",
                 f"/hubs/{hub_a}/kpis.csv", f"/hubs/{hub_a}/activities",
                 f"/hubs/{hub_a}/organisations"):
        assert other.get(path).status_code == 404, path
    assert "Werkkledij a" not in text(other.get(f"/hubs/{world.ids['hub_b']}/queue"))


def test_member_cannot_open_facilitator_pages(browser, world):
    browser.login("co-a@example.org")
    assert browser.get(f"/hubs/{world.ids['hub_a']}/queue").status_code == 404


def test_company_registers_a_stream_from_free_text_with_the_suggested_tags(browser, world):
    browser.login("co-a@example.org")
    description = "Wij hebben elke maand 2 ton gebruikte werkkledij die opgehaald moet worden."
    form = {"title": "Werkkledij", "description": description, "status": "published"}
    suggested = browser.post("/streams/new", {**form, "action": "analyse"})
    assert suggested.status_code == 200
    page = text(suggested)
    assert 'value="workwear"' in page and "voorgesteld" in page
    assert 'id="amount" name="amount" inputmode="decimal" value="2"' in page
    response = browser.post("/streams/new", {**form, "action": "save", "materials": "workwear",
                                             "services": "collection", "amount": "2",
                                             "unit": "t", "per": "month"})
    assert response.status_code == 302
    listing = text(browser.get("/my/streams"))
    assert "Werkkledij" in listing and "gepubliceerd" in listing


def test_analysis_endpoint_suggests_materials_in_the_page_language(browser, world):
    browser.login("co-a@example.org")
    browser.post("/language", {"language": "fr"})
    response = browser.client.post("/analysis", data={
        "kind": "streams", "title": "", "description": "oude laptops en pc's"},
        headers={"X-CSRF-Token": browser.token})
    assert response.status_code == 200
    ids = [m["id"] for m in response.get_json()["materials"]]
    assert any("ict" in i or "laptop" in i or "electronics" in i for i in ids), ids


def test_analysis_endpoint_needs_the_csrf_header(browser, world):
    browser.login("co-a@example.org")
    response = browser.client.post("/analysis", data={"kind": "streams", "description": "pc"})
    assert response.status_code == 400


def test_form_errors_are_shown_next_to_the_field(browser, world):
    browser.login("co-a@example.org")
    response = browser.post("/streams/new", {"title": "", "amount": "veel", "action": "save"})
    assert response.status_code == 400
    page = text(response)
    assert 'id="title-error"' in page and "Geef een korte titel." in page
    assert 'id="amount-error"' in page


def test_description_with_script_is_shown_as_text(browser, world):
    browser.login("co-a@example.org")
    browser.post("/streams/new", {"title": "<script>alert(1)</script>", "action": "save",
                                  "description": "<script>alert(2)</script>"})
    page = text(browser.get("/my/streams"))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_company_edits_its_stream_and_another_company_cannot(browser, world):
    browser.login("co-a@example.org")
    path = f"/streams/{world.ids['stream_a']}/edit"
    page = text(browser.get(path))
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = browser.post(path, {"title": "Werkkledij en handschoenen", "version": version,
                                   "materials": "workwear", "status": "published"})
    assert response.status_code == 302
    assert "Werkkledij en handschoenen" in text(browser.get("/my/streams"))
    other = Browser(browser.client.application.test_client()).login("co-b@example.org")
    assert other.get(path).status_code in (403, 404)


def test_kpi_dashboard_counts_the_accepted_match_and_downloads(browser, world):
    browser.login("fac-a@example.org")
    match_page = _take_first_suggestion(browser, world.ids["hub_a"], world.ids["stream_a"])
    version = re.search(r'name="version" value="(\d+)"', text(browser.get(match_page))).group(1)
    browser.post(match_page + "/decide", {"to_status": "accepted", "version": version})
    hub = world.ids["hub_a"]
    page = text(browser.get(f"/hubs/{hub}/kpis"))
    row = re.search(r'data-kpi="matches_accepted">.*?<td class="num"[^>]*>([^<]+)</td>', page, re.S)
    assert row.group(1).strip() == "1"
    assert 'aria-label="Aanvaarde matches"' in page  # the month-by-month chart
    csv = browser.get(f"/hubs/{hub}/kpis.csv")
    assert csv.mimetype == "text/csv" and "matches_accepted,1.0" in text(csv)
    xlsx = browser.get(f"/hubs/{hub}/kpis.xlsx")
    assert xlsx.data[:2] == b"PK"


def test_kpi_period_beyond_the_service_days_is_a_400_next_to_the_field(browser, world):
    browser.login("fac-a@example.org")
    hub = world.ids["hub_a"]
    for query, field in (("start=2026-01-01&end=9999-12-31", "end"),
                         ("start=0001-01-01&end=2026-12-31", "start"), ("start=gisteren", "start")):
        response = browser.get(f"/hubs/{hub}/kpis?{query}")
        assert response.status_code == 400, query
        assert f'<p class="error" id="{field}-error">Geef een' in text(response)
    for suffix in ("csv", "xlsx"):
        download = browser.get(f"/hubs/{hub}/kpis.{suffix}?start=2026-01-01&end=9999-12-31")
        assert download.status_code == 400 and "2100" in text(download)


def test_activity_and_agreement_numbers_and_days_have_the_apis_ranges(browser, world):
    browser.login("fac-a@example.org")
    response = browser.post(f"/hubs/{world.ids['hub_a']}/activities", {
        "kind": "training", "title": "Opleiding", "date": "9999-12-31",
        "other_participants": "1000000"})
    page = text(response)
    assert response.status_code == 400
    assert 'id="date-error"' in page and 'id="other_participants-error"' in page


def test_taking_a_pair_taken_before_opens_that_match(browser, world):
    browser.login("fac-a@example.org")
    pair = {"stream_id": world.ids["stream_a"], "capacity_id": world.ids["capacity_a"]}
    first = browser.post(f"/hubs/{world.ids['hub_a']}/take", pair)
    again = browser.post(f"/hubs/{world.ids['hub_a']}/take", pair)
    assert first.status_code == again.status_code == 302 and again.location == first.location


def test_facilitator_records_an_activity_that_the_kpis_count(browser, world):
    browser.login("fac-a@example.org")
    hub = world.ids["hub_a"]
    import datetime as dt

    today = dt.date.today().isoformat()
    response = browser.post(f"/hubs/{hub}/activities", {
        "kind": "network_event", "title": "Netwerkontbijt", "date": today,
        "organisations": str(world.ids["org_co_a"]), "other_participants": "3"})
    assert response.status_code == 302
    assert "Netwerkontbijt" in text(browser.get(f"/hubs/{hub}/activities"))
    page = text(browser.get(f"/hubs/{hub}/kpis"))
    row = re.search(r'data-kpi="network_participants">.*?<td class="num"[^>]*>([^<]+)</td>', page,
                    re.S)
    assert row.group(1).strip() == "4"


def test_self_registered_organisation_waits_for_approval_then_signs_in(browser, world):
    browser.get("/register")
    response = browser.post("/register", {
        "hub": world.ids["hub_a"], "name": "Drukkerij Nieuw", "kind": "company",
        "display_name": "An", "email": "an@drukkerij.example", "password": PASSWORD})
    assert response.status_code == 200 and "Registratie ontvangen" in text(response)
    browser.get("/login")
    refused = browser.post("/login", {"email": "an@drukkerij.example", "password": PASSWORD})
    assert refused.status_code == 403
    facilitator = Browser(browser.client.application.test_client()).login("fac-a@example.org")
    listing = text(facilitator.get(f"/hubs/{world.ids['hub_a']}/organisations"))
    assert "wacht op goedkeuring" in listing
    org_id = re.search(r'/organisations/(\d+)/approve', listing).group(1)
    assert facilitator.post(f"/organisations/{org_id}/approve").status_code == 302
    browser.get("/login")
    assert browser.post("/login", {"email": "an@drukkerij.example",
                                   "password": PASSWORD}).status_code == 302


def test_registration_errors_are_shown_next_to_the_fields(browser, world):
    browser.get("/register")
    response = browser.post("/register", {"enterprise_number": "123", "password": "kort"})
    assert response.status_code == 400
    page = text(response)
    for field in ("hub", "name", "kind", "enterprise_number", "email", "password"):
        assert f'id="{field}-error"' in page, field


def test_invited_member_accepts_with_the_code_and_signs_in(browser, world, session_factory):
    from matchmaker import onboarding
    from models import Organisation, User

    with session_factory() as session:
        inviter = session.get(User, world.ids["user_fac_a"])
        organisation = session.get(Organisation, world.ids["org_se_a"])
        code = onboarding.invite(session, inviter, organisation, "nieuw@se.example").secret
        session.commit()
    browser.get("/invitation")
    wrong = browser.post("/invitation", {"code": "not-a-code", "password": PASSWORD})
    assert wrong.status_code == 400 and 'id="code-error"' in text(wrong)
    response = browser.post("/invitation", {"code": code, "display_name": "Nieuw",
                                            "password": PASSWORD})
    assert response.status_code == 302 and "welcome=1" in response.location
    browser.login("nieuw@se.example")
    assert "Mijn capaciteiten" in text(browser.get("/my/capacities"))


def test_facilitator_invites_a_member_of_an_organisation_of_the_hub(browser, world):
    browser.login("fac-a@example.org")
    response = browser.post(f"/organisations/{world.ids['org_co_a']}/invite",
                            {"email": "collega@co-a.example"})
    assert response.status_code == 302 and "invited=1" in response.location
    # an address with an account: the same answer (its owner is told by mail)
    again = browser.post(f"/organisations/{world.ids['org_co_a']}/invite",
                         {"email": "co-a@example.org"})
    assert again.status_code == 302 and again.location == response.location


def test_social_enterprise_sees_the_streams_proposed_for_its_capacity(browser, world):
    browser.login("se-a@example.org")
    listing = text(browser.get("/my/capacities"))
    assert f"/capacities/{world.ids['capacity_a']}/proposals" in listing
    page = text(browser.get(f"/capacities/{world.ids['capacity_a']}/proposals"))
    assert "Werkkledij a" in page and 'class="reasons"' in page
    assert browser.get(f"/capacities/{world.ids['capacity_b']}/proposals").status_code in (403,
                                                                                          404)


def test_hub_overview_lists_its_organisations_streams_and_capacities(browser, world):
    browser.login("fac-a@example.org")
    page = text(browser.get(f"/hubs/{world.ids['hub_a']}/organisations"))
    assert "CO A" in page and "SE A" in page and "Werkkledij a" in page
    assert "Textielsortering a" in page and "CO B" not in page


def test_queue_filters_by_material_including_narrower_ones(browser, world):
    browser.login("fac-a@example.org")
    hub = world.ids["hub_a"]
    assert "Werkkledij a" in text(browser.get(f"/hubs/{hub}/queue?material=textiles"))
    filtered = text(browser.get(f"/hubs/{hub}/queue?material=ict_equipment"))
    assert 'class="stream-title">Werkkledij a' not in filtered


def test_facilitator_withdraws_an_accepted_match(browser, world):
    browser.login("fac-a@example.org")
    match_page = _take_first_suggestion(browser, world.ids["hub_a"], world.ids["stream_a"])
    for step in ("accepted", "withdrawn"):
        version = re.search(r'name="version" value="(\d+)"',
                            text(browser.get(match_page))).group(1)
        assert browser.post(match_page + "/decide", {"to_status": step,
                                                     "version": version}).status_code == 302
    assert "ingetrokken" in text(browser.get(match_page))


def test_facilitator_sets_a_target_and_sees_progress_against_it(browser, world):
    browser.login("fac-a@example.org")
    hub = world.ids["hub_a"]
    match_page = _take_first_suggestion(browser, hub, world.ids["stream_a"])
    version = re.search(r'name="version" value="(\d+)"', text(browser.get(match_page))).group(1)
    browser.post(match_page + "/decide", {"to_status": "accepted", "version": version})
    import datetime as dt

    year = dt.date.today().year
    response = browser.post(f"/hubs/{hub}/kpi-targets", {"kpi": "matches_accepted",
                                                         "year": year, "target": "4"})
    assert response.status_code == 302
    page = text(browser.get(response.location))
    assert re.search(r'data-kpi="matches_accepted">.*?<meter[^>]*value="0.25"', page, re.S)
    assert browser.post(f"/hubs/{hub}/kpi-targets", {"kpi": "nonsense", "year": year,
                                                     "target": "1"}).status_code == 400


def test_facilitator_registers_a_stream_for_an_organisation_of_the_hub(browser, world):
    browser.login("fac-a@example.org")
    org = world.ids["org_co_a"]
    assert f"/streams/new?organisation={org}" in text(
        browser.get(f"/hubs/{world.ids['hub_a']}/organisations"))
    browser.get(f"/streams/new?organisation={org}")
    response = browser.post(f"/streams/new?organisation={org}", {
        "title": "Paletten", "materials": "pallets", "action": "save", "status": "published"})
    assert response.status_code == 302
    assert "Paletten" in text(browser.get(f"/hubs/{world.ids['hub_a']}/organisations"))


def test_introduction_form_mails_the_note_to_the_parties_and_keeps_the_internal_one(
        api_app, browser, world):
    browser.login("fac-a@example.org")
    match_page = _take_first_suggestion(browser, world.ids["hub_a"], world.ids["stream_a"])
    page = text(browser.get(match_page))
    assert "Notitie voor de partijen" in page and "Interne notitie" in page
    for step, notes in (("accepted", {}),
                        ("introduced", {"note_to_parties": "Spreek af voor vrijdag.",
                                        "note": "eerst hun attest nakijken"})):
        version = re.search(r'name="version" value="(\d+)"',
                            text(browser.get(match_page))).group(1)
        assert browser.post(match_page + "/decide", {"to_status": step, "version": version,
                                                     **notes}).status_code == 302
    mailer = api_app.extensions["matchmaker.mailer"]
    from matchmaker.mail import decoded_text

    mails = [decoded_text(path.read_bytes()) for path in mailer.outbox_files()]
    assert mails and all("Spreek af voor vrijdag." in m for m in mails)
    assert not any("attest nakijken" in m for m in mails)
    history = text(browser.get(match_page))
    assert "aan de partijen: Spreek af voor vrijdag." in history
    assert "intern: eerst hun attest nakijken" in history


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_queue_shows_only_the_matches_i_took_when_asked(browser, world, session_factory):
    from tests.test_api_matches import add_facilitator

    add_facilitator(session_factory, world, "fac-a2")
    hub, stream = world.ids["hub_a"], world.ids["stream_a"]
    taken = {}
    for email, capacity in (("fac-a@example.org", "capacity_a"),
                            ("fac-a2@example.org", "capacity_b")):
        colleague = Browser(browser.client.application.test_client()).login(email)
        response = colleague.post(f"/hubs/{hub}/take", {"stream_id": stream,
                                                        "capacity_id": world.ids[capacity]})
        assert response.status_code == 302
        taken[email] = response.location.rsplit("/", 1)[1]
    browser.login("fac-a2@example.org")
    everything = text(browser.get(f"/hubs/{hub}/queue"))
    mine = text(browser.get(f"/hubs/{hub}/queue?assigned=me"))
    assert all(f'/matches/{m}"' in everything for m in taken.values())
    assert f'/matches/{taken["fac-a2@example.org"]}"' in mine
    assert f'/matches/{taken["fac-a@example.org"]}"' not in mine
    assert 'id="f-assigned" name="assigned" type="checkbox" value="me" checked' in mine


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_completing_early_warns_and_asks_the_volume_in_the_streams_unit(
        browser, world, session_factory):
    import datetime as dt

    from matchmaker import workflow
    from models import Capacity, Match, Stream, User

    start = dt.date.today() + dt.timedelta(days=60)
    with session_factory() as session:
        stream = session.get(Stream, world.ids["stream_a"])
        stream.quantity_unit = "t"
        actor = session.get(User, world.ids["user_fac_a"])
        match = workflow.take_suggestion(session, actor, stream,
                                         session.get(Capacity, world.ids["capacity_a"]),
                                         0.8, {}, "test")
        for step, deal in (("accepted", None), ("introduced", None), ("agreed", workflow.Agreement(
                3000, start, start + dt.timedelta(days=365), estimated_hours=100))):
            workflow.decide(session, actor, match, workflow.Transition(
                step, match.version, agreement=deal))
        session.commit()
        match_id, version = match.id, match.version
    browser.login("fac-a@example.org")
    page = text(browser.get(f"/matches/{match_id}"))
    assert 'id="early-completion"' in page and 'id="confirm_early_completion"' in page
    assert re.search(r'<label for="completed_amount">[^<]*\(ton\)</label>', page)
    form = {"to_status": "completed", "version": version, "completed_amount": "2,5"}
    refused = browser.post(f"/matches/{match_id}/decide", form)
    assert refused.status_code == 400
    assert 'id="confirm_early_completion-error"' in text(refused)
    assert 'value="2,5"' in text(refused)    # what was typed stays
    done = browser.post(f"/matches/{match_id}/decide", {**form, "confirm_early_completion": "1"})
    assert done.status_code == 302
    with session_factory() as session:
        assert session.get(Match, match_id).completed_volume_kg == 2500
