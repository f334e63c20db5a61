"""Writing files so that a failure never leaves half a file: write beside, flush to disk, then rename.

The rename goes through :func:`replace_file`, which waits a moment when Windows refuses it because another
program (Excel/WPS, an antivirus, OneDrive) has the target open, and then says so, naming the program when
Windows' Restart Manager can tell, instead of reporting a missing write permission.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from hoteltv.errors import HoteltvError


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[IO[bytes]]:
    """Yield a temporary file next to ``path``; it replaces ``path`` only if the block succeeds."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise HoteltvError(f"{path}: 无法写入 (cannot write: {exc.strerror or exc})") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~umask())  # mkstemp makes 0600; a saved file gets the usual permissions
        replace_file(tmp, path)
        fsync_dir(path.parent)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise HoteltvError(
                f"{path}: 写入失败,原文件未改动 (write failed, nothing changed: {exc.strerror or exc})"
            ) from exc
        raise


#: Windows error codes of a file another program holds open: access denied (what a rename over a file open
#: without FILE_SHARE_DELETE gives), sharing violation, lock violation.
_HELD_WINERRORS = frozenset({5, 32, 33})
#: Pauses between attempts (seconds): an antivirus scan or a OneDrive upload usually ends within them.
REPLACE_DELAYS = (0.1, 0.2, 0.4, 0.8)


class FileInUseError(HoteltvError):
    """A file could not be replaced because another program holds it open (Windows only)."""

    def __init__(self, path: Path, holders: Sequence[str] = ()) -> None:
        if holders:
            who = "、".join(holders)
            zh, en = f"文件正被 {who} 占用", f"the file is held open by {who}"
        else:
            zh = "文件正被其他程序占用(Excel/WPS、杀毒软件或 OneDrive 同步)"
            en = "the file is held open by another program — Excel/WPS, an antivirus or OneDrive"
        super().__init__(
            f"{path}: {zh},请关闭该文件或稍候再试,原文件未改动 ({en}; close it or wait a moment and try "
            f"again; the file was not changed)"
        )
        self.path = path
        self.holders = tuple(holders)


def is_held_by_other_program(exc: OSError, *, windows: bool | None = None) -> bool:
    """Whether ``exc`` is Windows refusing a rename because the file is open elsewhere.

    ``windows`` defaults to whether this is Windows; there a plain ``PermissionError`` (errno EACCES)
    almost always means exactly that, while on POSIX it means a real missing permission.
    """
    if getattr(exc, "winerror", None) in _HELD_WINERRORS:
        return True
    if windows is None:
        windows = os.name == "nt"
    return windows and isinstance(exc, PermissionError)


def replace_file(
    src: str | os.PathLike[str], dst: str | os.PathLike[str], *, windows: bool | None = None
) -> None:
    """``os.replace(src, dst)``, retried for about 1.5 s while another program holds ``dst`` (or ``src``).

    Raises :class:`FileInUseError` (naming ``dst``) when it is still held after the last attempt; any
    other ``OSError`` is raised unchanged, at once.
    """
    for delay in (*REPLACE_DELAYS, None):
        try:
            os.replace(src, dst)
            return
        except OSError as exc:
            if not is_held_by_other_program(exc, windows=windows):
                raise
            if delay is None:
                holders = _holders(Path(dst)) or _holders(Path(src))
                raise FileInUseError(Path(dst), holders) from exc
            _sleep(delay)


_sleep = time.sleep  # tests replace it to run without waiting


def _holders(path: Path) -> list[str]:
    """Names of the programs that have ``path`` open, from the Windows Restart Manager (what Explorer's
    "file in use" dialog asks); empty elsewhere or when it cannot tell."""
    if sys.platform != "win32":
        return []
    try:
        import ctypes

        return restart_manager_list(ctypes.WinDLL("rstrtmgr"), path)
    except (OSError, AttributeError, ValueError):
        return []


def restart_manager_list(rm: Any, path: Path) -> list[str]:
    """The Restart Manager's list of programs holding ``path``; ``rm`` is ``rstrtmgr.dll`` (a test passes
    a stand-in: the calls and structures are the same)."""
    import ctypes
    from ctypes import wintypes

    class UniqueProcess(ctypes.Structure):
        _fields_ = [("pid", wintypes.DWORD), ("start", wintypes.FILETIME)]

    class ProcessInfo(ctypes.Structure):
        _fields_ = [
            ("process", UniqueProcess),
            ("app_name", ctypes.c_wchar * 256),  # CCH_RM_MAX_APP_NAME + 1
            ("service_name", ctypes.c_wchar * 64),  # CCH_RM_MAX_SVC_NAME + 1
            ("app_type", ctypes.c_int),
            ("app_status", wintypes.ULONG),
            ("session_id", wintypes.DWORD),
            ("restartable", wintypes.BOOL),
        ]

    session = wintypes.DWORD()
    key = ctypes.create_unicode_buffer(33)  # CCH_RM_SESSION_KEY + 1
    if rm.RmStartSession(ctypes.byref(session), 0, key) != 0:
        return []
    try:
        files = (wintypes.LPCWSTR * 1)(str(path))
        if rm.RmRegisterResources(session, 1, files, 0, None, 0, None) != 0:
            return []
        needed, count, reasons = wintypes.UINT(0), wintypes.UINT(0), wintypes.DWORD(0)
        result = rm.RmGetList(session, ctypes.byref(needed), ctypes.byref(count), None, ctypes.byref(reasons))
        if result not in (0, 234) or needed.value == 0:  # 234: ERROR_MORE_DATA, the expected answer
            return []
        infos = (ProcessInfo * needed.value)()
        count.value = needed.value
        if (
            rm.RmGetList(session, ctypes.byref(needed), ctypes.byref(count), infos, ctypes.byref(reasons))
            != 0
        ):
            return []
        return sorted({info.app_name for info in infos[: count.value] if info.app_name})
    finally:
        rm.RmEndSession(session)


def flush_many(fds: list[int], folders: set[Path] | None = None) -> None:
    """Make the data of many open files (and, when given, renames in ``folders``) durable at once.

    On Linux one ``sync()`` does it: it writes everything out and waits, which costs about what a single
    ``fsync`` does, where an ``fsync`` per file costs milliseconds each (a photo batch of hundreds of
    files). Elsewhere each file is flushed on its own, several at a time (the disk groups them), and each
    folder with :func:`fsync_dir`."""
    if sys.platform.startswith("linux"):
        os.sync()
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(os.fsync, fds))
        list(pool.map(fsync_dir, sorted(folders or ())))


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX); Windows cannot open a folder and NTFS journals renames."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def umask() -> int:
    """The process's file-creation mask (read without changing it)."""
    current = os.umask(0)
    os.umask(current)
    return current


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_output(path) as fh:
        fh.write(data)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
