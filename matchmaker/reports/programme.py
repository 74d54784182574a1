"""The programme's view: every hub's KPIs side by side for a year, progress against the
targets in force, growth against the year before, a score per objective weighted as the
programme weighs its objectives, and the flows of matches between hubs.

Every hub figure is `matchmaker.kpis.compute` for that hub, so the programme sees exactly
what the hub reports. Only aggregates leave this module: hub names and numbers, never an
organisation's contacts or a user.

Scores: an objective's score is the mean progress of its headline KPIs that have a target,
each capped at 100% (overshooting one KPI does not hide another's shortfall); the weighted
score is the mean of the objective scores weighted by `weights` (objectives without any
target are left out of both sums). The weights are configuration
(`MATCHMAKER_OBJECTIVE_WEIGHTS`, `matchmaker/config.py`, README), by default 1, 1, 2, 2:
objectives 3 and 4 weigh most.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from matchmaker import kpis
from models import ACTIVITY_KINDS, Capacity, Decision, Hub, Match, Organisation, Stream

from .hub_report import ADDITIVE_UNITS
from .periods import Period


def parse_weights(text: str) -> dict[str, float]:
    """"networking=1,awareness=1,..." -> weights; every objective must be named once, each
    weight zero or more and at least one above zero. ValueError says what is wrong."""
    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _eq, number = part.partition("=")
        name = name.strip()
        if name not in kpis.OBJECTIVES:
            raise ValueError(f"unknown objective {name!r}; expected {', '.join(kpis.OBJECTIVES)}")
        try:
            weights[name] = float(number)
        except ValueError:
            raise ValueError(f"the weight of {name} is not a number: {number!r}") from None
        if not weights[name] >= 0:
            raise ValueError(f"the weight of {name} must be zero or more")
    missing = [o for o in kpis.OBJECTIVES if o not in weights]
    if missing:
        raise ValueError(f"no weight for {', '.join(missing)}")
    if not any(weights.values()):
        raise ValueError("at least one weight must be above zero")
    return weights


def objective_score(rows: list[kpis.KpiRow]) -> float | None:
    progress = [min(r.progress, 1.0) for r in rows if "." not in r.kpi and r.progress is not None]
    return round(sum(progress) / len(progress), 4) if progress else None


def weighted_score(scores: Mapping[str, float | None], weights: Mapping[str, float]
                   ) -> float | None:
    scored = [(weights[o], s) for o, s in scores.items() if s is not None and weights[o] > 0]
    total = sum(w for w, _ in scored)
    return round(sum(w * s for w, s in scored) / total, 4) if total else None


@dataclass(frozen=True)
class HubFigures:
    hub_id: int
    hub_name: str
    report: kpis.KpiReport
    previous: kpis.KpiReport
    objective_scores: dict[str, float | None]
    weighted_score: float | None

    def row(self, kpi: str) -> kpis.KpiRow:
        return next(r for r in self.report.rows if r.kpi == kpi)

    def growth(self, kpi: str) -> float | None:
        before = self.previous.value(kpi)
        if not before:
            return None
        return round((self.report.value(kpi) - before) / before, 4)

    @property
    def activities(self) -> dict[str, int]:
        return {kind: int(self.report.value(f"activities.{kind}")) for kind in ACTIVITY_KINDS}


@dataclass(frozen=True)
class Flow:
    """Matches between a stream of one hub and a capacity of another, in one period."""

    stream_hub_id: int
    stream_hub: str
    capacity_hub_id: int
    capacity_hub: str
    matches_taken: int
    accepted: int
    agreed: int
    agreed_volume_kg: float


@dataclass(frozen=True)
class ProgrammeView:
    period: Period
    weights: dict[str, float]
    hubs: list[HubFigures]
    flows: list[Flow]
    made_on: dt.date = field(default_factory=dt.date.today)

    def headline_kpis(self, objective: str) -> list[str]:
        rows = self.hubs[0].report.rows if self.hubs else []
        return [r.kpi for r in rows if r.objective == objective and "." not in r.kpi]

    def total(self, kpi: str) -> float | None:
        """The programme-wide figure where hubs' figures add up, a match between two hubs
        once; None for rates and medians."""
        if not self.hubs or self.hubs[0].row(kpi).unit not in ADDITIVE_UNITS:
            return None
        # a match between two hubs counts for both; the programme counts it once
        return sum(h.report.value(kpi) - h.report.shared.get(kpi, 0.0) for h in self.hubs)


def flows(session: Session, period: Period) -> list[Flow]:
    """Per (stream's hub, capacity's hub) pair of different hubs: matches taken into review
    in the period, accepted and agreed in it, and the volume agreed."""
    stream_org, capacity_org = aliased(Organisation), aliased(Organisation)
    rows = session.execute(
        sa.select(Match.id, Match.created_at, Match.agreed_volume_kg,
                  stream_org.hub_id, capacity_org.hub_id)
        .join(Stream, Match.stream_id == Stream.id)
        .join(stream_org, Stream.organisation_id == stream_org.id)
        .join(Capacity, Match.capacity_id == Capacity.id)
        .join(capacity_org, Capacity.organisation_id == capacity_org.id)
        .where(stream_org.hub_id.is_not(None), capacity_org.hub_id.is_not(None),
               stream_org.hub_id != capacity_org.hub_id)).all()
    since, until = period.since, period.until
    decided = {(match_id, status) for match_id, status in session.execute(
        sa.select(Decision.match_id, Decision.to_status).where(
            Decision.match_id.in_([r[0] for r in rows]),
            Decision.to_status.in_(("accepted", "agreed")),
            Decision.at >= since, Decision.at < until))}
    counts: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0, 0, 0, 0.0])
    for match_id, created_at, volume, stream_hub, capacity_hub in rows:
        taken = since <= created_at < until
        accepted, agreed = (match_id, "accepted") in decided, (match_id, "agreed") in decided
        if not (taken or accepted or agreed):
            continue
        figures = counts[(stream_hub, capacity_hub)]
        figures[0] += taken
        figures[1] += accepted
        figures[2] += agreed
        figures[3] += (volume or 0.0) if agreed else 0.0
    names = dict(session.execute(sa.select(Hub.id, Hub.name)).all())
    out = [Flow(s, names[s], c, names[c], int(f[0]), int(f[1]), int(f[2]), f[3])
           for (s, c), f in counts.items()]
    out.sort(key=lambda f: (-f.agreed, -f.matches_taken, f.stream_hub, f.capacity_hub))
    return out


def view(session: Session, period: Period, weights: Mapping[str, float]) -> ProgrammeView:
    """Every hub's figures for `period`, by hub name; `weights` per objective (the setting
    `Settings.weights`)."""
    earlier = period.a_year_earlier()
    hubs = []
    for hub in session.scalars(sa.select(Hub).order_by(Hub.name, Hub.id)):
        report = kpis.compute(session, hub.id, period.start, period.end)
        scores = {o: objective_score([r for r in report.rows if r.objective == o])
                  for o in kpis.OBJECTIVES}
        hubs.append(HubFigures(
            hub_id=hub.id, hub_name=hub.name, report=report,
            previous=kpis.compute(session, hub.id, earlier.start, earlier.end),
            objective_scores=scores, weighted_score=weighted_score(scores, weights)))
    return ProgrammeView(period, dict(weights), hubs, flows(session, period))
