"""The main window: menus and shortcuts, the registry and dashboard pages, status bar, window state.

It owns no data: pages and dialogs call core services through operations (:mod:`ui.ops`) and follow
the change signal (``ctx.changes``, :mod:`ui.changes`) to stay fresh. The runner's ``sig_error`` (a
background job failed and nobody handled it) ends here, in one message box, and so does a save that
failed after its inspection window closed (``ctx.changes.sig_save_lost``); the runner's ``sig_busy``
drives the status bar's busy indicator. Window geometry, toolbar state and the page
shown are kept in QSettings (window state only; core settings live in the data folder).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hoteltv import __version__
from hoteltv.domain import clock, lifecycle
from hoteltv.services.registry_rows import REGISTRY_TABLES
from ui.context import AppContext
from ui.dashboard import DashboardPage
from ui.folders import documents_folder
from ui.hotel_table_model import core_language
from ui.messages import confirm_discard, error_shower, fill, localize, show_error, show_info
from ui.ops import ReadOp, WriteOp
from ui.registry import RegistryPage
from ui.screen import available, is_small, resize_to_fit, restore_geometry
from ui.settings_dialog import SettingsDialog
from ui.worker import JobRunner

if TYPE_CHECKING:
    from hoteltv.db.tracking import Changes
    from hoteltv.services import inspections as insp_service
    from ui.import_dialog import ImportDialog
    from ui.operations_dialog import OperationsDialog
    from ui.print_preview import PrintPreviewDialog
    from ui.printing import BatchDialog, SummaryDialog
    from ui.verify_dialog import VerifyDialog

#: The window never gets smaller than this: it fits a 1366×768 screen with a taskbar and title bar.
MINIMUM_SIZE = (960, 600)
SETTINGS_GEOMETRY = "main/geometry"
SETTINGS_STATE = "main/state"
SETTINGS_PAGE = "main/page"


def age_text(started: datetime, today: date | None = None) -> str:
    """How old a draft is, in days: 今天 / 昨天 / N 天前."""
    days = ((today or clock.today()) - clock.bureau_date(started)).days
    if days <= 0:
        return QCoreApplication.translate("DraftsDialog", "今天")
    if days == 1:
        return QCoreApplication.translate("DraftsDialog", "昨天")
    return QCoreApplication.translate("DraftsDialog", "%1 天前").replace("%1", str(days))


class DraftsDialog(QDialog):
    """The drafts on this laptop with their age (检查 → 草稿…): continue one, or discard it (confirmed)."""

    sig_chosen = Signal(str, str)
    """(inspection id, hotel id) of the draft to open."""
    sig_discarded = Signal(str, str)
    """(inspection id, hotel id) of a draft just discarded."""

    STALE_DAYS = 7
    """Drafts older than this are shown in the warning colour: finish or discard them."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("draftsDialog")
        self.setWindowTitle(self.tr("草稿"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        intro = QLabel(self.tr("未定稿的检查记录。久未完成的草稿请继续填写或放弃。"))
        intro.setWordWrap(True)
        self.list = QTreeWidget()
        self.list.setObjectName("draftList")
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHeaderLabels(
            [
                self.tr("记录编号"),
                self.tr("酒店"),
                self.tr("县区"),
                self.tr("类型"),
                self.tr("开始时间"),
                self.tr("已有"),
                self.tr("房间"),
            ]
        )
        self.list.itemDoubleClicked.connect(lambda *_: self._choose())
        self.empty = QLabel(self.tr("没有未定稿的检查。"))
        self.empty.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = self.buttons.addButton(self.tr("继续草稿"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.discard_button = self.buttons.addButton(
            self.tr("放弃草稿…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.discard_button.setObjectName("discardDraftButton")
        self.discard_button.clicked.connect(self._discard)
        self.buttons.accepted.connect(self._choose)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addWidget(self.empty)
        layout.addWidget(self.buttons)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        self.discard_button.setAutoDefault(False)
        self.open_button.setDefault(True)  # Enter continues the chosen draft
        self.resize(760, 380)
        ctx.changes.sig_changed.connect(self._data_changed)
        self._load()

    def _data_changed(self, changes: Changes) -> None:
        """A draft started, changed or discarded anywhere: list them again."""
        if changes.tables & {"inspections", "room_checks", "hotels"}:
            self._load()

    def _load(self) -> None:
        from hoteltv.services import inspections as insp_service

        ctx = self.ctx
        (
            ReadOp(
                ctx,
                lambda _p: insp_service.list_inspections(ctx.db, status="draft"),
                label=self.tr("读取草稿"),
                parent=self,
            )
            .success(self._fill)
            .run()
        )

    def _fill(self, drafts: list[insp_service.InspectionSummary]) -> None:
        lang = core_language(self.ctx.language)
        self.list.clear()
        today = clock.today()
        for d in drafts:
            item = QTreeWidgetItem(
                [
                    d.record_number,
                    d.hotel_name,
                    d.division_name,
                    lifecycle.KINDS.get(d.kind, (d.kind, d.kind))[0 if lang == "zh" else 1],
                    clock.fmt(d.started_at),
                    age_text(d.started_at, today) if d.started_at else "",
                    str(d.rooms),
                ]
            )
            if d.started_at and (today - clock.bureau_date(d.started_at)).days > self.STALE_DAYS:
                item.setForeground(5, QColor("#a1160a"))
            item.setData(0, Qt.ItemDataRole.UserRole, (d.id, d.hotel_id))
            self.list.addTopLevelItem(item)
        first = self.list.topLevelItem(0)
        if first is not None:
            self.list.setCurrentItem(first)
        self.empty.setVisible(not drafts)
        self.open_button.setEnabled(bool(drafts))
        self.discard_button.setEnabled(bool(drafts))
        for col in range(self.list.columnCount()):
            self.list.resizeColumnToContents(col)

    def _choose(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        inspection_id, hotel_id = item.data(0, Qt.ItemDataRole.UserRole)
        self.accept()
        self.sig_chosen.emit(inspection_id, hotel_id)

    def _discard(self) -> None:
        from hoteltv.services import inspections as insp_service

        item = self.list.currentItem()
        if item is None:
            return
        inspection_id, hotel_id = item.data(0, Qt.ItemDataRole.UserRole)
        if not confirm_discard(self, f"{item.text(0)} · {item.text(1)}"):
            return
        db, actor = self.ctx.db, self.ctx.actor

        def discarded(_result: object) -> None:
            self.sig_discarded.emit(inspection_id, hotel_id)  # the list follows the change signal

        (
            WriteOp(
                self.ctx,
                lambda _p: insp_service.discard_draft(db, inspection_id, actor=actor),
                label=self.tr("放弃草稿"),
                parent=self,
            )
            .success(discarded)
            .failure(error_shower(self))
            .run()
        )


class MainWindow(QMainWindow):
    """The application window (see module docstring). GUI thread only."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("mainWindow")
        self.demo = ctx.demo
        """This window shows the demo data folder: marked 演示 in the title and a banner."""
        title = self.tr("酒店电视整改检查")
        if self.demo:
            title = self.tr("【演示】%1 — 虚构数据，不会同步").replace("%1", title)
        self.setWindowTitle(title)
        self.setMinimumSize(*MINIMUM_SIZE)
        self.registry = RegistryPage(ctx)
        self.dashboard = DashboardPage(ctx)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.registry)
        self.pages.addWidget(self.dashboard)
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        self.demo_banner = QLabel(
            self.tr("演示数据 — 全部为虚构的酒店和记录，只存在于单独的演示数据目录，不会发送到服务器。")
        )
        self.demo_banner.setObjectName("demoBanner")
        self.demo_banner.setWordWrap(True)
        self.demo_banner.setStyleSheet(
            "#demoBanner { background: #7a3db8; color: #ffffff; font-weight: bold; padding: 6px 12px; }"
        )
        self.demo_banner.setVisible(self.demo)
        central_layout.addWidget(self.demo_banner)
        central_layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self._demo_window: MainWindow | None = None
        self._dashboard_stale = True
        self._build_actions()
        self._build_menus()
        self._build_switcher()
        self._build_status_bar()
        self.registry.sig_import_requested.connect(self.import_hotels)
        self.registry.sig_demo_requested.connect(self.open_demo)
        self.registry.sig_sync_requested.connect(self.open_sync)
        self.registry.sig_status.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.registry.sig_loaded.connect(self._registry_loaded)
        self.dashboard.sig_open_hotel.connect(self.show_hotel)
        self.dashboard.sig_exported.connect(
            lambda path: self.statusBar().showMessage(self.tr("已导出报告：%1").replace("%1", path), 8000)
        )
        ctx.runner.sig_error.connect(self.show_job_error)
        ctx.runner.sig_busy.connect(self._set_busy)
        ctx.changes.sig_changed.connect(self._data_changed)
        ctx.changes.sig_save_lost.connect(self.show_lost_save)

    # --- actions and menus ---------------------------------------------------------------------

    def _action(
        self, text: str, slot: Any, shortcut: QKeySequence | str | None = None, name: str = ""
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if name:
            action.setObjectName(name)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work whatever page or menu is showing
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.act_import = a(self.tr("导入酒店名单(&I)…"), self.import_hotels, None, "actImport")
        self.act_export_hotels = a(self.tr("导出酒店(&E)…"), self.export_hotels, None, "actExportHotels")
        self.act_export_inspections = a(
            self.tr("导出检查记录(&X)…"), self.export_inspections, None, "actExportInspections"
        )
        self.act_merge_hotels = a(self.tr("合并重复酒店(&M)…"), self.merge_hotels, None, "actMergeHotels")
        self.act_demo = a(self.tr("打开演示数据(&D)"), self.open_demo, None, "actDemo")
        self.act_sync = a(self.tr("同步(&Y)…"), self.open_sync, "Ctrl+Shift+S", "actSync")
        self.act_settings = a(
            self.tr("设置(&S)…"),
            self.open_settings,
            QKeySequence(QKeySequence.StandardKey.Preferences),
            "actSettings",
        )
        self.act_quit = a(
            self.tr("退出(&Q)"), self.close, QKeySequence(QKeySequence.StandardKey.Quit), "actQuit"
        )
        self.act_new_inspection = a(
            self.tr("新建检查(&N)"), self.new_inspection, "Ctrl+N", "actNewInspection"
        )
        self.act_open_draft = a(self.tr("草稿(&O)…"), self.open_draft, "Ctrl+O", "actOpenDraft")
        self.act_print_sheet = a(
            self.tr("打印检查记录(&I)…"),
            self.print_inspection,
            QKeySequence(QKeySequence.StandardKey.Print),
            "actPrintSheet",
        )
        self.act_print_notice = a(self.tr("打印整改通知书(&N)…"), self.print_notice, None, "actPrintNotice")
        self.act_print_form = a(self.tr("打印空白检查表(&B)…"), self.print_field_form, None, "actPrintForm")
        self.act_print_summary = a(self.tr("打印统计报表(&S)…"), self.print_summary, None, "actPrintSummary")
        self.act_print_batch = a(self.tr("批量打印检查记录(&A)…"), self.print_batch, None, "actPrintBatch")
        self.act_verify = a(self.tr("验证打印件(&V)…"), self.verify_paper, None, "actVerify")
        self.act_operations = a(self.tr("执法行动(&E)…"), self.open_operations, None, "actOperations")
        self.act_find = a(self.tr("查找酒店(&F)"), self.find_hotel, "Ctrl+F", "actFind")
        self.act_refresh = a(self.tr("刷新(&R)"), self.refresh, "F5", "actRefresh")
        self.act_registry = a(self.tr("酒店名册(&H)"), self.show_registry, "Ctrl+1", "actRegistry")
        self.act_dashboard = a(self.tr("统计(&T)"), self.show_dashboard, "Ctrl+2", "actDashboard")
        self.act_shortcuts = a(self.tr("快捷键(&K)"), self.show_shortcuts, "F1", "actShortcuts")
        self.act_about = a(self.tr("关于(&A)"), self.show_about, None, "actAbout")
        group = QActionGroup(self)
        for action in (self.act_registry, self.act_dashboard):
            action.setCheckable(True)
            group.addAction(action)
        self.act_registry.setChecked(True)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu(self.tr("文件(&F)"))
        for action in (
            self.act_import,
            self.act_export_hotels,
            self.act_export_inspections,
            self.act_merge_hotels,
            None,
            self.act_sync,
            None,
            self.act_settings,
            None,
            self.act_quit,
        ):
            if action is None:
                self.file_menu.addSeparator()
            else:
                self.file_menu.addAction(action)
        self.inspection_menu = bar.addMenu(self.tr("检查(&C)"))
        self.inspection_menu.addAction(self.act_new_inspection)
        self.inspection_menu.addAction(self.act_open_draft)
        self.inspection_menu.addSeparator()
        self.inspection_menu.addAction(self.act_operations)
        self.print_menu = bar.addMenu(self.tr("打印(&P)"))
        for action in (
            self.act_print_sheet,
            self.act_print_notice,
            self.act_print_form,
            None,
            self.act_print_summary,
            self.act_print_batch,
            None,
            self.act_verify,
        ):
            if action is None:
                self.print_menu.addSeparator()
            else:
                self.print_menu.addAction(action)
        self.view_menu = bar.addMenu(self.tr("视图(&V)"))
        for action in (self.act_registry, self.act_dashboard, None, self.act_find, self.act_refresh):
            if action is None:
                self.view_menu.addSeparator()
            else:
                self.view_menu.addAction(action)
        self.help_menu = bar.addMenu(self.tr("帮助(&H)"))
        self.help_menu.addAction(self.act_shortcuts)
        self.help_menu.addAction(self.act_demo)
        self.help_menu.addSeparator()
        self.help_menu.addAction(self.act_about)

    def _build_switcher(self) -> None:
        self.switcher = QToolBar(self.tr("页面"))
        self.switcher.setObjectName("switcher")
        self.switcher.setMovable(False)
        self.switcher.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        # Toolbar buttons show the page names without the menu mnemonics "(&H)".
        self.act_registry.setIconText(self.tr("酒店名册"))
        self.act_dashboard.setIconText(self.tr("统计"))
        self.switcher.addAction(self.act_registry)
        self.switcher.addAction(self.act_dashboard)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.switcher)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("busyBar")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(120)
        self.busy_bar.setMaximumHeight(14)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.hide()
        self.busy_label = QLabel(self.tr("正在处理…"))
        self.busy_label.hide()
        self.folder_label = QLabel(self.tr("数据目录：%1").replace("%1", str(self.ctx.home)))
        self.folder_label.setObjectName("folderLabel")
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        status.addPermanentWidget(self.busy_label)
        status.addPermanentWidget(self.busy_bar)
        status.addPermanentWidget(self.folder_label)

    def _set_busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)
        self.busy_label.setVisible(busy)

    # --- window state --------------------------------------------------------------------------

    def show_restored(self) -> None:
        """Show with the last geometry (within today's screens); the first time, maximized on a
        laptop-size screen."""
        settings = QSettings()
        if restore_geometry(self, settings.value(SETTINGS_GEOMETRY)):
            state = settings.value(SETTINGS_STATE)
            if state is not None:
                self.restoreState(state)
            self.show()
        else:
            area = available(self)
            if area is not None and is_small(area):
                self.showMaximized()
            else:
                resize_to_fit(self, 1280, 800)
                self.show()
        if settings.value(SETTINGS_PAGE) == "dashboard":
            self.show_dashboard()

    def save_window_state(self) -> None:
        settings = QSettings()
        settings.setValue(SETTINGS_GEOMETRY, self.saveGeometry())
        settings.setValue(SETTINGS_STATE, self.saveState())
        settings.setValue(
            SETTINGS_PAGE, "dashboard" if self.pages.currentWidget() is self.dashboard else "registry"
        )
        self.registry.save_state()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.demo:  # the demo window does not take the real window's place next time
            self.save_window_state()
        if self._demo_window is not None:
            self._demo_window.close()
        super().closeEvent(event)
        if self.demo:  # the demo's own folder closes with its window, while its Qt objects all still exist
            self.ctx.close()

    # --- pages ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Load the registry (in the background); call once the window is shown."""
        self.registry.reload()

    def show_registry(self) -> None:
        self.act_registry.setChecked(True)
        self.pages.setCurrentWidget(self.registry)

    def show_dashboard(self) -> None:
        self.act_dashboard.setChecked(True)
        self.pages.setCurrentWidget(self.dashboard)
        if self._dashboard_stale:
            self._dashboard_stale = False
            self.dashboard.refresh()

    def show_hotel(self, hotel_id: str) -> None:
        self.show_registry()
        if not self.registry.select_hotel(hotel_id):
            self.registry.search.clear()
            for combo in (
                self.registry.division_filter,
                self.registry.mode_filter,
                self.registry.status_filter,
                self.registry.pilot_filter,
            ):
                combo.setCurrentIndex(0)
            self.registry.select_hotel(hotel_id)

    def refresh(self) -> None:
        self.registry.reload()
        self._data_changed()

    def _data_changed(self, changes: Changes | None = None) -> None:
        """Counts are stale: recount now if the dashboard shows, else when it is next shown."""
        if changes is not None and not changes.tables & (REGISTRY_TABLES | {"enforcement_operations"}):
            return
        if self.pages.currentWidget() is self.dashboard:
            self.dashboard.refresh()
        else:
            self._dashboard_stale = True

    def _registry_loaded(self, count: int) -> None:
        self.statusBar().showMessage(self.tr("已读取 %1 家酒店").replace("%1", str(count)), 3000)

    # --- commands ------------------------------------------------------------------------------

    def find_hotel(self) -> None:
        self.show_registry()
        self.registry.focus_search()

    def new_inspection(self) -> None:
        self.show_registry()
        self.registry.start_inspection()

    def open_draft(self) -> DraftsDialog:
        dialog = DraftsDialog(self.ctx, self)
        dialog.sig_chosen.connect(self._open_inspection)
        dialog.open()
        return dialog

    def _open_inspection(self, inspection_id: str, hotel_id: str) -> None:
        self.show_hotel(hotel_id)
        self.registry.open_inspection(inspection_id)

    def import_hotels(self, path: str | Path | None = None) -> ImportDialog | None:
        """Import a hotel spreadsheet (asks for the file unless ``path`` is given)."""
        from ui.import_dialog import ImportDialog, choose_and_import  # openpyxl loads when first needed

        if path:
            dialog: ImportDialog | None = ImportDialog(self.ctx, path, self)
            assert dialog is not None
            dialog.open()
        else:
            dialog = choose_and_import(self.ctx, self)
        return dialog  # the registry and counts follow the import's commits (the change signal)

    def open_demo(self) -> None:
        """帮助 → 打开演示数据: the demo in its own data folder and its own window marked 演示."""
        from hoteltv.services import demo as demo_service

        if self.demo:
            self.raise_()
            self.activateWindow()
            return
        if self._demo_window is not None:
            self._demo_window.show()
            self._demo_window.raise_()
            self._demo_window.activateWindow()
            return
        home = self.ctx.home
        self.statusBar().showMessage(self.tr("正在准备演示数据…"))

        def failed(exc: Exception) -> None:
            self.statusBar().clearMessage()
            show_error(self, exc)

        self.ctx.runner.submit(
            lambda _p: demo_service.prepare_demo_home(home),
            on_done=self._show_demo,
            on_error=failed,
            label=self.tr("准备演示数据"),
        )

    def _show_demo(self, folder: Path) -> None:
        self.statusBar().clearMessage()
        runner = JobRunner()
        runner.synchronous = self.ctx.runner.synchronous
        ctx = AppContext.open(folder, runner)
        ctx.actor, ctx.language = self.ctx.actor, self.ctx.language
        window = MainWindow(ctx)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        window.destroyed.connect(lambda *_: self._demo_closed())
        self._demo_window = window
        window.resize(self.size())
        window.show()
        window.start()

    def _demo_closed(self) -> None:
        # Not the place to close the demo's folder: at quit Qt may destroy the window after the objects
        # of its context (closeEvent closes it).
        self._demo_window = None

    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.ctx, self)
        dialog.sig_saved.connect(self._settings_saved)
        dialog.open()
        return dialog

    def _settings_saved(self, keys: list[str]) -> None:
        if "language" in keys:
            show_info(self, self.tr("设置"), self.tr("界面语言将在下次启动程序时更改。"))
        elif "division_file" in keys or "division_city" in keys:
            show_info(self, self.tr("设置"), self.tr("所在市的县区列表将在下次启动程序时更换。"))
        else:
            self.statusBar().showMessage(self.tr("设置已保存"), 3000)

    # --- export --------------------------------------------------------------------------------

    def _ask_save_path(self, title: str, stem: str) -> Path | None:
        default = documents_folder() / f"{stem}-{clock.today():%Y%m%d}.xlsx"
        path, chosen = QFileDialog.getSaveFileName(
            self, title, str(default), self.tr("Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)")
        )
        if not path:
            return None
        result = Path(path)
        if result.suffix.lower() not in (".xlsx", ".csv"):
            result = result.with_name(result.name + (".csv" if "csv" in chosen.lower() else ".xlsx"))
        return result

    def export_hotels(self, path: str | Path | None = None) -> None:
        """Export the registry's sites of the kind it shows (hotels by default, or every kind) to .xlsx/.csv
        (a sheet the importer reads back)."""
        from hoteltv.services import hotels as hotel_service

        target = Path(path) if path else self._ask_save_path(self.tr("导出酒店"), self.tr("酒店名册"))
        if target is None:
            return
        ctx = self.ctx
        lang = core_language(ctx.language)
        kind = self.registry.site_kind()

        def job(_progress: Any) -> int:
            from hoteltv.io.tables import write_table

            headers, rows = hotel_service.hotels_as_table(
                hotel_service.list_hotels(ctx.db, site_kind=kind), lang
            )
            return write_table(target, headers, rows, sheet_title="酒店")

        ctx.runner.submit(
            job,
            on_done=lambda n: self.statusBar().showMessage(
                fill(self.tr("已导出 %1 家酒店到 %2"), str(n), str(target)), 8000
            ),
            label=self.tr("导出酒店"),
        )

    def export_inspections(self, path: str | Path | None = None) -> None:
        """Export every inspection (one row each, failed items spelled out) to .xlsx/.csv."""
        from hoteltv.services import inspections as insp_service

        target = Path(path) if path else self._ask_save_path(self.tr("导出检查记录"), self.tr("检查记录"))
        if target is None:
            return
        ctx = self.ctx

        def job(_progress: Any) -> int:
            from hoteltv.io.tables import write_table

            headers, rows = insp_service.inspections_as_table(ctx.db)
            return write_table(target, headers, rows, sheet_title="检查记录")

        ctx.runner.submit(
            job,
            on_done=lambda n: self.statusBar().showMessage(
                fill(self.tr("已导出 %1 条检查记录到 %2"), str(n), str(target)), 8000
            ),
            label=self.tr("导出检查记录"),
        )

    # --- printing ------------------------------------------------------------------------------

    def _hint(self, title: str, text: str) -> None:
        show_info(self, title, text)

    def print_inspection(self) -> PrintPreviewDialog | None:
        """Ctrl+P: preview the inspection selected in the registry's history panel."""
        title = self.tr("打印检查记录")
        hotel = self.registry.current_hotel()
        if hotel is None:
            self._hint(title, self.tr("请先在酒店名册中选择一家酒店，再在下方的检查记录中选择要打印的一条。"))
            return None
        if self.registry.history.history is None:
            self._hint(title, self.tr("正在读取这家酒店的检查记录，请稍后再试。"))
            return None
        if self.registry.history.selected_summary() is None:
            self._hint(title, self.tr("“%1”还没有检查记录可打印。").replace("%1", hotel.name))
            return None
        return self.registry.print_inspection()

    def print_notice(self) -> None:
        """Preview the selected hotel's most recent rectification notice."""
        from ui.printing import print_latest_notice

        hotel = self.registry.current_hotel()
        if hotel is None:
            self._hint(self.tr("打印整改通知书"), self.tr("请先在酒店名册中选择一家酒店。"))
            return
        print_latest_notice(self.ctx, hotel.id, hotel.name, self)

    def print_field_form(self) -> QWidget | None:
        """Ask the number of room columns, then preview a blank field form for the selected hotel."""
        from ui.printing import ask_field_form

        hotel = self.registry.current_hotel()
        if hotel is None:
            self._hint(self.tr("打印空白检查表"), self.tr("请先在酒店名册中选择一家酒店。"))
            return None
        return ask_field_form(self.ctx, hotel.id, hotel.name, self)

    def print_summary(self) -> SummaryDialog:
        """Choose a period, division and scope, then preview the summary report."""
        from ui.printing import SummaryDialog, preview_summary

        dialog = SummaryDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_chosen.connect(lambda choice: preview_summary(self.ctx, choice, self))
        dialog.open()
        return dialog

    def print_batch(self) -> BatchDialog:
        """Choose a period and division, then preview all their inspection sheets in one PDF."""
        from ui.printing import BatchDialog, preview_batch

        dialog = BatchDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_chosen.connect(lambda choice: preview_batch(self.ctx, choice, self))
        dialog.open()
        return dialog

    def merge_hotels(self) -> QWidget:
        """The 疑似重复 hotels and a choice of which one stays (ui/hotel_merge_dialog.py)."""
        from ui.hotel_merge_dialog import HotelMergeDialog

        dialog = HotelMergeDialog(self.ctx, self)
        dialog.sig_merged.connect(lambda _result: self.refresh())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_sync(self) -> QWidget:
        """The sync panel: pending changes, last sync, per-record state, conflicts."""
        from ui.sync_panel import SyncPanel

        panel = SyncPanel(self.ctx, self)
        panel.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        panel.open()  # what a sync brings in reaches the pages through the change signal
        return panel

    def open_operations(self) -> OperationsDialog:
        """执法行动: the list of enforcement operations and a form to record one."""
        from ui.operations_dialog import OperationsDialog

        dialog = OperationsDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def verify_paper(self) -> VerifyDialog:
        """Check a paper copy's verification code against the stored records."""
        from ui.verify_dialog import VerifyDialog

        dialog = VerifyDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # --- errors and help -----------------------------------------------------------------------

    def show_job_error(self, label: str, exc: Exception) -> QMessageBox:
        """The one place where a failed background job without its own handler is reported."""
        context = self.tr("“%1”未完成。").replace("%1", label) if label else ""
        return show_error(self, exc, context)

    def show_lost_save(self, record: str, what: str, typed: str, exc: Exception) -> QMessageBox:
        """A save failed after its inspection window closed: say which record, why, and what was typed
        (selectable, to enter again), instead of losing it in the log."""
        text = self.tr("检查记录“%1”窗口关闭后，有一处修改未能保存。").replace("%1", record or "?")
        text += "\n\n" + localize(str(exc))
        if typed:
            text += "\n\n" + self.tr("未保存的内容：%1").replace("%1", typed)
        text += "\n\n" + self.tr("请重新打开这条检查记录，核对后再填一次。")
        box = QMessageBox(
            QMessageBox.Icon.Warning, self.tr("未保存"), text, QMessageBox.StandardButton.Ok, self
        )
        box.setObjectName("lostSaveBox")
        box.setDetailedText(f"{what}\n{typed}")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def show_shortcuts(self) -> QMessageBox:
        rows = [
            ("Ctrl+F", self.tr("查找酒店（名称、地址、联系人、信用代码）")),
            ("Ctrl+N", self.tr("为选中的酒店新建检查")),
            ("Ctrl+O", self.tr("草稿：继续或放弃")),
            ("Ctrl+P", self.tr("打印选中的检查记录")),
            ("Ctrl+Shift+S", self.tr("与服务器同步")),
            ("Ctrl+1 / Ctrl+2", self.tr("酒店名册 / 统计")),
            ("F5", self.tr("刷新")),
            ("Enter", self.tr("在搜索框中按回车：转到列表")),
            (self.tr("双击"), self.tr("编辑酒店信息")),
            ("F1", self.tr("本帮助")),
        ]
        html = (
            "<table cellspacing='6'>"
            + "".join(f"<tr><td><b>{key}</b></td><td>{text}</td></tr>" for key, text in rows)
            + "</table>"
        )
        box = QMessageBox(
            QMessageBox.Icon.NoIcon, self.tr("快捷键"), html, QMessageBox.StandardButton.Ok, self
        )
        box.setObjectName("shortcutsBox")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def show_about(self) -> QMessageBox:
        text = fill(
            self.tr(
                "<h3>酒店电视整改检查</h3><p>版本 %1</p><p>数据目录：%2</p>"
                "<p>内置字体：文泉驿微米黑 (Apache-2.0)。</p>"
            ),
            __version__,
            str(self.ctx.home),
        )
        box = QMessageBox(
            QMessageBox.Icon.Information, self.tr("关于"), text, QMessageBox.StandardButton.Ok, self
        )
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box
