"""A hub's KPIs for a period, computed from the data (never typed in), grouped under the
programme's four objectives, with yearly targets and progress, exportable as CSV and Excel
(the machine-readable forms; the yearly report is `matchmaker.reports`).

A match counts for the hub of its stream (the hub that decided it); from its introduction on,
a match with another hub's capacity counts for that hub too (the programme scales partners
into new areas through such pairs), as its `shared` part, which programme-wide totals leave
out so the match counts once. A decision counts in the period it was taken; an activity in
the period it took place.
A KPI's target is the hub's own or the programme's, whichever is more ambitious: a hub
may raise the programme's target, never lower it.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (
    ACTIVITY_KINDS,
    Activity,
    Capacity,
    Decision,
    KpiTarget,
    Match,
    Organisation,
    ProgrammeTarget,
    Stream,
    User,
)

from . import audit, limits
from .activities import NETWORKING_KINDS, people
from .concurrent_writes import first_writer_wins
from .errors import FieldError, ValidationError

OBJECTIVES: tuple[str, ...] = (
    "networking", "awareness", "new_initiatives_social_impact", "new_assignments_social_economy",
)


# From these transitions on, a match with another hub's capacity counts for that hub too.
SHARED_FROM: frozenset[str] = frozenset({"introduced", "agreed", "completed"})


# KPIs where less is better: their target is a ceiling, and a more ambitious one is lower.
LOWER_IS_BETTER: frozenset[str] = frozenset({"median_days_to_first_accepted_match"})


def more_ambitious(kpi: str, a: float, b: float) -> float:
    """The more ambitious of two targets for `kpi`."""
    return min(a, b) if kpi in LOWER_IS_BETTER else max(a, b)


@dataclass(frozen=True)
class KpiRow:
    objective: str
    kpi: str
    value: float
    unit: str
    # the target in force: the hub's own or the programme's, whichever is more ambitious
    target: float | None = None
    programme_target: float | None = None

    @property
    def progress(self) -> float | None:
        """Share of the yearly target reached (1.0 = reached), or None without a target.
        For a ceiling (LOWER_IS_BETTER) it is target / value, None while nothing was measured."""
        if not self.target:
            return None
        if self.kpi in LOWER_IS_BETTER:
            return round(self.target / self.value, 4) if self.value else None
        return round(self.value / self.target, 4)


@dataclass(frozen=True)
class KpiReport:
    hub_id: int
    start: dt.date
    end: dt.date  # exclusive
    rows: list[KpiRow]
    # {kpi: the part of its value from matches another hub decided (its capacity is ours)}
    shared: dict[str, float] = field(default_factory=dict)

    def value(self, kpi: str) -> float:
        """The KPI's value; a breakdown by kind (`organisations_active.company`) is left out
        of a report when it counted nothing, so an absent one is 0."""
        found = next((row.value for row in self.rows if row.kpi == kpi), None)
        if found is None:
            if "." in kpi:
                return 0.0
            raise KeyError(kpi)
        return found


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


class _Counter:
    """The queries of one report, all limited to one hub and one period."""

    def __init__(self, session: Session, hub_id: int, start: dt.date, end: dt.date) -> None:
        self.session, self.hub_id = session, hub_id
        self.start, self.end = start, end
        self.since, self.until = _moment(start), _moment(end)

    def scalar(self, query: sa.Select) -> float:
        return float(self.session.scalar(query) or 0)

    def activities(self) -> list[Activity]:
        return list(self.session.scalars(sa.select(Activity).where(
            Activity.hub_id == self.hub_id, Activity.date >= self.start,
            Activity.date < self.end)))

    def hub_organisations(self) -> sa.Select:
        return sa.select(Organisation.id).where(Organisation.hub_id == self.hub_id)

    def registered(self, model: type[Stream] | type[Capacity]) -> float:
        return self.scalar(sa.select(sa.func.count()).select_from(model).where(
            model.organisation_id.in_(self.hub_organisations()),
            model.created_at >= self.since, model.created_at < self.until))

    def partner_matches(self) -> sa.Select:
        """The matches another hub decides on whose capacity belongs to this hub."""
        return (sa.select(Match.id).join(Capacity, Match.capacity_id == Capacity.id)
                .where(Capacity.organisation_id.in_(self.hub_organisations()),
                       Match.hub_id != self.hub_id))

    def decisions(self, to_status: str, whose: str = "all") -> sa.Select:
        """Decisions of the period on the hub's matches: its own ("own"), the other hubs'
        with its capacities from the introduction on ("shared"), or both ("all")."""
        own = Match.hub_id == self.hub_id
        shared = Match.id.in_(self.partner_matches()) if to_status in SHARED_FROM else sa.false()
        matches = {"own": own, "shared": shared, "all": sa.or_(own, shared)}[whose]
        return (sa.select(Decision).join(Match).where(
            matches, Decision.to_status == to_status,
            Decision.at >= self.since, Decision.at < self.until))

    def decided(self, to_status: str, whose: str = "all") -> float:
        return self.scalar(sa.select(sa.func.count()).select_from(
            self.decisions(to_status, whose).subquery()))

    def matches(self, to_status: str, whose: str = "all") -> list[Match]:
        ids = self.decisions(to_status, whose).with_only_columns(Decision.match_id)
        return list(self.session.scalars(sa.select(Match).where(Match.id.in_(ids))
                                         .order_by(Match.id)))

    def organisations_active(self) -> set[int]:
        """Organisations of the hub that registered something or were in a decided match."""
        active: set[int] = set()
        for model in (Stream, Capacity):
            active |= set(self.session.scalars(sa.select(model.organisation_id).where(
                model.organisation_id.in_(self.hub_organisations()),
                model.updated_at >= self.since, model.updated_at < self.until)))
        decided = sa.select(Decision.match_id).where(
            Decision.at >= self.since, Decision.at < self.until)
        for model, column in ((Stream, Match.stream_id), (Capacity, Match.capacity_id)):
            active |= set(self.session.scalars(
                sa.select(model.organisation_id).join(Match, column == model.id).where(
                    Match.id.in_(decided),
                    model.organisation_id.in_(self.hub_organisations()))))
        return active

    def median_days_to_first_acceptance(self) -> float:
        """Over the hub's streams first accepted in the period: days from registration."""
        first = (sa.select(Match.stream_id, sa.func.min(Decision.at).label("at"))
                 .join(Decision).where(Match.hub_id == self.hub_id,
                                       Decision.to_status == "accepted")
                 .group_by(Match.stream_id).subquery())
        rows = self.session.execute(
            sa.select(Stream.created_at, first.c.at).join(first, first.c.stream_id == Stream.id)
        ).all()
        days = []
        for created, accepted in rows:
            accepted = accepted if accepted.tzinfo else accepted.replace(tzinfo=dt.UTC)
            if self.since <= accepted < self.until:
                days.append((accepted - created).total_seconds() / 86400)
        return round(statistics.median(days), 1) if days else 0.0


def agreed_matches(session: Session, hub_id: int, start: dt.date, end: dt.date) -> list[Match]:
    """The hub's matches agreed in [start, end), its capacities' with other hubs too: the
    "new assignments", oldest id first."""
    return _Counter(session, hub_id, start, end).matches("agreed")


def targets_in_force(session: Session, hub_id: int, year: int
                     ) -> tuple[dict[str, float], dict[str, float]]:
    """({kpi: target in force}, {kpi: programme target}) of `hub_id` in `year`."""
    own = dict(session.execute(sa.select(KpiTarget.kpi, KpiTarget.target).where(
        KpiTarget.hub_id == hub_id, KpiTarget.year == year)).all())
    programme = programme_targets(session, year)
    in_force = {**programme, **own}
    for kpi in set(own) & set(programme):
        in_force[kpi] = more_ambitious(kpi, own[kpi], programme[kpi])
    return in_force, programme


def programme_targets(session: Session, year: int) -> dict[str, float]:
    """{kpi: the programme's target} for `year`."""
    return dict(session.execute(sa.select(ProgrammeTarget.kpi, ProgrammeTarget.target).where(
        ProgrammeTarget.year == year)).all())


def compute(session: Session, hub_id: int, start: dt.date, end: dt.date) -> KpiReport:
    """Every KPI of `hub_id` for [start, end), with the targets of the start's year; a
    period outside the service's days (`limits`) is a ValidationError."""
    errors = [FieldError(path, problem) for path, problem in (
        ("start", limits.day_problem(start)),
        ("end", limits.day_problem(end - dt.timedelta(days=1)) if end > start else None))
        if problem]
    if errors:
        raise ValidationError(errors)
    c = _Counter(session, hub_id, start, end)
    activities = c.activities()
    by_kind = Counter(a.kind for a in activities)
    participants = Counter()
    for activity in activities:
        participants[activity.kind] += people(activity)
    reached = {o.id: o.kind for a in activities for o in a.organisations}
    active = dict(session.execute(sa.select(Organisation.id, Organisation.kind).where(
        Organisation.id.in_(c.organisations_active()))).all())
    accepted, rejected = c.decided("accepted"), c.decided("rejected")
    networking = [k for k in ACTIVITY_KINDS if k in NETWORKING_KINDS]
    awareness = [k for k in ACTIVITY_KINDS if k not in NETWORKING_KINDS]
    rows: list[tuple[str, str, float, str]] = [
        ("networking", "network_activities", sum(by_kind[k] for k in networking), "activities"),
        ("networking", "network_participants", sum(participants[k] for k in networking),
         "participants"),
        ("networking", "organisations_reached", len(reached), "organisations"),
        ("networking", "organisations_active", len(active), "organisations"),
        *(("networking", f"organisations_reached.{kind}", n, "organisations")
          for kind, n in sorted(Counter(reached.values()).items())),
        *(("networking", f"organisations_active.{kind}", n, "organisations")
          for kind, n in sorted(Counter(active.values()).items())),
        ("awareness", "awareness_activities", sum(by_kind[k] for k in awareness), "activities"),
        ("awareness", "awareness_participants", sum(participants[k] for k in awareness),
         "participants"),
        *(("networking" if kind in NETWORKING_KINDS else "awareness", f"activities.{kind}",
           by_kind[kind], "activities") for kind in ACTIVITY_KINDS),
        *(("networking" if kind in NETWORKING_KINDS else "awareness", f"participants.{kind}",
           participants[kind], "participants") for kind in ACTIVITY_KINDS),
        ("awareness", "streams_registered", c.registered(Stream), "streams"),
        ("awareness", "capacities_registered", c.registered(Capacity), "capacities"),
        ("new_initiatives_social_impact", "suggestions_reviewed", accepted + rejected, "matches"),
        ("new_initiatives_social_impact", "acceptance_rate",
         round(accepted / (accepted + rejected), 4) if accepted + rejected else 0.0, "ratio"),
        ("new_initiatives_social_impact", "median_days_to_first_accepted_match",
         c.median_days_to_first_acceptance(), "days"),
        ("new_assignments_social_economy", "matches_accepted", accepted, "matches"),
        *_assignment_rows(c, "all"),
    ]
    targets, programme = targets_in_force(session, hub_id, start.year)
    ordered = sorted(rows, key=lambda r: OBJECTIVES.index(r[0]))
    shared = {kpi: float(value) for _o, kpi, value, _u in _assignment_rows(c, "shared") if value}
    return KpiReport(hub_id, start, end, [
        KpiRow(objective, kpi, float(value), unit, targets.get(kpi), programme.get(kpi))
        for objective, kpi, value, unit in ordered], shared)


def _assignment_rows(c: _Counter, whose: str) -> list[tuple[str, str, float, str]]:
    """The KPIs of matches from their introduction on, which partner hubs share."""
    agreed, completed = c.matches("agreed", whose), c.matches("completed", whose)
    return [
        ("new_initiatives_social_impact", "new_circular_initiatives",
         sum(1 for m in agreed if m.new_service), "agreements"),
        ("new_assignments_social_economy", "matches_introduced", c.decided("introduced", whose),
         "matches"),
        ("new_assignments_social_economy", "new_assignments", len(agreed), "agreements"),
        ("new_assignments_social_economy", "matches_completed", len(completed), "matches"),
        ("new_assignments_social_economy", "assignment_volume_kg",
         sum(m.agreed_volume_kg or 0 for m in agreed), "kg"),
        ("new_assignments_social_economy", "completed_volume_kg",
         sum(m.completed_volume_kg or 0 for m in completed), "kg"),
        ("new_assignments_social_economy", "target_group_fte",
         sum(m.estimated_fte or 0 for m in agreed), "FTE"),
        ("new_assignments_social_economy", "target_group_hours",
         sum(m.estimated_hours or 0 for m in agreed), "hours"),
    ]


KPI_NAMES: frozenset[str] = frozenset({
    "network_activities", "network_participants", "organisations_reached",
    "organisations_active", "awareness_activities", "awareness_participants",
    "streams_registered", "capacities_registered", "suggestions_reviewed", "acceptance_rate",
    "new_circular_initiatives", "median_days_to_first_accepted_match", "matches_accepted",
    "matches_introduced", "new_assignments", "matches_completed", "assignment_volume_kg",
    "completed_volume_kg", "target_group_fte", "target_group_hours",
})


def check_target(kpi: str, target: float, floor: float | None = None) -> None:
    """ValidationError naming the field unless `kpi` is known and `target` is zero or more
    and at least as ambitious as `floor` (the programme's target, when there is one)."""
    errors = []
    if kpi not in KPI_NAMES:
        errors.append(FieldError("kpi", f"unknown KPI {kpi!r}"))
    if not target >= 0:  # also refuses NaN
        errors.append(FieldError("target", "must be zero or more"))
    elif floor is not None and more_ambitious(kpi, target, floor) != target:
        bound = "at most" if kpi in LOWER_IS_BETTER else "at least"
        errors.append(FieldError("target", f"must be {bound} the programme's target {floor:g}"))
    if errors:
        raise ValidationError(errors)


def set_target(session: Session, actor: User, hub_id: int, year: int, kpi: str,
               target: float) -> KpiTarget:
    """Set (or replace) the hub's target for one KPI in one year; it may raise the
    programme's target for that year, never lower it. Two facilitators setting a new one
    at the same moment: the second gets a Conflict with the first one's."""
    check_target(kpi, target, programme_targets(session, year).get(kpi))

    def stored() -> KpiTarget | None:
        return session.scalar(sa.select(KpiTarget).where(
            KpiTarget.hub_id == hub_id, KpiTarget.year == year, KpiTarget.kpi == kpi))

    existing = stored()
    if existing is None:
        existing = KpiTarget(hub_id=hub_id, year=year, kpi=kpi, target=target)
        with first_writer_wins(session, f"the {year} target of {kpi}", stored):
            session.add(existing)
        audit.record_creation(session, actor, existing)
        return existing
    before = audit.snapshot(existing)
    existing.target = target
    session.flush()
    audit.record(session, actor, "update", existing, before=before,
                 after=audit.snapshot(existing))
    return existing


COLUMNS: tuple[str, ...] = ("objective", "kpi", "value", "unit", "target", "progress")


def _table(report: KpiReport) -> list[list[object]]:
    return [[r.objective, r.kpi, r.value, r.unit, r.target, r.progress] for r in report.rows]


def to_csv(report: KpiReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(["" if v is None else v for v in row] for row in _table(report))
    return out.getvalue()


def to_xlsx(report: KpiReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "KPIs"
    sheet.append([f"hub {report.hub_id}", report.start.isoformat(),
                  (report.end - dt.timedelta(days=1)).isoformat()])
    sheet.append(list(COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in _table(report):
        sheet.append(row)
    sheet.column_dimensions["B"].width = 42
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

