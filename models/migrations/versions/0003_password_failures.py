"""Wrong passwords counted in the database, the same for every worker and host.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 08:10:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "password_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=320), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_failures")),
    )
    op.create_index("ix_password_failures_scope_key_at", "password_failures",
                    ["scope", "key", "at"])
    op.create_index("ix_password_failures_at", "password_failures", ["at"])


def downgrade() -> None:
    op.drop_index("ix_password_failures_at", table_name="password_failures")
    op.drop_index("ix_password_failures_scope_key_at", table_name="password_failures")
    op.drop_table("password_failures")
