"""The archive format under backups and bundles: hostile zips (bomb, traversal, duplicate member, wrong
hash, no manifest, hand-edited manifest) are refused with a message naming the problem, and a refused
restore or import changes nothing; both manifest shapes read; the bomb guard's three limits."""

from __future__ import annotations

import hashlib
import json
import shutil
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hoteltv import archive
from hoteltv.backup import BackupError, Manifest, restore_backup, verify_backup
from hoteltv.db.engine import Database
from hoteltv.db.models import Hotel
from hoteltv.photos.store import PhotoStore
from hoteltv.sync.bundle import BundleManifest, BundleRefused, import_local, read_bundle

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
Items = list[tuple[str, bytes]]


def _items(src: Path) -> Items:
    with zipfile.ZipFile(src) as zf:
        return [(n, zf.read(n)) for n in zf.namelist()]


def _pack(dest: Path, items: Items, *, fix_manifest: bool = True) -> Path:
    """Write ``items`` as a zip; the manifest lists every other item with its true size and hash."""
    manifest = json.loads(dict(items)["manifest.json"]) if fix_manifest else None
    if manifest is not None:
        listed = [
            {"path": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
            for n, d in items
            if n != "manifest.json"
        ]
        if isinstance(manifest["entries"], dict):
            manifest["entries"] = {e.pop("path"): e for e in listed}
        else:
            manifest["entries"] = listed
    with warnings.catch_warnings(), zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        warnings.simplefilter("ignore")  # "Duplicate name": wanted here
        for n, d in items:
            if n == "manifest.json" and manifest is not None:
                d = json.dumps(manifest).encode()
            zf.writestr(n, d)
    return dest


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def target(tmp_path: Path) -> Path:
    """A data folder restored from the legacy backup (a restore with --force would replace it)."""
    home = tmp_path / "target"
    restore_backup(home, FIXTURES / "legacy_backup.zip")
    return home


def _backup_refused(target: Path, bad: Path, words: str) -> None:
    before = _files(target)
    with pytest.raises(BackupError, match=words) as info:
        restore_backup(target, bad, force=True)
    assert bad.name in str(info.value) and "nothing was changed" in str(info.value)
    assert _files(target) == before


def _bundle_refused(tmp_path: Path, bad: Path, words: str) -> None:
    home = tmp_path / "office"
    db = Database.open(home)
    try:
        store = PhotoStore.for_home(home)
        before = _files(home / "photos") if (home / "photos").exists() else {}
        with pytest.raises(BundleRefused, match=words) as info:
            import_local(db, store, bad)
        assert bad.name in str(info.value)
        with db.reading() as s:
            assert s.scalar(select(func.count()).select_from(Hotel)) == 0
        assert (_files(home / "photos") if (home / "photos").exists() else {}) == before
    finally:
        db.close()


def _with(name: str, data: bytes) -> Callable[[Items], Items]:
    return lambda items: [*items, (name, data)]


def _replace(prefix: str, data: bytes) -> Callable[[Items], Items]:
    return lambda items: [(n, data if n.startswith(prefix) else d) for n, d in items]


HOSTILE: list[tuple[str, Callable[[Items], Items], bool, str]] = [
    # (what, edit, manifest fixed up to match, words expected in the message)
    ("traversal", _with("../../evil.txt", b"x"), True, "unsafe path"),
    ("absolute", _with("/etc/evil", b"x"), True, "unsafe path"),
    ("drive letter", _with("C:/evil", b"x"), True, "unsafe path"),
    ("backslash", _with("photos\\..\\evil", b"x"), True, "unsafe path"),
    ("duplicate", lambda items: [*items, items[0]], False, "appears twice"),
    ("wrong size", _replace("photos/", b"not the photo"), False, "altered"),
    (
        "wrong hash",
        lambda items: [(n, bytes([d[0] ^ 1]) + d[1:] if n.startswith("photos/") else d) for n, d in items],
        False,
        "SHA-256",
    ),
    ("unlisted", _with("photos/extra", b"x"), False, "not in its manifest"),
    ("no manifest", lambda items: [(n, d) for n, d in items if n != "manifest.json"], False, "no manifest"),
]


@pytest.mark.parametrize("what, edit, fix, words", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_backups_are_refused_and_change_nothing(
    target: Path, tmp_path: Path, what: str, edit: Callable[[Items], Items], fix: bool, words: str
) -> None:
    bad = _pack(tmp_path / f"{what}.zip", edit(_items(FIXTURES / "legacy_backup.zip")), fix_manifest=fix)
    _backup_refused(target, bad, words)


@pytest.mark.parametrize("what, edit, fix, words", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_bundles_are_refused_and_change_nothing(
    tmp_path: Path, what: str, edit: Callable[[Items], Items], fix: bool, words: str
) -> None:
    bad = _pack(tmp_path / f"{what}.zip", edit(_items(FIXTURES / "legacy_bundle.zip")), fix_manifest=fix)
    _bundle_refused(tmp_path, bad, words)


def test_a_zip_bomb_is_refused_from_its_directory(target: Path, tmp_path: Path) -> None:
    # 40 MB of zeros deflate about 1028:1; listed with its true size and hash, as a forger would.
    items = _replace("hoteltv.db", bytes(40 << 20))(_items(FIXTURES / "legacy_backup.zip"))
    bad = _pack(tmp_path / "bomb.zip", items)
    _backup_refused(target, bad, "zip bomb")
    big = _pack(
        tmp_path / "big.zip",
        _with("photos/" + "0" * 64, bytes(65 << 20))(_items(FIXTURES / "legacy_bundle.zip")),
    )
    _bundle_refused(tmp_path, big, "larger than")


def test_a_hand_edited_manifest_names_what_is_wrong(target: Path, tmp_path: Path) -> None:
    items = _items(FIXTURES / "legacy_backup.zip")
    manifest = json.loads(dict(items)["manifest.json"])
    manifest["entries"][0]["size"] = "many"
    edited = [(n, json.dumps(manifest).encode() if n == "manifest.json" else d) for n, d in items]
    _backup_refused(target, _pack(tmp_path / "edited.zip", edited, fix_manifest=False), r"entries\[0\]\.size")
    manifest["format"] = "hoteltv-bundle/1"
    edited = [(n, json.dumps(manifest).encode() if n == "manifest.json" else d) for n, d in items]
    _backup_refused(
        target, _pack(tmp_path / "format.zip", edited, fix_manifest=False), "expected 'hoteltv-backup/1'"
    )


def test_bomb_guard_limits() -> None:
    def info(name: str, size: int, compressed: int) -> zipfile.ZipInfo:
        i = zipfile.ZipInfo(name)
        i.file_size, i.compress_size = size, compressed
        return i

    limits = archive.ZipLimits(members=3, total=1000, ratio=10, ratio_from=100)
    archive.check_bomb([info("a", 90, 1), info("b", 500, 50)], limits)  # small entries: no ratio check
    with pytest.raises(archive.ArchiveProblem, match="4 entries, more than 3"):
        archive.check_bomb([info(str(i), 1, 1) for i in range(4)], limits)
    with pytest.raises(archive.ArchiveProblem, match="compressed 11:1"):
        archive.check_bomb([info("b", 110, 10)], limits)
    with pytest.raises(archive.ArchiveProblem, match="more than 0 MB uncompressed"):
        archive.check_bomb([info("a", 600, 600), info("b", 600, 600)], limits)


@pytest.mark.parametrize(
    "name, ok",
    [
        ("photos/ab/cd", True),
        ("hoteltv.db", True),
        ("", False),
        ("../x", False),
        ("a/../x", False),
        ("./x", False),
        ("/x", False),
        ("C:x", False),
        ("a\\b", False),
        ("a//b", False),
        ("a\x00", False),
    ],
)
def test_safe_names(name: str, ok: bool) -> None:
    assert archive.safe_name(name) is ok


def test_both_manifest_shapes_read_and_each_format_writes_its_own(tmp_path: Path) -> None:
    backup = Manifest.parse(dict(_items(FIXTURES / "legacy_backup.zip"))["manifest.json"])
    bundle = BundleManifest.parse(dict(_items(FIXTURES / "legacy_bundle.zip"))["manifest.json"])
    assert isinstance(json.loads(backup.to_json())["entries"], list)
    assert isinstance(json.loads(bundle.to_json())["entries"], dict)
    # The list shape reads as a bundle manifest too: the same entries.
    as_list = json.loads(bundle.to_json())
    as_list["entries"] = [{"path": p, **m} for p, m in as_list["entries"].items()]
    assert BundleManifest.parse(json.dumps(as_list).encode()).entries == bundle.entries
    assert backup.db_schema and json.loads(backup.to_json())["schema"] == backup.db_schema


def test_a_copied_fixture_still_verifies_and_reads(tmp_path: Path) -> None:
    copy = shutil.copy(FIXTURES / "legacy_backup.zip", tmp_path / "备份 #1.zip")
    assert verify_backup(Path(copy)).counts["hotels"] == 3
    assert read_bundle(FIXTURES / "legacy_bundle.zip").photos
