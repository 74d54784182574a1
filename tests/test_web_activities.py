"""The activity pages through Flask's test client: an activity opened from the hub's list,
corrected (the KPIs follow) and deleted after a confirmation, audited like the API; the
participant picker offers the hub's approved organisations only and refuses any other id
like one that does not exist. Pages, not storage: SQLite only."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from models import Activity, AuditEntry, Hub, User
from tests.test_web_pages import Browser, text

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

TODAY = dt.date.today().isoformat()


@pytest.fixture
def fac_a(api_app, world) -> Browser:
    return Browser(api_app.test_client()).login("fac-a@example.org")


def _kpi(browser: Browser, hub: int, kpi: str) -> str:
    page = text(browser.get(f"/hubs/{hub}/kpis"))
    row = re.search(rf'data-kpi="{kpi}">.*?<td class="num"[^>]*>([^<]+)</td>', page, re.S)
    return row.group(1).strip()


def _record(browser: Browser, hub: int, **values) -> int:
    response = browser.post(f"/hubs/{hub}/activities", {
        "kind": "network_event", "title": "Netwerkontbijt", "date": TODAY,
        "other_participants": "3", **values})
    assert response.status_code == 302, text(response)
    listed = text(browser.get(f"/hubs/{hub}/activities"))
    return int(re.search(r'href="/activities/(\d+)">[^<]*Netwerkontbijt', listed).group(1))


def _audit(session_factory, activity_id: int) -> list[str]:
    with session_factory() as session:
        return list(session.scalars(sa.select(AuditEntry.action).where(
            AuditEntry.entity == "activities", AuditEntry.entity_id == activity_id)
            .order_by(AuditEntry.id)))


def test_an_activity_is_opened_from_the_list_corrected_and_deleted_and_the_kpis_follow(
        fac_a, world, session_factory):
    hub, co_a, se_a = world.ids["hub_a"], world.ids["org_co_a"], world.ids["org_se_a"]
    activity = _record(fac_a, hub, organisations=str(co_a))
    assert _kpi(fac_a, hub, "network_participants") == "4"
    opened = text(fac_a.get(f"/activities/{activity}"))
    assert 'value="Netwerkontbijt"' in opened and f'value="{co_a}" checked' in opened
    assert '<dd id="people">4</dd>' in opened

    # a network event was in fact an info session with one more organisation and 5 others
    corrected = fac_a.post(f"/activities/{activity}", {
        "kind": "info_session", "title": "Infosessie", "date": TODAY,
        "organisations": [str(co_a), str(se_a)], "other_participants": "5"})
    assert corrected.status_code == 302 and corrected.location.endswith(f"/activities/{activity}")
    assert '<dd id="people">7</dd>' in text(fac_a.get(f"/activities/{activity}"))
    assert _kpi(fac_a, hub, "network_participants") == "0"
    assert _kpi(fac_a, hub, "awareness_participants") == "7"
    assert _kpi(fac_a, hub, "awareness_activities") == "1"

    confirm = fac_a.get(f"/activities/{activity}/delete")
    assert confirm.status_code == 200 and "Infosessie" in text(confirm)
    with session_factory() as session:   # asking is not deleting
        assert session.get(Activity, activity) is not None
    deleted = fac_a.post(f"/activities/{activity}/delete")
    assert deleted.status_code == 302 and deleted.location.endswith(f"/hubs/{hub}/activities")
    assert fac_a.get(f"/activities/{activity}").status_code == 404
    assert _kpi(fac_a, hub, "awareness_participants") == "0"
    assert _audit(session_factory, activity) == ["create", "update", "delete"]


def test_a_refused_correction_shows_the_errors_next_to_the_fields_and_changes_nothing(
        fac_a, world, session_factory):
    activity = _record(fac_a, world.ids["hub_a"])
    response = fac_a.post(f"/activities/{activity}", {
        "kind": "picnic", "title": "x" * 301, "date": "9999-12-31",
        "other_participants": "-1"})
    page = text(response)
    assert response.status_code == 400
    assert 'class="error-summary"' in page
    for field in ("kind", "title", "date", "other_participants"):
        assert f'id="{field}-error"' in page and f'href="#{field}"' in page
    assert 'value="-1"' in page   # what was typed stays
    with session_factory() as session:
        kept = session.get(Activity, activity)
        assert (kept.kind, kept.title, kept.other_participants) == (
            "network_event", "Netwerkontbijt", 3)
    assert _audit(session_factory, activity) == ["create"]


@pytest.fixture
def pending_org(world, session_factory) -> int:
    from matchmaker import onboarding

    with session_factory() as session:
        pending = onboarding.register(session, session.get(Hub, world.ids["hub_a"]), {
            "name": "Nog niet goedgekeurd", "kind": "company"}, "pending@example.org",
            "a long enough secret").organisation
        session.commit()
        return pending.id


def test_the_picker_offers_only_the_hubs_approved_organisations_and_refuses_any_other(
        fac_a, world, pending_org, session_factory):
    hub = world.ids["hub_a"]
    page = text(fac_a.get(f"/hubs/{hub}/activities"))
    offered = set(map(int, re.findall(r'name="organisations" value="(\d+)"', page)))
    assert offered == {world.ids["org_co_a"], world.ids["org_se_a"]}
    assert 'src="/static/picker.js"' in page
    for refused in (pending_org, world.ids["org_co_b"], 999999):
        response = fac_a.post(f"/hubs/{hub}/activities", {
            "kind": "training", "title": "Opleiding", "date": TODAY,
            "organisations": str(refused)})
        assert response.status_code == 400
        assert '<p class="error" id="organisations-error">Kies organisaties uit de lijst.</p>' \
            in text(response)
    with session_factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 0


def test_a_correction_keeps_a_participant_the_api_recorded_from_another_hub(
        fac_a, world, session_factory):
    from matchmaker import activities

    with session_factory() as session:
        activity = activities.record_activity(
            session, session.get(User, world.ids["user_fac_a"]),
            session.get(Hub, world.ids["hub_a"]), "hackathon", dt.date.today(), "Hackathon",
            [world.ids["org_se_b"]])
        session.commit()
        activity_id = activity.id
    page = text(fac_a.get(f"/activities/{activity_id}"))
    assert f'value="{world.ids["org_se_b"]}" checked' in page
    response = fac_a.post(f"/activities/{activity_id}", {
        "kind": "hackathon", "title": "Circulaire hackathon", "date": TODAY,
        "organisations": str(world.ids["org_se_b"]), "other_participants": "0"})
    assert response.status_code == 302
    with session_factory() as session:
        kept = session.get(Activity, activity_id)
        assert kept.title == "Circulaire hackathon"
        assert [o.id for o in kept.organisations] == [world.ids["org_se_b"]]


@pytest.mark.parametrize("who", ["fac-b@example.org", "co-a@example.org"])
def test_an_activity_of_another_hub_is_not_found(api_app, world, session_factory, who):
    from matchmaker import activities

    with session_factory() as session:
        activity = activities.record_activity(
            session, session.get(User, world.ids["user_fac_a"]),
            session.get(Hub, world.ids["hub_a"]), "training", dt.date.today(), "Opleiding")
        session.commit()
        activity_id = activity.id
    browser = Browser(api_app.test_client()).login(who)
    assert browser.get(f"/activities/{activity_id}").status_code == 404
    assert browser.get(f"/activities/{activity_id}/delete").status_code == 404
    assert browser.post(f"/activities/{activity_id}", {
        "kind": "training", "title": "Weg", "date": TODAY}).status_code == 404
    assert browser.post(f"/activities/{activity_id}/delete").status_code == 404
    with session_factory() as session:
        assert session.get(Activity, activity_id).title == "Opleiding"
