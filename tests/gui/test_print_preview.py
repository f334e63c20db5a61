"""The print preview: the PDF is made through the job runner, shown, paged, zoomed, saved and printed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from PySide6.QtCore import QTimer
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QLineEdit

from hoteltv.reports.common import ReportOptions, report_progress
from hoteltv.reports.inspection_sheet import write_inspection_sheet
from hoteltv.services.inspections import list_inspections
from ui import print_preview
from ui.context import AppContext
from ui.print_preview import PrintPreviewDialog


def _sheet_maker(ctx: AppContext) -> Any:
    inspection = next(i for i in list_inspections(ctx.db) if i.result == "fail")
    options = ReportOptions.from_settings(ctx.home, ctx.settings, ctx.divisions)
    return lambda path, progress: write_inspection_sheet(ctx.db, inspection.id, path, options, progress)


def test_shows_the_generated_pdf_with_pages_and_zoom(qtbot: Any, demo_ctx: AppContext) -> None:
    dialog = PrintPreviewDialog(demo_ctx, _sheet_maker(demo_ctx), "现场检查记录")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.ready
    assert dialog.document.pageCount() == 2
    assert dialog.page_total.text().endswith("2 页")
    assert not dialog.progress_row.isVisible()
    assert dialog.current_page() == 0 and not dialog.prev_button.isEnabled()
    qtbot.mouseClick(dialog.next_button, print_preview.Qt.MouseButton.LeftButton)
    assert dialog.current_page() == 1 and dialog.page_box.value() == 2
    assert not dialog.next_button.isEnabled()
    dialog.page_box.setValue(1)
    assert dialog.current_page() == 0
    dialog.zoom_in_button.click()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.Custom
    assert dialog.zoom_label.text().endswith("%")
    dialog.fit_width_button.click()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth


def test_the_view_paints_pages_on_white(qtbot: Any, demo_ctx: AppContext) -> None:
    dialog = PrintPreviewDialog(demo_ctx, _sheet_maker(demo_ctx), "现场检查记录")
    qtbot.addWidget(dialog)
    dialog.resize(700, 900)
    dialog.show()
    qtbot.waitExposed(dialog)

    def grab() -> Any:
        return dialog.view.viewport().grab().toImage()

    def has_text() -> bool:  # pages are rendered in the background
        image = grab()
        return any(
            image.pixelColor(x, y).lightness() < 80
            for x in range(0, image.width(), 3)
            for y in range(60, 200, 3)
        )

    qtbot.waitUntil(has_text, timeout=10_000)
    image = grab()
    centre = image.pixelColor(image.width() // 2, 30)
    assert centre.lightness() > 240  # paper, not the dark desk
    page = dialog.document.render(0, print_preview.QSize(300, 424))
    assert page.pixelColor(5, 5).lightness() > 250


def test_progress_and_cancel_while_making(qtbot: Any, demo_ctx: AppContext) -> None:
    seen: list[tuple[int, int, str]] = []

    def slow(path: Path, progress: Any) -> None:
        for n in range(5):
            seen.append((n, 5, "step"))
            report_progress(progress, n, 5, f"第{n}步")
            if n == 2:
                dialog_ref[0].cancel_button.click()

    dialog_ref: list[Any] = []

    class Deferred(PrintPreviewDialog):
        def __init__(self, *a: Any, **k: Any) -> None:
            dialog_ref.append(self)
            super().__init__(*a, **k)

    dialog = Deferred(demo_ctx, slow, "test")
    qtbot.addWidget(dialog)
    # Cancel was pressed during step 2; the next progress report stopped the job, and the dialog closed.
    assert len(seen) == 4
    assert dialog.result() == print_preview.QDialog.DialogCode.Rejected


def test_a_failure_is_shown(qtbot: Any, demo_ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[BaseException] = []
    monkeypatch.setattr(print_preview, "show_error", lambda parent, exc, context="": shown.append(exc))

    def broken(path: Path, progress: Any) -> None:
        raise ValueError("boom")

    dialog = PrintPreviewDialog(demo_ctx, broken, "test")
    qtbot.addWidget(dialog)
    assert not dialog.ready
    assert isinstance(shown[0], ValueError)
    assert dialog.progress_label.text() == "生成失败"


def test_save_as_pdf(
    qtbot: Any, demo_ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = PrintPreviewDialog(demo_ctx, _sheet_maker(demo_ctx), "现场检查记录")
    qtbot.addWidget(dialog)
    target = tmp_path / "保存的记录"
    monkeypatch.setattr(
        print_preview.QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "PDF"))
    )
    with qtbot.waitSignal(dialog.sig_saved) as saved:
        dialog.save_button.click()
    assert saved.args == [str(target) + ".pdf"]
    assert len(PdfReader(str(target) + ".pdf").pages) == 2


def test_print_goes_through_the_print_dialog(qtbot: Any, demo_ctx: AppContext, tmp_path: Path) -> None:
    dialog = PrintPreviewDialog(demo_ctx, _sheet_maker(demo_ctx), "现场检查记录")
    qtbot.addWidget(dialog)
    dialog.show()
    out = tmp_path / "printed.pdf"

    def accept_print_dialog() -> None:
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QPrintDialog) and w.isVisible())
        # With no printer installed Qt offers "Print to File (PDF)": type the file name as a user would.
        box.findChild(QLineEdit, "filename").setText(str(out))
        box.accept()

    QTimer.singleShot(0, accept_print_dialog)
    with qtbot.waitSignal(dialog.sig_printed, timeout=20_000) as printed:
        dialog.print_button.click()
    assert printed.args == [2]
    assert len(PdfReader(str(out)).pages) == 2


def test_print_to_honours_a_page_range(qtbot: Any, demo_ctx: AppContext, tmp_path: Path) -> None:
    dialog = PrintPreviewDialog(demo_ctx, _sheet_maker(demo_ctx), "现场检查记录")
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "p2.pdf"))
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 2)
    assert dialog.print_to(printer) == 1
    assert len(PdfReader(str(tmp_path / "p2.pdf")).pages) == 1
