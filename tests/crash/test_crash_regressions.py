"""Regression tests for what the crash campaign found, each reproduced without killing a process."""

from __future__ import annotations

import sqlite3
import types
from pathlib import Path
from typing import Any

import pytest

import hoteltv.db.sqlite_copy as sqlite_copy_module
from hoteltv.db.sqlite_copy import backup_sqlite


class _DiesMidCopy:
    """A connection whose online backup stops after its first page, as a killed process would."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def backup(self, target: Any, **_kw: Any) -> None:
        def die(_status: int, _remaining: int, _total: int) -> None:
            raise KeyboardInterrupt

        self._conn.backup(getattr(target, "_conn", target), pages=1, progress=die)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def test_an_interrupted_pre_upgrade_backup_leaves_nothing_under_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by the ``migrate`` scenario: the copy made before an upgrade was written straight to its
    final name, so a kill mid-copy left ``hoteltv-before-….db`` half written (with a hot journal)."""
    src = tmp_path / "hoteltv.db"
    with sqlite3.connect(src) as conn:
        conn.execute("CREATE TABLE t (x BLOB)")
        conn.executemany("INSERT INTO t VALUES (?)", [(b"x" * 3000,) for _ in range(200)])
    conn.close()
    shim = types.SimpleNamespace(connect=lambda *a, **k: _DiesMidCopy(sqlite3.connect(*a, **k)))
    monkeypatch.setattr(sqlite_copy_module, "sqlite3", shim)
    dest = tmp_path / "backups" / "hoteltv-before-0002-20260101-120000.db"
    with pytest.raises(KeyboardInterrupt):
        backup_sqlite(src, dest)
    assert not dest.exists()
    assert list(dest.parent.glob("hoteltv-before-*")) == []

    monkeypatch.undo()
    backup_sqlite(src, dest)  # the next attempt replaces the leftover and writes a whole, standalone copy
    with sqlite3.connect(f"{dest.as_uri()}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 200
    conn.close()
    assert sorted(p.name for p in dest.parent.iterdir()) == [dest.name]
