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


def test_a_code_with_spaces_or_lower_case_is_the_same_code_for_duplicates_and_merge(tmp_path) -> None:
    # A code a client sent unnormalised (through the API) reached the laptops: merge refused it as
    # "codes differ", and the pair was not listed.
    from hoteltv.db.engine import Database
    from hoteltv.db.models import Hotel
    from hoteltv.domain.divisions import default_divisions
    from hoteltv.domain.identifiers import credit_check_char
    from hoteltv.services import hotels as hotel_service
    from hoteltv.services.hotel_merge import find_duplicates, merge_hotels
    from hoteltv.services.setup import ensure_divisions

    code = "91530502MA6K0777" + "1"
    code += credit_check_char(code)
    db = Database.open(tmp_path / "home")
    ensure_divisions(db, default_divisions())
    made = [
        hotel_service.create_hotel(
            db,
            hotel_service.HotelInput(name=name, division_code="隆阳区", credit_code=code),
            default_divisions(),
        ).id
        if i == 0
        else hotel_service.create_hotel(
            db, hotel_service.HotelInput(name=name, division_code="隆阳区"), default_divisions()
        ).id
        for i, name in enumerate(["永昌大酒店", "永昌大酒店(新址)"])
    ]
    with db.transaction() as s:
        row = s.get(Hotel, made[1])
        assert row is not None
        row.credit_code = code[:12].lower() + " " + code[12:]
    assert [{p.first_id, p.second_id} for p in find_duplicates(db)] == [set(made)]
    merge_hotels(db, made[0], made[1])
    assert [h.id for h in hotel_service.list_hotels(db)] == [made[0]]
    db.close()
