"""Attaching photo files to an inspection: a batch where every bad file is refused with its name and reason,
the others still import, and the database never points at a missing or partial blob."""

from __future__ import annotations

import errno
import io
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from hoteltv.db.engine import Database
from hoteltv.db.models import Photo
from hoteltv.domain.divisions import DivisionList
from hoteltv.errors import RecordFinalizedError, ValidationError
from hoteltv.photos import ingest
from hoteltv.photos import store as store_module
from hoteltv.photos.store import PhotoStore
from hoteltv.services import photos as svc
from tests.core import photo_fixtures as fx


@pytest.fixture
def store(tmp_path: Path) -> PhotoStore:
    return PhotoStore(tmp_path / "home" / "photos")


@pytest.fixture
def inspection_id(db: Database, divisions: DivisionList) -> str:
    return fx.draft_inspection(db, divisions).id


def assert_store_consistent(db: Database, store: PhotoStore) -> None:
    """Every photo row's blob exists and hashes to its name; no temporary file is left behind."""
    with db.reading() as s:
        shas = [p.sha256 for p in s.query(Photo).all()]
    for sha in shas:
        assert store.verify(sha), f"row points at a missing or damaged blob {sha}"
    assert not list(store.originals.glob("*/.*.part")) if store.originals.exists() else True
    assert svc.check_store(db, store).ok


def test_a_good_batch(db: Database, store: PhotoStore, inspection_id: str, tmp_path: Path) -> None:
    paths = [fx.jpeg(tmp_path / f"p{i}.jpg", seed=i) for i in range(3)]
    seen: list[svc.AttachOutcome] = []
    ticks: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, text: str) -> bool:
        ticks.append((done, total, text))
        return True

    outcomes = svc.attach_files(
        db, store, inspection_id, paths, caption="  开机 画面 ", progress=progress, on_outcome=seen.append
    )
    assert [o.status for o in outcomes] == ["ok"] * 3 and seen == outcomes
    assert ticks[0] == (0, 3, "p0.jpg") and ticks[-1] == (3, 3, "")
    photos = svc.list_photos(db, inspection_id)
    assert [p.original_name for p in photos] == ["p0.jpg", "p1.jpg", "p2.jpg"]
    assert [p.position for p in photos] == [0, 1, 2]
    assert photos[0].caption == "开机 画面" and photos[0].mime == "image/jpeg"
    assert (photos[0].width, photos[0].height) == (60, 40) and photos[0].editable
    for o in outcomes:
        assert o.thumbnail is not None and o.thumbnail.is_file()
        assert store.path(o.photo.sha256).read_bytes() == Path(o.path).read_bytes() if o.photo else False
    assert_store_consistent(db, store)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_every_bad_input_in_one_batch(
    db: Database, store: PhotoStore, inspection_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = tmp_path / "in"
    d.mkdir()
    good = [fx.jpeg(d / f"good{i}.jpg", seed=i) for i in range(3)]
    (d / "zero.jpg").write_bytes(b"")
    (d / "notes.jpg").write_text("not a photo at all " * 10)
    fx.truncated(d / "cut.jpg", fx.jpeg_bytes((300, 200), seed=9))
    buf = io.BytesIO()
    Image.radial_gradient("L").save(buf, "PNG")
    damaged = bytearray(buf.getvalue())
    i = damaged.index(b"IDAT") + 8
    damaged[i : i + 40] = bytes(b ^ 0xFF for b in damaged[i : i + 40])
    (d / "damaged.png").write_bytes(bytes(damaged))
    fx.bomb_png(d / "bomb.png")
    fx.big_jpeg(d / "huge.jpg")
    fx.cmyk_jpeg(d / "cmyk.jpg")
    fx.png16(d / "deep.png")
    fx.animated_gif(d / "anim.gif")
    (d / "folder.jpg").mkdir()
    locked = fx.jpeg(d / "locked.jpg", seed=20)
    vanishing = fx.jpeg(d / "vanishing.jpg", seed=21)
    full = fx.jpeg(d / "full-disk.jpg", seed=22)
    heic_no_lib = d / "iphone.heic"
    heic_no_lib.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64)
    monkeypatch.setattr(ingest, "_heif_state", False)

    real_open = open

    def guarded_open(file: object, *args: object, **kwargs: object) -> object:
        if Path(str(file)) == locked:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(ingest, "open", guarded_open, raising=False)

    real_write = store_module._write_file
    full_bytes = full.read_bytes()
    written: list[str] = []

    def full_disk(fd: int, data: bytes | memoryview) -> None:
        if bytes(data) == full_bytes:
            os.write(fd, bytes(data[: len(data) // 2]))  # half of it reaches the disk, then it is full
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append("x")
        real_write(fd, data)

    monkeypatch.setattr(store_module, "_write_file", full_disk)

    order = [
        good[0],
        d / "zero.jpg",
        d / "notes.jpg",
        d / "cut.jpg",
        d / "damaged.png",
        d / "bomb.png",
        d / "huge.jpg",
        d / "cmyk.jpg",
        d / "deep.png",
        d / "anim.gif",
        d / "folder.jpg",
        locked,
        good[1],
        vanishing,
        full,
        heic_no_lib,
        d / "never-existed.jpg",
        good[2],
        good[0],
    ]

    def progress(done: int, total: int, text: str) -> bool:
        if text == "good1.jpg":
            vanishing.unlink()  # deleted while the batch runs
        return True

    outcomes = svc.attach_files(db, store, inspection_id, order, progress=progress)
    by_name = {o.name: o for o in outcomes[:-1]}
    assert len(outcomes) == len(order)
    expected = {
        "good0.jpg": ("ok", None),
        "zero.jpg": ("refused", ingest.EMPTY),
        "notes.jpg": ("refused", ingest.NOT_IMAGE),
        "cut.jpg": ("refused", ingest.TRUNCATED),
        "damaged.png": ("refused", ingest.CORRUPT),
        "bomb.png": ("refused", ingest.TOO_MANY_PIXELS),
        "huge.jpg": ("ok", None),
        "cmyk.jpg": ("ok", None),
        "deep.png": ("ok", None),
        "anim.gif": ("ok", None),
        "folder.jpg": ("refused", ingest.UNREADABLE),
        "locked.jpg": ("refused", ingest.UNREADABLE),
        "good1.jpg": ("ok", None),
        "vanishing.jpg": ("refused", ingest.MISSING),
        "full-disk.jpg": ("refused", ingest.DISK_FULL),
        "iphone.heic": ("refused", ingest.HEIC_UNSUPPORTED),
        "never-existed.jpg": ("refused", ingest.MISSING),
        "good2.jpg": ("ok", None),
    }
    assert {n: (o.status, o.reason) for n, o in by_name.items()} == expected
    for o in outcomes:
        assert o.name in o.message, "every message names its file"
        if o.status == "refused":
            assert len(o.message) > len(o.name) + 5, "and gives a reason"
    assert outcomes[-1].status == "duplicate" and "already attached" in outcomes[-1].message
    assert by_name["anim.gif"].notes and by_name["cmyk.jpg"].notes and by_name["deep.png"].notes
    assert "disk full" in by_name["full-disk.jpg"].message

    photos = svc.list_photos(db, inspection_id)
    assert [p.original_name for p in photos] == [
        "good0.jpg",
        "huge.jpg",
        "cmyk.jpg",
        "deep.png",
        "anim.gif",
        "good1.jpg",
        "good2.jpg",
    ]
    huge = photos[1]
    assert (huge.width, huge.height) == (10000, 10000)
    # Nothing of the refused files reached the store; no partial blob of the full disk remains.
    stored = set(store.blobs())
    assert stored == {p.sha256 for p in photos}
    assert_store_consistent(db, store)


def test_a_failing_database_write_leaves_no_row(
    db: Database, store: PhotoStore, inspection_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = fx.jpeg(tmp_path / "a.jpg", seed=1), fx.jpeg(tmp_path / "b.jpg", seed=2)
    real = svc._view_of
    calls = {"n": 0}

    def flaky(session: object, photo: Photo) -> svc.PhotoView:
        calls["n"] += 1
        if calls["n"] == 1:
            from hoteltv.errors import DatabaseError

            raise DatabaseError("磁盘已满,未保存任何更改 (disk full, nothing was saved)")
        return real(session, photo)  # type: ignore[arg-type]

    monkeypatch.setattr(svc, "_view_of", flaky)
    outcomes = svc.attach_files(db, store, inspection_id, [a, b])
    assert [o.status for o in outcomes] == ["refused", "ok"]
    assert "a.jpg" in outcomes[0].message and "disk full" in outcomes[0].message
    assert [p.original_name for p in svc.list_photos(db, inspection_id)] == ["b.jpg"]
    # The blob of a.jpg stays, unused: garbage for an explicit --gc, never a dangling row.
    assert svc.check_store(db, store).unreferenced == 1
    assert_store_consistent(db, store)


def test_cancel_leaves_the_rest(db: Database, store: PhotoStore, inspection_id: str, tmp_path: Path) -> None:
    paths = [fx.jpeg(tmp_path / f"c{i}.jpg", seed=i) for i in range(4)]
    outcomes = svc.attach_files(db, store, inspection_id, paths, progress=lambda done, total, text: done < 2)
    assert [o.status for o in outcomes] == ["ok", "ok", "cancelled", "cancelled"]
    assert len(svc.list_photos(db, inspection_id)) == 2


def test_room_and_item_are_checked(
    db: Database, store: PhotoStore, divisions: DivisionList, tmp_path: Path
) -> None:
    view = fx.draft_inspection(db, divisions)
    room = view.rooms[0]
    path = fx.jpeg(tmp_path / "x.jpg")
    with pytest.raises(ValidationError, match="invalid place"):
        svc.attach_files(db, store, view.id, [path], room_id="nope")
    with pytest.raises(ValidationError) as err:
        svc.attach_files(db, store, view.id, [path], item_key="boot_seconds")  # a room item without a room
    assert "room" in str(err.value)
    with pytest.raises(ValidationError):
        svc.attach_files(db, store, view.id, [path], item_key="no_such_item")
    assert not list(store.blobs()), "refused before any file was stored"
    [ok] = svc.attach_files(db, store, view.id, [path], room_id=room.id, item_key="boot_seconds")
    assert ok.photo is not None
    assert (ok.photo.room_number, ok.photo.item_key, ok.photo.item_label) == (
        room.room_number,
        "boot_seconds",
        ok.photo.item_label,
    )
    assert ok.photo.item_label
    assert svc.list_photos(db, view.id, room_id=room.id, item_key="boot_seconds") == [ok.photo]
    assert svc.list_photos(db, view.id, room_id=view.rooms[1].id) == []


def test_time_flags(db: Database, store: PhotoStore, divisions: DivisionList, tmp_path: Path) -> None:
    started = datetime(2025, 6, 10, 2, 0, tzinfo=UTC)  # 10:00 in Baoshan
    view = fx.draft_inspection(db, divisions, started=started)

    def shot(name: str, when: datetime | None) -> Path:
        ex = fx.exif(taken=when.strftime("%Y:%m:%d %H:%M:%S"), offset="+00:00") if when else None
        return fx.jpeg(tmp_path / name, seed=len(name), ex=ex)

    files = [
        shot("during.jpg", started + timedelta(minutes=20)),
        shot("morning-before.jpg", started - timedelta(hours=3)),
        shot("last-week.jpg", started - timedelta(days=7)),
        shot("no-time.jpg", None),
        shot("next-day.jpg", started + timedelta(days=1)),
    ]
    svc.attach_files(db, store, view.id, files)
    flags = {p.original_name: (p.flagged_time, p.time_flag) for p in svc.list_photos(db, view.id)}
    assert flags["during.jpg"] == (False, None)
    assert flags["morning-before.jpg"] == (False, None), "within a day before the start is fine"
    assert flags["last-week.jpg"] == (True, "before")
    assert flags["no-time.jpg"] == (False, None)
    assert flags["next-day.jpg"] == (False, None), "the inspection has not ended yet"
    from hoteltv.services import inspections as insp_service

    insp_service.update_header(db, view.id, insp_service.HeaderFields(ended_at=started + timedelta(hours=2)))
    flagged = {p.original_name: p for p in svc.list_photos(db, view.id) if p.flagged_time}
    assert set(flagged) == {"last-week.jpg", "next-day.jpg"}
    assert flagged["next-day.jpg"].time_flag == "after"
    confirmed = svc.confirm_time(db, flagged["last-week.jpg"].id)
    assert confirmed.time_confirmed and not confirmed.flagged_time and confirmed.time_flag == "before"
    during = next(p for p in svc.list_photos(db, view.id) if p.original_name == "during.jpg")
    assert during.taken_at == started + timedelta(minutes=20)


def test_gps_is_stored(db: Database, store: PhotoStore, inspection_id: str, tmp_path: Path) -> None:
    path = fx.jpeg(tmp_path / "gps.jpg", ex=fx.exif(gps=(24.9, 98.5)))
    [o] = svc.attach_files(db, store, inspection_id, [path])
    assert o.photo is not None and o.photo.gps == pytest.approx((24.9, 98.5), abs=1e-5)


def test_heic_imports_with_pillow_heif(
    db: Database, store: PhotoStore, inspection_id: str, tmp_path: Path
) -> None:
    pytest.importorskip("pillow_heif")
    [o] = svc.attach_files(db, store, inspection_id, [fx.heic(tmp_path / "IMG_0002.HEIC")])
    assert o.ok and o.photo is not None and o.photo.mime == "image/heic"
    assert store.path(o.photo.sha256).read_bytes() == (tmp_path / "IMG_0002.HEIC").read_bytes()


def test_edits(db: Database, store: PhotoStore, divisions: DivisionList, tmp_path: Path) -> None:
    view = fx.draft_inspection(db, divisions)
    [a, b] = svc.attach_files(
        db, store, view.id, [fx.jpeg(tmp_path / "a.jpg", seed=1), fx.jpeg(tmp_path / "b.jpg", seed=2)]
    )
    assert a.photo and b.photo
    p = svc.set_caption(db, a.photo.id, " 开机广告 ")
    assert p.caption == "开机广告"
    assert svc.set_caption(db, a.photo.id, "").caption is None
    with pytest.raises(ValidationError):
        svc.set_caption(db, a.photo.id, "长" * 600)
    room = view.rooms[1]
    moved = svc.move_photo(db, a.photo.id, room.id, "ads_seen")
    assert (moved.room_check_id, moved.room_number, moved.item_key) == (room.id, room.room_number, "ads_seen")
    moved = svc.move_photo(db, a.photo.id, None, "machine_room_safe")
    assert (moved.room_check_id, moved.item_key) == (None, "machine_room_safe")
    with pytest.raises(ValidationError):
        svc.move_photo(db, a.photo.id, None, "ads_seen")
    ann = {"version": 1, "shapes": [{"kind": "arrow", "from": [0.1, 0.1], "to": [0.5, 0.5]}]}
    annotated = svc.set_annotation(db, a.photo.id, ann)
    assert annotated.annotated and annotated.annotation["shapes"][0]["kind"] == "arrow"
    with pytest.raises(ValidationError):
        svc.set_annotation(db, a.photo.id, {"shapes": [{"kind": "star"}]})
    original = store.path(a.photo.sha256).read_bytes()
    assert store.verify(a.photo.sha256) and original == (tmp_path / "a.jpg").read_bytes(), (
        "original untouched"
    )
    svc.remove_photo(db, b.photo.id)
    assert [p.id for p in svc.list_photos(db, view.id)] == [a.photo.id]
    with db.reading() as s:
        row = s.get(Photo, b.photo.id)
        assert row is not None and row.deleted, "removal is a tombstone"
    # The same file can be attached again after its removal.
    [again] = svc.attach_files(db, store, view.id, [tmp_path / "b.jpg"])
    assert again.status == "ok"


def test_finalized_inspection_refuses_every_photo_change(
    db: Database, divisions: DivisionList, store: PhotoStore, tmp_path: Path, fill: object
) -> None:
    from hoteltv.services import inspections as insp_service

    view = fx.draft_inspection(db, divisions, rooms=())
    [o] = svc.attach_files(
        db, store, view.id, [fx.jpeg(tmp_path / "a.jpg", ex=fx.exif(taken="2001:01:01 00:00:00"))]
    )
    assert o.photo is not None and o.photo.flagged_time
    fill(db, view.id)  # type: ignore[operator]
    insp_service.finalize(db, view.id)
    pid = o.photo.id
    assert not svc.get_photo(db, pid).editable
    for action in (
        lambda: svc.attach_files(db, store, view.id, [fx.jpeg(tmp_path / "b.jpg", seed=5)]),
        lambda: svc.set_caption(db, pid, "x"),
        lambda: svc.move_photo(db, pid, None, None),
        lambda: svc.remove_photo(db, pid),
        lambda: svc.set_annotation(db, pid, {"shapes": [{"kind": "rect", "box": [0.1, 0.1, 0.2, 0.2]}]}),
        lambda: svc.confirm_time(db, pid),
    ):
        with pytest.raises(RecordFinalizedError, match="finalized"):
            action()
    assert [p.id for p in svc.list_photos(db, view.id)] == [pid]
    assert len(list(store.blobs())) == 1, "the refused new photo was not even stored"


def test_the_tracking_layer_refuses_a_new_photo_row_on_a_finalized_record(
    db: Database, divisions: DivisionList, fill: object
) -> None:
    from hoteltv.services import inspections as insp_service

    view = fx.draft_inspection(db, divisions, rooms=())
    fill(db, view.id)  # type: ignore[operator]
    insp_service.finalize(db, view.id)
    with pytest.raises(RecordFinalizedError), db.transaction() as s:
        s.add(Photo(sha256="0" * 64, inspection_id=view.id, annotation={}))


def test_copy_photos_for_a_correction(
    db: Database, divisions: DivisionList, store: PhotoStore, tmp_path: Path, fill: object
) -> None:
    from hoteltv.services import inspections as insp_service

    view = fx.draft_inspection(db, divisions, rooms=())
    fill(db, view.id)  # type: ignore[operator]
    room = insp_service.get_inspection(db, view.id).rooms[0]
    svc.attach_files(db, store, view.id, [fx.jpeg(tmp_path / "a.jpg")], room_id=room.id, item_key="ads_seen")
    insp_service.finalize(db, view.id)
    corrected = insp_service.correct(db, view.id)  # the correction carries the photos over
    [copy] = svc.list_photos(db, corrected.id)
    assert copy.room_number == room.room_number and copy.room_check_id != room.id and copy.editable


def test_expand_inputs(tmp_path: Path) -> None:
    folder = tmp_path / "DCIM"
    folder.mkdir()
    fx.jpeg(folder / "b.JPG")
    fx.png(folder / "a.png")
    (folder / "notes.txt").write_text("x")
    (folder / "._b.JPG").write_bytes(b"\x00\x05\x16\x07")  # AppleDouble file a Mac leaves on a card
    single = fx.jpeg(tmp_path / "one.jpg")
    assert [p.name for p in svc.expand_inputs([folder, single])] == ["a.png", "b.JPG", "one.jpg"]


def test_image_of_every_mode_gets_a_thumbnail(
    db: Database, store: PhotoStore, inspection_id: str, tmp_path: Path
) -> None:
    paths = []
    for i, mode in enumerate(["1", "L", "P", "RGBA", "LA", "I", "F"]):
        im = Image.new(mode, (20, 10))
        path = tmp_path / f"m{i}.{'tif' if mode in ('I', 'F') else 'png'}"
        im.save(path)
        paths.append(path)
    outcomes = svc.attach_files(db, store, inspection_id, paths)
    assert [o.status for o in outcomes] == ["ok"] * len(paths), [o.message for o in outcomes]
