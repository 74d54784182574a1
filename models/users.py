"""People who log in: users, the hubs they facilitate, their browser sign-ins, the browsers
they signed in from, mailed one-time sign-in links, API tokens and invitations.

Secrets are only ever stored hashed (`password_hash`, `token_hash`).
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import USER_ROLES, Base, one_of, utcnow

if TYPE_CHECKING:
    from .matches import Decision
    from .organisations import Hub, Organisation

user_hubs = sa.Table(
    "user_hubs",
    Base.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "hub_id", sa.ForeignKey("hubs.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (one_of("role", USER_ROLES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    display_name: Mapped[str] = mapped_column(sa.Text, default="")
    role: Mapped[str] = mapped_column(sa.String(16), default="member")
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    language: Mapped[str] = mapped_column(sa.String(8), default="nl")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # set when the account was erased: switched off for good, no address, name or password
    erased_at: Mapped[datetime | None]

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")
    hubs: Mapped[list[Hub]] = relationship(secondary=user_hubs, back_populates="facilitators")
    api_tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    sign_ins: Mapped[list[SignIn]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    known_devices: Mapped[list[KnownDevice]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    sign_in_links: Mapped[list[SignInLink]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    decisions: Mapped[list[Decision]] = relationship(back_populates="user")
    invitations_sent: Mapped[list[Invitation]] = relationship(back_populates="invited_by")


class SignIn(Base):
    """One browser's signed-in session. The cookie holds the secret; signing out deletes
    the row, so a copy of the cookie taken earlier no longer signs anyone in."""

    __tablename__ = "sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="sign_ins")


class PasswordFailure(Base):
    """One wrong password, counted by `api/throttle.py` against an account or a client
    address; kept in the database so that every worker and host counts the same."""

    __tablename__ = "password_failures"
    __table_args__ = (sa.Index("ix_password_failures_scope_key_at", "scope", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(16))
    key: Mapped[str] = mapped_column(sa.String(320))
    # seconds since the epoch, as the throttle's clock gives them
    at: Mapped[float] = mapped_column(sa.Float, index=True)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(128), default="")
    token_hash: Mapped[str] = mapped_column(sa.String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="api_tokens")


class Invitation(Base):
    __tablename__ = "invitations"
    __table_args__ = (one_of("role", USER_ROLES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(sa.String(16), default="member")
    token_hash: Mapped[str] = mapped_column(sa.String(128), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    organisation: Mapped[Organisation | None] = relationship(back_populates="invitations")
    invited_by: Mapped[User | None] = relationship(back_populates="invitations_sent")


class KnownDevice(Base):
    """A browser that signed in to the account before. Its cookie holds a secret whose hash
    is kept here; wrong passwords typed elsewhere do not lock the owner out on it."""

    __tablename__ = "known_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="known_devices")


class SignInLink(Base):
    """A mailed link that signs its owner in once, before it expires (and lets them choose a
    new password: the "forgot password" link). Only the hash of its secret is kept."""

    __tablename__ = "sign_in_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="sign_in_links")
