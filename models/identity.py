"""A random id of the database, made once: what a file derived from one database (the
stored suggestion index) is checked against, so that it is never used with another.

A copy of the database (a restored backup) keeps the id, and with it files made from the
original: what they hold is then checked against the copy's index version and timestamps
like any change.
"""
from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from .base import Base


class DatabaseIdentity(Base):
    __tablename__ = "database_identity"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[str] = mapped_column(sa.String(32))


def read_database_id(session: Session) -> str | None:
    """The database's id; None until `ensure_database_id` made it."""
    return session.scalar(sa.select(DatabaseIdentity.value).where(DatabaseIdentity.id == 1))


def ensure_database_id(session: Session) -> str:
    """The database's id, made now if it has none (in a transaction of its own, committed:
    two processes making it at once agree on the first one's)."""
    found = read_database_id(session)
    if found is not None:
        return found
    engine = session.get_bind()
    try:
        with engine.begin() as connection:
            connection.execute(sa.insert(DatabaseIdentity.__table__)
                               .values(id=1, value=uuid.uuid4().hex))
    except sa.exc.IntegrityError:
        pass   # another process made it first
    with engine.connect() as connection:
        return connection.scalar(sa.select(DatabaseIdentity.value)
                                 .where(DatabaseIdentity.id == 1))
