"""Signing in and out, with a password or a mailed one-time link (which also serves a
forgotten password), the language switch (kept in the session and, once signed in, on
the account), and the home page that sends each user on."""
from __future__ import annotations

import math

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from api.auth import current_user, send_sign_in_link, sign_in, sign_in_with_link, sign_out
from api.db import db_session
from api.devices import device_key
from api.throttle import throttle
from api.web.common import bp, page, safe_next, signed_in, too_many
from api.web.i18n import LANGUAGES, page_language
from matchmaker import identifiers, scoping, users
from matchmaker.accounts import MIN_PASSWORD_LENGTH
from matchmaker.errors import AwaitingApproval, ValidationError
from matchmaker.scoping import SOCIAL_ENTERPRISE
from matchmaker.tokens import authenticate


@bp.get("/")
def home() -> Response:
    user = signed_in()
    if user.role in ("facilitator", "admin") and user.hubs:
        return redirect(url_for("web.queue", hub_id=user.hubs[0].id))
    if scoping.reads_programme(user):
        return redirect(url_for("web.programme"))
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
    device = device_key(email)  # a browser that signed in to this account before
    wait = throttle().password_wait(email, device)
    if wait:
        body, status = page("login.html", 429, next=target, email=email, locked=True,
                            error=_("Too many failed attempts. Wait %(minutes)d minutes "
                                    "and try again.", minutes=math.ceil(wait / 60)))
        return body, status, {"Retry-After": str(wait)}
    try:
        user = authenticate(db_session(), email, request.form.get("password", ""))
    except AwaitingApproval as pending:
        return page("login.html", 403, next=target, email=email, error=_(
            "Your hub has not approved %(organisation)s yet. You can sign in once it has: "
            "a mail will tell you.", organisation=pending.organisation))
    if user is None:
        throttle().password_failed(email, device)
        return page("login.html", 401, next=target, email=email,
                    error=_("Wrong e-mail address or password."))
    throttle().password_succeeded(email, device)
    sign_in(user)
    return redirect(target)


@bp.route("/login/link", methods=["GET", "POST"])
def ask_sign_in_link() -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Ask for a mailed sign-in link: the same page follows whatever the address."""
    if request.method == "GET":
        return page("sign_in_link.html", email="", errors={})
    email = request.form.get("email", "").strip()
    if identifiers.email_problem(email):
        return page("sign_in_link.html", 400, email=email,
                    errors={"email": _("Give your e-mail address.")})
    if wait := throttle().link_request(email):
        return too_many("sign_in_link.html", wait, email=email, errors={})
    send_sign_in_link(email, page_language())
    return page("sign_in_link.html", email=email, errors={}, sent=True)


@bp.route("/login/link/use", methods=["GET", "POST"])
def use_sign_in_link() -> Response | tuple[str, int]:
    """The mailed link's page. Opening it changes nothing (mail scanners open links too);
    its button signs in, with a new password when one is typed."""
    code = request.values.get("code", "")
    if request.method == "GET":
        return page("sign_in_link_use.html", code=code, errors={})
    new_password = request.form.get("new_password", "")
    if new_password and len(new_password) < MIN_PASSWORD_LENGTH:
        return page("sign_in_link_use.html", 400, code=code, errors={
            "new_password": _("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)})
    try:
        sign_in_with_link(code, new_password or None)
    except ValidationError:
        return page("sign_in_link_use.html", 400, code=code, errors={"code": _(
            "This link is unknown, used or expired. Ask for a new one.")})
    if new_password:
        flash(_("Your new password is saved."))
    return redirect(url_for("web.home"))


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
