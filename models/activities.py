"""What a hub does besides matching (events, trainings, ...), its yearly KPI targets and
the programme's default targets for every hub, all feeding the hub's yearly report.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import ACTIVITY_KINDS, Base, one_of

if TYPE_CHECKING:
    from .organisations import Hub, Organisation

activity_organisations = sa.Table(
    "activity_organisations",
    Base.metadata,
    sa.Column(
        "activity_id", sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "organisation_id",
        sa.ForeignKey("organisations.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Activity(Base):
    __tablename__ = "activities"
    __table_args__ = (one_of("kind", ACTIVITY_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    date: Mapped[dt.date]
    title: Mapped[str] = mapped_column(sa.Text)
    # People who came but belong to no registered organisation.
    other_participants: Mapped[int] = mapped_column(default=0)

    hub: Mapped[Hub] = relationship(back_populates="activities")
    organisations: Mapped[list[Organisation]] = relationship(
        secondary=activity_organisations, back_populates="activities"
    )


class KpiTarget(Base):
    __tablename__ = "kpi_targets"
    __table_args__ = (sa.UniqueConstraint("hub_id", "year", "kpi"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"))
    year: Mapped[int]
    kpi: Mapped[str] = mapped_column(sa.String(64))
    target: Mapped[float]

    hub: Mapped[Hub] = relationship(back_populates="kpi_targets")


class ProgrammeTarget(Base):
    """The programme's yearly target for one KPI, the floor of every hub's own target."""

    __tablename__ = "programme_targets"
    __table_args__ = (sa.UniqueConstraint("year", "kpi"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    kpi: Mapped[str] = mapped_column(sa.String(64))
    target: Mapped[float]
