"""inspections.hotel_snapshot: the inspected unit as named when the record was finalized

Finalized records made before this revision get the hotel as it stands now, which is what their
content hash was computed from, so every stored hash still verifies.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hotel_snapshot", sa.JSON(), server_default="{}", nullable=False))
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT i.id, h.name, h.credit_code, d.code FROM inspections i "
            "JOIN hotels h ON h.id = i.hotel_id JOIN divisions d ON d.id = h.division_id "
            "WHERE i.status = 'finalized'"
        )
    ).all()
    for inspection_id, name, credit_code, division in rows:
        snapshot = {"name": name, "credit_code": credit_code, "division": division}
        conn.execute(
            sa.text("UPDATE inspections SET hotel_snapshot = :s WHERE id = :i"),
            {"s": json.dumps(snapshot, ensure_ascii=False), "i": inspection_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_column("hotel_snapshot")
