"""The mails people act on: a new registration tells the hub's facilitators what to check
(and the navigation counts what waits), a rejection mails its reason, and every mail is
the hub's: from its name, answered by and signed by its facilitator, with a link to the
page it is about and the pages' own status words."""
from __future__ import annotations

import re
from email.utils import parseaddr
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

from matchmaker.notifications import STATUS_WORDS
from tests.test_web_onboarding import _outbox
from tests.test_web_pages import Browser, text
from tests.test_web_registration import _api, _registration

page_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
SITE = "http://127.0.0.1:5000"
CATALOGUES = Path(__file__).resolve().parents[1] / "api/translations"


@pytest.fixture
def browser(api_app) -> Browser:
    return Browser(api_app.test_client())


@pytest.fixture
def named_facilitator(world, session_factory):
    from models import User

    with session_factory() as session:
        session.get(User, world.ids["user_fac_a"]).display_name = "Fien Maes"
        session.commit()
    return world


def _to(api_app, address: str) -> list:
    return [m for m in _outbox(api_app) if m["To"] == address]


def _register(browser: Browser, world, **changes: str):
    browser.get("/register")
    return browser.post("/register", _registration(world, postcode="9000",
                                                   municipality="Gent", **changes))


@page_only
def test_a_new_registration_mails_the_facilitators_and_counts_in_their_navigation(
        browser, world, api_app):
    assert _register(browser, world).status_code == 200
    [notice] = _to(api_app, "fac-a@example.org")
    body = notice.get_content()
    assert "Drukkerij Nieuw" in notice["Subject"] and "wacht op goedkeuring" in body
    for fact in ("an@drukkerij.example", "0456123989, controlecijfers kloppen", "9000 Gent",
                 "Bedrijf", f"{SITE}/hubs/{world.ids['hub_a']}/organisations#pending"):
        assert fact in body, fact
    assert parseaddr(notice["From"])[0] == "Hub A"
    assert _to(api_app, "fac-b@example.org") == []
    [received] = _to(api_app, "an@drukkerij.example")
    assert parseaddr(received["From"])[0] == "Hub A" and received["Reply-To"] == \
        "fac-a@example.org"
    facilitator = Browser(api_app.test_client()).login("fac-a@example.org")
    listing = text(facilitator.get(f"/hubs/{world.ids['hub_a']}/organisations"))
    assert re.search(r'id="pending-count-\d+">1 goed te keuren<', listing)
    checks = re.search(r'<dl class="checks".*?</dl>', listing, re.S).group(0)
    for fact in ("an@drukkerij.example", "0456123989", "controlecijfers kloppen",
                 "9000 Gent", "Bedrijf"):
        assert fact in checks, fact
    other_hub = text(Browser(api_app.test_client()).login("fac-b@example.org").get(
        f"/hubs/{world.ids['hub_b']}/organisations"))
    assert "pending-count" not in other_hub


@page_only
def test_a_rejected_registration_mails_its_reason_and_may_register_again(
        browser, named_facilitator, api_app, session_factory):
    from models import Organisation

    world = named_facilitator
    _register(browser, world)
    facilitator = Browser(api_app.test_client()).login("fac-a@example.org")
    listing = text(facilitator.get(f"/hubs/{world.ids['hub_a']}/organisations"))
    org_id = re.search(r"/organisations/(\d+)/rejection", listing).group(1)
    silent = facilitator.post(f"/organisations/{org_id}/rejection", {"reason": " "})
    assert silent.status_code == 400 and f'id="reason-{org_id}-error"' in text(silent)
    reason = "Dit ondernemingsnummer hoort bij een ander bedrijf."
    done = facilitator.post(f"/organisations/{org_id}/rejection", {"reason": reason})
    assert done.status_code == 302
    [mail] = [m for m in _to(api_app, "an@drukkerij.example") if "niet" in m["Subject"]]
    body = mail.get_content()
    assert reason in body and "Fien Maes" in body and f"{SITE}/register" in body
    assert parseaddr(mail["From"]) == ("Hub A", "matchmaker@localhost")
    assert mail["Reply-To"] == "fac-a@example.org"
    with session_factory() as session:
        assert session.get(Organisation, int(org_id)) is None
    assert _register(Browser(api_app.test_client()), world).status_code == 200
    with session_factory() as session:
        assert session.scalar(sa.select(sa.func.count(Organisation.id)).where(
            Organisation.enterprise_number == "0456123989")) == 1


@page_only
def test_the_approval_mail_is_the_hubs_with_a_link_and_says_je(browser, named_facilitator,
                                                               api_app):
    world = named_facilitator
    _register(browser, world)
    facilitator = Browser(api_app.test_client()).login("fac-a@example.org")
    listing = text(facilitator.get(f"/hubs/{world.ids['hub_a']}/organisations"))
    org_id = re.search(r"/organisations/(\d+)/approve", listing).group(1)
    assert facilitator.post(f"/organisations/{org_id}/approve").status_code == 302
    [mail] = [m for m in _to(api_app, "an@drukkerij.example") if "goedgekeurd" in
              m["Subject"]]
    body = mail.get_content()
    assert parseaddr(mail["From"])[0] == "Hub A" and mail["Reply-To"] == "fac-a@example.org"
    assert f"{SITE}/login" in body and body.rstrip().endswith("Fien Maes\nHub A")
    assert "Je kunt" in body and not re.search(r"\b(U|u|uw|Uw)\b", body)
    assert "de hub" not in body


@page_only
def test_the_introduction_mail_carries_both_contacts_the_facilitator_and_a_link(
        browser, named_facilitator, api_app):
    world = named_facilitator
    status, match = _api(api_app, world, "POST", "/api/v1/matches",
                         stream_id=world.ids["stream_a"], capacity_id=world.ids["capacity_a"])
    path = f"/api/v1/matches/{match['id']}/decisions"
    assert _api(api_app, world, "POST", path, to_status="accepted", version=1)[0] == 201
    assert _api(api_app, world, "POST", path, to_status="introduced", version=2)[0] == 201
    [company] = _to(api_app, "person-co-a@example.org")
    [partner] = _to(api_app, "person-se-a@example.org")
    for mail, own, other, kind in ((company, "co", "se", "streams"),
                                   (partner, "se", "co", "capacities")):
        body = mail.get_content()
        assert f"person-{other}-a@example.org" in body and f"person-{own}-a@example.org" in body
        assert "Fien Maes (fac-a@example.org)" in body
        assert f"{SITE}/my/{kind}#match-{match['id']}" in body
        assert mail["Reply-To"] == "fac-a@example.org"
        assert body.split("Waarom deze match:")[1].strip().startswith("- ")
    member = Browser(api_app.test_client()).login("co-a@example.org")
    assert f'id="match-{match["id"]}"' in text(member.get("/my/streams"))


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_mails_use_the_status_words_of_the_pages(language):
    with (CATALOGUES / language / "LC_MESSAGES/messages.po").open("rb") as f:
        catalogue = read_po(f)
    for status, words in STATUS_WORDS.items():
        assert words[language] == catalogue[status].string, status
        assert words["en"] == status
