"""Print preview: a PDF made in the background, shown with QtPdf, printed through Qt's print dialog or saved.

``PrintPreviewDialog(ctx, make_pdf, title, parent)`` calls ``make_pdf(path, progress)`` on a worker
thread (``ctx.runner``), with a progress bar and Cancel; ``progress(done, total, text)`` returns False
once Cancel is pressed, and the core documents then stop with ``ReportCancelled``. The finished PDF
is shown in a ``QPdfView`` (pages on white, on a grey desk) with page navigation and zoom.

Print… opens ``QPrintDialog``; each chosen page is rendered by ``QPdfDocument.render`` at up to 300 dpi
and painted full-page into the ``QPrinter`` (the document carries its own margins). Save as PDF… copies
the file atomically. The lead wires the dialog to the menus, e.g.::

    PrintPreviewDialog(ctx, lambda path, progress: write_inspection_sheet(ctx.db, id, path, opts, progress),
                       "现场检查记录", parent).open()
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRect, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPageLayout, QPageSize, QPainter, QPalette, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hoteltv.io.files import atomic_write_bytes
from hoteltv.reports.common import ReportCancelled
from ui.context import AppContext
from ui.folders import documents_folder
from ui.messages import error_shower, show_error

Progress = Callable[[int, int, str], bool]
MakePdf = Callable[[Path, Progress], Any]

#: Pages are rendered for the printer at no more than this resolution (plenty for text and photos).
PRINT_DPI = 300
ZOOM_STEP = 1.25


class PrintPreviewDialog(QDialog):
    """Make a PDF in the background, preview it, print it or save it."""

    sig_ready = Signal(int)
    """The PDF is made and shown: its page count."""
    sig_failed = Signal(object)
    """Making the PDF failed (the exception); the dialog shows it."""
    sig_saved = Signal(str)
    """The PDF was saved to this path."""
    sig_printed = Signal(int)
    """This many pages went to the printer."""

    def __init__(
        self,
        ctx: AppContext,
        make_pdf: MakePdf,
        title: str,
        parent: QWidget | None = None,
        *,
        file_name: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.title = title
        self.file_name = file_name or f"{title}.pdf"
        self.setWindowTitle(self.tr("打印预览 - {0}").format(title))
        self.resize(900, 1000)
        self._tmp = tempfile.TemporaryDirectory(prefix="hoteltv-preview-")
        self.pdf_path = Path(self._tmp.name) / "preview.pdf"
        self._job: Any = None
        self._closed = False

        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        palette = self.view.palette()
        palette.setColor(QPalette.ColorRole.Dark, QColor("#6b6b6b"))
        palette.setColor(QPalette.ColorRole.Base, QColor("#6b6b6b"))
        self.view.setPalette(palette)
        self.view.setBackgroundRole(QPalette.ColorRole.Dark)

        self.print_button = QPushButton(self.tr("打印…"))
        self.save_button = QPushButton(self.tr("另存为PDF…"))
        self.prev_button = QPushButton(self.tr("上一页"))
        self.next_button = QPushButton(self.tr("下一页"))
        self.page_box = QSpinBox()
        self.page_box.setMinimum(1)
        self.page_total = QLabel()
        self.zoom_out_button = QPushButton(self.tr("缩小"))
        self.zoom_in_button = QPushButton(self.tr("放大"))
        self.fit_width_button = QPushButton(self.tr("适合宽度"))
        self.fit_page_button = QPushButton(self.tr("整页"))
        self.zoom_label = QLabel()
        self.close_button = QPushButton(self.tr("关闭"))

        self.progress_bar = QProgressBar()
        self.progress_label = QLabel(self.tr("正在生成…"))
        self.cancel_button = QPushButton(self.tr("取消"))

        tools = QHBoxLayout()
        w: QWidget
        for w in (self.print_button, self.save_button):
            tools.addWidget(w)
        tools.addSpacing(16)
        for w in (self.prev_button, self.page_box, self.page_total, self.next_button):
            tools.addWidget(w)
        tools.addSpacing(16)
        for w in (
            self.zoom_out_button,
            self.zoom_label,
            self.zoom_in_button,
            self.fit_width_button,
            self.fit_page_button,
        ):
            tools.addWidget(w)
        tools.addStretch(1)
        tools.addWidget(self.close_button)
        self.progress_row = QWidget()
        progress = QHBoxLayout(self.progress_row)
        progress.setContentsMargins(0, 0, 0, 0)
        progress.addWidget(self.progress_label)
        progress.addWidget(self.progress_bar, 1)
        progress.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.progress_row)
        layout.addWidget(self.view, 1)

        self.print_button.clicked.connect(self._ask_print)
        self.save_button.clicked.connect(self._ask_save)
        self.prev_button.clicked.connect(lambda: self.go_to_page(self.current_page() - 1))
        self.next_button.clicked.connect(lambda: self.go_to_page(self.current_page() + 1))
        self.page_box.valueChanged.connect(lambda value: self.go_to_page(value - 1))
        self.zoom_in_button.clicked.connect(lambda: self.set_zoom(self.view.zoomFactor() * ZOOM_STEP))
        self.zoom_out_button.clicked.connect(lambda: self.set_zoom(self.view.zoomFactor() / ZOOM_STEP))
        self.fit_width_button.clicked.connect(lambda: self._fit(QPdfView.ZoomMode.FitToWidth))
        self.fit_page_button.clicked.connect(lambda: self._fit(QPdfView.ZoomMode.FitInView))
        self.close_button.clicked.connect(self.reject)
        self.cancel_button.clicked.connect(self.cancel)
        self.view.pageNavigator().currentPageChanged.connect(self._page_changed)
        self.view.zoomFactorChanged.connect(lambda _f: self._update_zoom_label())
        QShortcut(QKeySequence.StandardKey.Print, self, self._ask_print)
        QShortcut(QKeySequence(Qt.Key.Key_PageDown), self, lambda: self.go_to_page(self.current_page() + 1))
        QShortcut(QKeySequence(Qt.Key.Key_PageUp), self, lambda: self.go_to_page(self.current_page() - 1))
        self._set_ready(False)
        self._update_zoom_label()

        self._cancel_requested = False

        def job(progress: Progress) -> Any:
            # Also stops when Cancel was pressed before the runner handed back the job (synchronous runs).
            return make_pdf(
                self.pdf_path, lambda d, t, text: progress(d, t, text) and not self._cancel_requested
            )

        self._job = ctx.runner.submit(
            job,
            on_done=self._made,
            on_error=self._failed,
            on_progress=self._progress,
            label=self.tr("生成PDF"),
            write=False,
        )

    # --- making the PDF -------------------------------------------------------------------------------

    def _progress(self, done: int, total: int, text: str) -> None:
        if self._closed:
            return
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(min(done, max(total, 1)))
        if text:
            self.progress_label.setText(text.split(" (")[0])

    def _made(self, _result: Any) -> None:
        if self._closed:
            return
        self.document.load(str(self.pdf_path))
        pages = self.document.pageCount()
        self.page_box.setMaximum(max(pages, 1))
        self.page_total.setText(self.tr("/ 共 {0} 页").format(pages))
        self.progress_row.hide()
        self._set_ready(pages > 0)
        self._page_changed(0)
        self.sig_ready.emit(pages)

    def _failed(self, exc: Exception) -> None:
        if self._closed:
            return
        if isinstance(exc, ReportCancelled):
            self.reject()
            return
        self.progress_label.setText(self.tr("生成失败"))
        self.cancel_button.setEnabled(False)
        self.sig_failed.emit(exc)
        show_error(self, exc, self.tr("生成PDF"))

    def cancel(self) -> None:
        """Stop making the PDF (the dialog closes once the job has stopped)."""
        if not self.ready and not self._cancel_requested and self.cancel_button.isEnabled():
            self._cancel_requested = True
            if self._job is not None:
                self._job.cancel()
            self.progress_label.setText(self.tr("正在取消…"))
            self.cancel_button.setEnabled(False)
        else:
            self.reject()

    @property
    def ready(self) -> bool:
        return self.print_button.isEnabled()

    def _set_ready(self, ready: bool) -> None:
        for w in (
            self.print_button,
            self.save_button,
            self.prev_button,
            self.next_button,
            self.page_box,
            self.zoom_in_button,
            self.zoom_out_button,
            self.fit_width_button,
            self.fit_page_button,
        ):
            w.setEnabled(ready)

    # --- navigation and zoom ------------------------------------------------------------------------------

    def current_page(self) -> int:
        """The page shown, from 0."""
        return self.view.pageNavigator().currentPage()

    def go_to_page(self, page: int) -> None:
        """Show page ``page`` (from 0; clamped to the document)."""
        count = self.document.pageCount()
        if count <= 0:
            return
        page = max(0, min(page, count - 1))
        if page != self.current_page():
            self.view.pageNavigator().jump(page, QPointF(), self.view.pageNavigator().currentZoom())
        self._page_changed(page)

    def _page_changed(self, page: int) -> None:
        self.page_box.blockSignals(True)
        self.page_box.setValue(page + 1)
        self.page_box.blockSignals(False)
        count = self.document.pageCount()
        self.prev_button.setEnabled(self.ready and page > 0)
        self.next_button.setEnabled(self.ready and page < count - 1)

    def set_zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.1, min(factor, 8.0)))
        self._update_zoom_label()

    def _fit(self, mode: QPdfView.ZoomMode) -> None:
        self.view.setZoomMode(mode)
        self._update_zoom_label()

    def _update_zoom_label(self) -> None:
        custom = self.view.zoomMode() == QPdfView.ZoomMode.Custom
        self.zoom_label.setText(f"{self.view.zoomFactor() * 100:.0f}%" if custom else "")

    # --- saving and printing --------------------------------------------------------------------------------

    def _ask_save(self) -> None:
        settings = QSettings()
        folder = str(settings.value("print_preview/folder", str(documents_folder())))
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("另存为PDF"), str(Path(folder) / self.file_name), self.tr("PDF 文件 (*.pdf)")
        )
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        settings.setValue("print_preview/folder", str(Path(path).parent))
        self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        """Copy the PDF to ``path`` (atomically, in the background); ``sig_saved`` when done."""
        source = self.pdf_path

        def job(_progress: Progress) -> str:
            atomic_write_bytes(path, source.read_bytes())
            return str(path)

        self.ctx.runner.submit(
            job,
            on_done=self.sig_saved.emit,
            on_error=error_shower(self, self.tr("保存PDF")),
            label=self.tr("保存PDF"),
            write=False,
        )

    def _ask_print(self) -> None:
        if not self.ready:
            return
        printer = self._printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("打印 - {0}").format(self.title))
        dialog.setMinMax(1, self.document.pageCount())
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
        # Window-modal and shown, not exec(): the event loop keeps running (and a test can find the dialog).
        # (PySide6 hides QPrintDialog's no-argument open() behind its open(receiver, member) overload.)
        dialog.accepted.connect(lambda: self.print_to(printer))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()
        self._print_dialog = dialog

    def _printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        printer.setFullPage(True)  # the PDF pages carry their own margins
        return printer

    def print_to(self, printer: QPrinter) -> int:
        """Render the chosen pages (all, or the printer's page range) into ``printer``; returns pages printed."""
        count = self.document.pageCount()
        first, last = 0, count - 1
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first = printer.fromPage() - 1
            last = min(count, printer.toPage() or count) - 1
        pages = list(range(first, last + 1))
        printer.setFullPage(True)
        painter = QPainter()
        if not painter.begin(printer):
            show_error(self, RuntimeError(self.tr("无法开始打印")), self.tr("打印"))
            return 0
        progress = QProgressDialog(self.tr("正在打印…"), self.tr("取消"), 0, len(pages), self)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(500)
        dpi = min(printer.resolution(), PRINT_DPI)
        printed = 0
        try:
            for n, page in enumerate(pages):
                if progress.wasCanceled():
                    break
                if n:
                    printer.newPage()
                target = painter.viewport()
                points = self.document.pagePointSize(page)
                size = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
                image = self.document.render(page, size)
                painter.drawImage(_fit(target, image.size()), image)
                printed += 1
                progress.setValue(n + 1)
        finally:
            painter.end()
            progress.close()
        self.sig_printed.emit(printed)
        return printed

    # --- closing --------------------------------------------------------------------------------------------

    def done(self, result: int) -> None:
        self._cancel_requested = True
        self._closed = True
        self.document.close()
        super().done(result)
        shutil.rmtree(self._tmp.name, ignore_errors=True)


def _fit(area: QRect, size: QSize) -> QRect:
    """The largest rectangle of ``size``'s shape centred in ``area``."""
    scale = min(area.width() / max(size.width(), 1), area.height() / max(size.height(), 1))
    w, h = round(size.width() * scale), round(size.height() * scale)
    return QRect(area.x() + (area.width() - w) // 2, area.y() + (area.height() - h) // 2, w, h)
