"""Regressions found by the sync fault campaign (``python -m tests.syncfault.campaign``), one test each.

1. An older bundle imported on a laptop after a newer one (or after the newer state arrived by sync)
   rolled a draft inspection back to its older content while keeping the newer version number, so the
   sync check (which compares id, version and tombstone) could never notice: the laptop kept the stale
   draft for good.
2. The same for a hotel's fields computed from the inspection history (``current_mode``,
   ``remediation_status``, which take the newest value pushed without a conflict): an old bundle that
   created the hotel, imported after the laptop had the hotel as inspected, set them back to "not
   inspected" under the newer version number.
3. A database opened in a process that had opened and dropped others could get no change tracking at
   all: ``tracking.install`` skipped the hook when ``sqlalchemy.event.contains`` said it was there, and that
   registry is keyed by ``id()``, which a new session class can share with a garbage-collected one. Every
   write then made no outbox row (never synced, silently), no audit row and no immutability check. The
   campaign saw laptops whose first sync sent nothing; about one database in 25 was affected when opened
   one after another.
4. A sync cut off after its pull had committed but before every photo of the records received was
   downloaded forgot those photos: the next sync only fetched the photos of records it pulled itself, so
   the laptop kept photo records without their files for good.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from hoteltv.db import tracking
from hoteltv.db.engine import Database
from hoteltv.db.models import AuditEvent, OutboxEntry
from hoteltv.services import inspections as insp_service
from hoteltv.sync.bundle import export_bundle, import_local
from hoteltv.sync.client import SyncError
from tests.sync.helpers import make_hotel, make_inspection, snapshot


def test_older_bundle_after_the_newer_state_keeps_the_newer_draft(laptop, tmp_path: Path) -> None:
    a = laptop("a", "office")
    b = laptop("b", "office")
    hotel = make_hotel(a.db, "顺序酒店")
    draft = make_inspection(a.db, hotel, finalize=False)
    export_bundle(a.db, a.store, tmp_path / "older.zip")
    insp_service.update_header(a.db, draft, insp_service.HeaderFields(findings="第二次填写"))
    export_bundle(a.db, a.store, tmp_path / "newer.zip")

    # Newer first, then the older one: the draft stays as it is newest.
    assert not import_local(b.db, b.store, tmp_path / "newer.zip").already
    older = import_local(b.db, b.store, tmp_path / "older.zip")
    assert {r.status for r in older.results if r.entity == "inspections"} == {"unchanged"}
    assert insp_service.get_inspection(b.db, draft).findings == "第二次填写"

    # The same after the newer state came online: the old stick arrives last and changes nothing.
    c = laptop("c", "office")
    assert a.sync().ok and c.sync().ok
    import_local(c.db, c.store, tmp_path / "older.zip")
    assert insp_service.get_inspection(c.db, draft).findings == "第二次填写"
    assert c.sync().ok
    assert snapshot(c.db)["inspections"][draft] == snapshot(a.db)["inspections"][draft]


def test_older_bundle_does_not_roll_back_a_hotels_derived_fields(laptop, tmp_path: Path) -> None:
    a = laptop("a", "office")
    b = laptop("b", "office")
    hotel = make_hotel(a.db, "派生酒店")
    export_bundle(a.db, a.store, tmp_path / "created.zip")  # the hotel as new: not inspected yet
    make_inspection(a.db, hotel, finalize=True)  # finalizing sets the hotel's mode and status
    assert a.sync().ok and b.sync().ok
    inspected = snapshot(b.db)["hotels"][hotel]
    assert inspected["remediation_status"] != "not_inspected"

    import_local(b.db, b.store, tmp_path / "created.zip")
    assert snapshot(b.db)["hotels"][hotel] == inspected
    assert b.sync().ok
    assert snapshot(b.db)["hotels"][hotel] == snapshot(a.db)["hotels"][hotel]


def test_a_database_gets_change_tracking_even_when_the_event_registry_says_it_has_it(monkeypatch) -> None:
    # What SQLAlchemy answers for a new session class that reuses a garbage-collected one's id().
    monkeypatch.setattr(tracking.event, "contains", lambda *_a, **_k: True)
    db = Database.in_memory()
    try:
        insp_service.add_inspector(db, "张明", "530500000001")
        tracking.install(db._sessions)  # installing again does not hook twice
        insp_service.add_inspector(db, "李华", "530500000002")
        with db.reading() as s:
            assert s.scalar(select(func.count()).select_from(OutboxEntry)) == 2
            assert s.scalar(select(func.count()).select_from(AuditEvent)) == 2
    finally:
        db.close()


def test_photos_still_to_download_survive_a_sync_cut_off(laptop, server, tmp_path: Path) -> None:
    a = laptop("a", "office")
    b = laptop("b", "office")
    hotel = make_hotel(a.db, "照片下载酒店")
    make_inspection(a.db, hotel, photos=2, folder=tmp_path / "pics", seed=21)
    assert a.sync().ok
    server.plan.add("GET", "/photos/", "before", times=100)  # every download fails: the sync gives up
    try:
        b.sync()
    except SyncError as exc:
        assert exc.transient
    server.plan.faults.clear()
    report = b.sync()
    assert report.ok and report.photos_down == 2
    assert sorted(b.store.blobs()) == sorted(a.store.blobs())
