"""Signing in and out, the language switch (kept in the session and, once signed in, on
the account), and the home page that sends each user on."""
from __future__ import annotations

import math

from flask import redirect, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from api.auth import current_user, sign_in, sign_out
from api.db import db_session
from api.throttle import throttle
from api.web.common import bp, page, safe_next, signed_in
from api.web.i18n import LANGUAGES
from matchmaker import users
from matchmaker.scoping import SOCIAL_ENTERPRISE
from matchmaker.tokens import authenticate


@bp.get("/")
def home() -> Response:
    user = signed_in()
    if user.role in ("facilitator", "admin") and user.hubs:
        return redirect(url_for("web.queue", hub_id=user.hubs[0].id))
    if user.organisation is not None and user.organisation.kind == SOCIAL_ENTERPRISE:
        return redirect(url_for("web.my_items", kind="capacities"))
    return redirect(url_for("web.my_items", kind="streams"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    target = safe_next(request.values.get("next"), url_for("web.home"))
    if request.method == "GET":
        if current_user() is not None:
            return redirect(target)
        return page("login.html", next=target)
    email = request.form.get("email", "").strip()
    wait = throttle().password_wait(email)
    if wait:
        body, status = page("login.html", 429, next=target, email=email,
                            error=_("Too many failed attempts. Wait %(minutes)d minutes "
                                    "and try again.", minutes=math.ceil(wait / 60)))
        return body, status, {"Retry-After": str(wait)}
    user = authenticate(db_session(), email, request.form.get("password", ""))
    if user is None:
        throttle().password_failed(email)
        return page("login.html", 401, next=target, email=email,
                    error=_("Wrong e-mail address or password."))
    throttle().password_succeeded(email)
    sign_in(user)
    return redirect(target)


@bp.post("/logout")
def logout() -> Response:
    sign_out()
    return redirect(url_for("web.login"))


@bp.post("/language")
def choose_language() -> Response:
    language = request.form.get("language")
    if language in LANGUAGES:
        session["language"] = language
        # the account keeps it too: the e-mails it receives are written in it
        user = current_user()
        if user is not None and user.language != language:
            users.update_user(db_session(), user, user, {"language": language})
            db_session().commit()
    return redirect(safe_next(request.form.get("next"), url_for("web.home")))
