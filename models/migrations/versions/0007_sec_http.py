"""Browsers that signed in before, and mailed one-time sign-in links.

Revision ID: 0007_sec_http
Revises: 0006_party_notes
Create Date: 2026-11-30 12:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_sec_http"
down_revision = "0006_party_notes"
branch_labels = None
depends_on = None


def _per_user_secrets(table: str, *columns: sa.Column) -> None:
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f(f"fk_{table}_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("token_hash", name=op.f(f"uq_{table}_token_hash")),
    )
    op.create_index(f"ix_{table}_user_id", table, ["user_id"])


def upgrade() -> None:
    _per_user_secrets("known_devices",
                      sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False))
    _per_user_secrets("sign_in_links",
                      sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
                      sa.Column("used_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in ("sign_in_links", "known_devices"):
        op.drop_index(f"ix_{table}_user_id", table_name=table)
        op.drop_table(table)
