"""The facilitator's pages: the hub's review queue, a match with its explanation, decisions.

Taking a suggestion and deciding call `matchmaker.workflow`, exactly as the API does;
hubs and matches a user does not facilitate are a 404, except that the capacity's hub
sees a match of another hub's stream read-only (as `matchmaker.scoping` allows).
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from api.db import db_session, mail_links, send_mail
from api.suggestion_index import suggestion_service
from api.web.common import (
    bp,
    form_amount,
    form_day,
    form_number,
    form_weight_kg,
    page,
    signed_in,
)
from api.web.i18n import page_language
from api.web.places import coarsest
from api.web.plot import coordinate_plot, place_of
from matchmaker import limits, review_queue, scoping, taxonomy, workflow
from matchmaker.catalogue import to_doc
from matchmaker.engine.ranker import Suggestion
from matchmaker.errors import Conflict, NotFound, ValidationError
from matchmaker.suggestions import decision_mails, take_pair
from models import Capacity, Hub, Match, Organisation, Stream

QUEUE_LENGTH = 60
PER_STREAM = 3
MATCHES_PER_PAGE = 25
QUEUE_ARGS = ("material", "service", "municipality", "q", "max_km", "min_score", "status",
              "interest", "assigned", "page")
# A pair the engine does not rank at all (a facilitator's own idea) is still taken.


def facilitated_hub(hub_id: int) -> Hub:
    user = signed_in()
    hub = db_session().get(Hub, hub_id)
    if hub is None or not scoping.facilitates(user, hub.id):
        raise NotFound(f"hub {hub_id} not found")
    return hub


def decidable_match(match_id: int) -> Match:
    match = db_session().scalar(sa.select(Match).where(
        Match.id == match_id, scoping.managed(signed_in(), Match)))
    if match is None:
        raise NotFound(f"match {match_id} not found")
    return match


def _filter() -> review_queue.QueueFilter:
    args = request.args

    def number(key: str, maximum: float) -> float | None:
        # a filter typed wrong filters nothing, as an empty one
        value = args.get(key, "").strip().replace(",", ".")
        try:
            found = float(value) if value else None
        except ValueError:
            return None
        return found if found is not None and 0 <= found <= maximum else None

    return review_queue.QueueFilter(
        *(args.get(key, "").strip() for key in ("material", "service", "municipality", "q")),
        max_km=number("max_km", limits.MAX_RADIUS_KM), min_score=number("min_score", 100.0))


def _in_review(hub: Hub, status: str, interest: str, mine: bool, page_number: int
               ) -> tuple[list[Match], dict[str, int], int, int]:
    """One page of the hub's matches (mutual interest first), the count per status (of the
    interest asked for, of the signed-in facilitator's matches with `mine`), the page shown
    and the number of pages."""
    session = db_session()
    query = sa.select(Match).where(Match.hub_id == hub.id)
    if interest:
        query = query.where(review_queue.interest_is(interest))
    if mine:
        query = query.where(review_queue.taken_by(signed_in()))
    counts = dict(session.execute(query.with_only_columns(Match.status, sa.func.count())
                                  .group_by(Match.status)).all())
    if status:
        query = query.where(Match.status == status)
    shown = counts.get(status, 0) if status else sum(counts.values())
    pages = max(1, -(-shown // MATCHES_PER_PAGE))
    page_number = min(max(page_number, 1), pages)
    matches = session.scalars(query.order_by(review_queue.by_interest(), Match.updated_at.desc(),
                                             Match.id.desc())
                              .limit(MATCHES_PER_PAGE)
                              .offset((page_number - 1) * MATCHES_PER_PAGE)).all()
    return matches, counts, page_number, pages


@bp.get("/hubs/<int:hub_id>/queue")
def queue(hub_id: int) -> tuple[str, int]:
    hub = facilitated_hub(hub_id)
    session = db_session()
    found = suggestion_service().hub_queue(session, hub.id, QUEUE_LENGTH, PER_STREAM,
                                           page_language())
    streams = {s.id: s for s in session.scalars(
        sa.select(Stream).where(Stream.id.in_({q.stream_id for q in found})))}
    capacities = {c.id: c for c in session.scalars(
        sa.select(Capacity).where(Capacity.id.in_({q.capacity_id for q in found})))}
    chosen = _filter()
    rows = [(streams[q.stream_id], capacities[q.capacity_id], q.suggestion) for q in found
            if q.stream_id in streams and q.capacity_id in capacities]
    rows = [r for r in rows if chosen.keeps(*r)]
    status = request.args.get("status", "")
    status = status if status in workflow.TRANSITIONS else ""
    interest = request.args.get("interest", "")
    interest = interest if interest in review_queue.INTEREST_FILTERS else ""
    mine = request.args.get("assigned") == "me"
    matches, counts, page_number, pages = _in_review(hub, status, interest, mine,
                                                     request.args.get("page", 1, type=int))
    # matches of other hubs' streams with this hub's capacities: read along and consent
    elsewhere = sa.select(Match).join(Capacity, Match.capacity_id == Capacity.id).join(
        Organisation, Capacity.organisation_id == Organisation.id).where(
        Organisation.hub_id == hub.id, Match.hub_id != hub.id).order_by(
        Match.updated_at.desc())
    filters = {"material": chosen.material, "service": chosen.service,
               "municipality": chosen.municipality, "q": chosen.text,
               "max_km": "" if chosen.max_km is None else f"{chosen.max_km:g}",
               "min_score": "" if chosen.min_score is None else f"{chosen.min_score:g}",
               "assigned": "me" if mine else ""}
    return page("queue.html", hub=hub, rows=rows, filters=filters, status_filter=status,
                interest_filter=interest,
                elsewhere=session.scalars(elsewhere).all(), counts=counts, pages=pages,
                page_number=page_number,
                statuses=tuple(workflow.TRANSITIONS), matches=matches,
                reason_codes=workflow.REASON_CODES, party_reasons=_party_reasons(matches),
                materials=taxonomy.MATERIALS, services=taxonomy.SERVICES)


def _party_reasons(matches: list[Match]) -> dict[int, str]:
    """Per proposed match a party said is not for them: the reason it gave last, for the
    facilitator to confirm as the rejection."""
    said = {}
    for match in matches:
        if match.status == "proposed" and False in (match.stream_interest,
                                                     match.capacity_interest):
            said[match.id] = next((d.reason_code for d in reversed(match.decisions)
                                   if d.to_status == "not_for_us"), "other")
    return said


@bp.post("/hubs/<int:hub_id>/queue/decide")
def decide_from_queue(hub_id: int) -> Response:
    """Take or reject the ticked pairs (or one card's pair) without opening them."""
    hub = facilitated_hub(hub_id)
    session, user = db_session(), signed_in()
    to_status = request.form.get("to_status", "")
    reason = request.form.get("reason_code") or None
    pairs = []
    for value in request.form.getlist("pair"):
        stream_id, _sep, capacity_id = value.partition(":")
        if not (stream_id.isdigit() and capacity_id.isdigit()):
            raise NotFound(f"pair {value} not found")
        pairs.append((scoping.load(session, user, Stream, int(stream_id)),
                      scoping.load(session, user, Capacity, int(capacity_id))))
    if not pairs:
        flash(_("Tick the suggestions first."))
    elif to_status == "rejected" and reason not in workflow.REASON_CODES:
        flash(_("Choose why these suggestions are rejected."))
    else:
        done = review_queue.decide_pairs(session, suggestion_service(), user, hub, pairs,
                                         to_status, reason)
        session.commit()
        flash(_("Suggestions rejected: %(num)d.", num=len(done)) if to_status == "rejected"
              else _("Suggestions taken into review: %(num)d.", num=len(done)))
    return redirect(url_for("web.queue", hub_id=hub.id, **{
        k: v for k, v in request.args.items() if k in QUEUE_ARGS}))


@bp.post("/hubs/<int:hub_id>/take")
def take(hub_id: int) -> Response:
    """Take a suggested pair into review; the stream's hub decides on it."""
    hub = facilitated_hub(hub_id)
    session, user = db_session(), signed_in()
    stream = scoping.load(session, user, Stream, request.form.get("stream_id", type=int) or 0)
    capacity = scoping.load(session, user, Capacity,
                            request.form.get("capacity_id", type=int) or 0)
    if stream.organisation.hub_id != hub.id:
        raise NotFound(f"stream {stream.id} not found")
    try:
        match = take_pair(session, suggestion_service(), user, stream, capacity)
    except Conflict as taken:  # before, or by a colleague at the same moment: show that one
        if not isinstance(taken.existing, Match):
            raise
        return redirect(url_for("web.match", match_id=taken.existing.id))
    session.commit()
    return redirect(url_for("web.match", match_id=match.id))


def _pair(stream_id: int, capacity_id: int) -> Suggestion | None:
    """The engine's view of one pair now, with reasons in the page's language."""
    return suggestion_service().for_pair(db_session(), stream_id, capacity_id, page_language())


def _readable_match(match_id: int) -> tuple[Match, bool]:
    """A match a facilitator may see, and whether they decide on it: the stream's hub
    decides, the capacity's hub reads along; members and other hubs get a 404."""
    user, session = signed_in(), db_session()
    if user.role not in ("facilitator", "admin"):
        raise NotFound(f"match {match_id} not found")
    match = scoping.load(session, user, Match, match_id)
    return match, scoping.may_manage(session, user, match)


def _match_page(match: Match, status: int = 200, errors: dict[str, str] | None = None,
                decides: bool = True) -> tuple[str, int]:
    stream, capacity = match.stream, match.capacity
    session, user = db_session(), signed_in()
    contacts_shown = {o.id for o in (stream.organisation, capacity.organisation)
                      if scoping.may_see_contacts(session, user, o)}
    own_hub = match.hub_id if decides else capacity.organisation.hub_id
    places = [place_of(stream, f"{stream.title} ({stream.organisation.name})"),
              place_of(capacity, f"{capacity.title} ({capacity.organisation.name})")]
    plot = coordinate_plot(places)
    # free text only: show what the engine read from it, marked as such
    read = {"stream": to_doc(stream), "capacity": to_doc(capacity)}
    draft = workflow.draft_agreement(stream, dt.date.today())
    steps = workflow.TRANSITIONS[match.status] if decides else ()
    uncontactable = workflow.parties_without_contact(match) if "introduced" in steps else []
    partner = workflow.partner_hub_id(match)
    return page("match.html", status, uncontactable=uncontactable, match=match,
                completion_unit=workflow.completion_unit(stream),
                period_open=workflow.period_open(match, dt.date.today()),
                partner_hub=session.get(Hub, partner) if partner else None,
                consent_missing=workflow.consent_missing(match, user),
                gives_consent=partner is not None and scoping.facilitates(user, partner),
                pair=_pair(match.stream_id, match.capacity_id),
                plot=plot, read=read, precision=coarsest(*(p.precision for p in places)),
                next_steps=steps,
                decides=decides, contacts_shown=contacts_shown, own_hub=own_hub,
                reason_codes=workflow.REASON_CODES, errors=errors or {},
                form=request.form if request.method == "POST" else _drafted(draft), draft=draft)


def _drafted(draft: workflow.AgreementDraft) -> MultiDict:
    """The agreement form filled in from the stream's quantity, before anyone typed."""
    form = MultiDict()
    if draft.volume_kg is not None:
        form["volume_kg"] = f"{draft.volume_kg:g}"
    for name in ("period_start", "period_end"):
        if getattr(draft, name):
            form[name] = getattr(draft, name).isoformat()
    return form


@bp.get("/matches/<int:match_id>")
def match(match_id: int) -> tuple[str, int]:
    found, decides = _readable_match(match_id)
    return _match_page(found, decides=decides)


def _transition(match: Match, to_status: str, errors: dict[str, str]) -> workflow.Transition:
    agreement = completed = None
    confirmed = bool(request.form.get("confirm_early_completion"))
    if to_status == "agreed":
        volume = form_weight_kg(request.form, "volume_kg", errors, required=True)
        start = form_day(request.form, "period_start", errors)
        end = form_day(request.form, "period_end", errors)
        hours = form_number(request.form, "estimated_hours", errors, maximum=limits.MAX_HOURS)
        fte = form_number(request.form, "estimated_fte", errors, maximum=limits.MAX_FTE)
        if hours is None and fte is None and "estimated_hours" not in errors:
            errors["estimated_hours"] = _("Give the hours or the FTE for the target group.")
        if start and end and end < start:
            errors["period_end"] = _("The end comes before the start.")
        if not errors:
            agreement = workflow.Agreement(volume or 0.0, start, end, hours, fte,
                                           new_service=bool(request.form.get("new_service")))
    if to_status == "completed":
        # asked in the stream's unit: "2,5" of a stream counted in tonnes is 2,5 t
        completed = form_amount(request.form, "completed_amount", errors,
                                workflow.completion_unit(match.stream))
        if workflow.period_open(match, dt.date.today()) and not confirmed:
            errors["confirm_early_completion"] = _(
                "The agreed period has not ended: tick this box to complete the match anyway.")
    reason = request.form.get("reason_code") or None
    if to_status == "rejected" and reason not in workflow.REASON_CODES:
        errors["reason_code"] = _("Choose why this match is rejected.")
    return workflow.Transition(
        to_status=to_status, expected_version=request.form.get("version", type=int) or 0,
        reason_code=reason, note=request.form.get("note", "").strip(),
        note_to_parties=request.form.get("note_to_parties", "").strip(), agreement=agreement,
        completed_amount=completed[0] if completed else None,
        completed_unit=completed[1] if completed else None,
        confirm_early_completion=confirmed)


@bp.post("/matches/<int:match_id>/decide")
def decide(match_id: int) -> Response | tuple[str, int]:
    match = decidable_match(match_id)
    session = db_session()
    errors: dict[str, str] = {}
    change = _transition(match, request.form.get("to_status", ""), errors)
    if errors:
        return _match_page(match, 400, errors)
    if change.to_status == "introduced" and workflow.parties_without_contact(match):
        return _match_page(match, 409, {"introduce": _(
            "This match cannot be introduced yet: an organisation has no contact person "
            "with an e-mail address (see below).")})
    try:
        decision = workflow.decide(session, signed_in(), match, change)
    except ValidationError as err:
        # the summary links each error to its field; a whole agreement to the decisions
        return _match_page(match, 400, {
            e.path.removeprefix("agreement.") if "." in e.path else
            ("decide" if e.path == "agreement" else e.path): e.message for e in err.errors})
    session.commit()
    send_mail(decision_mails(session, suggestion_service(), match, decision, mail_links()))
    return redirect(url_for("web.match", match_id=match.id))
