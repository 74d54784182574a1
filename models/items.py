"""Material streams (demand) and capacities (supply): the two things being matched.

Both carry a `version` for optimistic locking, so two facilitators editing
the same item cannot silently overwrite each other.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .base import ITEM_STATUSES, Base, JsonList, one_of, utcnow

if TYPE_CHECKING:
    from .matches import Match
    from .organisations import Organisation


class _Item:
    """Columns a stream and a capacity share (sorted first in both tables)."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True, sort_order=-1
    )
    source: Mapped[str | None] = mapped_column(sa.String(64), sort_order=-1)
    external_id: Mapped[str | None] = mapped_column(sa.String(128), sort_order=-1)
    title: Mapped[str] = mapped_column(sa.Text, default="", sort_order=-1)
    description: Mapped[str] = mapped_column(sa.Text, default="", sort_order=-1)
    language: Mapped[str | None] = mapped_column(sa.String(8), sort_order=-1)
    materials: Mapped[list[str]] = mapped_column(JsonList, default=list, sort_order=-1)
    ewc_codes: Mapped[list[str]] = mapped_column(JsonList, default=list, sort_order=-1)
    lat: Mapped[float | None] = mapped_column(sort_order=-1)
    lon: Mapped[float | None] = mapped_column(sort_order=-1)
    # a pick-up or work site of its own; empty: the organisation's place
    postcode: Mapped[str | None] = mapped_column(sa.String(16))
    municipality: Mapped[str | None] = mapped_column(sa.String(128))
    # how lat/lon were found: "exact" (given), "postcode" or "municipality" (gazetteer)
    location_precision: Mapped[str | None] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(
        sa.String(16), default="published", index=True, sort_order=-1
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, sort_order=-1)
    # indexed: the workers look for what changed since their last look (catalogue)
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, index=True, sort_order=-1
    )
    version: Mapped[int] = mapped_column(sort_order=-1)
    # What the text analysis read in title + description when the item was written, and
    # the key (analyser version, role, language, text) it was read for: workers reuse it
    # instead of reading the text again (matchmaker.stored_analysis).
    analysis: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    analysis_key: Mapped[str | None] = mapped_column(sa.String(64))

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("source", "external_id"), one_of("status", ITEM_STATUSES))

    @declared_attr.directive
    @classmethod
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}


class Stream(_Item, Base):
    __tablename__ = "streams"

    services_wanted: Mapped[list[str]] = mapped_column(JsonList, default=list)
    quantity_amount: Mapped[float | None]
    quantity_unit: Mapped[str | None] = mapped_column(sa.String(16))
    quantity_per: Mapped[str | None] = mapped_column(sa.String(16))
    requirements: Mapped[list[str]] = mapped_column(JsonList, default=list)
    available_from: Mapped[date | None]

    organisation: Mapped[Organisation] = relationship(back_populates="streams")
    matches: Mapped[list[Match]] = relationship(
        back_populates="stream", cascade="all, delete-orphan", passive_deletes=True
    )


class Capacity(_Item, Base):
    __tablename__ = "capacities"

    services: Mapped[list[str]] = mapped_column(JsonList, default=list)
    capacity_amount: Mapped[float | None]
    capacity_unit: Mapped[str | None] = mapped_column(sa.String(16))
    capacity_per: Mapped[str | None] = mapped_column(sa.String(16))
    service_radius_km: Mapped[float | None]
    certifications: Mapped[list[str]] = mapped_column(JsonList, default=list)
    target_group_fte: Mapped[float | None]
    available_from: Mapped[date | None]
    available_until: Mapped[date | None]

    organisation: Mapped[Organisation] = relationship(back_populates="capacities")
    matches: Mapped[list[Match]] = relationship(
        back_populates="capacity", cascade="all, delete-orphan", passive_deletes=True
    )
