"""Companies' material streams and social enterprises' capacities: list, register, edit.

One form for both kinds (`kind` is "streams" or "capacities"). While the description is
typed, the page asks `/analysis` (which calls `matchmaker.analysis.analyse`) for
materials, services and a quantity, and ticks them for the person to untick what is
wrong; without JavaScript the "Suggest tags" button sends the form back with the same
suggestions ticked, and saving with nothing ticked takes them (`api.web.suggested`) and
says so on the next page. Writes go through `matchmaker.registration`, visibility through
`matchmaker.scoping`.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, jsonify, redirect, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from api.db import db_session
from api.suggestion_index import index_written, suggestion_service
from api.web import suggested
from api.web.common import bp, form_number, page, signed_in
from api.web.i18n import colon, page_language, vocabulary_label
from api.web.places import coarsest, location_errors, location_values
from api.web.plot import coordinate_plot, place_of
from matchmaker import limits, parties, registration, scoping, taxonomy, workflow
from matchmaker.analysis import Analysis, analyse
from matchmaker.places import PlaceError
from matchmaker.places.names import key
from models import Capacity, Match, Organisation, Stream

MODELS: dict[str, type[Stream] | type[Capacity]] = {"streams": Stream, "capacities": Capacity}
ROLES = {"streams": "stream", "capacities": "capacity"}
PROPOSALS = 10


def _model(kind: str) -> type[Stream] | type[Capacity]:
    if kind not in MODELS:
        abort(404)
    return MODELS[kind]


def _organisation() -> Organisation:
    """The organisation a new item is for: the member's own, or one a facilitator manages."""
    user = signed_in()
    organisation_id = request.values.get("organisation", type=int) or user.organisation_id
    if organisation_id is None:
        abort(404)
    return scoping.load(db_session(), user, Organisation, organisation_id, manage=True)


@bp.get("/my/<kind>")
def my_items(kind: str) -> tuple[str, int]:
    model, user = _model(kind), signed_in()
    session = db_session()
    items = session.scalars(sa.select(model).where(scoping.managed(user, model))
                            .order_by(model.updated_at.desc())).all()
    column = Match.stream_id if model is Stream else Match.capacity_id
    matches = session.scalars(sa.select(Match).where(
        column.in_([i.id for i in items]), scoping.visible(user, Match))).all() if items else []
    return page("my_items.html", kind=kind, items=items, matches=matches)


def _text_analysis(form: MultiDict, kind: str) -> Analysis | None:
    text = "\n".join(t for t in (form.get("title", ""), form.get("description", "")) if t.strip())
    return analyse(text, None, role=ROLES[kind]) if text.strip() else None


def _site(form: MultiDict, organisation: Organisation) -> dict[str, str | None]:
    """The item's own site: empty when the form still shows the organisation's location, so
    the item follows its organisation wherever that is later."""
    typed = location_values(form)
    if [key(v or "") for v in typed.values()] == [
            key(organisation.postcode or ""), key(organisation.municipality or "")]:
        return {"postcode": None, "municipality": None}
    return typed


def _values(form: MultiDict, kind: str, errors: dict[str, str],
            organisation: Organisation) -> dict[str, Any]:
    """Form fields -> the item's values; unknown vocabulary ids are dropped, not stored."""
    values: dict[str, Any] = {
        "title": form.get("title", "").strip(),
        "description": form.get("description", "").strip(),
        "materials": [m for m in dict.fromkeys(form.getlist("materials") + [form.get(
            "other_material", "")]) if m in taxonomy.MATERIALS],
    }
    if not values["title"]:
        errors["title"] = _("Give a short title.")
    services = [s for s in form.getlist("services") if s in taxonomy.SERVICES]
    prefix = "quantity" if kind == "streams" else "capacity"
    values.update(_site(form, organisation))
    amount = form_number(form, "amount", errors, maximum=limits.MAX_AMOUNT)
    values[f"{prefix}_amount"] = amount
    values[f"{prefix}_unit"] = form.get("unit") if form.get("unit") in taxonomy.UNITS else None
    values[f"{prefix}_per"] = form.get("per") if form.get("per") in taxonomy.PERIODS else None
    if kind == "streams":
        values["services_wanted"] = services
    else:
        values["services"] = services
        values["certifications"] = [c for c in form.getlist("certifications")
                                    if c in taxonomy.CERTIFICATIONS]
        values["service_radius_km"] = form_number(form, "service_radius_km", errors,
                                                  maximum=limits.MAX_RADIUS_KM)
        values["target_group_fte"] = form_number(form, "target_group_fte", errors,
                                                 maximum=limits.MAX_FTE)
    return values



def _form_page(kind: str, form: MultiDict, organisation: Organisation,
               item: Stream | Capacity | None = None,
               errors: dict[str, str] | None = None, analysis: Analysis | None = None,
               status: int = 200) -> tuple[str, int]:
    return page("item_form.html", status, kind=kind, item=item,
                form=suggested.for_display(form, analysis, kind),
                errors=errors or {}, analysis=analysis, taxonomy=taxonomy,
                organisation=organisation)


def _say_what_was_taken(kind: str, taken: suggested.Taken) -> None:
    """Tell, on the page after saving, what the text filled in because it was left empty."""
    if not taken:
        return

    def named(ids: list[str], vocabulary: str) -> str:
        return ", ".join(vocabulary_label(i, vocabulary) for i in ids)

    parts = []
    if taken.materials:
        parts.append(f"{colon(_('Materials'))} {named(taken.materials, 'material')}")
    if taken.services:
        title = _("Services wanted") if kind == "streams" else _("Services offered")
        parts.append(f"{colon(title)} {named(taken.services, 'service')}")
    if taken.quantity:
        amount, unit, per = taken.quantity
        title = _("Quantity") if kind == "streams" else _("Capacity")
        parts.append(f"{colon(title)} {format_decimal(float(amount))} "
                     f"{vocabulary_label(unit, 'unit')} {vocabulary_label(per, 'period')}")
    for name, title in (("service_radius_km", _("Service radius (km)")),
                        ("target_group_fte", _("Target group FTE"))):
        if name in taken.numbers:
            parts.append(f"{colon(title)} {format_decimal(float(taken.numbers[name]))}")
    flash(_("Read from your description because it was left empty: %(found)s. Click the "
            "title to change what is not right.", found="; ".join(parts)))


def _item_form(item: Stream | Capacity) -> MultiDict:
    stream = isinstance(item, Stream)
    prefix = "quantity" if stream else "capacity"
    form = MultiDict({"title": item.title, "description": item.description,
                      "amount": "" if getattr(item, f"{prefix}_amount") is None
                      else f"{getattr(item, f'{prefix}_amount'):g}",
                      "unit": getattr(item, f"{prefix}_unit") or "",
                      "per": getattr(item, f"{prefix}_per") or "",
                      "status": item.status, "version": str(item.version)})
    form.setlist("materials", item.materials)
    form.setlist("services", item.services_wanted if stream else item.services)
    site = item if item.postcode or item.municipality else item.organisation
    form.update({"municipality": site.municipality or "", "postcode": site.postcode or ""})
    if not stream:
        form.setlist("certifications", item.certifications)
        for name in ("service_radius_km", "target_group_fte"):
            value = getattr(item, name)
            form[name] = "" if value is None else f"{value:g}"
    return form


@bp.route("/<kind>/new", methods=["GET", "POST"])
def new_item(kind: str) -> Response | tuple[str, int]:
    model = _model(kind)
    organisation = _organisation()
    if request.method == "GET":
        return _form_page(kind, MultiDict({
            "status": "published", "postcode": organisation.postcode or "",
            "municipality": organisation.municipality or ""}), organisation)
    form, found = request.form, _text_analysis(request.form, kind)
    saving, taken = suggested.for_saving(form, found, kind)
    errors: dict[str, str] = {}
    values = _values(saving, kind, errors, organisation)
    if form.get("action") == "analyse" or errors:
        return _form_page(kind, form, organisation, errors=errors,
                          analysis=found, status=400 if errors else 200)
    session, user = db_session(), signed_in()
    try:
        item = registration.create_item(session, user, model, organisation, values)
    except PlaceError as err:
        return _form_page(kind, form, organisation, errors=location_errors(err),
                          analysis=found, status=400)
    session.flush()
    if form.get("status") == "draft":
        registration.set_item_status(session, user, item, "draft")
    session.commit()
    index_written(ROLES[kind], [item.id])
    flash(_("Saved."))
    _say_what_was_taken(kind, taken)
    return redirect(url_for("web.my_items", kind=kind, saved=item.id))


@bp.route("/<kind>/<int:item_id>/edit", methods=["GET", "POST"])
def edit_item(kind: str, item_id: int) -> Response | tuple[str, int]:
    model = _model(kind)
    session, user = db_session(), signed_in()
    item = scoping.load(session, user, model, item_id, manage=True)
    organisation = item.organisation
    if request.method == "GET":
        stored = _item_form(item)
        found = _text_analysis(stored, kind)
        return _form_page(kind, suggested.seen_on_edit(stored, found, kind), organisation,
                          item, analysis=found)
    form, found = request.form, _text_analysis(request.form, kind)
    saving, taken = suggested.for_saving(form, found, kind)
    errors: dict[str, str] = {}
    values = _values(saving, kind, errors, organisation)
    if form.get("action") == "analyse" or errors:
        return _form_page(kind, form, organisation, item, errors, found,
                          status=400 if errors else 200)
    version = form.get("version", type=int)
    try:
        registration.update_item(session, user, item, values, version)
    except PlaceError as err:   # raised before anything was changed
        return _form_page(kind, form, organisation, item, location_errors(err), found,
                          status=400)
    if form.get("status") in ("draft", "published", "closed") and form["status"] != item.status:
        registration.set_item_status(session, user, item, form["status"])
    session.commit()
    index_written(ROLES[kind], [item.id])
    flash(_("Saved."))
    _say_what_was_taken(kind, taken)
    return redirect(url_for("web.my_items", kind=kind, saved=item.id))


@bp.post("/analysis")
def text_analysis() -> Response:
    """What the typed text speaks of, labelled in the page's language, for the form's script."""
    signed_in()
    kind = request.form.get("kind", "streams")
    found = _text_analysis(request.form, kind if kind in ROLES else "streams")
    if found is None:
        return jsonify(materials=[], services=[], certifications=[], quantity=None,
                       service_radius_km=None, target_group_fte=None)
    language = page_language()

    def listed(suggestions: list, vocabulary: str) -> list[dict[str, Any]]:
        return [{"id": s.id, "label": taxonomy.label(vocabulary, s.id, language),
                 "evidence": s.evidence} for s in suggestions]

    quantity = found.quantity

    def number(value: float | None) -> str | None:
        return None if value is None else f"{value:g}"

    return jsonify(
        materials=listed(found.materials, "material"),
        services=listed(found.services, "service"),
        certifications=listed(found.certifications, "certification"),
        service_radius_km=number(found.service_radius_km),
        target_group_fte=number(found.target_group_fte),
        quantity=None if quantity is None else {
            "amount": f"{quantity.amount:g}", "unit": quantity.unit, "per": quantity.per,
            "label": f"{quantity.amount:g} {vocabulary_label(quantity.unit, 'unit')} "
                     f"{vocabulary_label(quantity.per, 'period')}"})


@bp.get("/<kind>/<int:item_id>/proposals")
def proposals(kind: str, item_id: int) -> tuple[str, int]:
    """The other side's best items for one of yours: streams proposed to a social
    enterprise's capacity, or capacities that could take a company's stream."""
    model = _model(kind)
    session, user = db_session(), signed_in()
    item = scoping.load(session, user, model, item_id, manage=True)
    service = suggestion_service()
    ask = service.for_stream if model is Stream else service.for_capacity
    found = ask(session, item.id, PROPOSALS, page_language())
    other = Capacity if model is Stream else Stream
    rows = {row.id: row for row in session.scalars(sa.select(other).where(
        other.id.in_([int(s.target_id) for s in found])))}
    pairs = [(rows[int(s.target_id)], s) for s in found if int(s.target_id) in rows]
    own = place_of(item, item.title)
    others = [place_of(other, f"{other.title} ({other.organisation.name})")
              for other, _s in pairs]
    precisions = [coarsest(own.precision, p.precision) for p in others]
    return page("proposals.html", kind=kind, item=item, pairs=pairs,
                precisions=precisions, plot=coordinate_plot([own] + others),
                voices=parties.own_voices(session, item, [o.id for o, _s in pairs]),
                asks=item.organisation_id == user.organisation_id,
                reason_codes=workflow.REASON_CODES)
