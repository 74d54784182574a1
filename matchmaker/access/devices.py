"""Browsers that signed in to an account before ("known devices", as the big identity
providers keep them).

Five wrong passwords lock an account for a while, and anyone who knows the address can
type them. On a browser that signed in to the account before, the lock does not apply:
it has its own count instead, so a guesser elsewhere cannot lock the owner out, and a
guesser on the owner's own browser is still slowed down. The browser keeps a random
secret in a cookie (`api/devices.py` signs it); only its hash is kept here, per account.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import KnownDevice, User, utcnow

from ..tokens import new_secret, token_hash

# A browser not used to sign in for this long is forgotten (and so is its cookie).
DEVICE_LIFETIME = timedelta(days=365)


def known_device(session: Session, secret: str) -> KnownDevice | None:
    """The live device a cookie's secret names, with its account."""
    return session.scalar(sa.select(KnownDevice).where(
        KnownDevice.token_hash == token_hash(secret),
        KnownDevice.last_used_at > utcnow() - DEVICE_LIFETIME))


def remember_device(session: Session, user: User, secret: str | None) -> str | None:
    """After `user` signed in on a browser: its device refreshed when the browser's cookie
    (`secret`) names one of the user's, else a new device; returns the secret for a new
    cookie, or None when the browser's own stays good."""
    device = known_device(session, secret) if secret else None
    if device is not None and device.user_id == user.id:
        device.last_used_at = utcnow()
        return None
    session.execute(sa.delete(KnownDevice).where(
        KnownDevice.last_used_at <= utcnow() - DEVICE_LIFETIME))
    secret, hashed = new_secret()
    session.add(KnownDevice(user=user, token_hash=hashed))
    return secret
