"""Faults: the server killed mid-push and mid-photo-upload, lost answers, duplicate requests.

After a retry nothing is lost and nothing is duplicated: every record arrives once (one change-log row
per record and change), every photo arrives whole and verified.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from hoteltv.sync.client import RetryPolicy, SyncError
from hoteltv.sync.outbox import collect_changes
from hoteltv.sync.protocol import PushRequest, batch_key
from hoteltv.sync.server import service
from hoteltv.sync.server.models import Batch, Blob, ChangeLog, Record
from tests.sync.helpers import make_hotel, make_inspection, snapshot, unsent


def _server_counts(server) -> tuple[int, int, int]:
    with server.db.read() as s:
        return (
            int(s.scalar(select(func.count()).select_from(Record)) or 0),
            int(s.scalar(select(func.count()).select_from(ChangeLog)) or 0),
            int(s.scalar(select(func.count()).select_from(Blob)) or 0),
        )


def _duplicates(server) -> int:
    with server.db.read() as s:
        rows = s.execute(
            select(ChangeLog.entity, ChangeLog.record_id, ChangeLog.origin_seq, func.count())
            .where(ChangeLog.device_id != "server")
            .group_by(ChangeLog.entity, ChangeLog.record_id, ChangeLog.origin_seq)
            .having(func.count() > 1)
        ).all()
    return len(rows)


def _data(laptop, tmp_path: Path, name: str = "a", photos: int = 3):
    lap = laptop(name, "office")
    for i in range(3):
        hotel = make_hotel(lap.db, f"酒店{i}")
        make_inspection(lap.db, hotel, photos=photos, folder=tmp_path / f"p{name}{i}", seed=i + 1)
    return lap


@pytest.mark.parametrize("when", ["before", "after"])
def test_push_interrupted_then_retried(laptop, server, tmp_path: Path, when: str) -> None:
    a = _data(laptop, tmp_path)
    server.plan.add("POST", "/sync/push", when, times=2)
    report = a.sync(batch_size=20)
    assert report.ok, report.message
    assert unsent(a.db) == 0
    assert _duplicates(server) == 0
    b = laptop("b", "office")
    assert b.sync().ok
    assert snapshot(a.db) == snapshot(b.db)
    records, changes, blobs = _server_counts(server)
    # A second sync changes nothing on the server.
    assert a.sync().ok
    assert _server_counts(server) == (records, changes, blobs)


def test_server_crash_mid_batch_rolls_back_and_retry_applies_once(
    laptop, server, tmp_path, monkeypatch
) -> None:
    a = _data(laptop, tmp_path, photos=0)
    real = service._apply_change
    calls = {"n": 0}

    def crashing(*args, **kw):
        calls["n"] += 1
        if calls["n"] == 7:
            raise RuntimeError("server killed")
        return real(*args, **kw)

    monkeypatch.setattr(service, "_apply_change", crashing)
    before = _server_counts(server)
    report = a.sync()  # 500 on the first try (transaction rolled back), then accepted whole
    assert report.ok, report.message
    assert _server_counts(server)[0] > before[0]
    assert _duplicates(server) == 0 and unsent(a.db) == 0


def test_photo_upload_cut_halfway_resumes(laptop, server, tmp_path: Path) -> None:
    a = laptop("a", "office")
    hotel = make_hotel(a.db, "照片酒店")
    make_inspection(a.db, hotel, photos=2, folder=tmp_path / "pics", seed=9)
    server.plan.add("PUT", "/photos/", "cut", nbytes=300)
    server.plan.add("PUT", "/photos/", "before", times=1)
    report = a.sync(upload_chunk=1024, batch_photo_max=0)  # one by one, in 1 kB pieces
    assert report.ok, report.message
    assert report.photos_up == 2
    puts = [p for m, p in server.plan.requests if m == "PUT"]
    assert len(puts) >= 3  # resumed, not restarted from scratch only
    srv_store = server.app.state.blobs
    with server.db.read() as s:
        hashes = list(s.scalars(select(Blob.sha256)))
    assert len(hashes) == 2 and all(srv_store.store.verify(h) for h in hashes)
    assert not list(srv_store.incoming.glob("*.part"))
    inspections = [o for o in report.outcomes if o.entity == "inspections"]
    assert inspections and all(o.state == "complete" for o in inspections)


def test_photo_missing_on_server_reported_until_uploaded(laptop, server, tmp_path: Path) -> None:
    a = laptop("a", "office")
    hotel = make_hotel(a.db, "照片酒店")
    make_inspection(a.db, hotel, photos=1, folder=tmp_path / "pics", seed=3)
    server.plan.add("POST", "/photos/batch", "before", times=100)
    with pytest.raises(SyncError) as err:
        a.sync(retry=RetryPolicy(attempts=2, base=0, jitter=0, sleep=lambda _s: None))
    assert err.value.transient
    report = err.value.report
    assert report is not None and not report.ok
    server.plan.faults.clear()
    report = a.sync()
    assert report.ok and report.photos_up == 1
    assert [o.state for o in report.outcomes if o.entity == "inspections"] == ["complete"]


def test_duplicate_push_requests_are_applied_once(laptop, server) -> None:
    a = laptop("a", "office")
    make_hotel(a.db, "重复酒店")
    collected = collect_changes(a.db)
    req = PushRequest(
        device_id=a.db.device_id,
        key=batch_key(a.db.device_id, collected.changes),
        changes=collected.changes,
    )
    body = req.model_dump(mode="json")
    with server.http("office") as http:
        first = http.post("/api/v1/sync/push", json=body)
        second = http.post("/api/v1/sync/push", json=body)
    assert first.status_code == second.status_code == 200
    assert second.json()["replayed"] is True
    assert second.json()["results"] == first.json()["results"]
    with server.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Batch)) == 1
    # The same changes in a different batch (an answer lost, more edits since): still once.
    changes = list(reversed(collected.changes))
    req2 = PushRequest(device_id=a.db.device_id, key=batch_key(a.db.device_id, changes), changes=changes)
    with server.http("office") as http:
        third = http.post("/api/v1/sync/push", json=req2.model_dump(mode="json"))
    assert {r["status"] for r in third.json()["results"]} == {"unchanged"}
    assert _duplicates(server) == 0


@pytest.mark.parametrize("when", ["after", "cut"])
def test_photo_batch_interrupted_then_retried(laptop, server, tmp_path: Path, when: str) -> None:
    a = laptop("a", "office")
    hotel = make_hotel(a.db, "批量照片酒店")
    make_inspection(a.db, hotel, photos=4, folder=tmp_path / "pics", seed=11)
    server.plan.add("POST", "/photos/batch", when, nbytes=500)
    report = a.sync()
    assert report.ok and report.photos_up == 4
    with server.db.read() as s:
        hashes = list(s.scalars(select(Blob.sha256)))
    assert len(hashes) == 4 and all(server.app.state.blobs.store.verify(h) for h in hashes)
    assert [o.state for o in report.outcomes if o.entity == "inspections"] == ["complete"]
    assert a.sync().photos_up == 0


def test_photos_handed_over_batch_by_batch_while_the_push_goes_on(laptop, server, tmp_path: Path) -> None:
    """Each push batch hands over the files of the photo records the server took, so they can go up while
    the next batch is applied (issue 13: first sync speed); a file whose record is not there yet is
    refused by the server as unknown and goes up with the usual upload after the push."""
    from hoteltv.db.models import Photo
    from hoteltv.sync.client import SyncReport

    a = laptop("a", "office")
    hotel = make_hotel(a.db, "并行照片酒店")
    for seed in (21, 22):
        make_inspection(a.db, hotel, photos=2, folder=tmp_path / "pics", seed=seed)
    with a.db.reading() as s:
        files = set(s.scalars(select(Photo.sha256)))
    assert len(files) == 4
    report = SyncReport()
    with a.client(batch_size=3) as c:
        handed: list[list[str]] = []
        c.push(collect_changes(a.db), report, handed.append)
        assert len(handed) > 2 and set().union(*handed) == files  # one call per batch, every file once
        alongside = c.photos.alongside(report)
        for hashes in handed:
            alongside.add(hashes)
        alongside.finish()
        assert report.photos_up == 4 and c.photos.unconfirmed() == []
    with server.db.read() as s:
        assert set(s.scalars(select(Blob.sha256))) == files
    # A file handed over before its record arrived: the server does not take it; nothing is confirmed.
    b = laptop("b", "office")
    hotel_b = make_hotel(b.db, "未推送酒店")
    make_inspection(b.db, hotel_b, photos=1, folder=tmp_path / "pics-b", seed=31)
    with b.client() as c:
        early = SyncReport()
        alongside = c.photos.alongside(early)
        alongside.add(c.photos.unconfirmed())
        alongside.finish()
        assert early.photos_up == 0 and len(c.photos.unconfirmed()) == 1
    whole = b.sync(batch_size=3)
    assert whole.ok and whole.photos_up == 1, whole.message
    assert all(o.state == "complete" for o in whole.outcomes if o.entity == "inspections")


def test_lists_handed_over_while_an_upload_is_on_its_way_go_up_together(
    laptop, server, tmp_path: Path
) -> None:
    """Photo files handed over faster than they go up (the push outruns the uploads): the queued lists are
    taken together — one question which files the server lacks, then full batches — instead of one
    round per list."""
    from hoteltv.sync.client import SyncReport

    a = laptop("a", "office")
    hotel = make_hotel(a.db, "排队照片酒店")
    make_inspection(a.db, hotel, photos=3, folder=tmp_path / "pics", seed=64)
    with a.client() as c:
        c.push(collect_changes(a.db), SyncReport())  # the records only: their files wait
        files = c.photos.unconfirmed()
        together = len(c.photos._batches(files)[0])  # requests for the three files sent as one list
        assert len(files) == 3 and together < 3
        alongside = c.photos.alongside(report := SyncReport())
        start = len(server.plan.requests)
        for sha in files:  # three lists queued while an upload was on its way …
            alongside._queue.put([sha])
        alongside._queue.put(None)
        alongside._run()  # … are taken in one go (run here: no thread to race with)
        alongside.finish()
        assert report.photos_up == 3 and report.failed == 0 and c.photos.unconfirmed() == []
    paths = [p for _m, p in server.plan.requests[start:]]
    assert paths == ["/api/v1/photos/missing"] + ["/api/v1/photos/batch"] * together


def test_push_failing_while_photos_go_up_alongside(laptop, server, tmp_path: Path, monkeypatch) -> None:
    """The push fails after photo files were handed over: the sync reports the push's error, the uploads
    stop with it, and the next sync sends exactly what is still missing."""
    a = laptop("a", "office")
    hotel = make_hotel(a.db, "中断照片酒店")
    make_inspection(a.db, hotel, photos=3, folder=tmp_path / "pics", seed=41)
    make_inspection(a.db, hotel, photos=3, folder=tmp_path / "pics", seed=42)
    from tests.sync.asgi import Fault

    batches = -(-len(collect_changes(a.db).changes) // 3)
    pushes = 0
    original = server.plan.take

    def take(method: str, path: str):
        nonlocal pushes
        if method == "POST" and path.endswith("/sync/push"):
            pushes += 1
            if pushes >= batches:  # the last batch (photo records only) never reaches the server
                return Fault(method, path, "before")
        return original(method, path)

    monkeypatch.setattr(server.plan, "take", take)
    with pytest.raises(SyncError):
        a.sync(batch_size=3)
    assert _server_counts(server)[2] < 6  # the last batch's files were never handed over
    monkeypatch.setattr(server.plan, "take", original)
    report = a.sync()
    assert report.ok and report.check_ok, report.message
    assert _duplicates(server) == 0 and unsent(a.db) == 0
    assert _server_counts(server)[2] == 6
    assert all(o.state == "complete" for o in report.outcomes if o.entity == "inspections")


def test_a_photo_file_that_cannot_go_up_is_reported_once_per_sync(laptop, server, tmp_path: Path) -> None:
    """A file gone from the laptop fails on the upload alongside the push: the upload after the push does not
    send it again, the sync names each photo record using it once, and the next sync tries it again."""
    from hoteltv.db.models import Photo

    a = laptop("a", "office")
    hotel = make_hotel(a.db, "缺照片酒店")
    make_inspection(a.db, hotel, photos=2, folder=tmp_path / "pics", seed=51)
    with a.db.reading() as s:
        photo = s.scalars(select(Photo).order_by(Photo.sha256)).first()
        assert photo is not None
        gone, gone_id = photo.sha256, photo.id
    a.store.path(gone).unlink()
    for _ in range(2):
        report = a.sync(batch_size=3)
        failed = [o for o in report.outcomes if o.entity == "photos" and o.state == "failed"]
        assert [o.id for o in failed] == [gone_id] and report.failed == 1, report.outcomes
        assert report.photos_up <= 1
