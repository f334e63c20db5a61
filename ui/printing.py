"""Printing from the program: which document, for what, and its print preview.

Each ``preview_*`` function opens a :class:`ui.print_preview.PrintPreviewDialog` whose PDF is made in the
background (``ctx.runner``) by one of the core's writers in :mod:`hoteltv.reports`; the small dialogs
here only collect what a writer needs (how many room columns, a period, a division). The main window's
打印 menu, the registry's history panel and the inspection window all print through these functions.
GUI thread only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLayout,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from hoteltv.domain import clock
from hoteltv.reports.batch import select_inspections, write_batch
from hoteltv.reports.common import ReportOptions
from hoteltv.reports.field_form import DEFAULT_ROOMS, MAX_ROOMS, write_field_form
from hoteltv.reports.inspection_sheet import write_inspection_sheet
from hoteltv.reports.notice import write_notice
from hoteltv.reports.summary_report import write_summary_report
from hoteltv.services import notices as notice_service
from ui.context import AppContext
from ui.dialog_parts import ok_cancel
from ui.messages import fill, show_error, show_info
from ui.print_preview import PrintPreviewDialog, Progress
from ui.qtdates import py_date, qt_date

#: The preview never opens taller or wider than this (it shrinks further to fit a small screen).
PREVIEW_SIZE = (900, 1000)


translate = QCoreApplication.translate


def report_options(ctx: AppContext) -> ReportOptions:
    """What the documents need from the data folder in use (photos, authority, photo size)."""
    return ReportOptions.from_settings(ctx.home, ctx.settings, ctx.divisions)


def safe_file_name(name: str) -> str:
    """``name`` without the characters Windows refuses in a file name."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("._") or "document"


def _open(
    ctx: AppContext, make_pdf: Any, title: str, file_name: str, parent: QWidget | None
) -> PrintPreviewDialog:
    dialog = PrintPreviewDialog(ctx, make_pdf, title, parent, file_name=safe_file_name(file_name) + ".pdf")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    # A laptop screen is often 768 pixels high: the preview must fit, title bar and taskbar included.
    screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
    if screen is not None:
        avail = screen.availableGeometry()
        dialog.resize(min(PREVIEW_SIZE[0], avail.width() - 40), min(PREVIEW_SIZE[1], avail.height() - 60))
    dialog.open()
    return dialog


# --- one document each ----------------------------------------------------------------------------------------


def preview_inspection_sheet(
    ctx: AppContext, inspection_id: str, record_number: str, parent: QWidget | None = None
) -> PrintPreviewDialog:
    """The 现场检查记录 of one inspection (a draft prints with a 草稿 watermark)."""
    db, options = ctx.db, report_options(ctx)

    def make(path: Path, progress: Progress) -> Any:
        return write_inspection_sheet(db, inspection_id, path, options, progress)

    title = translate("Printing", "现场检查记录 %1").replace("%1", record_number)
    return _open(ctx, make, title, f"现场检查记录-{record_number}", parent)


def preview_notice(
    ctx: AppContext, notice_id: str, number: str, parent: QWidget | None = None
) -> PrintPreviewDialog:
    """The 整改通知书 with its 送达回证 receipt."""
    db, options = ctx.db, report_options(ctx)

    def make(path: Path, progress: Progress) -> Any:
        return write_notice(db, notice_id, path, options, progress)

    title = translate("Printing", "整改通知书 %1").replace("%1", number)
    return _open(ctx, make, title, f"整改通知书-{number}", parent)


def print_latest_notice(ctx: AppContext, hotel_id: str, hotel_name: str, parent: QWidget) -> None:
    """Find the hotel's most recent rectification notice (in the background) and preview it."""
    db = ctx.db

    def found(notices: list[notice_service.NoticeView]) -> None:
        if not notices:
            show_info(
                parent,
                translate("Printing", "打印整改通知书"),
                translate("Printing", "“%1”还没有整改通知书。").replace("%1", hotel_name),
            )
            return
        latest = max(notices, key=lambda n: n.issued_at)
        preview_notice(ctx, latest.id, latest.number, parent)

    def failed(exc: Exception) -> None:
        show_error(parent, exc, translate("Printing", "打印整改通知书"))

    ctx.runner.submit(
        lambda _p: notice_service.list_notices(db, hotel_id=hotel_id),
        on_done=found,
        on_error=failed,
        label=translate("Printing", "读取整改通知书"),
        write=False,
    )


def preview_field_form(
    ctx: AppContext, hotel_id: str, hotel_name: str, rooms: int, parent: QWidget | None = None
) -> PrintPreviewDialog:
    """A blank field form for one hotel with ``rooms`` empty room columns."""
    db, options = ctx.db, report_options(ctx)

    def make(path: Path, progress: Progress) -> Any:
        return write_field_form(db, hotel_id, path, options, rooms=rooms, progress=progress)

    title = translate("Printing", "空白检查表 %1").replace("%1", hotel_name)
    return _open(ctx, make, title, f"现场检查记录(空白)-{hotel_name}", parent)


def ask_field_form(ctx: AppContext, hotel_id: str, hotel_name: str, parent: QWidget) -> QInputDialog:
    """Ask how many room columns the blank form gets, then preview it. Returns the (open) question."""
    dialog = QInputDialog(parent)
    dialog.setObjectName("fieldFormRoomsDialog")
    dialog.setWindowTitle(translate("Printing", "打印空白检查表"))
    dialog.setLabelText(
        fill(
            translate("Printing", "“%1”的空白检查表。\n客房栏数（每间抽查的客房一栏，最多 %2 栏）："),
            hotel_name,
            str(MAX_ROOMS),
        )
    )
    dialog.setInputMode(QInputDialog.InputMode.IntInput)
    dialog.setIntRange(1, MAX_ROOMS)
    dialog.setIntValue(DEFAULT_ROOMS)
    dialog.setOkButtonText(translate("Printing", "预览…"))
    dialog.setCancelButtonText(translate("Printing", "取消"))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.intValueSelected.connect(
        lambda rooms: preview_field_form(ctx, hotel_id, hotel_name, rooms, parent)
    )
    dialog.open()
    return dialog


@dataclass(frozen=True)
class SummaryChoice:
    """What the summary report counts."""

    since: date | None = None
    until: date | None = None
    division: str | None = None
    pilot_only: bool = True


def preview_summary(
    ctx: AppContext, choice: SummaryChoice, parent: QWidget | None = None
) -> PrintPreviewDialog:
    """The summary report: counts by division × TV mode and status, chart, overdue notices."""
    db, options = ctx.db, report_options(ctx)

    def make(path: Path, progress: Progress) -> Any:
        return write_summary_report(
            db,
            path,
            options,
            pilot_only=choice.pilot_only,
            division=choice.division,
            since=choice.since,
            until=choice.until,
            progress=progress,
        )

    return _open(ctx, make, translate("Printing", "统计报表"), f"统计报表-{clock.today():%Y%m%d}", parent)


@dataclass(frozen=True)
class BatchChoice:
    """Which inspection sheets a batch prints."""

    since: date | None = None
    until: date | None = None
    division: str | None = None
    include_drafts: bool = False


def preview_batch(ctx: AppContext, choice: BatchChoice, parent: QWidget | None = None) -> PrintPreviewDialog:
    """Every inspection sheet of a period and/or division in one PDF (progress and Cancel while made)."""
    db, options = ctx.db, report_options(ctx)

    def make(path: Path, progress: Progress) -> Any:
        return write_batch(
            db,
            path,
            options,
            since=choice.since,
            until=choice.until,
            division=choice.division,
            include_drafts=choice.include_drafts,
            progress=progress,
        )

    stem = "现场检查记录-批量"
    if choice.since or choice.until:
        stem += f"-{choice.since or ''}~{choice.until or ''}"
    return _open(ctx, make, translate("Printing", "批量打印检查记录"), stem, parent)


# --- choosing what to print -----------------------------------------------------------------------------------


class PeriodPicker(QWidget):
    """An optional date range: a tick "only this period", then from … to …."""

    sig_changed = Signal()

    def __init__(
        self, caption: str, since: date, until: date, limited: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.limit = QCheckBox(caption)
        self.limit.setObjectName("periodLimit")
        self.limit.setChecked(limited)
        self.since_edit = QDateEdit(qt_date(since))
        self.since_edit.setObjectName("periodSince")
        self.until_edit = QDateEdit(qt_date(until))
        self.until_edit.setObjectName("periodUntil")
        for edit in (self.since_edit, self.until_edit):
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setCalendarPopup(True)
            edit.dateChanged.connect(self.sig_changed)
        self.limit.toggled.connect(self._toggled)
        dates = QHBoxLayout()
        dates.setContentsMargins(0, 0, 0, 0)
        dates.addWidget(self.since_edit)
        dates.addWidget(QLabel(self.tr("至")))
        dates.addWidget(self.until_edit)
        dates.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.limit)
        layout.addLayout(dates)
        self._toggled(limited)

    def _toggled(self, limited: bool) -> None:
        self.since_edit.setEnabled(limited)
        self.until_edit.setEnabled(limited)
        self.sig_changed.emit()

    def period(self) -> tuple[date | None, date | None]:
        """(since, until), both None when not limited to a period."""
        if not self.limit.isChecked():
            return None, None
        since, until = self.since_edit.date(), self.until_edit.date()
        return py_date(since), py_date(until)

    def valid(self) -> bool:
        since, until = self.period()
        return since is None or until is None or since <= until


def _division_combo(ctx: AppContext) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName("divisionChoice")
    combo.addItem(translate("Printing", "全部县区"), None)
    for d in ctx.divisions.divisions:
        combo.addItem(d.name, d.code)
    return combo


class _PeriodDialog(QDialog):
    """What the summary and the batch dialogs share: a period and a division, the dialog's own row, a line
    under the form, and 预览… — taken when :meth:`ready`, then ``sig_chosen`` with :meth:`choice`."""

    sig_chosen = Signal(object)
    """The user asked for the document: the dialog's choice (:class:`SummaryChoice`, :class:`BatchChoice`)."""

    period: PeriodPicker

    def __init__(self, ctx: AppContext, parent: QWidget | None, name: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setMinimumWidth(420)
        self.division = _division_combo(ctx)

    def _lay_out(self, label: str, field: QWidget | QLayout, line: QLabel) -> None:
        """The form (期间, 县区, then ``label`` ``field``), ``line`` and the buttons."""
        form = QFormLayout()
        form.addRow(self.tr("期间"), self.period)
        form.addRow(self.tr("县区"), self.division)
        if isinstance(field, QWidget):  # addRow's two overloads
            form.addRow(label, field)
        else:
            form.addRow(label, field)
        self.buttons, self.ok_button = ok_cancel(
            self, self.tr("预览…"), self.accept, name_cancel=False, parented=False
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(line)
        layout.addWidget(self.buttons)

    def ready(self) -> bool:
        raise NotImplementedError

    def choice(self) -> Any:
        raise NotImplementedError

    def accept(self) -> None:
        if not self.ready():
            return
        super().accept()
        self.sig_chosen.emit(self.choice())


class SummaryDialog(_PeriodDialog):
    """Choose what the summary report counts: a period, a division, pilot hotels or all."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(ctx, parent, "summaryDialog")
        self.setWindowTitle(self.tr("打印统计报表"))
        today = today or clock.today()
        self.period = PeriodPicker(
            self.tr("只统计此期间的检查和整改通知"), date(today.year, 1, 1), today, False
        )
        self.pilot_button = QRadioButton(self.tr("试点酒店"))
        self.pilot_button.setChecked(True)
        self.all_button = QRadioButton(self.tr("全部酒店"))
        scope = QHBoxLayout()
        scope.addWidget(self.pilot_button)
        scope.addWidget(self.all_button)
        scope.addStretch(1)
        self.error_label = QLabel(self.tr("开始日期不能晚于结束日期。"))
        self.error_label.setStyleSheet("color: #c0262d;")
        self.error_label.hide()
        self._lay_out(self.tr("范围"), scope, self.error_label)
        self.period.sig_changed.connect(self._check)

    def _check(self) -> None:
        valid = self.period.valid()
        self.error_label.setVisible(not valid)
        self.ok_button.setEnabled(valid)

    def choice(self) -> SummaryChoice:
        since, until = self.period.period()
        return SummaryChoice(since, until, self.division.currentData(), self.pilot_button.isChecked())

    def ready(self) -> bool:
        return self.period.valid()


class BatchDialog(_PeriodDialog):
    """Choose the inspection sheets to print in one go: a period, a division, drafts or not.

    How many sheets match is counted in the background as the choice changes.
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(ctx, parent, "batchDialog")
        self.ctx = ctx
        self.setWindowTitle(self.tr("批量打印检查记录"))
        today = today or clock.today()
        self.matching: int | None = None
        self._generation = 0
        self.period = PeriodPicker(self.tr("只打印此期间开始的检查"), today - timedelta(days=30), today, True)
        self.drafts = QCheckBox(self.tr("包括草稿（打印时带“草稿”水印）"))
        self.count_label = QLabel()
        self.count_label.setObjectName("batchCount")
        self._lay_out("", self.drafts, self.count_label)
        self.period.sig_changed.connect(self.recount)
        self.division.currentIndexChanged.connect(self.recount)
        self.drafts.toggled.connect(self.recount)
        self.recount()

    def choice(self) -> BatchChoice:
        since, until = self.period.period()
        return BatchChoice(since, until, self.division.currentData(), self.drafts.isChecked())

    def recount(self) -> None:
        """Count the matching inspections (in the background); Preview is enabled when there are any."""
        self._generation += 1
        generation = self._generation
        self.matching = None
        self.ok_button.setEnabled(False)
        if not self.period.valid():
            self.count_label.setText(self.tr("开始日期不能晚于结束日期。"))
            return
        self.count_label.setText(self.tr("正在查找…"))
        choice, db = self.choice(), self.ctx.db

        def count(_progress: Any) -> int:
            return len(
                select_inspections(
                    db,
                    since=choice.since,
                    until=choice.until,
                    division=choice.division,
                    include_drafts=choice.include_drafts,
                )
            )

        self.ctx.runner.submit(
            count,
            on_done=lambda n: self._counted(generation, n),
            on_error=lambda exc: self._count_failed(generation, exc),
            label=self.tr("查找检查记录"),
            write=False,
        )

    def _counted(self, generation: int, matching: int) -> None:
        if generation != self._generation:
            return  # the choice changed while counting
        self.matching = matching
        if matching:
            self.count_label.setText(self.tr("将打印 %1 份检查记录。").replace("%1", str(matching)))
        else:
            self.count_label.setText(self.tr("没有符合条件的检查记录。"))
        self.ok_button.setEnabled(matching > 0)

    def _count_failed(self, generation: int, exc: Exception) -> None:
        if generation == self._generation:
            self.count_label.setText("")
            show_error(self, exc, self.tr("查找检查记录"))

    def ready(self) -> bool:
        return bool(self.matching)
