"""Benchmark: reading a 10,000-row hotel sheet with ``read_hotel_sheet`` against bare openpyxl.

Builds the sheet in a temporary folder (text in a shared-strings table, as Excel and WPS save it;
``--inline`` keeps openpyxl's inline strings instead), then times, interleaved, ``--repeat`` runs of

* baseline: ``openpyxl.load_workbook(read_only=True, data_only=True)`` iterating every value, no work;
* ``read_hotel_sheet``: header detection, XML scan for merges/formulas, every cell checked,
  duplicates, ``HotelRow`` objects;

and prints both medians and their ratio.

    .venv/bin/python benchmarks/bench_sheet_read.py [--rows 10000] [--repeat 5] [--inline]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from openpyxl import load_workbook  # noqa: E402

from benchmarks.record import record  # noqa: E402
from hoteltv.domain.divisions import default_divisions  # noqa: E402
from hoteltv.io.hotel_sheet import read_hotel_sheet  # noqa: E402
from tests.core.sheet_fixtures import CANONICAL, big_rows, use_shared_strings, write_xlsx  # noqa: E402


def baseline(path: Path) -> int:
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        n = 0
        for _row in wb.worksheets[0].iter_rows(values_only=True):
            n += 1
        return n
    finally:
        wb.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--inline", action="store_true", help="keep openpyxl's inline strings")
    args = parser.parse_args(argv)

    divisions = default_divisions()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hotels.xlsx"
        started = time.perf_counter()
        write_xlsx(path, [["保山市试点酒店名单"], CANONICAL, *big_rows(args.rows)], write_only=True)
        if not args.inline:
            use_shared_strings(path)
        built = time.perf_counter() - started
        print(
            f"sheet: {args.rows} rows x {len(CANONICAL)} columns, {path.stat().st_size // 1024} KiB, "
            f"{'inline' if args.inline else 'shared'} strings, built in {built:.2f} s"
        )
        print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")

        # Wall time, and this process's CPU time (steadier when other jobs share the machine).
        base_wall: list[float] = []
        base_cpu: list[float] = []
        read_wall: list[float] = []
        read_cpu: list[float] = []
        for _ in range(args.repeat):
            w, c = time.perf_counter(), time.process_time()
            n = baseline(path)
            base_wall.append(time.perf_counter() - w)
            base_cpu.append(time.process_time() - c)
            w, c = time.perf_counter(), time.process_time()
            result = read_hotel_sheet(path, divisions)
            read_wall.append(time.perf_counter() - w)
            read_cpu.append(time.process_time() - c)
            assert n == args.rows + 2, n
            assert len(result.rows) == args.rows and not result.errors, (len(result.rows), result.errors[:3])

    for label, wall, cpu in (
        ("baseline (openpyxl read-only, values only)", base_wall, base_cpu),
        ("read_hotel_sheet", read_wall, read_cpu),
    ):
        print(
            f"{label:<44} wall median {statistics.median(wall):.3f} s  cpu median {statistics.median(cpu):.3f} s"
            f"  (wall runs {_fmt(wall)})"
        )
    record(
        "sheet_read",
        "read_hotel_sheet (xlsx, every cell checked)",
        statistics.median(read_wall),
        hotels=args.rows,
        baseline="openpyxl read-only, values only",
        baseline_s=statistics.median(base_wall),
        runs=args.repeat,
    )
    wall_ratio = statistics.median(read_wall) / statistics.median(base_wall)
    cpu_ratio = statistics.median(read_cpu) / statistics.median(base_cpu)
    rate = args.rows / statistics.median(read_wall)
    print(
        f"ratio read_hotel_sheet / baseline: wall {wall_ratio:.2f}x, cpu {cpu_ratio:.2f}x  ({rate:,.0f} rows/s)"
    )
    return 0


def _fmt(times: list[float]) -> str:
    return " ".join(f"{t:.3f}" for t in times)


if __name__ == "__main__":
    raise SystemExit(main())
