"""E-mail: introductions reach both parties in their own language, through a real SMTP
server when one is configured, into the outbox folder when none is."""
from __future__ import annotations

import pytest

from models import Organisation


@pytest.fixture
def french_partner(world, session_factory):
    with session_factory() as session:
        session.get(Organisation, world.ids["org_se_b"]).language = "fr"
        session.commit()
    return world


def _introduce(http, world):
    _, _, match = http.post("/api/v1/matches", json={
        "stream_id": world.ids["stream_a"], "capacity_id": world.ids["capacity_b"]},
        token=world.tokens["fac_a"])
    # hub B consents to the introduction of its social enterprise
    assert http.post(f"/api/v1/matches/{match['id']}/consent", json={"consent": True},
                     token=world.tokens["fac_b"])[0] == 201
    for status in ("accepted", "introduced"):
        _, _, current = http.get(f"/api/v1/matches/{match['id']}", token=world.tokens["fac_a"])
        code, _, body = http.post(f"/api/v1/matches/{match['id']}/decisions", json={
            "to_status": status, "version": current["version"]}, token=world.tokens["fac_a"])
        assert code == 201, body
    return match


def test_introduction_mails_each_party_in_its_language_with_the_others_contact(
        api_app, http, french_partner, smtp_inbox):
    api_app.extensions["matchmaker.mailer"].smtp_url = smtp_inbox.url
    _introduce(http, french_partner)
    by_recipient = {m["To"]: m for m in smtp_inbox.messages}
    assert set(by_recipient) == {"person-co-a@example.org", "person-se-b@example.org"}
    company_mail = by_recipient["person-co-a@example.org"].get_content()
    partner_mail = by_recipient["person-se-b@example.org"].get_content()
    assert "Goeiedag" in company_mail and "person-se-b@example.org" in company_mail
    assert "Bonjour" in partner_mail and "person-co-a@example.org" in partner_mail
    assert "Werkkledij a" in by_recipient["person-se-b@example.org"]["Subject"]
    # The engine's own reasons, each in the reader's language, not the shared-labels fallback.
    company_reasons = company_mail.split("Waarom deze match:")[1].split("De match bekijken")[0]
    partner_reasons = partner_mail.split("Pourquoi ce match\u00a0:")[1].split("Voir le match")[0]
    assert company_reasons.strip().startswith("- ") and "Gedeeld" not in company_reasons
    assert partner_reasons.strip().startswith("- ") and "En commun" not in partner_reasons
    assert company_reasons != partner_reasons


def test_review_steps_before_introduction_send_nothing(api_app, http, world, smtp_inbox):
    api_app.extensions["matchmaker.mailer"].smtp_url = smtp_inbox.url
    _, _, match = http.post("/api/v1/matches", json={
        "stream_id": world.ids["stream_a"], "capacity_id": world.ids["capacity_a"]},
        token=world.tokens["fac_a"])
    http.post(f"/api/v1/matches/{match['id']}/decisions",
              json={"to_status": "accepted", "version": match["version"]},
              token=world.tokens["fac_a"])
    assert smtp_inbox.messages == []


def test_without_smtp_mails_land_in_the_outbox(api_app, http, world):
    _introduce(http, world)
    files = api_app.extensions["matchmaker.mailer"].outbox_files()
    assert len(files) == 2
    assert any(b"person-se-b@example.org" in f.read_bytes() for f in files)


def test_unreachable_mail_server_does_not_undo_the_decision(api_app, http, world):
    api_app.extensions["matchmaker.mailer"].smtp_url = "smtp://127.0.0.1:9"
    match = _introduce(http, world)
    _, _, current = http.get(f"/api/v1/matches/{match['id']}", token=world.tokens["fac_a"])
    assert current["status"] == "introduced"


def test_the_note_to_the_parties_is_mailed_and_shown_to_them_the_internal_note_never(
        api_app, http, world, smtp_inbox):
    api_app.extensions["matchmaker.mailer"].smtp_url = smtp_inbox.url
    fac = world.tokens["fac_a"]
    _, _, match = http.post("/api/v1/matches", json={
        "stream_id": world.ids["stream_a"], "capacity_id": world.ids["capacity_a"]}, token=fac)
    notes = {"accepted": ("", "checked their certificates"),
             "introduced": ("Bel elkaar deze week nog.", "they owe us a reply"),
             "agreed": ("Ophaling start in maart.", "watch their cash flow")}
    for status, (to_parties, internal) in notes.items():
        _, _, current = http.get(f"/api/v1/matches/{match['id']}", token=fac)
        body = {"to_status": status, "version": current["version"],
                "note_to_parties": to_parties, "note": internal}
        if status == "agreed":
            body["agreement"] = {"volume_kg": 300, "period_start": "2027-01-01",
                                 "period_end": "2027-12-31", "estimated_fte": 0.5}
        code, _, decision = http.post(f"/api/v1/matches/{match['id']}/decisions", json=body,
                                      token=fac)
        assert code == 201, decision
        assert (decision["note_to_parties"], decision["note"]) == (to_parties, internal)
    texts = [m.get_content() for m in smtp_inbox.messages]
    intro = [t for t in texts if "Bel elkaar deze week nog." in t]
    agreed = [t for t in texts if "Ophaling start in maart." in t]
    assert len(intro) == 2 and len(agreed) == 2  # each party once, for each step
    assert not any(word in t for t in texts for word in
                   ("certificates", "owe us", "cash flow"))
    code, _, seen = http.get(f"/api/v1/matches/{match['id']}", token=world.tokens["co_a"])
    assert code == 200
    shown = {d["to_status"]: d for d in seen["decisions"]}
    assert shown["agreed"]["note_to_parties"] == "Ophaling start in maart."
    assert all("note" not in d for d in seen["decisions"])
    _, _, hub_view = http.get(f"/api/v1/matches/{match['id']}", token=fac)
    assert {d["to_status"]: d["note"] for d in hub_view["decisions"]}["agreed"] == \
        "watch their cash flow"
