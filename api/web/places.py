"""Locations on the pages: the postcode and municipality fields' values, their errors in the
page's language with suggestions, the list of municipalities to choose from (a datalist,
which works without JavaScript) and how precise a shown point is.

The pages call the same `matchmaker.places` functions as the API and the imports; only the
words are made here.
"""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from api.web.i18n import page_language
from matchmaker.places import EXACT, MUNICIPALITY, POSTCODE, PlaceError, gazetteer

PRECISION = {EXACT: "", POSTCODE: _l("± postcode area"), MUNICIPALITY: _l("± municipality")}


def location_values(form: Any) -> dict[str, str | None]:
    """The typed postcode and municipality of a form, empty ones as None."""
    return {name: form.get(name, "").strip() or None for name in ("postcode", "municipality")}


def location_errors(error: PlaceError) -> dict[str, str]:
    """Field name -> what is wrong, in the page's language, with the suggestions."""
    messages: dict[str, str] = {}
    for problem in error.problems:
        value = problem.value
        text = {
            "not_a_postcode": _("A postcode has four digits, for example 9000."),
            "unknown_postcode": _("%(value)s is not a Belgian postcode.", value=value),
            "postcode_elsewhere": _("Postcode %(postcode)s is not in %(value)s.",
                                    postcode=problem.postcode, value=value),
            "unknown_municipality": _("We do not know the municipality %(value)s.",
                                      value=value),
            "ambiguous_municipality": _("Several municipalities have a place called "
                                        "%(value)s: add the postcode.", value=value),
        }[problem.code]
        if problem.suggestions:
            text += " " + _("Did you mean: %(names)s?", names=", ".join(problem.suggestions))
        messages[problem.field] = text
    return messages


def precision_label(precision: str | None) -> str:
    return str(PRECISION.get(precision or "", ""))


def place_label(row: Any) -> str:
    """'9030 Mariakerke' for an organisation, stream or capacity with a typed location."""
    return " ".join(v for v in (getattr(row, "postcode", None),
                                getattr(row, "municipality", None)) if v)


def coarsest(*precisions: str | None) -> str | None:
    """How precise a distance between points is: as precise as the rougher point."""
    return next((p for p in (MUNICIPALITY, POSTCODE) if p in precisions), None)


def site(item: Any) -> Any:
    """Where a stream or capacity is: its own site, else its organisation."""
    return item if item.lat is not None and item.lon is not None else item.organisation


def pair_precision(stream: Any, capacity: Any) -> str | None:
    return coarsest(site(stream).location_precision, site(capacity).location_precision)


def municipality_names() -> list[str]:
    return gazetteer().municipality_names(page_language())


def install(app: Flask) -> None:
    app.jinja_env.filters["precision"] = precision_label
    app.jinja_env.filters["place"] = place_label
    app.jinja_env.globals["municipality_names"] = municipality_names
    app.jinja_env.globals["pair_precision"] = pair_precision
    app.jinja_env.filters["site"] = site
