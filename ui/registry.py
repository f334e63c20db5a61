"""The hotel registry page: where an inspector lands. Table, search, filters, a hotel's inspection history.

The page loads every live hotel once in the background (``list_hotels`` on the runner's read pool) and
searches/filters in memory (``HotelFilterProxy``), so typing never waits. The page follows the change
signal (``ctx.changes``, :mod:`ui.changes`): whoever wrote — an inspection window, a sync, an import, a
dialog — the hotels a commit touched are re-read and replaced in place (:meth:`RegistryPage.refresh_hotel`),
or the whole list when a commit touched many. An empty database shows an empty
state with "导入酒店名单…" and "载入演示数据" (the main window does the work: ``sig_import_requested``,
``sig_demo_requested``).

The inspection windows belong to ``ui.inspection`` (imported only when needed): a new inspection, a
draft or finalized record, and a re-inspection from an open notice all start from here.
"""

from __future__ import annotations

import importlib
import logging
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QModelIndex, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hoteltv.domain import clock, lifecycle, sites
from hoteltv.domain.hotel import HotelView
from hoteltv.domain.modes import mode_catalog
from hoteltv.errors import NotFoundError
from hoteltv.services.registry_rows import REGISTRY_TABLES
from ui.context import AppContext
from ui.hotel_form import HotelFormDialog
from ui.hotel_table_model import (
    COL_CURRENT_MODE,
    COL_DIVISION,
    COL_LAST_INSPECTION,
    COL_NAME,
    COL_NEXT_DEADLINE,
    COL_PILOT,
    COL_STATUS,
    COL_TARGET_MODE,
    COL_TV_SYSTEM,
    HotelFilterProxy,
    HotelTableModel,
    core_language,
    mode_label,
)
from ui.messages import confirm_delete_hotel, confirm_discard, error_shower, fill, show_error
from ui.ops import ReadOp

if TYPE_CHECKING:
    from hoteltv.db.tracking import Changes
    from hoteltv.services import inspections as insp_service
    from hoteltv.services import notices as notice_service
    from ui.print_preview import PrintPreviewDialog

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

#: Column widths (px) before the user has chosen any.
DEFAULT_WIDTHS = {
    COL_DIVISION: 72,
    COL_NAME: 190,
    COL_PILOT: 44,
    COL_TV_SYSTEM: 190,
    COL_TARGET_MODE: 120,
    COL_CURRENT_MODE: 120,
    COL_STATUS: 130,
    COL_LAST_INSPECTION: 112,  # "2026-11-14 合格" / "2026-11-23 Fail"
    COL_NEXT_DEADLINE: 130,
}
SETTINGS_HEADER = "registry/header"
SETTINGS_SPLITTER = "registry/splitter"


@dataclass(frozen=True)
class HotelHistory:
    """What the history panel shows for one hotel (read in the background)."""

    hotel_id: str
    inspections: list[insp_service.InspectionSummary]
    open_notices: list[notice_service.NoticeView]


def _load_history(ctx: AppContext, hotel_id: str) -> HotelHistory:
    from hoteltv.services import inspections as insp_service
    from hoteltv.services import notices as notice_service

    return HotelHistory(
        hotel_id,
        insp_service.list_inspections(ctx.db, hotel_id=hotel_id),
        notice_service.list_notices(ctx.db, hotel_id=hotel_id, open_only=True),
    )


class EmptyState(QWidget):
    """Shown instead of the table while the database holds no hotel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        title = QLabel(self.tr("还没有酒店"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        text = QLabel(
            self.tr(
                "导入各县区报送的酒店名单（Excel 或 CSV 表格），或从局里的服务器同步名册。\n"
                "想先试用本程序，可打开演示数据：它在单独的窗口和数据目录中，不会混入正式数据。"
            )
        )
        # Two short lines broken by hand: a word-wrapped label centred in a box layout gets too little
        # height (Qt's height-for-width) and its lines overlap, as a 1366×705 screenshot showed.
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.import_button = QPushButton(self.tr("导入酒店名单…"))
        self.import_button.setObjectName("emptyImportButton")
        self.sync_button = QPushButton(self.tr("从服务器同步…"))
        self.sync_button.setObjectName("emptySyncButton")
        self.demo_button = QPushButton(self.tr("打开演示数据"))
        self.demo_button.setObjectName("emptyDemoButton")
        self.demo_button.setFlat(True)
        self.demo_button.setToolTip(self.tr("在单独的“演示”窗口中打开虚构的演示数据，不影响正式数据"))
        for b in (self.import_button, self.sync_button, self.demo_button):
            b.setMinimumHeight(36)
            b.setMinimumWidth(160)
        self.import_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.sync_button)
        buttons.addSpacing(24)
        buttons.addWidget(self.demo_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(8)
        layout.addWidget(text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(16)
        layout.addLayout(buttons)
        layout.addStretch(2)


class HistoryPanel(QGroupBox):
    """A hotel's inspections (newest first) and its open rectification notice."""

    sig_open_inspection = Signal(str)
    """The user asked to open an inspection (id)."""
    sig_reinspect = Signal(str)
    """The user asked to re-inspect against an open notice (notice id)."""
    sig_new_inspection = Signal()
    sig_print_inspection = Signal(str)
    """The user asked to print an inspection's sheet (id)."""
    sig_discard_draft = Signal(str)
    """The user asked to discard a draft (id); the page confirms."""

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("检查记录"), parent)
        self.setObjectName("historyPanel")
        self.language = language
        self.hotel: HotelView | None = None
        self.history: HotelHistory | None = None
        self.hint_label = QLabel(self.tr("在上面的列表中选择一家酒店，这里显示它的检查记录。"))
        self.hint_label.setObjectName("historyHint")
        self.hint_label.setStyleSheet("color: #666666;")
        self.notice_label = QLabel()
        self.notice_label.setObjectName("noticeLabel")
        self.notice_label.setWordWrap(True)
        self.notice_label.hide()
        self.tree = QTreeWidget()
        self.tree.setObjectName("historyList")
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setHeaderLabels(
            [
                self.tr("记录编号"),
                self.tr("类型"),
                self.tr("状态"),
                self.tr("检查时间"),
                self.tr("结果"),
                self.tr("房间"),
            ]
        )
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.tree.itemDoubleClicked.connect(lambda *_: self.open_selected())
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.open_button = QPushButton(self.tr("打开记录"))
        self.open_button.setObjectName("openInspectionButton")
        self.open_button.clicked.connect(self.open_selected)
        self.reinspect_button = QPushButton(self.tr("复查"))
        self.reinspect_button.setObjectName("reinspectButton")
        self.reinspect_button.setToolTip(self.tr("按整改通知进行复查"))
        self.reinspect_button.clicked.connect(self._reinspect)
        self.new_button = QPushButton(self.tr("新建检查"))
        self.new_button.clicked.connect(self.sig_new_inspection)
        self.print_button = QPushButton(self.tr("打印…"))
        self.print_button.setObjectName("printInspectionButton")
        self.print_button.setToolTip(self.tr("打印选中的检查记录 (Ctrl+P)"))
        self.print_button.clicked.connect(self._print)
        self.discard_button = QPushButton(self.tr("放弃草稿…"))
        self.discard_button.setObjectName("discardDraftButton")
        self.discard_button.clicked.connect(self._discard)
        buttons = QVBoxLayout()
        for b in (
            self.open_button,
            self.reinspect_button,
            self.new_button,
            self.print_button,
            self.discard_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch()
        body = QHBoxLayout()
        body.addWidget(self.tree, 1)
        body.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.notice_label)
        layout.addLayout(body)
        self.show_hotel(None)

    def show_hotel(self, hotel: HotelView | None) -> None:
        """Clear the panel for ``hotel`` (its history arrives later through :meth:`show_history`)."""
        self.hotel = hotel
        self.history = None
        self.tree.clear()
        self.notice_label.hide()
        self.hint_label.setText(self.tr("在上面的列表中选择一家酒店，这里显示它的检查记录。"))
        self.hint_label.setVisible(hotel is None)
        if hotel is None:
            self.setTitle(self.tr("检查记录"))
        else:
            self.setTitle(self.tr("检查记录 — %1").replace("%1", hotel.name))
        self._update_buttons()

    def show_history(self, history: HotelHistory) -> None:
        if self.hotel is None or history.hotel_id != self.hotel.id:
            return  # an answer for a hotel no longer selected
        self.history = history
        lang = core_language(self.language)
        self.tree.clear()
        for i in history.inspections:
            status = self.tr("已定稿") if i.status == "finalized" else self.tr("草稿")
            if i.superseded:
                status += self.tr("（已更正）")
            item = QTreeWidgetItem(
                [
                    i.record_number,
                    lifecycle.KINDS.get(i.kind, (i.kind, i.kind))[0 if lang == "zh" else 1],
                    status,
                    clock.fmt(i.started_at),
                    lifecycle.result_label(i.result, lang) if i.result else "",
                    str(i.rooms),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, i.id)
            self.tree.addTopLevelItem(item)
        first = self.tree.topLevelItem(0)
        if history.inspections and first is not None:
            self.tree.setCurrentItem(first)
        else:
            self.hint_label.setText(self.tr("这家酒店还没有检查记录。"))
            self.hint_label.show()
        notice = history.open_notices[0] if history.open_notices else None
        if notice is not None:
            text = fill(self.tr("整改通知 %1，期限 %2"), notice.number, notice.deadline.isoformat())
            if notice.overdue:
                text += self.tr("，已逾期，应尽快复查")
                self.notice_label.setStyleSheet("color: #a1160a; font-weight: bold;")
            else:
                self.notice_label.setStyleSheet("")
            self.notice_label.setText(text)
            self.notice_label.show()
        self._update_buttons()

    def selected_inspection(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def selected_summary(self) -> insp_service.InspectionSummary | None:
        """The inspection selected in the list, if any."""
        inspection_id = self.selected_inspection()
        if inspection_id is None or self.history is None:
            return None
        return next((i for i in self.history.inspections if i.id == inspection_id), None)

    def open_notice(self) -> notice_service.NoticeView | None:
        if self.history is None or not self.history.open_notices:
            return None
        return self.history.open_notices[0]

    def open_selected(self) -> None:
        inspection_id = self.selected_inspection()
        if inspection_id:
            self.sig_open_inspection.emit(inspection_id)

    def _reinspect(self) -> None:
        notice = self.open_notice()
        if notice is not None:
            self.sig_reinspect.emit(notice.id)

    def _print(self) -> None:
        inspection_id = self.selected_inspection()
        if inspection_id:
            self.sig_print_inspection.emit(inspection_id)

    def _discard(self) -> None:
        summary = self.selected_summary()
        if summary is not None and summary.status == "draft":
            self.sig_discard_draft.emit(summary.id)

    def _update_buttons(self) -> None:
        summary = self.selected_summary()
        self.discard_button.setEnabled(summary is not None and summary.status == "draft")
        self.open_button.setEnabled(self.selected_inspection() is not None)
        self.print_button.setEnabled(self.selected_inspection() is not None)
        self.reinspect_button.setEnabled(self.open_notice() is not None)
        self.new_button.setEnabled(self.hotel is not None)


class RegistryPage(QWidget):
    """The hotel registry (see module docstring). GUI thread only."""

    sig_loaded = Signal(int)
    """The hotel list was (re)loaded: how many hotels the database holds."""
    sig_import_requested = Signal()
    """The empty state's "导入酒店名单…" was clicked."""
    sig_demo_requested = Signal()
    """The empty state's "打开演示数据" was clicked (the demo opens in its own window and folder)."""
    sig_sync_requested = Signal()
    """The empty state's "从服务器同步…" was clicked."""
    sig_status = Signal(str)
    """A short message for the status bar."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("registryPage")
        self.ctx = ctx
        self.loaded = False
        self._generation = 0
        self.model = HotelTableModel(ctx.language, self)
        self.proxy = HotelFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._build()
        self._restore_state()
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        ctx.changes.sig_changed.connect(self._data_changed)

    # --- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        lang = core_language(self.ctx.language)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(self.tr("搜索名称、地址、联系人、电话、信用代码 (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(180)
        self.search.textChanged.connect(self.proxy.set_search)
        self.search.returnPressed.connect(self._focus_table)

        self.division_filter = QComboBox()
        self.division_filter.setObjectName("divisionFilter")
        self.division_filter.addItem(self.tr("全部县区"), None)
        for d in self.ctx.divisions.divisions:
            self.division_filter.addItem(d.name, d.code)
        self.division_filter.currentIndexChanged.connect(
            lambda: self.proxy.set_division(self.division_filter.currentData())
        )
        self.mode_filter = QComboBox()
        self.mode_filter.setObjectName("modeFilter")
        self.mode_filter.addItem(self.tr("全部模式"), None)
        for m in mode_catalog().modes:
            self.mode_filter.addItem(m.label(lang), m.key)
        self.mode_filter.currentIndexChanged.connect(
            lambda: self.proxy.set_mode(self.mode_filter.currentData())
        )
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.addItem(self.tr("全部状态"), None)
        self.status_filter.addItem(self.tr("整改逾期"), "overdue")
        for key in lifecycle.STATUSES:
            self.status_filter.addItem(lifecycle.status_label(key, lang), key)
        self.status_filter.currentIndexChanged.connect(
            lambda: self.proxy.set_status(self.status_filter.currentData())
        )
        self.pilot_filter = QComboBox()
        self.pilot_filter.setObjectName("pilotFilter")
        self.pilot_filter.addItem(self.tr("全部酒店"), None)
        self.pilot_filter.addItem(self.tr("试点酒店"), True)
        self.pilot_filter.addItem(self.tr("非试点"), False)
        self.pilot_filter.currentIndexChanged.connect(
            lambda: self.proxy.set_pilot(self.pilot_filter.currentData())
        )

        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("kindFilter")
        for kind in sites.SITE_KINDS:
            self.kind_filter.addItem(kind.label(lang), kind.key)
        self.kind_filter.addItem(self.tr("全部场所"), None)
        self.kind_filter.currentIndexChanged.connect(self._kind_changed)

        self.new_inspection_button = QPushButton(self.tr("新建检查"))
        self.new_inspection_button.setObjectName("newInspectionButton")
        self.new_inspection_button.setToolTip(self.tr("为选中的酒店开始一次检查 (Ctrl+N)"))
        self.new_inspection_button.clicked.connect(self.start_inspection)
        self.add_button = QPushButton(self.tr("新增酒店"))
        self.add_button.setObjectName("addHotelButton")
        self.add_button.clicked.connect(self.add_hotel)
        self.edit_button = QPushButton(self.tr("编辑"))
        self.edit_button.setObjectName("editHotelButton")
        self.edit_button.clicked.connect(self.edit_hotel)
        self.delete_button = QPushButton(self.tr("删除…"))
        self.delete_button.setObjectName("deleteHotelButton")
        self.delete_button.setToolTip(self.tr("删除选中的酒店（有定稿记录的酒店不能删除）"))
        self.delete_button.clicked.connect(self.delete_hotel)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 4)
        combos = (
            self.kind_filter,
            self.division_filter,
            self.mode_filter,
            self.status_filter,
            self.pilot_filter,
        )
        for combo in combos:
            # Combos share the room left by the search box and shrink (eliding) on a small window;
            # their lists always open wide enough for the longest entry.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 32)
            bar.addWidget(combo, 1)
        bar.addSpacing(12)
        bar.addWidget(self.new_inspection_button)
        bar.addWidget(self.add_button)
        bar.addWidget(self.edit_button)
        bar.addWidget(self.delete_button)

        self.table = QTableView()
        self.table.setObjectName("hotelTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        for col, width in DEFAULT_WIDTHS.items():
            self.table.setColumnWidth(col, width)
        # The modes' names are longer in English ("China Telecom customised welcome"): wide enough for
        # the longest, up to a limit (the deadline column, last, takes what is left).
        widest = max(
            self.table.fontMetrics().horizontalAdvance(mode_label(m.key, self.ctx.language))
            for m in mode_catalog().modes
        )
        for col in (COL_TARGET_MODE, COL_CURRENT_MODE):
            self.table.setColumnWidth(col, min(max(DEFAULT_WIDTHS[col], widest + 16), 240))
        self.table.setSortingEnabled(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(lambda _index: self.edit_hotel())
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")

        self.history = HistoryPanel(self.ctx.language)
        self.history.sig_open_inspection.connect(self.open_inspection)
        self.history.sig_reinspect.connect(self.start_reinspection)
        self.history.sig_new_inspection.connect(self.start_inspection)
        self.history.sig_print_inspection.connect(self.print_inspection)
        self.history.sig_discard_draft.connect(self.discard_draft)

        table_page = QWidget()
        table_layout = QVBoxLayout(table_page)
        table_layout.setContentsMargins(0, 0, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.history)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([420, 180])
        table_layout.addWidget(self.splitter)
        table_layout.addWidget(self.count_label)

        self.empty_state = EmptyState()
        self.empty_state.import_button.clicked.connect(self.sig_import_requested)
        self.empty_state.demo_button.clicked.connect(self.sig_demo_requested)
        self.empty_state.sync_button.clicked.connect(self.sig_sync_requested)
        self.loading_label = QLabel(self.tr("正在读取酒店名册…"))
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.loading_label)
        self.stack.addWidget(table_page)
        self.stack.addWidget(self.empty_state)
        self.table_page = table_page

        self.toolbar = QWidget()
        self.toolbar.setLayout(bar)
        bar.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.stack, 1)
        self._update_buttons()

    # --- state (QSettings: window state only) --------------------------------------------------

    def _restore_state(self) -> None:
        settings = QSettings()
        state = settings.value(SETTINGS_HEADER)
        if state is not None:
            self.table.horizontalHeader().restoreState(state)
        split = settings.value(SETTINGS_SPLITTER)
        if split is not None:
            self.splitter.restoreState(split)

    def save_state(self) -> None:
        """Remember column widths/order/sorting and the splitter (called when the window closes)."""
        settings = QSettings()
        settings.setValue(SETTINGS_HEADER, self.table.horizontalHeader().saveState())
        settings.setValue(SETTINGS_SPLITTER, self.splitter.saveState())

    # --- loading -------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read every hotel again in the background; the table keeps its selection. The first time,
        the rows the start-up read without the database (``ctx.first_screen``) are shown at once."""
        self._generation += 1
        generation = self._generation
        ctx = self.ctx
        kind = self.site_kind()
        first, ctx.first_screen = ctx.first_screen, None
        if first is not None and first.site_kind == kind and not self.loaded:
            self._loaded(generation, first.hotels)
            return
        if not self.loaded:
            self.stack.setCurrentWidget(self.loading_label)

        def read(_progress: Any) -> list[HotelView]:
            from hoteltv.services.hotels import list_hotels

            return list_hotels(ctx.db, site_kind=kind)

        (
            ReadOp(ctx, read, label=self.tr("读取酒店名册"))
            .success(lambda hotels: self._loaded(generation, hotels))
            .run()
        )

    def site_kind(self) -> str | None:
        """The kind of site the registry shows (hotels by default), None for every kind."""
        data = self.kind_filter.currentData()
        return str(data) if data else None

    def _kind_changed(self) -> None:
        self.proxy.set_site_kind(self.site_kind())
        self.reload()

    def _loaded(self, generation: int, hotels: list[HotelView]) -> None:
        if generation != self._generation:
            return  # a newer reload is on its way
        selected = self.current_hotel()
        self.model.set_hotels(hotels)
        self.loaded = True
        self.stack.setCurrentWidget(self.table_page if hotels else self.empty_state)
        if selected is not None:
            self.select_hotel(selected.id)
        self._update_count()
        self._update_buttons()
        self.sig_loaded.emit(len(hotels))

    def refresh_hotel(self, hotel_id: str) -> None:
        """Re-read one hotel (after an inspection or an edit elsewhere) and update its row only."""
        from hoteltv.services import hotels as hotel_service

        ctx = self.ctx

        def job(_progress: Any) -> HotelView | None:
            try:
                return hotel_service.get_hotel(ctx.db, hotel_id)
            except NotFoundError:
                return None

        def done(view: HotelView | None) -> None:
            if view is None:
                self.model.remove(hotel_id)
            else:
                self.model.upsert(view)
            current = self.current_hotel()
            if current is not None and current.id == hotel_id:
                self.history.hotel = current
                self._load_history(current)
            self._update_buttons()

        ReadOp(ctx, job, label=self.tr("读取酒店"), parent=self).success(done).run()

    def _data_changed(self, changes: Changes) -> None:
        """A commit (from anywhere) touched data the table shows: re-read those hotels, or all of them."""
        if not self.loaded or not changes.tables & REGISTRY_TABLES:
            return
        ctx = self.ctx

        def touched(_progress: Any) -> set[str] | None:
            from hoteltv.services.hotels import hotels_touched

            return hotels_touched(ctx.db, changes)

        def refresh(hotels: set[str] | None) -> None:
            if hotels is None:
                self.reload()
            else:
                for hotel_id in sorted(hotels):
                    self.refresh_hotel(hotel_id)

        (ReadOp(ctx, touched, label=self.tr("读取酒店")).success(refresh).run())

    def refresh_current(self) -> None:
        hotel = self.current_hotel()
        if hotel is not None:
            self.refresh_hotel(hotel.id)

    # --- selection -----------------------------------------------------------------------------

    def current_hotel(self) -> HotelView | None:
        return self.proxy.hotel(self.table.currentIndex())

    def select_hotel(self, hotel_id: str) -> bool:
        row = self.model.row_of(hotel_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, COL_NAME))
        if not index.isValid():
            return False
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        hotel = self.proxy.hotel(current)
        if self.history.hotel is None or hotel is None or hotel.id != self.history.hotel.id:
            self.history.show_hotel(hotel)
            if hotel is not None:
                self._load_history(hotel)
        self._update_buttons()

    def _load_history(self, hotel: HotelView) -> None:
        ctx = self.ctx
        ctx.runner.submit(
            lambda _progress: _load_history(ctx, hotel.id),
            on_done=self.history.show_history,
            label=self.tr("读取检查记录"),
            write=False,
        )

    def _update_count(self, *_args: Any) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        if shown == total:
            self.count_label.setText(self.tr("共 %1 家酒店").replace("%1", str(total)))
        else:
            self.count_label.setText(fill(self.tr("显示 %1 家，共 %2 家"), str(shown), str(total)))

    def _update_buttons(self) -> None:
        has = self.current_hotel() is not None
        self.new_inspection_button.setEnabled(has)
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _focus_table(self) -> None:
        self.table.setFocus()
        if not self.table.currentIndex().isValid() and self.proxy.rowCount():
            self.table.selectRow(0)

    # --- hotel form ----------------------------------------------------------------------------

    def add_hotel(self) -> HotelFormDialog:
        return self._open_form(None)

    def edit_hotel(self) -> HotelFormDialog | None:
        hotel = self.current_hotel()
        return self._open_form(hotel) if hotel is not None else None

    def _open_form(self, hotel: HotelView | None) -> HotelFormDialog:
        form = HotelFormDialog(self.ctx, hotel, self)
        form.sig_saved.connect(self._hotel_saved)
        form.open()
        return form

    def delete_hotel(self) -> None:
        """删除… (confirmed): tombstone the selected hotel and its drafts; refused with finalized records."""
        from hoteltv.services import hotels as hotel_service

        hotel = self.current_hotel()
        if hotel is None or not confirm_delete_hotel(self, hotel.name):
            return
        db, actor, hotel_id, name = self.ctx.db, self.ctx.actor, hotel.id, hotel.name

        def deleted(_drafts: object) -> None:
            self.model.remove(hotel_id)
            self._update_count()
            self._update_buttons()
            self.sig_status.emit(self.tr("已删除「%1」").replace("%1", name))

        self.ctx.runner.submit(
            lambda _p: hotel_service.delete_hotel(db, hotel_id, actor=actor),
            on_done=deleted,
            on_error=error_shower(self),
            label=self.tr("删除酒店"),
        )

    def discard_draft(self, inspection_id: str) -> None:
        """放弃草稿… (confirmed) from the hotel's history; an open window of that draft closes."""
        from hoteltv.services import inspections as insp_service

        summary = self.history.selected_summary()
        what = f"{summary.record_number} · {summary.hotel_name}" if summary is not None else ""
        if not confirm_discard(self, what):
            return
        if "ui.inspection" in sys.modules:  # no window can be open before the module was loaded
            for window in sys.modules["ui.inspection"].open_windows():
                if window.inspection_id == inspection_id:
                    window.close()  # its pending edits are saved first
        db, actor = self.ctx.db, self.ctx.actor

        def discarded(_result: object) -> None:
            self.sig_status.emit(self.tr("已放弃草稿 %1").replace("%1", what))  # the row follows the change

        self.ctx.runner.submit(
            lambda _p: insp_service.discard_draft(db, inspection_id, actor=actor),
            on_done=discarded,
            on_error=error_shower(self),
            label=self.tr("放弃草稿"),
        )

    def _hotel_saved(self, view: HotelView) -> None:
        self.model.upsert(view)
        if self.stack.currentWidget() is not self.table_page:
            self.stack.setCurrentWidget(self.table_page)
        if not self.select_hotel(view.id):
            self.sig_status.emit(self.tr("已保存「%1」（不在当前筛选结果中）").replace("%1", view.name))
        else:
            self.sig_status.emit(self.tr("已保存「%1」").replace("%1", view.name))
        self._update_count()

    # --- inspections (ui.inspection, imported when first needed) -------------------------------

    def _inspection_module(self) -> Any:
        try:
            inspection = importlib.import_module("ui.inspection")
        except ImportError as exc:
            log.warning("ui.inspection unavailable: %s", exc)
            show_error(self, RuntimeError(self.tr("检查功能不可用：%1").replace("%1", str(exc))))
            return None
        return inspection

    def start_inspection(self) -> Any:
        """Start an inspection of the selected hotel (Ctrl+N)."""
        hotel = self.current_hotel()
        if hotel is None:
            self.sig_status.emit(self.tr("请先在列表中选择一家酒店"))
            return None
        inspection = self._inspection_module()
        if inspection is None:
            return None
        return inspection.start_inspection_flow(self.ctx, hotel.id, self.window())

    def open_inspection(self, inspection_id: str) -> Any:
        inspection = self._inspection_module()
        if inspection is None:
            return None
        return inspection.open_inspection_window(self.ctx, inspection_id, self.window())

    def print_inspection(self, inspection_id: str | None = None) -> PrintPreviewDialog | None:
        """Preview the sheet of one of the selected hotel's inspections (by default the one selected below)."""
        history = self.history.history
        wanted = inspection_id or self.history.selected_inspection()
        summary = next((i for i in (history.inspections if history else []) if i.id == wanted), None)
        if summary is None:
            return None
        from ui.printing import preview_inspection_sheet  # reportlab and QtPdf load when first needed

        return preview_inspection_sheet(self.ctx, summary.id, summary.record_number, self.window())

    def start_reinspection(self, notice_id: str) -> Any:
        inspection = self._inspection_module()
        if inspection is None:
            return None
        return inspection.start_reinspection_flow(self.ctx, notice_id, self.window())
