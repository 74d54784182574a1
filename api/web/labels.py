"""Words for the codes the domain stores: statuses, reject reasons and parties here (each a literal
gettext call, so the catalogue extraction finds it); objectives, KPIs, activity kinds and
the reports' other labels from `matchmaker.reports.words`, which the workbook shares.
An unknown code is shown as it is rather than hidden.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask_babel import lazy_gettext as _l

from api.web.i18n import page_language
from matchmaker.engine.explain import card_reasons
from matchmaker.reports import words

STATUS = {
    "proposed": _l("proposed"), "accepted": _l("accepted"), "rejected": _l("rejected"),
    "introduced": _l("introduced"), "agreed": _l("agreed"), "completed": _l("completed"),
    "withdrawn": _l("withdrawn"), "draft": _l("draft"), "published": _l("published"),
    "closed": _l("closed"),
    # the voices of the parties and of the capacity's hub (decisions that move nothing)
    "interested": _l("interested"), "not_for_us": _l("not for us"),
    "consented": _l("consent given"), "refused": _l("consent refused"),
}
PARTY = {"stream": _l("the company"), "capacity": _l("the social enterprise"),
         "partner_hub": _l("the capacity's hub")}
REASON = {
    "wrong_material": _l("wrong material"), "wrong_service": _l("wrong service"),
    "too_far": _l("too far away"), "not_enough_capacity": _l("not enough capacity"),
    "certification_missing": _l("certification missing"),
    "party_declined": _l("a party declined"), "duplicate": _l("duplicate"),
    "other": _l("other reason"),
}


def _lookup(table: dict) -> Callable[[str], object]:
    return lambda code: table.get(code, code)


TITLE_WORDS = 8


def title_or_words(item: object) -> str:
    """An item's title, or the first words of its description when it has none (imports
    and free-text registrations may leave the title empty): never an empty card."""
    title = (getattr(item, "title", "") or "").strip()
    if title:
        return title
    words_ = (getattr(item, "description", "") or "").split()
    if not words_:
        return f"#{getattr(item, 'id', '')}"
    return " ".join(words_[:TITLE_WORDS]) + ("…" if len(words_) > TITLE_WORDS else "")


def kpi_label(kpi: str) -> str:
    """`activities.training` -> "Activities: training", in the page's language."""
    return words.kpi(kpi, page_language())


def install(app: Flask) -> None:
    for name, table in (("status", STATUS), ("reason", REASON), ("party", PARTY)):
        app.jinja_env.filters[name] = _lookup(table)
    # the reports' labels, shared with the workbook and CSV files (matchmaker.reports.words)
    for name, word in (("objective", words.objective), ("activity", words.activity),
                       ("unit", words.unit), ("shortfall", words.shortfall),
                       ("region", words.region), ("material", words.material)):
        app.jinja_env.filters[name] = lambda code, word=word: word(code, page_language())
    app.jinja_env.filters["kpi"] = kpi_label
    app.jinja_env.filters["title_or_words"] = title_or_words
    app.jinja_env.filters["card_reasons"] = card_reasons
