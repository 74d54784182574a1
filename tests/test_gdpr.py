"""GDPR: export of everything held about an organisation, erasure of a contact that leaves
the address nowhere (exports, audit log, outbox), and retention of inactive contacts."""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from matchmaker import gdpr
from matchmaker.mail import decoded_text
from models import AuditEntry, Contact, Organisation
from tests.conftest import PASSWORD

ADDRESS = "person-se-b@example.org"


def _contact_id(session_factory, organisation_id):
    with session_factory() as session:
        return session.scalar(sa.select(Contact.id).where(
            Contact.organisation_id == organisation_id))


def test_export_holds_the_organisation_its_people_items_and_matches(http, world):
    http.post("/api/v1/matches", json={"stream_id": world.ids["stream_b"],
                                       "capacity_id": world.ids["capacity_b"]},
              token=world.tokens["fac_b"])
    # the hub's facilitator reads the proposed match; the organisation itself does not yet
    status, _, document = http.get(f"/api/v1/organisations/{world.ids['org_se_b']}/personal-data",
                                   token=world.tokens["fac_b"])
    assert status == 200
    assert document["organisation"]["name"] == "SE B"
    assert document["contacts"][0]["email"] == ADDRESS
    assert document["members"][0]["email"] == "se-b@example.org"
    assert "password_hash" not in document["members"][0]
    assert [c["title"] for c in document["capacities"]] == ["Textielsortering b"]
    assert document["matches"][0]["decisions"][0]["to_status"] == "proposed"
    assert {e["entity"] for e in document["audit_entries"]} >= {"organisations", "capacities"}


def test_export_is_refused_to_those_who_do_not_manage_the_organisation(http, world):
    path = f"/api/v1/organisations/{world.ids['org_se_b']}/personal-data"
    assert http.get(path, token=world.tokens["fac_a"])[0] == 403
    assert http.get(path, token=world.tokens["co_b"])[0] == 403


def test_erased_address_is_found_nowhere_and_kpis_still_add_up(
        api_app, http, world, session_factory):
    # An introduction puts the address into the outbox first.
    _, _, match = http.post("/api/v1/matches", json={
        "stream_id": world.ids["stream_a"], "capacity_id": world.ids["capacity_b"]},
        token=world.tokens["fac_a"])
    # hub B consents to the introduction of its social enterprise
    assert http.post(f"/api/v1/matches/{match['id']}/consent", json={"consent": True},
                     token=world.tokens["fac_b"])[0] == 201
    for step in ("accepted", "introduced"):
        _, _, now = http.get(f"/api/v1/matches/{match['id']}", token=world.tokens["fac_a"])
        http.post(f"/api/v1/matches/{match['id']}/decisions",
                  json={"to_status": step, "version": now["version"]}, token=world.tokens["fac_a"])
    mailer = api_app.extensions["matchmaker.mailer"]
    assert any(ADDRESS in decoded_text(f.read_bytes()) for f in mailer.outbox_files())
    with session_factory() as session:
        entries_before = session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))

    contact_id = _contact_id(session_factory, world.ids["org_se_b"])
    status, _, _ = http.post(f"/api/v1/contacts/{contact_id}/erasure", token=world.tokens["fac_b"])
    assert status == 204

    _, _, document = http.get(f"/api/v1/organisations/{world.ids['org_se_b']}/personal-data",
                              token=world.tokens["admin"])
    assert ADDRESS not in json.dumps(document)
    assert not any(ADDRESS in decoded_text(f.read_bytes()) for f in mailer.outbox_files())
    with session_factory() as session:
        log = session.scalars(sa.select(AuditEntry)).all()
        assert len(log) == entries_before + 1 and log[-1].action == "erase"
        assert ADDRESS not in json.dumps([(e.before, e.after) for e in log])
        contact = session.get(Contact, contact_id)
        assert (contact.name, contact.email, contact.erased_at is not None) == (None, None, True)
    _, _, report = http.get(f"/api/v1/hubs/{world.ids['hub_a']}/kpis", token=world.tokens["fac_a"])
    assert next(r for r in report["rows"] if r["kpi"] == "matches_introduced")["value"] == 1


def test_signing_in_on_the_web_page_counts_as_activity_for_retention(api_app, world,
                                                                       session_factory):
    with session_factory() as session:
        organisation = session.get(Organisation, world.ids["org_co_a"])
        session.add(Contact(organisation=organisation, name="Co", email="co-a@example.org",
                            last_active_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)))
        session.commit()
    client = api_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": csrf, "email": "co-a@example.org",
                                           "password": PASSWORD})
    assert response.status_code == 302
    with session_factory() as session:
        contact = session.scalar(sa.select(Contact).where(Contact.email == "co-a@example.org"))
        assert contact.last_active_at > dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)


def test_retention_erases_only_contacts_inactive_for_too_long(world, session_factory):
    now = dt.datetime.now(dt.UTC)
    with session_factory() as session:
        old, recent = session.scalars(sa.select(Contact).order_by(Contact.id).limit(2)).all()
        old.last_active_at = now - dt.timedelta(days=400)
        recent.last_active_at = now - dt.timedelta(days=10)
        old_email = old.email
        session.commit()
        erased = gdpr.apply_retention(session, inactive_days=365)
        session.commit()
        assert [traces.email for traces in erased] == [old_email]
        assert session.get(Contact, recent.id).email is not None


def test_retention_command_applies_the_configured_period(world, session_factory, db_url,
                                                         monkeypatch, tmp_path):
    from api.cli import main

    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("MATCHMAKER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MATCHMAKER_CONTACT_RETENTION_DAYS", "0")
    result = CliRunner().invoke(main, ["gdpr-retention"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "4 contact(s) erased"
    with session_factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Contact).where(
            Contact.email.is_not(None))) == 0


def test_contacts_are_added_and_corrected_by_those_who_manage_the_organisation(http, world):
    path = f"/api/v1/organisations/{world.ids['org_co_a']}/contacts"
    status, _, contact = http.post(path, json={"name": "Jan", "email": "jan@example.org"},
                                   token=world.tokens["co_a"])
    assert status == 201
    assert http.post(path, json={"name": "X"}, token=world.tokens["co_b"])[0] == 403
    status, _, fixed = http.patch(f"/api/v1/contacts/{contact['id']}",
                                  json={"phone": "+32 9 123 45 67"}, token=world.tokens["fac_a"])
    assert status == 200 and fixed["phone"] == "+32 9 123 45 67"
    assert http.patch(f"/api/v1/contacts/{contact['id']}", json={"phone": "1"},
                      token=world.tokens["fac_b"])[0] == 404


def test_signing_in_keeps_the_matching_contact_of_ones_own_organisation_from_expiring(
        http, world, session_factory):
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=900)
    with session_factory() as session:
        own, elsewhere = (Contact(organisation_id=world.ids[org], name="Co A",
                                  email="co-a@example.org", created_at=long_ago)
                          for org in ("org_co_a", "org_se_b"))
        session.add_all([own, elsewhere])
        session.commit()
    assert http.post("/api/v1/session", json={"email": "co-a@example.org",
                                              "password": PASSWORD})[0] == 200
    with session_factory() as session:
        gdpr.apply_retention(session, inactive_days=365)
        session.commit()
        assert session.get(Contact, own.id).email == "co-a@example.org"
        # another organisation's contact is not kept alive by an address typed into it
        assert session.get(Contact, elsewhere.id).erased_at is not None


def test_erasure_removes_the_mails_that_hold_the_person_once_decoded(api_app, http, world):
    long_address = "aankoopdienst.facilitair-beheer@ziekenhuisnetwerk-schelde-en-durme.example"
    status, _, contact = http.post(
        f"/api/v1/organisations/{world.ids['org_se_b']}/contacts",
        json={"name": "Renée Van den Abeele", "email": long_address, "phone": "+32 9 123 45 67"},
        token=world.tokens["se_b"])
    assert status == 201
    http.post(f"/api/v1/organisations/{world.ids['org_co_b']}/invitations",
              json={"email": "nieuw@example.org"}, token=world.tokens["co_b"])
    _, _, match = http.post("/api/v1/matches", json={
        "stream_id": world.ids["stream_b"], "capacity_id": world.ids["capacity_b"]},
        token=world.tokens["fac_b"])
    for step, version in (("accepted", 1), ("introduced", 2)):
        http.post(f"/api/v1/matches/{match['id']}/decisions",
                  json={"to_status": step, "version": version}, token=world.tokens["fac_b"])
    mailer = api_app.extensions["matchmaker.mailer"]
    raw = [f.read_bytes() for f in mailer.outbox_files()]
    # the introduction to the company names her; quoted-printable splits her address
    assert any("Renée Van den Abeele" in decoded_text(r) and long_address.encode() not in r
               for r in raw)

    assert http.post(f"/api/v1/contacts/{contact['id']}/erasure",
                     token=world.tokens["se_b"])[0] == 204
    left = [decoded_text(f.read_bytes()) for f in mailer.outbox_files()]
    assert not any(long_address in text or "Renée" in text or "123 45 67" in text
                   for text in left)
    assert any("nieuw@example.org" in text for text in left)


def test_no_file_of_a_sqlite_database_keeps_an_erased_contact(http, world, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("the files of a SQLite database; PostgreSQL keeps its own (docs/security.md)")
    folder = Path(sa.make_url(db_url).database).parent
    traces = {"name": "Wannes Vandeputte-Oost", "email": "wannes.oost@voorbeeld-firma.example",
              "phone": "+32 470 99 88 77"}
    status, _, contact = http.post(f"/api/v1/organisations/{world.ids['org_co_a']}/contacts",
                                   json=traces, token=world.tokens["co_a"])
    assert status == 201
    # the organisation invited her too: a row (and an index entry) to remove
    assert http.post(f"/api/v1/organisations/{world.ids['org_co_a']}/invitations",
                     json={"email": traces["email"]}, token=world.tokens["co_a"])[0] == 202

    def files_holding(value: str) -> list[str]:
        return [p.name for p in folder.glob("matchmaker.sqlite*")
                if value.encode() in p.read_bytes()]

    assert files_holding(traces["email"])  # the test can see it before
    assert http.post(f"/api/v1/contacts/{contact['id']}/erasure",
                     token=world.tokens["co_a"])[0] == 204
    assert {key: files_holding(value) for key, value in traces.items()} == {
        key: [] for key in traces}
