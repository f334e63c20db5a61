"""Starting the GUI: ``main()`` is what ``python main.py`` and the ``hoteltv-gui`` command run.

Order of things: the Qt application (organisation/application names, so QSettings has a home), the
bundled CJK fonts (WenQuanYi Micro Hei, then Hanazono Mincho A/B for the CJK extension blocks, added as
fallback families of the application font so Chinese renders on a machine without any CJK font), the translators for the interface language (sources are
Chinese; English comes from ``resources/translations/hoteltv_en.qm``; Qt's own buttons from the
``qtbase_zh_CN.qm`` the PySide6 wheel ships), the data folder (``--home DIR``, else ``HOTELTV_HOME``,
else the user data folder), then the main window. ``main`` also logs to ``<data folder>/logs/hoteltv-gui.log``
(the only log under ``pythonw.exe``, which has no console). A data folder that cannot be opened (a database
written by a newer program, a damaged file, a read-only disk) is reported in a message box, never
as a traceback.

Command line: ``python main.py [--home DIR] [--lang zh_CN|en]`` plus Qt's own options.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from importlib import resources as importlib_resources
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QObject, Qt, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from hoteltv.config import resolve_home
from hoteltv.errors import HoteltvError
from hoteltv.logfile import ensure_std_streams, log_to_file
from hoteltv.resources import fallback_font_paths, font_path, resource
from ui.context import AppContext
from ui.icons import app_icon
from ui.main_window import MainWindow
from ui.messages import LANGUAGE_PROPERTY, localize, show_error
from ui.ops import ReadOp

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

ORGANIZATION = "hoteltv"
APPLICATION = "hoteltv"
LANGUAGES = ("zh_CN", "en")
CJK_FAMILY = "WenQuanYi Micro Hei"

# Translators must outlive their installation; Qt does not keep a reference.
_installed: list[QTranslator] = []


def parse_args(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    """Our options, and what is left for Qt (``-platform``, ``-style`` …)."""
    parser = argparse.ArgumentParser(
        prog="hoteltv-gui", description="酒店电视整改检查 (hotel TV inspections)"
    )
    parser.add_argument("--home", help="data folder (default: HOTELTV_HOME or the user data folder)")
    parser.add_argument(
        "--lang", choices=LANGUAGES, help="interface language for this run (default: settings)"
    )
    return parser.parse_known_args(list(argv))


def application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication (created once; a test's or a script's instance is reused)."""
    app = QApplication.instance()
    if app is None:
        # Windows at 125 % or 150 %: scale by exactly that (Qt 6's default, stated here because rounding to
        # 100 % or 200 % makes text too small or too big); fractional sizes are why every icon is an SVG
        # or painted per device-pixel ratio (ui/icons.py). Only possible before the application exists.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        _windows_app_id()
        app = QApplication([sys.argv[0] if sys.argv else "hoteltv", *(argv or [])])
    assert isinstance(app, QApplication)
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(translate("app", "酒店电视整改检查"))
    app.setWindowIcon(app_icon())
    return app


def _windows_app_id() -> None:
    """On Windows, group the taskbar button under hoteltv (with the window's icon), not under pythonw.exe."""
    if sys.platform == "win32":  # mypy checks the call only when it checks for Windows
        import ctypes

        try:
            ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID("hoteltv.hoteltv")
        except (AttributeError, OSError):
            log.info("could not set the Windows AppUserModelID")


def load_cjk_font(app: QApplication) -> str | None:
    """Register the bundled fonts and make them the application font's fallback families.

    The platform's UI font stays first (Latin text looks native); any glyph it lacks, Chinese
    included, comes from WenQuanYi Micro Hei, and a rare character Micro Hei lacks too (䶮 U+4DAE,
    𠀀 U+20000, 𬱖 U+2CC56: the CJK extension blocks A–F) from Hanazono Mincho A or B, the fonts the
    printed documents use for them. Returns Micro Hei's family name, or None if loading failed.
    """
    font_id = QFontDatabase.addApplicationFont(font_path())
    if font_id < 0:
        log.warning("could not load the bundled CJK font %s", font_path())
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    family = CJK_FAMILY if CJK_FAMILY in families else families[0]
    fallbacks: list[str] = []
    for path in fallback_font_paths():
        fallback_id = QFontDatabase.addApplicationFont(path)
        if fallback_id < 0:
            log.warning("could not load the bundled fallback font %s", path)
            continue
        fallbacks += QFontDatabase.applicationFontFamilies(fallback_id)[:1]
    font = QFont(app.font())
    ours = [family, *fallbacks]
    current = [f for f in font.families() if f not in ours] or [font.family()]
    font.setFamilies([*current, *ours])
    app.setFont(font)
    return family


def _qm_path(name: str) -> str | None:
    node = resource("translations", name)
    if not node.is_file():
        return None
    # The resources are plain files in a checkout and in an installed package.
    with importlib_resources.as_file(node) as path:
        return str(path)


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Install the translators for ``language`` ("zh_CN" or "en"), replacing earlier ones.

    Must run before widgets are created (their texts are translated when built).
    """
    remove_translators(app)
    language = language if language in LANGUAGES else "zh_CN"
    translators: list[QTranslator] = []
    if language == "en":
        qm = _qm_path("hoteltv_en.qm")
        translator = QTranslator(app)
        if qm and translator.load(qm):
            translators.append(translator)
        else:
            log.warning("English translation missing (%s); showing Chinese", qm)
            language = "zh_CN"
    if language == "zh_CN":
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        translator = QTranslator(app)
        if translator.load("qtbase_zh_CN", qt_dir):
            translators.append(translator)
        else:
            log.info("qtbase_zh_CN.qm not found in %s; Qt's own buttons stay in English", qt_dir)
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    for translator in translators:
        app.installTranslator(translator)
    _installed.extend(translators)
    app.setProperty(LANGUAGE_PROPERTY, language)
    return translators


def remove_translators(app: QCoreApplication) -> None:
    while _installed:
        app.removeTranslator(_installed.pop())
    app.setProperty(LANGUAGE_PROPERTY, "zh_CN")


def _startup_error(exc: BaseException, home: object) -> None:
    """Tell the user why the data folder could not be opened (blocking: no window exists yet)."""
    if isinstance(exc, HoteltvError):
        text = localize(str(exc))
        details = ""
    else:
        text = f"{type(exc).__name__}: {exc}"
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        translate("app", "无法打开数据"),
        translate("app", "无法打开数据目录 %1。").replace("%1", str(home)) + "\n\n" + text,
        QMessageBox.StandardButton.Close,
    )
    box.setObjectName("startupError")
    if details:
        box.setDetailedText(details)
    box.exec()


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """An exception escaping a slot: log it and show it instead of dying silently."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    log.error("unhandled exception", exc_info=(kind, exc, tb))
    app = QApplication.instance()
    if isinstance(app, QApplication):
        parent = app.activeWindow()
        show_error(parent if isinstance(parent, QWidget) else None, exc.with_traceback(tb))


def start(argv: Sequence[str] | None = None) -> tuple[QApplication, QWidget | None]:
    """Everything ``main`` does except running the event loop: returns the app and the shown window
    (None when the data folder could not be opened; the user has been told why)."""
    args, qt_args = parse_args(sys.argv[1:] if argv is None else argv)
    app = application(qt_args)
    load_cjk_font(app)
    home = resolve_home(args.home)
    try:
        ctx = AppContext.open_for_start(home)
    except Exception as exc:  # the user must see why, whatever it was
        log.exception("cannot open data folder %s", home)
        install_translators(app, args.lang or "zh_CN")
        _startup_error(exc, home)
        return app, None
    if args.lang:
        ctx.language = args.lang
    install_translators(app, ctx.language)
    window = MainWindow(ctx)
    app.aboutToQuit.connect(ctx.close)
    window.show_restored()
    # What the first screen does not need loads once the registry's rows are painted (see warm_up): loading
    # while they paint would make each of the table's calls into Python wait for the interpreter.
    window.registry.sig_loaded.connect(
        lambda _count: after_paint(window.registry.table.viewport(), lambda: warm_up(ctx)),
        Qt.ConnectionType.SingleShotConnection,
    )
    window.start()  # with rows read at start-up (ctx.first_screen), the registry is filled here
    # The daily backup too: its thread's imports and copying would compete with the first paint.
    after_paint(window, lambda: _daily_backup(ctx))
    _show_warnings(window, ctx.warnings)
    return app, window


#: How long :func:`after_paint` waits for a paint that may never come (a hidden window, an empty registry).
AFTER_PAINT_LIMIT_MS = 2000


def after_paint(widget: QWidget, callback: Callable[[], object]) -> None:
    """Call ``callback`` once, on the event-loop turn after ``widget`` next paints (or after
    :data:`AFTER_PAINT_LIMIT_MS` if it does not)."""
    done = False

    def fire() -> None:
        nonlocal done
        if not done:
            done = True
            callback()

    class Watch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                QTimer.singleShot(0, fire)
                self.deleteLater()
            return False

    widget.installEventFilter(Watch(widget))
    QTimer.singleShot(AFTER_PAINT_LIMIT_MS, fire)


#: Loaded by :func:`warm_up`: what the first screen does not need, and what would otherwise load in the
#: middle of the first sync (pydantic builds the protocol's models as it imports them, holding the
#: interpreter for a tenth of a second at a time: the GUI would freeze for that long mid-sync).
WARM_UP_MODULES = (
    "hoteltv.services.hotels",
    "hoteltv.services.inspections",
    "hoteltv.services.notices",
    "hoteltv.services.demo",
    "hoteltv.sync.state",
    "hoteltv.sync.credentials",
    "hoteltv.sync.client",
    "hoteltv.sync.updates",
    "hoteltv.photos.store",
)


def warm_up(ctx: AppContext | None = None) -> threading.Thread:
    """On a thread of its own: open ``ctx``'s database if the first screen came without it
    (:meth:`AppContext.open_for_start`: SQLAlchemy, the models, the schema check), then load the modules
    the first screen does not need: the services, the photo strips for the inspection window (installed
    here) and the sync client. Started once the registry is filled, so
    the first screen comes sooner; what the loading still costs the GUI thread (imports hold the
    interpreter) falls then, not in the middle of the user's first sync. An inspection window opened
    meanwhile waits for the import (Python's import lock sees to it)."""

    def load() -> None:
        # No collection meanwhile: a full pass over what SQLAlchemy and the rest are loading would hold the
        # interpreter, and so the GUI thread, for 70-120 ms (measured); what they load lives as long as the
        # program: out of the collector's full passes once loaded (as ``main`` does for the start-up).
        gc.disable()
        try:
            _load_warm_up(ctx)
        finally:
            gc.freeze()
            gc.enable()

    # Everything the first screen made lives as long as the program (as ``main`` does before its event
    # loop): out of the collector's full passes, which the warm-up's imports would otherwise set off,
    # walking every object while holding the interpreter (80-130 ms measured without this).
    gc.freeze()
    thread = threading.Thread(target=load, name="warm-up imports", daemon=True)
    thread.start()
    return thread


def _load_warm_up(ctx: AppContext | None) -> None:
    import importlib

    if ctx is not None:
        try:
            ctx.db  # noqa: B018  (opens it)
        except Exception:  # tried again, and shown, by the first job that needs it
            log.exception("opening the database failed")

    import ui.photos

    ui.photos.install()  # the inspection window's photo slots get real photo strips
    for name in WARM_UP_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # a module that cannot load fails again, with its message, when used
            log.exception("warming up %s failed", name)


def _show_warnings(parent: QWidget, warnings: list[str]) -> None:
    """What opening the data folder warned about, in a box that does not block the window."""
    if not warnings:
        return
    for warning in warnings:
        log.warning("%s", warning)
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        translate("app", "注意"),
        "\n\n".join(localize(w) for w in warnings),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setObjectName("startupWarning")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def _daily_backup(ctx: AppContext) -> None:
    """Once a day, in the background: ``backups/daily-YYYYMMDD.zip`` (the last 7 kept)."""
    home = ctx.home

    def backup(_progress: object) -> object:
        from hoteltv.backup import ensure_daily_backup  # loaded there, not before the first screen

        return ensure_daily_backup(home)

    ReadOp(ctx, backup, label="daily backup").failure(
        lambda exc: log.warning("daily backup failed: %s", exc)
    ).run()


def configure_logging(argv: Sequence[str] | None = None) -> Path | None:
    """Log to ``<data folder>/logs/hoteltv-gui.log``, and to stderr when there is one.

    Under ``pythonw.exe`` (how ``run.ps1`` starts the GUI on Windows) there is no stderr: the streams get
    the null device so nothing that writes to them fails, and the file is the only log. Returns the file.
    """
    no_console = ensure_std_streams()
    if not no_console:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args, _ = parse_args(sys.argv[1:] if argv is None else argv)
    path = log_to_file(resolve_home(args.home))
    log.info("hoteltv GUI starting (Python %s, %s)", sys.version.split()[0], sys.executable)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Run the GUI until the last window closes; returns the exit status."""
    configure_logging(argv)
    app, window = start(argv)
    if window is None:
        return 1
    sys.excepthook = _excepthook
    # Everything made so far (modules, Qt wrappers, the window) lives as long as the program: keep it
    # out of the garbage collector's full passes, which otherwise stall the GUI for longer each time.
    gc.freeze()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
