"""The pages' language: chosen in the session, else the user's own, else the browser's, else Dutch.

Labels and messages come from the gettext catalogues in `api/translations` (English
message ids, translated in `nl` and `fr`; English pages show the ids). The compiled `.mo`
files are committed next to their `.po`, so a fresh clone needs no build step; after
changing a text: extract (see `babel.cfg`), `pybabel update`, translate, `pybabel compile`.
Match reasons come translated from the engine, in the page's language. Vocabulary labels
(materials, services, units...) come from the taxonomy, which has its own three languages.
"""
from __future__ import annotations

from collections.abc import Iterable

import flask_babel
from flask import Flask, request, session
from flask_babel import Babel
from jinja2 import pass_context

from matchmaker import taxonomy

LANGUAGES: tuple[str, ...] = ("nl", "fr", "en")
DEFAULT_LANGUAGE = "nl"
LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Français", "en": "English"}
# French sets ":" apart with a no-break space, ";", "?" and "!" with a narrow one, so that
# the mark never starts a line ("Période :"); Dutch and English write it against the word.
FRENCH_SPACE_BEFORE = {":": "\u00a0", ";": "\u202f", "?": "\u202f", "!": "\u202f"}


def page_language() -> str:
    chosen = session.get("language")
    if chosen in LANGUAGES:
        return chosen
    from api.auth import current_user

    user = current_user()
    if user is not None and user.language in LANGUAGES:
        return user.language
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def vocabulary_label(value: str, kind: str) -> str:
    """A vocabulary id shown in the page's language (an unknown id as it is)."""
    return taxonomy.label(kind, value, page_language())


def colon(label: object) -> str:
    """A label followed by its colon as the page's language writes it: "Période\u00a0:",
    "Periode:"."""
    language = flask_babel.get_locale()
    space = FRENCH_SPACE_BEFORE[":"] if language is not None and language.language == "fr" else ""
    return f"{label}{space}:"


def by_label(values: Iterable[str], kind: str) -> list[str]:
    """Vocabulary ids in the alphabetical order of their labels in the page's language."""
    return sorted(values, key=lambda value: vocabulary_label(value, kind).casefold())


def install(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Brussels")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    Babel(app, locale_selector=page_language)
    app.jinja_env.filters["vocab"] = vocabulary_label
    app.jinja_env.filters["by_label"] = by_label
    # a context filter: Jinja would otherwise work `""|colon` out once, at compile time,
    # outside any request and so in no language
    app.jinja_env.filters["colon"] = pass_context(lambda _context, label: colon(label))
    # dates and numbers in the page's locale: 1.234,5 in nl and fr, 1,234.5 in en
    for name in ("get_locale", "format_decimal", "format_percent", "format_date",
                 "format_datetime"):
        app.jinja_env.globals[name] = getattr(flask_babel, name)
