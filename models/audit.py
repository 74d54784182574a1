"""The audit log: an append-only record of who changed what.

Append-only is enforced twice: here, a flush that would update or delete an
entry is refused; in the database, triggers (created by the migrations) abort
any UPDATE or DELETE, whatever client sends it. Entries never hold personal
data, so erasing a person never needs to touch this table.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from .base import Base, utcnow


class AuditLogIsAppendOnly(sa.exc.InvalidRequestError):
    """Raised when a session tries to change or remove an audit entry."""


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (sa.Index(None, "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # No foreign key: the log must outlive the users it mentions.
    actor_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(sa.String(64))
    entity: Mapped[str] = mapped_column(sa.String(64))
    entity_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in session.deleted:
        if isinstance(obj, AuditEntry):
            raise AuditLogIsAppendOnly(f"audit entry {obj.id} cannot be deleted")
    for obj in session.dirty:
        if isinstance(obj, AuditEntry) and session.is_modified(obj):
            raise AuditLogIsAppendOnly(f"audit entry {obj.id} cannot be changed")
