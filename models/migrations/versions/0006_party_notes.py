"""A decision's note to the parties, next to the facilitator's internal note.

Revision ID: 0006_party_notes
Revises: 0005_sec_data
Create Date: 2026-11-30 13:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_party_notes"
down_revision = "0005_sec_data"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Notes written before were the hub's own: they stay internal.
    op.add_column("decisions", sa.Column("note_to_parties", sa.Text(), nullable=False,
                                         server_default=""))


def downgrade() -> None:
    # a plain DROP COLUMN: a batch rebuild of `decisions` is not needed for this
    op.drop_column("decisions", "note_to_parties")
