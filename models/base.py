"""The declarative base, shared column types and the vocabularies of stored states.

Everything here is portable between SQLite and PostgreSQL: lists are JSON,
timestamps are timezone-aware UTC on the way in and on the way out.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.mutable import MutableList
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so migrations can find and drop them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ITEM_STATUSES: tuple[str, ...] = ("draft", "published", "closed", "withdrawn")
ORGANISATION_STATUSES: tuple[str, ...] = ("active", "pending")
MATCH_STATUSES: tuple[str, ...] = (
    "proposed", "accepted", "rejected", "introduced", "agreed", "completed", "withdrawn",
)
# "programme": the programme (the department, Vlaanderen Circulair) reads every hub's
# aggregates and changes nothing.
USER_ROLES: tuple[str, ...] = ("admin", "facilitator", "member", "programme")
ACTIVITY_KINDS: tuple[str, ...] = (
    "network_event", "info_session", "hackathon", "training", "coaching", "material_map",
    "other",
)
EMBEDDED_ITEM_KINDS: tuple[str, ...] = ("stream", "capacity", "organisation")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A timestamp that is always an aware UTC datetime in Python.

    SQLite has no time zones and hands back naive values; naive values coming
    in are taken to be UTC already.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# In-place edits (`stream.materials.append(...)`) are tracked and saved.
JsonList = MutableList.as_mutable(sa.JSON())


def one_of(column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    """A CHECK that keeps `column` within `values`, named after the column."""
    allowed = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_allowed")


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {datetime: UtcDateTime()}
