"""Frozen entry point of ``hoteltv-gui`` (PyInstaller runs this as the GUI executable's script).

For ``benchmarks/bench_frozen_start.py`` only: with ``HOTELTV_BENCH_READY=FILE`` set, the program starts
as usual, writes ``READY <unix time> <rows>`` to FILE once the registry is filled and quits (a file, not
stdout: the Windows GUI executable has no console). ``HOTELTV_BENCH_SETTINGS=DIR`` keeps its QSettings
there instead of the user's.
"""

import os
import sys


def bench_main(ready_file: str) -> int:
    import time

    from PySide6.QtCore import QSettings, QTimer

    settings = os.environ.get("HOTELTV_BENCH_SETTINGS")
    if settings:
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings)
    from ui import app as gui

    app, window = gui.start(sys.argv[1:])
    if window is None:
        return 1

    def ready(count: int) -> None:
        def report() -> None:
            with open(ready_file, "w", encoding="utf-8") as out:
                out.write(f"READY {time.time():.6f} {count}\n")
            app.quit()

        QTimer.singleShot(0, report)

    registry = window.registry  # type: ignore[attr-defined]
    if registry.loaded:
        ready(registry.model.rowCount())
    else:
        registry.sig_loaded.connect(ready)
    return app.exec()


if __name__ == "__main__":
    if os.environ.get("HOTELTV_BENCH_READY"):
        sys.exit(bench_main(os.environ["HOTELTV_BENCH_READY"]))
    from ui.app import main

    sys.exit(main())
