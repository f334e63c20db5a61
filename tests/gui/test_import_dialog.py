"""Importing a hotel spreadsheet through the dialog: preview, refused rows, apply, cancel, refusal."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from openpyxl import Workbook

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QWidget

from hoteltv.io.tables import write_table
from hoteltv.services.hotels import list_hotels
from ui.context import AppContext
from ui.import_dialog import ImportDialog
from ui.main_window import MainWindow


def messy_sheet(path: Path, ctx: AppContext) -> Path:
    """A sheet as offices send them: a title row, synonyms for headers, an extra column, bad rows."""
    existing = list_hotels(ctx.db)[0]
    wb = Workbook()
    ws = wb.active
    ws.append(["2025年保山市试点酒店名单"])
    ws.append(["序号", "单位名称", "县区", "地址", "联系电话", "星级", "客房数", "备用列"])
    ws.append([1, "新华宾馆", "隆阳区", "保山市隆阳区正阳北路1号", "0875-2211111", "三星", 40, "x"])
    ws.append([2, "高黎贡客栈", "腾冲县", "腾冲市界头镇", "13987650000", "无", 12, ""])
    ws.append([3, existing.name, existing.division_name, existing.address, "13800001111", None, None, ""])
    ws.append([4, "坏电话酒店", "龙陵县", "龙陵县", "12345", "二星", 30, ""])
    ws.append([5, "外地酒店", "大理市", "大理", "0872-2123456", "", 20, ""])
    ws.append([6, "星级不明酒店", "昌宁县", "昌宁县", "0875-6123456", "超五星", "很多", ""])
    wb.save(path)
    return path


@pytest.fixture
def parent(qtbot) -> QWidget:
    """A window for the dialogs (they delete themselves on close, so qtbot must not own them)."""
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def sheet(tmp_path: Path, demo_ctx: AppContext) -> Path:
    return messy_sheet(tmp_path / "名单.xlsx", demo_ctx)


def test_preview_shows_counts_changes_and_refused_rows(
    qtbot, parent: QWidget, demo_ctx: AppContext, sheet: Path
) -> None:
    dialog = ImportDialog(demo_ctx, sheet, parent)
    dialog.show()
    assert dialog.page() == "preview"
    assert dialog.count_labels["create"].text() == "2"
    assert dialog.count_labels["update"].text() == "1"
    assert dialog.count_labels["refused"].text() == "3"
    changes = dialog.changes_view.model()
    rows = {changes.index(r, 2).data(): changes.index(r, 4).data() for r in range(changes.rowCount())}
    assert set(rows) >= {"新华宾馆", "高黎贡客栈"}
    updated = next(text for name, text in rows.items() if name not in ("新华宾馆", "高黎贡客栈"))
    assert "联系电话" in updated and "→ 13800001111" in updated
    refused = dialog.refused_view.model()
    cells = [
        (refused.index(r, 0).data(), refused.index(r, 1).data(), refused.index(r, 2).data())
        for r in range(refused.rowCount())
    ]
    assert (6, "联系电话", "12345") in cells
    assert any(row == 7 and value == "大理市" for row, _col, value in cells)
    assert any(row == 8 for row, _col, _value in cells)
    reasons = [refused.index(r, 3).data() for r in range(refused.rowCount())]
    assert all(reasons)
    assert dialog.tabs.tabText(1) == "拒绝的行 (3)"
    mapped = [dialog.mapping_view.topLevelItem(i) for i in range(dialog.mapping_view.topLevelItemCount())]
    assert any(item.text(1) == "单位名称" for item in mapped)
    assert any(item.text(0) == "（未使用）" and item.text(1) == "备用列" for item in mapped)
    # Nothing is written by the preview.
    assert len(list_hotels(demo_ctx.db)) == 40


def test_the_file_is_named_as_it_is_even_with_a_percent_in_its_folder(
    qtbot, parent: QWidget, demo_ctx: AppContext, tmp_path: Path
) -> None:
    """A folder named like ``数据%20#1`` (a "%2" inside a value must not be taken for a placeholder)."""
    folder = tmp_path / "检查 数据%20#1"
    folder.mkdir()
    path = messy_sheet(folder / "名单%1.xlsx", demo_ctx)
    dialog = ImportDialog(demo_ctx, path, parent)
    dialog.show()
    assert dialog.page() == "preview"
    assert dialog.file_label.text() == f"文件：{path} — 共 6 行数据"


def test_apply_writes_the_rows_and_the_registry_shows_them(qtbot, demo_ctx: AppContext, sheet: Path) -> None:
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    window.show()
    window.start()
    dialog = window.import_hotels(sheet)
    assert dialog is not None and dialog.page() == "preview"
    with qtbot.waitSignal(dialog.sig_imported):
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert dialog.page() == "done"
    assert "新增 2 家" in dialog.done_label.text()
    names = {window.registry.model.index(r, 1).data() for r in range(window.registry.model.rowCount())}
    assert {"新华宾馆", "高黎贡客栈"} <= names
    assert window.registry.model.rowCount() == 42
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_cancel_leaves_everything_unchanged(
    qtbot, parent: QWidget, demo_ctx: AppContext, sheet: Path
) -> None:
    before = list_hotels(demo_ctx.db)
    dialog = ImportDialog(demo_ctx, sheet, parent)
    dialog.show()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert list_hotels(demo_ctx.db) == before


def test_missing_columns_are_named(qtbot, parent: QWidget, ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "no-names.csv"
    write_table(path, ["地址", "联系电话"], [["保山", "0875-2123456"]])
    dialog = ImportDialog(ctx, path, parent)
    dialog.show()
    assert dialog.page() == "refused"
    assert dialog.missing_label.isVisible()
    assert "酒店名称" in dialog.missing_label.text()
    assert "所属县区" in dialog.missing_label.text()
    assert dialog.other_button.isVisible()
    assert not dialog.apply_button.isVisible()


def test_not_a_spreadsheet_is_refused_clearly(
    qtbot, parent: QWidget, ctx: AppContext, tmp_path: Path
) -> None:
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\xff\xd8\xff\xe0 not a workbook")
    dialog = ImportDialog(ctx, path, parent)
    dialog.show()
    assert dialog.page() == "refused"
    assert "photo.xlsx" in dialog.refused_label.text()


@pytest.mark.slow
def test_ten_thousand_rows_never_freeze_the_window(
    qtbot, parent: QWidget, ctx: AppContext, tmp_path: Path
) -> None:
    path = tmp_path / "big.csv"
    divisions = ["隆阳区", "施甸县", "龙陵县", "昌宁县", "腾冲市"]
    write_table(
        path,
        ["酒店名称", "所属县区", "地址", "联系电话", "客房数"],
        (
            [f"测试酒店{i:05d}", divisions[i % 5], f"保山市某路{i}号", f"0875-{2100000 + i}", 10 + i % 90]
            for i in range(10_000)
        ),
    )
    ctx.runner.synchronous = False  # the real thing: worker threads
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    started = time.perf_counter()
    dialog = ImportDialog(ctx, path, parent)
    dialog.show()
    assert dialog.page() == "working"
    with qtbot.waitSignal(dialog.sig_preview_ready, timeout=120_000):
        pass
    elapsed = time.perf_counter() - started
    timer.stop()
    assert dialog.count_labels["create"].text() == "10000"
    # The event loop kept running: no gap between timer ticks longer than half a second.
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert ticks and max(gaps, default=0) < 0.5, (elapsed, max(gaps, default=0))
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    ctx.runner.wait()
    assert list_hotels(ctx.db) == []
