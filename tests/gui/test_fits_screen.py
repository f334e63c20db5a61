"""Every window and dialog fits a 1366×768 laptop (issue 12, point 9): with the taskbar the work area is
1366×705, and nothing may be cut off — not at the size a window opens with, nor at its minimum size.

Qt's offscreen platform takes its screens from a JSON file, so these tests run in a second pytest process
whose only screen is 1366×705 (:func:`test_on_a_laptop_screen` starts it; in that process the other tests
run). Every ``QDialog`` and ``QMainWindow`` subclass in ``ui/`` is listed in :data:`OPENERS` (a test checks
the list is complete), each opened the way the program opens it, in Chinese and in English.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtCore import QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QMainWindow,
    QWidget,
)

from hoteltv.photos.store import PhotoStore
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from hoteltv.services import notices as notice_service
from hoteltv.services import photos as photo_service
from tests.core import photo_fixtures as fx
from ui.app import install_translators
from ui.context import AppContext
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
LAPTOP = QSize(1366, 705)
#: A dialog's title bar on Windows at 100 % (Qt's widget size excludes it; the work area does not).
TITLE_BAR = 32
ON_LAPTOP = os.environ.get("HOTELTV_LAPTOP_SCREEN") == "1"


def _screen() -> QRect:
    screen = QGuiApplication.primaryScreen()
    assert screen is not None
    return screen.availableGeometry()


def test_on_a_laptop_screen(tmp_path: Path) -> None:
    """Run this file's tests again in a process whose only screen has a 1366×705 work area."""
    if ON_LAPTOP:
        pytest.skip("this is the laptop-screen run")
    config = tmp_path / "screen.json"
    screen = {"name": "laptop", "x": 0, "y": 0, "width": LAPTOP.width(), "height": LAPTOP.height()}
    config.write_text(json.dumps({"windowFrameMargins": False, "screens": [screen]}), encoding="utf-8")
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen:configfile=screen.json"  # relative: a Windows path has a colon
    env["HOTELTV_LAPTOP_SCREEN"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(Path(__file__)), "-q", "-p", "no:cacheprovider", "-x"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "skipped" not in done.stdout.replace("1 skipped", ""), done.stdout


laptop_only = pytest.mark.skipif(not ON_LAPTOP, reason="runs in the laptop-screen process")


# --- what to open ----------------------------------------------------------------------------------------


class Scene:
    """A data folder with the demo data, its main window, a draft with a room and a photo, a notice."""

    def __init__(self, ctx: AppContext, qtbot: Any, tmp_path: Path) -> None:
        self.ctx, self.qtbot, self.tmp_path = ctx, qtbot, tmp_path
        self.window = MainWindow(ctx)
        qtbot.addWidget(self.window)
        self.window.show_restored()
        self.window.start()
        db = ctx.db
        hotel = hotel_service.list_hotels(db)[0]
        team = [i.id for i in insp_service.list_inspectors(db)[:3]]
        self.draft = insp_service.start_inspection(db, hotel.id, team)
        self.draft = insp_service.add_room(db, self.draft.id, "301", floor="3", room_type="standard")
        photo = fx.jpeg(tmp_path / "boot.jpg", (1200, 800), seed=1)
        photo_service.attach_files(db, PhotoStore.for_home(ctx.home), self.draft.id, [photo])
        self.photos = photo_service.list_photos(db, self.draft.id)
        self.notice = next(n for n in notice_service.list_notices(db) if n.status == "open")
        self.failed = insp_service.get_inspection(db, self.notice.inspection_id)


def _inspection_window(s: Scene) -> QWidget:
    from ui.inspection import open_inspection_window

    return open_inspection_window(s.ctx, s.draft.id, s.window)


def _team(s: Scene) -> QWidget:
    from ui.inspection.team import TeamDialog

    return TeamDialog(s.ctx, s.window, selected=[i.id for i in s.draft.inspectors])


def _notice(s: Scene) -> QWidget:
    from ui.inspection.notice import NoticeDialog

    return NoticeDialog(s.ctx, s.failed, s.window)


def _extend(s: Scene) -> QWidget:
    from ui.inspection.notice import ExtendNoticeDialog

    return ExtendNoticeDialog(s.ctx, s.notice, s.window)


def _add_room(s: Scene) -> QWidget:
    from ui.inspection.room import AddRoomDialog

    return AddRoomDialog({"301"}, s.window, "zh" if s.ctx.language.startswith("zh") else "en")


def _signature(s: Scene) -> QWidget:
    from ui.inspection.signature import SignatureDialog

    return SignatureDialog("张明", s.window)


def _history(s: Scene) -> QWidget:
    from ui.inspection.undo import HistoryDialog

    changes = insp_service.answer_history(s.ctx.db, s.failed.id, "boot_seconds", s.failed.rooms[0].id)
    item = s.failed.template.item("boot_seconds")
    return HistoryDialog(item, "301", changes, "zh", s.window)


def _preview(s: Scene) -> QWidget:
    from ui.printing import preview_inspection_sheet

    return preview_inspection_sheet(s.ctx, s.failed.id, s.failed.record_number, s.window)


def _viewer(s: Scene) -> QWidget:
    from ui.photos import PhotoViewer

    return PhotoViewer(s.ctx, s.photos, 0, parent=s.window)


def _editor(s: Scene) -> QWidget:
    from ui.photos import AnnotationEditor

    return AnnotationEditor(s.ctx, s.photos[0], parent=s.window)


def _phone(s: Scene) -> QWidget:
    from ui.photos.phone_dialog import PhoneUploadDialog

    return PhoneUploadDialog(s.ctx, s.draft.id, s.window, host="127.0.0.1")


def _import(s: Scene) -> QWidget:
    existing = hotel_service.list_hotels(s.ctx.db)[0]
    rows = [
        "序号,单位名称,县区,地址,联系电话,星级,客房数,备用列",
        "1,新华宾馆,隆阳区,保山市隆阳区正阳北路1号,0875-2211111,三星,40,x",
        f"2,{existing.name},{existing.division_name},{existing.address},13800001111,,,",
        "3,坏电话酒店,龙陵县,龙陵县,12345,二星,30,",
    ]
    path = s.tmp_path / "名单.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8-sig")
    dialog = s.window.import_hotels(path)
    assert dialog is not None
    return dialog


def _hotel_form(s: Scene) -> QWidget:
    return s.window.registry.add_hotel()


def _main(s: Scene) -> QWidget:
    assert s.window.demo and not s.window.demo_banner.isHidden()  # the demo data: the window marked 演示
    return s.window


#: Every top-level window and dialog class in ui/, and how the program opens one.
OPENERS: dict[str, Callable[[Scene], QWidget]] = {
    "MainWindow": _main,
    "DraftsDialog": lambda s: s.window.open_draft(),
    "InspectionWindow": _inspection_window,
    "TeamDialog": _team,
    "NoticeDialog": _notice,
    "ExtendNoticeDialog": _extend,
    "AddRoomDialog": _add_room,
    "SignatureDialog": _signature,
    "HistoryDialog": _history,
    "SettingsDialog": lambda s: s.window.open_settings(),
    "PrintPreviewDialog": _preview,
    "SummaryDialog": lambda s: s.window.print_summary(),
    "BatchDialog": lambda s: s.window.print_batch(),
    "VerifyDialog": lambda s: s.window.verify_paper(),
    "SyncPanel": lambda s: s.window.open_sync(),
    "ImportDialog": _import,
    "HotelFormDialog": _hotel_form,
    "PhotoViewer": _viewer,
    "AnnotationEditor": _editor,
    "PhoneUploadDialog": _phone,
    "HotelMergeDialog": lambda s: s.window.merge_hotels(),
    "OperationsDialog": lambda s: s.window.open_operations(),
}


def test_every_window_and_dialog_class_is_checked() -> None:
    """A new dialog in ui/ must be added to OPENERS (also one derived from a shared base such as printing's
    ``_PeriodDialog``; a private base, never opened itself, is not listed)."""
    bases_of: dict[str, set[str]] = {}
    for path in (ROOT / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases_of[node.name] = {b.id for b in node.bases if isinstance(b, ast.Name)}
    windows = {"QDialog", "QMainWindow"}
    while more := {name for name, bases in bases_of.items() if bases & windows} - windows:
        windows |= more
    found = {name for name in windows - {"QDialog", "QMainWindow"} if not name.startswith("_")}
    assert {"SummaryDialog", "BatchDialog"} <= found  # derived from printing's _PeriodDialog
    assert found and found <= {name.split(" ")[0] for name in OPENERS}, found


# --- what fits means ------------------------------------------------------------------------------------


def clipped_texts(window: QWidget) -> list[str]:
    """Visible labels and buttons narrower than their text (outside scroll areas, which scroll)."""
    bad = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.window() is not window:
            continue
        if isinstance(widget, QLabel) and (widget.wordWrap() or not widget.text() or widget.pixmap()):
            continue
        if not isinstance(widget, QLabel | QAbstractButton):
            continue
        parent = widget.parentWidget()
        scrolled = False
        while parent is not None and parent is not window:
            if isinstance(parent, QAbstractScrollArea):
                scrolled = True
            parent = parent.parentWidget()
        if scrolled:
            continue
        need = widget.minimumSizeHint()
        if widget.width() < need.width() or widget.height() < need.height():
            name = widget.objectName() or type(widget).__name__
            bad.append(
                f"{name} {widget.text()!r}: {widget.width()}×{widget.height()} < {need.width()}×{need.height()}"
            )
        else:
            top_left = widget.mapTo(window, widget.rect().topLeft())
            inside = QRect(top_left, widget.size())
            if not window.rect().contains(inside):
                bad.append(f"{widget.text()!r} reaches outside the window: {inside}")
    return bad


def assert_fits(widget: QWidget) -> None:
    avail = _screen()
    assert avail.size() == LAPTOP
    title = 0 if isinstance(widget, QMainWindow) else TITLE_BAR  # main windows open maximized
    size = widget.size()
    name = type(widget).__name__
    assert size.width() <= avail.width() and size.height() + title <= avail.height(), f"{name} is {size}"
    frame = widget.frameGeometry()
    assert avail.contains(frame), f"{name} at {frame} is off the work area {avail}"
    for what, need in (("minimumSizeHint", widget.minimumSizeHint()), ("minimumSize", widget.minimumSize())):
        assert need.width() <= avail.width() and need.height() + title <= avail.height(), (
            f"{name} {what} {need}"
        )
    hint = widget.minimumSizeHint()
    assert size.width() >= hint.width() and size.height() >= hint.height(), f"{name} {size} < {hint}"
    assert not clipped_texts(widget), clipped_texts(widget)


@pytest.fixture(params=["zh_CN", "en"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Any:
    install_translators(qapp, request.param)
    yield request.param
    install_translators(qapp, "zh_CN")


@pytest.fixture
def scene(qtbot: Any, demo_ctx: AppContext, language: str, tmp_path: Path) -> Scene:
    demo_ctx.language = language
    return Scene(demo_ctx, qtbot, tmp_path)


@laptop_only
@pytest.mark.parametrize("name", list(OPENERS))
def test_opens_within_the_work_area(qtbot: Any, scene: Scene, name: str) -> None:
    widget = OPENERS[name](scene)
    widget.show()
    qtbot.waitExposed(widget)
    if name == "InspectionWindow":
        qtbot.waitUntil(lambda: getattr(widget, "view", None) is not None, timeout=5000)
    QApplication.processEvents()
    assert_fits(widget)
    if widget is not scene.window:
        widget.close()


@laptop_only
def test_inspection_window_at_its_minimum_size_shows_the_team_and_the_end_time(
    qtbot: Any, scene: Scene
) -> None:
    from ui.inspection.window import InspectionWindow

    window = _inspection_window(scene)
    assert isinstance(window, InspectionWindow)
    qtbot.waitUntil(lambda: window.view is not None, timeout=5000)
    window.showNormal()
    window.resize(window.minimumSize())
    QApplication.processEvents()
    assert window.size() == window.minimumSize()
    header = window.header
    visible = header.rect()
    for widget in (window.team_label, window.end_edit, window.start_edit, window.team_button):
        top_left = widget.mapTo(header, widget.rect().topLeft())
        assert visible.contains(QRect(top_left, widget.size())), (widget, top_left, widget.size(), visible)
    team = window.team_label
    assert all(i.name in team.text() for i in scene.draft.inspectors)
    assert team.fontMetrics().horizontalAdvance(team.text()) <= team.contentsRect().width(), team.text()
    end = window.end_edit
    assert end.width() >= end.sizeHint().width(), (end.width(), end.sizeHint())
    assert not clipped_texts(window), clipped_texts(window)
    window.close()


@laptop_only
def test_inspection_window_remembers_its_size_and_place_within_the_screen(qtbot: Any, scene: Scene) -> None:
    from ui.inspection.window import InspectionWindow

    first = _inspection_window(scene)
    assert isinstance(first, InspectionWindow)
    qtbot.waitUntil(lambda: first.view is not None, timeout=5000)
    first.showNormal()
    first.setGeometry(QRect(120, 40, 1100, 640))
    QApplication.processEvents()
    first.close()
    again = _inspection_window(scene)
    qtbot.waitExposed(again)
    assert again.geometry() == QRect(120, 40, 1100, 640)
    again.close()
    # A place saved on a bigger screen (or a second monitor since unplugged) is pulled onto this one.
    settings = QSettings()
    big = QWidget()
    big.setGeometry(QRect(2400, 300, 1900, 1000))
    settings.setValue("inspectionWindow/geometry", big.saveGeometry())
    third = _inspection_window(scene)
    qtbot.waitExposed(third)
    assert _screen().contains(third.frameGeometry()), third.frameGeometry()
    third.close()


@laptop_only
def test_main_window_comes_back_within_the_screen(qtbot: Any, ctx: AppContext) -> None:
    """A place saved on a bigger screen (or an unplugged monitor) is pulled onto this one, whole (a real data
    folder: the demo window does not keep its place)."""
    from ui.main_window import SETTINGS_GEOMETRY

    elsewhere = QWidget()
    elsewhere.setGeometry(QRect(1800, 200, 1600, 900))
    QSettings().setValue(SETTINGS_GEOMETRY, elsewhere.saveGeometry())
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show_restored()
    qtbot.waitExposed(window)
    assert _screen().contains(window.frameGeometry()), window.frameGeometry()
    assert_fits(window)
    window.setGeometry(QRect(60, 30, 1200, 620))
    window.close()
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    again.show_restored()
    qtbot.waitExposed(again)
    assert again.geometry() == QRect(60, 30, 1200, 620)
