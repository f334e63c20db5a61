"""The dashboard's period picker and its 导出报告 (the half-year report as Word or PDF).

:class:`PeriodPicker` offers the periods the bureau reports on (this year's first or second half, the whole
year, last year's second half) or any two dates; :func:`export_report` asks where to save and writes
``hoteltv.reports.half_year`` for that period in the background.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QFileDialog, QHBoxLayout, QLabel, QWidget

from hoteltv.domain import clock
from ui.context import AppContext
from ui.folders import documents_folder
from ui.messages import show_error

Period = tuple[date | None, date | None]
translate = QCoreApplication.translate


# Not ui.qtdates's qt_date/py_date: this module loads with the first screen, which imports nothing more.
def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def presets(today: date) -> list[tuple[str, Period]]:
    """(key, period) of the preset choices, for ``today``."""
    y = today.year
    return [
        ("all", (None, None)),
        ("h1", (date(y, 1, 1), date(y, 6, 30))),
        ("h2", (date(y, 7, 1), date(y, 12, 31))),
        ("year", (date(y, 1, 1), date(y, 12, 31))),
        ("last_h2", (date(y - 1, 7, 1), date(y - 1, 12, 31))),
    ]


class PeriodPicker(QWidget):
    """统计期间: a preset or two dates (the dates show when 自定义 is chosen)."""

    sig_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox(self)
        self.combo.setObjectName("periodCombo")
        labels = {
            "all": self.tr("全部记录"),
            "h1": self.tr("今年上半年"),
            "h2": self.tr("今年下半年"),
            "year": self.tr("今年全年"),
            "last_h2": self.tr("去年下半年"),
        }
        self._presets = dict(presets(clock.today()))
        for key in self._presets:
            self.combo.addItem(labels[key], key)
        self.combo.addItem(self.tr("自定义…"), "custom")
        self.since = QDateEdit(self)
        self.since.setObjectName("periodSince")
        self.until = QDateEdit(self)
        self.until.setObjectName("periodUntil")
        today = clock.today()
        for edit, day in ((self.since, date(today.year, 1, 1)), (self.until, today)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(_qdate(day))
            edit.dateChanged.connect(self._dates_changed)
        self.dash = QLabel("—", self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.combo)
        row.addWidget(self.since)
        row.addWidget(self.dash)
        row.addWidget(self.until)
        self.combo.currentIndexChanged.connect(self._preset_changed)
        self._show_dates(False)

    def _show_dates(self, shown: bool) -> None:
        for widget in (self.since, self.dash, self.until):
            widget.setVisible(shown)

    def _preset_changed(self) -> None:
        self._show_dates(self.combo.currentData() == "custom")
        self.sig_changed.emit()

    def _dates_changed(self) -> None:
        if self.combo.currentData() == "custom":
            self.sig_changed.emit()

    def choose(self, key: str) -> None:
        self.combo.setCurrentIndex(max(0, self.combo.findData(key)))

    def set_dates(self, since: date, until: date) -> None:
        """Choose 自定义 with these dates."""
        self.since.setDate(_qdate(since))
        self.until.setDate(_qdate(until))
        self.choose("custom")

    def period(self) -> Period:
        key = self.combo.currentData()
        if key == "custom":
            return _pydate(self.since.date()), _pydate(self.until.date())
        return self._presets.get(key, (None, None))

    def text(self) -> str:
        since, until = self.period()
        if since is None and until is None:
            return self.combo.currentText()
        return f"{since.isoformat() if since else '…'} — {until.isoformat() if until else '…'}"


def ask_report_path(parent: QWidget) -> Path | None:
    """Where to save the report (.docx or .pdf, by the filter chosen when the name has neither)."""
    stem = translate("ReportPeriod", "工作情况报告")
    default = documents_folder() / f"{stem}-{clock.today():%Y%m%d}.docx"
    path, chosen = QFileDialog.getSaveFileName(
        parent,
        translate("ReportPeriod", "导出报告"),
        str(default),
        translate("ReportPeriod", "Word 文档 (*.docx);;PDF 文件 (*.pdf)"),
    )
    if not path:
        return None
    result = Path(path)
    if result.suffix.lower() not in (".docx", ".pdf"):
        result = result.with_name(result.name + (".pdf" if "pdf" in chosen.lower() else ".docx"))
    return result


def export_report(
    ctx: AppContext,
    parent: QWidget,
    period: Period,
    target: Path,
    on_done: Callable[[Path], None],
    on_error: Callable[[Exception], None] | None = None,
) -> None:
    """Write the half-year report for ``period`` to ``target`` in the background."""
    since, until = period

    def job(_progress: Any) -> Path:
        # Loaded on the worker, not with the first screen (the writers pull in reportlab and openpyxl).
        from hoteltv.reports.half_year import write_half_year_report
        from ui.printing import report_options

        options = report_options(ctx)
        return write_half_year_report(ctx.db, target, options, since=since, until=until)

    def failed(exc: Exception) -> None:
        if on_error is not None:
            on_error(exc)
        show_error(parent, exc)

    ctx.runner.submit(
        job,
        on_done=on_done,
        on_error=failed,
        label=translate("ReportPeriod", "导出报告"),
    )
