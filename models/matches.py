"""Matches (suggestions a facilitator took into the workflow), their decisions,
and the trained scorers that produced their scores.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import MATCH_STATUSES, Base, one_of, utcnow

if TYPE_CHECKING:
    from .items import Capacity, Stream
    from .organisations import Hub
    from .users import User


class Match(Base):
    __tablename__ = "matches"
    __table_args__ = (
        sa.UniqueConstraint("stream_id", "capacity_id"),
        one_of("status", MATCH_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stream_id: Mapped[int] = mapped_column(
        sa.ForeignKey("streams.id", ondelete="CASCADE"), index=True
    )
    capacity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("capacities.id", ondelete="CASCADE"), index=True
    )
    # The stream's hub, copied so a facilitator's list is one indexed filter.
    hub_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("hubs.id", ondelete="SET NULL"), index=True
    )
    score: Mapped[float]
    # The features as they were when the match was proposed, for explanations and training.
    features: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    scorer_version: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(16), default="proposed", index=True)
    agreed_volume_kg: Mapped[float | None]
    agreed_period_start: Mapped[date | None]
    agreed_period_end: Mapped[date | None]
    estimated_hours: Mapped[float | None]
    estimated_fte: Mapped[float | None]
    completed_volume_kg: Mapped[float | None]
    new_service: Mapped[bool | None]
    # What each party said of the pair (True: interested, False: not for us, None: nothing
    # yet), and whether the capacity's hub consents when another hub's stream is paired.
    stream_interest: Mapped[bool | None]
    capacity_interest: Mapped[bool | None]
    partner_consent: Mapped[bool | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column()

    __mapper_args__ = {"version_id_col": version}

    stream: Mapped[Stream] = relationship(back_populates="matches")
    capacity: Mapped[Capacity] = relationship(back_populates="matches")
    hub: Mapped[Hub | None] = relationship(back_populates="matches")
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="match",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Decision.at, Decision.id",
    )


class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(
        sa.ForeignKey("matches.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str] = mapped_column(sa.String(16))
    reason_code: Mapped[str | None] = mapped_column(sa.String(64))
    # what the facilitator keeps for the hubs, and what the parties are told (mailed and shown)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    note_to_parties: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # whose voice a decision is when it is not the deciding hub's transition: "stream" or
    # "capacity" (the party's interest), "partner_hub" (the capacity hub's consent)
    party: Mapped[str | None] = mapped_column(sa.String(16))

    match: Mapped[Match] = relationship(back_populates="decisions")
    user: Mapped[User | None] = relationship(back_populates="decisions")


class ScorerModel(Base):
    """A trained scorer, pickled with its version; at most one is meant to be active."""

    __tablename__ = "scorer_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    metrics: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    blob: Mapped[bytes] = mapped_column(sa.LargeBinary)
    active: Mapped[bool] = mapped_column(default=False)
