"""Launcher: ``python main.py [ARGS...]`` starts the hoteltv GUI (``ui.app.main``)."""

from __future__ import annotations

import sys


def main() -> int | str | None:
    try:
        from ui.app import main as gui_main
    except ModuleNotFoundError as exc:
        if exc.name != "ui.app":  # ui.app is there but something it needs is not: show that
            raise
        gui_main = _cli_instead
    return gui_main()


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
