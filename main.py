"""Launcher: ``python main.py [ARGS...]`` starts the hoteltv GUI (``ui.app.main``)."""

from __future__ import annotations

import contextlib
import sys


def main() -> int | str | None:
    no_console = sys.stderr is None  # pythonw.exe, as run.ps1 starts the window on Windows
    try:
        try:
            from ui.app import main as gui_main
        except ModuleNotFoundError as exc:  # a package the GUI needs is not installed: say which
            if no_console:
                raise
            return _missing_package(exc)
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


def _missing_package(exc: ModuleNotFoundError) -> str:
    """The message for a GUI that cannot start because a Python package is missing (shown, exit 1)."""
    name = (exc.name or "?").split(".")[0]
    return (
        f"hoteltv: 窗口程序无法启动，缺少 Python 包 {name!r}"
        f" (the window cannot start: the Python package {name!r} is not installed).\n"
        "运行 ./run.sh（Windows: run.ps1）安装 (run ./run.sh, or run.ps1 on Windows, to install it)."
    )


if __name__ == "__main__":
    sys.exit(main())
