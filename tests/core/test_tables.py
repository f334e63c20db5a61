"""Writing tables: xlsx/csv by suffix, formula injection neutralised, never a half-written file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from enum import Enum
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hoteltv.domain import clock
from hoteltv.errors import HoteltvError
from hoteltv.io.tables import write_table

HEADERS = ["酒店名称", "客房数", "备注"]


class Colour(Enum):
    RED = "红"


def test_csv_is_utf8_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    count = write_table(path, HEADERS, [["保山宾馆", 120, None], ["永昌, 宾馆", 0, '说"明"']])
    assert count == 2
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert (
        data.decode("utf-8-sig") == '酒店名称,客房数,备注\r\n保山宾馆,120,\r\n"永昌, 宾馆",0,"说""明"""\r\n'
    )


def test_csv_neutralises_formula_injection(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    rows = [['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "ok", -3, "a=b"]]
    write_table(path, ["a", "b", "c", "d", "e", "f", "g", "h"], rows)
    line = path.read_bytes().decode("utf-8-sig").split("\r\n")[1]
    assert line == '"\'=HYPERLINK(""http://x"")",\'+1,\'-2,\'@SUM(A1),\'\tx,ok,-3,a=b'


def test_csv_value_types(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    aware = dt.datetime(2026, 5, 1, 2, 30, tzinfo=dt.UTC)
    rows = [[True, False, 1.5, 3.0, Decimal("2.50"), dt.date(2026, 5, 1), aware, Colour.RED, float("nan")]]
    write_table(path, list("abcdefghi"), rows)
    cells = path.read_bytes().decode("utf-8-sig").split("\r\n")[1].split(",")
    local = clock.bureau_time(aware).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
    assert cells == ["TRUE", "FALSE", "1.5", "3", "2.50", "2026-05-01", local, "红", ""]


def test_xlsx_header_is_bold_and_frozen_with_sensible_widths(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    rows = [["保山市隆阳区某某大酒店有限公司", 120, "x" * 500], ["甲", 5, None]]
    assert write_table(path, HEADERS, rows, sheet_title="酒店名单") == 2
    wb = load_workbook(path)
    ws = wb["酒店名单"]
    assert [c.value for c in ws[1]] == HEADERS
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == 2 * 15 + 2  # 15 CJK characters, two columns each
    assert ws.column_dimensions["B"].width == 8  # "客房数" = 6, +2
    assert ws.column_dimensions["C"].width == 60  # capped
    assert [c.value for c in ws[2]] == ["保山市隆阳区某某大酒店有限公司", 120, "x" * 500]
    assert [c.value for c in ws[3]] == ["甲", 5, None]


def test_xlsx_writes_formula_like_text_as_strings(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_table(path, ["a", "b", "c", "d"], [["=1+2", "#N/A", "+86 138", "@x"]])
    ws = load_workbook(path).active
    assert ws is not None
    cells = list(ws[2])
    assert [c.value for c in cells] == ["=1+2", "#N/A", "+86 138", "@x"]
    assert [c.data_type for c in cells] == ["s", "s", "s", "s"]
    cached = load_workbook(path, data_only=True).active
    assert cached is not None
    assert cached["A2"].value == "=1+2"  # a string has no formula behind it


def test_xlsx_value_types(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    aware = dt.datetime(2026, 5, 1, 2, 30, tzinfo=dt.UTC)
    big = 915305021234567890
    rows = [[big, aware, dt.date(2026, 5, 1), True, "控制\x01字符", Colour.RED, float("inf")]]
    write_table(path, list("abcdefg"), rows)
    ws = load_workbook(path).active
    assert ws is not None
    values = [c.value for c in ws[2]]
    assert values[0] == str(big)  # Excel would round an 18-digit number
    assert values[1] == clock.bureau_time(aware).replace(tzinfo=None)
    assert values[2] == dt.datetime(2026, 5, 1)
    assert values[3:] == [True, "控制字符", "红", None]


def test_sheet_title_is_made_acceptable_to_excel(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_table(path, ["a"], [], sheet_title="2026/05 [名单]: 酒店*?很长很长很长很长很长很长很长很长很长")
    wb = load_workbook(path)
    assert wb.sheetnames == ["2026_05 _名单__ 酒店__很长很长很长很长很长很长很"]  # 31 characters at most


def test_other_suffixes_are_refused(tmp_path: Path) -> None:
    for name in ("out.xls", "out.txt", "out"):
        with pytest.raises(HoteltvError, match="请选择 .xlsx 或 .csv"):
            write_table(tmp_path / name, ["a"], [[1]])
    assert list(tmp_path.iterdir()) == []


def test_unwritable_target_is_refused_and_nothing_is_left(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.mkdir()  # a folder where the file should go: the final rename fails
    with pytest.raises(HoteltvError, match="写入失败"):
        write_table(target, ["a"], [[1]])
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
    assert target.is_dir()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_failed_export_leaves_the_old_file_and_no_temp_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"out{suffix}"
    write_table(path, ["a"], [[1], [2]])
    before = path.read_bytes()

    def rows() -> Iterator[list[object]]:
        yield [1]
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        write_table(path, ["a"], rows())
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_replaces_an_existing_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"out{suffix}"
    write_table(path, ["a"], [[1]] * 5)
    assert write_table(path, ["a"], ([1] for _ in range(2))) == 2
    if suffix == ".csv":
        assert path.read_bytes().decode("utf-8-sig") == "a\r\n1\r\n1\r\n"
    else:
        ws = load_workbook(path).active
        assert ws is not None
        assert [r for r in ws.iter_rows(values_only=True)] == [("a",), (1,), (1,)]
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
