"""hotels.merged_into_id: a hotel merged into another (the same hotel typed in twice) points at the one
that stays; its inspections and notices follow that one

Old rows take no value (merged into nothing).

Revision ID: 0005h
Revises: 0004n
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0005h"
down_revision = "0004n"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hotels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("hotels", schema=None) as batch_op:
        batch_op.drop_column("merged_into_id")
