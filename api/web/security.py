"""Safe defaults for the pages: CSRF tokens on every form, security headers, cookie flags.

The CSRF token lives in the signed session and is sent back in a hidden form field
(or the `X-CSRF-Token` header for the page's own fetch calls); every unsafe request
to the pages is refused without it. The headers go on every response of the app:
the pages load nothing from elsewhere and run no inline script, so a strict CSP costs
nothing and stops an injected `<script>` even if escaping were ever forgotten.
"""
from __future__ import annotations

import hmac
import secrets

from flask import Flask, Response, abort, request, session

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def csrf_token() -> str:
    """This session's token, created on first use."""
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def check_csrf() -> None:
    """Refuse (400) an unsafe request that does not carry this session's token."""
    if request.method in _SAFE_METHODS:
        return
    sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER, "")
    expected = session.get(CSRF_FIELD, "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(400, description="csrf")


def _add_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        # only over TLS: on plain http the header is ignored anyway, and the demo runs there
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def install(app: Flask) -> None:
    """Headers on every response; the session cookie HttpOnly, and Secure when asked."""
    app.after_request(_add_headers)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    # Behind TLS the cookie must never travel in clear (SESSION_COOKIE_SECURE=1); it
    # cannot be the default because the demo and the tests serve plain http on 127.0.0.1.
    if app.extensions["matchmaker.settings"].secure_cookies:
        app.config["SESSION_COOKIE_SECURE"] = True
