"""The known-device cookie: which account's browser this is (`matchmaker/access/devices.py`).

The cookie holds a random secret, signed with the app's key (a cookie that was not made
here is ignored without a database lookup) and kept on the server as its hash. It
outlives signing out, as it must: it stands for the browser, not for a sign-in.
"""
from __future__ import annotations

from flask import Response, after_this_request, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from api.db import db_session
from matchmaker.access.devices import DEVICE_LIFETIME, known_device, remember_device
from models import User

DEVICE_COOKIE = "known_device"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="known-device")


def _secret() -> str | None:
    raw = request.cookies.get(DEVICE_COOKIE)
    try:
        secret = _serializer().loads(raw) if raw else None
    except BadSignature:
        return None
    return secret if isinstance(secret, str) else None


def device_key(email: str) -> str | None:
    """This browser's throttle key when it signed in to the account of `email` before."""
    secret = _secret()
    device = known_device(db_session(), secret) if secret else None
    if device is None or device.user.email != email.strip().lower():
        return None
    return str(device.id)


def remember_this_device(user: User) -> None:
    """After `user` signed in here: keep this browser as one of theirs (a new cookie when
    it had none of theirs), in the request's transaction."""
    secret = remember_device(db_session(), user, _secret())
    if secret is None:
        return
    cookie = _serializer().dumps(secret)
    secure = bool(current_app.config.get("SESSION_COOKIE_SECURE"))

    @after_this_request
    def _set(response: Response) -> Response:
        response.set_cookie(DEVICE_COOKIE, cookie, max_age=int(DEVICE_LIFETIME.total_seconds()),
                            httponly=True, samesite="Lax", secure=secure)
        return response
