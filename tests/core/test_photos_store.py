"""The content-addressed store: atomic originals, rebuildable caches, report copies, check and garbage."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

import pytest
from PIL import Image

from hoteltv.db.engine import Database
from hoteltv.domain.divisions import DivisionList
from hoteltv.errors import ValidationError
from hoteltv.photos import ingest
from hoteltv.photos import store as store_module
from hoteltv.photos.store import PhotoStore, StoreError
from hoteltv.services import photos as svc
from tests.core import photo_fixtures as fx


@pytest.fixture
def store(tmp_path: Path) -> PhotoStore:
    return PhotoStore(tmp_path / "photos")


def test_put_is_content_addressed_read_only_and_idempotent(store: PhotoStore, tmp_path: Path) -> None:
    src = fx.jpeg(tmp_path / "a.jpg")
    blob = store.put_bytes(src.read_bytes())
    assert blob.sha256 == hashlib.sha256(src.read_bytes()).hexdigest()
    assert blob.path == store.path(blob.sha256) == store.originals / blob.sha256[:2] / blob.sha256
    assert (
        blob.path.read_bytes() == src.read_bytes() and store.exists(blob.sha256) and store.verify(blob.sha256)
    )
    assert not blob.path.stat().st_mode & stat.S_IWUSR, "originals are read-only"
    again = store.put_bytes(src.read_bytes())
    assert again == blob and list(store.blobs()) == [blob.sha256]


def test_bad_hash_names_are_refused(store: PhotoStore) -> None:
    for bad in ("", "../../etc/passwd", "A" * 64, "0" * 63):
        with pytest.raises(StoreError):
            store.path(bad)


def test_full_disk_leaves_no_partial_blob(store: PhotoStore, monkeypatch: pytest.MonkeyPatch) -> None:
    data = fx.jpeg_bytes((200, 100))

    def half_then_full(fd: int, chunk: bytes | memoryview) -> None:
        os.write(fd, bytes(chunk[: len(chunk) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_module, "_write_file", half_then_full)
    with pytest.raises(StoreError) as err:
        store.put_bytes(data, name="boot.jpg")
    assert (
        err.value.reason == ingest.DISK_FULL
        and "boot.jpg" in str(err.value)
        and "disk full" in str(err.value)
    )
    assert list(store.blobs()) == [] and not list(store.originals.rglob("*.part"))


def test_a_damaged_blob_of_the_wrong_size_is_replaced_on_the_next_put(store: PhotoStore) -> None:
    data = fx.jpeg_bytes()
    blob = store.put_bytes(data)
    os.chmod(blob.path, 0o600)
    blob.path.write_bytes(data[:10])
    assert not store.verify(blob.sha256)
    store.put_bytes(data)
    assert store.verify(blob.sha256)


def test_put_many_stores_a_batch_with_one_flush(store: PhotoStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A photo batch on the server: every file written, flushed to disk together, renamed into place;
    one already there intact is left alone, a damaged one of the wrong size replaced."""
    blobs = [b"k" * 10, b"d" * 2000, b"n" * 70000]  # fixed: random ones share a folder 1 time in 256
    items = [(hashlib.sha256(b).hexdigest(), b) for b in blobs]
    assert items[1][0][:2] != items[2][0][:2]
    kept = store.put_bytes(blobs[0])
    damaged = store.put_bytes(blobs[1])
    os.chmod(damaged.path, 0o600)
    damaged.path.write_bytes(b"x")
    flushes: list[tuple[int, int]] = []
    real = store_module.flush_many

    def counting(fds: list[int], folders: set[Path] | None = None) -> None:
        flushes.append((len(fds), len(folders or ())))
        real(fds, folders)

    monkeypatch.setattr(store_module, "flush_many", counting)
    out = store.put_many(items)
    assert [b.sha256 for b in out] == [sha for sha, _ in items]
    assert flushes == [(2, 0), (0, 2)]  # the two new files' data once, then their folders once
    for sha, data in items:
        assert store.path(sha).read_bytes() == data and store.verify(sha)
        assert not store.path(sha).stat().st_mode & stat.S_IWUSR
    assert kept.path.stat().st_size == 10
    assert not list(store.originals.rglob("*.part"))


def test_put_many_on_a_full_disk_leaves_no_partial_blob(
    store: PhotoStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [(hashlib.sha256(b).hexdigest(), b) for b in (b"one", b"two")]
    calls = {"n": 0}

    def second_fails(fd: int, chunk: bytes | memoryview) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        os.write(fd, bytes(chunk))

    monkeypatch.setattr(store_module, "_write_file", second_fails)
    with pytest.raises(StoreError) as err:
        store.put_many(items)
    assert err.value.reason == ingest.DISK_FULL
    assert list(store.blobs()) == [] and not list(store.originals.rglob("*.part"))


def test_thumbnail_cache_is_rebuilt_on_demand(store: PhotoStore, tmp_path: Path) -> None:
    blob = store.put_bytes(fx.jpeg(tmp_path / "r.jpg", (600, 400), ex=fx.exif(orientation=6)).read_bytes())
    path = store.thumbnail(blob.sha256)
    with Image.open(path) as im:
        assert im.size == (171, 256)
    path.unlink()
    assert store.thumbnail(blob.sha256, 64).is_file()
    with Image.open(store.thumbnail(blob.sha256, 64)) as im:
        assert max(im.size) == 64
    assert store.thumbnail(blob.sha256) == path and path.is_file()


def test_report_copy_is_upright_downscaled_annotated_and_cached(store: PhotoStore, tmp_path: Path) -> None:
    src = fx.jpeg(tmp_path / "big.jpg", (4000, 3000), ex=fx.exif(orientation=6))
    blob = store.put_bytes(src.read_bytes())
    plain = store.report_copy(blob.sha256, None)
    with Image.open(plain) as im:
        assert im.size == (1200, 1600) and im.format == "JPEG"
        assert not im.getexif().get(0x0112), "no orientation tag left to apply twice"
    ann = {
        "version": 1,
        "shapes": [{"kind": "rect", "box": [0.1, 0.1, 0.9, 0.45], "color": "#00ff00", "width": 0.02}],
    }
    marked = store.report_copy(blob.sha256, ann, long_edge=800, quality=70)
    assert marked != plain
    with Image.open(marked) as im:
        assert im.size == (600, 800)
        r, g, b = im.convert("RGB").getpixel((300, round(0.1 * 800)))  # type: ignore[misc]
        assert g > 180 and r < 120, "the green rectangle is drawn in"
    assert store.report_copy(blob.sha256, ann, long_edge=800, quality=70) == marked
    assert store.verify(blob.sha256) and store.path(blob.sha256).read_bytes() == src.read_bytes()
    small = store.put_bytes(fx.jpeg_bytes((60, 40), seed=3))
    with Image.open(store.report_copy(small.sha256, {})) as im:
        assert im.size == (60, 40), "never enlarged"
    with pytest.raises(ValidationError):
        store.report_copy(blob.sha256, {"shapes": [{"kind": "blob"}]})


def test_report_copy_of_a_missing_blob(store: PhotoStore) -> None:
    with pytest.raises(StoreError, match="missing"):
        store.report_copy("a" * 64, None)


def test_drop_cache(store: PhotoStore) -> None:
    blob = store.put_bytes(fx.jpeg_bytes())
    thumb = store.thumbnail(blob.sha256)
    copy = store.report_copy(blob.sha256, None)
    store.drop_cache(blob.sha256)
    assert not thumb.exists() and not copy.exists() and store.exists(blob.sha256)


# --- check and garbage --------------------------------------------------------------------------------


def test_check_finds_missing_and_damaged_blobs(db: Database, divisions: DivisionList, tmp_path: Path) -> None:
    store = PhotoStore(tmp_path / "photos")
    view = fx.draft_inspection(db, divisions)
    outcomes = svc.attach_files(
        db, store, view.id, [fx.jpeg(tmp_path / f"{i}.jpg", seed=i) for i in range(3)]
    )
    shas = [o.photo.sha256 for o in outcomes if o.photo]
    assert svc.check_store(db, store).ok
    store.path(shas[0]).unlink()
    damaged = store.path(shas[1])
    os.chmod(damaged, 0o600)
    with open(damaged, "r+b") as fh:
        fh.seek(100)
        fh.write(b"\x00\x01")
    report = svc.check_store(db, store)
    assert not report.ok and report.checked == 3
    problems = {p.sha256: p for p in report.problems}
    assert problems[shas[0]].problem == "missing" and problems[shas[1]].problem == "mismatch"
    assert "0.jpg" in problems[shas[0]].photos[0] and view.record_number in problems[shas[0]].photos[0]


def test_garbage_is_only_what_no_live_photo_uses_and_is_removed_only_when_asked(
    db: Database, divisions: DivisionList, tmp_path: Path
) -> None:
    store = PhotoStore(tmp_path / "photos")
    view = fx.draft_inspection(db, divisions)
    a, b, c = (fx.jpeg(tmp_path / f"{n}.jpg", seed=i) for i, n in enumerate("abc"))
    oa, ob, oc = svc.attach_files(db, store, view.id, [a, b, c])
    assert oa.photo and ob.photo and oc.photo
    stray = store.put_bytes(b"not referenced by anything")
    svc.remove_photo(db, ob.photo.id)
    part = store.originals / "ab" / ".abc.part"
    part.parent.mkdir(parents=True, exist_ok=True)
    part.write_bytes(b"half")
    assert svc.garbage(db, store).empty, "nothing younger than an hour is garbage"
    found = svc.garbage(db, store, min_age=0)
    assert sorted(sha for sha, _ in found.blobs) == sorted([ob.photo.sha256, stray.sha256])
    assert found.leftovers == (part,) and found.total_bytes > 0
    assert store.exists(ob.photo.sha256), "listing removes nothing"
    # Between listing and removing, b is attached again: it must survive.
    svc.attach_files(db, store, view.id, [b])
    removed = svc.collect_garbage(db, store, found, min_age=0)
    assert removed == 2
    assert not store.exists(stray.sha256) and not part.exists()
    assert store.exists(ob.photo.sha256) and store.exists(oa.photo.sha256) and store.exists(oc.photo.sha256)
    assert svc.check_store(db, store).ok and svc.check_store(db, store).unreferenced == 0
