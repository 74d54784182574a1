"""Places: a street address for organisations, a site of their own for capacities, and how
each point was found; stored postcodes and municipalities are geocoded.

Revision ID: 0004_places
Revises: 0003
Create Date: 2026-11-30 11:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from matchmaker.places.geocode import geocode_stored

revision = "0004_places"
down_revision = "0003"
branch_labels = None
depends_on = None

PRECISION = "location_precision"


def upgrade() -> None:
    op.add_column("organisations", sa.Column("address", sa.Text(), nullable=True))
    op.add_column("capacities", sa.Column("postcode", sa.String(length=16), nullable=True))
    op.add_column("capacities", sa.Column("municipality", sa.String(length=128), nullable=True))
    for table in ("organisations", "streams", "capacities"):
        op.add_column(table, sa.Column(PRECISION, sa.String(length=16), nullable=True))
        # coordinates stored before were given with the row
        op.execute(f"UPDATE {table} SET {PRECISION} = 'exact' "
                   "WHERE lat IS NOT NULL AND lon IS NOT NULL")
    geocode_stored(op.get_bind())


def downgrade() -> None:
    for table in ("capacities", "streams", "organisations"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(PRECISION)
    with op.batch_alter_table("capacities") as batch:
        batch.drop_column("municipality")
        batch.drop_column("postcode")
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("address")
