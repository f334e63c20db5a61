"""The GUI on a Windows laptop, simulated: started by ``pythonw`` (no console: the log goes to a file),
scaled to 125 %/150 % (icons drawn for that, an application icon), save dialogs in Documents, and a
division file that went missing (a warning, not a refusal to start)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from PIL import Image

from PySide6.QtCore import QCoreApplication, QSize, QStandardPaths
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from hoteltv.config import Settings
from hoteltv.resources import resource
from ui import app as gui
from ui import folders
from ui.context import AppContext
from ui.icons import app_icon, painted_icon
from ui.inspection.window import _dot
from ui.main_window import MainWindow


def test_the_application_has_its_icon_and_passes_scale_factors_through(qapp: QApplication) -> None:
    gui.application()
    assert not qapp.windowIcon().isNull()
    assert (
        gui.QGuiApplication.highDpiScaleFactorRoundingPolicy()
        == gui.Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    icon = app_icon()
    for size, ratio in ((16, 1.0), (16, 1.25), (32, 1.5), (256, 1.0)):
        pixmap = icon.pixmap(QSize(size, size), ratio)
        assert pixmap.size() == QSize(round(size * ratio), round(size * ratio)), (size, ratio)
        image = pixmap.toImage()
        assert image.pixelColor(image.width() // 2, image.height() // 2).alpha() == 255


def test_painted_icons_are_drawn_for_each_scale_not_enlarged(qapp: QApplication) -> None:
    for icon in (_dot("#2e7d32"), painted_icon(18, lambda p, r: p.fillRect(r, gui.Qt.GlobalColor.red))):
        size = icon.availableSizes()[0]
        for ratio in (1.25, 1.5, 2.0):
            pixmap = icon.pixmap(size, ratio)
            assert pixmap.width() == round(size.width() * ratio), ratio
            assert pixmap.devicePixelRatio() == pytest.approx(ratio, abs=0.06)  # 22 px for 18 at 1.25


def test_the_windows_icon_file_holds_every_size() -> None:
    node = resource("icons", "hoteltv.ico")
    with Image.open(str(node)) as ico:
        assert {16, 20, 24, 32, 40, 48, 256} <= {w for w, _ in ico.info["sizes"]}


def test_save_dialogs_open_in_documents(
    qtbot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    documents = tmp_path / "文档"
    documents.mkdir()
    monkeypatch.setattr(
        QStandardPaths,
        "writableLocation",
        lambda kind: str(documents) if kind == QStandardPaths.StandardLocation.DocumentsLocation else "",
    )
    assert folders.documents_folder() == documents
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: asked.append(a[2]) or ("", ""))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.export_hotels()
    assert asked and Path(asked[0]).parent == documents
    documents.rmdir()
    assert folders.documents_folder() == Path.home()  # no Documents folder: the home folder


def test_a_missing_division_file_warns_and_the_window_opens(qtbot, home: Path) -> None:  # type: ignore[no-untyped-def]
    Settings(home).set("division_file", str(home / "已删除的区划.json"))
    _app, window = gui.start(["--home", str(home)])
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    try:
        box = window.findChild(QMessageBox, "startupWarning")
        assert box is not None and box.isVisible()  # shown, and start() did not wait for it
        assert "已删除的区划.json" in box.text()
        assert window.ctx.divisions.city_code == "530500"
    finally:
        window.close()
        window.ctx.close()
        QCoreApplication.setOrganizationName("hoteltv-tests")


def test_under_pythonw_the_log_goes_to_the_data_folder(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        path = gui.configure_logging(["--home", str(home)])
        assert path == home / "logs" / "hoteltv-gui.log"
        logging.getLogger("ui.test").warning("照片导入失败 %s", "x.jpg")
        print("nowhere to go, and no crash")
        sys.stderr.write("no crash either\n")
        for handler in root.handlers:
            handler.flush()
        text = path.read_text(encoding="utf-8")
        assert "hoteltv GUI starting" in text and "照片导入失败 x.jpg" in text
        assert gui.configure_logging(["--home", str(home)]) == path
        assert len(root.handlers) == len(before) + 1  # not a second handler for the same file
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
                handler.close()


def test_a_start_that_fails_under_pythonw_leaves_a_crash_report(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import main as launcher

    def broken(argv: object = None) -> int:
        raise RuntimeError("缺少 Qt 插件 (simulated)")

    monkeypatch.setattr(gui, "main", broken)
    monkeypatch.setattr(sys, "argv", ["main.py", "--home", str(home)])
    monkeypatch.setattr(sys, "stderr", None)
    with pytest.raises(RuntimeError):
        launcher.main()
    [report] = (home / "logs").glob("crash-*.txt")
    assert "RuntimeError: 缺少 Qt 插件 (simulated)" in report.read_text(encoding="utf-8")


def test_a_missing_gui_package_is_named_and_nothing_else_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The launcher once fell back to the command line when the GUI would not import; now it says why."""
    import builtins

    import main as launcher

    real_import = builtins.__import__

    def no_gui(name: str, *args: object, **kwargs: object) -> object:
        if name == "ui.app":
            raise ModuleNotFoundError("No module named 'PySide6'", name="PySide6")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_gui)
    result = launcher.main()
    assert isinstance(result, str)  # sys.exit(str) prints it and exits 1
    assert "'PySide6'" in result and "run.sh" in result
