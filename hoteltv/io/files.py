"""Writing files so that a failure never leaves half a file: write beside, flush to disk, then rename.

The rename goes through :func:`replace_file`, which waits a moment when Windows refuses it because another
program (Excel/WPS, an antivirus, OneDrive) has the target open, and then says so instead of reporting a
missing write permission.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from hoteltv.errors import HoteltvError


@contextlib.contextmanager
def atomic_output(path: Path, mode: str = "wb") -> Iterator[IO[bytes]]:
    """Yield a temporary file next to ``path``; it replaces ``path`` only if the block succeeds."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise HoteltvError(f"{path}: 无法写入 (cannot write: {exc.strerror or exc})") from exc
    try:
        with os.fdopen(fd, mode) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a saved file gets the usual permissions
        replace_file(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise HoteltvError(
            f"{path}: 写入失败,原文件未改动 (write failed, nothing changed: {exc.strerror or exc})"
        ) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


#: Windows error codes of a file another program holds open: access denied (what a rename over a file open
#: without FILE_SHARE_DELETE gives), sharing violation, lock violation.
_HELD_WINERRORS = frozenset({5, 32, 33})
#: Pauses between attempts (seconds): an antivirus scan or a OneDrive upload usually ends within them.
REPLACE_DELAYS = (0.1, 0.2, 0.4, 0.8)


class FileInUseError(HoteltvError):
    """A file could not be replaced because another program holds it open (Windows only)."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path}: 文件正被其他程序占用(Excel/WPS、杀毒软件或 OneDrive 同步),请关闭该文件或稍候再试,"
            f"原文件未改动 (the file is held open by another program — Excel/WPS, an antivirus or OneDrive; "
            f"close it or wait a moment and try again; the file was not changed)"
        )
        self.path = path


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
                raise FileInUseError(Path(dst)) from exc
            _sleep(delay)


_sleep = time.sleep  # tests replace it to run without waiting


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


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_output(path) as fh:
        fh.write(data)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
