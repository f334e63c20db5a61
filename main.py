"""Launcher: ``python main.py [ARGS...]`` starts the hoteltv GUI (``ui.app.main``)."""

from __future__ import annotations

import contextlib
import sys


def main() -> int | str | None:
    no_console = sys.stderr is None  # pythonw.exe, as run.ps1 starts the window on Windows
    try:
        try:
            from ui.app import main as gui_main
        except ModuleNotFoundError as exc:
            if exc.name != "ui.app":  # ui.app is there but something it needs is not: show that
                raise
            gui_main = _cli_instead
        return gui_main()
    except Exception:
        if no_console:  # a traceback would go nowhere: keep it, and say where
            _report_crash()
        raise


def _report_crash() -> None:
    """Write the current traceback to ``<data folder>/logs/crash-….txt`` and, on Windows, say so in a box."""
    import traceback

    text = traceback.format_exc()
    try:
        from hoteltv.config import resolve_home
        from hoteltv.logfile import write_crash_report

        args = sys.argv[1:]
        home = next((a.split("=", 1)[1] for a in args if a.startswith("--home=")), None)
        if home is None and "--home" in args[:-1]:
            home = args[args.index("--home") + 1]
        path = write_crash_report(resolve_home(home), text)
    except Exception:
        path = None
    if sys.platform == "win32":
        import ctypes

        where = f"\n\n详情 (details): {path}" if path else ""
        message = f"hoteltv 无法启动 (hoteltv could not start):\n{text.strip().splitlines()[-1]}{where}"
        with contextlib.suppress(Exception):
            ctypes.windll.user32.MessageBoxW(None, message, "hoteltv", 0x10)  # MB_ICONERROR


def _cli_instead() -> int | str | None:
    # TEMPORARY, until ui/app.py exists: run the `hoteltv` command instead. With no arguments it sets up
    # the data folder (`hoteltv init`) and prints the command line's help. Delete this with the GUI.
    from hoteltv.cli import main as cli_main

    for args in [sys.argv[1:]] if sys.argv[1:] else [["init"], ["--help"]]:
        sys.argv[1:] = args
        try:
            code = cli_main()
        except SystemExit as exc:
            code = exc.code
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
