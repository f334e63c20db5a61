"""The dashboard on the demo data: the bureau's counts (24 / 4 / 4 / 3), the sentence, overdue notices."""

from __future__ import annotations

import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QTableWidget

from ui.context import AppContext
from ui.dashboard import BarChart, DashboardPage


@pytest.fixture
def page(qtbot, demo_ctx: AppContext) -> DashboardPage:
    p = DashboardPage(demo_ctx)
    qtbot.addWidget(p)
    p.resize(1300, 680)
    p.show()
    with qtbot.waitSignal(p.sig_loaded):
        p.refresh()
    return p


def cell(table: QTableWidget, row_label: str, column_label: str) -> str:
    rows = [table.verticalHeaderItem(r).text() for r in range(table.rowCount())]
    columns = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    return table.item(rows.index(row_label), columns.index(column_label)).text()


def test_counts_by_mode_match_the_bureau_report(page: DashboardPage) -> None:
    t = page.mode_table
    assert int(cell(t, "合计", "开机进直播模式")) + int(cell(t, "合计", "迎宾模式")) == 24
    assert cell(t, "合计", "移动OTT模式") == "4"
    assert cell(t, "合计", "定制电信迎宾模式") == "4"
    assert cell(t, "合计", "自建模式") == "3"
    assert cell(t, "合计", "合计") == "35"
    assert cell(t, "隆阳区", "合计") == "12"
    assert cell(t, "腾冲市", "合计") == "10"
    assert sum(int(cell(t, d, "合计")) for d in ("隆阳区", "施甸县", "龙陵县", "昌宁县", "腾冲市")) == 35


def test_sentence_is_ready_to_copy(qtbot, page: DashboardPage) -> None:
    sentence = page.sentence.toPlainText()
    assert "35家试点酒店" in sentence
    assert "达到开机进直播模式或迎宾模式的酒店24家" in sentence
    assert "采用移动OTT模式酒店4家" in sentence
    assert "定制电信迎宾模式4家" in sentence
    assert "自建模式酒店3家" in sentence
    assert page.sentence.isReadOnly()
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == sentence
    assert page.copy_button.text() == "已复制"


def test_status_chart_and_overdue_notices(page: DashboardPage) -> None:
    bars = {label: value for label, value, _ in page.status_chart.bars}
    assert bars["整改中"] == 1
    assert bars["已整改"] == 1
    assert bars["合格"] == 1
    assert sum(bars.values()) == 35
    assert page.overdue_table.rowCount() == 1
    assert "板桥假日酒店" in page.overdue_table.item(0, 1).text()
    assert page.overdue_box.title() == "逾期未整改 (1)"
    assert "未结整改通知" in page.headline.text() and "其中逾期 1 份" in page.headline.text()


def test_mode_chart_draws_every_mode(page: DashboardPage) -> None:
    bars = {label: value for label, value, _ in page.chart.bars}
    assert bars["开机进直播模式"] + bars["迎宾模式"] == 24
    assert bars["自建模式"] == 3
    image = page.chart.grab().toImage()
    assert not image.isNull()
    # Something was painted in the bar area (not only the background).
    background = image.pixelColor(2, 2)
    assert any(
        image.pixelColor(x, y) != background
        for x in range(image.width() // 3, image.width(), 7)
        for y in range(0, image.height(), 7)
    )


def test_scope_all_hotels(qtbot, page: DashboardPage) -> None:
    with qtbot.waitSignal(page.sig_loaded):
        page.scope.setCurrentIndex(page.scope.findText("全部酒店"))
    assert cell(page.mode_table, "合计", "合计") == "40"
    assert "40家酒店" in page.sentence.toPlainText()


def test_empty_chart_paints(qtbot) -> None:
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.resize(300, 150)
    assert not chart.grab().isNull()
    chart.set_bars([])
    chart.grab()


def test_double_click_on_overdue_asks_to_show_the_hotel(qtbot, page: DashboardPage) -> None:
    with qtbot.waitSignal(page.sig_open_hotel) as blocker:
        page.overdue_table.cellDoubleClicked.emit(0, 1)
    assert blocker.args[0]
