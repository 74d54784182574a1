"""Mailed one-time sign-in links: the way in when the password is locked or forgotten.

Anyone may ask for a link for any address and is answered alike; only an active account
gets one, by mail (the owner of an unknown address is told there is no account). A link's
secret is random, stored as its hash, works once and for `LINK_LIFETIME`; using it signs
the owner in and may set a new password, which ends the account's other sign-ins. The
number of links asked is limited per client and per address (`api/throttle.py`).
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import SignInLink, User, utcnow

from .. import audit
from ..accounts import hash_password
from ..errors import FieldError, ValidationError
from ..tokens import end_all_sign_ins, new_secret, token_hash

LINK_LIFETIME = timedelta(minutes=30)
REFUSED = "this link is unknown, used or expired; ask for a new one"


def create_link(session: Session, email: str) -> tuple[User | None, str | None]:
    """A new link for the active account with `email`: (its user, the secret to mail), or
    (None, None) when there is no such account. Links that ran out are cleared on the way."""
    session.execute(sa.delete(SignInLink).where(SignInLink.expires_at <= utcnow()))
    user = session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active:
        return None, None
    secret, hashed = new_secret()
    link = SignInLink(user=user, token_hash=hashed, expires_at=utcnow() + LINK_LIFETIME)
    session.add(link)
    session.flush()  # the audit entry names the link
    audit.record(session, user, "send sign-in link", link, after=audit.snapshot(link))
    return user, secret


def use_link(session: Session, secret: str, new_password: str | None = None) -> User:
    """The active owner of a live, unused link, which is used up (claimed in one statement,
    so of two requests with it only one gets in); with `new_password`, it becomes the
    account's password and every other sign-in ends. ValidationError on `code` otherwise."""
    link = session.scalar(sa.select(SignInLink).where(
        SignInLink.token_hash == token_hash(secret)))
    if link is None or link.used_at is not None or link.expires_at <= utcnow() or \
            not link.user.is_active:
        raise ValidationError([FieldError("code", REFUSED)])
    password_hash = hash_password(new_password) if new_password else None
    claimed = session.execute(sa.update(SignInLink).where(
        SignInLink.id == link.id, SignInLink.used_at.is_(None)).values(used_at=utcnow()))
    if claimed.rowcount != 1:
        raise ValidationError([FieldError("code", REFUSED)])
    user = link.user
    if password_hash is not None:
        end_all_sign_ins(session, user)
        user.password_hash = password_hash
        session.flush()
        audit.record(session, user, "reset password", user)
    return user
