"""Start-up of the frozen (installed) GUI against the development environment's, on 1,000 hotels.

Both are timed the same way as ``bench_gui_start``: from just before the process starts to the moment
the main window is shown and the registry holds every hotel. Both run the same entry script
(``packaging/entry_gui.py``, which reports readiness when ``HOTELTV_BENCH_READY`` names a file): once as
the frozen ``hoteltv-gui`` of ``dist/hoteltv`` (or ``--frozen DIR``, e.g. ``/opt/hoteltv``), once with the
development Python from the checkout. Median of 3 runs each, alternating, each a fresh process.

The aim (issue 16): frozen start within 1.5× the development start (the ratio printed; the recorded
baseline is the development start). Skipped with a message when no frozen build exists
(``python packaging/build.py`` makes one).

Run: ``python -m benchmarks frozen_start`` or ``python benchmarks/bench_frozen_start.py [--hotels N]``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOTELS = 1_000
RUNS = 3
AIM_RATIO = 1.5
ROOT = Path(__file__).resolve().parent.parent
ENTRY = ROOT / "packaging" / "entry_gui.py"


def frozen_program(folder: Path) -> Path | None:
    path = folder / ("hoteltv-gui.exe" if sys.platform == "win32" else "hoteltv-gui")
    return path if path.is_file() else None


def launch_once(command: list[str], home: Path, scratch: Path, *, frozen: bool) -> tuple[float, int]:
    """Seconds from process start to a filled registry, and the number of rows shown."""
    ready = scratch / "ready.txt"
    ready.unlink(missing_ok=True)
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["HOTELTV_BENCH_READY"] = str(ready)
    env["HOTELTV_BENCH_SETTINGS"] = str(scratch / "qsettings")
    if frozen:
        env.pop("PYTHONPATH", None)  # the frozen program must stand on its own
    else:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    started = time.time()
    result = subprocess.run(
        [*command, "--home", str(home)],
        capture_output=True,
        text=True,
        env=env,
        cwd=scratch,
        timeout=300,
    )
    if ready.is_file():
        _, at, count = ready.read_text(encoding="utf-8").split()
        return float(at) - started, int(count)
    raise RuntimeError(
        f"{command[0]} did not report ready (exit {result.returncode}):\n{result.stderr[-2000:]}"
    )


def main(argv: list[str] | None = None) -> None:
    import argparse

    from benchmarks.bench_gui_start import make_home
    from benchmarks.record import record

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--hotels", type=int, default=HOTELS)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--frozen", metavar="DIR", default=str(ROOT / "dist" / "hoteltv"))
    args = parser.parse_args(argv)
    program = frozen_program(Path(args.frozen))
    if program is None:
        print(f"   no frozen build in {args.frozen} (python packaging/build.py makes one): skipped")
        return
    with tempfile.TemporaryDirectory(prefix="hoteltv-bench-frozen-") as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        home = make_home(folder, args.hotels)
        print(f"   data folder with {args.hotels} hotels made in {time.perf_counter() - t:.1f} s")
        frozen, dev = [], []
        for run in range(args.runs):
            for label, command, times, is_frozen in (
                ("development", [sys.executable, str(ENTRY)], dev, False),
                ("frozen", [str(program)], frozen, True),
            ):
                scratch = folder / f"{label}-{run}"
                scratch.mkdir()
                seconds, rows = launch_once(command, home, scratch, frozen=is_frozen)
                if rows != args.hotels:
                    raise RuntimeError(f"{label} registry showed {rows} hotels, expected {args.hotels}")
                times.append(seconds)
                print(f"   run {run + 1}: {label} {seconds:.2f} s to a usable registry")
        frozen_s, dev_s = statistics.median(frozen), statistics.median(dev)
        ratio = frozen_s / dev_s
        record(
            "frozen_start",
            "frozen GUI: launch to a usable registry",
            frozen_s,
            hotels=args.hotels,
            baseline="the same start in the development environment",
            baseline_s=dev_s,
            aim_s=AIM_RATIO * dev_s,
            runs=args.runs,
        )
        verdict = "within" if ratio <= AIM_RATIO else "OVER"
        print(
            f"   launch to usable registry, {args.hotels} hotels: frozen median {frozen_s:.2f} s, "
            f"development median {dev_s:.2f} s, ratio {ratio:.2f} ({verdict} the {AIM_RATIO}× aim)"
        )


if __name__ == "__main__":
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    main(sys.argv[1:])
