"""Copying a live SQLite database: one routine for the backup, the copy kept before a migration, and
the SQLite ``file:`` URIs they read through.

SQLite's online backup API copies a consistent state while another connection writes. The source is
opened read-only through a ``file:`` URI (so a read-only data folder can still be copied); the copy is a
standalone file (``journal_mode=DELETE``: no ``-wal``/``-shm`` beside it).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path, PurePath, PureWindowsPath
from urllib.parse import quote

from hoteltv.io.files import replace_file


def sqlite_file_uri(path: PurePath, query: str = "mode=ro") -> str:
    """An SQLite ``file:`` URI for the absolute ``path`` that SQLite reads back as that very file.

    ``Path.as_uri()`` is not one: a Windows share (``\\\\server\\share\\…``) becomes ``file://server/share/…``,
    whose authority SQLite refuses. Here the authority is always empty, so a share keeps its two leading
    slashes (``file:////server/share/…``, which SQLite's URI parser turns back into ``//server/share/…``),
    a drive path reads ``file:///C:/…``, and every byte that could end the path early or be decoded
    (``%``, ``#``, ``?``, spaces, Chinese characters) is percent-encoded as UTF-8.
    """
    text = path.as_posix()
    if isinstance(path, PureWindowsPath) and text[:2] != "//":
        text = "/" + text  # C:/… -> /C:/…
    return f"file://{quote(text, safe='/:')}?{query}"


def connect_readonly(path: Path, query: str = "mode=ro", timeout: float = 5.0) -> sqlite3.Connection:
    """A read-only connection (``immutable=1`` in ``query`` for a folder where SQLite cannot write)."""
    return sqlite3.connect(sqlite_file_uri(path.resolve(), query), uri=True, timeout=timeout)


def copy_database(src: Path, dest: Path, *, immutable: bool = False) -> None:
    """A consistent, standalone copy of the database ``src`` written to ``dest`` (read-only on the source)."""
    with (
        closing(connect_readonly(src, "immutable=1" if immutable else "mode=ro", timeout=30)) as source,
        closing(sqlite3.connect(str(dest))) as target,
    ):
        source.backup(target)
        # A standalone file: no -wal/-shm beside it (the copy inherits the source's WAL mode).
        target.execute("PRAGMA journal_mode=DELETE")


def backup_sqlite(src: Path, dest: Path) -> Path:
    """:func:`copy_database` to ``dest`` by way of a temporary file beside it, renamed into place: a crash
    mid-copy must not leave half a database under the copy's name (the crash campaign found one)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.part")
    tmp.unlink(missing_ok=True)
    Path(f"{tmp}-journal").unlink(missing_ok=True)
    try:
        copy_database(src, tmp)
        replace_file(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)  # e.g. the disk filled up: no half copy left behind
        raise
    return dest
