"""seals: inspections and notices carry the facts their paper prints (seal_json) and its hash (seal_hash)

Also ``rectification_notices.supersedes_id`` and ``change_reason``: a deadline extension (延期) or a
correction (更正) of a notice is a new version that names the one it replaces.

Finalized inspections and issued notices made before this revision are sealed here from the data at
hand (the hotel name and credit code frozen by 0003, the rest as it stands now — including what 0004n
added: a refusal to sign, evidence notes, a notice's 文号 and terms), each recorded in the
audit log as sealed by the migration (so ``verify`` can tell them from records sealed when they were
finalized) and queued in the outbox like any change, so the seal reaches the server. See docs/seal.md.

Revision ID: 0005
Revises: 0005h
Create Date: 2026-12-05
"""

import json
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

revision = "0005"
down_revision = "0005h"
branch_labels = None
depends_on = None

ACTOR = "schema upgrade 0005 (封存既有记录)"


def upgrade() -> None:
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seal_json", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("seal_hash", sa.String(length=64), nullable=True))
    # Plain ADD COLUMNs (batch mode works in place here): recreating rectification_notices would have to drop a
    # table that inspections.notice_id references while foreign keys are on.
    with op.batch_alter_table("rectification_notices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seal_json", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("seal_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("change_reason", sa.Text(), nullable=True))
        # No FOREIGN KEY clause: SQLite adds one only by recreating the table (see above). The model
        # declares the link, and the service checks it (hoteltv.services.notices.extend_notice).
        batch_op.add_column(sa.Column("supersedes_id", sa.String(length=36), nullable=True))
    _seal_existing(op.get_bind())


def _authority(conn: sa.Connection) -> str:
    from hoteltv.config import Settings

    database = conn.engine.url.database
    if database and database != ":memory:":
        try:
            return str(Settings(Path(database).parent).get("authority"))
        except Exception:  # noqa: BLE001 - an unreadable settings file must not stop the upgrade
            pass
    from hoteltv.config import SETTINGS

    return str(next(s.default for s in SETTINGS if s.key == "authority"))


def _seal_existing(conn: sa.Connection) -> None:
    """Seal what exists, read through the ORM on this connection; written with plain updates."""
    from hoteltv.db.models import Inspection, RectificationNotice
    from hoteltv.services import seal

    authority = _authority(conn)
    audit = sa.table(
        "audit_events",
        sa.column("id"),
        sa.column("at"),
        sa.column("actor"),
        sa.column("device_id"),
        sa.column("entity"),
        sa.column("entity_id"),
        sa.column("action"),
        sa.column("changes"),
    )
    outbox = sa.table(
        "outbox",
        sa.column("entity"),
        sa.column("entity_id"),
        sa.column("version"),
        sa.column("at"),
        sa.column("fields"),
        sa.column("base"),
        sa.column("sent_at"),
    )
    # As SQLAlchemy's SQLite DateTime stores UTC times (plain statements here, no column types).
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    events: list[tuple[str, str, str, int]] = []
    with Session(bind=conn, autoflush=False) as s:
        for insp in s.scalars(sa.select(Inspection).where(Inspection.status == "finalized")):
            text, digest = seal.dump(seal.build_sheet_facts(s, insp, authority, sealed_by=seal.BY_MIGRATION))
            conn.execute(
                sa.text(
                    "UPDATE inspections SET seal_json = :j, seal_hash = :h, version = :v, updated_at = :t "
                    "WHERE id = :i"
                ),
                {"j": text, "h": digest, "v": insp.version + 1, "t": now, "i": insp.id},
            )
            # Notices below read the inspection's seal; set as loaded, so nothing is flushed through the ORM.
            set_committed_value(insp, "seal_json", text)
            set_committed_value(insp, "seal_hash", digest)
            events.append(("inspections", insp.id, digest, insp.version + 1))
        for n in s.scalars(sa.select(RectificationNotice)):
            text, digest = seal.dump(seal.build_notice_facts(s, n, authority, sealed_by=seal.BY_MIGRATION))
            conn.execute(
                sa.text(
                    "UPDATE rectification_notices SET seal_json = :j, seal_hash = :h, version = :v, "
                    "updated_at = :t WHERE id = :i"
                ),
                {"j": text, "h": digest, "v": n.version + 1, "t": now, "i": n.id},
            )
            events.append(("rectification_notices", n.id, digest, n.version + 1))
        s.expunge_all()  # nothing was changed through the ORM; the session only read
    if events:
        conn.execute(
            audit.insert(),
            [
                {
                    "id": str(uuid4()),
                    "at": now,
                    "actor": ACTOR,
                    "device_id": "",
                    "entity": entity,
                    "entity_id": entity_id,
                    "action": "update",
                    "changes": json.dumps(
                        {"seal_hash": [None, digest], "sealed_by": [None, seal.BY_MIGRATION]},
                        ensure_ascii=False,
                    ),
                }
                for entity, entity_id, digest, _version in events
            ],
        )
        # Sent at the next sync like any change, so the server and other laptops get the seal
        # (hoteltv.sync.changes lets a finalized record without a seal receive one, once).
        conn.execute(
            outbox.insert(),
            [
                {
                    "entity": entity,
                    "entity_id": entity_id,
                    "version": version,
                    "at": now,
                    "fields": json.dumps(["seal_hash", "seal_json"]),
                    "base": json.dumps({"seal_hash": None, "seal_json": None}),
                    "sent_at": None,
                }
                for entity, entity_id, _digest, version in events
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("rectification_notices", schema=None) as batch_op:
        batch_op.drop_column("change_reason")
        batch_op.drop_column("supersedes_id")
        batch_op.drop_column("seal_hash")
        batch_op.drop_column("seal_json")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_column("seal_hash")
        batch_op.drop_column("seal_json")
