"""Printing from the program, driven as a user drives it: the 打印 menu and Ctrl+P in the main window, the
打印 button of the registry's history panel, and 打印… / 打印整改通知书… in the inspection window. Each
opens the print preview, whose PDF (made through the job runner, here at once) is read back with pypdf.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu, QMessageBox, QWidget

from hoteltv.domain import clock
from hoteltv.services import inspections as insp_service
from hoteltv.services import notices as notice_service
from ui.context import AppContext
from ui.inspection import open_inspection_window, open_windows
from ui.inspection.window import InspectionWindow
from ui.main_window import MainWindow
from ui.print_preview import PrintPreviewDialog
from ui.printing import BatchDialog, SummaryDialog
from ui.verify_dialog import VerifyDialog

OVERDUE_HOTEL = "板桥假日酒店"  # demo: a failed first inspection and an open, overdue notice


@pytest.fixture
def window(qtbot: Any, demo_ctx: AppContext) -> Iterator[MainWindow]:
    w = MainWindow(demo_ctx)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    w.start()
    assert w.registry.loaded
    yield w
    for record in open_windows():
        record.close()


def pdf_text(path: Path) -> str:
    """The PDF's text without whitespace (pypdf spaces CJK glyphs oddly)."""
    return "".join("".join(page.extract_text() or "" for page in PdfReader(str(path)).pages).split())


def page_count(path: Path) -> int:
    return len(PdfReader(str(path)).pages)


def preview_of(parent: QWidget) -> PrintPreviewDialog:
    """The one print preview open over ``parent``, with its PDF made."""
    dialogs = [d for d in parent.findChildren(PrintPreviewDialog) if d.isVisible()]
    assert len(dialogs) == 1, dialogs
    dialog = dialogs[0]
    assert dialog.ready, dialog.progress_label.text()
    assert dialog.document.pageCount() == page_count(dialog.pdf_path)
    return dialog


def info_box(parent: QWidget) -> QMessageBox:
    boxes = [b for b in parent.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    return boxes[0]


def select(window: MainWindow, name: str) -> Any:
    hotel = next(h for h in window.registry.model.hotels() if h.name == name)
    assert window.registry.select_hotel(hotel.id)
    return hotel


def menu_action(window: MainWindow, menu: QMenu, text: str) -> Any:
    action = next(a for a in menu.actions() if a.text().replace("&", "").startswith(text))
    assert action.isEnabled()
    return action


# --- the main window ------------------------------------------------------------------------------------------


def test_print_menu_lists_every_document_and_ctrl_p_is_in_the_help(window: MainWindow) -> None:
    texts = [a.text() for a in window.print_menu.actions() if not a.isSeparator()]
    assert texts == [
        "打印检查记录(&I)…",
        "打印整改通知书(&N)…",
        "打印空白检查表(&B)…",
        "打印统计报表(&S)…",
        "批量打印检查记录(&A)…",
        "验证打印件(&V)…",
    ]
    assert window.menuBar().actions()[2].text() == "打印(&P)"
    assert window.act_print_sheet.shortcut().toString() == "Ctrl+P"
    box = window.show_shortcuts()
    assert "Ctrl+P" in box.text() and "打印选中的检查记录" in box.text()
    box.close()


def test_ctrl_p_prints_the_inspection_selected_in_the_history(qtbot: Any, window: MainWindow) -> None:
    hotel = select(window, OVERDUE_HOTEL)
    history = window.registry.history
    failed = next(i for i in history.history.inspections if i.result == "fail")
    assert history.selected_inspection() == failed.id  # the newest is selected when the history arrives
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    qtbot.keyClick(window.registry.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = preview_of(window)
    assert failed.record_number in dialog.windowTitle()
    assert dialog.file_name == f"现场检查记录-{failed.record_number}.pdf"
    text = pdf_text(dialog.pdf_path)
    assert "现场检查记录" in text and hotel.name in text and failed.record_number in text
    assert "不合格" in text and "草稿" not in text
    dialog.close_button.click()
    assert not dialog.isVisible()


def test_print_inspection_without_a_record_gives_a_hint(qtbot: Any, window: MainWindow) -> None:
    window.registry.table.clearSelection()
    window.registry.table.setCurrentIndex(window.registry.proxy.index(-1, -1))
    menu_action(window, window.print_menu, "打印检查记录").trigger()
    box = info_box(window)
    assert "请先在酒店名册中选择一家酒店" in box.text()
    box.close()
    never = next(h for h in window.registry.model.hotels() if h.last_inspection_at is None)
    select(window, never.name)
    window.act_print_sheet.trigger()
    box = info_box(window)
    assert never.name in box.text() and "还没有检查记录" in box.text()
    box.close()
    assert not window.findChildren(PrintPreviewDialog)


def test_history_panel_print_button_prints_the_chosen_record(qtbot: Any, window: MainWindow) -> None:
    hotel = next(h for h in window.registry.model.hotels() if h.name == "兰城客栈")  # first + re-inspection
    select(window, hotel.name)
    history = window.registry.history
    assert history.tree.topLevelItemCount() == 2
    older = history.tree.topLevelItem(1)
    history.tree.setCurrentItem(older)
    assert history.print_button.isEnabled()
    qtbot.mouseClick(history.print_button, Qt.MouseButton.LeftButton)
    dialog = preview_of(window)
    assert older.text(0) in dialog.windowTitle()
    assert older.text(0) in pdf_text(dialog.pdf_path)


def test_print_notice_prints_the_hotels_latest_notice(
    qtbot: Any, window: MainWindow, demo_ctx: AppContext
) -> None:
    hotel = select(window, OVERDUE_HOTEL)
    notice = notice_service.list_notices(demo_ctx.db, hotel_id=hotel.id)[0]
    menu_action(window, window.print_menu, "打印整改通知书").trigger()
    dialog = preview_of(window)
    assert notice.number in dialog.windowTitle()
    text = pdf_text(dialog.pdf_path)
    assert "整改通知书" in text and notice.number in text and hotel.name in text and "送达回证" in text
    dialog.reject()
    # A hotel that never had a notice: a hint, no preview.
    clean = next(
        h
        for h in window.registry.model.hotels()
        if not notice_service.list_notices(demo_ctx.db, hotel_id=h.id)
    )
    select(window, clean.name)
    window.act_print_notice.trigger()
    box = info_box(window)
    assert clean.name in box.text() and "还没有整改通知书" in box.text()
    box.close()


def test_blank_field_form_asks_for_the_room_columns(qtbot: Any, window: MainWindow) -> None:
    hotel = select(window, OVERDUE_HOTEL)
    menu_action(window, window.print_menu, "打印空白检查表").trigger()
    question = window.findChild(QInputDialog, "fieldFormRoomsDialog")
    assert question is not None and question.isVisible()
    assert hotel.name in question.labelText() and question.intValue() == 4
    question.setIntValue(7)
    question.accept()
    dialog = preview_of(window)
    text = pdf_text(dialog.pdf_path)
    assert hotel.name in text and "现场填写" in text
    assert text.count("房间备注") == 2  # one room table holds 5 columns: 7 rooms take two
    dialog.reject()


def test_summary_report_for_one_division_and_all_hotels(qtbot: Any, window: MainWindow) -> None:
    menu_action(window, window.print_menu, "打印统计报表").trigger()
    dialog = window.findChild(SummaryDialog)
    assert dialog is not None and dialog.isVisible()
    assert not dialog.period.since_edit.isEnabled()  # the whole campaign unless a period is ticked
    dialog.division.setCurrentIndex(dialog.division.findText("施甸县"))
    dialog.all_button.setChecked(True)
    dialog.period.limit.setChecked(True)
    dialog.period.since_edit.setDate(QDate(2030, 1, 2))
    dialog.period.until_edit.setDate(QDate(2030, 1, 1))
    assert not dialog.ok_button.isEnabled() and dialog.error_label.isVisible()
    dialog.period.limit.setChecked(False)
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    preview = preview_of(window)
    text = pdf_text(preview.pdf_path)
    assert "施甸县" in text and "隆阳区" not in text
    assert "统计" in text


def test_batch_prints_every_matching_sheet_in_one_pdf(
    qtbot: Any, window: MainWindow, demo_ctx: AppContext
) -> None:
    menu_action(window, window.print_menu, "批量打印检查记录").trigger()
    dialog = window.findChild(BatchDialog)
    assert dialog is not None and dialog.isVisible()
    # Nothing started in a period long ago: Preview stays disabled.
    dialog.period.since_edit.setDate(QDate(2001, 1, 1))
    dialog.period.until_edit.setDate(QDate(2001, 12, 31))
    assert dialog.count_label.text() == "没有符合条件的检查记录。"
    assert not dialog.ok_button.isEnabled()
    dialog.period.limit.setChecked(False)
    records = insp_service.list_inspections(demo_ctx.db)
    assert dialog.count_label.text() == f"将打印 {len(records)} 份检查记录。"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    preview = preview_of(window)
    assert preview.title == "批量打印检查记录"
    text = pdf_text(preview.pdf_path)
    for record in records:
        assert record.record_number in text
    assert page_count(preview.pdf_path) >= len(records)


def test_batch_division_and_drafts(qtbot: Any, window: MainWindow, demo_ctx: AppContext) -> None:
    hotel = next(h for h in window.registry.model.hotels() if h.last_inspection_at is None)
    team = [i.id for i in insp_service.list_inspectors(demo_ctx.db)][:2]
    draft = insp_service.start_inspection(demo_ctx.db, hotel.id, team)
    finalized = [
        i
        for i in insp_service.list_inspections(demo_ctx.db)
        if i.division_name == hotel.division_name and i.status == "finalized"
    ]
    dialog = window.print_batch()
    dialog.division.setCurrentIndex(dialog.division.findData(hotel.division_code))
    assert dialog.matching == len(finalized)  # drafts are left out unless asked for
    dialog.drafts.setChecked(True)
    assert dialog.matching == len(finalized) + 1
    assert dialog.count_label.text() == f"将打印 {len(finalized) + 1} 份检查记录。"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    preview = preview_of(window)
    text = pdf_text(preview.pdf_path)
    assert draft.record_number in text and "草稿" in text
    for record in finalized:
        assert record.record_number in text


def test_verify_a_printed_sheet(qtbot: Any, window: MainWindow, type_text: Any) -> None:
    select(window, OVERDUE_HOTEL)
    preview = window.print_inspection()
    assert preview is not None
    code = re.search(r"J-[0-9A-F]{8}-V\d+-[0-9A-F]{10}", pdf_text(preview.pdf_path))
    assert code is not None
    preview.reject()
    menu_action(window, window.print_menu, "验证打印件").trigger()
    dialog = window.findChild(VerifyDialog)
    assert dialog is not None and dialog.isVisible()
    type_text(dialog.code_edit, code.group(0))
    qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    assert dialog.result_value is not None and dialog.result_value.current
    assert "一致" in dialog.headline.text()


def test_the_preview_fits_a_laptop_screen(window: MainWindow) -> None:
    select(window, OVERDUE_HOTEL)
    preview = window.print_inspection()
    assert preview is not None
    screen = window.screen().availableGeometry()
    assert preview.height() <= screen.height() - 60  # title bar and taskbar
    assert preview.minimumSizeHint().width() <= 1366 - 40


# --- the inspection window ------------------------------------------------------------------------------------


def _record_window(qtbot: Any, ctx: AppContext, inspection_id: str, parent: QWidget) -> InspectionWindow:
    record = open_inspection_window(ctx, inspection_id, parent)
    assert isinstance(record, InspectionWindow)
    qtbot.waitUntil(lambda: record.view is not None)
    return record


def test_inspection_window_prints_a_finalized_record_and_its_notice(
    qtbot: Any, window: MainWindow, demo_ctx: AppContext
) -> None:
    hotel = select(window, OVERDUE_HOTEL)
    failed = next(
        i for i in insp_service.list_inspections(demo_ctx.db, hotel_id=hotel.id) if i.result == "fail"
    )
    record = _record_window(qtbot, demo_ctx, failed.id, window)
    assert record.print_button.isVisible()
    qtbot.mouseClick(record.print_button, Qt.MouseButton.LeftButton)
    sheet = preview_of(record)
    text = pdf_text(sheet.pdf_path)
    assert failed.record_number in text and "草稿" not in text and "不合格" in text
    sheet.reject()
    notice = notice_service.list_notices(demo_ctx.db, hotel_id=hotel.id)[0]
    assert record.print_notice_button.isVisible()
    qtbot.mouseClick(record.print_notice_button, Qt.MouseButton.LeftButton)
    preview = preview_of(record)
    assert notice.number in pdf_text(preview.pdf_path)


def test_a_draft_prints_with_a_watermark_and_its_latest_edits(
    qtbot: Any, window: MainWindow, demo_ctx: AppContext, type_text: Any
) -> None:
    hotel = next(h for h in window.registry.model.hotels() if h.last_inspection_at is None)
    team = [i.id for i in insp_service.list_inspectors(demo_ctx.db)][:2]
    draft = insp_service.start_inspection(demo_ctx.db, hotel.id, team)
    record = _record_window(qtbot, demo_ctx, draft.id, window)
    assert not record.print_notice_button.isVisible()
    record.tabs.setCurrentWidget(record.conclusion)
    record.findings_edit.setFocus()
    type_text(record.findings_edit, "机顶盒遥控器缺失")  # still waiting for its pause when printing
    record.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is record, timeout=3000)
    qtbot.keyClick(record.findings_edit, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    preview = preview_of(record)
    text = pdf_text(preview.pdf_path)
    assert draft.record_number in text and "草稿" in text and "机顶盒遥控器缺失" in text
    assert "草稿" in record.statusBar().currentMessage()


def test_printing_in_english(qtbot: Any, demo_ctx: AppContext, qapp: QApplication) -> None:
    from ui import app as gui

    gui.install_translators(qapp, "en")
    try:
        demo_ctx.language = "en"
        w = MainWindow(demo_ctx)
        qtbot.addWidget(w)
        w.show()
        w.start()
        assert w.print_menu.title() == "&Print"
        assert w.act_print_sheet.text() == "Print &inspection record…"
        dialog = w.print_summary()
        assert dialog.windowTitle() == "Print summary report"
        assert dialog.ok_button.text() == "Preview…"
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        preview = preview_of(w)
        assert preview.windowTitle() == "Print preview - Summary report"
        assert preview.print_button.text() == "Print…" and preview.page_total.text().startswith("of ")
        assert "统计" in pdf_text(preview.pdf_path)  # the document itself stays Chinese
    finally:
        gui.install_translators(qapp, "zh_CN")


def test_default_periods(window: MainWindow) -> None:
    today = clock.today()  # the bureau's day, as the dialog counts it
    summary = window.print_summary()
    assert summary.choice().since is None and summary.choice().pilot_only
    summary.reject()
    batch = window.print_batch()
    assert batch.choice().since == today - timedelta(days=30) and batch.choice().until == today
    batch.reject()
