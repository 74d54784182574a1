"""The pages around accounts: invitation e-mails that link to the page accepting them (from
the pages and from the API), members inviting colleagues, facilitators switching member
accounts off and on, the capacity's hub reading another hub's match, and the language
switch that the account keeps (dates and numbers follow it)."""
from __future__ import annotations

import re
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.test_web_pages import Browser, text


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Overrides conftest's: pages, not storage, so SQLite only. What the pages call runs on
    both databases in the API, workflow and KPI tests."""
    return f"sqlite:///{tmp_path / 'matchmaker.sqlite'}"

NEW_PASSWORD = "a long enough secret"


@pytest.fixture
def browser(api_app) -> Browser:
    return Browser(api_app.test_client())


def _other(browser: Browser) -> Browser:
    return Browser(browser.client.application.test_client())


def _outbox(api_app) -> list:
    folder = Path(api_app.extensions["matchmaker.mailer"].outbox)
    return [message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(folder.glob("*.eml"))]


def _page_link(message) -> str:
    return re.search(r"(https?://\S+/invitation\?\S+)", message.get_content()).group(1)


def _version(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def test_invitation_mail_links_to_the_page_in_the_invitees_language(browser, world, api_app,
                                                                    session_factory):
    from models import User

    browser.login("fac-a@example.org")
    response = browser.post(f"/organisations/{world.ids['org_co_a']}/invite",
                            {"email": "nouveau@co-a.example", "language": "fr"})
    assert response.status_code == 302
    [mail] = _outbox(api_app)
    assert "Invitation" in mail["Subject"] and "api/v1" not in mail.get_content()
    link = urlsplit(_page_link(mail))
    assert link.path == "/invitation" and parse_qs(link.query)["lang"] == ["fr"]
    invitee = _other(browser)
    page = text(invitee.get(f"{link.path}?{link.query}"))
    code = parse_qs(link.query)["code"][0]
    assert '<html lang="fr"' in page and f'value="{code}"' in page
    accepted = invitee.post("/invitation", {"code": code, "password": NEW_PASSWORD})
    assert accepted.status_code == 302 and "welcome=1" in accepted.location
    with session_factory() as session:
        user = session.scalar(sa.select(User).where(User.email == "nouveau@co-a.example"))
        assert user.language == "fr"


def test_api_invitation_mail_links_to_the_page_not_the_endpoint(world, api_app):
    client = api_app.test_client()
    response = client.post(f"/api/v1/organisations/{world.ids['org_se_a']}/invitations",
                           json={"email": "new@se-a.example", "language": "en"},
                           headers={"Authorization": f"Bearer {world.tokens['fac_a']}"})
    assert response.status_code == 202
    [mail] = _outbox(api_app)
    link = urlsplit(_page_link(mail))
    assert link.path == "/invitation" and parse_qs(link.query)["lang"] == ["en"]
    assert "invitations/acceptance" not in mail.get_content()
    page = text(Browser(api_app.test_client()).get(f"{link.path}?{link.query}"))
    assert "Accept your invitation" in page


def test_member_invites_a_colleague_from_the_organisation_page(browser, world, api_app):
    browser.login("co-a@example.org")
    page = text(browser.get("/my/organisation"))
    assert "CO A" in page and f"/organisations/{world.ids['org_co_a']}/invite" in page
    response = browser.post(f"/organisations/{world.ids['org_co_a']}/invite",
                            {"email": "collega@co-a.example"})
    assert response.status_code == 302 and response.location.startswith("/my/organisation")
    [mail] = _outbox(api_app)
    assert mail["To"] == "collega@co-a.example" and "lang=nl" in _page_link(mail)
    refused = browser.post(f"/organisations/{world.ids['org_co_b']}/invite",
                           {"email": "indringer@example.org"})
    assert refused.status_code in (403, 404) and len(_outbox(api_app)) == 1


def test_facilitator_switches_a_member_account_off_and_on_again(browser, world,
                                                                session_factory):
    from models import AuditEntry

    member_id = world.ids["user_co_a"]
    browser.login("fac-a@example.org")
    listing = text(browser.get(f"/hubs/{world.ids['hub_a']}/organisations"))
    assert f"/members/{member_id}/active" in listing
    assert browser.post(f"/members/{member_id}/active", {"active": "0"}).status_code == 302
    member = _other(browser)
    member.get("/login")
    assert member.post("/login", {"email": "co-a@example.org",
                                  "password": PASSWORD}).status_code == 401
    assert "Inschakelen" in text(browser.get(f"/hubs/{world.ids['hub_a']}/organisations"))
    assert browser.post(f"/members/{member_id}/active", {"active": "1"}).status_code == 302
    member.login("co-a@example.org")
    with session_factory() as session:
        changes = session.scalars(sa.select(AuditEntry.after).where(
            AuditEntry.entity == "users", AuditEntry.entity_id == member_id,
            AuditEntry.action == "update").order_by(AuditEntry.id)).all()
        assert changes == [{"is_active": False}, {"is_active": True}]


def test_member_accounts_of_another_hub_cannot_be_switched(browser, world):
    browser.login("fac-b@example.org")
    assert browser.post(f"/members/{world.ids['user_co_a']}/active",
                        {"active": "0"}).status_code == 404
    assert browser.post(f"/members/{world.ids['user_fac_a']}/active",
                        {"active": "0"}).status_code == 404
    member = _other(browser).login("co-a@example.org")
    assert member.post(f"/members/{world.ids['user_se_a']}/active",
                       {"active": "0"}).status_code == 404
    _other(browser).login("se-a@example.org")


def test_capacity_hub_sees_a_cross_hub_match_read_only(browser, world):
    browser.login("fac-a@example.org")
    response = browser.post(f"/hubs/{world.ids['hub_a']}/take", {
        "stream_id": world.ids["stream_a"], "capacity_id": world.ids["capacity_b"]})
    assert response.status_code == 302
    match_page = response.location
    deciding = text(browser.get(match_page))
    assert 'id="accept"' in deciding and 'id="read-only"' not in deciding
    reader = _other(browser).login("fac-b@example.org")
    queue = text(reader.get(f"/hubs/{world.ids['hub_b']}/queue"))
    assert f'href="{match_page}"' in queue
    page = text(reader.get(match_page))
    assert 'id="read-only"' in page and "Hub A" in page
    assert 'id="accept"' not in page and "/decide" not in page
    assert "Waarom deze match" in page and "person-co-a@example.org" not in page
    decided = reader.post(match_page + "/decide", {"to_status": "accepted",
                                                   "version": _version(deciding)})
    assert decided.status_code == 404
    assert _other(browser).login("co-b@example.org").get(match_page).status_code == 404


def test_language_switch_is_kept_on_the_account_and_formats_dates_and_numbers(
        browser, world, session_factory):
    from models import User

    browser.login("fac-a@example.org")
    response = browser.post(f"/hubs/{world.ids['hub_a']}/take", {
        "stream_id": world.ids["stream_a"], "capacity_id": world.ids["capacity_a"]})
    match_page = response.location
    browser.post(match_page + "/decide", {"to_status": "accepted",
                                          "version": _version(text(browser.get(match_page)))})
    dutch = text(browser.get(match_page))
    assert re.search(r"Score \d,\d\d", dutch)
    assert re.search(r"<li>\d{2}-\d{2}-\d{4},? \d{2}:\d{2}: ", dutch)
    browser.post("/language", {"language": "en"})
    english = text(browser.get(match_page))
    assert re.search(r"Score \d\.\d\d", english)
    assert re.search(r"<li>\d{1,2}/\d{1,2}/\d{2}, \d{1,2}:\d{2}\W(AM|PM): ", english)
    with session_factory() as session:
        assert session.get(User, world.ids["user_fac_a"]).language == "en"
    fresh = _other(browser).login("fac-a@example.org")
    assert '<html lang="en"' in text(fresh.get(match_page))


def test_register_and_invite_pages_answer_alike_for_known_addresses(browser, world, api_app):
    """The pages tell nobody which addresses have an account: the same page for a new and
    a known address, and a mail to the address that tells its owner."""
    browser.get("/register")
    answers = [browser.post("/register", {
        "hub": world.ids["hub_a"], "name": "Drukkerij", "kind": "company", "email": email,
        "password": NEW_PASSWORD}) for email in ("an@drukkerij.example", "co-b@example.org")]
    assert [a.status_code for a in answers] == [200, 200]
    assert text(answers[0]) == text(answers[1])
    member = _other(browser).login("co-a@example.org")
    invited = [member.post(f"/organisations/{world.ids['org_co_a']}/invite", {"email": email})
               for email in ("collega@co-a.example", "fac-b@example.org")]
    assert [(i.status_code, i.location) for i in invited] == [(302, invited[0].location)] * 2
    mails = {m["To"]: m for m in _outbox(api_app)}
    assert "Registratie van Drukkerij ontvangen" == mails["an@drukkerij.example"]["Subject"]
    assert "al een account" in mails["co-b@example.org"]["Subject"]
    assert "/invitation?code=" in mails["collega@co-a.example"].get_content()
    assert "/invitation" not in mails["fac-b@example.org"].get_content()


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/login/link/use\?code=\S+)", message.get_content()
                     ).group(1)


def test_forgot_password_page_mails_a_link_that_signs_in_once_with_a_new_password(
        browser, world, api_app):
    """From the login page: a link by e-mail, asked alike for any address; the mailed link
    opens a page that changes nothing until its button signs in (a new password optional)."""
    login_page = text(browser.get("/login"))
    assert 'href="/login/link"' in login_page
    browser.get("/login/link")
    refused = browser.post("/login/link", {"email": "niet@een-adres"})   # the one shared check
    assert refused.status_code == 400 and 'id="email-error"' in text(refused)
    answers = [text(browser.post("/login/link", {"email": email}))
               for email in ("co-a@example.org", "niemand@example.org")]
    assert 'id="link-sent"' in answers[0]
    assert answers[0].replace("co-a@example.org", "X") == answers[1].replace(
        "niemand@example.org", "X")
    mails = {m["To"]: m for m in _outbox(api_app)}
    assert "geen actief account" in mails["niemand@example.org"].get_content()
    link = _link(mails["co-a@example.org"])
    visitor = _other(browser)
    opened = text(visitor.get(link))
    assert 'name="new_password"' in opened and visitor.get(link).status_code == 200
    code = parse_qs(urlsplit(link).query)["code"][0]
    short = visitor.post("/login/link/use", {"code": code, "new_password": "kort"})
    assert short.status_code == 400 and 'id="new_password-error"' in text(short)
    signed = visitor.post("/login/link/use", {"code": code, "new_password": NEW_PASSWORD})
    assert signed.status_code == 302
    assert "Je nieuwe wachtwoord is bewaard" in text(visitor.get("/", follow_redirects=True))
    again = _other(browser)
    again.get("/login/link/use?code=" + code)
    used = again.post("/login/link/use", {"code": code})
    assert used.status_code == 400 and "onbekend, al gebruikt of verlopen" in text(used)
    again.get("/login")
    assert again.post("/login", {"email": "co-a@example.org",
                                 "password": NEW_PASSWORD}).status_code == 302


def test_a_locked_login_page_points_to_the_link_in_the_users_language(browser, world):
    browser.get("/login")
    browser.post("/language", {"language": "fr", "next": "/login"})
    browser.get("/login")
    for i in range(5):
        browser.post("/login", {"email": "fac-a@example.org", "password": f"essai {i}"})
    locked = browser.post("/login", {"email": "fac-a@example.org", "password": PASSWORD})
    assert locked.status_code == 429
    page = text(locked)
    assert "Un lien de connexion par e-mail vous permet d'entrer" in page
    assert "Mot de passe oublié\u202f?" in page
