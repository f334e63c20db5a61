"""What Windows does to files, simulated here: a rename refused while Excel/WPS, an antivirus or OneDrive
holds the target (WinError 32/5), and backups whose paths are Windows shares or hold ``%``, ``#``, ``?``."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import pytest

from hoteltv import backup as backup_module
from hoteltv.backup import BackupError, create_backup, verify_backup
from hoteltv.config import Settings
from hoteltv.db.sqlite_copy import sqlite_file_uri
from hoteltv.errors import HoteltvError
from hoteltv.io import files
from hoteltv.io.files import FileInUseError, atomic_write_text, is_held_by_other_program, replace_file
from hoteltv.services.setup import open_home

_real_replace = os.replace


def _held(dst: Path | str, winerror: int = 32) -> PermissionError:
    """The error Windows raises when another program has the file open (``winerror`` set as Windows does)."""
    exc = PermissionError(13, "另一个程序正在使用此文件,进程无法访问。", str(dst))
    exc.winerror = winerror  # type: ignore[attr-defined]
    return exc


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(files, "_sleep", slept.append)
    return slept


def _holding(target: Path, times: int | None, winerror: int = 32) -> tuple[Callable[..., None], list[int]]:
    """An ``os.replace`` that refuses renames onto ``target`` ``times`` times (None: always)."""
    calls = [0]

    def fake(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == target:
            calls[0] += 1
            if times is None or calls[0] <= times:
                raise _held(dst, winerror)
        _real_replace(src, dst)

    return fake, calls


# --- the retrying rename ----------------------------------------------------------------------------------


def test_a_file_held_twice_is_replaced_on_the_third_attempt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_sleep: list[float]
) -> None:
    target = tmp_path / "检查记录.xlsx"
    target.write_text("旧")
    fake, calls = _holding(target, times=2)
    monkeypatch.setattr(os, "replace", fake)
    atomic_write_text(target, "新")
    assert target.read_text(encoding="utf-8") == "新"
    assert calls[0] == 3
    assert no_sleep == [0.1, 0.2]
    assert [p.name for p in tmp_path.iterdir()] == ["检查记录.xlsx"]


def test_a_file_held_for_good_gives_a_clear_message_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_sleep: list[float]
) -> None:
    target = tmp_path / "检查记录.xlsx"
    target.write_text("旧")
    fake, calls = _holding(target, times=None, winerror=5)
    monkeypatch.setattr(os, "replace", fake)
    with pytest.raises(FileInUseError) as info:
        atomic_write_text(target, "新")
    message = str(info.value)
    assert str(target) in message and "占用" in message and "Excel/WPS" in message and "OneDrive" in message
    assert "权限" not in message
    assert calls[0] == len(files.REPLACE_DELAYS) + 1
    assert sum(no_sleep) == pytest.approx(1.5)
    assert target.read_text() == "旧"
    assert [p.name for p in tmp_path.iterdir()] == ["检查记录.xlsx"]  # no temporary file left


def test_plain_permission_errors_are_held_files_only_under_windows() -> None:
    denied = PermissionError(13, "Permission denied", "x")
    assert not is_held_by_other_program(denied, windows=False)
    assert is_held_by_other_program(denied, windows=True)
    assert is_held_by_other_program(_held("x", 32), windows=False)
    assert not is_held_by_other_program(FileNotFoundError(2, "No such file"), windows=True)


def test_a_real_permission_problem_is_not_retried_on_posix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_sleep: list[float]
) -> None:
    def denied(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", denied)
    with pytest.raises(PermissionError):
        replace_file(tmp_path / "a", tmp_path / "b", windows=False)
    assert no_sleep == []
    with pytest.raises(FileInUseError):  # what Windows means by the same error
        replace_file(tmp_path / "a", tmp_path / "b", windows=True)


def test_settings_held_by_notepad_are_not_saved_and_say_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_sleep: list[float]
) -> None:
    settings = Settings(tmp_path)
    settings.set("authority", "甲局")
    fake, _ = _holding(settings.path, times=None)
    monkeypatch.setattr(os, "replace", fake)
    with pytest.raises(HoteltvError, match="设置未保存.*占用"):
        settings.set("authority", "乙局")
    assert settings.get("authority") == "甲局"
    assert Settings(tmp_path).get("authority") == "甲局"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]


class _FakeRestartManager:
    """``rstrtmgr.dll`` as Windows answers while Excel and an antivirus hold a file: the same calls, with
    the output parameters written through the pointers the code passes."""

    def __init__(self, holders: list[str]) -> None:
        self.holders = holders
        self.registered: list[str] = []
        self.ended = False

    def RmStartSession(self, handle: Any, flags: Any, key: Any) -> int:
        handle._obj.value = 7
        return 0

    def RmRegisterResources(
        self, handle: Any, n: Any, files: Any, n_apps: Any, apps: Any, n_svc: Any, svcs: Any
    ) -> int:
        assert handle.value == 7 and n == 1
        self.registered.append(files[0])
        return 0

    def RmGetList(self, handle: Any, needed: Any, count: Any, infos: Any, reasons: Any) -> int:
        needed._obj.value = len(self.holders)
        if infos is None:
            return 234  # ERROR_MORE_DATA
        assert count._obj.value >= len(self.holders)
        for i, name in enumerate(self.holders):
            infos[i].app_name = name
        count._obj.value = len(self.holders)
        return 0

    def RmEndSession(self, handle: Any) -> int:
        self.ended = True
        return 0


def test_the_restart_manager_names_the_programs_holding_a_file(tmp_path: Path) -> None:
    rm = _FakeRestartManager(["Microsoft Excel", "360安全卫士", "Microsoft Excel"])
    assert files.restart_manager_list(rm, tmp_path / "检查记录.xlsx") == ["360安全卫士", "Microsoft Excel"]
    assert rm.registered == [str(tmp_path / "检查记录.xlsx")] and rm.ended
    assert files.restart_manager_list(_FakeRestartManager([]), tmp_path / "x") == []


def test_the_message_names_the_holding_program_when_windows_can_tell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_sleep: list[float]
) -> None:
    target = tmp_path / "酒店名册.xlsx"
    fake, _ = _holding(target, times=None)
    monkeypatch.setattr(os, "replace", fake)
    monkeypatch.setattr(files, "_holders", lambda path: ["Microsoft Excel"] if path == target else [])
    with pytest.raises(FileInUseError, match="文件正被 Microsoft Excel 占用") as info:
        atomic_write_text(target, "x")
    assert info.value.holders == ("Microsoft Excel",)
    assert files._holders(target) == ["Microsoft Excel"]


# --- backups ----------------------------------------------------------------------------------------------


def test_sqlite_uris_for_windows_drives_and_shares() -> None:
    share = PureWindowsPath(r"\\server\共享\检查 数据\hoteltv.db")
    assert sqlite_file_uri(share) == (
        "file:////server/%E5%85%B1%E4%BA%AB/%E6%A3%80%E6%9F%A5%20%E6%95%B0%E6%8D%AE/hoteltv.db?mode=ro"
    )
    drive = PureWindowsPath(r"C:\Users\张三\数据%20#1\hoteltv.db")
    assert sqlite_file_uri(drive, "immutable=1") == (
        "file:///C:/Users/%E5%BC%A0%E4%B8%89/%E6%95%B0%E6%8D%AE%2520%231/hoteltv.db?immutable=1"
    )
    assert sqlite_file_uri(PurePosixPath("/a?b/c.db")) == "file:///a%3Fb/c.db?mode=ro"


def test_the_share_form_of_the_uri_opens_the_file(tmp_path: Path) -> None:
    """SQLite reads ``file:////x`` as the path ``//x`` (how a share keeps its two slashes); on POSIX ``//tmp``
    is ``/tmp``, so the very form a Windows share gets is opened here for real."""
    folder = tmp_path / "a?b%25#c"
    folder.mkdir()
    conn = sqlite3.connect(folder / "t.db")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    uri = sqlite_file_uri(PurePosixPath("/" + str(folder / "t.db")))
    assert uri.startswith("file:////")
    ro = sqlite3.connect(uri, uri=True)
    try:
        assert ro.execute("SELECT name FROM sqlite_master").fetchall() == [("t",)]
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            ro.execute("CREATE TABLE u (y)")
    finally:
        ro.close()
    with pytest.raises(sqlite3.OperationalError, match="authority"):  # what Path.as_uri() gave a share
        sqlite3.connect("file://server/share/t.db?mode=ro", uri=True)


@pytest.fixture
def odd_home(tmp_path: Path) -> Path:
    home = tmp_path / "数据?100%#备份"
    db, settings, _ = open_home(home)
    settings.set("authority", "测试局")
    db.close()
    return home


def test_a_backup_of_a_folder_named_with_question_mark_percent_and_hash(
    odd_home: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "备份 #1?" / "b.zip"
    report = create_backup(odd_home, dest)
    assert verify_backup(dest).schema == report.manifest.schema is not None


def test_a_backup_target_held_by_another_program_is_retried_then_explained(
    odd_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_sleep: list[float]
) -> None:
    dest = tmp_path / "备份.zip"
    fake, _ = _holding(dest, times=2)
    monkeypatch.setattr(os, "replace", fake)
    create_backup(odd_home, dest)  # held twice: written at the third attempt
    before = dest.read_bytes()
    fake, _ = _holding(dest, times=None)
    monkeypatch.setattr(os, "replace", fake)
    with pytest.raises(BackupError) as info:
        create_backup(odd_home, dest)
    assert "占用" in str(info.value) and "没有写入权限" not in str(info.value)
    assert dest.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_sharing_violation_while_opening_is_not_called_a_missing_permission() -> None:
    err = backup_module._explain(_held("x.zip", 32), "写入备份", "writing the backup")
    assert "占用" in str(err) and "没有写入权限" not in str(err)
    denied = backup_module._explain(PermissionError(13, "denied"), "写入备份", "writing the backup")
    assert "没有写入权限" in str(denied)


def test_an_unreadable_snapshot_is_a_backup_error(
    odd_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: Path) -> object:
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(backup_module, "_database_facts", broken)
    with pytest.raises(BackupError, match="数据库无法读取"):
        create_backup(odd_home, tmp_path / "b.zip")
    assert not (tmp_path / "b.zip").exists()


# --- the GUI's log under pythonw ----------------------------------------------------------------------------


def test_pythonw_streams_get_the_null_device_and_the_log_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logging
    import sys

    from hoteltv.logfile import ensure_std_streams, log_to_file

    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    assert ensure_std_streams() is True
    sys.stderr.write("nothing fails\n")
    assert ensure_std_streams() is False
    blocked = tmp_path / "只读"
    blocked.write_text("a file where the logs folder should go")
    assert log_to_file(blocked) is None  # the program runs on without a log file
    root = logging.getLogger()
    path = log_to_file(tmp_path)
    try:
        assert path == tmp_path / "logs" / "hoteltv-gui.log"
        logging.getLogger("hoteltv.test").info("同步完成 %d", 3)
        for handler in root.handlers:
            handler.flush()
        assert "同步完成 3" in path.read_text(encoding="utf-8")
    finally:
        for handler in root.handlers[:]:
            if isinstance(handler, logging.FileHandler) and handler.baseFilename == str(path):
                root.removeHandler(handler)
                handler.close()
