"""``hoteltv photos add|list`` and the photo part of ``hoteltv check [--gc] [--yes]``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hoteltv.cli import main
from hoteltv.photos.store import PhotoStore
from hoteltv.services import inspections as insp_service
from hoteltv.services.setup import open_home
from tests.core import photo_fixtures as fx


@pytest.fixture
def inspection(home: Path) -> insp_service.InspectionView:
    db, _, divisions = open_home(home)
    try:
        return fx.draft_inspection(db, divisions)
    finally:
        db.close()


def run(home: Path, *args: str) -> int:
    return main(["--home", str(home), *args])


def test_add_and_list(
    home: Path, inspection: insp_service.InspectionView, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "DCIM"
    folder.mkdir()
    fx.jpeg(folder / "IMG_1.jpg", seed=1, ex=fx.exif(gps=(25.1, 99.2), taken="2001:01:01 08:00:00"))
    fx.jpeg(folder / "IMG_2.jpg", seed=2)
    bad = tmp_path / "notes.jpg"
    bad.write_text("no")
    rc = run(
        home,
        "photos",
        "add",
        inspection.record_number,
        str(folder),
        str(bad),
        "--room",
        "301",
        "--item",
        "ads_seen",
        "--caption",
        "开机广告",
    )
    out, err = capsys.readouterr()
    assert rc == 1, "a refused file makes the exit status 1"
    assert "+ IMG_1.jpg" in out and "+ IMG_2.jpg" in out and "added 2" in out and "refused 1" in out
    assert "notes.jpg" in err and "not an image" in err

    assert run(home, "photos", "list", inspection.id[:8]) == 0
    out = capsys.readouterr().out
    assert "IMG_1.jpg" in out and "开机广告" in out and "301" in out and "25.10000,99.20000" in out
    assert "2001-01-01 08:00 (时间待确认)" in out
    assert "共 2 张" in out

    assert run(home, "photos", "list", inspection.id, "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["original_name"] for r in rows] == ["IMG_1.jpg", "IMG_2.jpg"]
    assert (
        rows[0]["room_number"] == "301"
        and rows[0]["item_key"] == "ads_seen"
        and rows[0]["flagged_time"] is True
    )
    assert rows[0]["gps"] == [25.1, 99.2] and rows[0]["annotated"] is False


def test_add_refuses_unknown_inspection_and_room(
    home: Path, inspection: insp_service.InspectionView, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = fx.jpeg(tmp_path / "a.jpg")
    assert run(home, "photos", "add", "JC-nope", str(photo)) == 1
    assert "no inspection" in capsys.readouterr().err
    assert run(home, "photos", "add", inspection.id, str(photo), "--room", "999") == 1
    err = capsys.readouterr().err
    assert "999" in err and "301" in err


def test_check_verifies_the_store_and_gc_asks_first(
    home: Path,
    inspection: insp_service.InspectionView,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run(
        home,
        "photos",
        "add",
        inspection.id,
        str(fx.jpeg(tmp_path / "a.jpg", seed=1)),
        str(fx.jpeg(tmp_path / "b.jpg", seed=2)),
    )
    capsys.readouterr()
    assert run(home, "check") == 0
    assert "2 个文件已校验" in capsys.readouterr().out

    store = PhotoStore.for_home(home)
    stray = store.put_bytes(b"an orphan blob")
    import os

    os.utime(store.path(stray.sha256), (0, 0))  # old enough to be collected
    assert run(home, "check") == 0
    assert "1 stored files are unused" in capsys.readouterr().out

    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert run(home, "check", "--gc") == 1, "without a terminal and without --yes nothing is removed"
    captured = capsys.readouterr()
    assert stray.sha256 in captured.out and "--yes" in captured.err and store.exists(stray.sha256)

    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert run(home, "check", "--gc") == 0
    assert store.exists(stray.sha256)
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert run(home, "check", "--gc") == 0
    assert not store.exists(stray.sha256) and "removed 1" in capsys.readouterr().out

    # A damaged original makes check fail and names the photo that uses it.
    victim = next(iter(store.blobs()))
    os.chmod(store.path(victim), 0o600)
    store.path(victim).write_bytes(b"changed")
    assert run(home, "check", "--gc", "--yes") == 1
    err = capsys.readouterr().err
    assert victim[:16] in err and inspection.record_number in err and "does not match" in err
