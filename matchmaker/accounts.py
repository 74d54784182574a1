"""User accounts: password hashing (argon2id) and creating users.

Passwords and tokens are never stored in clear; argon2id parameters are the
library's defaults (RFC 9106 low-memory profile), re-hashed when they change.
"""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Hub, User

from .errors import FieldError, ValidationError

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError([FieldError(
            "password", f"must be at least {MIN_PASSWORD_LENGTH} characters long")])
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; False for a wrong password or a missing/odd hash."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def ensure_facilitator(
    session: Session, email: str, password: str, hubs: list[Hub], display_name: str = "",
) -> User:
    """The facilitator with `email`, created if missing, facilitating at least `hubs`."""
    user = session.scalar(select(User).where(User.email == email.lower()))
    if user is None:
        user = User(email=email.lower(), password_hash=hash_password(password),
                    display_name=display_name or email, role="facilitator")
        session.add(user)
    for hub in hubs:
        if hub not in user.hubs:
            user.hubs.append(hub)
    return user
