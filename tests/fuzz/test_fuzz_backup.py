"""A backup file with flipped bytes (a failing USB stick, a copy cut short and patched by a tool): checking it
gives its manifest or a :class:`BackupError`, and restoring it over a data folder that holds records
either restores the backup's records or is refused with the folder exactly as it was. Never another
exception, never a half-restored folder.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoteltv.backup import BackupError, create_backup, restore_backup, verify_backup
from hoteltv.db.engine import Database
from hoteltv.services import hotels as hotel_service
from tests.core.test_backup import _make_home, _snapshot
from tests.fuzz.profile import fuzz


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[bytes, Path]]:
    """A backup of a data folder with a draft, two photos and an extra hotel (its bytes), and another data
    folder to restore over (made once; each example works on a copy)."""
    root = tmp_path_factory.mktemp("fuzz-backup")
    _make_home(root / "source", root, hotel="备份里的酒店")
    _make_home(root / "target", root, hotel="现有的酒店", photos=1)
    create_backup(root / "source", root / "backup.zip")
    yield (root / "backup.zip").read_bytes(), root / "target"


def _hotels(home: Path) -> list[str]:
    db = Database.open(home)
    try:
        return sorted(h.name for h in hotel_service.list_hotels(db))
    finally:
        db.close()


@given(flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=6))
@fuzz(25)
def test_a_damaged_backup_restores_whole_or_changes_nothing(
    made: tuple[bytes, Path], flips: list[tuple[int, int]]
) -> None:
    original, template = made
    data = bytearray(original)
    for position, value in flips:
        data[position % len(data)] = value
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "备份 2026-12-07.zip"
        path.write_bytes(bytes(data))
        try:
            verify_backup(path)
        except BackupError as exc:
            assert str(exc)
        home = Path(tmp) / "数据"
        shutil.copytree(template, home)
        before = _snapshot(home)
        try:
            restore_backup(home, path, force=True)
        except BackupError as exc:
            assert str(exc)
            assert _snapshot(home) == before  # refused: the folder exactly as it was
            return
        assert "备份里的酒店" in _hotels(home) and "现有的酒店" not in _hotels(home)
