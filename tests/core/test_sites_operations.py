"""Sites that are not hotels (site kind on the registry) and enforcement operations (执法行动)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from hoteltv.cli import main
from hoteltv.db.engine import Database
from hoteltv.db.models import EnforcementOperation
from hoteltv.domain.divisions import DivisionList
from hoteltv.errors import ValidationError
from hoteltv.io.hotel_sheet import read_hotel_sheet
from hoteltv.services import hotels as hotel_service
from hoteltv.services import operations as op_service
from hoteltv.services.hotels import HotelInput
from hoteltv.services.summary import summarize
from tests.core.sheet_fixtures import CANONICAL, write_xlsx

TODAY = date(2026, 12, 5)


def _site(db: Database, divisions: DivisionList, name: str, kind: str, division: str = "隆阳区") -> str:
    return hotel_service.create_hotel(
        db, HotelInput(name=name, division_code=division, site_kind=kind), divisions
    ).id


def test_the_registry_shows_hotels_by_default_and_other_sites_on_request(
    db: Database, divisions: DivisionList, hotel: hotel_service.HotelView
) -> None:
    market = _site(db, divisions, "青华农贸市场", "市场")
    _site(db, divisions, "永昌小区", "residential", "腾冲市")
    assert hotel.site_kind == "hotel"
    assert [h.name for h in hotel_service.list_hotels(db)] == ["永昌测试酒店"]
    assert [h.name for h in hotel_service.list_hotels(db, site_kind="market")] == ["青华农贸市场"]
    assert len(hotel_service.list_hotels(db, site_kind=None)) == 3
    assert hotel_service.get_hotel(db, market).site_kind == "market"
    with pytest.raises(ValidationError) as info:
        hotel_service.create_hotel(
            db, HotelInput(name="某处", division_code="隆阳区", site_kind="菜场"), divisions
        )
    assert info.value.problems[0].where == "site_kind"
    assert len(hotel_service.list_hotels(db, site_kind=None)) == 3

    s = summarize(db, pilot_only=False)
    assert s.by_kind == {"hotel": 1, "market": 1, "residential": 1, "other": 0}
    assert s.by_division_kind["腾冲市"]["residential"] == 1
    assert s.total == 1  # TV modes are counted over hotels only


def test_import_reads_a_kind_column_and_export_writes_it_back(
    db: Database, divisions: DivisionList, tmp_path: Path
) -> None:
    rows = [
        [*CANONICAL, "场所类型"],
        ["青华农贸市场", "隆阳区", *[None] * 11, "农贸市场"],
        ["腾越小区", "腾冲市", *[None] * 11, "居民小区"],
        ["和顺客栈", "腾冲市", *[None] * 11, None],
    ]
    sheet = read_hotel_sheet(write_xlsx(tmp_path / "sites.xlsx", rows), divisions)
    assert not sheet.errors
    hotel_service.import_hotels(db, sheet)
    kinds = {h.name: h.site_kind for h in hotel_service.list_hotels(db, site_kind=None)}
    assert kinds == {"青华农贸市场": "market", "腾越小区": "residential", "和顺客栈": "hotel"}
    headers, table = hotel_service.hotels_as_table(hotel_service.list_hotels(db, site_kind=None))
    assert "场所类型" in headers
    assert {r[headers.index("场所类型")] for r in table} == {"市场", "居民小区", "宾馆酒店"}

    bad = read_hotel_sheet(
        write_xlsx(tmp_path / "bad.xlsx", [rows[0], ["某处", "隆阳区", *[None] * 11, "菜场"]]), divisions
    )
    assert [(e.field, e.row_number) for e in bad.errors] == [("site_kind", 2)]
    assert "未知的场所类型" in bad.errors[0].reason


def _op(**kw: object) -> op_service.OperationInput:
    base: dict[str, object] = {
        "op_date": date(2026, 11, 3),
        "division_code": "腾冲市",
        "lead_department": "腾冲市文化和旅游局",
        "joint_departments": ("腾冲市公安局", "腾冲市市场监督管理局"),
        "officers": 8,
        "vehicles": 2,
        "site_checks": 12,
    }
    return op_service.OperationInput(**(base | kw))  # type: ignore[arg-type]


def test_an_operation_is_recorded_with_its_sites_and_inspections(
    db: Database, divisions: DivisionList, hotel: hotel_service.HotelView
) -> None:
    market = _site(db, divisions, "青华农贸市场", "market")
    view = op_service.add_operation(
        db,
        _op(site_ids=(market, hotel.id), joint_departments=("腾冲市公安局、腾冲市文化和旅游局",)),
        divisions,
        today=TODAY,
    )
    assert view.joint and view.joint_departments == ("腾冲市公安局",)  # the lead is not its own partner
    assert view.site_names == ("青华农贸市场", "永昌测试酒店") and view.site_checks == 12
    alone = op_service.add_operation(db, _op(joint_departments=(), site_checks=None), divisions, today=TODAY)
    assert not alone.joint and alone.site_checks == 0
    assert [o.id for o in op_service.list_operations(db, since=date(2026, 11, 1), division="腾冲市")] == [
        view.id,
        alone.id,
    ]
    assert op_service.list_operations(db, division="隆阳区") == []


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"officers": -1}, "officers", "不能为负数"),
        ({"vehicles": -3}, "vehicles", "不能为负数"),
        ({"site_checks": -1}, "site_checks", "不能为负数"),
        ({"op_date": date(2026, 12, 6)}, "op_date", "不能晚于今天"),
        ({"lead_department": " "}, "lead_department", "牵头部门不能为空"),
        ({"division_code": "大理市"}, "division_code", "未知的县区"),
        ({"site_checks": 1, "site_ids": ("a", "b")}, "site_checks", "少于所列场所数"),
        ({"site_ids": ("no-such-site",), "site_checks": 3}, "site_ids", "没有这个场所"),
    ],
)
def test_bad_operations_are_refused_and_nothing_is_written(
    db: Database, divisions: DivisionList, change: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as info:
        op_service.add_operation(db, _op(**change), divisions, today=TODAY)
    assert any(p.where == field and words in p.message for p in info.value.problems), info.value.problems
    with db.reading() as s:
        assert s.query(EnforcementOperation).count() == 0


def test_operations_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = ["--home", str(tmp_path / "home")]
    assert main([*home, "init"]) == 0
    args = [
        "operations",
        "add",
        "--date",
        "2026-11-03",
        "--division",
        "腾冲市",
        "--lead",
        "腾冲市文化和旅游局",
    ]
    assert main([*home, *args, "--joint", "公安局、市场监管局", "--officers", "8", "--vehicles", "2"]) == 0
    assert "联合执法: 8人次、2车次" in capsys.readouterr().out
    assert main([*home, *args, "--officers", "-2"]) != 0
    assert "不能为负数" in capsys.readouterr().err
    assert main([*home, *args, "--date", "2999-01-01"]) != 0
    assert "不能晚于今天" in capsys.readouterr().err
    assert main([*home, "operations", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(o["officers"], o["joint"]) for o in listed] == [(8, True)]


def test_revision_0006_makes_every_existing_row_a_hotel(tmp_path: Path) -> None:
    import shutil

    from hoteltv.db.engine import DB_FILENAME

    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(fixtures / "schema_0005.db", home / DB_FILENAME)
    db = Database.open(home)
    try:
        every = hotel_service.list_hotels(db, site_kind=None)
        assert len(every) == 40 and {h.site_kind for h in every} == {"hotel"}
        assert op_service.list_operations(db) == []
        assert summarize(db, pilot_only=False).by_kind == {
            "hotel": 40,
            "market": 0,
            "residential": 0,
            "other": 0,
        }
    finally:
        db.close()
