"""Opportunities nobody serves yet: published streams without a good capacity within reach,
and capacities with room that no stream fits.

"Good" is grade 3 of the judgments' scale (docs: exchange format): the right material,
every wanted service, within the service radius, enough capacity, every required
certification. It is read from the reasons the ranking engine gives for its own
suggestions (`engine/explain.py`), not from a second set of rules: a pair is good when
the engine says the material is the same or covered and states no shortfall. Whatever the
engine cannot know (no location, no quantity) counts as no shortfall, as in its scoring.
The nearest capacities that almost fit have the right material and one or two
shortfalls; they are what a social enterprise would have to add to serve the stream.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from matchmaker.engine.documents import kg_per_month
from matchmaker.engine.ranker import Suggestion
from matchmaker.suggestions import SuggestionService
from models import Capacity, Match, Organisation, Stream

from .regions import province

SHORTFALLS: tuple[str, ...] = ("material", "service", "radius", "capacity", "certification",
                               "availability")
# the engine's reason codes that say what a pair lacks
SHORTFALL_OF_REASON: dict[str, str] = {
    "material_part": "material", "material_related": "material", "material_other": "material",
    "services_missing": "service", "beyond_radius": "radius", "capacity_partial": "capacity",
    "certification_missing": "certification", "availability_conflict": "availability",
}
RIGHT_MATERIAL: frozenset[str] = frozenset({"material_same", "material_covered"})
# Suggestions read per stream or capacity: a good partner ranks well within them.
CANDIDATES = 10
NEAREST = 3
MAX_SHORTFALLS_OF_NEAR_MISS = 2
# An agreement without a period is taken to run for a year.
DEFAULT_AGREEMENT_MONTHS = 12.0
PUBLISHED = "published"


def shortfalls(suggestion: Suggestion) -> tuple[str, ...]:
    """What keeps a suggested pair from being good, in SHORTFALLS order; () = good."""
    codes = {reason.code for reason in suggestion.reasons}
    missing = {SHORTFALL_OF_REASON[c] for c in codes if c in SHORTFALL_OF_REASON}
    if not codes & RIGHT_MATERIAL:
        missing.add("material")
    return tuple(s for s in SHORTFALLS if s in missing)


@dataclass(frozen=True)
class NearMiss:
    """A partner that almost fits: the engine's score, distance and what it lacks."""

    item_id: int
    title: str
    organisation: str
    hub: str
    score: float
    distance_km: float | None
    shortfalls: tuple[str, ...]
    reasons: tuple[str, ...]  # the engine's reasons against, in the language asked for


@dataclass(frozen=True)
class UnservedStream:
    stream_id: int
    title: str
    organisation: str
    hub_id: int | None
    hub: str
    municipality: str
    region: str
    material: str
    kg_per_month: float | None
    lat: float | None
    lon: float | None
    nearest: tuple[NearMiss, ...]


@dataclass(frozen=True)
class Gap:
    """Unserved streams of one material in one region."""

    material: str
    region: str
    streams: tuple[UnservedStream, ...]

    @property
    def kg_per_month(self) -> float:
        return sum(s.kg_per_month or 0.0 for s in self.streams)

    @property
    def unknown_volume(self) -> int:
        return sum(s.kg_per_month is None for s in self.streams)


@dataclass(frozen=True)
class IdleCapacity:
    capacity_id: int
    title: str
    organisation: str
    hub_id: int | None
    hub: str
    region: str
    materials: tuple[str, ...]
    kg_per_month: float | None
    spare_kg_per_month: float | None
    lat: float | None
    lon: float | None
    nearest: tuple[NearMiss, ...]


@dataclass(frozen=True)
class Opportunities:
    gaps: list[Gap]
    idle: list[IdleCapacity]
    streams_checked: int
    capacities_checked: int

    @property
    def unserved(self) -> list[UnservedStream]:
        return [s for gap in self.gaps for s in gap.streams]


def _published(session: Session, model: type[Stream] | type[Capacity],
               hub_ids: Collection[int] | None) -> list:
    query = (sa.select(model).join(Organisation, model.organisation_id == Organisation.id)
             .options(joinedload(model.organisation).joinedload(Organisation.hub))
             .where(model.status == PUBLISHED, Organisation.status == "active")
             .order_by(model.id))
    if hub_ids is not None:
        query = query.where(Organisation.hub_id.in_(list(hub_ids)))
    return list(session.scalars(query).unique())


def _closest_first(pair: tuple[Suggestion, tuple[str, ...]]) -> tuple:
    """Fewest shortfalls first; among partners out of reach the nearer one (the engine caps
    its penalty for distance, so its score cannot tell 60 from 110 km); then the score."""
    suggestion, lacking = pair
    distance = suggestion.features.get("distance_km")
    far = distance if "radius" in lacking and distance is not None and distance == distance \
        else 0.0
    return (len(lacking), far, -suggestion.score, int(suggestion.target_id))


def _near(found: Iterable[Suggestion]) -> list[tuple[Suggestion, tuple[str, ...]]]:
    """The partners that almost fit, closest first: the right material, one or two
    shortfalls."""
    near = [(s, lacking) for s in found
            if "material" not in (lacking := shortfalls(s))
            and 0 < len(lacking) <= MAX_SHORTFALLS_OF_NEAR_MISS]
    near.sort(key=_closest_first)
    return near[:NEAREST]


def _near_misses(session: Session, model: type[Stream] | type[Capacity],
                 pending: dict[int, list[tuple[Suggestion, tuple[str, ...]]]]
                 ) -> dict[int, tuple[NearMiss, ...]]:
    """The near misses of many items at once, their partners read in one query a chunk."""
    ids = sorted({int(s.target_id) for near in pending.values() for s, _ in near})
    partners = {}
    for start in range(0, len(ids), 500):  # within every backend's parameter limit
        partners.update({i.id: i for i in session.scalars(
            sa.select(model).options(joinedload(model.organisation).joinedload(Organisation.hub))
            .where(model.id.in_(ids[start:start + 500]))).unique()})
    out = {}
    for item_id, near in pending.items():
        misses = []
        for suggestion, lacking in near:
            partner = partners[int(suggestion.target_id)]
            distance = suggestion.features.get("distance_km")
            misses.append(NearMiss(
                item_id=partner.id, title=partner.title, organisation=partner.organisation.name,
                hub=partner.organisation.hub.name if partner.organisation.hub else "",
                score=round(suggestion.score, 4),
                distance_km=None if distance is None or distance != distance
                else round(distance, 1),
                shortfalls=lacking,
                reasons=tuple(r.text for r in suggestion.reasons if r.polarity == "-")))
        out[item_id] = tuple(misses)
    return out


def _committed_kg_per_month(session: Session, capacity_ids: list[int]) -> dict[int, float]:
    """Per capacity, the monthly volume of its ongoing agreements."""
    committed: dict[int, float] = defaultdict(float)
    for match in session.scalars(sa.select(Match).where(
            Match.capacity_id.in_(capacity_ids), Match.status == "agreed")):
        months = DEFAULT_AGREEMENT_MONTHS
        if match.agreed_period_start and match.agreed_period_end:
            days = (match.agreed_period_end - match.agreed_period_start).days + 1
            months = max(1.0, days / 30.44)
        committed[match.capacity_id] += (match.agreed_volume_kg or 0.0) / months
    return committed


def _unserved(session: Session, service: SuggestionService, streams: list[Stream],
              language: str) -> tuple[list[Gap], set[int]]:
    """(gaps by material and region, the capacities seen serving a stream well)."""
    entries, pending, serving = [], {}, set()
    for stream in streams:
        found = service.for_stream(session, stream.id, CANDIDATES, language)
        good = {int(s.target_id) for s in found if not shortfalls(s)}
        if good:
            serving |= good
            continue
        doc = service.doc(session, "stream", stream.id)
        org = stream.organisation
        entries.append(dict(
            stream_id=stream.id, title=stream.title, organisation=org.name,
            hub_id=org.hub_id, hub=org.hub.name if org.hub else "",
            municipality=stream.municipality or org.municipality or "",
            region=province(stream.postcode or org.postcode),
            material=doc.materials[0] if doc is not None and doc.materials else "",
            kg_per_month=kg_per_month(doc) if doc is not None else None,
            lat=doc.lat if doc is not None else None, lon=doc.lon if doc is not None else None))
        pending[stream.id] = _near(found)
    nearest = _near_misses(session, Capacity, pending)
    groups: dict[tuple[str, str], list[UnservedStream]] = defaultdict(list)
    for entry in entries:
        groups[(entry["material"], entry["region"])].append(
            UnservedStream(**entry, nearest=nearest[entry["stream_id"]]))
    gaps = [Gap(material, region, tuple(rows)) for (material, region), rows in groups.items()]
    gaps.sort(key=lambda g: (-g.kg_per_month, -len(g.streams), g.material, g.region))
    return gaps, serving


def _idle(session: Session, service: SuggestionService, capacities: list[Capacity],
          serving: set[int], language: str) -> list[IdleCapacity]:
    committed = _committed_kg_per_month(session, [c.id for c in capacities])
    entries, pending = [], {}
    for capacity in capacities:
        if capacity.id in serving:  # already seen as a stream's good partner
            continue
        doc = service.doc(session, "capacity", capacity.id)
        total = kg_per_month(doc) if doc is not None else None
        spare = None if total is None else round(total - committed.get(capacity.id, 0.0), 1)
        has_room = spare > 0 if spare is not None else capacity.id not in committed
        if not has_room:
            continue
        found = service.for_capacity(session, capacity.id, CANDIDATES, language)
        if any(not shortfalls(s) for s in found):
            continue
        org = capacity.organisation
        entries.append(dict(
            capacity_id=capacity.id, title=capacity.title, organisation=org.name,
            hub_id=org.hub_id, hub=org.hub.name if org.hub else "",
            region=province(org.postcode),
            materials=tuple(doc.materials) if doc is not None else (),
            kg_per_month=total, spare_kg_per_month=spare,
            lat=doc.lat if doc is not None else None, lon=doc.lon if doc is not None else None))
        pending[capacity.id] = _near(found)
    nearest = _near_misses(session, Stream, pending)
    idle = [IdleCapacity(**entry, nearest=nearest[entry["capacity_id"]]) for entry in entries]
    idle.sort(key=lambda c: (-(c.spare_kg_per_month or 0.0), c.capacity_id))
    return idle


def find(session: Session, service: SuggestionService, hub_ids: Collection[int] | None = None,
         language: str = "nl") -> Opportunities:
    """The opportunities of the hubs `hub_ids` (None: every hub). Partners are looked for
    in every hub, as suggestions are: a service radius does not stop at a hub's border."""
    streams = _published(session, Stream, hub_ids)
    capacities = _published(session, Capacity, hub_ids)
    gaps, serving = _unserved(session, service, streams, language)
    idle = _idle(session, service, capacities, serving, language)
    return Opportunities(gaps, idle, len(streams), len(capacities))
