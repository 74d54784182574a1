"""A random id of the database, made by the first `matchmaker index`: the stored
suggestion index names the database it was made from.

Revision ID: 0012_database_identity
Revises: 0011_stored_analysis
Create Date: 2026-11-30 18:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_database_identity"
down_revision = "0011_stored_analysis"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Empty: made when first needed, so every copy of a migrated template (the tests'
    # databases) gets its own.
    op.create_table(
        "database_identity",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.String(length=32), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_database_identity_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_database_identity")),
    )


def downgrade() -> None:
    op.drop_table("database_identity")
