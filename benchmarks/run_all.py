"""Run every benchmark, at 1,000 and 10,000 hotels where the size matters, and print one table.

    python -m benchmarks                            # everything (several minutes)
    python -m benchmarks import sheet_read          # some of them (names as in bench_<name>.py)
    python -m benchmarks --sizes 1000 --quick       # a smoke run: one size, fewer repeats, smaller batches
    python benchmarks/run_all.py --json out.json    # also write the results elsewhere

Each ``benchmarks/bench_*.py`` keeps printing its own details and notes its medians with
:func:`benchmarks.record.record`, next to the baseline it measures in the same run (openpyxl, a bare
bulk insert, naive Pillow, an empty Qt window, a PDF without photos …). The table gives each median, the
baseline's, and their ratio (product / baseline: how many times the bare operation the real one costs).
A benchmark that records nothing still runs; the lines of its output that give a median are listed.
Results go to ``benchmarks/results/latest.json`` (git-ignored) with the machine and commit.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import inspect
import io
import json
import os
import pkgutil
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import benchmarks  # noqa: E402
from benchmarks.record import FIGURES, Figure  # noqa: E402

SIZES = (1_000, 10_000)
RESULTS = ROOT / "benchmarks" / "results" / "latest.json"


def plan(name: str, sizes: tuple[int, ...], quick: bool) -> list[tuple[int | None, list[str]]]:
    """The runs of one benchmark: (hotels or None, argv)."""
    if name == "import":
        return [(n, ["--hotels", str(n), *(["--repeat", "1"] if quick else [])]) for n in sizes]
    if name == "sheet_read":
        return [(n, ["--rows", str(n), *(["--repeat", "2"] if quick else [])]) for n in sizes]
    if name == "frozen_start":  # frozen against development start: one size is enough
        return [(sizes[0], ["--hotels", str(sizes[0]), *(["--runs", "1"] if quick else [])])]
    if name == "gui_start":
        return [(n, ["--hotels", str(n), *(["--runs", "1"] if quick else [])]) for n in sizes]
    if name == "reports":  # the inspection sheet does not depend on the register's size: measured once
        extra = ["--repeat", "2"] if quick else []
        return [
            (n, ["--hotels", str(n), *extra, *(["--no-sheet"] if i else [])]) for i, n in enumerate(sizes)
        ]
    if name == "sync":  # a first sync of 10,000 inspections takes minutes: one run, 24 KB photos only
        return [
            (
                n,
                [
                    "--hotels",
                    str(n),
                    *(["--repeat", "1"] if quick or n >= 10_000 else []),
                    *(["--photo-bytes", "24000"] if n >= 10_000 else []),
                ],
            )
            for n in sizes
        ]
    if name == "server_load":  # 200 laptops for 5 minutes on PostgreSQL; quick: a few for seconds
        return [(None, ["--quick"] if quick else [])]
    if name == "photo_ingest":
        return [(None, ["--repeat", "3", "--batch", "10"] if quick else [])]
    return [(None, [])]


class _Tee(io.TextIOBase):
    """Print as usual and keep a copy (to find medians in benchmarks that record nothing)."""

    def __init__(self, out: Any) -> None:
        self.out, self.buf = out, io.StringIO()

    def write(self, text: str) -> int:
        self.out.write(text)
        self.buf.write(text)
        return len(text)

    def flush(self) -> None:
        self.out.flush()


_MEDIAN_RE = re.compile(r"median.*?([0-9]+(?:\.[0-9]+)?)\s*(ms|s)\b")
_AIM_RE = re.compile(r"aim\s*(?:<=|≤)\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s)\b")


def _seconds(value: str, unit: str) -> float:
    return float(value) / (1000 if unit == "ms" else 1)


def _printed_medians(name: str, text: str, hotels: int | None) -> list[Figure]:
    """Figures from a benchmark's printed "… median …: 58 ms (aim <= 100 ms)" lines."""
    out = []
    for line in text.splitlines():
        m = _MEDIAN_RE.search(line)
        if m is None:
            continue
        what = re.split(r"\(?median", line, maxsplit=1)[0].strip(" :-") or line.strip()[:60]
        aim = _AIM_RE.search(line)
        out.append(
            Figure(
                name,
                what,
                _seconds(*m.groups()),
                hotels=hotels,
                aim_s=_seconds(*aim.groups()) if aim else None,
            )
        )
    return out


def _run(name: str, argv: list[str], quick: bool) -> str:
    env = {"HOTELTV_BENCH_REPEAT": "1"} if quick else {}  # read when the module is imported
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    tee = _Tee(sys.stdout)
    try:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        with contextlib.redirect_stdout(tee):
            if inspect.signature(module.main).parameters:
                module.main(argv)
            else:
                module.main()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return tee.buf.getvalue()


def _fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def table(figures: list[Figure]) -> str:
    headers = ["benchmark", "measure", "hotels", "median", "baseline", "baseline median", "ratio", "aim"]
    rows = [
        [
            f.bench,
            f.what,
            f"{f.hotels:,}" if f.hotels else "",
            _fmt_s(f.median_s),
            f.baseline or "",
            _fmt_s(f.baseline_s),
            f"{f.ratio:.2f}×" if f.ratio is not None else "",
            ("≤ " + _fmt_s(f.aim_s) + (" ✓" if f.median_s <= f.aim_s else " ✗")) if f.aim_s else "",
        ]
        for f in figures
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    right = {2, 3, 5, 6}

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]).rstrip()


def _commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return None
    return out.stdout.strip() + ("+changes" if dirty.stdout.strip() else "") if out.returncode == 0 else None


def main(argv: list[str] | None = None) -> int:
    available = sorted(
        m.name[6:] for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")
    )
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default all: {', '.join(available)})")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="hotel counts, comma-separated")
    parser.add_argument(
        "--quick", action="store_true", help="fewer repeats and smaller batches (a smoke run)"
    )
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"where to write the results ({RESULTS})")
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(",") if s.strip())
    names = [n for n in available if not args.names or any(a in n for a in args.names)]
    if not names:
        parser.error(f"no benchmark matches {args.names}; known: {', '.join(available)}")
    started = time.perf_counter()
    FIGURES.clear()
    printed: dict[str, list[str]] = {}
    failed: dict[str, str] = {}
    for name in names:
        for hotels, bench_argv in plan(name, sizes, args.quick):
            label = f"{name}" + (f" at {hotels:,} hotels" if hotels else "")
            print(f"== {label}  ({' '.join(bench_argv) or 'defaults'})", flush=True)
            before = len(FIGURES)
            t = time.perf_counter()
            try:
                output = _run(name, bench_argv, args.quick)
            except Exception as exc:  # one broken benchmark must not hide the others' figures
                failed[label] = f"{type(exc).__name__}: {exc}"
                print(f"   FAILED: {failed[label]}", flush=True)
                continue
            finally:
                print(f"   ({time.perf_counter() - t:.1f} s)\n", flush=True)
            if len(FIGURES) == before:  # it records nothing (yet): take the medians it printed
                found = _printed_medians(name, output, hotels)
                FIGURES.extend(found)
                printed[label] = [f.what for f in found]
    print(table(FIGURES))
    for label, whats in printed.items():
        print(
            f"({label}: read from its printed output, it records no baseline: {'; '.join(whats) or 'nothing'})"
        )
    for label, why in failed.items():
        print(f"\nFAILED {label}: {why}")
    total = time.perf_counter() - started
    print(f"\n{len(FIGURES)} figures in {total:.0f} s")
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "sizes": list(sizes),
        "quick": args.quick,
        "seconds": round(total, 1),
        "figures": [f.as_dict() for f in FIGURES],
        "printed_only": printed,
        "failed": failed,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"results written to {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
