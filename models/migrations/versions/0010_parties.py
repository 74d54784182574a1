"""The parties' voice on a match (interested or not for us) and the consent of the hub of
a capacity that another hub's facilitator pairs; a decision says whose voice it is.

Revision ID: 0010_parties
Revises: 0008_reports
Create Date: 2026-11-30 16:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_parties"
down_revision = "0008_reports"
branch_labels = None
depends_on = None

MATCH_COLUMNS = ("stream_interest", "capacity_interest", "partner_consent")


def upgrade() -> None:
    # null: not said (yet); matches stored before heard nobody
    for name in MATCH_COLUMNS:
        op.add_column("matches", sa.Column(name, sa.Boolean(), nullable=True))
    op.add_column("decisions", sa.Column("party", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("party")
    with op.batch_alter_table("matches") as batch:
        for name in MATCH_COLUMNS:
            batch.drop_column(name)
