"""Signing in: checking a password, browser sign-ins, and API tokens for machine clients.

A token or sign-in secret is `secrets.token_urlsafe(32)`, given to its owner once
(an API token shown, a sign-in put in the session cookie); only its SHA-256 is
stored, which is enough for a 256-bit random secret (no salt or slow hash needed:
nothing to brute-force).
"""
from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import ApiToken, KnownDevice, SignIn, SignInLink, User, utcnow

from . import audit
from .accounts import hash_password, verify_password
from .errors import AwaitingApproval, NotFound


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> tuple[str, str]:
    """A fresh random secret for its owner, and the hash to store in its place."""
    secret = secrets.token_urlsafe(32)
    return secret, token_hash(secret)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (never says which was wrong).
    AwaitingApproval when the password is right but the organisation is still pending."""
    user = session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    # An unknown address costs the same hash check as a known one, so the answer's timing
    # does not tell which addresses have an account.
    matches = verify_password(user.password_hash if user else _unknown_user_hash(), password)
    if user is not None and matches and not user.is_active and user.erased_at is None and \
            user.organisation is not None and user.organisation.status == "pending":
        raise AwaitingApproval(user.organisation.name)
    if user is None or not user.is_active or not matches:
        return None
    return user


@functools.cache
def _unknown_user_hash() -> str:
    return hash_password(secrets.token_urlsafe(24))


# How long a browser stays signed in without signing in again, whatever the cookie says.
SIGN_IN_LIFETIME = timedelta(days=14)


def start_sign_in(session: Session, user: User) -> str:
    """A new browser sign-in for `user`; the returned secret goes into the session cookie.

    Everyone's sign-ins that have run out are removed on the way, so the table holds
    only live ones (it is small: people x browsers of the last two weeks)."""
    now = utcnow()
    session.execute(sa.delete(SignIn).where(SignIn.created_at <= now - SIGN_IN_LIFETIME))
    secret, hashed = new_secret()
    session.add(SignIn(user=user, token_hash=hashed, created_at=now))
    return secret


def user_for_sign_in(session: Session, secret: str) -> User | None:
    """The active user of a live sign-in, or None (signed out, run out or switched off)."""
    # one query: this runs on every page a signed-in person opens
    return session.scalar(sa.select(User).join(SignIn).where(
        SignIn.token_hash == token_hash(secret),
        SignIn.created_at > utcnow() - SIGN_IN_LIFETIME, User.is_active))


def end_sign_in(session: Session, secret: str) -> None:
    """Sign this browser out: its cookie, or any copy of it, no longer signs anyone in."""
    session.execute(sa.delete(SignIn).where(SignIn.token_hash == token_hash(secret)))


def end_all_sign_ins(session: Session, user: User) -> None:
    """Sign `user` out in every browser (account switched off or erased, password reset),
    forget the browsers it signed in from, and void its unused sign-in links."""
    for model in (SignIn, KnownDevice, SignInLink):
        session.execute(sa.delete(model).where(model.user_id == user.id))


def create_api_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user` and its secret; the secret cannot be recovered later."""
    secret, hashed = new_secret()
    token = ApiToken(user=user, name=name, token_hash=hashed)
    audit.record_creation(session, user, token)
    return token, secret


def user_for_token(session: Session, secret: str) -> User | None:
    """The active owner of a valid, unrevoked token."""
    token = session.scalar(sa.select(ApiToken).where(
        ApiToken.token_hash == token_hash(secret), ApiToken.revoked_at.is_(None)))
    if token is None or not token.user.is_active:
        return None
    return token.user


def revoke_api_token(session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (admins may revoke anyone's)."""
    query = sa.select(ApiToken).where(ApiToken.id == token_id)
    if user.role != "admin":
        query = query.where(ApiToken.user_id == user.id)
    token = session.scalar(query)
    if token is None:
        raise NotFound(f"token {token_id} not found")
    if token.revoked_at is None:
        before = audit.snapshot(token)
        token.revoked_at = utcnow()
        audit.record(session, user, "revoke", token, before=before, after=audit.snapshot(token))
    return token
