"""A full disk and a read-only data folder: a clear message, nothing half-written, the database sound.

Three ways in, from most to least real:

* a real full disk: a small tmpfs mounted for the test (needs root, as CI runs; skipped otherwise);
* a real read-only folder: a read-only bind mount as root, ``chmod`` otherwise (root ignores modes);
* SQLite's own errors without a device: ``PRAGMA max_page_count`` makes SQLite raise SQLITE_FULL
  ("database or disk is full") and ``PRAGMA query_only`` SQLITE_READONLY, exactly where a real device
  would; and ``OSError(ENOSPC)`` injected where a file write fails.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

import hoteltv.db.engine as engine_module
from hoteltv import config as config_module
from hoteltv.backup import BackupError, create_backup, restore_backup
from hoteltv.cli import main
from hoteltv.config import Settings
from hoteltv.db.engine import DB_FILENAME, Database
from hoteltv.domain.divisions import DivisionList
from hoteltv.errors import DatabaseError, HoteltvError
from hoteltv.io import files as files_module
from hoteltv.io.hotel_sheet import read_hotel_sheet
from hoteltv.io.tables import write_table
from hoteltv.photos import ingest
from hoteltv.photos.store import PhotoStore
from hoteltv.services import hotels as hotel_service
from hoteltv.services.photos import attach_files, check_store
from hoteltv.services.setup import ensure_divisions, open_home
from tests.core import photo_fixtures as fx

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX mounts and modes")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _content(path: Path) -> str:
    """A database's content as SQL (opening it may switch its journal mode, which changes bytes only)."""
    conn = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def _sheet(path: Path, rows: int, prefix: str = "满盘酒店") -> Path:
    write_table(
        path,
        ["酒店名称", "所属县区", "地址"],
        [[f"{prefix}{i:05d}", "隆阳区", "路" * 80] for i in range(rows)],
    )
    return path


def _sound(home: Path) -> Database:
    """Reopen a data folder normally and insist it is sound (integrity, foreign keys, photo store)."""
    db = Database.open(home)
    assert db.integrity_problems() == []
    assert check_store(db, PhotoStore.for_home(home)).ok
    return db


def _leftovers(folder: Path) -> list[str]:
    """Temporary files a failed write left behind (SQLite's own -wal/-shm are not leftovers)."""
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and (p.name.endswith((".part", ".part-journal")) or p.name.startswith(".settings-"))
    )


# --- SQLite's own "disk full" and "read-only" errors -------------------------------------------------------


def _limit(db: Database, pragma: str) -> None:
    """Apply ``pragma`` (a function of the current page count) to every new connection of ``db``."""
    db.engine.dispose()

    @event.listens_for(db.engine, "connect")
    def _apply(dbapi_conn: Any, _record: Any) -> None:
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(pragma.format(pages=pages))


def test_a_full_database_refuses_an_import_whole_and_stays_sound(
    tmp_path: Path, divisions: DivisionList
) -> None:
    home = tmp_path / "home"
    db = Database.open(home)
    ensure_divisions(db, divisions)
    hotel_service.create_hotel(
        db, hotel_service.HotelInput(name="已有的酒店", division_code="隆阳区"), divisions
    )
    sheet = read_hotel_sheet(_sheet(tmp_path / "big.csv", 2000), divisions)
    _limit(db, "PRAGMA max_page_count = {pages}")  # the disk fills up before this import fits
    with pytest.raises(DatabaseError, match="disk full"):
        hotel_service.import_hotels(db, sheet)
    db.close()
    db = _sound(home)
    assert [h.name for h in hotel_service.list_hotels(db)] == ["已有的酒店"]
    assert hotel_service.import_hotels(db, sheet).count("create") == 2000  # space again: it works
    db.close()


def test_a_read_only_database_says_so(tmp_path: Path, divisions: DivisionList) -> None:
    home = tmp_path / "home"
    db = Database.open(home)
    ensure_divisions(db, divisions)
    _limit(db, "PRAGMA query_only = ON")
    with pytest.raises(DatabaseError, match="read-only"):
        hotel_service.create_hotel(
            db, hotel_service.HotelInput(name="只读", division_code="隆阳区"), divisions
        )
    assert hotel_service.list_hotels(db) == []  # reading still works
    db.close()
    _sound(home).close()


# --- injected ENOSPC where files are written ------------------------------------------------------------------


def _enospc(*_args: Any, **_kwargs: Any) -> Any:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_settings_on_a_full_disk_keep_the_old_ones(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: a full disk made ``Settings.set`` raise a bare OSError (the GUI's "unexpected error")
    and leave ``.settings-*.json`` behind, with the new value kept in memory though not saved."""
    settings = Settings(home)
    settings.set("authority", "原来的局")
    monkeypatch.setattr(config_module.json, "dump", _enospc)
    with pytest.raises(HoteltvError, match="settings not saved"):
        settings.set("authority", "新的局")
    assert settings.get("authority") == "原来的局"
    assert Settings(home).get("authority") == "原来的局"
    assert _leftovers(home) == []


def test_an_export_on_a_full_disk_keeps_the_old_file(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "hotels.csv"
    out.write_text("旧文件", encoding="utf-8")
    monkeypatch.setattr(files_module.os, "fsync", _enospc)
    assert main(["--home", str(home), "hotels", "export", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("hoteltv: ") and "No space left" in err and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "旧文件"
    assert _leftovers(tmp_path) == []


def test_an_upgrade_whose_backup_fails_leaves_the_database_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: on a full disk the copy made before an upgrade raised a bare sqlite3 error (the
    CLI's "internal error") and left its temporary file behind."""
    home = tmp_path / "old"
    home.mkdir()
    oldest = sorted(FIXTURES.glob("schema_*.db"))[0]
    shutil.copy(oldest, home / DB_FILENAME)
    before = _content(home / DB_FILENAME)
    real = sqlite3.connect

    def full_target(database: str, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = real(database, *args, **kwargs)
        if str(database).endswith(".part"):
            conn.execute("PRAGMA max_page_count = 2")  # the copy runs out of room after two pages
        return conn

    monkeypatch.setattr(engine_module.sqlite3, "connect", full_target)
    assert main(["--home", str(home), "hotels", "list"]) == 1
    err = capsys.readouterr().err
    assert "database was not changed" in err and "internal error" not in err
    assert _content(home / DB_FILENAME) == before
    assert _leftovers(home) == [] and not (home / "logs").exists()
    monkeypatch.undo()
    db = _sound(home)  # with room again the upgrade goes through
    assert len(hotel_service.list_hotels(db)) == 40
    db.close()


# --- a real read-only data folder ----------------------------------------------------------------------------


@contextlib.contextmanager
def read_only(folder: Path, mountpoint: Path) -> Iterator[Path]:
    """``folder`` seen read-only: a read-only bind mount as root, file modes otherwise."""
    if os.geteuid() != 0:
        paths = [folder, *folder.rglob("*")]
        modes = {p: p.stat().st_mode for p in paths}
        for p in paths:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield folder
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    mountpoint.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command for a read-only bind mount")
    bind = subprocess.run(["mount", "--bind", str(folder), str(mountpoint)], capture_output=True)
    if bind.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {bind.stderr.decode(errors='replace').strip()}")
    try:
        ro = subprocess.run(["mount", "-o", "remount,ro,bind", str(mountpoint)], capture_output=True)
        if ro.returncode != 0:
            pytest.skip("cannot remount read-only here")
        yield mountpoint
    finally:
        subprocess.run(["umount", str(mountpoint)], capture_output=True)


@posix_only
def test_a_read_only_data_folder_is_named_as_such_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    db, _, divisions = open_home(home)
    hotel_service.create_hotel(
        db, hotel_service.HotelInput(name="只读目录里的酒店", division_code="隆阳区"), divisions
    )
    db.close()
    backup = create_backup(home, tmp_path / "elsewhere.zip").path
    before = {p.name: _sha(p) for p in home.iterdir() if p.is_file()}
    with read_only(home, tmp_path / "ro") as view:
        # Reading may work (when SQLite finds its -shm file) or be refused; writing is refused. Either
        # way the message names the read-only folder, not a damaged database.
        for command, may_work in ((["hotels", "list"], True), (["inspectors", "add", "王五", "5305"], False)):
            rc = main(["--home", str(view), *command])
            err = capsys.readouterr().err
            assert (rc == 0 and may_work) or (rc == 1 and "read-only" in err), (command, rc, err)
            assert "Traceback" not in err and "internal error" not in err and "not a usable" not in err
        # A backup can still be taken from it (e.g. from a write-protected stick) …
        copy = create_backup(view, tmp_path / "from-read-only.zip")
        assert copy.manifest.counts["hotels"] == 1
        # … but nothing can be restored into it, and the refusal says why.
        with pytest.raises(BackupError, match="not writable"):
            restore_backup(view, backup, force=True)
        with pytest.raises(HoteltvError, match="settings not saved"):
            Settings(view).set("authority", "只读")
    assert {p.name: _sha(p) for p in home.iterdir() if p.is_file()} == before
    _sound(home).close()


# --- a real full disk -------------------------------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs (root only): writes there really end in ENOSPC / SQLITE_FULL."""
    mountpoint = tmp_path / "tiny"
    mountpoint.mkdir()
    if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a real small disk needs root on Linux (CI runs as root)")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mountpoint)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True)


def _fill(disk: Path, leave: int = 0) -> Path:
    """Fill ``disk`` up, then give ``leave`` bytes back."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, b"\0" * 65536)
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, b"\0" * 512)
    finally:
        os.close(fd)
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def test_a_really_full_disk(tiny_disk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tiny_disk / "home"
    db, _settings, divisions = open_home(home)
    view = fx.draft_inspection(db, divisions)
    db.close()
    sheet = _sheet(tmp_path / "hotels.csv", 3000)
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(fx.jpeg_bytes(size=(60, 40), seed=5) + os.urandom(600_000))  # ~600 kB, a valid JPEG

    def refused(*command: str, match: str) -> None:
        assert main(["--home", str(home), *command]) == 1, command
        err = capsys.readouterr().err
        assert err.startswith("hoteltv: ") and match in err and "internal error" not in err, err

    # Not a byte left: SQLite cannot even make its -shm file, so opening fails, and must say why.
    filler = _fill(tiny_disk)
    refused("hotels", "list", match="disk is full")
    refused("backup", str(tiny_disk / "backup.zip"), match="disk full")
    with pytest.raises(HoteltvError, match="settings not saved"):
        Settings(home).set("authority", "满盘")
    # Room to open, not to import 3,000 hotels nor to store a 600 kB photo.
    filler.unlink()
    filler = _fill(tiny_disk, leave=200_000)
    refused("hotels", "import", str(sheet), match="disk full")
    db = Database.open(home)
    outcome = attach_files(db, PhotoStore.for_home(home), view.id, [photo])[0]
    db.close()
    assert outcome.status == "refused" and outcome.reason == ingest.DISK_FULL, outcome.message
    assert not (tiny_disk / "backup.zip").exists()
    assert _leftovers(tiny_disk) == []

    filler.unlink()
    db = _sound(home)
    assert [h.name for h in hotel_service.list_hotels(db)] == ["和顺测试酒店"]
    assert attach_files(db, PhotoStore.for_home(home), view.id, [photo])[0].ok
    db.close()


def test_an_upgrade_on_a_really_full_disk(tiny_disk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tiny_disk / "old"
    home.mkdir()
    shutil.copy(sorted(FIXTURES.glob("schema_*.db"))[0], home / DB_FILENAME)
    before = _content(home / DB_FILENAME)
    filler = _fill(tiny_disk, leave=100_000)  # the copy before the upgrade starts, and cannot finish
    assert main(["--home", str(home), "summary"]) == 1
    err = capsys.readouterr().err
    assert "database was not changed" in err and "internal error" not in err, err
    assert _content(home / DB_FILENAME) == before and _leftovers(home) == []
    filler.unlink()
    db = _sound(home)
    assert len(hotel_service.list_hotels(db)) == 40
    db.close()
