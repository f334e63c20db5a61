"""the notice as an enforcement document: refusal to sign, evidence notes, notice terms and delivery,
the laptop's blocks of 文号 numbers

Every new column has a default that old rows take (no refusal, no evidence note, no terms or delivery
recorded): old records print as before.

Revision ID: 0004n
Revises: 0003
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0004n"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("refusal", sa.JSON(), server_default="{}", nullable=False))
        batch_op.add_column(sa.Column("evidence_notes", sa.JSON(), server_default="[]", nullable=False))
    with op.batch_alter_table("rectification_notices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("terms", sa.JSON(), server_default="{}", nullable=False))
        batch_op.add_column(sa.Column("delivery", sa.JSON(), server_default="{}", nullable=False))
    op.create_table(
        "notice_number_blocks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("first", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.Column("next", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_number_blocks")),
    )
    with op.batch_alter_table("notice_number_blocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_number_blocks_year"), ["year"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notice_number_blocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_number_blocks_year"))
    op.drop_table("notice_number_blocks")
    with op.batch_alter_table("rectification_notices", schema=None) as batch_op:
        batch_op.drop_column("delivery")
        batch_op.drop_column("terms")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_column("evidence_notes")
        batch_op.drop_column("refusal")
