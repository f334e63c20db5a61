"""Hotel registry services: validation, search, and spreadsheet import that updates in place."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoteltv.db.engine import Database
from hoteltv.domain.divisions import DivisionList
from hoteltv.domain.identifiers import credit_check_char
from hoteltv.errors import ValidationError
from hoteltv.io.hotel_sheet import read_hotel_sheet
from hoteltv.services import hotels as hotel_service

CODE = "91530502MA6K12345"
CREDIT = CODE + credit_check_char(CODE)


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_validation_names_each_field(db: Database, divisions: DivisionList) -> None:
    with pytest.raises(ValidationError) as err:
        hotel_service.create_hotel(
            db,
            hotel_service.HotelInput(
                name=" ",
                division_code="火星区",
                credit_code="123",
                star_class=7,
                contact_phone="abc",
                current_mode="cable",
            ),
            divisions,
        )
    assert {p.where for p in err.value.problems} == {
        "name",
        "division_code",
        "credit_code",
        "star_class",
        "contact_phone",
        "current_mode",
    }
    assert hotel_service.list_hotels(db) == []


def test_duplicate_hotel_is_refused(db: Database, divisions: DivisionList) -> None:
    data = hotel_service.HotelInput(name="甲酒店", division_code="隆阳区", credit_code=CREDIT)
    hotel_service.create_hotel(db, data, divisions)
    with pytest.raises(ValidationError, match="already exists"):
        hotel_service.create_hotel(
            db, hotel_service.HotelInput(name="乙", division_code="施甸县", credit_code=CREDIT), divisions
        )


def test_search_and_filters(db: Database, divisions: DivisionList) -> None:
    for name, div, phone in [("和顺客栈", "腾冲市", "13812345678"), ("永昌宾馆", "隆阳区", "0875-2123456")]:
        hotel_service.create_hotel(
            db,
            hotel_service.HotelInput(
                name=name, division_code=div, contact_phone=phone, address=f"{div}某路1号"
            ),
            divisions,
        )
    assert [h.name for h in hotel_service.list_hotels(db, search="和顺")] == ["和顺客栈"]
    assert [h.name for h in hotel_service.list_hotels(db, search="2123456")] == ["永昌宾馆"]
    assert [h.name for h in hotel_service.list_hotels(db, division="530581")] == ["和顺客栈"]
    assert hotel_service.list_hotels(db, status="rectifying") == []


def test_reimport_updates_in_place_and_never_duplicates(
    db: Database, divisions: DivisionList, tmp_path: Path
) -> None:
    first = _csv(
        tmp_path / "a.csv",
        f"酒店名称,所属县区,统一社会信用代码,客房数,联系电话\n"
        f"甲酒店,隆阳区,{CREDIT},50,0875-2100000\n乙宾馆,腾冲县,,20,\n",
    )
    report = hotel_service.import_hotels(db, read_hotel_sheet(first, divisions))
    assert (report.count("create"), report.refused_rows) == (2, 0)
    # Renamed hotel matched by credit code; the other by name + division; a sheet without a column leaves it alone.
    second = _csv(
        tmp_path / "b.csv",
        f"单位名称,县区,信用代码,房间数\n甲酒店(新名),隆阳区,{CREDIT},60\n乙宾馆,腾冲市,,25\n",
    )
    report = hotel_service.import_hotels(db, read_hotel_sheet(second, divisions))
    assert (report.count("create"), report.count("update")) == (0, 2)
    hotels = {h.credit_code or h.name: h for h in hotel_service.list_hotels(db)}
    assert len(hotels) == 2
    assert hotels[CREDIT].name == "甲酒店(新名)" and hotels[CREDIT].rooms == 60
    assert hotels[CREDIT].contact_phone == "0875-2100000"  # not in the second sheet: kept
    assert hotels["乙宾馆"].rooms == 25
    report = hotel_service.import_hotels(db, read_hotel_sheet(second, divisions))
    assert report.count("unchanged") == 2


def test_dry_run_reports_the_same_and_writes_nothing(
    db: Database, divisions: DivisionList, tmp_path: Path
) -> None:
    sheet = _csv(tmp_path / "a.csv", "酒店名称,所属县区\n甲,隆阳区\n乙,龙陵县\n")
    dry = hotel_service.import_hotels(db, read_hotel_sheet(sheet, divisions), dry_run=True)
    assert dry.count("create") == 2 and dry.dry_run
    assert hotel_service.list_hotels(db) == []
    real = hotel_service.import_hotels(db, read_hotel_sheet(sheet, divisions))
    assert [r.action for r in real.rows] == [r.action for r in dry.rows]
    assert len(hotel_service.list_hotels(db)) == 2


def test_hotels_touched_by_a_commit_names_the_rows_the_registry_must_reread(
    db: Database, divisions: DivisionList
) -> None:
    from hoteltv.db.tracking import Changes
    from hoteltv.services import inspections as insp_service

    heard: list[Changes] = []
    db.on_commit(heard.append)
    a = hotel_service.create_hotel(
        db, hotel_service.HotelInput(name="和顺客栈", division_code="腾冲市"), divisions
    )
    b = hotel_service.create_hotel(
        db, hotel_service.HotelInput(name="界头驿站", division_code="腾冲市"), divisions
    )
    assert hotel_service.hotels_touched(db, heard[-1]) == {b.id}
    team = [
        insp_service.add_inspector(db, "张明", "53050219001").id,
        insp_service.add_inspector(db, "李华", "53050219002").id,
    ]
    assert hotel_service.hotels_touched(db, heard[-1]) == set()  # inspectors: no registry row changes
    view = insp_service.start_inspection(db, a.id, team)
    assert hotel_service.hotels_touched(db, heard[-1]) == {a.id}
    insp_service.add_room(db, view.id, "301")  # a room of A's inspection: A's row (last result) may change
    assert hotel_service.hotels_touched(db, heard[-1]) == {a.id}
    assert hotel_service.hotels_touched(db, Changes(bulk=frozenset({"hotels"}))) is None  # ids unknown: all
    many = Changes({"hotels": frozenset(str(i) for i in range(500))})
    assert hotel_service.hotels_touched(db, many) is None
