"""The registry's table model and its search/filter proxy, tested without any widget."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from PySide6.QtCore import QModelIndex, Qt

from hoteltv.services.hotels import HotelView
from ui.hotel_table_model import (
    COL_CURRENT_MODE,
    COL_DIVISION,
    COL_LAST_INSPECTION,
    COL_NAME,
    COL_NEXT_DEADLINE,
    COL_PILOT,
    COL_STATUS,
    COLUMN_COUNT,
    HOTEL_ROLE,
    ID_ROLE,
    OVERDUE_BACKGROUND,
    OVERDUE_ROLE,
    SORT_ROLE,
    HotelFilterProxy,
    HotelTableModel,
)

TODAY = date(2025, 7, 1)


def hotel(n: int, **changes: object) -> HotelView:
    base = HotelView(
        id=f"h{n}",
        name=f"测试酒店{n}",
        division_code="530502",
        division_name="隆阳区",
        address=f"保山市隆阳区正阳路{n}号",
        credit_code=None,
        star_class=3,
        rooms=40,
        tvs=40,
        tv_system="云南广电网络有线电视",
        contact_name="张三",
        contact_phone="0875-2123456",
        person_in_charge=None,
        pilot=True,
        target_mode="direct_live",
        current_mode="none",
        remediation_status="not_inspected",
        notes=None,
        version=1,
        updated_at=datetime(2025, 6, 1, tzinfo=UTC),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def hotels() -> list[HotelView]:
    return [
        hotel(1, name="永昌大酒店", contact_name="李华"),
        hotel(
            2,
            name="和顺客栈",
            division_code="530581",
            division_name="腾冲市",
            current_mode="welcome",
            remediation_status="rectifying",
            next_deadline=date(2025, 6, 20),
            overdue=True,
            last_inspection_at=datetime(2025, 6, 10, 2, tzinfo=UTC),
            last_result="fail",
            credit_code="92530581MA6K1234X5",
        ),
        hotel(
            3,
            name="姚关宾馆",
            division_code="530521",
            division_name="施甸县",
            pilot=False,
            current_mode="direct_live",
            remediation_status="compliant",
            last_inspection_at=datetime(2025, 5, 1, 2, tzinfo=UTC),
            last_result="pass",
        ),
        hotel(
            4,
            name="松山酒店",
            division_code="530523",
            division_name="龙陵县",
            current_mode="mobile_ott",
            remediation_status="rectifying",
            next_deadline=date(2025, 7, 5),
            address="龙陵县龙山镇松山路",
        ),
    ]


@pytest.fixture
def model(hotels: list[HotelView]) -> HotelTableModel:
    m = HotelTableModel("zh_CN", today=TODAY)
    m.set_hotels(hotels)
    return m


@pytest.fixture
def proxy(model: HotelTableModel) -> HotelFilterProxy:
    p = HotelFilterProxy()
    p.setSourceModel(model)
    return p


def names(proxy: HotelFilterProxy) -> list[str]:
    return [proxy.index(r, COL_NAME).data() for r in range(proxy.rowCount())]


def test_model_passes_qt_model_checks(qtmodeltester, model: HotelTableModel, proxy: HotelFilterProxy) -> None:
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)


def test_columns_and_roles(model: HotelTableModel, hotels: list[HotelView]) -> None:
    assert model.rowCount() == 4
    assert model.columnCount() == COLUMN_COUNT
    assert model.headerData(COL_NAME, Qt.Orientation.Horizontal) == "酒店名称"
    assert model.headerData(COL_NEXT_DEADLINE, Qt.Orientation.Horizontal) == "整改期限"
    row = model.index(1, COL_NAME)
    assert row.data(HOTEL_ROLE) is hotels[1]
    assert row.data(ID_ROLE) == "h2"
    assert model.index(1, COL_DIVISION).data() == "腾冲市"
    assert model.index(1, COL_CURRENT_MODE).data() == "迎宾模式"
    assert model.index(0, COL_CURRENT_MODE).data() == "未整改"
    assert model.index(0, COL_PILOT).data() == "是"
    assert model.index(2, COL_PILOT).data() == ""
    assert model.index(2, COL_LAST_INSPECTION).data().endswith("合格")
    assert model.index(3, COL_NEXT_DEADLINE).data() == "2025-07-05"


def test_overdue_rows_stand_out(model: HotelTableModel) -> None:
    overdue = model.index(1, COL_NAME)
    assert overdue.data(OVERDUE_ROLE) is True
    assert overdue.data(Qt.ItemDataRole.BackgroundRole).color() == OVERDUE_BACKGROUND
    assert overdue.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.index(1, COL_STATUS).data() == "整改中（已逾期）"
    assert model.index(1, COL_NEXT_DEADLINE).data() == "2025-06-20 逾期11天"
    assert model.index(1, COL_STATUS).data(Qt.ItemDataRole.FontRole).bold()
    on_time = model.index(3, COL_NAME)
    assert on_time.data(OVERDUE_ROLE) is False
    assert on_time.data(Qt.ItemDataRole.BackgroundRole) is None


def test_sort_role_has_proper_types(model: HotelTableModel) -> None:
    assert model.index(0, COL_PILOT).data(SORT_ROLE) == 1
    assert isinstance(model.index(0, COL_CURRENT_MODE).data(SORT_ROLE), int)
    assert model.index(1, COL_NEXT_DEADLINE).data(SORT_ROLE) == "2025-06-20"
    assert model.index(0, COL_NEXT_DEADLINE).data(SORT_ROLE) == ""


def test_sorting_by_deadline_and_mode(proxy: HotelFilterProxy) -> None:
    proxy.sort(COL_NEXT_DEADLINE, Qt.SortOrder.DescendingOrder)
    assert names(proxy)[:2] == ["松山酒店", "和顺客栈"]
    proxy.sort(COL_CURRENT_MODE, Qt.SortOrder.AscendingOrder)  # catalog order, not alphabetical
    assert names(proxy) == ["姚关宾馆", "和顺客栈", "松山酒店", "永昌大酒店"]
    proxy.sort(COL_STATUS, Qt.SortOrder.AscendingOrder)
    assert names(proxy)[-2:] == ["和顺客栈", "松山酒店"]  # rectifying: the overdue one first


def test_search_matches_name_address_contact_and_credit_code(proxy: HotelFilterProxy) -> None:
    proxy.set_search("永昌")
    assert names(proxy) == ["永昌大酒店"]
    proxy.set_search("松山路")  # address
    assert names(proxy) == ["松山酒店"]
    proxy.set_search("李华")  # contact
    assert names(proxy) == ["永昌大酒店"]
    proxy.set_search("92530581ma6k")  # credit code, any case
    assert names(proxy) == ["和顺客栈"]
    proxy.set_search("龙陵县 松山")  # every word must match
    assert names(proxy) == ["松山酒店"]
    proxy.set_search("不存在")
    assert names(proxy) == []
    proxy.set_search("")
    assert proxy.rowCount() == 4


def test_filters_combine(proxy: HotelFilterProxy) -> None:
    proxy.set_division("530581")
    assert names(proxy) == ["和顺客栈"]
    proxy.set_division(None)
    proxy.set_status("rectifying")
    assert sorted(names(proxy)) == ["和顺客栈", "松山酒店"]
    proxy.set_status("overdue")
    assert names(proxy) == ["和顺客栈"]
    proxy.set_status(None)
    proxy.set_mode("mobile_ott")
    assert names(proxy) == ["松山酒店"]
    proxy.set_mode(None)
    proxy.set_pilot(False)
    assert names(proxy) == ["姚关宾馆"]
    assert proxy.is_filtered()
    proxy.set_pilot(None)
    assert not proxy.is_filtered()
    assert proxy.rowCount() == 4


def test_one_changed_hotel_updates_its_row_only(
    qtbot, model: HotelTableModel, proxy: HotelFilterProxy, hotels: list[HotelView]
) -> None:
    changed = replace(hotels[0], current_mode="direct_live", remediation_status="compliant", version=2)
    seen: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, _roles=None: seen.append((a.row(), b.row())))
    with qtbot.assertNotEmitted(model.modelReset):
        row = model.upsert(changed)
    assert row == 0
    assert seen == [(0, 0)]
    assert model.index(0, COL_CURRENT_MODE).data() == "开机进直播模式"
    proxy.set_mode("direct_live")  # the proxy sees the new value
    assert "永昌大酒店" in names(proxy)


def test_new_hotel_is_inserted_and_found_by_search(
    qtbot, model: HotelTableModel, proxy: HotelFilterProxy
) -> None:
    proxy.set_search("新开")
    with qtbot.waitSignal(model.rowsInserted):
        model.upsert(hotel(9, name="新开酒店"))
    assert model.rowCount() == 5
    assert names(proxy) == ["新开酒店"]
    model.remove("h9")
    assert model.rowCount() == 4
    assert model.row_of("h9") is None
    assert model.row_of("h4") == 3


def test_no_children(model: HotelTableModel) -> None:
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.columnCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None


def test_english_labels(hotels: list[HotelView]) -> None:
    m = HotelTableModel("en", today=TODAY)
    m.set_hotels(hotels)
    assert m.index(1, COL_CURRENT_MODE).data() == "Welcome page, then live TV"
    assert m.index(2, COL_LAST_INSPECTION).data().endswith("Pass")
