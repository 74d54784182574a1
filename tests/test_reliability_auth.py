"""Guessing passwords and tokens: a burst of failures is slowed down with 429, the answers do
not tell which e-mail addresses have an account, and the counters forget in time."""
from __future__ import annotations

import pytest
from conftest import PASSWORD

from api.throttle import FailureCounter, Limit, StoredFailureCounter, Throttle

PROBLEM = "application/problem+json"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_of_wrong_passwords_gets_429_with_retry_after(http, world):
    answers = [http.post("/api/v1/session", json={"email": "fac-a@example.org",
                                                  "password": f"guess number {i}"})
               for i in range(30)]
    statuses = [status for status, _, _ in answers]
    assert set(statuses) <= {401, 429}
    limited = [(headers, body) for status, headers, body in answers if status == 429]
    assert limited, statuses
    headers, body = limited[0]
    assert headers["Content-Type"] == PROBLEM and int(headers["Retry-After"]) > 0
    assert body["status"] == 429


def test_a_guessed_account_is_locked_even_for_the_right_password_but_others_are_not(
        http, world):
    for i in range(5):
        assert http.post("/api/v1/session", json={"email": "fac-a@example.org",
                                                  "password": f"guess {i}"})[0] == 401
    assert http.post("/api/v1/session", json={"email": "fac-a@example.org",
                                              "password": PASSWORD})[0] == 429
    # the same address, another account: a colleague is not locked out
    assert http.post("/api/v1/session", json={"email": "co-a@example.org",
                                              "password": PASSWORD})[0] == 200


def test_the_lock_is_lifted_when_the_window_has_passed(api_app, http, world):
    clock = Clock()
    api_app.extensions["matchmaker.throttle"] = Throttle(api_app.extensions["matchmaker.sessions"],
                                                         clock=clock)
    for i in range(5):
        http.post("/api/v1/session", json={"email": "fac-a@example.org", "password": f"x{i}"})
    status, headers, _ = http.post("/api/v1/session", json={"email": "fac-a@example.org",
                                                            "password": PASSWORD})
    assert status == 429 and 0 < int(headers["Retry-After"]) <= 15 * 60
    clock.now += int(headers["Retry-After"])
    assert http.post("/api/v1/session", json={"email": "fac-a@example.org",
                                              "password": PASSWORD})[0] == 200


def test_token_creation_counts_as_a_password_attempt(http, world):
    statuses = [http.post("/api/v1/tokens", json={"email": "co-a@example.org",
                                                  "password": f"guess {i}"})[0]
                for i in range(8)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}


def test_burst_of_wrong_tokens_gets_429_but_password_sign_in_still_works(http, world):
    statuses = [http.get("/api/v1/me", token=f"not-a-token-{i}")[0] for i in range(60)]
    assert statuses[:50] == [401] * 50 and set(statuses[50:]) == {429}
    status, headers, body = http.get("/api/v1/me", token=world.tokens["fac_a"])
    assert status == 429 and int(headers["Retry-After"]) > 0 and body["status"] == 429
    assert http.post("/api/v1/session", json={"email": "fac-a@example.org",
                                              "password": PASSWORD})[0] == 200


def test_unknown_address_costs_the_same_password_check(session_factory, world, monkeypatch):
    """No user enumeration by timing: an unknown e-mail address goes through argon2 too."""
    from matchmaker import tokens

    checked = []
    real = tokens.verify_password
    monkeypatch.setattr(tokens, "verify_password",
                        lambda stored, password: checked.append(stored) or real(stored, password))
    with session_factory() as session:
        assert tokens.authenticate(session, "nobody@example.org", PASSWORD) is None
        assert tokens.authenticate(session, "fac-a@example.org", "wrong password") is None
    assert len(checked) == 2 and all(h.startswith("$argon2id$") for h in checked)


def _check_window(counter, clock: Clock) -> None:
    """3 failures in a 60 s window, from clock 1000 on; leaves failures at 1010, 1020, 1060."""
    for _ in range(3):
        assert counter.retry_after("k") == 0
        counter.fail("k")
        clock.now += 10
    # failures at 1000, 1010, 1020; now 1030: the first leaves the window at 1060
    assert counter.retry_after("k") == 30
    assert counter.retry_after("other") == 0
    clock.now += 30
    assert counter.retry_after("k") == 0
    counter.fail("k")
    assert counter.retry_after("k") == 10


def test_failure_counter_slides_and_clears() -> None:
    clock = Clock()
    counter = FailureCounter(Limit(failures=3, window_s=60), clock)
    _check_window(counter, clock)
    counter.clear("k")
    assert counter.retry_after("k") == 0


def test_stored_failure_counter_slides_clears_and_forgets(session_factory) -> None:
    import sqlalchemy as sa

    from models import PasswordFailure

    clock = Clock()
    counter = StoredFailureCounter(Limit(failures=3, window_s=60), "account", session_factory,
                                   clock)
    _check_window(counter, clock)
    with session_factory() as session:
        # the failure at 1000 left the window: the next failure deleted it
        assert sorted(session.scalars(sa.select(PasswordFailure.at))) == [1010, 1020, 1060]
    # another scope with the same key counts apart
    assert StoredFailureCounter(Limit(3, 60), "address", session_factory,
                                clock).retry_after("k") == 0
    clock.now += 55  # 1115: the failures at 1010 and 1020 have left the window
    counter.clear("k")
    assert counter.retry_after("k") == 0
    with session_factory() as session:
        # a success forgets its own key and everything that no longer counts
        assert session.scalars(sa.select(PasswordFailure.at)).all() == []
    counter.fail("x" * 1000)  # an overlong key is cut, not refused by the database
    assert counter.retry_after("x" * 1000) == 0


def test_two_workers_count_the_same_password_failures(api_app, http, world, tmp_path):
    """Two app instances (as two gunicorn workers) on one database: a guesser who spreads
    wrong passwords over both is refused after the account's 5 failures in all."""
    from conftest import Http

    from api.app import create_app
    from tests.serving import serving

    settings = api_app.extensions["matchmaker.settings"]
    other_app = create_app(settings)
    try:
        with serving(other_app) as other_url:
            other = Http(other_url)
            login = {"email": "fac-a@example.org"}
            statuses = [(http if i % 2 else other).post(
                "/api/v1/session", json={**login, "password": f"guess {i}"})[0] for i in range(5)]
            assert statuses == [401] * 5
            assert http.post("/api/v1/session", json={**login, "password": PASSWORD})[0] == 429
            assert other.post("/api/v1/session", json={**login, "password": PASSWORD})[0] == 429
    finally:
        other_app.extensions["matchmaker.engine"].dispose()


@pytest.mark.parametrize("language, words", [("nl", "Te veel mislukte pogingen"),
                                             ("fr", "Trop de tentatives")])
def test_login_page_burst_is_429_in_the_users_language(api_app, world, language, words):
    from tests.test_web_pages import Browser, text

    browser = Browser(api_app.test_client())
    browser.get("/login")
    browser.post("/language", {"language": language, "next": "/login"})
    browser.get("/login")
    statuses = [browser.post("/login", {"email": "fac-a@example.org",
                                        "password": f"guess {i}"}).status_code
                for i in range(5)]
    assert statuses == [401] * 5
    response = browser.post("/login", {"email": "fac-a@example.org", "password": PASSWORD})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert words in text(response)


def test_a_guessed_account_still_lets_its_owner_in_from_a_browser_that_signed_in_before(
        live_api, world):
    """Five wrong passwords from anywhere lock the account for new browsers, not for the
    owner's: a browser that signed in to it before keeps a count of its own."""
    from conftest import Http

    login = {"email": "fac-a@example.org", "password": PASSWORD}
    owner, colleague, guesser = Http(live_api), Http(live_api), Http(live_api)
    assert owner.post("/api/v1/session", json=login)[0] == 200
    assert owner.delete("/api/v1/session")[0] == 204  # the browser is still known
    assert colleague.post("/api/v1/session", json={"email": "co-a@example.org",
                                                   "password": PASSWORD})[0] == 200
    for i in range(5):
        assert guesser.post("/api/v1/session", json={**login, "password": f"guess {i}"}
                            )[0] == 401
    assert guesser.post("/api/v1/session", json=login)[0] == 429
    # a browser known to another account is no key to this one
    assert colleague.post("/api/v1/session", json=login)[0] == 429
    assert owner.post("/api/v1/session", json=login)[0] == 200
    # guessing on the owner's browser is slowed down all the same
    for i in range(5):
        assert owner.post("/api/v1/session", json={**login, "password": f"typo {i}"})[0] == 401
    assert owner.post("/api/v1/session", json=login)[0] == 429


def test_a_forged_device_cookie_is_ignored(api_app, live_api, world):
    from conftest import Http

    login = {"email": "fac-a@example.org", "password": PASSWORD}
    guesser = Http(live_api)
    for i in range(5):
        guesser.post("/api/v1/session", json={**login, "password": f"guess {i}"})
    forged = guesser.post("/api/v1/session", json=login,
                          headers={"Cookie": "known_device=anything.at.all"})
    assert forged[0] == 429


@pytest.fixture
def inbox(api_app, smtp_inbox):
    api_app.extensions["matchmaker.mailer"].smtp_url = smtp_inbox.url
    return smtp_inbox


def _link_code(message) -> str:
    import re

    return re.search(r"/login/link/use\?code=([A-Za-z0-9_-]+)", message.get_content()).group(1)


def test_a_mailed_link_lets_a_locked_out_owner_in_once_and_may_set_a_new_password(
        live_api, world, inbox, session_factory):
    import datetime as dt

    from conftest import Http

    from models import SignInLink

    login = {"email": "fac-a@example.org", "password": PASSWORD}
    elsewhere, owner = Http(live_api), Http(live_api)
    assert elsewhere.post("/api/v1/session", json=login)[0] == 200
    for i in range(5):
        owner.post("/api/v1/session", json={**login, "password": f"guess {i}"})
    assert owner.post("/api/v1/session", json=login)[0] == 429

    known = owner.post("/api/v1/sign-in-links", json={"email": "Fac-A@example.org"})
    unknown = owner.post("/api/v1/sign-in-links", json={"email": "nobody@example.org",
                                                        "language": "fr"})
    assert known[0] == unknown[0] == 202 and known[2] == unknown[2]
    link_mail, no_account = inbox.messages
    assert link_mail["To"] == "fac-a@example.org" and "aanmeldlink" in link_mail["Subject"]
    assert no_account["To"] == "nobody@example.org" and "compte actif" in no_account.get_content()
    code = _link_code(link_mail)

    status, headers, me = owner.post("/api/v1/sign-in-links/use", json={"code": code})
    assert status == 200 and me["email"] == "fac-a@example.org" and headers["X-CSRF-Token"]
    assert owner.get("/api/v1/me")[0] == 200
    status, _, problem = Http(live_api).post("/api/v1/sign-in-links/use", json={"code": code})
    assert status == 400 and problem["errors"][0]["path"] == "code"

    # a second link sets a new password: the old one stops working, other sign-ins end
    owner.post("/api/v1/sign-in-links", json={"email": "fac-a@example.org"})
    new = {"email": "fac-a@example.org", "password": "a brand new secret"}
    status, _, _ = owner.post("/api/v1/sign-in-links/use", json={
        "code": _link_code(inbox.messages[-1]), "new_password": new["password"]})
    assert status == 200
    assert elsewhere.get("/api/v1/me")[0] == 401
    assert owner.post("/api/v1/session", json=login)[0] == 401
    assert owner.post("/api/v1/session", json=new)[0] == 200

    # a link runs out
    owner.post("/api/v1/sign-in-links", json={"email": "fac-a@example.org"})
    with session_factory() as session:
        for link in session.query(SignInLink):
            link.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        session.commit()
    assert owner.post("/api/v1/sign-in-links/use", json={
        "code": _link_code(inbox.messages[-1])})[0] == 400


def test_sign_in_links_are_limited_per_address_alike_for_unknown_ones(live_api, world, inbox):
    from conftest import Http

    from api.throttle import LINK_ACCOUNT_LIMIT

    client = Http(live_api)
    for email in ("fac-b@example.org", "nobody@example.org"):
        statuses = [client.post("/api/v1/sign-in-links", json={"email": email})[0]
                    for _ in range(LINK_ACCOUNT_LIMIT.failures + 1)]
        assert statuses == [202] * LINK_ACCOUNT_LIMIT.failures + [429]
    assert len(inbox.messages) == 2 * LINK_ACCOUNT_LIMIT.failures


def test_a_sign_in_link_and_a_new_password_are_in_the_audit_log_without_secrets(
        live_api, world, inbox, session_factory):
    import sqlalchemy as sa
    from conftest import Http

    from models import AuditEntry

    client = Http(live_api)
    client.post("/api/v1/sign-in-links", json={"email": "co-a@example.org"})
    client.post("/api/v1/sign-in-links/use", json={
        "code": _link_code(inbox.messages[-1]), "new_password": "a brand new secret"})
    with session_factory() as session:
        entries = session.scalars(sa.select(AuditEntry).where(
            AuditEntry.action.in_(("send sign-in link", "reset password")))
            .order_by(AuditEntry.id)).all()
    assert [(e.action, e.entity, e.actor_id) for e in entries] == [
        ("send sign-in link", "sign_in_links", world.ids["user_co_a"]),
        ("reset password", "users", world.ids["user_co_a"])]
    assert entries[0].entity_id is not None and "token_hash" not in entries[0].after
