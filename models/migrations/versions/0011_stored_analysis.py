"""The text analysis of a stream or capacity, stored when it is written; indexes on the
timestamps the workers look for recent changes by.

Revision ID: 0011_stored_analysis
Revises: 0008_reports
Create Date: 2026-11-30 15:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_stored_analysis"
down_revision = "0010_parties"
branch_labels = None
depends_on = None

_TABLES = ("streams", "capacities")


def upgrade() -> None:
    # Empty for the rows already there: a worker analyses those itself until
    # `matchmaker index` (or the next edit) stores their analysis.
    for table in _TABLES:
        op.add_column(table, sa.Column("analysis", sa.JSON(), nullable=True))
        op.add_column(table, sa.Column("analysis_key", sa.String(length=64), nullable=True))
    for table in (*_TABLES, "organisations"):
        op.create_index(f"ix_{table}_updated_at", table, ["updated_at"])


def downgrade() -> None:
    for table in (*_TABLES, "organisations"):
        op.drop_index(f"ix_{table}_updated_at", table_name=table)
    for table in _TABLES:
        op.drop_column(table, "analysis_key")
        op.drop_column(table, "analysis")
