"""The dashboard's period picker and 导出报告 on the demo data: the satellite figures follow the period,
and the exported Word document says what the dashboard shows."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import docx

from PySide6.QtCore import Qt

from hoteltv.domain import clock
from ui.context import AppContext
from ui.dashboard import DashboardPage

ALL = (
    "持续开展境外卫星电视传播秩序集中专项整治，累计出动执法人员33人次、车辆8车次，组织开展联合执法5次，"
    "检查宾馆酒店市场居民小区57个次，查处拆除接收设施4户（套）。"
)


def test_period_picked_and_report_exported(qtbot, demo_ctx: AppContext, tmp_path: Path) -> None:
    page = DashboardPage(demo_ctx)
    qtbot.addWidget(page)
    page.resize(1366, 705)
    page.show()
    with qtbot.waitSignal(page.sig_loaded):
        page.refresh()
    assert page.satellite_sentence.toPlainText() == ALL
    assert not page.period.since.isVisible()

    # The last 15 days hold one operation (14 days ago, 隆阳区) and the market it cleared.
    today = clock.today()
    with qtbot.waitSignal(page.sig_loaded):
        page.period.set_dates(today - timedelta(days=15), today)
    assert page.period.since.isVisible() and page.period.until.isVisible()
    shown = page.satellite_sentence.toPlainText()
    assert "累计出动执法人员8人次、车辆2车次，组织开展联合执法1次" in shown
    assert "检查宾馆酒店市场居民小区14个次，查处拆除接收设施2户（套）" in shown
    assert "35家试点酒店" in page.sentence.toPlainText()  # hotel counts are the state now

    out = tmp_path / "报告.docx"
    with qtbot.waitSignal(page.sig_exported) as got:
        page.export_report(out)
    assert got.args == [str(out)] and page.export_button.isEnabled()
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert shown in texts and page.sentence.toPlainText() + "。" in texts

    # Back to every record: the bureau's figures again.
    with qtbot.waitSignal(page.sig_loaded):
        page.period.choose("all")
    assert page.satellite_sentence.toPlainText() == ALL
    qtbot.mouseClick(page.satellite_copy, Qt.MouseButton.LeftButton)
    assert page.satellite_copy.text() == "已复制"
