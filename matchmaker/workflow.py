"""The review lifecycle of a match, from a taken suggestion to a completed assignment.

    proposed -> accepted | rejected     (rejected needs a reason code)
    accepted -> introduced              (both parties put in touch)
    introduced -> agreed                (volume, period, hours or FTE)
    agreed -> completed                 (volume actually handled)
    any open state -> withdrawn

A capacity of another hub than the stream's is introduced only once that hub's facilitator
consents, or the social enterprise itself said it is interested (`matchmaker.parties`).

Completing a match whose agreement period has not ended (or not started) is a mistake as
often as not: it needs `confirm_early_completion`. The completed volume may be given in the
stream's own unit (t, pieces, m³) and is stored in kg.

Each transition is checked against the version the caller saw (optimistic
locking: a stale decision is refused, never applied over another), stored as
a Decision row (the learned scorer's training data) and written to the audit log.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models import Capacity, Decision, Match, Organisation, Stream, User

from . import audit, scoping, taxonomy
from .concurrent_writes import first_writer_wins
from .errors import Conflict, FieldError, ValidationError

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "proposed": ("accepted", "rejected", "withdrawn"),
    "accepted": ("introduced", "withdrawn"),
    "introduced": ("agreed", "withdrawn"),
    "agreed": ("completed", "withdrawn"),
    "rejected": (),
    "completed": (),
    "withdrawn": (),
}
REASON_CODES: tuple[str, ...] = (
    "wrong_material", "wrong_service", "too_far", "not_enough_capacity",
    "certification_missing", "party_declined", "duplicate", "other",
)


@dataclass(frozen=True)
class Agreement:
    """What the parties agreed: the new assignment for the social enterprise."""

    volume_kg: float
    period_start: date
    period_end: date
    estimated_hours: float | None = None
    estimated_fte: float | None = None
    new_service: bool = False


@dataclass(frozen=True)
class AgreementDraft:
    """What an agreement on a stream would say by default, for the facilitator to correct:
    a recurring weighed quantity over the coming year, a one-off batch as it is."""

    kg_per_period: float | None     # the stream's quantity in kg (per its own period)
    per: str | None
    volume_kg: float | None         # over period_start..period_end (or the batch)
    period_start: date | None
    period_end: date | None


def draft_agreement(stream: Stream, today: date) -> AgreementDraft:
    """The stream's quantity in kg ("2 t per month" is 2,000 kg a month) and, when it is
    weighed, the volume it comes to: a year from today for a recurring stream, the batch
    for a one-off one. Pieces and volumes have no exact weight: no volume then."""
    kg = taxonomy.mass_kg(stream.quantity_amount, stream.quantity_unit)
    per = stream.quantity_per
    if kg is None or per not in taxonomy.PERIODS:
        return AgreementDraft(kg, per, None, None, None)
    if per == "once":
        return AgreementDraft(kg, per, kg, None, None)
    end = taxonomy.add_months(today, 12) - timedelta(days=1)
    volume = taxonomy.kg_over_period(stream.quantity_amount, stream.quantity_unit, per, today, end)
    return AgreementDraft(kg, per, round(volume or 0), today, end)


@dataclass(frozen=True)
class Transition:
    """One decision as the facilitator gives it."""

    to_status: str
    expected_version: int
    reason_code: str | None = None
    note: str = ""
    agreement: Agreement | None = None
    completed_volume_kg: float | None = None
    note_to_parties: str = ""
    # or the completed volume in `completed_unit`, by default the stream's (`completed_kg`)
    completed_amount: float | None = None
    completed_unit: str | None = None
    confirm_early_completion: bool = False


def completion_unit(stream: Stream) -> str:
    """The unit a completed volume is asked in: the stream's own, kg when it has none."""
    return stream.quantity_unit if stream.quantity_unit in taxonomy.UNITS else "kg"


def completed_kg(stream: Stream, amount: float, unit: str | None = None) -> float:
    """A completed amount in kg: weights exactly, pieces and m³ at the typical weight of the
    stream's materials (as its quantity is weighed for matching)."""
    return round(taxonomy.amount_kg(amount, unit or completion_unit(stream), stream.materials), 3)


def period_open(match: Match, today: date) -> str | None:
    """"not_started" or "running" while the agreed period has not ended, else None."""
    start, end = match.agreed_period_start, match.agreed_period_end
    if start is not None and today < start:
        return "not_started"
    if end is not None and today <= end:
        return "running"
    return None


def _json_safe(features: dict[str, Any]) -> dict[str, Any]:
    # A feature the engine could not compute (no distance without coordinates) is NaN;
    # JSON has no NaN and PostgreSQL refuses it, so it is stored as null.
    return {k: None if isinstance(v, float) and not math.isfinite(v) else v
            for k, v in features.items()}


def take_suggestion(session: Session, actor: User, stream: Stream, capacity: Capacity,
                    score: float, features: dict[str, Any], scorer_version: str,
                    interest: dict[str, bool] | None = None) -> Match:
    """Store a suggestion as a proposed match in the stream's hub; Conflict with the match
    that exists when the pair was taken before (or by another request at the same moment).
    `interest` is the voice of the party that took it ({"stream_interest": True})."""
    def existing() -> Match | None:
        return session.scalar(sa.select(Match).where(
            Match.stream_id == stream.id, Match.capacity_id == capacity.id))

    found = existing()
    if found is not None:
        raise Conflict(f"stream {stream.id} and capacity {capacity.id} are already "
                       f"match {found.id} ({found.status})", existing=found)
    with first_writer_wins(session, f"a match of stream {stream.id} and capacity "
                           f"{capacity.id}", existing):
        # made inside, so its insert is the savepoint's write; linked by ids, not by the
        # objects: adding to their collections would bump the stream's and the capacity's
        # version, an update that a request at the same moment makes fail as stale
        match = Match(stream_id=stream.id, capacity_id=capacity.id,
                      hub_id=stream.organisation.hub_id,
                      score=score, features=_json_safe(features),
                      scorer_version=scorer_version, status="proposed", **(interest or {}))
        session.add(match)
    audit.record_creation(session, actor, match, action="propose")
    session.add(Decision(match=match, user=actor, from_status=None, to_status="proposed"))
    return match


def parties_without_contact(match: Match) -> list[Organisation]:
    """The parties an introduction could not put in touch: no contact person with an
    e-mail address, so the other party's mail would name nobody to call."""
    parties = (match.stream.organisation, match.capacity.organisation)
    return [o for o in parties
            if not any(c.email and c.erased_at is None for c in o.contacts)]


def partner_hub_id(match: Match) -> int | None:
    """The capacity's hub when it is not the hub that decides on the match."""
    hub_id = match.capacity.organisation.hub_id
    return hub_id if hub_id is not None and hub_id != match.hub_id else None


def consent_missing(match: Match, actor: User) -> bool:
    """Whether introducing the pair still waits for the capacity's hub: its contacts go out
    with the introduction, so that hub (or the social enterprise) says yes first."""
    partner = partner_hub_id(match)
    return (partner is not None and not match.partner_consent
            and not match.capacity_interest and not scoping.facilitates(actor, partner))


def _check(match: Match, change: Transition, actor: User) -> None:
    allowed = TRANSITIONS[match.status]
    if change.to_status not in allowed:
        raise Conflict(f"match {match.id} is {match.status}; it cannot become "
                       f"{change.to_status}", allowed=allowed)
    if change.expected_version != match.version:
        raise Conflict(f"match {match.id} changed meanwhile (version {match.version}, you saw "
                       f"{change.expected_version}); reload and decide again", allowed=allowed)
    if change.to_status == "introduced" and consent_missing(match, actor):
        raise Conflict(f"match {match.id} pairs a capacity of hub {partner_hub_id(match)}: its "
                       "facilitator consents first, or the social enterprise says it is "
                       "interested", allowed=allowed)
    errors: list[FieldError] = []
    if change.to_status == "rejected" and change.reason_code not in REASON_CODES:
        errors.append(FieldError("reason_code", "required when rejecting, one of "
                                 + ", ".join(REASON_CODES)))
    elif change.reason_code is not None and change.reason_code not in REASON_CODES:
        errors.append(FieldError("reason_code", "one of " + ", ".join(REASON_CODES)))
    if change.to_status == "agreed":
        deal = change.agreement
        if deal is None:
            errors.append(FieldError("agreement", "required when agreeing"))
        else:
            if deal.period_end < deal.period_start:
                errors.append(FieldError("agreement.period_end", "before period_start"))
            if deal.estimated_hours is None and deal.estimated_fte is None:
                errors.append(FieldError("agreement", "give estimated_hours or estimated_fte"))
    if change.to_status == "completed":
        errors += _completion_errors(match, change)
    if change.to_status == "introduced":
        errors += [FieldError("contacts", f"organisation {o.id} ({o.name}) has no contact "
                              "person with an e-mail address; add one before introducing it")
                   for o in parties_without_contact(match)]
    if errors:
        raise ValidationError(errors)


def _completion_errors(match: Match, change: Transition) -> list[FieldError]:
    errors = []
    given = [v for v in (change.completed_volume_kg, change.completed_amount) if v is not None]
    if len(given) != 1:
        errors.append(FieldError("completed_volume_kg", "required when completing: give "
                                 "completed_volume_kg, or completed_amount in the stream's unit "
                                 f"({completion_unit(match.stream)}), not both"))
    if change.completed_unit is not None and change.completed_unit not in taxonomy.UNITS:
        errors.append(FieldError("completed_unit", "one of " + ", ".join(taxonomy.UNITS)))
    state = period_open(match, date.today())
    if state and not change.confirm_early_completion:
        errors.append(FieldError("confirm_early_completion", (
            "the agreement period starts on " if state == "not_started" else
            "the agreement period runs until ")
            + (match.agreed_period_start if state == "not_started"
               else match.agreed_period_end).isoformat()
            + ": send confirm_early_completion true to complete it anyway"))
    return errors


def decide(session: Session, actor: User, match: Match, change: Transition) -> Decision:
    """Apply one transition, or raise Conflict (illegal or stale) / ValidationError."""
    _check(match, change, actor)
    match_id = match.id
    before = audit.snapshot(match)
    from_status = match.status
    match.status = change.to_status
    if change.agreement is not None and change.to_status == "agreed":
        deal = change.agreement
        match.agreed_volume_kg = deal.volume_kg
        match.agreed_period_start = deal.period_start
        match.agreed_period_end = deal.period_end
        match.estimated_hours = deal.estimated_hours
        match.estimated_fte = deal.estimated_fte
        match.new_service = deal.new_service
    if change.to_status == "completed":
        match.completed_volume_kg = (
            change.completed_volume_kg if change.completed_volume_kg is not None
            else completed_kg(match.stream, change.completed_amount or 0.0, change.completed_unit))
    try:
        session.flush()
    except StaleDataError as err:
        raise Conflict(f"match {match_id} was decided by someone else meanwhile; "
                       "reload and decide again") from err
    decision = Decision(match=match, user=actor, from_status=from_status,
                        to_status=change.to_status, reason_code=change.reason_code,
                        note=change.note, note_to_parties=change.note_to_parties)
    session.add(decision)
    old, new = audit.changed(before, audit.snapshot(match))
    audit.record(session, actor, "decide", match, before=old,
                 after={**new, "reason_code": change.reason_code})
    return decision
