"""Interest of the parties and consent of the partner hub, each one a Decision row.

A voice does not move the match: its `from_status` is the match's status and its
`to_status` names the voice ("interested", "not_for_us", "consented", "refused"), so
counts of transitions (KPIs, reports) do not see it. The latest voice of a side is kept
on the match for the queue to sort on.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models import Capacity, Decision, Match, Stream, User

from .. import audit, scoping, workflow
from ..errors import Conflict, FieldError, PermissionDenied, ValidationError
from ..suggestions import SuggestionService, take_pair

VOICES: dict[bool, str] = {True: "interested", False: "not_for_us"}
CONSENTS: dict[bool, str] = {True: "consented", False: "refused"}
# Once introduced, the parties talk to each other: their voice goes to the facilitator
# before that.
OPEN_STATUSES: tuple[str, ...] = ("proposed", "accepted")


def party_side(user: User, stream: Stream, capacity: Capacity) -> str:
    """"stream" or "capacity": which party of the pair the member speaks for."""
    if user.role == "member" and user.organisation_id is not None:
        if user.organisation_id == stream.organisation_id:
            return "stream"
        if user.organisation_id == capacity.organisation_id:
            return "capacity"
    raise PermissionDenied("only the members of the stream's or the capacity's "
                           "organisation say whether they are interested")


def _voice(session: Session, actor: User, match: Match, party: str, to_status: str,
           reason_code: str | None, column: str, value: bool) -> Decision:
    if match.status not in OPEN_STATUSES:
        raise Conflict(f"match {match.id} is {match.status}: it is no longer asked",
                       allowed=workflow.TRANSITIONS[match.status])
    match_id, before = match.id, audit.snapshot(match)
    setattr(match, column, value)
    try:
        session.flush()
    except StaleDataError as err:
        raise Conflict(f"match {match_id} was decided by someone else meanwhile; "
                       "reload and say it again") from err
    decision = Decision(match=match, user=actor, from_status=match.status,
                        to_status=to_status, reason_code=reason_code, party=party)
    session.add(decision)
    old, new = audit.changed(before, audit.snapshot(match))
    audit.record(session, actor, "voice", match, before=old,
                 after={**new, "party": party, "voice": to_status,
                        "reason_code": reason_code})
    return decision


def voice_interest(session: Session, service: SuggestionService, actor: User, stream: Stream,
                   capacity: Capacity, interested: bool, reason_code: str | None = None
                   ) -> Decision:
    """The member's organisation is interested in the pair, or it is not for them (with a
    reason code, as the facilitator gives when rejecting). The pair is taken into review
    in the stream's hub if nobody had taken it yet."""
    side = party_side(actor, stream, capacity)
    if not interested and reason_code not in workflow.REASON_CODES:
        raise ValidationError([FieldError("reason_code", "required when not interested, "
                                          "one of " + ", ".join(workflow.REASON_CODES))])
    if interested and reason_code is not None:
        raise ValidationError([FieldError("reason_code", "only when not interested")])
    match = session.scalar(sa.select(Match).where(
        Match.stream_id == stream.id, Match.capacity_id == capacity.id))
    if match is None:
        try:
            match = take_pair(session, service, actor, stream, capacity,
                              interest={f"{side}_interest": interested})
        except Conflict as taken:  # by the hub or the other party at the same moment
            if not isinstance(taken.existing, Match):
                raise
            match = taken.existing
    return _voice(session, actor, match, side, VOICES[interested], reason_code,
                  f"{side}_interest", interested)


def consent(session: Session, actor: User, match: Match, consents: bool) -> Decision:
    """The capacity's hub agrees (or refuses) that another hub introduces its social
    enterprise to that hub's stream."""
    partner = workflow.partner_hub_id(match)
    if partner is None or not scoping.facilitates(actor, partner):
        raise PermissionDenied("only the facilitators of the capacity's hub consent, and "
                               "only to a match of another hub")
    return _voice(session, actor, match, "partner_hub", CONSENTS[consents], None,
                  "partner_consent", consents)


def own_voices(session: Session, item: Stream | Capacity, other_ids: list[int]
               ) -> dict[int, tuple[bool, str]]:
    """Per item proposed for `item`, what `item`'s organisation said of the pair and the
    match's status: its own voice, shown to it whatever else it may see of the match."""
    is_stream = isinstance(item, Stream)
    mine = Match.stream_id if is_stream else Match.capacity_id
    theirs = Match.capacity_id if is_stream else Match.stream_id
    column = Match.stream_interest if is_stream else Match.capacity_interest
    return {other: (said, status) for other, said, status in session.execute(
        sa.select(theirs, column, Match.status).where(
            mine == item.id, theirs.in_(other_ids), column.is_not(None)))}
