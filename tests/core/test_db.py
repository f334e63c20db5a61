"""The database layer: opening, pragmas, migrations, refusing foreign or newer files, integrity check."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from hoteltv.db.engine import DB_FILENAME, Database, head_revision
from hoteltv.db.models import Base, Meta
from hoteltv.errors import DatabaseError, DatabaseTooNewError


def test_fresh_database_is_at_head_with_pragmas(tmp_path: Path) -> None:
    db = Database.open(tmp_path)
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
    assert db.integrity_problems() == []
    db.close()


def test_migrations_build_exactly_the_models() -> None:
    db = Database.in_memory()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_device_id_is_kept_across_opens(tmp_path: Path) -> None:
    first = Database.open(tmp_path)
    device = first.device_id
    first.close()
    again = Database.open(tmp_path)
    assert again.device_id == device
    again.close()


def test_newer_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    db = Database.open(tmp_path)
    db.close()
    path = tmp_path / DB_FILENAME
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNewError, match="newer"):
        Database.open(tmp_path)
    assert path.read_bytes() == before


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / DB_FILENAME
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE something_else (x INTEGER)")
    with pytest.raises(DatabaseError, match="not a hoteltv database"):
        Database.open(tmp_path)


def test_garbage_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / DB_FILENAME).write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(DatabaseError):
        Database.open(tmp_path)


def test_transaction_rolls_back_on_error(db: Database) -> None:
    from hoteltv.db.models import Meta

    with pytest.raises(RuntimeError), db.transaction() as s:
        s.add(Meta(key="x", value="1"))
        s.flush()
        raise RuntimeError("boom")
    assert db.get_meta("x") is None


def test_the_quick_head_read_from_the_files_is_alembics_head() -> None:
    """Opening an up-to-date database skips Alembic (slow to import) on the strength of this."""
    from hoteltv.db.engine import quick_head

    assert quick_head() == head_revision()


def test_a_write_that_read_first_waits_its_turn_when_another_connection_writes_meanwhile(
    tmp_path: Path,
) -> None:
    """An autosave reads its record, then writes; a sync on another thread writes its log line between the
    two. A deferred transaction was refused at its write ("database is locked", at once, with no busy wait):
    the save failed. Writing transactions now take the write lock when they begin, so the other write
    waits for this one to end, and both are kept."""
    db = Database.open(tmp_path)
    other_failed: list[BaseException] = []

    def other_write() -> None:
        try:
            with db.writing() as conn:
                conn.execute(text("INSERT INTO meta (key, value) VALUES ('test.other', '1')"))
        except BaseException as exc:  # noqa: BLE001 (reported by the assertion below)
            other_failed.append(exc)

    other = threading.Thread(target=other_write)
    with db.transaction() as s:
        assert s.get(Meta, "device_id") is not None  # the read that starts the transaction's snapshot
        other.start()
        other.join(timeout=1.0)  # it waits for this transaction (before the fix it committed here)
        assert other.is_alive()
        s.add(Meta(key="test.mine", value="1"))
    other.join(timeout=20)
    assert not other.is_alive() and other_failed == []
    assert db.get_meta("test.mine") == "1" and db.get_meta("test.other") == "1"
    with db.reading() as s:  # a reading session does not take the write lock: it runs beside a write
        with db.writing() as conn:
            conn.execute(text("UPDATE meta SET value = '2' WHERE key = 'test.other'"))
        assert s.get(Meta, "test.mine") is not None
    db.close()
