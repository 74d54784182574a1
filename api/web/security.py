"""Safe defaults for the pages and the API: CSRF tokens, security headers, cookie flags.

The CSRF token lives in the signed session and is sent back in a hidden form field
(or the `X-CSRF-Token` header for the page's own fetch calls); every unsafe request
to the pages is refused without it. The API answers to the same cookie, so an API write
signed in by that cookie needs the token too, in the header: a cross-site form can post
to the API (as `text/plain`, or with no body at all) but cannot set a header. Calls with
an API token in `Authorization` need none, as browsers never add that header by
themselves. Bodies sent to the API must say they are JSON, so no form reaches it either.
The headers go on every response of the app: the pages load nothing from elsewhere and
run no inline script, so a strict CSP costs nothing and stops an injected `<script>` even
if escaping were ever forgotten.
"""
from __future__ import annotations

import hmac
import secrets

from flask import Flask, Response, abort, request, session
from werkzeug.exceptions import Forbidden, UnsupportedMediaType

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
API_PREFIX = "/api/"
# The session cookie's entry that signs a browser in (`api.auth` writes it).
SIGN_IN_KEY = "sign_in"
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


def _token_matches(sent: str) -> bool:
    expected = session.get(CSRF_FIELD, "")
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


def check_csrf() -> None:
    """Refuse (400) an unsafe request that does not carry this session's token."""
    if request.method in _SAFE_METHODS:
        return
    if not _token_matches(request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER, "")):
        abort(400, description="csrf")


def check_api_request() -> None:
    """Refuse an unsafe API request signed in by the session cookie without the token in
    `X-CSRF-Token` (403), and a body that is not declared JSON (415)."""
    if not request.path.startswith(API_PREFIX) or request.method in _SAFE_METHODS:
        return
    if request.content_length and not request.is_json:
        raise UnsupportedMediaType("send the body as application/json")
    if request.headers.get("Authorization") or SIGN_IN_KEY not in session:
        return  # an API token, or nobody signed in by the cookie
    if not _token_matches(request.headers.get(CSRF_HEADER, "")):
        raise Forbidden(f"signed in with the session cookie: send the {CSRF_HEADER} header "
                        "given at sign-in (POST /api/v1/session) and by GET /api/v1/me")


def _add_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        # only over TLS: on plain http the header is ignored anyway, and the demo runs there
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def install(app: Flask) -> None:
    """Headers on every response; API writes checked; the session cookie HttpOnly, and
    Secure when asked."""
    app.before_request(check_api_request)
    app.after_request(_add_headers)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    # Behind TLS the cookie must never travel in clear (SESSION_COOKIE_SECURE=1); it
    # cannot be the default because the demo and the tests serve plain http on 127.0.0.1.
    if app.extensions["matchmaker.settings"].secure_cookies:
        app.config["SESSION_COOKIE_SECURE"] = True
