"""Stored embeddings and the index version that tells workers to refresh.

A vector is kept with the model that made it and a hash of the text it was
made from, so only changed texts are embedded again. `index_version` is a
single row bumped in the same transaction as every change to a stream,
capacity or organisation; a worker compares it with the version its in-memory
index was built from to know, cheaply, that it is out of date. Flushes of ORM
objects bump it by themselves; bulk UPDATE/DELETE statements bypass the ORM
and must call `bump_index_version` themselves.
"""
from __future__ import annotations

from datetime import datetime
from itertools import chain
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from .base import EMBEDDED_ITEM_KINDS, Base, one_of, utcnow
from .items import Capacity, Stream
from .organisations import Organisation

_INDEXED = (Stream, Capacity, Organisation)


class Embedding(Base):
    __tablename__ = "embeddings"
    __table_args__ = (
        sa.UniqueConstraint("item_kind", "item_id", "model"),
        one_of("item_kind", EMBEDDED_ITEM_KINDS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_kind: Mapped[str] = mapped_column(sa.String(16))
    item_id: Mapped[int]
    model: Mapped[str] = mapped_column(sa.String(255), index=True)
    text_hash: Mapped[str] = mapped_column(sa.String(64))
    dim: Mapped[int]
    # Little-endian float32 bytes: numpy.frombuffer(vector, dtype="<f4").
    vector: Mapped[bytes] = mapped_column(sa.LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class IndexVersion(Base):
    __tablename__ = "index_version"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(default=0)


def bump_index_version(session: Session) -> None:
    """Mark the searchable data as changed, as part of the session's transaction."""
    table = IndexVersion.__table__
    bumped = session.execute(
        sa.update(table).where(table.c.id == 1).values(version=table.c.version + 1)
    )
    if bumped.rowcount == 0:
        session.execute(sa.insert(table).values(id=1, version=1))


def read_index_version(session: Session) -> int:
    """The current index version; 0 before anything was ever written."""
    version = session.scalar(sa.select(IndexVersion.version).where(IndexVersion.id == 1))
    return version or 0


@event.listens_for(Session, "before_flush")
def _bump_when_indexed_items_change(session: Session, flush_context: Any, instances: Any) -> None:
    dirty = (obj for obj in session.dirty if session.is_modified(obj))
    if any(isinstance(obj, _INDEXED) for obj in chain(session.new, session.deleted, dirty)):
        bump_index_version(session)
