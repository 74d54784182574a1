"""Hubs, organisations, streams and capacities through the API: CRUD, lists, filters,
contacts only for those who may see them, and the audit trail of every write."""
from __future__ import annotations

import json

import sqlalchemy as sa

from models import AuditEntry, Organisation


def _create_stream(http, world, **fields):
    body = {"title": "Laptops", "materials": ["ict_equipment"], "services_wanted": ["data_wiping"],
            **fields}
    status, _, stream = http.post(f"/api/v1/organisations/{world.ids['org_co_a']}/streams",
                                  json=body, token=world.tokens["co_a"])
    assert status == 201, stream
    return stream


def test_member_registers_a_stream_for_its_own_organisation(http, world):
    stream = _create_stream(http, world, quantity_amount=40, quantity_unit="units",
                            quantity_per="year")
    assert stream["organisation_id"] == world.ids["org_co_a"]
    assert stream["hub_id"] == world.ids["hub_a"]
    assert stream["status"] == "published" and stream["version"] == 1
    status, _, again = http.get(f"/api/v1/streams/{stream['id']}", token=world.tokens["co_a"])
    assert status == 200 and again["quantity_amount"] == 40


def test_update_with_a_stale_version_is_a_409_and_keeps_the_newer_value(http, world):
    stream = _create_stream(http, world)
    path = f"/api/v1/streams/{stream['id']}"
    first = http.patch(path, json={"title": "Eerste"}, token=world.tokens["co_a"],
                       headers={"If-Match": "1"})
    second = http.patch(path, json={"title": "Tweede"}, token=world.tokens["fac_a"],
                        headers={"If-Match": "1"})
    assert first[0] == 200 and first[2]["version"] == 2
    assert second[0] == 409
    assert http.get(path, token=world.tokens["co_a"])[2]["title"] == "Eerste"


def test_status_changes_only_through_the_status_endpoint(http, world):
    stream = _create_stream(http, world)
    status, _, closed = http.post(f"/api/v1/streams/{stream['id']}/status",
                                  json={"status": "closed"}, token=world.tokens["co_a"])
    assert status == 200 and closed["status"] == "closed"
    # A closed stream is no longer public: another hub's facilitator cannot see it.
    assert http.get(f"/api/v1/streams/{stream['id']}", token=world.tokens["fac_b"])[0] == 404


def test_list_filters_by_hub_material_service_status_and_text(http, world):
    _create_stream(http, world, title="Oude laptops van de boekhouding")
    token = world.tokens["admin"]

    def titles(query):
        status, _, page = http.get(f"/api/v1/streams?{query}", token=token)
        assert status == 200, page
        return sorted(item["title"] for item in page["items"])

    assert titles(f"hub={world.ids['hub_b']}") == ["Werkkledij b"]
    # A parent material finds its children (workwear is under textiles).
    assert titles("material=textiles") == ["Werkkledij a", "Werkkledij b"]
    assert titles("service=data_wiping") == ["Oude laptops van de boekhouding"]
    assert titles("q=BOEKHOUD") == ["Oude laptops van de boekhouding"]
    assert titles("q=100%25") == []
    assert titles("status=draft") == []


def test_list_pages_carry_total_and_respect_page_size(http, world):
    for n in range(3):
        _create_stream(http, world, title=f"Partij {n}")
    status, _, page = http.get("/api/v1/streams?page=2&page_size=2", token=world.tokens["admin"])
    assert status == 200
    assert page["total"] == 5 and page["page"] == 2 and len(page["items"]) == 2


def test_contacts_are_shown_to_own_members_and_hub_facilitators_only(http, world):
    path = f"/api/v1/organisations/{world.ids['org_co_a']}"
    for role in ("admin", "fac_a", "co_a"):
        status, _, org = http.get(path, token=world.tokens[role])
        assert status == 200
        assert org["contacts"][0]["email"] == "person-co-a@example.org", role
    for role in ("fac_b", "se_a", "co_b"):
        status, _, org = http.get(path, token=world.tokens[role])
        assert status == 200
        assert "contacts" not in org, role
    _, _, page = http.get("/api/v1/organisations", token=world.tokens["fac_b"])
    assert "person-co-a@example.org" not in json.dumps(page)


def test_every_write_is_audited_without_personal_data(http, world, session_factory):
    stream = _create_stream(http, world)
    http.patch(f"/api/v1/streams/{stream['id']}", json={"title": "Gewijzigd"},
               token=world.tokens["co_a"])
    http.patch(f"/api/v1/organisations/{world.ids['org_co_a']}", json={"description": "Nieuw"},
               token=world.tokens["fac_a"])
    with session_factory() as session:
        entries = session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
        mine = [(e.action, e.entity, e.actor_id) for e in entries[-3:]]
        assert mine == [("create", "streams", world.ids["user_co_a"]),
                        ("update", "streams", world.ids["user_co_a"]),
                        ("update", "organisations", world.ids["user_fac_a"])]
        update = entries[-2]
        assert update.before["title"] == "Laptops" and update.after["title"] == "Gewijzigd"
        logged = json.dumps([(e.before, e.after) for e in entries])
    assert "@example.org" not in logged
    assert "Person" not in logged


def test_stream_with_matches_cannot_be_deleted(http, world):
    status, _, _ = http.post("/api/v1/matches", json={
        "stream_id": world.ids["stream_a"], "capacity_id": world.ids["capacity_a"]},
        token=world.tokens["fac_a"])
    assert status == 201
    status, _, problem = http.delete(f"/api/v1/streams/{world.ids['stream_a']}",
                                     token=world.tokens["fac_a"])
    assert status == 409
    assert problem["allowed"] == ["closed", "withdrawn"]


def test_member_of_a_social_enterprise_registers_capacities_not_streams(http, world):
    org = world.ids["org_se_a"]
    refused = http.post(f"/api/v1/organisations/{org}/streams", json={"title": "x"},
                        token=world.tokens["se_a"])
    created = http.post(f"/api/v1/organisations/{org}/capacities",
                        json={"title": "Fietsherstel", "materials": ["bicycles"],
                              "services": ["repair"], "service_radius_km": 25},
                        token=world.tokens["se_a"])
    assert refused[0] == 403
    assert created[0] == 201 and created[2]["service_radius_km"] == 25


def test_hub_with_organisations_cannot_be_deleted(http, world):
    status, _, problem = http.delete(f"/api/v1/hubs/{world.ids['hub_a']}",
                                     token=world.tokens["admin"])
    assert status == 409 and "organisations" in problem["detail"]
    _, _, hub = http.post("/api/v1/hubs", json={"name": "Leeg"}, token=world.tokens["admin"])
    assert http.delete(f"/api/v1/hubs/{hub['id']}", token=world.tokens["admin"])[0] == 204


def test_an_enterprise_number_belongs_to_one_organisation_created_or_edited(
        http, world, session_factory):
    hub = world.ids["hub_a"]
    status, _, first = http.post(f"/api/v1/hubs/{hub}/organisations", json={
        "name": "Kringwinkel Noord", "kind": "social_enterprise",
        "enterprise_number": "0456.123.989"}, token=world.tokens["fac_a"])
    assert status == 201, first
    status, _, problem = http.post(f"/api/v1/hubs/{hub}/organisations", json={
        "name": "Kringwinkel Noord bis", "kind": "social_enterprise",
        "enterprise_number": "BE 0456 123 989"}, token=world.tokens["fac_a"])
    assert status == 409 and "0456123989" in problem["detail"]
    other = world.ids["org_co_a"]
    status, _, problem = http.patch(f"/api/v1/organisations/{other}", json={
        "name": "Renamed", "enterprise_number": "0456123989"}, token=world.tokens["fac_a"])
    assert status == 409
    # its own number again is not a duplicate
    status, _, same = http.patch(f"/api/v1/organisations/{first['id']}", json={
        "enterprise_number": "0456.123.989"}, token=world.tokens["fac_a"])
    assert status == 200, same
    with session_factory() as session:
        assert session.get(Organisation, other).name != "Renamed"
        assert session.scalar(sa.select(sa.func.count()).select_from(Organisation).where(
            Organisation.enterprise_number == "0456123989")) == 1


def test_a_member_cannot_change_what_the_hub_approves(http, world, session_factory):
    """Kind, recognitions and enterprise number are the hub's to approve: a member's change
    is a 403 naming each field and changes nothing; the facilitator may make it."""
    path = f"/api/v1/organisations/{world.ids['org_co_a']}"
    member = world.tokens["co_a"]
    with session_factory() as session:
        before = session.get(Organisation, world.ids["org_co_a"])
        before = (before.kind, before.recognitions, before.enterprise_number)
    status, _, problem = http.patch(path, token=member, json={
        "kind": "social_enterprise", "recognitions": ["maatwerkbedrijf"],
        "enterprise_number": "0456.123.989", "description": "Nu een maatwerkbedrijf"})
    assert status == 403
    assert sorted(e["path"] for e in problem["errors"]) == [
        "enterprise_number", "kind", "recognitions"]
    with session_factory() as session:
        after = session.get(Organisation, world.ids["org_co_a"])
        assert (after.kind, after.recognitions, after.enterprise_number) == before
        assert after.description is None
    # still a company: its member registers no capacities
    assert http.post(f"{path}/capacities", json={"title": "Sorteren"}, token=member)[0] == 403
    # what the hub approved, sent back unchanged, and the member's own fields are fine
    status, _, shown = http.patch(path, token=member, json={"kind": "company",
                                                             "description": "Drukkerij"})
    assert status == 200 and shown["description"] == "Drukkerij"
    status, _, shown = http.patch(path, token=world.tokens["fac_a"],
                                  json={"recognitions": ["sociale_onderneming"]})
    assert status == 200 and shown["recognitions"] == ["sociale_onderneming"]
