"""Merging a hotel typed in twice on this laptop (``hotels merge``): what is refused, changing nothing.

The merge itself and how it syncs are tested with two laptops and a server in
``tests/sync/test_sync_hotel_identity.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hoteltv.cli import main
from hoteltv.db.engine import Database
from hoteltv.errors import ValidationError
from hoteltv.services.hotel_merge import merge_hotels
from tests.sync.helpers import make_hotel, make_inspection, snapshot, unsent


def test_hotels_of_two_divisions_are_not_merged(
    file_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    # One of the two records has the wrong county: merged, the hotel and its history would leave one
    # county's inspectors. The clerk is told to correct the county first; nothing changes.
    keep = make_hotel(file_db, "和平旅社", division="腾冲市")
    other = make_hotel(file_db, "和平旅社", division="隆阳区")
    make_inspection(file_db, other)
    before, queued = snapshot(file_db), unsent(file_db)
    with pytest.raises(ValidationError) as refused:
        merge_hotels(file_db, keep, other)
    message = str(refused.value)
    assert "不在同一县区" in message and "“和平旅社”在腾冲市" in message and "“和平旅社”在隆阳区" in message
    assert "改正录错的那一条的县区，再合并" in message
    assert "different divisions, 530581 and 530502" in message and "nothing was merged" in message
    assert snapshot(file_db) == before and unsent(file_db) == queued
    home = Path(str(file_db.path)).parent
    assert main(["--home", str(home), "hotels", "merge", keep, other]) == 1
    assert "不在同一县区" in capsys.readouterr().err
    assert snapshot(file_db) == before and unsent(file_db) == queued
