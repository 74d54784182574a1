"""The audit trail: one call to record who changed what, with before/after snapshots.

Snapshots hold the non-personal columns of an object only (contacts, e-mail
addresses and password hashes never enter the log), so erasing a person never
has to touch the append-only table.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import AuditEntry, Base, User

# Columns that hold personal data or secrets, on whatever table they appear.
_PERSONAL_COLUMNS = frozenset({
    "email", "phone", "password_hash", "token_hash", "display_name",
})
_PERSONAL_TABLES = frozenset({"contacts", "users", "api_tokens", "invitations"})


def plain(value: Any) -> Any:
    """A column value as JSON-ready data (dates as ISO strings)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def snapshot(obj: Base) -> dict[str, Any]:
    """The object's non-personal column values as JSON-ready data.

    Rows of tables that are personal data as a whole (contacts, users) are
    reduced to their id and a few non-identifying columns.
    """
    table = obj.__table__
    keep: dict[str, Any] = {}
    for column in table.columns:
        if column.key in _PERSONAL_COLUMNS:
            continue
        if table.name in _PERSONAL_TABLES and column.key not in {
                "id", "organisation_id", "role", "user_id", "created_at", "revoked_at",
                "erased_at", "used_at", "expires_at", "is_active"}:
            continue
        keep[column.key] = plain(getattr(obj, column.key))
    return keep


def record(session: Session, actor: User | None, action: str, obj: Base,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> AuditEntry:
    """Append an entry for `action` on `obj` that exists in the database already.

    A new object is recorded with `record_creation`: a snapshot taken before the flush
    would say neither its id nor where it was created (ids set through relationships
    are only filled in by the flush), so it is refused here.
    """
    state = sa.inspect(obj)
    if state.transient or state.pending:
        raise ValueError(f"{obj.__table__.name}: a new object is recorded with "
                         "record_creation, after its flush")
    session.flush()
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        entity=obj.__table__.name,
        entity_id=sa.inspect(obj).identity[0] if sa.inspect(obj).identity else None,
        before=before,
        after=after,
    )
    session.add(entry)
    return entry


def record_creation(session: Session, actor: User | None, obj: Base, action: str = "create",
                    **extra: Any) -> AuditEntry:
    """Add `obj` to the session and record its creation: the snapshot is taken after the
    flush, so the entry holds the new row's id and the ids of what it belongs to."""
    session.add(obj)
    session.flush()
    return record(session, actor, action, obj, after={**snapshot(obj), **extra})


def record_event(session: Session, actor: User | None, action: str, entity: str,
                 after: dict[str, Any]) -> AuditEntry:
    """Append an entry for something done to many rows at once (an import)."""
    entry = AuditEntry(actor_id=actor.id if actor is not None else None, action=action,
                       entity=entity, entity_id=None, before=None, after=after)
    session.add(entry)
    return entry


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, so an entry shows the change, not the whole row."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
