"""Working through a hub's review queue: which suggestions a filter keeps, matches in the
order of the parties' interest, and taking or rejecting several pairs at once, all or none
(each through `matchmaker.workflow`)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Capacity, Decision, Hub, Match, Stream, User

from . import taxonomy, workflow
from .engine.ranker import Suggestion
from .errors import Conflict, FieldError, NotFound, ValidationError
from .suggestions import SuggestionService, take_pair

# Several pairs at once: at most a screen of the queue.
MAX_PAIRS = 100


@dataclass(frozen=True)
class QueueFilter:
    """What the facilitator narrows the queue to; empty strings filter nothing."""

    material: str = ""
    service: str = ""
    municipality: str = ""   # of either item's site or either organisation
    text: str = ""           # in either title or organisation name
    max_km: float | None = None      # an unknown distance is not within it
    min_score: float | None = None

    def keeps(self, stream: Stream, capacity: Capacity, suggestion: Suggestion) -> bool:
        """The pair and the engine's view of it pass every filter given."""
        distance = suggestion.features.get("distance_km", math.nan)
        if self.max_km is not None and not distance <= self.max_km:   # NaN fails too
            return False
        if self.min_score is not None and suggestion.score < self.min_score:
            return False
        return self.passes(stream, capacity)

    def passes(self, stream: Stream, capacity: Capacity) -> bool:
        material, service = self.material, self.service
        # asking for a parent (textiles) finds its children (workwear), as in the API
        if material and not any(material == m or material in taxonomy.material_ancestors(m)
                                for m in stream.materials + capacity.materials):
            return False
        if service and service not in stream.services_wanted + capacity.services:
            return False
        if self.municipality and self.municipality.lower() not in " | ".join(
                place or "" for place in (stream.municipality, stream.organisation.municipality,
                                          capacity.municipality,
                                          capacity.organisation.municipality)).lower():
            return False
        return not self.text or self.text.lower() in " | ".join(
            (stream.title, stream.organisation.name, capacity.title,
             capacity.organisation.name)).lower()


def decide_pairs(session: Session, service: SuggestionService, actor: User, hub: Hub,
                 pairs: list[tuple[Stream, Capacity]], to_status: str,
                 reason_code: str | None = None, note: str = "") -> list[Match]:
    """Take every pair into review ("proposed"), or take and reject it with one reason
    ("rejected"); a pair taken before must still be proposed. All or none: any refusal
    raises before the caller commits."""
    if to_status not in ("proposed", "rejected"):
        raise ValidationError([FieldError("to_status", "proposed or rejected")])
    if not pairs or len(pairs) > MAX_PAIRS:
        raise ValidationError([FieldError("pairs", f"between 1 and {MAX_PAIRS} pairs")])
    matches = []
    for stream, capacity in pairs:
        if stream.organisation.hub_id != hub.id:
            raise NotFound(f"stream {stream.id} not found")
        match = session.scalar(sa.select(Match).where(
            Match.stream_id == stream.id, Match.capacity_id == capacity.id))
        if match is None:
            match = take_pair(session, service, actor, stream, capacity)
        elif match.status != "proposed":
            raise Conflict(f"match {match.id} is {match.status} already",
                           allowed=workflow.TRANSITIONS[match.status])
        if to_status == "rejected":
            workflow.decide(session, actor, match, workflow.Transition(
                "rejected", match.version, reason_code=reason_code, note=note))
        matches.append(match)
    return matches


INTEREST_FILTERS: tuple[str, ...] = ("mutual", "any", "not_for_us")


def interest_is(kind: str) -> sa.ColumnElement[bool]:
    """Matches both parties are interested in ("mutual"), one of them ("any"), or one of
    them said is not for them ("not_for_us")."""
    said = (Match.stream_interest.is_(True), Match.capacity_interest.is_(True))
    return {"mutual": sa.and_(*said), "any": sa.or_(*said),
            "not_for_us": sa.or_(Match.stream_interest.is_(False),
                                 Match.capacity_interest.is_(False))}[kind]


def by_interest() -> sa.ColumnElement[int]:
    """An order: both parties interested first, then one of them, then the others."""
    return sa.case((interest_is("mutual"), 0), (interest_is("any"), 1), else_=2)


def taken_by(user: User) -> sa.ColumnElement[bool]:
    """Matches `user` works on, with several facilitators in a hub: the facilitator who took
    the pair into review or, for a pair a party put forward, who decided on it first."""
    first = (sa.select(sa.func.min(Decision.id)).join(User, Decision.user_id == User.id)
             .where(Decision.party.is_(None), User.role.in_(("facilitator", "admin")))
             .group_by(Decision.match_id))
    return Match.id.in_(sa.select(Decision.match_id).where(
        Decision.id.in_(first), Decision.user_id == user.id))
