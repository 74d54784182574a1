"""The programme's yearly default targets: one per KPI for every hub, set by an admin.

A hub's own target may raise it, never lower it (`kpis.set_target` refuses that); a
programme target raised above a hub's own makes the programme's the one in force.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matchmaker import audit, kpis
from matchmaker.concurrent_writes import first_writer_wins
from models import KpiTarget, ProgrammeTarget, User


def set_programme_target(session: Session, actor: User, year: int, kpi: str,
                         target: float) -> ProgrammeTarget:
    """Set (or replace) the programme's target for one KPI in one year."""
    kpis.check_target(kpi, target)

    def stored() -> ProgrammeTarget | None:
        return session.scalar(sa.select(ProgrammeTarget).where(
            ProgrammeTarget.year == year, ProgrammeTarget.kpi == kpi))

    existing = stored()
    if existing is None:
        existing = ProgrammeTarget(year=year, kpi=kpi, target=target)
        with first_writer_wins(session, f"the programme's {year} target of {kpi}", stored):
            session.add(existing)
        audit.record_creation(session, actor, existing)
        return existing
    before = audit.snapshot(existing)
    existing.target = target
    session.flush()
    audit.record(session, actor, "update", existing, before=before,
                 after=audit.snapshot(existing))
    return existing


def remove_programme_target(session: Session, actor: User, year: int, kpi: str) -> bool:
    """Remove the programme's target; False when there was none."""
    existing = session.scalar(sa.select(ProgrammeTarget).where(
        ProgrammeTarget.year == year, ProgrammeTarget.kpi == kpi))
    if existing is None:
        return False
    audit.record(session, actor, "delete", existing, before=audit.snapshot(existing))
    session.delete(existing)
    session.flush()
    return True


def programme_targets(session: Session, year: int | None = None) -> list[ProgrammeTarget]:
    query = sa.select(ProgrammeTarget).order_by(ProgrammeTarget.year, ProgrammeTarget.kpi)
    if year is not None:
        query = query.where(ProgrammeTarget.year == year)
    return list(session.scalars(query))


@dataclass(frozen=True)
class TargetLine:
    """One KPI's targets for a hub and a year, as the target list shows them."""

    kpi: str
    own: float | None
    programme: float | None
    in_force: float


def hub_target_lines(session: Session, hub_id: int, year: int) -> list[TargetLine]:
    """Every KPI with a target for the hub in `year`, its own and the programme's."""
    own = dict(session.execute(sa.select(KpiTarget.kpi, KpiTarget.target).where(
        KpiTarget.hub_id == hub_id, KpiTarget.year == year)).all())
    in_force, programme = kpis.targets_in_force(session, hub_id, year)
    return [TargetLine(kpi, own.get(kpi), programme.get(kpi), value)
            for kpi, value in in_force.items()]
