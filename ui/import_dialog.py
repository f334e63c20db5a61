"""Import a hotel spreadsheet: read and dry-run in the background, preview, then apply (or cancel).

Flow: pick a file → ``read_hotel_sheet`` + ``import_hotels(dry_run=True)`` run as one background job
(the window keeps painting and Cancel works, even for 10,000 rows) → the preview shows the counts
(new / updated / unchanged / refused), every row that will change with its changed fields old → new,
every refused cell with row, column, value and reason, and how the columns were understood. "导入"
runs the same import for real, in one transaction; Cancel, at any point before that, changes nothing.
A file refused whole (``ImportRefused``: not a spreadsheet, required columns missing …) shows why,
with the missing columns spelled out.

The reader gives no progress while it reads, so the bar is a busy bar; Cancel stops waiting at once
and the result of the abandoned read is dropped.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hoteltv.domain.divisions import DivisionList
from hoteltv.errors import ImportRefused
from hoteltv.io.hotel_sheet import HOTEL_FIELDS, RowError, SheetResult, read_hotel_sheet
from hoteltv.services.hotels import ImportedRow, ImportReport, import_hotels
from ui.context import AppContext
from ui.folders import documents_folder
from ui.hotel_table_model import mode_label
from ui.list_model import ListTableModel
from ui.messages import fill, localize, show_error

translate = QCoreApplication.translate

FILE_FILTER = QT_TRANSLATE_NOOP("ImportDialog", "表格文件 (*.xlsx *.xlsm *.xls *.ods *.csv *.tsv *.txt)")

_FIELD_LABELS = {f.name: (f.header, f.en or f.name) for f in HOTEL_FIELDS}
_FIELD_LABELS.setdefault("person_in_charge", ("负责人", "person in charge"))
_FIELD_LABELS.setdefault("notes", ("备注", "notes"))

_ACTIONS = {
    "create": QT_TRANSLATE_NOOP("ImportDialog", "新增"),
    "update": QT_TRANSLATE_NOOP("ImportDialog", "更新"),
    "unchanged": QT_TRANSLATE_NOOP("ImportDialog", "无变化"),
}


_gc_lock = threading.Lock()
_gc_depth = 0


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a big import runs on a worker thread.

    Comparing 10,000 rows makes hundreds of thousands of ORM objects; each full collection then
    stops every thread, the GUI's included, for up to a second (measured: gaps of 0.4-0.9 s in the
    event loop). Reference counting still frees nearly everything; one collection runs at the end.
    """
    global _gc_depth
    with _gc_lock:
        _gc_depth += 1
        if _gc_depth == 1:
            gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0:
                gc.enable()


@dataclass
class Preview:
    """The read sheet and its dry-run report (what "导入" will apply)."""

    path: Path
    sheet: SheetResult
    report: ImportReport


def field_label(key: str, language: str) -> str:
    zh, en = _FIELD_LABELS.get(key, (key, key))
    return en if language == "en" else zh


def value_text(key: str, value: Any, divisions: DivisionList, language: str) -> str:
    """A stored value as a person reads it (mode and division names, 是/否)."""
    if value is None or value == "":
        return "—"
    if key in ("target_mode", "current_mode"):
        return mode_label(str(value), language)
    if key == "division_code":
        d = divisions.find(str(value))
        return d.name if d else str(value)
    if isinstance(value, bool):
        return translate("ImportDialog", "是") if value else translate("ImportDialog", "否")
    return str(value)


def changes_text(row: ImportedRow, divisions: DivisionList, language: str) -> str:
    parts = []
    for key, (old, new) in row.changes.items():
        parts.append(
            f"{field_label(key, language)}: {value_text(key, old, divisions, language)} → "
            f"{value_text(key, new, divisions, language)}"
        )
    return ";".join(parts)


class ChangesModel(ListTableModel):
    """The rows an import creates or updates (unchanged rows are only counted)."""

    HEADERS = (
        QT_TRANSLATE_NOOP("ChangesModel", "行号"),
        QT_TRANSLATE_NOOP("ChangesModel", "操作"),
        QT_TRANSLATE_NOOP("ChangesModel", "酒店名称"),
        QT_TRANSLATE_NOOP("ChangesModel", "县区"),
        QT_TRANSLATE_NOOP("ChangesModel", "变更内容（原值 → 新值）"),
    )

    def __init__(
        self, rows: list[ImportedRow], divisions: DivisionList, language: str, parent: QObject | None = None
    ):
        super().__init__(parent)
        self.rows = [r for r in rows if r.action != "unchanged"]
        self._changes = [changes_text(r, divisions, language) for r in self.rows]

    def headers(self) -> tuple[str, ...]:
        return tuple(translate("ChangesModel", str(h)) for h in self.HEADERS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == 0:
                return r.row_number if role == Qt.ItemDataRole.DisplayRole else None
            if col == 1:
                return translate("ImportDialog", str(_ACTIONS.get(r.action, r.action)))
            if col == 2:
                return r.name
            if col == 3:
                return r.division
            if col == 4:
                text = self._changes[index.row()]
                return text or ("—" if role == Qt.ItemDataRole.DisplayRole else None)
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            return QBrush(QColor("#1b5e20" if r.action == "create" else "#0d47a1"))
        return None


class RefusedModel(ListTableModel):
    """Every refused cell: row number as the spreadsheet shows it, column, value, reason."""

    HEADERS = (
        QT_TRANSLATE_NOOP("RefusedModel", "行号"),
        QT_TRANSLATE_NOOP("RefusedModel", "列"),
        QT_TRANSLATE_NOOP("RefusedModel", "值"),
        QT_TRANSLATE_NOOP("RefusedModel", "原因"),
    )

    def __init__(self, errors: list[RowError], language: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows = sorted(errors, key=lambda e: e.row_number)
        self.language = language

    def headers(self) -> tuple[str, ...]:
        return tuple(translate("RefusedModel", str(h)) for h in self.HEADERS)

    def reason(self, e: RowError) -> str:
        if self.language == "en" and e.reason_en:
            return e.reason_en
        return localize(e.reason, self.language)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        e = self.rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == 0:
                return e.row_number
            if col == 1:
                return e.column
            if col == 2:
                return "" if e.value is None else str(e.value)
            if col == 3:
                return self.reason(e)
        return None


def _table(model: QAbstractTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    for col in range(model.columnCount() - 1):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
    return view


class ImportDialog(QDialog):
    """The import wizard (see module docstring). Emits ``sig_imported`` once rows were written."""

    sig_imported = Signal(object)
    """The import was applied: the ``ImportReport``."""
    sig_preview_ready = Signal(object)
    """The dry run finished: the ``Preview`` (tests wait for it)."""

    def __init__(
        self, ctx: AppContext, path: str | Path | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.language = ctx.language
        self.preview: Preview | None = None
        self.applied: ImportReport | None = None
        self._job: Any = None
        self._ticket = 0
        self.setObjectName("importDialog")
        self.setWindowTitle(self.tr("导入酒店名单"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(1100, 640)
        self._build()
        if path is not None:
            self.read(Path(path))

    # --- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        self.stack = QStackedWidget()

        # 1. choose
        choose = QWidget()
        choose_layout = QVBoxLayout(choose)
        intro = QLabel(
            self.tr(
                "选择各县区报送的酒店名单（.xlsx 或 .csv）。第一行可以是标题，程序会自动找到表头；\n"
                "必需的列：酒店名称、所属县区。导入前会先显示将要新增和更新的酒店，以及有问题的行。"
            )
        )
        intro.setWordWrap(True)
        self.choose_button = QPushButton(self.tr("选择文件…"))
        self.choose_button.setObjectName("chooseFileButton")
        self.choose_button.clicked.connect(self.choose_file)
        choose_layout.addStretch()
        choose_layout.addWidget(intro)
        choose_layout.addWidget(self.choose_button, 0, Qt.AlignmentFlag.AlignLeft)
        choose_layout.addStretch()

        # 2. working
        working = QWidget()
        working_layout = QVBoxLayout(working)
        self.working_label = QLabel()
        self.working_label.setObjectName("workingLabel")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        working_layout.addStretch()
        working_layout.addWidget(self.working_label)
        working_layout.addWidget(self.progress)
        working_layout.addStretch()

        # 3. preview
        preview = QWidget()
        preview_layout = QVBoxLayout(preview)
        self.file_label = QLabel()
        self.file_label.setObjectName("fileLabel")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        counts = QGridLayout()
        self.count_labels: dict[str, QLabel] = {}
        for i, (key, title) in enumerate(
            (
                ("create", self.tr("新增")),
                ("update", self.tr("更新")),
                ("unchanged", self.tr("无变化")),
                ("refused", self.tr("拒绝（行）")),
            )
        ):
            number = QLabel("0")
            number.setObjectName(f"count_{key}")
            font = number.font()
            font.setPointSizeF(font.pointSizeF() * 1.8)
            font.setBold(True)
            number.setFont(font)
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption = QLabel(title)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            counts.addWidget(number, 0, i)
            counts.addWidget(caption, 1, i)
            self.count_labels[key] = number
        self.tabs = QTabWidget()
        self.tabs.setObjectName("previewTabs")
        self.changes_view = _table(ChangesModel([], self.ctx.divisions, self.language), "changesTable")
        self.refused_view = _table(RefusedModel([], self.language), "refusedTable")
        self.mapping_view = QTreeWidget()
        self.mapping_view.setObjectName("mappingList")
        self.mapping_view.setRootIsDecorated(False)
        self.mapping_view.setHeaderLabels([self.tr("程序字段"), self.tr("表格中的列")])
        self.mapping_view.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tabs.addTab(self.changes_view, self.tr("将要变更"))
        self.tabs.addTab(self.refused_view, self.tr("拒绝的行"))
        self.tabs.addTab(self.mapping_view, self.tr("列对应"))
        self.note_label = QLabel()
        self.note_label.setObjectName("noteLabel")
        self.note_label.setWordWrap(True)
        preview_layout.addWidget(self.file_label)
        preview_layout.addLayout(counts)
        preview_layout.addWidget(self.tabs, 1)
        preview_layout.addWidget(self.note_label)

        # 4. refused whole / failed
        refused = QWidget()
        refused_layout = QVBoxLayout(refused)
        self.refused_title = QLabel(self.tr("无法导入这个文件"))
        font = self.refused_title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.refused_title.setFont(font)
        self.refused_label = QLabel()
        self.refused_label.setObjectName("refusedLabel")
        self.refused_label.setWordWrap(True)
        self.refused_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.missing_label = QLabel()
        self.missing_label.setObjectName("missingColumnsLabel")
        self.missing_label.setWordWrap(True)
        self.missing_label.setStyleSheet("color: #b3261e; font-weight: bold;")
        refused_layout.addStretch()
        refused_layout.addWidget(self.refused_title)
        refused_layout.addWidget(self.refused_label)
        refused_layout.addWidget(self.missing_label)
        refused_layout.addStretch()

        # 5. done
        done = QWidget()
        done_layout = QVBoxLayout(done)
        self.done_label = QLabel()
        self.done_label.setObjectName("doneLabel")
        self.done_label.setWordWrap(True)
        done_layout.addStretch()
        done_layout.addWidget(self.done_label)
        done_layout.addStretch()

        self.pages = {
            "choose": choose,
            "working": working,
            "preview": preview,
            "refused": refused,
            "done": done,
        }
        for page in self.pages.values():
            self.stack.addWidget(page)

        self.other_button = QPushButton(self.tr("选择其他文件…"))
        self.other_button.setObjectName("otherFileButton")
        self.other_button.clicked.connect(self.choose_file)
        self.apply_button = QPushButton(self.tr("导入"))
        self.apply_button.setObjectName("applyButton")
        self.apply_button.clicked.connect(self.apply)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.setObjectName("closeButton")
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.other_button)
        buttons.addStretch()
        for b in (self.apply_button, self.cancel_button, self.close_button):
            buttons.addWidget(b)

        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self._show("choose")

    def _show(self, page: str) -> None:
        self.stack.setCurrentWidget(self.pages[page])
        self.other_button.setVisible(page in ("preview", "refused"))
        self.apply_button.setVisible(page == "preview")
        self.cancel_button.setVisible(page in ("choose", "working", "preview", "refused"))
        self.cancel_button.setEnabled(True)
        self.close_button.setVisible(page == "done")
        if page == "preview":
            self.apply_button.setDefault(True)
        elif page == "done":
            self.close_button.setDefault(True)

    def page(self) -> str:
        """The page shown: choose, working, preview, refused or done."""
        current = self.stack.currentWidget()
        return next(name for name, widget in self.pages.items() if widget is current)

    # --- reading -------------------------------------------------------------------------------

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("选择酒店名单"),
            str(documents_folder()),
            translate("ImportDialog", str(FILE_FILTER)),
        )
        if path:
            self.read(Path(path))

    def read(self, path: Path) -> None:
        """Read ``path`` and dry-run the import in the background, then show the preview."""
        self._ticket += 1
        ticket = self._ticket
        self.preview = None
        self.working_label.setText(self.tr("正在读取并比对 %1 …").replace("%1", path.name))
        self.progress.setRange(0, 0)
        self._show("working")
        ctx = self.ctx

        def job(progress: Any) -> Preview | None:
            progress(0, 0, "read")
            with gc_paused():
                sheet = read_hotel_sheet(path, ctx.divisions)
                if not progress(0, 0, "compare"):
                    return None  # cancelled: don't start the comparison
                report = import_hotels(ctx.db, sheet, dry_run=True, actor=ctx.actor)
            return Preview(path, sheet, report)

        self._job = ctx.runner.submit(
            job,
            on_done=lambda preview: self._previewed(ticket, preview),
            on_error=lambda exc: self._read_failed(ticket, exc),
            label=self.tr("读取酒店名单"),
        )

    def _previewed(self, ticket: int, preview: Preview | None) -> None:
        if ticket != self._ticket or preview is None:
            return
        self._job = None
        self.preview = preview
        report = preview.report
        self.file_label.setText(
            fill(self.tr("文件：%1 — 共 %2 行数据"), str(preview.path), str(preview.sheet.total_data_rows))
        )
        self.count_labels["create"].setText(str(report.count("create")))
        self.count_labels["update"].setText(str(report.count("update")))
        self.count_labels["unchanged"].setText(str(report.count("unchanged")))
        self.count_labels["refused"].setText(str(report.refused_rows))
        self.count_labels["refused"].setStyleSheet("color: #b3261e;" if report.refused_rows else "")
        self.changes_view.setModel(
            ChangesModel(report.rows, self.ctx.divisions, self.language, self.changes_view)
        )
        self.refused_view.setModel(RefusedModel(list(report.refused), self.language, self.refused_view))
        self.changes_view.setColumnWidth(0, 60)
        self.changes_view.setColumnWidth(1, 60)
        self.changes_view.setColumnWidth(2, 220)
        self.changes_view.setColumnWidth(3, 80)
        self.refused_view.setColumnWidth(0, 60)
        self.refused_view.setColumnWidth(1, 140)
        self.refused_view.setColumnWidth(2, 220)
        self.tabs.setTabText(
            0, self.tr("将要变更 (%1)").replace("%1", str(report.count("create") + report.count("update")))
        )
        self.tabs.setTabText(1, self.tr("拒绝的行 (%1)").replace("%1", str(report.refused_rows)))
        self._fill_mapping(preview)
        if report.refused_rows and not report.count("create") and not report.count("update"):
            self.tabs.setCurrentIndex(1)
        else:
            self.tabs.setCurrentIndex(0)
        changing = report.count("create") + report.count("update")
        notes = []
        if report.refused_rows:
            notes.append(self.tr("拒绝的行不会导入；请在表格中改正后再导入一次。"))
        if not changing:
            notes.append(self.tr("没有需要导入的变更。"))
        self.note_label.setText(" ".join(notes))
        self.apply_button.setEnabled(changing > 0)
        self._show("preview")
        self.sig_preview_ready.emit(preview)

    def _fill_mapping(self, preview: Preview) -> None:
        self.mapping_view.clear()
        for f in HOTEL_FIELDS:
            header = preview.report.mapping.get(f.name)
            item = QTreeWidgetItem([field_label(f.name, self.language), header or self.tr("（表格中没有）")])
            if header is None:
                item.setForeground(1, QBrush(QColor("#777777")))
            self.mapping_view.addTopLevelItem(item)
        for header in preview.report.ignored_headers:
            item = QTreeWidgetItem([self.tr("（未使用）"), header])
            item.setForeground(0, QBrush(QColor("#777777")))
            self.mapping_view.addTopLevelItem(item)

    def _read_failed(self, ticket: int, exc: Exception) -> None:
        if ticket != self._ticket:
            return
        self._job = None
        if isinstance(exc, ImportRefused):
            self.refused_label.setText(localize(exc.message, self.language))
            if exc.missing_columns:
                self.missing_label.setText(
                    self.tr("缺少必需的列：%1").replace("%1", "、".join(exc.missing_columns))
                )
                self.missing_label.show()
            else:
                self.missing_label.hide()
            self._show("refused")
        else:
            self._show("choose")
            show_error(self, exc)

    # --- applying ------------------------------------------------------------------------------

    def apply(self) -> None:
        """Write the previewed rows for real (one transaction)."""
        if self.preview is None:
            return
        sheet = self.preview.sheet
        self._ticket += 1
        ticket = self._ticket
        self.working_label.setText(self.tr("正在导入…"))
        self._show("working")
        self.cancel_button.setEnabled(False)  # one transaction: it is all or nothing, and quick
        ctx = self.ctx

        def job(_progress: Any) -> ImportReport:
            with gc_paused():
                return import_hotels(ctx.db, sheet, actor=ctx.actor)

        self._job = ctx.runner.submit(
            job,
            on_done=lambda report: self._applied(ticket, report),
            on_error=lambda exc: self._apply_failed(ticket, exc),
            label=self.tr("导入酒店名单"),
        )

    def _applied(self, ticket: int, report: ImportReport) -> None:
        if ticket != self._ticket:
            return
        self._job = None
        self.applied = report
        self.done_label.setText(
            fill(
                self.tr("导入完成：新增 %1 家，更新 %2 家，无变化 %3 家；拒绝 %4 行。"),
                str(report.count("create")),
                str(report.count("update")),
                str(report.count("unchanged")),
                str(report.refused_rows),
            )
        )
        self._show("done")
        self.sig_imported.emit(report)

    def _apply_failed(self, ticket: int, exc: Exception) -> None:
        if ticket != self._ticket:
            return
        self._job = None
        self._show("preview")
        show_error(self, exc, self.tr("导入未完成，数据库没有改动。"))

    # --- leaving -------------------------------------------------------------------------------

    def cancel(self) -> None:
        """Stop waiting for a read, or leave the preview; nothing has been written."""
        if self._job is not None:
            self._job.cancel()
            self._job = None
        self._ticket += 1  # results still on their way are dropped
        self.reject()

    def reject(self) -> None:
        if self.page() == "working" and not self.cancel_button.isEnabled():
            return  # applying: wait for the single transaction to end
        self._ticket += 1
        super().reject()


def choose_and_import(ctx: AppContext, parent: QWidget | None) -> ImportDialog | None:
    """Ask for a spreadsheet, then open the import dialog on it (None when the user gave up)."""
    path, _ = QFileDialog.getOpenFileName(
        parent,
        translate("ImportDialog", "选择酒店名单"),
        str(documents_folder()),
        translate("ImportDialog", str(FILE_FILTER)),
    )
    if not path:
        return None
    dialog = ImportDialog(ctx, path, parent)
    dialog.open()
    return dialog
