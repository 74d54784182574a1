"""Hubs, the organisations in them, and their contacts (the personal data).

Contacts live in their own table so a person's data can be exported and
erased without touching the organisation or the audit log.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .base import ORGANISATION_STATUSES, Base, JsonList, one_of, utcnow

if TYPE_CHECKING:
    from .activities import Activity, KpiTarget
    from .items import Capacity, Stream
    from .matches import Match
    from .users import Invitation, User

_NOT_DIGITS = re.compile(r"\D")


def normalise_enterprise_number(value: str) -> str:
    """'0456.123.987', 'BE 456 123 987' -> '0456123987' (the KBO/BCE 10-digit form).

    Only the shape is checked here; the mod-97 check belongs to the domain.
    """
    digits = _NOT_DIGITS.sub("", value)
    if len(digits) == 9:
        digits = "0" + digits
    if len(digits) != 10:
        raise ValueError(f"an enterprise number has 10 digits, got {value!r}")
    return digits


class Hub(Base):
    __tablename__ = "hubs"
    __table_args__ = (sa.UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str | None] = mapped_column(sa.String(64))
    external_id: Mapped[str | None] = mapped_column(sa.String(128))
    name: Mapped[str] = mapped_column(sa.Text)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisations: Mapped[list[Organisation]] = relationship(back_populates="hub")
    facilitators: Mapped[list[User]] = relationship(
        secondary="user_hubs", back_populates="hubs"
    )
    matches: Mapped[list[Match]] = relationship(back_populates="hub")
    activities: Mapped[list[Activity]] = relationship(
        back_populates="hub", cascade="all, delete-orphan", passive_deletes=True
    )
    kpi_targets: Mapped[list[KpiTarget]] = relationship(
        back_populates="hub", cascade="all, delete-orphan", passive_deletes=True
    )


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (
        sa.UniqueConstraint("source", "external_id"),
        one_of("status", ORGANISATION_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("hubs.id", ondelete="SET NULL"), index=True
    )
    source: Mapped[str | None] = mapped_column(sa.String(64))
    external_id: Mapped[str | None] = mapped_column(sa.String(128))
    name: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(32))
    enterprise_number: Mapped[str | None] = mapped_column(sa.String(10), index=True)
    recognitions: Mapped[list[str]] = mapped_column(JsonList, default=list)
    address: Mapped[str | None] = mapped_column(sa.Text)
    postcode: Mapped[str | None] = mapped_column(sa.String(16))
    municipality: Mapped[str | None] = mapped_column(sa.String(128))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    # how lat/lon were found: "exact" (given), "postcode" or "municipality" (gazetteer)
    location_precision: Mapped[str | None] = mapped_column(sa.String(16))
    nace: Mapped[list[str]] = mapped_column(JsonList, default=list)
    language: Mapped[str | None] = mapped_column(sa.String(8))
    description: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="active", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # indexed: the workers look for what changed since their last look (catalogue)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    hub: Mapped[Hub | None] = relationship(back_populates="organisations")
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", passive_deletes=True
    )
    streams: Mapped[list[Stream]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", passive_deletes=True
    )
    capacities: Mapped[list[Capacity]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", passive_deletes=True
    )
    members: Mapped[list[User]] = relationship(back_populates="organisation")
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", passive_deletes=True
    )
    activities: Mapped[list[Activity]] = relationship(
        secondary="activity_organisations", back_populates="organisations"
    )

    @validates("enterprise_number")
    def _normalise_enterprise_number(self, key: str, value: str | None) -> str | None:
        return normalise_enterprise_number(value) if value else None


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(sa.Text)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_active_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship(back_populates="contacts")
