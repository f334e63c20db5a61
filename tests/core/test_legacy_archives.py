"""A backup and a bundle written by an earlier hoteltv (tests/fixtures/legacy_*.zip, made by
tests/fixtures/make_archives.py before the archive code was unified) still restore and import, with their
records and photo bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import func, select

from hoteltv.backup import restore_backup, verify_backup
from hoteltv.db.engine import Database
from hoteltv.db.models import Hotel, Inspection, Photo
from hoteltv.domain.divisions import default_divisions
from hoteltv.photos.store import PhotoStore
from hoteltv.services.setup import ensure_divisions
from hoteltv.sync.bundle import import_local, read_bundle

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HOTELS = ["边境酒店", "怒江宾馆", "高黎贡山客栈"]
PHOTO_SHA = "d1fba7620e345b725c3f2154f1c575c9aeb35ae6761113883bb977e05a19b047"
BUNDLE_DEVICE = "8413cabb-d82a-4332-823c-7cac972019a5"


def _records(db: Database) -> tuple[list[str], int, list[str]]:
    with db.reading() as s:
        names = sorted(s.scalars(select(Hotel.name).where(Hotel.deleted.is_(False))))
        inspections = int(s.scalar(select(func.count()).select_from(Inspection)) or 0)
        shas = sorted(s.scalars(select(Photo.sha256)))
    return names, inspections, shas


def test_legacy_backup_verifies_and_restores(tmp_path: Path) -> None:
    path = FIXTURES / "legacy_backup.zip"
    manifest = verify_backup(path)
    assert manifest.photos_included and manifest.counts["hotels"] == 3
    home = tmp_path / "restored"
    report = restore_backup(home, path)
    assert report.photos_added == 1 and report.photos_missing == () and report.aside is None
    db = Database.open(home)
    try:
        assert _records(db) == (sorted(HOTELS), 1, [PHOTO_SHA])
    finally:
        db.close()
    blob = PhotoStore.for_home(home).path(PHOTO_SHA).read_bytes()
    assert hashlib.sha256(blob).hexdigest() == PHOTO_SHA


def test_legacy_bundle_reads_and_imports(tmp_path: Path) -> None:
    path = FIXTURES / "legacy_bundle.zip"
    bundle = read_bundle(path)
    assert bundle.device_id == BUNDLE_DEVICE and len(bundle.changes) == 17
    assert list(bundle.photos) == [PHOTO_SHA]
    assert hashlib.sha256(bundle.photos[PHOTO_SHA]).hexdigest() == PHOTO_SHA
    home = tmp_path / "office"
    db = Database.open(home)
    try:
        ensure_divisions(db, default_divisions())
        store = PhotoStore.for_home(home)
        result = import_local(db, store, path)
        assert result.count("refused") == 0 and result.count("applied") > 0 and result.photos == 1
        assert _records(db) == (sorted(HOTELS), 1, [PHOTO_SHA])
        assert hashlib.sha256(store.path(PHOTO_SHA).read_bytes()).hexdigest() == PHOTO_SHA
        assert import_local(db, store, path).already
    finally:
        db.close()
