"""The hotel registry page, driven as a user drives it: typing, choosing filters, clicking buttons."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

import ui
from hoteltv.services.hotels import list_hotels
from ui.context import AppContext
from ui.hotel_form import HotelFormDialog
from ui.hotel_table_model import COL_NAME, COL_TV_SYSTEM
from ui.main_window import MainWindow
from ui.registry import RegistryPage


@pytest.fixture
def page(qtbot, demo_ctx: AppContext) -> RegistryPage:
    p = RegistryPage(demo_ctx)
    qtbot.addWidget(p)
    p.resize(1300, 700)
    p.show()
    p.reload()
    return p


def shown_names(p: RegistryPage) -> list[str]:
    return [p.proxy.index(r, COL_NAME).data() for r in range(p.proxy.rowCount())]


def click_row(qtbot, p: RegistryPage, name: str, double: bool = False) -> None:
    row = shown_names(p).index(name)
    rect = p.table.visualRect(p.proxy.index(row, COL_NAME))
    click = qtbot.mouseDClick if double else qtbot.mouseClick
    if double:
        qtbot.mouseClick(p.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    click(p.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def open_form(p: QWidget) -> HotelFormDialog:
    forms = [f for f in p.findChildren(HotelFormDialog) if f.isVisible()]
    assert len(forms) == 1
    return forms[0]


def choose(combo: Any, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def test_loads_every_hotel(page: RegistryPage) -> None:
    assert page.loaded
    assert page.model.rowCount() == 40
    assert page.stack.currentWidget() is page.table_page
    assert page.count_label.text() == "共 40 家酒店"


def test_search_as_you_type(qtbot, page: RegistryPage, type_text) -> None:
    type_text(page.search, "板桥")
    assert shown_names(page) == ["板桥假日酒店"]
    assert page.count_label.text() == "显示 1 家，共 40 家"
    page.search.clear()
    assert page.proxy.rowCount() == 40
    type_text(page.search, "0875-")  # phone numbers of every demo hotel
    assert page.proxy.rowCount() == 40
    page.search.clear()
    code = page.model.hotels()[5].credit_code
    type_text(page.search, code.lower())
    assert shown_names(page) == [page.model.hotels()[5].name]


def test_filters(qtbot, page: RegistryPage) -> None:
    choose(page.division_filter, "施甸县")
    assert page.proxy.rowCount() == 5  # four pilot hotels and one other
    choose(page.pilot_filter, "试点酒店")
    assert page.proxy.rowCount() == 4
    choose(page.division_filter, "全部县区")
    assert page.proxy.rowCount() == 35
    choose(page.mode_filter, "移动OTT模式")
    assert page.proxy.rowCount() == 4
    choose(page.mode_filter, "全部模式")
    choose(page.status_filter, "整改逾期")
    assert shown_names(page) == ["板桥假日酒店"]
    choose(page.status_filter, "已整改")
    assert page.proxy.rowCount() == 1
    choose(page.status_filter, "全部状态")
    choose(page.pilot_filter, "全部酒店")
    assert page.proxy.rowCount() == 40


def test_enter_in_search_goes_to_the_list(qtbot, page: RegistryPage, type_text) -> None:
    type_text(page.search, "和顺")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.current_hotel() is not None
    assert page.current_hotel().name.startswith("和顺")


def test_selecting_a_hotel_shows_its_history_and_open_notice(qtbot, page: RegistryPage) -> None:
    assert not page.edit_button.isEnabled()
    click_row(qtbot, page, "板桥假日酒店")
    assert page.edit_button.isEnabled()
    assert page.new_inspection_button.isEnabled()
    history = page.history
    assert history.title() == "检查记录 — 板桥假日酒店"
    assert history.tree.topLevelItemCount() == 1
    item = history.tree.topLevelItem(0)
    assert item.text(2) == "已定稿"
    assert item.text(4) == "不合格"
    assert history.notice_label.isVisible()
    assert "已逾期" in history.notice_label.text()
    assert history.reinspect_button.isEnabled()
    assert history.open_button.isEnabled()
    # A hotel never inspected: nothing to open, nothing to re-inspect.
    click_row(qtbot, page, "九隆精品酒店")
    assert history.tree.topLevelItemCount() == 0
    assert not history.reinspect_button.isEnabled()
    assert not history.open_button.isEnabled()


def test_inspection_buttons_call_the_inspection_package(qtbot, page: RegistryPage, monkeypatch) -> None:
    calls: list[tuple[str, str]] = []
    fake = types.ModuleType("ui.inspection")

    def window(kind: str, ident: str) -> QWidget:
        calls.append((kind, ident))
        w = QWidget()
        qtbot.addWidget(w)
        return w

    fake.start_inspection_flow = lambda ctx, hotel_id, parent: window("new", hotel_id)
    fake.open_inspection_window = lambda ctx, inspection_id, parent: window("open", inspection_id)
    fake.start_reinspection_flow = lambda ctx, notice_id, parent: window("re", notice_id)
    monkeypatch.setitem(sys.modules, "ui.inspection", fake)
    monkeypatch.setattr(ui, "inspection", fake, raising=False)

    click_row(qtbot, page, "板桥假日酒店")
    hotel = page.current_hotel()
    qtbot.mouseClick(page.new_inspection_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.history.open_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.history.reinspect_button, Qt.MouseButton.LeftButton)
    notice = page.history.open_notice()
    assert calls == [
        ("new", hotel.id),
        ("open", page.history.selected_inspection()),
        ("re", notice.id),
    ]


def test_add_hotel_shows_problems_beside_the_fields_then_saves(qtbot, page: RegistryPage, type_text) -> None:
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    form = open_form(page)
    name_error: QLabel = form.errors["name"]
    # Saving an empty form: the name is required; the message is under the name field.
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.isVisible()
    assert name_error.isVisible()
    assert "酒店名称不能为空" in name_error.text()
    # A name, but a phone number that is not one.
    type_text(form.fields["name"], "测试新酒店")
    choose(form.fields["division_code"], "龙陵县")
    type_text(form.fields["contact_phone"], "12345")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert not name_error.isVisible()
    phone_error = form.errors["contact_phone"]
    assert phone_error.isVisible()
    assert "电话号码格式不对" in phone_error.text()
    # Fixed: saved, listed and selected.
    form.fields["contact_phone"].clear()
    type_text(form.fields["contact_phone"], "13987654321")
    with qtbot.waitSignal(form.sig_saved):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert not form.isVisible()
    assert page.model.rowCount() == 41
    assert page.current_hotel().name == "测试新酒店"
    assert page.current_hotel().division_name == "龙陵县"
    assert any(h.name == "测试新酒店" for h in list_hotels(page.ctx.db))


def test_duplicate_hotel_is_refused_by_the_core(qtbot, page: RegistryPage, type_text) -> None:
    existing = page.model.hotels()[0]
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    form = open_form(page)
    type_text(form.fields["name"], existing.name)
    choose(form.fields["division_code"], existing.division_name)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.isVisible()
    assert "已有同一酒店" in form.general_error.text() or form.errors["name"].isVisible()
    form.reject()


def test_double_click_edits_and_updates_the_row(qtbot, page: RegistryPage, type_text) -> None:
    click_row(qtbot, page, "九隆精品酒店", double=True)
    form = open_form(page)
    hotel = page.current_hotel()
    assert form.fields["name"].text() == hotel.name
    form.fields["tv_system"].clear()
    type_text(form.fields["tv_system"], "中国电信IPTV(改)")
    changed: list[int] = []
    page.model.dataChanged.connect(lambda a, b, _r=None: changed.append(a.row()))
    with qtbot.assertNotEmitted(page.model.modelReset):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert changed == [page.model.row_of(hotel.id)]
    assert page.current_hotel().tv_system == "中国电信IPTV(改)"
    assert page.current_hotel().version == hotel.version + 1


def test_tab_order_follows_the_form(qtbot, page: RegistryPage) -> None:
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    form = open_form(page)
    order = [
        "name",
        "division_code",
        "site_kind",
        "address",
        "credit_code",
        "star_class",
        "rooms",
        "tvs",
        "tv_system",
        "current_mode",
        "target_mode",
        "pilot",
        "contact_name",
        "contact_phone",
        "person_in_charge",
        "notes",
    ]
    widget = form.fields["name"]
    seen = [widget.objectName()]
    for _ in order[1:]:
        widget = widget.nextInFocusChain()
        while widget.focusPolicy() == Qt.FocusPolicy.NoFocus or widget.objectName() not in form.fields:
            widget = widget.nextInFocusChain()
        seen.append(widget.objectName())
    assert seen == order
    form.reject()


def test_column_widths_are_remembered(qtbot, demo_ctx: AppContext) -> None:
    first = RegistryPage(demo_ctx)
    qtbot.addWidget(first)
    first.table.setColumnWidth(COL_TV_SYSTEM, 333)
    first.save_state()
    second = RegistryPage(demo_ctx)
    qtbot.addWidget(second)
    assert second.table.columnWidth(COL_TV_SYSTEM) == 333


def test_empty_state_offers_import_and_sync_then_the_demo_apart(qtbot, ctx: AppContext) -> None:
    from hoteltv.services.demo import demo_home, is_demo

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.start()
    assert not window.demo and window.demo_banner.isHidden()
    registry = window.registry
    empty = registry.empty_state
    assert registry.stack.currentWidget() is empty
    # How a field inspector gets the register comes first; the demo is the third choice.
    buttons = [empty.import_button, empty.sync_button, empty.demo_button]
    assert [b.text() for b in buttons] == ["导入酒店名单…", "从服务器同步…", "打开演示数据"]
    xs = [b.mapTo(empty, b.rect().topLeft()).x() for b in buttons]
    assert xs == sorted(xs)
    requested: list[str] = []
    registry.sig_import_requested.connect(lambda: requested.append("import"))
    registry.sig_import_requested.disconnect(window.import_hotels)  # no file dialog in a test
    registry.sig_sync_requested.connect(lambda: requested.append("sync"))
    registry.sig_sync_requested.disconnect(window.open_sync)
    qtbot.mouseClick(empty.import_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(empty.sync_button, Qt.MouseButton.LeftButton)
    assert requested == ["import", "sync"]

    # The demo opens in its own window on its own folder; the real folder stays empty.
    qtbot.mouseClick(empty.demo_button, Qt.MouseButton.LeftButton)
    demo = window._demo_window
    assert demo is not None and demo is not window
    qtbot.waitUntil(lambda: demo.registry.model.rowCount() == 40, timeout=10000)
    assert demo.demo and not demo.demo_banner.isHidden() and "演示" in demo.demo_banner.text()
    assert demo.windowTitle().startswith("【演示】")
    assert demo.ctx.home == demo_home(ctx.home) and demo.ctx.home != ctx.home
    assert is_demo(demo.ctx.db) and not is_demo(ctx.db)
    assert list_hotels(ctx.db) == []
    assert registry.stack.currentWidget() is empty
    # 帮助 → 打开演示数据 brings the same demo window back rather than a second one.
    assert window.act_demo in window.help_menu.actions()
    window.act_demo.trigger()
    assert window._demo_window is demo
    demo.close()
    qtbot.waitUntil(lambda: window._demo_window is None, timeout=3000)
