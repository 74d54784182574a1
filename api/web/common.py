"""The pages' blueprint and what every page shares: the signed-in user, errors as pages.

Views live in the sibling modules and register on `bp`. Domain errors become a page
in the user's language with the right status; a match or hub the user may not
decide on is a 404, so other hubs cannot even tell that it exists.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal, get_locale
from flask_babel import gettext as _
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from api.auth import current_user
from api.problems import RETRY_AFTER_SECONDS
from api.web.i18n import vocabulary_label
from api.web.security import check_csrf
from matchmaker import limits
from matchmaker.errors import Conflict, NotFound, PermissionDenied
from matchmaker.quantities import typed_amount, weight_kg
from models import User

bp = Blueprint("web", __name__)
bp.before_request(check_csrf)


class SignInRequired(Exception):
    """Raised by `signed_in()`; answered with a redirect to the login page."""


def signed_in() -> User:
    """The signed-in user of a page; anyone else is sent to the login page."""
    user = current_user()
    if user is None:
        raise SignInRequired
    return user


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site: a login link must not send anyone elsewhere."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def form_number(form: Any, name: str, errors: dict[str, str], *, maximum: float,
                required: bool = False) -> float | None:
    """A number typed in a form field, Belgian decimal comma accepted ("2,5"), from zero to
    `maximum` (`matchmaker.limits`, as in the API); problems go into `errors` under the
    field's name, in the page's language."""
    raw = form.get(name, "").strip().replace(",", ".")
    if not raw:
        if required:
            errors[name] = _("Fill this in.")
        return None
    try:
        value = float(raw)
    except ValueError:
        errors[name] = _("Give a number, for example 1200 or 2,5.")
        return None
    if value < 0:
        errors[name] = _("Give a number of zero or more.")
    elif limits.number_problem(value, maximum):
        errors[name] = _("Give a number of at most %(maximum)s.",
                         maximum=format_decimal(maximum))
    return value


def form_weight_kg(form: Any, name: str, errors: dict[str, str], *,
                   maximum: float = limits.MAX_AMOUNT, required: bool = False) -> float | None:
    """A weight typed in a form field, in kg: a number is kg, tonnes are converted ("2,4 t"),
    up to `maximum` kg; problems go into `errors` under the field's name, in the page's
    language."""
    raw = form.get(name, "").strip()
    if not raw:
        if required:
            errors[name] = _("Fill this in.")
        return None
    try:
        value = weight_kg(raw, get_locale().language if get_locale() else "nl")
    except ValueError:
        errors[name] = _("Give a weight in kg or in tonnes, for example 2400, 2.400 kg or 2,4 t.")
        return None
    if limits.number_problem(value, maximum):
        errors[name] = _("Give a number of at most %(maximum)s.",
                         maximum=format_decimal(maximum))
    return value


def form_amount(form: Any, name: str, errors: dict[str, str], unit: str, *,
                maximum: float = limits.MAX_AMOUNT) -> tuple[float, str] | None:
    """A required amount typed in a form field and its unit: a number is in `unit`, a typed
    unit (2,4 t; 40 stuks) is kept; problems go into `errors` under the field's name."""
    raw = form.get(name, "").strip()
    if not raw:
        errors[name] = _("Fill this in.")
        return None
    try:
        amount, typed = typed_amount(raw, get_locale().language if get_locale() else "nl", unit)
    except ValueError:
        errors[name] = _("Give a number, in %(unit)s or followed by its unit (2,4 t).",
                         unit=vocabulary_label(unit, "unit"))
        return None
    if limits.number_problem(amount, maximum):
        errors[name] = _("Give a number of at most %(maximum)s.",
                         maximum=format_decimal(maximum))
        return None
    return amount, typed


def form_day(form: Any, name: str, errors: dict[str, str]) -> dt.date | None:
    """A date from a form or query field (YYYY-MM-DD, as date inputs send it) within the
    service's range; problems go into `errors` under the field's name."""
    try:
        day = dt.date.fromisoformat(form.get(name, ""))
    except ValueError:
        errors[name] = _("Give a date.")
        return None
    if limits.day_problem(day):
        errors[name] = _("Give a date between %(first)s and %(last)s.",
                         first=format_date(limits.FIRST_DAY), last=format_date(limits.LAST_DAY))
        return None
    return day


def page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, **context), status


def too_many(template: str, wait: int, **context: Any) -> tuple[str, int, dict[str, str]]:
    """`template` as a 429 with Retry-After, its `message` in the page's language."""
    body, status = page(template, 429, message=_(
        "Too many attempts from your connection. Wait %(minutes)d minutes and try again.",
        minutes=math.ceil(wait / 60)), **context)
    return body, status, {"Retry-After": str(wait)}


@bp.errorhandler(SignInRequired)
def _sign_in(_error: SignInRequired) -> Response:
    return redirect(url_for("web.login", next=request.full_path.rstrip("?")))


@bp.errorhandler(NotFound)
def _not_found(_error: NotFound) -> tuple[str, int]:
    return page("error.html", 404, title=_("Not found"),
                message=_("This page does not exist, or it is not yours to see."))


@bp.errorhandler(PermissionDenied)
def _denied(_error: PermissionDenied) -> tuple[str, int]:
    return page("error.html", 403, title=_("Not allowed"),
                message=_("You may not do this with your account."))


@bp.errorhandler(Conflict)
@bp.errorhandler(sa_exc.IntegrityError)  # a write that collided with one made meanwhile
def _conflict(_error: Exception) -> tuple[str, int]:
    return page("error.html", 409, title=_("Changed meanwhile"),
                message=_("Someone changed this in the meantime, or this step is not "
                          "possible any more. Reload the page and try again."))


@bp.errorhandler(HTTPException)
def _http(error: HTTPException) -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    code = error.code or 500
    if code == 400 and error.description == "csrf":
        return page("error.html", 400, title=_("Form expired"),
                    message=_("The form was too old or not sent by this site. "
                              "Go back, reload the page and send it again."))
    retry_after = getattr(error, "retry_after", None)
    if code == 429 and isinstance(retry_after, int):
        return too_many("error.html", retry_after, title="429")
    return page("error.html", code, title=str(code), message=error.name)


# Shown when not even the page layout can be rendered; every language we speak, plainly.
OFFLINE_PAGE = (
    '<!doctype html><html lang="nl"><meta charset="utf-8"><title>503</title>'
    "<h1>Tijdelijk niet beschikbaar</h1><p>De databank is nu niet bereikbaar. Er werd niets "
    "opgeslagen; probeer het zo meteen opnieuw.</p>"
    '<h1 lang="fr">Temporairement indisponible</h1><p lang="fr">La base de données est '
    "injoignable pour le moment. Rien n'a été enregistré\u202f; réessayez dans un instant.</p>"
    '<h1 lang="en">Temporarily unavailable</h1><p lang="en">The database cannot be reached '
    "right now. Nothing was saved; try again in a moment.</p></html>")


@bp.errorhandler(sa_exc.OperationalError)
@bp.errorhandler(sa_exc.DisconnectionError)
@bp.errorhandler(sa_exc.TimeoutError)
def _database_unavailable(error: Exception) -> tuple[str, int, dict[str, str]]:
    current_app.logger.warning("database unavailable on a page: %s", error)
    try:
        body, _status = page("error.html", 503, title=_("Temporarily unavailable"),
                             message=_("The database cannot be reached right now. Nothing "
                                       "was saved; try again in a moment."))
    except Exception:  # the user's language and the layout's menu need the database too
        body = OFFLINE_PAGE
    return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


@bp.errorhandler(Exception)
def _unexpected(error: Exception) -> tuple[str, int]:
    current_app.logger.exception("unhandled error on a page", exc_info=error)
    return page("error.html", 500, title=_("Something went wrong"),
                message=_("Something went wrong on our side. Try again in a moment."))
