"""The dashboard: how many hotels reached which TV mode, per division, what is overdue, and the satellite
campaign's figures, for a period picked (统计期间), with 导出报告 (the half-year report as Word or PDF).

Everything shown comes from one core call, ``hoteltv.services.summary.summarize`` (and the overdue
notices from ``list_notices``), read in the background: a division × TV mode table with totals, the
counts by remediation status, a bar chart drawn here with QPainter (:class:`BarChart`, no chart
library), the overdue rectification notices, and the bureau's report sentence ready to copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics, QGuiApplication, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hoteltv.domain import clock, lifecycle
from ui.context import AppContext
from ui.hotel_table_model import core_language, mode_label
from ui.messages import fill
from ui.report_period import PeriodPicker, ask_report_path, export_report

if TYPE_CHECKING:  # the counting and the report load with the first count, not with the first screen
    from hoteltv.reports.half_year import HalfYearReport
    from hoteltv.services.notices import NoticeView
    from hoteltv.services.summary import Summary

translate = QCoreApplication.translate

#: One colour per TV mode (catalog order), chosen to stay apart in print and for colour-blind eyes.
STATUS_COLOURS = {
    "not_inspected": "#9e9e9e",
    "compliant": "#2e7d32",
    "basically_compliant": "#7cb342",
    "failed": "#c62828",
    "rectifying": "#ef6c00",
    "rectified": "#1565c0",
}
PALETTE = ["#1f77b4", "#17becf", "#ff7f0e", "#9467bd", "#2ca02c", "#9e9e9e", "#8c564b", "#e377c2"]


@dataclass(frozen=True)
class DashboardData:
    summary: Summary
    overdue: list[NoticeView]
    #: The half-year report's content for the same period (the satellite campaign's figures).
    report: HalfYearReport | None = None


class BarChart(QWidget):
    """Horizontal bars, one per label, with the value written at the end of each bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("barChart")
        self.bars: list[tuple[str, int, QColor]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(100)

    def set_bars(self, bars: list[tuple[str, int, QColor]]) -> None:
        self.bars = bars
        self.setMinimumHeight(max(80, len(bars) * (self.fontMetrics().height() + 4) + 16))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, max(140, 28 * len(self.bars) + 16))

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.rect().adjusted(8, 8, -8, -8)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.base())
        if not self.bars:
            painter.setPen(palette.placeholderText().color())
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.tr("没有数据"))
            return
        metrics = QFontMetrics(self.font())
        label_width = min(
            max(metrics.horizontalAdvance(label) for label, _, _ in self.bars) + 12, rect.width() // 2
        )
        value_width = metrics.horizontalAdvance("0000") + 8
        top = max(self.bars, key=lambda b: b[1])[1] or 1
        slot = rect.height() / len(self.bars)
        bar_height = min(slot * 0.7, 26)
        area = rect.width() - label_width - value_width
        for i, (label, value, color) in enumerate(self.bars):
            y = rect.top() + i * slot + (slot - bar_height) / 2
            painter.setPen(palette.text().color())
            painter.drawText(
                QRectF(rect.left(), y, label_width - 8, bar_height),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                metrics.elidedText(label, Qt.TextElideMode.ElideRight, label_width - 8),
            )
            width = area * value / top
            bar = QRectF(rect.left() + label_width, y, max(width, 1.0 if value else 0.0), bar_height)
            painter.setPen(QPen(color.darker(120), 1))
            painter.setBrush(color)
            painter.drawRoundedRect(bar, 2, 2)
            painter.setPen(palette.text().color())
            painter.drawText(
                QRectF(bar.right() + 6, y, value_width, bar_height),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                str(value),
            )
        painter.end()


def _item(text: Any, bold: bool = False, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if bold:
        font = item.font()
        font.setBold(True)
        item.setFont(font)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _fit_height(table: QTableWidget) -> None:
    """Make a small table exactly as tall as its rows, with a header tall enough for its labels wrapped
    into their columns (long English mode names, or a narrow window), so nothing is clipped."""
    header = table.horizontalHeader()
    metrics = header.fontMetrics()
    label_height = metrics.height()
    for col in range(table.columnCount()):
        item = table.horizontalHeaderItem(col)
        if item is None:
            continue
        width = max(header.sectionSize(col) - 8, 10)
        bounds = metrics.boundingRect(0, 0, width, 10_000, int(Qt.TextFlag.TextWordWrap), item.text())
        label_height = max(label_height, bounds.height())
    header_height = label_height + 10
    header.setFixedHeight(header_height)
    height = header_height + 2 * table.frameWidth()
    height += sum(table.rowHeight(r) for r in range(table.rowCount()))
    # As tall as its rows when there is room; on a small window it may shrink and scroll.
    table.setMaximumHeight(height + 2)


def _small_table(name: str) -> QTableWidget:
    table = QTableWidget()
    table.setObjectName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    return table


class DashboardPage(QWidget):
    """Counts for the bureau's reports (see module docstring). GUI thread only."""

    sig_loaded = Signal(object)
    """New counts are shown: the ``Summary``."""
    sig_open_hotel = Signal(str)
    """The user double-clicked an overdue notice: its hotel id."""
    sig_exported = Signal(str)
    """The report was written: its path."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardPage")
        self.ctx = ctx
        self.data: DashboardData | None = None
        self._generation = 0
        self._build()

    def _build(self) -> None:
        self.scope = QComboBox()
        self.scope.setObjectName("scopeCombo")
        self.scope.addItem(self.tr("试点酒店"), True)
        self.scope.addItem(self.tr("全部酒店"), False)
        self.scope.currentIndexChanged.connect(self.refresh)
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.clicked.connect(self.refresh)
        self.headline = QLabel()
        self.headline.setObjectName("headline")
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.period = PeriodPicker(self)
        self.period.sig_changed.connect(self.refresh)
        self.export_button = QPushButton(self.tr("导出报告"))
        self.export_button.setObjectName("exportReportButton")
        self.export_button.setToolTip(
            self.tr("把本期间的工作情况（两项整治的报告用语和统计表）存为 Word 或 PDF")
        )
        self.export_button.clicked.connect(lambda: self.export_report())
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("统计范围：")))
        top.addWidget(self.scope)
        top.addWidget(QLabel(self.tr("统计期间：")))
        top.addWidget(self.period)
        top.addWidget(self.refresh_button)
        top.addWidget(self.export_button)
        top.addSpacing(16)
        top.addWidget(self.headline, 1)

        self.mode_table = _small_table("modeTable")
        self.mode_table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.mode_table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        # Refit once the header has finished laying out its sections (not from inside that pass).
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(lambda: _fit_height(self.mode_table))
        self.mode_table.horizontalHeader().sectionResized.connect(self._fit_timer.start)
        # Columns always fit the width (stretch); only a too-short window makes it scroll vertically.
        self.mode_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        mode_box = QGroupBox(self.tr("各县区电视模式"))
        QVBoxLayout(mode_box).addWidget(self.mode_table)

        self.chart = BarChart()
        chart_box = QGroupBox(self.tr("按电视模式"))
        QVBoxLayout(chart_box).addWidget(self.chart)

        self.status_chart = BarChart()
        self.status_chart.setObjectName("statusChart")
        status_box = QGroupBox(self.tr("整改状态"))
        QVBoxLayout(status_box).addWidget(self.status_chart)

        self.overdue_table = _small_table("overdueTable")
        self.overdue_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.overdue_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.overdue_table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.overdue_table.setColumnCount(4)
        self.overdue_table.setHorizontalHeaderLabels(
            [self.tr("通知编号"), self.tr("酒店"), self.tr("整改期限"), self.tr("逾期天数")]
        )
        self.overdue_table.verticalHeader().hide()
        self.overdue_table.horizontalHeader().setStretchLastSection(True)
        self.overdue_table.cellDoubleClicked.connect(self._overdue_clicked)
        self.overdue_box = QGroupBox(self.tr("逾期未整改"))
        QVBoxLayout(self.overdue_box).addWidget(self.overdue_table)

        self.sentence, self.copy_button = self._sentence_row("sentence", "copyButton", self.copy_sentence)
        self.satellite_sentence, self.satellite_copy = self._sentence_row(
            "satelliteSentence", "satelliteCopyButton", self.copy_satellite_sentence
        )
        sentence_box = QGroupBox(self.tr("报告用语"))
        sentence_layout = QVBoxLayout(sentence_box)
        for edit, button in (
            (self.sentence, self.copy_button),
            (self.satellite_sentence, self.satellite_copy),
        ):
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            row.addWidget(button)
            sentence_layout.addLayout(row)

        left = QVBoxLayout()
        left.addWidget(mode_box)
        left.addWidget(status_box, 1)
        right = QVBoxLayout()
        right.addWidget(chart_box, 3)
        right.addWidget(self.overdue_box, 2)
        grid = QHBoxLayout()
        grid.addLayout(left, 3)
        grid.addLayout(right, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        layout.addWidget(sentence_box)

    # --- data ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Count again in the background."""
        self._generation += 1
        generation = self._generation
        ctx = self.ctx
        pilot_only = bool(self.scope.currentData())
        since, until = self.period.period()

        def job(_progress: Any) -> DashboardData:
            # Loaded here, on the reader: the report builder pulls in reportlab (a fifth of a second).
            from hoteltv.reports.half_year import build_report
            from hoteltv.services.notices import list_notices
            from hoteltv.services.summary import summarize
            from ui.printing import report_options

            options = report_options(ctx)
            summary = summarize(
                ctx.db,
                pilot_only=pilot_only,
                since=since,
                until=until,
                city_short=ctx.divisions.city_short or "市",
            )
            report = build_report(ctx.db, options, since=since, until=until)
            return DashboardData(summary, list_notices(ctx.db, overdue_only=True), report)

        ctx.runner.submit(
            job,
            on_done=lambda data: self._show(generation, data),
            label=self.tr("统计"),
            write=False,
        )

    def _show(self, generation: int, data: DashboardData) -> None:
        if generation != self._generation:
            return
        self.data = data
        s = data.summary
        lang = core_language(self.ctx.language)
        if s.scope == "pilot":
            headline = self.tr("共 %1 家试点酒店；未结整改通知 %2 份，其中逾期 %3 份；已定稿检查 %4 次")
        else:
            headline = self.tr("共 %1 家酒店；未结整改通知 %2 份，其中逾期 %3 份；已定稿检查 %4 次")
        self.headline.setText(
            fill(headline, str(s.total), str(s.open_notices), str(s.overdue_notices), str(s.inspections))
        )

        # division × mode, with totals
        modes = list(s.modes)
        t = self.mode_table
        t.clear()
        t.setColumnCount(len(modes) + 1)
        t.setRowCount(len(s.divisions) + 1)
        t.setHorizontalHeaderLabels([mode_label(m, self.ctx.language) for m in modes] + [self.tr("合计")])
        t.setVerticalHeaderLabels([*s.divisions, self.tr("合计")])
        for r, division in enumerate(s.divisions):
            counts = s.by_division.get(division, {})
            for c, mode in enumerate(modes):
                n = counts.get(mode, 0)
                t.setItem(r, c, _item(n if n else "·", align_right=True))
            t.setItem(r, len(modes), _item(sum(counts.values()), bold=True, align_right=True))
        last = len(s.divisions)
        for c, mode in enumerate(modes):
            t.setItem(last, c, _item(s.by_mode.get(mode, 0), bold=True, align_right=True))
        t.setItem(last, len(modes), _item(s.total, bold=True, align_right=True))
        header = t.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        _fit_height(t)

        self.chart.set_bars(
            [
                (mode_label(m, self.ctx.language), s.by_mode.get(m, 0), QColor(PALETTE[i % len(PALETTE)]))
                for i, m in enumerate(modes)
            ]
        )

        self.status_chart.set_bars(
            [
                (
                    lifecycle.status_label(key, lang),
                    s.by_status.get(key, 0),
                    QColor(STATUS_COLOURS.get(key, "#9e9e9e")),
                )
                for key in lifecycle.STATUSES
            ]
        )

        today = clock.today()
        ot = self.overdue_table
        ot.setRowCount(len(data.overdue))
        for r, notice in enumerate(data.overdue):
            for c, value in enumerate(
                (
                    notice.number,
                    f"{notice.hotel_name}({notice.division_name})",
                    notice.deadline.isoformat(),
                    (today - notice.deadline).days,
                )
            ):
                item = _item(value, align_right=c == 3)
                item.setData(Qt.ItemDataRole.UserRole, notice.hotel_id)
                item.setForeground(QColor("#a1160a"))
                ot.setItem(r, c, item)
        ot.resizeColumnsToContents()
        self.overdue_box.setTitle(self.tr("逾期未整改 (%1)").replace("%1", str(len(data.overdue))))

        self.sentence.setPlainText(s.sentence)
        self.copy_button.setText(self.tr("复制"))
        self.satellite_sentence.setPlainText(data.report.satellite_sentence if data.report else "")
        self.satellite_copy.setText(self.tr("复制"))
        self.sig_loaded.emit(s)

    def copy_satellite_sentence(self) -> None:
        self._copy(self.satellite_sentence, self.satellite_copy)

    def export_report(self, target: Path | None = None) -> None:
        """导出报告: the half-year report of the period shown, as Word or PDF (asks where, unless given)."""
        target = target or ask_report_path(self)
        if target is None:
            return
        self.export_button.setEnabled(False)

        def done(path: Path) -> None:
            self.export_button.setEnabled(True)
            self.sig_exported.emit(str(path))

        export_report(
            self.ctx, self, self.period.period(), target, done, lambda _e: self.export_button.setEnabled(True)
        )

    def copy_sentence(self) -> None:
        self._copy(self.sentence, self.copy_button)

    def _sentence_row(
        self, name: str, button_name: str, on_copy: Callable[[], None]
    ) -> tuple[QPlainTextEdit, QPushButton]:
        """A read-only two-line report sentence and its 复制 button."""
        edit = QPlainTextEdit()
        edit.setObjectName(name)
        edit.setReadOnly(True)
        edit.setFixedHeight(self.fontMetrics().lineSpacing() * 2 + 16)
        button = QPushButton(self.tr("复制"))
        button.setObjectName(button_name)
        button.clicked.connect(on_copy)
        return edit, button

    def _copy(self, sentence: QPlainTextEdit, button: QPushButton) -> None:
        QGuiApplication.clipboard().setText(sentence.toPlainText())
        button.setText(self.tr("已复制"))

    def _overdue_clicked(self, row: int, _column: int) -> None:
        item = self.overdue_table.item(row, 0)
        if item is not None:
            self.sig_open_hotel.emit(item.data(Qt.ItemDataRole.UserRole))
