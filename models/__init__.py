"""SQLAlchemy 2.0 ORM: tables, relationships and the engine/session factory.

Imports nothing of ours. Every table is re-exported here; schema changes go
through the Alembic migrations in `models/migrations`, applied with `upgrade`.
"""
from .activities import Activity, KpiTarget, ProgrammeTarget, activity_organisations
from .audit import AuditEntry, AuditLogIsAppendOnly
from .base import (
    ACTIVITY_KINDS,
    EMBEDDED_ITEM_KINDS,
    ITEM_STATUSES,
    MATCH_STATUSES,
    ORGANISATION_STATUSES,
    USER_ROLES,
    Base,
    utcnow,
)
from .db import (
    current_revision,
    downgrade,
    make_engine,
    make_session_factory,
    truncate_wal,
    upgrade,
)
from .identity import DatabaseIdentity, ensure_database_id, read_database_id
from .items import Capacity, Stream
from .matches import Decision, Match, ScorerModel
from .organisations import Contact, Hub, Organisation, normalise_enterprise_number
from .users import (
    ApiToken,
    Invitation,
    KnownDevice,
    PasswordFailure,
    SignIn,
    SignInLink,
    User,
    user_hubs,
)
from .vectors import Embedding, IndexVersion, bump_index_version, read_index_version

__all__ = [
    "ACTIVITY_KINDS",
    "EMBEDDED_ITEM_KINDS",
    "ITEM_STATUSES",
    "MATCH_STATUSES",
    "ORGANISATION_STATUSES",
    "USER_ROLES",
    "Activity",
    "ApiToken",
    "AuditEntry",
    "AuditLogIsAppendOnly",
    "Base",
    "Capacity",
    "Contact",
    "DatabaseIdentity",
    "Decision",
    "Embedding",
    "Hub",
    "IndexVersion",
    "Invitation",
    "KnownDevice",
    "KpiTarget",
    "Match",
    "Organisation",
    "PasswordFailure",
    "ProgrammeTarget",
    "ScorerModel",
    "SignIn",
    "SignInLink",
    "Stream",
    "User",
    "activity_organisations",
    "bump_index_version",
    "current_revision",
    "downgrade",
    "ensure_database_id",
    "make_engine",
    "make_session_factory",
    "truncate_wal",
    "normalise_enterprise_number",
    "read_database_id",
    "read_index_version",
    "upgrade",
    "user_hubs",
    "utcnow",
]
