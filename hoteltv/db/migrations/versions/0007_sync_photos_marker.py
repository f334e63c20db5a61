"""A marker for photo files the server may not hold yet, kept by SQLite triggers

A sync with nothing to do must know quickly whether any live photo's file still waits for the server's
confirmation (``sync_blobs``). Asking that of every photo costs milliseconds a sync at a few thousand
photos (SQLite scans them all), so the database keeps the answer's "maybe": a ``meta`` row
``sync.photos_unconfirmed`` that triggers set whenever a live photo appears, changes its file or comes
back from deletion, and whenever a confirmation is forgotten. The sync clears it, under the write lock, only
when no live photo is unconfirmed (:func:`hoteltv.sync.photo_transfer.clear_unconfirmed_marker`). Set here
for existing databases, so their first sync looks.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

MARK = (
    "INSERT INTO meta (key, value) SELECT 'sync.photos_unconfirmed', '1' "
    "WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'sync.photos_unconfirmed')"
)


def upgrade() -> None:
    op.execute(
        f"CREATE TRIGGER sync_photos_unconfirmed_insert AFTER INSERT ON photos WHEN NEW.deleted = 0 "
        f"BEGIN {MARK}; END"
    )
    op.execute(
        f"CREATE TRIGGER sync_photos_unconfirmed_update AFTER UPDATE OF sha256, deleted ON photos "
        f"WHEN NEW.deleted = 0 BEGIN {MARK}; END"
    )
    op.execute(f"CREATE TRIGGER sync_photos_unconfirmed_forget AFTER DELETE ON sync_blobs BEGIN {MARK}; END")
    op.execute(MARK)


def downgrade() -> None:
    for name in ("insert", "update", "forget"):
        op.execute(f"DROP TRIGGER IF EXISTS sync_photos_unconfirmed_{name}")
    op.execute("DELETE FROM meta WHERE key = 'sync.photos_unconfirmed'")
