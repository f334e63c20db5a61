"""``hoteltv backup`` / ``restore`` and the daily rotation: round trip, refusals that change nothing,
atomic writes, a database in use, database-only backups."""

from __future__ import annotations

import errno
import hashlib
import json
import shutil
import sqlite3
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from hoteltv import archive
from hoteltv.backup import (
    BackupError,
    create_backup,
    daily_backups,
    ensure_daily_backup,
    restore_backup,
    verify_backup,
)
from hoteltv.cli import main
from hoteltv.db.engine import DB_FILENAME, Database
from hoteltv.photos.store import PhotoStore
from hoteltv.services import hotels as hotel_service
from hoteltv.services.photos import attach_files, check_store
from hoteltv.services.setup import open_home
from tests.core import photo_fixtures as fx


def _make_home(home: Path, tmp: Path, *, hotel: str = "备份前的酒店", photos: int = 2) -> str:
    """A data folder with a draft inspection, ``photos`` photos and one extra hotel; returns the draft id."""
    db, settings, divisions = open_home(home)
    try:
        settings.set("authority", "测试局")
        view = fx.draft_inspection(db, divisions)
        hotel_service.create_hotel(
            db, hotel_service.HotelInput(name=hotel, division_code="隆阳区"), divisions
        )
        files = [fx.jpeg(tmp / f"{hotel}-{i}.jpg", seed=i + len(hotel)) for i in range(photos)]
        outcomes = attach_files(db, PhotoStore.for_home(home), view.id, files)
        assert all(o.ok for o in outcomes), [o.message for o in outcomes]
        return view.id
    finally:
        db.close()


def _state(home: Path) -> tuple[list[str], list[str]]:
    """Hotel names and photo hashes of a data folder (opened read-only through the product)."""
    db = Database.open(home)
    try:
        names = sorted(h.name for h in hotel_service.list_hotels(db))
        with db.reading() as s:
            shas = sorted(r[0] for r in s.execute(text("SELECT sha256 FROM photos")))
        return names, shas
    finally:
        db.close()


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes (to prove a refused restore changed nothing)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _rewrite(src: Path, dest: Path, edit: dict[str, bytes | None], *, fix_manifest: bool) -> None:
    """Copy a backup zip changing entries (None drops one); optionally recompute the manifest's hashes."""
    with zipfile.ZipFile(src) as zin:
        items = {n: zin.read(n) for n in zin.namelist()}
    manifest = json.loads(items.pop("manifest.json"))
    for name, data in edit.items():
        if data is None:
            items.pop(name, None)
        else:
            items[name] = data
    if fix_manifest:
        manifest["entries"] = [
            {"path": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()} for n, d in items.items()
        ]
    with zipfile.ZipFile(dest, "w") as zout:
        for name, data in items.items():
            zout.writestr(name, data)
        zout.writestr("manifest.json", json.dumps(manifest))


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two data folders (different devices) made once; tests work on copies."""
    root = tmp_path_factory.mktemp("backup-templates")
    _make_home(root / "source", root)
    _make_home(root / "target", root, hotel="目标酒店", photos=1)
    return {"source": root / "source", "target": root / "target"}


def _copy(template: Path, dest: Path) -> Path:
    shutil.copytree(template, dest)
    return dest


@pytest.fixture
def source(templates: dict[str, Path], tmp_path: Path) -> Path:
    return _copy(templates["source"], tmp_path / "source")


@pytest.fixture
def backup_file(source: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out" / "hoteltv-backup.zip"
    report = create_backup(source, out)
    assert report.problems == ()
    return out


# --- round trip -------------------------------------------------------------------------------------------


def test_backup_holds_database_settings_and_photos_with_hashes(backup_file: Path, source: Path) -> None:
    with zipfile.ZipFile(backup_file) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        for entry in manifest["entries"]:
            data = zf.read(entry["path"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["size"]
    assert {"manifest.json", "hoteltv.db", "settings.json"} <= names
    photos = [n for n in names if n.startswith("photos/originals/")]
    assert len(photos) == 2 and manifest["photos_included"] is True
    assert manifest["format"] == "hoteltv-backup/1" and manifest["counts"]["photos"] == 2
    assert not [p for p in backup_file.parent.iterdir() if p.name.endswith(".part")]
    assert verify_backup(backup_file).counts["hotels"] == 2


def test_restore_into_an_empty_folder_gives_the_same_records_and_photos(
    backup_file: Path, source: Path, tmp_path: Path
) -> None:
    target = tmp_path / "new-laptop"
    report = restore_backup(target, backup_file)
    assert report.aside is None and report.photos_added == 2 and report.photos_missing == ()
    assert _state(target) == _state(source)
    assert json.loads((target / "settings.json").read_text(encoding="utf-8"))["authority"] == "测试局"
    db = Database.open(target)
    try:
        assert db.integrity_problems() == []
        assert check_store(db, PhotoStore.for_home(target)).ok
    finally:
        db.close()
    assert not [p for p in target.iterdir() if p.name.startswith(".restore-")]


def test_restore_with_force_keeps_the_current_data_aside(
    backup_file: Path, source: Path, target: Path
) -> None:
    before = _state(target)
    with pytest.raises(BackupError, match="--force"):
        restore_backup(target, backup_file)
    assert _state(target) == before

    report = restore_backup(target, backup_file, force=True)
    assert report.aside is not None and report.aside.parent == target
    assert report.device_changed
    names, shas = _state(target)
    assert names == _state(source)[0]
    # The previous database is complete in the aside folder, and its photo stays in the shared store.
    with sqlite3.connect(report.aside / DB_FILENAME) as conn:
        assert ("目标酒店",) in conn.execute("SELECT name FROM hotels").fetchall()
    assert json.loads((report.aside / "settings.json").read_text(encoding="utf-8"))["authority"] == "测试局"
    for sha in before[1]:
        assert PhotoStore.for_home(target).verify(sha)


def test_a_database_only_backup_keeps_the_current_photo_store(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "db-only.zip"
    report = create_backup(source, out, include_photos=False)
    assert report.manifest.photos_included is False and report.manifest.photo_entries == []
    restored = restore_backup(source, out, force=True)
    assert restored.photos_missing == () and restored.photos_added == 0
    db = Database.open(source)
    try:
        assert check_store(db, PhotoStore.for_home(source)).ok
    finally:
        db.close()


# --- refusals change nothing ------------------------------------------------------------------------------


def _refused(target: Path, bad: Path, match: str, force: bool = True) -> None:
    before = _snapshot(target)
    with pytest.raises(BackupError, match=match) as info:
        restore_backup(target, bad, force=force)
    assert "nothing was changed" in str(info.value)
    assert _snapshot(target) == before


@pytest.fixture
def target(templates: dict[str, Path], tmp_path: Path) -> Path:
    return _copy(templates["target"], tmp_path / "target")


def test_a_tampered_entry_is_refused(backup_file: Path, target: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(backup_file) as zf:
        db = bytearray(zf.read("hoteltv.db"))
    db[5000] ^= 0xFF
    bad = tmp_path / "tampered.zip"
    _rewrite(backup_file, bad, {"hoteltv.db": bytes(db)}, fix_manifest=False)
    _refused(target, bad, "altered")
    with pytest.raises(BackupError, match="altered"):
        verify_backup(bad)


def test_a_swapped_photo_is_refused(backup_file: Path, target: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(backup_file) as zf:
        photo = next(n for n in zf.namelist() if n.startswith("photos/"))
    bad = tmp_path / "photo.zip"
    _rewrite(backup_file, bad, {photo: fx.jpeg_bytes(seed=99)}, fix_manifest=False)
    _refused(target, bad, "altered")


def test_a_truncated_file_is_refused(backup_file: Path, target: Path, tmp_path: Path) -> None:
    data = backup_file.read_bytes()
    for cut in (len(data) // 2, len(data) - 10):
        bad = tmp_path / f"truncated-{cut}.zip"
        bad.write_bytes(data[:cut])
        _refused(target, bad, "damaged or truncated")


def test_foreign_files_are_refused(target: Path, tmp_path: Path) -> None:
    text = tmp_path / "notes.zip"
    text.write_text("这不是备份", encoding="utf-8")
    _refused(target, text, "not a hoteltv backup")
    other = tmp_path / "photos.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("IMG_0001.jpg", fx.jpeg_bytes())
    _refused(target, other, "no manifest")
    wrong = tmp_path / "wrong-format.zip"
    with zipfile.ZipFile(wrong, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": "something-else/1", "entries": []}))
    _refused(target, wrong, "not a valid hoteltv backup")
    with pytest.raises(BackupError, match="cannot read"):
        restore_backup(target, tmp_path / "missing.zip", force=True)


def test_entries_outside_the_manifest_or_the_layout_are_refused(
    backup_file: Path, target: Path, tmp_path: Path
) -> None:
    extra = tmp_path / "extra.zip"
    _rewrite(backup_file, extra, {"photos/originals/../../evil.txt": b"x"}, fix_manifest=False)
    _refused(target, extra, "unsafe path")
    unlisted = tmp_path / "unlisted.zip"
    _rewrite(backup_file, unlisted, {"photos/originals/extra.txt": b"x"}, fix_manifest=False)
    _refused(target, unlisted, "not in its manifest")
    escape = tmp_path / "escape.zip"
    _rewrite(backup_file, escape, {"../../evil.txt": b"x"}, fix_manifest=True)
    _refused(target, escape, "unexpected entry")
    assert not (tmp_path / "evil.txt").exists()
    missing = tmp_path / "no-db.zip"
    _rewrite(backup_file, missing, {"hoteltv.db": None}, fix_manifest=True)
    _refused(target, missing, "no database")


def test_a_damaged_or_newer_database_inside_a_consistent_backup_is_refused(
    backup_file: Path, target: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(backup_file) as zf:
        db = zf.read("hoteltv.db")
    garbage = tmp_path / "garbage-db.zip"
    _rewrite(backup_file, garbage, {"hoteltv.db": b"SQLite format 3\x00" + b"\x07" * 4096}, fix_manifest=True)
    _refused(target, garbage, "database in the backup")

    newer = tmp_path / "newer.db"
    newer.write_bytes(db)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.close()
    future = tmp_path / "future.zip"
    _rewrite(backup_file, future, {"hoteltv.db": newer.read_bytes()}, fix_manifest=True)
    _refused(target, future, "newer hoteltv")


def test_restore_refuses_a_database_another_program_has_open(backup_file: Path, target: Path) -> None:
    db = Database.open(target)
    try:
        hotel_service.list_hotels(db)  # a live connection, as the GUI holds one
        with pytest.raises(BackupError, match="close hoteltv first"):
            restore_backup(target, backup_file, force=True)
        assert [h.name for h in hotel_service.list_hotels(db) if h.name == "目标酒店"]
    finally:
        db.close()
    assert not [p for p in target.iterdir() if p.name.startswith((".restore-", "before-restore-"))]


# --- writing is atomic ------------------------------------------------------------------------------------


def test_a_full_disk_while_writing_leaves_the_previous_backup_untouched(
    source: Path, backup_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = backup_file.read_bytes()
    calls = {"n": 0}
    real = archive.copy_hashed

    def full_after_first(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(archive, "copy_hashed", full_after_first)
    with pytest.raises(BackupError, match="disk full"):
        create_backup(source, backup_file)
    assert backup_file.read_bytes() == before
    assert sorted(p.name for p in backup_file.parent.iterdir()) == [backup_file.name]


def test_cancelling_writes_nothing(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "cancelled.zip"
    with pytest.raises(BackupError, match="cancelled"):
        create_backup(source, out, progress=lambda done, total, text: done < 1)
    assert not out.exists() and list(tmp_path.glob(".cancelled*")) == []


def test_a_damaged_original_is_left_out_and_reported(source: Path, tmp_path: Path) -> None:
    store = PhotoStore.for_home(source)
    sha = sorted(store.blobs())[0]
    path = store.path(sha)
    path.chmod(0o644)
    path.write_bytes(b"not the photo any more")
    report = create_backup(source, tmp_path / "partial.zip")
    assert len(report.problems) == 1 and sha[:16] in report.problems[0]
    assert len(report.manifest.photo_entries) == 1
    verify_backup(report.path)


def test_no_database_means_nothing_to_back_up(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="nothing to back up"):
        create_backup(tmp_path / "empty", tmp_path / "x.zip")
    assert ensure_daily_backup(tmp_path / "empty") is None


# --- the daily rotation -----------------------------------------------------------------------------------


def test_daily_backups_are_made_once_a_day_and_the_newest_seven_kept(source: Path) -> None:
    made = [ensure_daily_backup(source, today=date(2026, 3, d)) for d in range(1, 11)]
    assert all(m is not None for m in made)
    assert ensure_daily_backup(source, today=date(2026, 3, 10)) is None
    kept = [p.name for p in daily_backups(source)]
    assert kept == [f"daily-202603{d:02d}.zip" for d in range(4, 11)]
    manifest = verify_backup(daily_backups(source)[-1])
    assert manifest.photos_included is False and manifest.counts["hotels"] == 2
    assert ensure_daily_backup(source, keep=3, today=date(2026, 3, 11)) is not None
    assert [p.name for p in daily_backups(source)] == [f"daily-202603{d:02d}.zip" for d in (9, 10, 11)]


def test_a_daily_backup_restores(source: Path, tmp_path: Path) -> None:
    path = ensure_daily_backup(source, today=date(2026, 4, 1))
    assert path is not None
    target = tmp_path / "restored"
    restore_backup(target, path)
    assert _state(target)[0] == _state(source)[0]


# --- command line -----------------------------------------------------------------------------------------


def test_cli_backup_check_and_restore(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cli.zip"
    assert main(["--home", str(source), "backup", str(out)]) == 0
    assert "2 个照片文件" in capsys.readouterr().out
    assert main(["--home", str(source), "restore", "--check", str(out)]) == 0
    assert "verified" in capsys.readouterr().out
    assert main(["--home", str(source), "restore", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("hoteltv: ") and "--force" in err and "Traceback" not in err
    assert main(["--home", str(source), "restore", "--force", str(out)]) == 0
    assert "before-restore-" in capsys.readouterr().out
    bad = tmp_path / "bad.zip"
    bad.write_bytes(out.read_bytes()[:1000])
    assert main(["--home", str(source), "restore", "--force", str(bad)]) == 1
    assert "damaged or truncated" in capsys.readouterr().err
    assert main(["--home", str(tmp_path / "nothing"), "backup", str(out)]) == 1
    assert not (tmp_path / "nothing" / DB_FILENAME).exists()
