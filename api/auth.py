"""Who is calling: a session cookie (web) or an API token in the Authorization header.

`current_user()` is the one place a request's user is worked out. Tokens are
accepted from `Authorization: Bearer ...` only, never from the query string,
where they would end up in logs and browser history.
"""
from __future__ import annotations

from flask import g, request, session
from flask.views import MethodView
from werkzeug.exceptions import Unauthorized

from api.app import db_session
from api.openapi import Blueprint
from api.schemas import LoginIn, TokenCreatedOut, TokenIn, TokenOut, UserOut
from api.throttle import throttle
from matchmaker.gdpr import mark_active
from matchmaker.tokens import authenticate, create_api_token, revoke_api_token, user_for_token
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
    user_id = session.get("user_id")
    if user_id is None:
        return None
    user = db_session().get(User, user_id)
    return user if user is not None and user.is_active else None


def require_user() -> User:
    """The signed-in user; 401 when there is none."""
    user = current_user()
    if user is None:
        raise Unauthorized("sign in, or send an API token as `Authorization: Bearer <token>`")
    return user


def _password_user(email: str, password: str) -> User:
    throttle().check_password(email)
    session = db_session()
    user = authenticate(session, email, password)
    if user is None:
        throttle().password_failed(email)
        raise Unauthorized("wrong e-mail address or password")
    throttle().password_succeeded(email)
    mark_active(session, user.email)
    session.commit()
    return user


@blp.route("/session")
class SessionResource(MethodView):
    @blp.arguments(LoginIn)
    @blp.response(200, UserOut)
    @blp.doc(security=[])
    def post(self, data: dict) -> User:
        """Sign in with e-mail and password; sets the session cookie."""
        user = _password_user(data["email"], data["password"])
        session.clear()
        session["user_id"] = user.id
        return user

    @blp.response(204)
    def delete(self) -> None:
        """Sign out."""
        session.clear()


@blp.route("/me")
class MeResource(MethodView):
    @blp.response(200, UserOut)
    def get(self) -> User:
        """The signed-in user."""
        return require_user()


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
