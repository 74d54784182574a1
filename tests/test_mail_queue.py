"""The mail queue: a decision taken while the mail server is down is mailed once it is
back, even after the service restarted in between; an erasure removes a contact's mails
from the queue too."""
from __future__ import annotations

import time

import pytest

from tests.conftest import SmtpInbox

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _app(db_url, tmp_path, smtp_url: str):
    from api.app import create_app
    from matchmaker.config import Settings

    return create_app(Settings(home=tmp_path / "home", database_url=db_url,
                               secret_key="test-secret", smtp_url=smtp_url,
                               mail_retry_seconds=0.1))


def _introduce(app, world) -> int:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {world.tokens['fac_a']}"}
    match = client.post("/api/v1/matches", headers=headers, json={
        "stream_id": world.ids["stream_a"], "capacity_id": world.ids["capacity_a"]}).get_json()
    for version, status in ((1, "accepted"), (2, "introduced")):
        answer = client.post(f"/api/v1/matches/{match['id']}/decisions", headers=headers,
                             json={"to_status": status, "version": version})
        assert answer.status_code == 201, answer.get_json()
    return match["id"]


def _wait_for(condition, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@sqlite_only
def test_an_introduction_made_while_smtp_is_down_arrives_after_a_restart(
        db_url, tmp_path, world, smtp_inbox):
    port = int(smtp_inbox.url.rsplit(":", 1)[1])
    app = _app(db_url, tmp_path, smtp_inbox.url)
    smtp_inbox.close()
    _introduce(app, world)  # the decision stands although nothing could be sent
    mailer = app.extensions["matchmaker.mailer"]
    assert len(mailer.queued_files()) == 2 and smtp_inbox.messages == []
    mailer.stop()  # the service stops ...
    app.extensions["matchmaker.engine"].dispose()
    restarted = _app(db_url, tmp_path, smtp_inbox.url)  # ... and starts again
    back = SmtpInbox(port=port)  # then the mail server comes back
    try:
        assert _wait_for(lambda: len(back.messages) == 2)
        assert {m["To"] for m in back.messages} == {"person-co-a@example.org",
                                                    "person-se-a@example.org"}
        assert all("Kennismaking" in m["Subject"] for m in back.messages)
        assert restarted.extensions["matchmaker.mailer"].queued_files() == []
    finally:
        restarted.extensions["matchmaker.mailer"].stop()
        restarted.extensions["matchmaker.engine"].dispose()
        back.close()


@sqlite_only
def test_erasing_a_contact_removes_its_mails_from_the_queue(db_url, tmp_path, world,
                                                            session_factory):
    from matchmaker.mail import decoded_text
    from models import Contact

    app = _app(db_url, tmp_path, "smtp://127.0.0.1:9")  # nobody listens there
    try:
        _introduce(app, world)
        mailer = app.extensions["matchmaker.mailer"]
        queued = [decoded_text(p.read_bytes()) for p in mailer.queued_files()]
        assert len(queued) == 2 and all("person-se-a@example.org" in q for q in queued)
        with session_factory() as session:
            contact_id = session.query(Contact.id).filter_by(
                email="person-se-a@example.org").scalar()
        erased = app.test_client().post(
            f"/api/v1/contacts/{contact_id}/erasure",
            headers={"Authorization": f"Bearer {world.tokens['fac_a']}"})
        assert erased.status_code == 204
        assert not any("person-se-a@example.org" in decoded_text(p.read_bytes())
                       for p in mailer.queued_files())
    finally:
        app.extensions["matchmaker.mailer"].stop()
        app.extensions["matchmaker.engine"].dispose()


@pytest.mark.parametrize(("answer", "queued", "aside"), [
    (b"451 mailbox busy, try later", 1, 0),  # for now: tried again later
    (b"550 no such mailbox", 0, 1),          # for good: set aside, not tried forever
])
def test_a_refused_mail_waits_or_is_set_aside_as_the_server_says(tmp_path, answer, queued,
                                                                 aside):
    from matchmaker.config import Settings
    from matchmaker.mail import Mail, Mailer

    server = SmtpInbox(refuse=answer)
    mailer = Mailer(Settings(home=tmp_path, database_url="sqlite://", secret_key="x",
                             smtp_url=server.url))
    try:
        mailer.send([Mail("iemand@example.org", "Onderwerp", "Tekst")])
        assert len(mailer.queued_files()) == queued
        assert len(list(mailer.undeliverable.glob("*.eml"))) == aside
        assert server.messages == []
    finally:
        mailer.stop()
        server.close()


def test_a_line_break_in_a_subject_or_sender_name_is_sent_on_one_line(tmp_path, smtp_inbox):
    """Subjects and sender names carry what people typed (an organisation named across two
    lines): the mail goes out with them on one line, instead of the email package refusing
    a header that would start another (schemathesis found it as a 500 on an invitation)."""
    from matchmaker.config import Settings
    from matchmaker.mail import Mail, Mailer

    mailer = Mailer(Settings(home=tmp_path, database_url="sqlite://", secret_key="x",
                             smtp_url=smtp_inbox.url))
    try:
        mailer.send([Mail("iemand@example.org", "Uitnodiging van De\nKringwinkel\r\nBcc: x@y.z",
                          "Tekst", from_name="Hub\nGent")])
        deadline = time.monotonic() + 10
        while not smtp_inbox.messages and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        mailer.stop()
    [message] = smtp_inbox.messages
    assert message["Subject"] == "Uitnodiging van De Kringwinkel Bcc: x@y.z"
    assert message["From"].addresses[0].display_name == "Hub Gent"
    assert message["Bcc"] is None and message["To"] == "iemand@example.org"
