"""Accounts remember when they were erased (erasing an account is its own act).

Revision ID: 0005_sec_data
Revises: 0004_places
Create Date: 2026-11-30 12:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_sec_data"
down_revision = "0004_places"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN on both backends (SQLite >= 3.35): rebuilding the table
    # in batch mode would drop `users` and, foreign keys on, cascade to its tokens.
    op.drop_column("users", "erased_at")
