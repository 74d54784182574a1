"""The parties' voice, the partner hub's consent and the queue on the pages (Flask's test
client on the `world` of two hubs): proposals answered by both parties, mutual interest
first in the queue, a party's 'not for us' confirmed from the queue, the introduction of
another hub's social enterprise waiting for that hub, rejecting and taking several
suggestions at once, counts per status, filters on the organisations."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from models import Capacity, Match, Organisation
from tests.test_web_pages import Browser, text

SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # pages, not storage


@pytest.fixture
def browser(api_app) -> Browser:
    return Browser(api_app.test_client())


def _as(api_app, email: str) -> Browser:
    return Browser(api_app.test_client()).login(email)


def _interest(member: Browser, kind: str, item_id: int, other_id: int, **form):
    page = text(member.get(f"/{kind}/{item_id}/proposals"))
    assert f'id="p-{other_id}"' in page, "the other item is proposed"
    return member.post(f"/{kind}/{item_id}/proposals/{other_id}/interest", form)


def _match(session_factory, stream_id: int, capacity_id: int) -> Match:
    with session_factory() as session:
        return session.scalar(sa.select(Match).where(Match.stream_id == stream_id,
                                                     Match.capacity_id == capacity_id))


@SQLITE
def test_both_parties_interested_come_first_in_the_queue_and_the_other_hub_consents(
        api_app, world, session_factory):
    ids = world.ids
    company, enterprise = _as(api_app, "co-a@example.org"), _as(api_app, "se-b@example.org")
    assert _interest(company, "streams", ids["stream_a"], ids["capacity_b"],
                     interested="1").status_code == 302
    page = text(company.get(f"/streams/{ids['stream_a']}/proposals"))
    assert "Jij zei: <strong>geïnteresseerd</strong>" in page
    # a pair inside hub A that only the company is interested in ranks after the mutual one
    _interest(company, "streams", ids["stream_a"], ids["capacity_a"], interested="1")
    _interest(enterprise, "capacities", ids["capacity_b"], ids["stream_a"], interested="1")
    mutual = _match(session_factory, ids["stream_a"], ids["capacity_b"])
    facilitator = _as(api_app, "fac-a@example.org")
    queue = text(facilitator.get(f"/hubs/{ids['hub_a']}/queue"))
    rows = re.findall(r'<tr class="match-row( mutual)?"><td[^>]*><a href="/matches/(\d+)"', queue)
    assert rows[0] == (" mutual", str(mutual.id)) and len(rows) == 2
    assert "de onderneming is geïnteresseerd" in queue  # stands for hub B's consent
    # hub A accepts; the introduction waits for hub B (or the enterprise's own interest)
    match_page = f"/matches/{mutual.id}"
    version = re.search(r'name="version" value="(\d+)"', text(facilitator.get(match_page)))[1]
    assert facilitator.post(match_page + "/decide", {"to_status": "accepted",
                                                     "version": version}).status_code == 302
    page = text(facilitator.get(match_page))
    # the enterprise said it is interested: that stands for its hub's consent
    assert 'id="consent-awaited"' not in page and 'value="introduced"' in page
    partner = _as(api_app, "fac-b@example.org")
    elsewhere = text(partner.get(f"/hubs/{ids['hub_b']}/queue"))
    assert f'action="/matches/{mutual.id}/consent"' in elsewhere
    assert partner.post(f"/matches/{mutual.id}/consent", {"consent": "1"}).status_code == 302
    assert "toestemming gegeven" in text(facilitator.get(match_page))


@SQLITE
def test_a_cross_hub_introduction_waits_for_the_consent_on_the_page(api_app, world,
                                                                   session_factory):
    ids = world.ids
    facilitator = _as(api_app, "fac-a@example.org")
    assert facilitator.post(f"/hubs/{ids['hub_a']}/take", {
        "stream_id": ids["stream_a"], "capacity_id": ids["capacity_b"]}).status_code == 302
    match = _match(session_factory, ids["stream_a"], ids["capacity_b"])
    match_page = f"/matches/{match.id}"
    version = re.search(r'name="version" value="(\d+)"', text(facilitator.get(match_page)))[1]
    facilitator.post(match_page + "/decide", {"to_status": "accepted", "version": version})
    page = text(facilitator.get(match_page))
    assert 'id="consent-awaited"' in page and 'value="introduced"' not in page
    # the capacity's hub reads the match and consents from it
    partner = _as(api_app, "fac-b@example.org")
    assert 'id="consent"' in text(partner.get(match_page))
    partner.post(f"/matches/{match.id}/consent", {"consent": "1"})
    page = text(facilitator.get(match_page))
    assert 'id="consent-awaited"' not in page and 'value="introduced"' in page
    # the history says who did what
    assert "fac-b@example.org" in page and "(de hub van de capaciteit)" in page
    for step, form in (("introduced", {}), ("agreed", {
            "volume_kg": "800", "period_start": "2026-02-01", "period_end": "2026-07-31",
            "estimated_hours": "320", "new_service": "1"})):
        version = re.search(r'name="version" value="(\d+)"', text(facilitator.get(match_page)))[1]
        assert facilitator.post(match_page + "/decide", {"to_status": step, "version": version,
                                                         **form}).status_code == 302
    agreed = re.search(r'<p class="meta" id="agreed">(.*?)</p>', text(facilitator.get(match_page)),
                       re.S)[1]
    assert "800 kg" in agreed and "Werkuren voor de doelgroep: 320" in agreed
    assert "Een nieuwe dienst voor de sociale onderneming" in agreed


@SQLITE
def test_a_partys_not_for_us_is_confirmed_from_the_queue(api_app, world, session_factory):
    ids = world.ids
    enterprise = _as(api_app, "se-a@example.org")
    assert _interest(enterprise, "capacities", ids["capacity_a"], ids["stream_a"],
                     interested="0").status_code == 302  # no reason: asked again
    assert _match(session_factory, ids["stream_a"], ids["capacity_a"]) is None
    _interest(enterprise, "capacities", ids["capacity_a"], ids["stream_a"], interested="0",
              reason_code="not_enough_capacity")
    match = _match(session_factory, ids["stream_a"], ids["capacity_a"])
    assert match.capacity_interest is False and match.status == "proposed"
    facilitator = _as(api_app, "fac-a@example.org")
    queue = text(facilitator.get(f"/hubs/{ids['hub_a']}/queue"))
    assert "Afwijzing bevestigen" in queue
    form = re.search(r'<form method="post" class="confirm-reject" action="([^"]+)">.*?'
                     r'name="version" value="(\d+)".*?name="reason_code" value="(\w+)"',
                     queue, re.S)
    assert form[3] == "not_enough_capacity"
    assert facilitator.post(form[1], {"to_status": "rejected", "version": form[2],
                                      "reason_code": form[3]}).status_code == 302
    assert _match(session_factory, ids["stream_a"], ids["capacity_a"]).status == "rejected"


@SQLITE
def test_the_parties_follow_their_match_with_the_shared_note_only(api_app, world):
    ids = world.ids
    facilitator = _as(api_app, "fac-a@example.org")
    facilitator.post(f"/hubs/{ids['hub_a']}/take", {"stream_id": ids["stream_a"],
                                                    "capacity_id": ids["capacity_a"]})
    company = _as(api_app, "co-a@example.org")
    assert "Werkkledij a ↔" not in text(company.get("/my/streams"))
    match_page = text(facilitator.get(f"/hubs/{ids['hub_a']}/queue"))
    match_id = re.search(r'<a href="/matches/(\d+)"', match_page)[1]
    version = re.search(r'name="version" value="(\d+)"',
                        text(facilitator.get(f"/matches/{match_id}")))[1]
    facilitator.post(f"/matches/{match_id}/decide", {
        "to_status": "rejected", "version": version, "reason_code": "other"})
    assert "Werkkledij a ↔" not in text(company.get("/my/streams"))  # rejected: hub business
    # a second pair, accepted with a note for the parties and an internal one
    facilitator.post(f"/hubs/{ids['hub_a']}/take", {"stream_id": ids["stream_a"],
                                                    "capacity_id": ids["capacity_b"]})
    queue = text(facilitator.get(f"/hubs/{ids['hub_a']}/queue?status=proposed"))
    match_id = re.search(r'<a href="/matches/(\d+)"', queue)[1]
    version = re.search(r'name="version" value="(\d+)"',
                        text(facilitator.get(f"/matches/{match_id}")))[1]
    facilitator.post(f"/matches/{match_id}/decide", {
        "to_status": "accepted", "version": version, "note": "INTERN verzekering nakijken",
        "note_to_parties": "We bellen jullie volgende week."})
    page = text(company.get("/my/streams"))
    assert "Werkkledij a ↔ Textielsortering b" in page and "aanvaard" in page
    assert "We bellen jullie volgende week." in page and "INTERN" not in page


@SQLITE
def test_queue_rejects_one_card_and_takes_ticked_ones_with_counts(api_app, world,
                                                                  session_factory):
    ids = world.ids
    facilitator = _as(api_app, "fac-a@example.org")
    queue_path = f"/hubs/{ids['hub_a']}/queue"
    queue = text(facilitator.get(queue_path))
    pairs = re.findall(r'name="pair" value="(\d+:\d+)" id="pick-', queue)
    assert len(pairs) == 2
    # one card rejected with its reason, without opening it
    response = facilitator.post(f"{queue_path}/decide", {"pair": pairs[0],
                                                         "to_status": "rejected"})
    assert response.status_code == 302
    assert "Kies waarom" in text(facilitator.get(response.location))
    facilitator.post(f"{queue_path}/decide", {"pair": pairs[0], "to_status": "rejected",
                                              "reason_code": "too_far"})
    stream_id, capacity_id = map(int, pairs[0].split(":"))
    assert _match(session_factory, stream_id, capacity_id).status == "rejected"
    # the rest ticked and taken at once
    queue = text(facilitator.get(queue_path))
    ticked = re.findall(r'name="pair" value="(\d+:\d+)" id="pick-', queue)
    assert ticked == pairs[1:]
    response = facilitator.client.post(f"{queue_path}/decide", data={
        "csrf_token": facilitator.token, "pair": ticked, "to_status": "proposed"})
    assert response.status_code == 302, text(response)
    queue = text(facilitator.get(response.location))
    assert "Suggesties in beoordeling genomen: 1." in queue
    assert "Geen voorstellen die op beoordeling wachten." in queue
    assert re.search(r'class="count-proposed"[^>]*>voorgesteld \(1\)', queue)
    assert re.search(r'class="count-rejected"[^>]*>afgewezen \(1\)', queue)


@SQLITE
def test_queue_filters_on_the_organisations_and_cards_never_hide_a_broken_limit(
        api_app, world, session_factory):
    ids = world.ids
    with session_factory() as session:
        organisation = session.get(Organisation, ids["org_se_b"])
        organisation.municipality = "Lochristi"
        capacity = session.get(Capacity, ids["capacity_b"])
        capacity.title, capacity.description = "", "Wij sorteren textiel en werkkledij " \
            "voor hergebruik in onze eigen winkels en ateliers"
        session.commit()
    facilitator = _as(api_app, "fac-a@example.org")
    queue_path = f"/hubs/{ids['hub_a']}/queue"
    found = text(facilitator.get(queue_path + "?municipality=lochristi"))
    assert re.findall(r'name="pair" value="(\d+:\d+)" id="pick-', found) == [
        f"{ids['stream_a']}:{ids['capacity_b']}"]
    # no title: the description's first words
    assert "Wij sorteren textiel en werkkledij voor hergebruik in…" in found
    found = text(facilitator.get(queue_path + "?q=SE+A"))
    assert re.findall(r'name="pair" value="(\d+:\d+)" id="pick-', found) == [
        f"{ids['stream_a']}:{ids['capacity_a']}"]


def test_card_reasons_keep_every_constraint_breaking_one():
    from matchmaker.engine.explain import Reason, card_reasons

    reasons = [Reason(code, sign, code, value) for code, sign, value in (
        ("material_same", "+", 0.4), ("services_offered", "+", 0.2), ("similar_text", "+", 0.1),
        ("beyond_radius", "-", -0.05), ("social_impact", "+", 0.03),
        ("certification_missing", "-", -0.02))]
    assert [r.code for r in card_reasons(reasons, 3)] == [
        "material_same", "services_offered", "similar_text", "beyond_radius",
        "certification_missing"]


@SQLITE
def test_the_hubs_matches_come_in_pages(api_app, world, monkeypatch):
    from api.web import review

    monkeypatch.setattr(review, "MATCHES_PER_PAGE", 1)
    ids = world.ids
    facilitator = _as(api_app, "fac-a@example.org")
    for capacity in ("capacity_a", "capacity_b"):
        facilitator.post(f"/hubs/{ids['hub_a']}/take", {"stream_id": ids["stream_a"],
                                                        "capacity_id": ids[capacity]})
    first = text(facilitator.get(f"/hubs/{ids['hub_a']}/queue"))
    assert "Pagina 1 van 2" in first and 'rel="next"' in first and 'rel="prev"' not in first
    second = text(facilitator.get(f"/hubs/{ids['hub_a']}/queue?page=2"))
    assert "Pagina 2 van 2" in second and 'rel="prev"' in second
    rows = [re.findall(r'class="match-row[^"]*"><td[^>]*><a href="/matches/(\d+)"', page)
            for page in (first, second)]
    assert len(rows[0]) == len(rows[1]) == 1 and rows[0] != rows[1]
    # a page past the end shows the last one
    assert "Pagina 2 van 2" in text(facilitator.get(f"/hubs/{ids['hub_a']}/queue?page=9"))


@SQLITE
def test_queue_filters_on_distance_score_and_the_parties_interest(api_app, world):
    ids = world.ids
    _interest(_as(api_app, "co-a@example.org"), "streams", ids["stream_a"], ids["capacity_b"],
              interested="1")
    facilitator = _as(api_app, "fac-a@example.org")
    queue_path = f"/hubs/{ids['hub_a']}/queue"
    cards = re.findall(r'name="pair" value="(\d+:\d+)" id="pick-',
                       text(facilitator.get(queue_path)))
    assert cards == [f"{ids['stream_a']}:{ids['capacity_a']}"]
    # the world's items have no place: a distance filter leaves out what it cannot check
    assert 'id="pick-' not in text(facilitator.get(queue_path + "?max_km=50"))
    assert 'id="pick-' not in text(facilitator.get(queue_path + "?min_score=99"))
    assert cards == re.findall(r'name="pair" value="(\d+:\d+)" id="pick-', text(
        facilitator.get(queue_path + "?min_score=0&max_km=oops")))
    facilitator.post(f"/hubs/{ids['hub_a']}/take", {"stream_id": ids["stream_a"],
                                                    "capacity_id": ids["capacity_a"]})
    rows = re.findall(r'class="match-row[^"]*"><td[^>]*><a href="/matches/(\d+)"',
                      text(facilitator.get(queue_path + "?interest=any")))
    assert len(rows) == 1
    assert len(re.findall(r'class="match-row', text(facilitator.get(queue_path)))) == 2
