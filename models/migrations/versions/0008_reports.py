"""The programme's yearly default targets, and its read-only role.

Revision ID: 0008_reports
Revises: 0007_sec_http
Create Date: 2026-11-30 09:00:00

Widening the role CHECK of `users` and `invitations`: PostgreSQL swaps the constraint.
SQLite cannot alter a constraint, and rebuilding `users` the batch way would drop the
table while foreign keys are on, deleting every sign-in and token that cascades from it.
A CHECK that only admits one value more holds for every existing row, so the table's
stored definition is edited in place instead, the procedure SQLite documents for such
changes (https://sqlite.org/lang_altertable.html, "other kinds of table schema changes").

Downgrading switches programme accounts off as members without an organisation (who see
nothing) and drops open programme invitations, so the narrower CHECK holds again.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_reports"
down_revision = "0007_sec_http"
branch_labels = None
depends_on = None

OLD_ROLES = "('admin', 'facilitator', 'member')"
NEW_ROLES = "('admin', 'facilitator', 'member', 'programme')"
ROLE_TABLES = ("users", "invitations")


def _sqlite_replace_check(old: str, new: str) -> None:
    connection = op.get_bind()
    version = connection.exec_driver_sql("PRAGMA schema_version").scalar()
    connection.exec_driver_sql("PRAGMA writable_schema=ON")
    try:
        for table in ROLE_TABLES:
            sql = connection.execute(sa.text(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"),
                {"name": table}).scalar()
            check = f"role IN {old}"
            if sql is None or sql.count(check) != 1:
                raise RuntimeError(f"{table}: expected one CHECK ({check}) in {sql!r}")
            connection.execute(sa.text(
                "UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :name"),
                {"sql": sql.replace(check, f"role IN {new}"), "name": table})
        # a new schema version makes every connection read the edited definitions again
        connection.exec_driver_sql(f"PRAGMA schema_version={version + 1}")
    finally:
        connection.exec_driver_sql("PRAGMA writable_schema=OFF")
    if connection.exec_driver_sql("PRAGMA integrity_check").scalar() != "ok":
        raise RuntimeError("the database failed its integrity check after the role change")


def _replace_role_check(old: str, new: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_replace_check(old, new)
        return
    for table in ROLE_TABLES:
        name = f"ck_{table}_role_allowed"
        op.drop_constraint(op.f(name), table, type_="check")
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK (role IN {new})")


def upgrade() -> None:
    op.create_table(
        "programme_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kpi", sa.String(length=64), nullable=False),
        sa.Column("target", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_targets")),
        sa.UniqueConstraint("year", "kpi", name=op.f("uq_programme_targets_year_kpi")),
    )
    _replace_role_check(OLD_ROLES, NEW_ROLES)


def downgrade() -> None:
    op.execute("UPDATE users SET role = 'member', is_active = false WHERE role = 'programme'")
    op.execute("DELETE FROM invitations WHERE role = 'programme'")
    _replace_role_check(NEW_ROLES, OLD_ROLES)
    op.drop_table("programme_targets")
