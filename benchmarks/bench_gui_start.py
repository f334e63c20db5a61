"""Time from launching the GUI to a usable window, on a data folder with 1,000 hotels.

Measured from just before the program's process starts (so Python's start-up and every import count)
to the moment the main window is shown and the registry table's rows are on screen: its ``sig_loaded``
has been handled, the table has painted after that, and the event loop has turned once more (a Qt
view paints on a later turn than the one its model changed in, so reporting one turn after
``sig_loaded`` would come before the rows are drawn). Median of 3 runs,
each a fresh process. The data folder is the demo set (35 pilot hotels with their inspection history)
plus plain hotels imported from a spreadsheet, 1,000 in all.

The registry's rows may be painted before the database is open (read with plain ``sqlite3``, see
:meth:`ui.context.AppContext.open_for_start`): searching and filtering work then, a hotel's history and
edits wait for the database. How long after the rows it opens is printed too (not part of the figure).

Modules are compiled first (as in an installed program; see :mod:`benchmarks.bytecode`) and one unmeasured
launch warms the file caches. Baseline, measured in the same run: the same kind of process showing an empty Qt window (Python's
start-up, the Qt import, the window's first paint and one more event loop turn: the floor any Qt program pays).

Run: ``python -m benchmarks gui_start`` (offscreen), or under a display / ``xvfb-run`` with
``QT_QPA_PLATFORM=xcb``; ``--hotels N`` for another size than 1,000.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as `python benchmarks/bench_gui_start.py` too (the project folder is then not on the path).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bytecode import child_env  # noqa: E402

HOTELS = 1_000
RUNS = 3
ROOT = Path(__file__).resolve().parent.parent

#: Runs in the measured process: start the GUI as ``main.py`` does, report when the registry is filled.
CHILD = r"""
import sys, time
from PySide6.QtCore import QSettings, QTimer
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[2])
from PySide6.QtCore import QEvent, QObject
from ui import app as gui
app, window = gui.start(["--home", sys.argv[1]])
class AfterPaint(QObject):
    def __init__(self, widget, count):
        super().__init__(widget)
        self.count = count
        widget.installEventFilter(self)
        widget.update()
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.report)
        return False
    def report(self):
        print(f"READY {time.time():.6f} {self.count}", flush=True)
        wait_for_database()
def wait_for_database():  # not measured: when the database the first screen came without is open too
    if window.ctx.db_open:
        print(f"DATABASE {time.time():.6f}", flush=True)
        app.quit()
    else:
        QTimer.singleShot(5, wait_for_database)
def ready(count):
    global watch
    watch = AfterPaint(window.registry.table.viewport(), count)  # the rows, drawn
if window.registry.loaded:
    ready(window.registry.model.rowCount())
else:
    window.registry.sig_loaded.connect(ready)
sys.exit(app.exec())
"""


#: The baseline: an empty window in a fresh process, reported the same way.
EMPTY_WINDOW = r"""
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
def report():
    print(f"READY {time.time():.6f} 0", flush=True)
    app.quit()
class AfterPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, report)
        return False
watch = AfterPaint()
window.installEventFilter(watch)
window.show()
sys.exit(app.exec())
"""


def make_home(folder: Path, hotels: int = HOTELS) -> Path:
    """A data folder with the demo data plus imported hotels, ``hotels`` in all."""
    from hoteltv.io.hotel_sheet import read_hotel_sheet
    from hoteltv.io.tables import write_table
    from hoteltv.services.demo import load_demo
    from hoteltv.services.hotels import import_hotels
    from hoteltv.services.setup import open_home

    home = folder / "home"
    db, _settings, divisions = open_home(home)
    try:
        demo = load_demo(db, divisions)
        names = [d.name for d in divisions.divisions]
        sheet = folder / "hotels.csv"
        write_table(
            sheet,
            [
                "酒店名称",
                "所属县区",
                "地址",
                "联系人",
                "联系电话",
                "客房数",
                "电视数",
                "电视系统/运营商",
                "是否试点",
            ],
            (
                [
                    f"测试宾馆{i:04d}",
                    names[i % len(names)],
                    f"保山市测试路{i}号",
                    "张三",
                    f"0875-{2200000 + i}",
                    20 + i % 80,
                    20 + i % 80,
                    "云南广电网络有线电视",
                    "否",
                ]
                for i in range(hotels - demo.hotels)
            ),
        )
        import_hotels(db, read_hotel_sheet(sheet, divisions))
    finally:
        db.close()
    return home


def launch_once(home: Path, settings_dir: Path, child: str = CHILD) -> tuple[float, int, float | None]:
    """Seconds from process start to a filled registry, the number of rows shown, and seconds from then
    until the database is open as well (the registry's first screen may come before it; None for the
    baseline)."""
    env = child_env(dict(os.environ))  # modules compiled, as installed
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    started = time.time()
    result = subprocess.run(
        [sys.executable, "-c", child, str(home), str(settings_dir)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    ready: tuple[float, int] | None = None
    database: float | None = None
    for line in result.stdout.splitlines():
        if line.startswith("READY "):
            _, at, count = line.split()
            ready = float(at), int(count)
        elif line.startswith("DATABASE "):
            database = float(line.split()[1])
    if ready is not None:
        return ready[0] - started, ready[1], None if database is None else database - ready[0]
    raise RuntimeError(f"the GUI did not report ready (exit {result.returncode}):\n{result.stderr[-2000:]}")


def main(argv: list[str] | None = None) -> None:
    import argparse

    from benchmarks.bytecode import use_bytecode
    from benchmarks.record import record

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--hotels", type=int, default=HOTELS)
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args(argv)
    hotels = args.hotels
    with tempfile.TemporaryDirectory(prefix="hoteltv-bench-gui-") as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        home = make_home(folder, hotels)
        print(f"   data folder with {hotels} hotels made in {time.perf_counter() - t:.1f} s")
        use_bytecode()
        launch_once(home, folder / "qsettings-warm-up")  # not measured: fills the operating system's caches
        times, floor, database = [], [], []
        for run in range(args.runs):
            floor.append(launch_once(home, folder / f"qsettings-empty-{run}", EMPTY_WINDOW)[0])
            seconds, rows, opened = launch_once(home, folder / f"qsettings-{run}")
            if rows != hotels:
                raise RuntimeError(f"registry showed {rows} hotels, expected {hotels}")
            times.append(seconds)
            database.append(opened or 0.0)
            print(
                f"   run {run + 1}: {seconds:.2f} s to a usable window ({rows} hotels listed); "
                f"database open {opened or 0.0:.2f} s later"
            )
        record(
            "gui_start",
            "launch to a usable window (registry filled)",
            statistics.median(times),
            hotels=hotels,
            baseline="empty Qt window in a fresh process",
            baseline_s=statistics.median(floor),
            runs=args.runs,
        )
        print(
            f"   launch to usable window, {hotels} hotels: median {statistics.median(times):.2f} s "
            f"(platform {os.environ.get('QT_QPA_PLATFORM', 'offscreen')}); "
            f"baseline empty Qt window {statistics.median(floor):.2f} s; the database (for what the first "
            f"screen does not need: a hotel's history, edits) open a median {statistics.median(database):.2f} s "
            "after the rows are painted"
        )


if __name__ == "__main__":
    main()
