"""Erasure leaves no trace: after a contact is erased (over the API, or by the retention
command), its address, name and phone are found nowhere, and nobody else changed.

Her data is first spread everywhere it can go: an introduction and an agreement
mailed to the other party (quoted-printable splits her long address), an open
invitation of her organisation, a wrong password typed with her address, the
exchange export. Then every table and column of the database (whatever tables
exist), the database's files (SQLite: the write-ahead log included), the
exchange export, the KPI files, the audit log, the decoded outbox and the
application's log are searched.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import logging
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from matchmaker.gdpr import Traces
from matchmaker.mail import decoded_text
from models import AuditEntry, Contact, Invitation, User

PERSON = {"name": "Wannes Vandeputte-Oostakker",
          "email": "wannes.vandeputte-oostakker@sociale-werkplaats-meetjesland.example",
          "phone": "+32 9 377 12 34"}
TRACES = Traces(**PERSON)
AGREEMENT = {"volume_kg": 800, "period_start": "2026-02-01", "period_end": "2026-07-31",
             "estimated_hours": 320}


def _spread(http, world) -> int:
    """Her contact in social enterprise B, and her data in every place it can reach."""
    # she takes over from the organisation's first contact, so the exchange export has her
    _, _, organisation = http.get(f"/api/v1/organisations/{world.ids['org_se_b']}",
                                  token=world.tokens["se_b"])
    for earlier in organisation["contacts"]:
        assert http.post(f"/api/v1/contacts/{earlier['id']}/erasure",
                         token=world.tokens["se_b"])[0] == 204
    status, _, contact = http.post(f"/api/v1/organisations/{world.ids['org_se_b']}/contacts",
                                   json=PERSON, token=world.tokens["se_b"])
    assert status == 201
    assert http.post(f"/api/v1/organisations/{world.ids['org_se_b']}/invitations",
                     json={"email": PERSON["email"]}, token=world.tokens["se_b"])[0] == 202
    assert http.post("/api/v1/session", json={"email": PERSON["email"],
                                              "password": "not her password"})[0] == 401
    _, _, match = http.post("/api/v1/matches", json={
        "stream_id": world.ids["stream_a"], "capacity_id": world.ids["capacity_b"]},
        token=world.tokens["fac_a"])
    # hub B consents to the introduction of its social enterprise
    assert http.post(f"/api/v1/matches/{match['id']}/consent", json={"consent": True},
                     token=world.tokens["fac_b"])[0] == 201
    for version, step in enumerate(("accepted", "introduced", "agreed"), start=2):
        body = {"to_status": step, "version": version}
        if step == "agreed":
            body["agreement"] = AGREEMENT
        assert http.post(f"/api/v1/matches/{match['id']}/decisions", json=body,
                         token=world.tokens["fac_a"])[0] == 201
    _, _, exported = http.get("/api/v1/exchange/export?contacts=true",
                              token=world.tokens["admin"])
    assert TRACES.found_in(json.dumps(exported))
    return contact["id"]


def _everyone_else(session_factory, contact_id: int) -> dict:
    def rows(model, *where):
        return [tuple(getattr(row, c.key) for c in model.__table__.columns)
                for row in session.scalars(sa.select(model).where(*where).order_by(model.id))]

    with session_factory() as session:
        return {"users": rows(User), "contacts": rows(Contact, Contact.id != contact_id),
                "invitations": rows(Invitation, Invitation.email != PERSON["email"])}


def _found_in_tables(engine) -> list[str]:
    """Every row of every table of the database, searched column by column."""
    found = []
    with engine.connect() as connection:
        for table in sa.inspect(connection).get_table_names():
            for row in connection.execute(sa.text(f'SELECT * FROM "{table}"')).mappings():
                found += [f"{table}.{column}" for column, value in row.items()
                          if value is not None and TRACES.found_in(str(value))]
    return found


def _age(session_factory, contact_id: int) -> None:
    """Her last sign of life two years ago; everyone else's ten days ago."""
    now = dt.datetime.now(dt.UTC)
    with session_factory() as session:
        for contact in session.scalars(sa.select(Contact)):
            contact.last_active_at = now - dt.timedelta(days=800 if contact.id == contact_id
                                                        else 10)
        session.commit()


def _erase_by_retention(db_url: str, home: Path, monkeypatch) -> None:
    from api.cli import main

    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("MATCHMAKER_HOME", str(home))
    result = CliRunner().invoke(main, ["gdpr-retention", "--days", "365"])
    assert result.exit_code == 0 and result.output.strip() == "1 contact(s) erased", \
        result.output


@pytest.mark.parametrize("how", ["api", "retention"])
def test_an_erased_contact_is_found_nowhere_and_nobody_else_changed(
        how, api_app, http, world, engine, session_factory, db_url, caplog, monkeypatch):
    for logger in ("werkzeug", api_app.logger.name, "matchmaker", "api"):
        caplog.set_level(logging.DEBUG if logger != "werkzeug" else logging.INFO, logger=logger)
    contact_id = _spread(http, world)
    mailer = api_app.extensions["matchmaker.mailer"]
    assert any(TRACES.found_in_mail(path.read_bytes()) for path in mailer.outbox_files())
    assert any(PERSON["email"].encode() not in path.read_bytes() and
               TRACES.found_in_mail(path.read_bytes()) for path in mailer.outbox_files())
    assert _found_in_tables(engine)
    if how == "retention":
        _age(session_factory, contact_id)
    before = _everyone_else(session_factory, contact_id)
    with session_factory() as session:
        audit_before = session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))

    if how == "api":
        assert http.post(f"/api/v1/contacts/{contact_id}/erasure",
                         token=world.tokens["se_b"])[0] == 204
    else:
        _erase_by_retention(db_url, mailer.outbox.parent, monkeypatch)

    assert _found_in_tables(engine) == []
    if engine.dialect.name == "sqlite":
        folder = Path(engine.url.database).parent
        assert [p.name for p in folder.glob(Path(engine.url.database).name + "*")
                if TRACES.found_in(p.read_bytes().decode("utf-8", errors="ignore"))] == []
    _, _, exported = http.get("/api/v1/exchange/export?contacts=true",
                              token=world.tokens["admin"])
    assert not TRACES.found_in(json.dumps(exported, ensure_ascii=False))
    for hub in ("hub_a", "hub_b"):
        for suffix in ("csv", "xlsx"):
            body = http.raw("GET", f"/api/v1/hubs/{world.ids[hub]}/kpis.{suffix}",
                            token=world.tokens["admin"])
            text = body.decode() if suffix == "csv" else "\n".join(
                str(cell) for row in openpyxl.load_workbook(io.BytesIO(body)).active
                .iter_rows(values_only=True) for cell in row)
            assert text and not TRACES.found_in(text)
    assert not any(TRACES.found_in(decoded_text(path.read_bytes()))
                   for path in mailer.outbox_files())
    assert mailer.outbox_files()  # the mails about others stay
    assert caplog.records and not TRACES.found_in(caplog.text)

    with session_factory() as session:
        entries = session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.action, e.entity, e.entity_id) for e in entries[audit_before:]] == [
            ("erase", "contacts", contact_id)]
        assert session.get(Contact, contact_id).erased_at is not None
    assert _everyone_else(session_factory, contact_id) == before
