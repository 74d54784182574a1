"""Words for the codes the domain stores: statuses and reject reasons here (each a literal
gettext call, so the catalogue extraction finds it); objectives, KPIs, activity kinds and
the reports' other labels from `matchmaker.reports.words`, which the workbook shares.
An unknown code is shown as it is rather than hidden.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask_babel import lazy_gettext as _l

from api.web.i18n import page_language
from matchmaker.reports import words

STATUS = {
    "proposed": _l("proposed"), "accepted": _l("accepted"), "rejected": _l("rejected"),
    "introduced": _l("introduced"), "agreed": _l("agreed"), "completed": _l("completed"),
    "withdrawn": _l("withdrawn"), "draft": _l("draft"), "published": _l("published"),
    "closed": _l("closed"),
}
REASON = {
    "wrong_material": _l("wrong material"), "wrong_service": _l("wrong service"),
    "too_far": _l("too far away"), "not_enough_capacity": _l("not enough capacity"),
    "certification_missing": _l("certification missing"),
    "party_declined": _l("a party declined"), "duplicate": _l("duplicate"),
    "other": _l("other reason"),
}


def _lookup(table: dict) -> Callable[[str], object]:
    return lambda code: table.get(code, code)


def kpi_label(kpi: str) -> str:
    """`activities.training` -> "Activities: training", in the page's language."""
    return words.kpi(kpi, page_language())


def install(app: Flask) -> None:
    for name, table in (("status", STATUS), ("reason", REASON)):
        app.jinja_env.filters[name] = _lookup(table)
    # the reports' labels, shared with the workbook and CSV files (matchmaker.reports.words)
    for name, word in (("objective", words.objective), ("activity", words.activity),
                       ("unit", words.unit), ("shortfall", words.shortfall),
                       ("region", words.region), ("material", words.material)):
        app.jinja_env.filters[name] = lambda code, word=word: word(code, page_language())
    app.jinja_env.filters["kpi"] = kpi_label
