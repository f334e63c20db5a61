"""Start the program on demo data in a temporary folder and save screenshots of the main screens.

Usage (from the repository root)::

    python scripts/screenshots.py                      # offscreen, Chinese, into ./screenshots/
    python scripts/screenshots.py --lang en --out /tmp/shots-en
    python scripts/screenshots.py --screen 1366x705 --size 1366x705   # a laptop's work area, offscreen
    xvfb-run -a -s "-screen 0 1366x768x24" python scripts/screenshots.py --platform xcb

With no display (or ``--platform offscreen``) Qt draws offscreen; under Xvfb (``--platform xcb``) the
program runs on a real X server, as on a laptop. The main window is shown at 1366×768 (``--size``),
the common hotel-room laptop screen. Nothing touches your own data folder or window settings: the
data folder is a fresh temporary one with the demo data, and Qt's settings go to a temporary folder.

Files written: ``registry.png`` (the overdue hotel selected, its history below), ``dashboard.png``,
``empty.png`` (a new data folder), ``import-preview.png`` and ``import-refused.png`` (a messy sheet:
title row, synonym headers, an unused column, refused rows), ``hotel-form.png`` (validation messages
beside the fields), ``settings.png``, ``drafts.png`` (打开草稿: the drafts with their age), and, when
``ui.inspection`` is installed, ``inspection-draft.png`` (a draft with a failed room),
``inspection-provisional.png`` (a draft half done, nothing failed yet: the provisional verdict),
``inspection-failed.png`` (a finalized failed record) and the 手机拍照 QR dialog, alone
(``phone-qr-dialog.png``) and over the draft (``phone-qr.png``); last ``empty.png`` (a new data folder)
and ``demo-window.png`` (帮助 → 打开演示数据 from it: the demo in its own window, marked 演示).

``--screen`` gives the offscreen platform a screen of that size (its whole area is the work area), so
dialogs are sized and placed as on that laptop.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "screenshots"), help="folder for the PNG files")
    parser.add_argument("--lang", default="zh_CN", choices=["zh_CN", "en"])
    parser.add_argument("--size", default="1366x768", help="main window size, WIDTHxHEIGHT")
    parser.add_argument("--platform", help="Qt platform: offscreen (default without a display) or xcb")
    parser.add_argument("--screen", help="offscreen only: the screen's size, WIDTHxHEIGHT (e.g. 1366x705)")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if args.platform:
        os.environ["QT_QPA_PLATFORM"] = args.platform
    elif "QT_QPA_PLATFORM" not in os.environ and not os.environ.get("DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    width, height = (int(n) for n in args.size.lower().split("x"))
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="hoteltv-shots-"))
    if args.screen and os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        import json

        sw, sh = (int(n) for n in args.screen.lower().split("x"))
        screen = {"name": "laptop", "x": 0, "y": 0, "width": sw, "height": sh}
        (work / "screen.json").write_text(json.dumps({"windowFrameMargins": False, "screens": [screen]}))
        os.chdir(work)  # a relative path: Qt splits the platform argument at colons (C:\…)
        os.environ["QT_QPA_PLATFORM"] = "offscreen:configfile=screen.json"

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QWidget

    from hoteltv.services.demo import load_demo
    from hoteltv.services.setup import open_home

    home = work / "demo"
    db, _settings, divisions = open_home(home)
    try:
        load_demo(db, divisions)
    finally:
        db.close()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "qsettings"))

    from ui import app as gui
    from ui.main_window import MainWindow

    app, window = gui.start(["--home", str(home), "--lang", args.lang])
    if not isinstance(window, MainWindow):
        print("the program did not start", file=sys.stderr)
        return 1
    saved: list[Path] = []

    def wait(condition: Callable[[], object], timeout: float = 30.0) -> None:
        end = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > end:
                raise TimeoutError("the screen did not get ready in time")
            app.processEvents()
            time.sleep(0.01)
        for _ in range(5):  # let layouts settle and paint
            app.processEvents()
            time.sleep(0.02)

    def shot(widget: QWidget, name: str) -> None:
        wait(lambda: True)
        path = out / name
        widget.grab().save(str(path))
        saved.append(path)
        print(f"{path}  {widget.width()}x{widget.height()}")

    def place(widget: QWidget, w: int, h: int) -> None:
        widget.showNormal()
        widget.resize(w, h)
        widget.move(0, 0)
        wait(lambda: True)

    place(window, width, height)
    registry = window.registry
    wait(lambda: registry.loaded)

    # Registry: the overdue hotel selected, its history and open notice below.
    overdue = next(h for h in registry.model.hotels() if h.overdue)
    registry.select_hotel(overdue.id)
    wait(lambda: registry.history.history is not None)
    shot(window, "registry.png")

    window.show_dashboard()
    wait(lambda: window.dashboard.data is not None)
    shot(window, "dashboard.png")
    window.show_registry()

    # Import preview of a messy sheet.
    sheet = _messy_sheet(work / "县区报送名单.xlsx", [h for h in registry.model.hotels() if not h.pilot][0])
    dialog = window.import_hotels(sheet)
    assert dialog is not None
    wait(lambda: dialog.page() in ("preview", "refused"))
    shot(dialog, "import-preview.png")
    dialog.tabs.setCurrentIndex(1)
    shot(dialog, "import-refused.png")
    dialog.reject()

    # Hotel form with validation messages beside the fields.
    form = registry.add_hotel()
    form.fields["contact_phone"].setText("12345")
    form.fields["credit_code"].setText("91530502MA6K00000")
    form.save()
    shot(form, "hotel-form.png")
    form.reject()

    settings = window.open_settings()
    shot(settings, "settings.png")
    settings.reject()

    _drafts_shot(window, wait, shot)

    if importlib.util.find_spec("ui.inspection") is not None:
        _inspection_shots(window, overdue.id, wait, shot, place, width, height)

    # The empty state of a new data folder.
    empty_app, empty_window = gui.start(["--home", str(work / "empty"), "--lang", args.lang])
    assert isinstance(empty_window, MainWindow) and empty_app is app
    place(empty_window, width, height)
    wait(lambda: empty_window.registry.loaded)
    shot(empty_window, "empty.png")
    empty_window.open_demo()  # 帮助 → 打开演示数据: the demo in its own folder and window
    wait(lambda: empty_window._demo_window is not None)
    demo = empty_window._demo_window
    assert demo is not None
    place(demo, width, height)
    wait(lambda: demo.registry.loaded)
    shot(demo, "demo-window.png")
    demo.close()
    empty_window.close()
    empty_window.ctx.close()

    window.close()
    window.ctx.close()
    print(f"{len(saved)} screenshots in {out}; demo data folder {home}")
    return 0


def _messy_sheet(path: Path, existing: object) -> Path:
    """A sheet as a county office sends it: title row, synonym headers, an extra column, bad rows."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["2025年保山市宾馆酒店电视整改名单(第二批)"])
    ws.append(
        ["序号", "单位名称", "县(市、区)", "详细地址", "联系人", "联系电话", "星级", "客房数", "填报人"]
    )
    rows = [
        ["新华宾馆", "隆阳区", "保山市隆阳区正阳北路1号", "杨丽", "0875-2211111", "三星", 40],
        ["高黎贡客栈", "腾冲县", "腾冲市界头镇新庄村", "段云", "13987650000", "无", 12],
        [existing.name, existing.division_name, existing.address, "赵海燕", "13800001111", None, 96],
        ["怒江边精品酒店", "龙陵县", "龙陵县勐糯镇", "李国强", "12345", "二星", 30],
        ["洱海酒店", "大理市", "大理市下关镇", "王芳", "0872-2123456", "", 20],
        ["星级不明酒店", "昌宁县", "昌宁县田园镇", "", "0875-6123456", "超五星", "很多"],
        ["右甸商务酒店", "昌宁县", "昌宁县右甸路8号", "杞文斌", "0875-6111222", "3", 58],
    ]
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row, "县文旅局"])
    wb.save(path)
    return path


def _drafts_shot(window, wait, shot) -> None:  # noqa: ANN001
    """``drafts.png``: 文件 → 打开草稿, with two drafts of different ages."""
    from datetime import timedelta

    from hoteltv.domain import clock
    from hoteltv.services import inspections as insp_service

    ctx = window.ctx
    team = [i.id for i in insp_service.list_inspectors(ctx.db)][:2]
    fresh = [h for h in window.registry.model.hotels() if h.pilot and h.last_inspection_at is None]
    for hotel, days in zip(fresh[-2:], (0, 9), strict=False):
        insp_service.start_inspection(ctx.db, hotel.id, team, started_at=clock.now() - timedelta(days=days))
    dialog = window.open_draft()
    wait(lambda: dialog.list.topLevelItemCount() > 0)
    shot(dialog, "drafts.png")
    dialog.reject()


def _provisional_shot(window, wait, shot, place, width, height) -> None:  # noqa: ANN001
    """``inspection-provisional.png``: a draft half done with nothing failed (暂无不合格项（未完成）)."""
    import ui.inspection as inspection
    from hoteltv.services import inspections as insp_service
    from hoteltv.services.demo import good_hotel, good_room

    ctx = window.ctx
    hotels = [h for h in window.registry.model.hotels() if h.pilot and h.last_inspection_at is None]
    target = hotels[len(hotels) // 2]  # not one the other screenshots started a draft for
    team = [i.id for i in insp_service.list_inspectors(ctx.db)][:3]
    view = insp_service.start_inspection(ctx.db, target.id, team)
    for key, value in list(good_hotel(target.current_mode).items())[:6]:
        view = insp_service.set_hotel_answer(ctx.db, view.id, key, value or "张建华")
    view = insp_service.add_room(ctx.db, view.id, "208", floor="2", room_type="standard")
    room = view.rooms[0]
    for key, value in list(good_room(target.current_mode).items())[:3]:
        view = insp_service.set_room_answer(ctx.db, room.id, key, value)
    draft = inspection.open_inspection_window(ctx, view.id, window)
    place(draft, width, height)
    wait(lambda: getattr(draft, "view", None) is not None)
    shot(draft, "inspection-provisional.png")
    draft.close()


def _inspection_shots(window, hotel_id, wait, shot, place, width, height) -> None:  # noqa: ANN001
    """A draft with a failed room, and the finalized failed record, in ``ui.inspection``'s window."""
    import ui.inspection as inspection
    from hoteltv.services import inspections as insp_service
    from hoteltv.services.demo import good_hotel, good_room

    ctx = window.ctx
    failed = next(i for i in insp_service.list_inspections(ctx.db, hotel_id=hotel_id) if i.result == "fail")
    record = inspection.open_inspection_window(ctx, failed.id, window)
    place(record, width, height)
    wait(lambda: getattr(record, "view", None) is not None)
    shot(record, "inspection-failed.png")
    record.close()

    hotels = [h for h in window.registry.model.hotels() if h.pilot and h.last_inspection_at is None]
    target = next(h for h in hotels if h.current_mode == "welcome")
    team = [i.id for i in insp_service.list_inspectors(ctx.db)][:2]
    view = insp_service.start_inspection(ctx.db, target.id, team)
    for key, value in good_hotel(target.current_mode).items():
        view = insp_service.set_hotel_answer(ctx.db, view.id, key, value or "张建华")
    bad = good_room(target.current_mode) | {"boot_seconds": 58, "ads_seen": "yes", "keys_to_live": 3}
    for number, room_type, answers in (
        ("301", "标准间", good_room(target.current_mode)),
        ("512", "大床房", bad),
    ):
        view = insp_service.add_room(ctx.db, view.id, number, floor=number[0], room_type=room_type)
        room = next(r for r in view.rooms if r.room_number == number)
        for key, value in answers.items():
            view = insp_service.set_room_answer(ctx.db, room.id, key, value)
    draft = inspection.open_inspection_window(ctx, view.id, window)
    place(draft, width, height)
    wait(lambda: getattr(draft, "view", None) is not None)
    pages = getattr(draft, "room_pages", {})
    failed_room = next((r for r in view.rooms if r.room_number == "512"), None)
    page = pages.get(failed_room.id) if failed_room is not None else None
    if page is not None:  # show the failed room (through the tab bar, so its tab is the current one)
        draft.tabs.setCurrentWidget(page)
    shot(draft, "inspection-draft.png")
    _phone_shot(draft, wait, shot)
    draft.close()
    _provisional_shot(window, wait, shot, place, width, height)


def _phone_shot(window, wait, shot) -> None:  # noqa: ANN001
    """``phone-qr-dialog.png`` (the 手机拍照 dialog) and ``phone-qr.png`` (it over the draft's window, as
    the screen shows them)."""
    from PySide6.QtGui import QColor, QPainter

    dialog = window.open_phone_photos() if hasattr(window, "open_phone_photos") else None
    if dialog is None:
        return
    wait(lambda: dialog.isVisible())
    shot(dialog, "phone-qr-dialog.png")
    screen = window.grab()
    painter = QPainter(screen)
    over = dialog.grab()
    x, y = (screen.width() - over.width()) // 2, (screen.height() - over.height()) // 2
    painter.fillRect(x - 6, y - 6, over.width() + 12, over.height() + 12, QColor(0, 0, 0, 60))  # its shadow
    painter.drawPixmap(x, y, over)
    painter.setPen(QColor("#8a9099"))
    painter.drawRect(x - 1, y - 1, over.width() + 1, over.height() + 1)
    painter.end()
    dialog.close()

    class Composite:  # what shot() needs of a widget
        def grab(self):  # noqa: ANN202
            return screen

        def width(self) -> int:
            return screen.width()

        def height(self) -> int:
            return screen.height()

    shot(Composite(), "phone-qr.png")


if __name__ == "__main__":
    sys.exit(main())
