"""hotels.site_kind (宾馆酒店 / 市场 / 居民小区 / 其他) and enforcement_operations (执法行动)

The registry holds sites that are not hotels (the satellite-TV campaign checks markets and residential
compounds too): every existing row is a hotel. An enforcement operation records one day's outing: lead and
joint departments, officers (人次), vehicles (车次), the sites checked (个次) and the inspections made.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hotels", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("site_kind", sa.String(length=16), server_default="hotel", nullable=False)
        )
    op.create_table(
        "enforcement_operations",
        sa.Column("op_date", sa.Date(), nullable=False),
        sa.Column("division_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("lead_department", sa.String(length=100), nullable=False),
        sa.Column("joint_departments", sa.JSON(), nullable=False),
        sa.Column("officers", sa.Integer(), nullable=False),
        sa.Column("vehicles", sa.Integer(), nullable=False),
        sa.Column("site_checks", sa.Integer(), nullable=False),
        sa.Column("site_ids", sa.JSON(), nullable=False),
        sa.Column("inspection_ids", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_id"], ["divisions.id"], name=op.f("fk_enforcement_operations_division_id_divisions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enforcement_operations")),
    )
    with op.batch_alter_table("enforcement_operations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enforcement_operations_op_date"), ["op_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("enforcement_operations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enforcement_operations_op_date"))
    op.drop_table("enforcement_operations")
    with op.batch_alter_table("hotels", schema=None) as batch_op:
        batch_op.drop_column("site_kind")
