"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "divisions",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("city_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_divisions")),
        sa.UniqueConstraint("code", name=op.f("uq_divisions_code")),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_meta")),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("base", sa.JSON(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "hotels",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("division_id", sa.String(length=36), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("star_class", sa.Integer(), nullable=True),
        sa.Column("rooms", sa.Integer(), nullable=True),
        sa.Column("tvs", sa.Integer(), nullable=True),
        sa.Column("tv_system", sa.String(length=200), nullable=True),
        sa.Column("contact_name", sa.String(length=100), nullable=True),
        sa.Column("contact_phone", sa.String(length=40), nullable=True),
        sa.Column("person_in_charge", sa.String(length=100), nullable=True),
        sa.Column("pilot", sa.Boolean(), nullable=False),
        sa.Column("target_mode", sa.String(length=32), nullable=True),
        sa.Column("current_mode", sa.String(length=32), nullable=False),
        sa.Column("remediation_status", sa.String(length=32), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_id"], ["divisions.id"], name=op.f("fk_hotels_division_id_divisions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotels")),
    )
    with op.batch_alter_table("hotels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hotels_credit_code"), ["credit_code"], unique=False)
        batch_op.create_index("ix_hotels_division_name", ["division_id", "name"], unique=False)

    op.create_table(
        "inspectors",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("enforcement_id", sa.String(length=40), nullable=False),
        sa.Column("division_id", sa.String(length=36), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_id"], ["divisions.id"], name=op.f("fk_inspectors_division_id_divisions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspectors")),
    )
    with op.batch_alter_table("inspectors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspectors_enforcement_id"), ["enforcement_id"], unique=False)

    op.create_table(
        "inspections",
        sa.Column("record_number", sa.String(length=40), nullable=False),
        sa.Column("hotel_id", sa.String(length=36), nullable=False),
        sa.Column("template_id", sa.String(length=64), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("owner_device_id", sa.String(length=36), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ids_shown", sa.Boolean(), nullable=False),
        sa.Column("hotel_answers", sa.JSON(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("hotel_opinion", sa.Text(), nullable=True),
        sa.Column("hotel_signatory", sa.String(length=100), nullable=True),
        sa.Column("contact_on_site", sa.String(length=100), nullable=True),
        sa.Column("contact_phone", sa.String(length=40), nullable=True),
        sa.Column("result", sa.String(length=8), nullable=True),
        sa.Column("finalized_at", sa.DateTime(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("supersedes_id", sa.String(length=36), nullable=True),
        sa.Column("notice_id", sa.String(length=36), nullable=True),
        sa.Column("signatures", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["hotel_id"], ["hotels.id"], name=op.f("fk_inspections_hotel_id_hotels")),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["rectification_notices.id"],
            name=op.f("fk_inspections_notice_id_rectification_notices"),
            use_alter=True,
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["inspections.id"], name=op.f("fk_inspections_supersedes_id_inspections")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspections_hotel_id"), ["hotel_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspections_record_number"), ["record_number"], unique=False)

    op.create_table(
        "inspection_inspectors",
        sa.Column("inspection_id", sa.String(length=36), nullable=False),
        sa.Column("inspector_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_inspectors_inspection_id_inspections"),
        ),
        sa.ForeignKeyConstraint(
            ["inspector_id"], ["inspectors.id"], name=op.f("fk_inspection_inspectors_inspector_id_inspectors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_inspectors")),
    )
    with op.batch_alter_table("inspection_inspectors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_inspectors_inspection_id"), ["inspection_id"], unique=False
        )

    op.create_table(
        "rectification_notices",
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("inspection_id", sa.String(length=36), nullable=False),
        sa.Column("hotel_id", sa.String(length=36), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("reinspection_date", sa.Date(), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("authority", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reinspection_id", sa.String(length=36), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("receipt_signed_by", sa.String(length=100), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hotel_id"], ["hotels.id"], name=op.f("fk_rectification_notices_hotel_id_hotels")
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_rectification_notices_inspection_id_inspections"),
        ),
        sa.ForeignKeyConstraint(
            ["reinspection_id"],
            ["inspections.id"],
            name=op.f("fk_rectification_notices_reinspection_id_inspections"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_notices")),
    )
    with op.batch_alter_table("rectification_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rectification_notices_hotel_id"), ["hotel_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_rectification_notices_inspection_id"), ["inspection_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_rectification_notices_number"), ["number"], unique=False)

    op.create_table(
        "room_checks",
        sa.Column("inspection_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("room_number", sa.String(length=20), nullable=False),
        sa.Column("floor", sa.String(length=10), nullable=True),
        sa.Column("room_type", sa.String(length=40), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspections.id"], name=op.f("fk_room_checks_inspection_id_inspections")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_checks")),
    )
    with op.batch_alter_table("room_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_room_checks_inspection_id"), ["inspection_id"], unique=False)

    op.create_table(
        "photos",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("inspection_id", sa.String(length=36), nullable=False),
        sa.Column("room_check_id", sa.String(length=36), nullable=True),
        sa.Column("item_key", sa.String(length=64), nullable=True),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("original_name", sa.String(length=260), nullable=True),
        sa.Column("mime", sa.String(length=40), nullable=True),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.Column("gps_lat", sa.Float(), nullable=True),
        sa.Column("gps_lon", sa.Float(), nullable=True),
        sa.Column("annotation", sa.JSON(), nullable=False),
        sa.Column("time_confirmed", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspections.id"], name=op.f("fk_photos_inspection_id_inspections")
        ),
        sa.ForeignKeyConstraint(
            ["room_check_id"], ["room_checks.id"], name=op.f("fk_photos_room_check_id_room_checks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
    )
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_photos_inspection_id"), ["inspection_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_photos_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_photos_sha256"))
        batch_op.drop_index(batch_op.f("ix_photos_inspection_id"))

    op.drop_table("photos")
    with op.batch_alter_table("room_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_room_checks_inspection_id"))

    op.drop_table("room_checks")
    with op.batch_alter_table("rectification_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rectification_notices_number"))
        batch_op.drop_index(batch_op.f("ix_rectification_notices_inspection_id"))
        batch_op.drop_index(batch_op.f("ix_rectification_notices_hotel_id"))

    op.drop_table("rectification_notices")
    with op.batch_alter_table("inspection_inspectors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_inspectors_inspection_id"))

    op.drop_table("inspection_inspectors")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspections_record_number"))
        batch_op.drop_index(batch_op.f("ix_inspections_hotel_id"))

    op.drop_table("inspections")
    with op.batch_alter_table("inspectors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspectors_enforcement_id"))

    op.drop_table("inspectors")
    with op.batch_alter_table("hotels", schema=None) as batch_op:
        batch_op.drop_index("ix_hotels_division_name")
        batch_op.drop_index(batch_op.f("ix_hotels_credit_code"))

    op.drop_table("hotels")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_entity_id"))

    op.drop_table("outbox")
    op.drop_table("meta")
    op.drop_table("divisions")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_entity_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))

    op.drop_table("audit_events")
