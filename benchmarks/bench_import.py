"""Importing a 10,000-row hotel spreadsheet end to end (read + validate + write in one transaction).

Baseline, measured in the same run: openpyxl reading the same file plus a bare SQLAlchemy Core bulk
insert of the same number of rows into the same kind of database (no validation, no audit, no outbox).
Run: ``python -m benchmarks import`` (``--hotels N`` for another size than 10,000).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import openpyxl

# Run as `python benchmarks/bench_import.py` too (the project folder is then not on the path).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.record import record  # noqa: E402
from hoteltv.db.engine import Database  # noqa: E402
from hoteltv.domain.divisions import default_divisions  # noqa: E402
from hoteltv.domain.identifiers import credit_check_char  # noqa: E402
from hoteltv.io.hotel_sheet import read_hotel_sheet  # noqa: E402
from hoteltv.services.hotels import import_hotels  # noqa: E402
from hoteltv.services.setup import ensure_divisions  # noqa: E402

ROWS = 10_000
REPEAT = 3


def make_sheet(path: Path, rows: int = ROWS) -> None:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("酒店")
    ws.append(
        [
            "酒店名称",
            "所属县区",
            "地址",
            "统一社会信用代码",
            "星级",
            "客房数",
            "电视数",
            "电视系统/运营商",
            "联系人",
            "联系电话",
            "是否试点",
            "目标模式",
            "当前模式",
        ]
    )
    divisions = ["隆阳区", "施甸县", "龙陵县", "昌宁县", "腾冲县"]
    for i in range(rows):
        body = f"92530502MA{i:07d}"
        ws.append(
            [
                f"测试酒店{i:05d}",
                divisions[i % 5],
                f"保山市某路{i}号",
                body + credit_check_char(body),
                i % 6,
                20 + i % 100,
                22 + i % 100,
                "云南广电网络",
                "张三",
                f"138{i:08d}",
                "是" if i % 3 else "否",
                "开机进直播模式",
                "迎宾模式",
            ]
        )
    wb.save(path)


def run_product(sheet: Path, home: Path, rows: int = ROWS) -> float:
    divisions = default_divisions()
    db = Database.open(home)
    ensure_divisions(db, divisions)
    start = time.perf_counter()
    report = import_hotels(db, read_hotel_sheet(sheet, divisions))
    elapsed = time.perf_counter() - start
    assert report.count("create") == rows, report.refused[:3]
    db.close()
    return elapsed


def run_baseline(sheet: Path, home: Path) -> float:
    db = Database.open(home)
    ensure_divisions(db, default_divisions())
    from hoteltv.db.models import Division, Hotel

    start = time.perf_counter()
    wb = openpyxl.load_workbook(sheet, read_only=True)
    rows = list(wb.active.iter_rows(min_row=2, values_only=True))
    wb.close()
    now = datetime.now(UTC)
    with db.engine.begin() as conn:
        div_id = conn.execute(Division.__table__.select().limit(1)).first().id  # type: ignore[union-attr]
        conn.execute(
            Hotel.__table__.insert(),
            [
                {
                    "id": str(uuid.uuid4()),
                    "name": r[0],
                    "division_id": div_id,
                    "device_id": "",
                    "version": 1,
                    "deleted": False,
                    "pilot": True,
                    "current_mode": "none",
                    "remediation_status": "not_inspected",
                    "created_at": now,
                    "updated_at": now,
                }
                for r in rows
            ],
        )
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--hotels", type=int, default=ROWS)
    parser.add_argument("--repeat", type=int, default=REPEAT)
    args = parser.parse_args(argv)
    rows = args.hotels
    with tempfile.TemporaryDirectory() as tmp:
        sheet = Path(tmp) / "hotels.xlsx"
        make_sheet(sheet, rows)
        product, baseline = [], []
        for i in range(args.repeat):
            baseline.append(run_baseline(sheet, Path(tmp) / f"base{i}"))
            product.append(run_product(sheet, Path(tmp) / f"prod{i}", rows))
        p, b = statistics.median(product), statistics.median(baseline)
        record(
            "import",
            "hotel sheet import (xlsx → validated, audited, outboxed)",
            p,
            hotels=rows,
            baseline="openpyxl read + bare bulk insert",
            baseline_s=b,
            runs=args.repeat,
        )
        print(f"import {rows} hotel rows (xlsx → validated, audited, outboxed): median {p:.2f} s")
        print(f"baseline (openpyxl read + bare bulk insert):             median {b:.2f} s")
        print(f"ratio product/baseline: {p / b:.1f}×")


if __name__ == "__main__":
    main()
