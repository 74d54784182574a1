"""One hub's yearly report: its KPIs against the targets in force, the same period a year
earlier, month by month, and the agreements behind the "new assignments".

Every figure comes from `matchmaker.kpis.compute` (the months too), so the report, the
dashboard and the API cannot disagree. The agreements hold organisations, materials and
figures only: no contact, no user, no note of a decision.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matchmaker import kpis
from matchmaker.errors import NotFound
from models import Decision, Hub

from .opportunities import Opportunities
from .periods import Period

# KPIs drawn month by month (the dashboard's and the workbook's charts).
CHARTED: tuple[str, ...] = (
    "network_activities", "streams_registered", "new_circular_initiatives", "matches_accepted",
    "new_assignments", "assignment_volume_kg",
)
# Units whose monthly figures add up to the period's (a median or a rate does not).
ADDITIVE_UNITS = frozenset({"activities", "participants", "streams", "capacities", "matches",
                            "agreements", "kg", "FTE", "hours"})


@dataclass(frozen=True)
class Agreement:
    """One match agreed in the period, as the yearly report lists it."""

    match_id: int
    agreed_on: dt.date
    stream_organisation: str
    capacity_organisation: str
    capacity_hub: str
    materials: tuple[str, ...]
    volume_kg: float | None
    fte: float | None
    hours: float | None
    period_start: dt.date | None
    period_end: dt.date | None
    new_service: bool | None
    status: str


@dataclass(frozen=True)
class Month:
    period: Period
    report: kpis.KpiReport


@dataclass(frozen=True)
class HubReport:
    hub_id: int
    hub_name: str
    period: Period
    kpis: kpis.KpiReport
    previous: kpis.KpiReport
    months: list[Month]
    agreements: list[Agreement]
    opportunities: Opportunities | None = None
    made_on: dt.date = field(default_factory=dt.date.today)

    def growth(self, kpi: str) -> float | None:
        """Change against the same period a year earlier (0.25 = a quarter more); None
        when there was nothing to compare with."""
        before = self.previous.value(kpi)
        if not before:
            return None
        return round((self.kpis.value(kpi) - before) / before, 4)

    def rows(self, objective: str, headline_only: bool = False) -> list[kpis.KpiRow]:
        return [r for r in self.kpis.rows if r.objective == objective
                and not (headline_only and "." in r.kpi)]

    def headline_rows(self) -> list[kpis.KpiRow]:
        return [r for r in self.kpis.rows if "." not in r.kpi]

    def monthly(self, kpi: str) -> list[tuple[dt.date, float]]:
        return [(m.period.start, m.report.value(kpi)) for m in self.months]


def agreements(session: Session, hub_id: int, period: Period) -> list[Agreement]:
    """The matches behind the period's "new assignments", in the order they were agreed."""
    matches = kpis.agreed_matches(session, hub_id, period.start, period.end)
    agreed_at = dict(session.execute(
        sa.select(Decision.match_id, sa.func.max(Decision.at))
        .where(Decision.match_id.in_([m.id for m in matches]), Decision.to_status == "agreed")
        .group_by(Decision.match_id)).all())
    rows = []
    for match in matches:
        stream, capacity = match.stream, match.capacity
        capacity_hub = capacity.organisation.hub
        rows.append(Agreement(
            match_id=match.id,
            agreed_on=agreed_at[match.id].date(),
            stream_organisation=stream.organisation.name,
            capacity_organisation=capacity.organisation.name,
            capacity_hub=capacity_hub.name if capacity_hub is not None else "",
            materials=tuple(stream.materials or ()),
            volume_kg=match.agreed_volume_kg, fte=match.estimated_fte,
            hours=match.estimated_hours, period_start=match.agreed_period_start,
            period_end=match.agreed_period_end, new_service=match.new_service,
            status=match.status))
    rows.sort(key=lambda a: (a.agreed_on, a.match_id))
    return rows


def months(session: Session, hub_id: int, period: Period) -> list[Month]:
    """The hub's KPIs of every month of the period (the latest MAX_MONTHS)."""
    return [Month(m, kpis.compute(session, hub_id, m.start, m.end)) for m in period.months()]


def build(session: Session, hub_id: int, period: Period,
          opportunities: Opportunities | None = None) -> HubReport:
    """The hub's report for `period`; `opportunities` (computed by the caller, who holds
    the ranking engine) are added as they are."""
    hub = session.get(Hub, hub_id)
    if hub is None:
        raise NotFound(f"hub {hub_id} not found")
    earlier = period.a_year_earlier()
    return HubReport(
        hub_id=hub.id, hub_name=hub.name, period=period,
        kpis=kpis.compute(session, hub.id, period.start, period.end),
        previous=kpis.compute(session, hub.id, earlier.start, earlier.end),
        months=months(session, hub.id, period),
        agreements=agreements(session, hub.id, period),
        opportunities=opportunities)
