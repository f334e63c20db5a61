"""Starting the program: fonts, translations, the main window, its menus and shortcuts, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QSettings, Qt, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from hoteltv.errors import HoteltvError, ImportRefused, Problem, ValidationError
from hoteltv.io.hotel_sheet import read_hotel_sheet
from hoteltv.resources import resource
from ui import app as gui
from ui.context import AppContext
from ui.main_window import MINIMUM_SIZE, MainWindow
from ui.messages import error_texts, localize


@pytest.fixture
def english(qapp: QApplication):
    gui.install_translators(qapp, "en")
    yield
    gui.install_translators(qapp, "zh_CN")


def test_english_qm_is_shipped_and_loads() -> None:
    qm = resource("translations", "hoteltv_en.qm")
    assert qm.is_file()
    assert resource("translations", "hoteltv_en.ts").is_file()
    translator = QTranslator()
    assert translator.load(str(qm))
    assert translator.translate("MainWindow", "文件(&F)") == "&File"
    assert translator.translate("RegistryPage", "新增酒店") == "Add hotel"


def test_switching_to_english_shows_english_labels(qtbot, ctx: AppContext, english) -> None:
    ctx.language = "en"
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.file_menu.title() == "&File"
    assert window.act_new_inspection.text() == "&New inspection"
    assert window.registry.add_button.text() == "Add hotel"
    assert window.registry.empty_state.demo_button.text() == "Open demo data"
    assert window.registry.model.headerData(1, Qt.Orientation.Horizontal) == "Hotel"
    assert localize("酒店名称不能为空 (name is required)") == "name is required"


def test_chinese_is_the_default_with_qt_buttons_in_chinese(qtbot, ctx: AppContext) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.file_menu.title() == "文件(&F)"
    assert localize("酒店名称不能为空 (name is required)") == "酒店名称不能为空"
    assert (Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)) / "qtbase_zh_CN.qm").is_file()
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_bundled_cjk_font_becomes_the_fallback(qapp: QApplication) -> None:
    before = qapp.font()
    try:
        family = gui.load_cjk_font(qapp)
        assert family == gui.CJK_FAMILY
        assert family in QFontDatabase.families()
        assert qapp.font().families()[-3:] == [family, "HanaMinA", "HanaMinB"]
    finally:
        qapp.setFont(before)


def test_bundled_fallback_fonts_show_the_cjk_extension_characters(qapp: QApplication) -> None:
    """䶮 U+4DAE, 𠀀 U+20000 and 𬱖 U+2CC56 have a font in the GUI: the application font's families,
    bundled fallbacks included, cover them, so Qt never draws a box for them."""
    before = qapp.font()
    try:
        gui.load_cjk_font(qapp)
        families = qapp.font().families()
        for char in ("䶮", "\U00020000", "\U0002cc56"):
            covering = [f for f in families if QFontMetrics(QFont(f)).inFontUcs4(ord(char))]
            assert covering, f"no family of the application font covers U+{ord(char):04X}"
            assert {"HanaMinA", "HanaMinB"} & set(covering), covering
        # The main CJK font is still the first for ordinary Chinese.
        assert QFontMetrics(QFont(gui.CJK_FAMILY)).inFontUcs4(ord("酒"))
    finally:
        qapp.setFont(before)


def test_start_opens_the_window_on_the_data_folder(qtbot, tmp_path: Path) -> None:
    home = tmp_path / "data"
    app, window = gui.start(["--home", str(home)])
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    try:
        assert window.isVisible()
        qtbot.waitUntil(lambda: window.registry.loaded, timeout=10_000)
        assert window.registry.stack.currentWidget() is window.registry.empty_state
        assert window.ctx.home == home
        assert str(home) in window.folder_label.text()
        assert QCoreApplication.organizationName() == gui.ORGANIZATION
        # the daily backup is made in the background at start
        qtbot.waitUntil(lambda: any((home / "backups").glob("daily-*.zip")), timeout=10_000)
    finally:
        window.close()
        window.ctx.close()
        QCoreApplication.setOrganizationName("hoteltv-tests")


def test_after_paint_waits_for_the_widget_to_paint_and_fires_once(qtbot, monkeypatch) -> None:
    from PySide6.QtWidgets import QLabel

    label = QLabel("行")
    qtbot.addWidget(label)
    calls: list[int] = []
    gui.after_paint(label, lambda: calls.append(1))
    qtbot.wait(50)
    assert calls == []  # hidden: nothing painted yet
    label.show()
    qtbot.waitUntil(lambda: calls == [1], timeout=2_000)
    label.update()
    qtbot.wait(50)
    assert calls == [1]
    # a widget that never paints: the limit fires it, once
    monkeypatch.setattr(gui, "AFTER_PAINT_LIMIT_MS", 100)
    hidden = QLabel()
    qtbot.addWidget(hidden)
    gui.after_paint(hidden, lambda: calls.append(2))
    qtbot.waitUntil(lambda: calls == [1, 2], timeout=2_000)
    qtbot.wait(150)
    assert calls == [1, 2]


def test_a_database_error_at_start_is_a_message_not_a_traceback(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "broken"
    home.mkdir()
    (home / "hoteltv.db").write_bytes(b"this is not a database" * 100)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    _app, window = gui.start(["--home", str(home)])
    assert window is None
    assert shown and str(home) in shown[0]


def test_menus_shortcuts_and_minimum_size(qtbot, ctx: AppContext) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.minimumWidth() <= 1366 and window.minimumHeight() <= 768 - 100
    assert (window.minimumWidth(), window.minimumHeight()) == MINIMUM_SIZE
    assert window.act_new_inspection.shortcut() == QKeySequence("Ctrl+N")
    assert window.act_find.shortcut() == QKeySequence("Ctrl+F")
    assert window.act_shortcuts.shortcut() == QKeySequence("F1")
    assert window.act_print_sheet.shortcut() == QKeySequence("Ctrl+P")
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["文件(&F)", "检查(&C)", "打印(&P)", "视图(&V)", "帮助(&H)"]
    file_items = [a.text() for a in window.file_menu.actions() if not a.isSeparator()]
    assert file_items == [
        "导入酒店名单(&I)…",
        "导出酒店(&E)…",
        "导出检查记录(&X)…",
        "合并重复酒店(&M)…",
        "同步(&Y)…",
        "设置(&S)…",
        "退出(&Q)",
    ]
    # The demo opens apart from real data, from the help menu (never loaded into this folder).
    help_items = [a.text() for a in window.help_menu.actions() if not a.isSeparator()]
    assert help_items == ["快捷键(&K)", "打开演示数据(&D)", "关于(&A)"]


def test_ctrl_f_focuses_search_and_f1_shows_help(qtbot, demo_ctx: AppContext) -> None:
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    window.show()
    window.start()
    window.show_dashboard()
    window.act_find.trigger()
    assert window.pages.currentWidget() is window.registry
    window.activateWindow()
    qtbot.waitUntil(lambda: window.registry.search.hasFocus(), timeout=2000)
    box = window.show_shortcuts()
    assert "Ctrl+N" in box.text()
    box.close()


def test_window_state_is_remembered(qtbot, ctx: AppContext) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    window.show_dashboard()
    window.close()
    assert QSettings().value("main/page") == "dashboard"
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    again.show_restored()
    assert again.pages.currentWidget() is again.dashboard
    assert QSettings().value("main/geometry") is not None
    if again.screen().availableGeometry().width() >= 1100:  # offscreen's screen may be smaller
        assert again.width() == 1100


def test_exports_write_files_the_importer_reads_back(qtbot, demo_ctx: AppContext, tmp_path: Path) -> None:
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    hotels = tmp_path / "hotels.xlsx"
    window.export_hotels(hotels)
    assert read_hotel_sheet(hotels, demo_ctx.divisions).total_data_rows == 40
    inspections = tmp_path / "inspections.xlsx"
    window.export_inspections(inspections)
    assert inspections.is_file() and inspections.stat().st_size > 0
    assert "已导出" in window.statusBar().currentMessage()


def test_a_failed_job_is_shown_in_one_message_box(qtbot, ctx: AppContext) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)

    def fail(_progress: object) -> None:
        raise HoteltvError("磁盘已满 (disk full)")

    ctx.runner.submit(fail, label="测试任务")
    boxes = [b for b in window.findChildren(QMessageBox) if b.objectName() == "errorBox" and b.isVisible()]
    assert len(boxes) == 1
    assert "磁盘已满" in boxes[0].text()
    assert "测试任务" in boxes[0].text()
    boxes[0].close()


def test_error_texts_for_each_kind_of_core_error() -> None:
    title, text, _ = error_texts(ImportRefused("缺少列 (columns missing)", ["酒店名称"]))
    assert title == "无法导入" and "酒店名称" in text
    title, text, _ = error_texts(ValidationError("未保存 (not saved)", [Problem("name", "必填 (required)")]))
    assert "name: 必填" in text
    title, text, details = error_texts(RuntimeError("boom"))
    assert title == "意外错误" and "boom" in text and "RuntimeError" in details


def test_sync_menu_opens_the_sync_panel(qtbot, demo_ctx) -> None:  # type: ignore[no-untyped-def]
    from ui.main_window import MainWindow
    from ui.sync_panel import SyncPanel

    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    window.act_sync.trigger()
    panels = window.findChildren(SyncPanel)
    assert len(panels) == 1 and panels[0].isVisible()
    panels[0].close()
