"""Who is calling: a session cookie (web) or an API token in the Authorization header.

`current_user()` is the one place a request's user is worked out. Tokens are
accepted from `Authorization: Bearer ...` only, never from the query string,
where they would end up in logs and browser history. The session cookie holds
the secret of a sign-in kept in the database (`sign_in`/`sign_out` here, for the
API and the pages alike), so signing out ends it for every copy of the cookie.
Besides a password, a mailed one-time link signs its owner in (and may set a new
password): asked for alike for any address, sent to active accounts only.
"""
from __future__ import annotations

from flask import g, request, session
from flask.views import MethodView
from werkzeug.exceptions import Unauthorized

from api.db import db_session, page_url, send_mail
from api.devices import device_key, remember_this_device
from api.openapi import Blueprint
from api.schemas import (
    AcceptedOut,
    LoginIn,
    SignInLinkIn,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    UserOut,
    UseSignInLinkIn,
)
from api.throttle import refuse, throttle
from api.web.security import CSRF_HEADER, SIGN_IN_KEY, csrf_token
from matchmaker.access import links
from matchmaker.access.mails import sign_in_link_mail
from matchmaker.errors import ValidationError
from matchmaker.gdpr import mark_active
from matchmaker.tokens import (
    authenticate,
    create_api_token,
    end_sign_in,
    revoke_api_token,
    start_sign_in,
    user_for_sign_in,
    user_for_token,
)
from models import ApiToken, User

blp = Blueprint("auth", __name__, url_prefix="/api/v1",
                description="Signing in with a password, and API tokens for machine clients.")


def current_user() -> User | None:
    """The signed-in user of this request, or None."""
    if "user" not in g:
        g.user = _user_from_request()
    return g.user


def _user_from_request() -> User | None:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            return None
        # a client that keeps sending wrong tokens is guessing: slow it down like passwords
        throttle().check_token()
        user = user_for_token(db_session(), secret.strip())
        if user is None:
            throttle().token_failed()
        return user
    secret = session.get(SIGN_IN_KEY)
    return user_for_sign_in(db_session(), secret) if isinstance(secret, str) else None


def sign_in(user: User) -> None:
    """Start a new sign-in for `user` in this browser and commit it. The cookie starts
    afresh (a session planted before cannot be taken over), keeping only the language;
    the browser is remembered as one of the user's (`api.devices`)."""
    _restart_cookie(**{SIGN_IN_KEY: start_sign_in(db_session(), user)})
    remember_this_device(user)
    mark_active(db_session(), user)  # GDPR retention counts from the last sign-in
    db_session().commit()
    g.user = user


def sign_out() -> None:
    """End this browser's sign-in on the server and clear the cookie but its language."""
    secret = session.get(SIGN_IN_KEY)
    if isinstance(secret, str):
        end_sign_in(db_session(), secret)
        db_session().commit()
    _restart_cookie()
    g.user = None


def _restart_cookie(**values: str) -> None:
    language = session.get("language")
    session.clear()
    session.update(values)
    if language:
        session["language"] = language


def require_user() -> User:
    """The signed-in user; 401 when there is none."""
    user = current_user()
    if user is None:
        raise Unauthorized("sign in, or send an API token as `Authorization: Bearer <token>`")
    return user


def _password_user(email: str, password: str) -> User:
    device = device_key(email)  # a browser that signed in to this account before
    throttle().check_password(email, device)
    session = db_session()
    user = authenticate(session, email, password)
    if user is None:
        throttle().password_failed(email, device)
        raise Unauthorized("wrong e-mail address or password")
    throttle().password_succeeded(email, device)
    return user


# Documented on the answers that hand the token to a client signed in by the cookie.
CSRF_TOKEN_HEADER = {CSRF_HEADER: {
    "description": "send it back in this header on every POST, PUT, PATCH and DELETE made "
                   "with the session cookie (not needed with an API token)",
    "schema": {"type": "string"}}}


def with_csrf_token(user: User) -> tuple[User, int, dict[str, str]]:
    """`user` with this session's CSRF token in the answer's headers, for cookie clients."""
    return user, 200, {CSRF_HEADER: csrf_token()}


@blp.route("/session")
class SessionResource(MethodView):
    @blp.arguments(LoginIn)
    @blp.response(200, UserOut, headers=CSRF_TOKEN_HEADER)
    @blp.doc(security=[])
    def post(self, data: dict) -> tuple[User, int, dict[str, str]]:
        """Sign in with e-mail and password; sets the session cookie."""
        user = _password_user(data["email"], data["password"])
        sign_in(user)
        return with_csrf_token(user)

    @blp.response(204)
    def delete(self) -> None:
        """Sign out: this session's cookie, and any copy of it, stops working."""
        sign_out()


@blp.route("/me")
class MeResource(MethodView):
    @blp.response(200, UserOut, headers=CSRF_TOKEN_HEADER)
    def get(self) -> tuple[User, int, dict[str, str]]:
        """The signed-in user (and, signed in by the cookie, the CSRF token to write with)."""
        user = require_user()
        if request.headers.get("Authorization"):
            return user, 200, {}
        return with_csrf_token(user)


@blp.route("/tokens")
class TokensResource(MethodView):
    @blp.response(200, TokenOut(many=True))
    def get(self) -> list[ApiToken]:
        """The caller's own API tokens (never their secrets)."""
        return list(require_user().api_tokens)

    @blp.arguments(TokenIn)
    @blp.response(201, TokenCreatedOut)
    @blp.doc(security=[])
    def post(self, data: dict) -> dict:
        """Create an API token; its secret is in this response only."""
        user = _password_user(data["email"], data["password"])
        token, secret = create_api_token(db_session(), user, data.get("name", ""))
        mark_active(db_session(), user)
        db_session().commit()
        return {"id": token.id, "name": token.name, "created_at": token.created_at,
                "token": secret}


@blp.route("/tokens/<int:token_id>")
class TokenResource(MethodView):
    @blp.response(204)
    def delete(self, token_id: int) -> None:
        """Revoke a token; requests that send it are refused from now on."""
        revoke_api_token(db_session(), require_user(), token_id)
        db_session().commit()


def send_sign_in_link(email: str, language: str) -> None:
    """A sign-in link for the active account of `email`, mailed (or the word that there is
    none); the caller learns nothing. Count it first (`throttle().link_request`)."""
    user, secret = links.create_link(db_session(), email)
    db_session().commit()
    send_mail([sign_in_link_mail(
        email.strip().lower(), user, secret, language,
        lambda code: page_url("web.use_sign_in_link", code=code), page_url("web.register"))])


def sign_in_with_link(code: str, new_password: str | None) -> User:
    """Sign in with a mailed link's code (wrong codes count like wrong passwords from this
    client); ValidationError on `code` when it is unknown, used or expired."""
    throttle().check_link_code()
    try:
        user = links.use_link(db_session(), code, new_password)
    except ValidationError:
        throttle().link_code_failed()
        raise
    sign_in(user)
    return user


@blp.route("/sign-in-links")
class SignInLinks(MethodView):
    @blp.arguments(SignInLinkIn)
    @blp.response(202, AcceptedOut)
    @blp.doc(security=[])
    def post(self, data: dict) -> dict:
        """Mail a one-time sign-in link (also for a forgotten password); the same answer
        whether the address has an account or not."""
        refuse(throttle().link_request(data["email"]))
        send_sign_in_link(data["email"], data.get("language") or "nl")
        return {"status": "sent", "detail": "if the address has an active account, a "
                "sign-in link valid for 30 minutes is on its way"}


@blp.route("/sign-in-links/use")
class SignInLinkUse(MethodView):
    @blp.arguments(UseSignInLinkIn)
    @blp.response(200, UserOut, headers=CSRF_TOKEN_HEADER)
    @blp.doc(security=[])
    def post(self, data: dict) -> tuple[User, int, dict[str, str]]:
        """Sign in with the code of a mailed link (it works once); with `new_password`, that
        becomes the password and every other sign-in of the account ends."""
        return with_csrf_token(sign_in_with_link(data["code"], data.get("new_password")))
