"""Fuzzing the hotel spreadsheet importer: random cells and headers in csv and xlsx, hostile packages.

Whatever the file holds, reading it either gives rows and row errors or refuses the whole file with
``ImportRefused``; nothing else escapes. A refused file leaves the database as it was. An accepted sheet
imports without error, and importing the same file again changes nothing (rows match what they made).
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import text

from hoteltv.db.engine import Database
from hoteltv.domain.divisions import default_divisions
from hoteltv.errors import ImportRefused
from hoteltv.io.hotel_sheet import read_hotel_sheet
from hoteltv.services.hotels import import_hotels
from hoteltv.services.setup import ensure_divisions
from tests.core.sheet_fixtures import CANONICAL, rewrite_member, write_xlsx
from tests.fuzz.profile import fuzz

DIVISIONS = default_divisions()

HEADERS = [
    *CANONICAL,
    "单位名称",
    "县区",
    "县(市、区)",
    "信用代码",
    "房间数",
    "电话",
    "手机",
    "序号",
    "备注",
    "",
    "酒店名称 ",
    "所属 县区",
]
TYPICAL = [
    "是",
    "否",
    "/",
    "—",
    "#N/A",
    "#DIV/0!",
    "=SUM(A1:A3)",
    "0875-2123456",
    "13800000000;0875-2123456",
    "91530502MA6K00001X",
    "92530581MA6N12345",
    "隆阳区",
    "腾冲县",
    "腾冲市",
    "530581",
    "迎宾模式",
    "direct_live",
    "开机进直播模式",
    "１２３",
    "五星",
    "3星级",
    "-5",
    "1e9",
    "\u200b永昌酒店\u00ad",
    "'=cmd",
    '="0875"',
]
cell_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from("酒店宾馆县区市是否星级间台一二三４５６　\t\r\n,;|\"'=/-—"),
    ),
    max_size=40,
)
cells = st.one_of(
    st.none(),
    cell_text,
    st.sampled_from(TYPICAL),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1900, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1)),
)


@st.composite
def tables(draw: st.DrawFn) -> list[list[Any]]:
    headers = draw(st.lists(st.one_of(st.sampled_from(HEADERS), cell_text), min_size=1, max_size=9))
    rows = draw(
        st.lists(
            st.lists(st.one_of(cells, st.sampled_from(TYPICAL)), min_size=0, max_size=len(headers) + 2),
            max_size=12,
        )
    )
    title = draw(st.lists(st.one_of(st.none(), cell_text), max_size=2))
    return ([title] if title else []) + [list(headers)] + rows


def _fresh_db() -> Database:
    db = Database.in_memory()
    ensure_divisions(db, DIVISIONS)
    return db


def _fingerprint(db: Database) -> tuple[int, int, int]:
    with db.engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("hotels", "audit_events", "outbox")
        )


def check_sheet(path: Path) -> None:
    """The property: refused → database unchanged; accepted → imports, and a second import is a no-op."""
    db = _fresh_db()
    try:
        before = _fingerprint(db)
        try:
            sheet = read_hotel_sheet(path, DIVISIONS)
        except ImportRefused as exc:
            assert exc.message
            assert _fingerprint(db) == before
            return
        for error in sheet.errors:
            assert error.reason and error.row_number > sheet.header_row
        dry = import_hotels(db, sheet, dry_run=True)
        assert _fingerprint(db) == before
        report = import_hotels(db, sheet)
        assert report.count("create") == dry.count("create") and report.count("update") == dry.count("update")
        again = import_hotels(db, read_hotel_sheet(path, DIVISIONS))
        assert again.count("create") == 0 and again.count("update") == 0, [
            r for r in again.rows if r.action != "unchanged"
        ][:2]
        assert db.integrity_problems() == []
    finally:
        db.close()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


@given(table=tables())
@fuzz(25)
def test_random_xlsx_is_read_or_refused_never_crashes(table: list[list[Any]]) -> None:
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "酒店.xlsx"
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        for row in table:
            ws.append([_xlsx_value(v) for v in row])
        wb.save(path)
        check_sheet(path)


@given(
    table=tables(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
    delimiter=st.sampled_from([",", "\t", ";", "|"]),
    sep_hint=st.booleans(),
)
@fuzz(60)
def test_random_csv_is_read_or_refused_never_crashes(
    table: list[list[Any]], encoding: str, delimiter: str, sep_hint: bool
) -> None:
    buf = io.StringIO()
    if sep_hint:
        buf.write(f"sep={delimiter}\n")
    csv.writer(buf, delimiter=delimiter).writerows(table)
    try:
        data = buf.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = buf.getvalue().encode("utf-8")
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "酒店.csv"
        path.write_bytes(data)
        check_sheet(path)


@given(
    data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx", ".tsv", ".txt", ".xls", ".ods"])
)
@fuzz(40)
def test_random_bytes_are_refused_or_read(data: bytes, suffix: str) -> None:
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / f"x{suffix}"
        path.write_bytes(data)
        check_sheet(path)


# --- hostile packages: a valid workbook whose worksheet XML was edited --------------------------------------

_BASE_ROWS = [["酒店名称", "所属县区", "客房数"], *([f"酒店{i}", "隆阳区", 10 + i] for i in range(25))]

cell_refs = st.one_of(
    st.from_regex(r"[A-Z]{1,5}[0-9]{1,8}", fullmatch=True),
    st.sampled_from(["A0", "XFD1048576", "XFE1", "AAAA1", "A99999999", "a1", "ZZZ1"]),
)
xml_snippets = st.one_of(
    st.builds(
        lambda r, f: f'<row r="30"><c r="{r}"><f>{f}</f></c></row>'.encode(),
        cell_refs,
        st.sampled_from(["1+1", "A1", ""]),
    ),
    st.builds(lambda r: f'<row r="31"><c r="{r}" t="s"><v>9999</v></c></row>'.encode(), cell_refs),
    st.builds(
        lambda r: f'<mergeCells count="1"><mergeCell ref="{r}"/></mergeCells>'.encode(), st.text(max_size=12)
    ),
    st.binary(max_size=40),
)


@given(snippet=xml_snippets, where=st.sampled_from([b"</sheetData>", b"<sheetData>", b"</worksheet>"]))
@fuzz(40)
def test_hostile_worksheet_xml_is_refused_or_read(snippet: bytes, where: bytes) -> None:
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "hostile.xlsx"
        write_xlsx(path, _BASE_ROWS)
        rewrite_member(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(where, snippet + where, 1))
        check_sheet(path)


@given(
    position=st.integers(min_value=0),
    value=st.integers(0, 255),
    member=st.sampled_from([None, "xl/workbook.xml"]),
)
@fuzz(40)
def test_flipped_bytes_in_a_workbook_are_refused_or_read(
    position: int, value: int, member: str | None
) -> None:
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "damaged.xlsx"
        write_xlsx(path, _BASE_ROWS)
        if member is None:
            data = bytearray(path.read_bytes())
            data[position % len(data)] = value
            path.write_bytes(bytes(data))
        else:

            def flip(xml: bytes) -> bytes:
                b = bytearray(xml)
                b[position % len(b)] = value
                return bytes(b)

            rewrite_member(path, member, flip)
        check_sheet(path)


_SHEETS = Path(__file__).resolve().parents[1] / "fixtures" / "sheets"
#: Old Excel and LibreOffice/WPS workbooks as clerks send them (read by python-calamine, not openpyxl).
_CALAMINE_FILES = {suffix: (_SHEETS / f"pilot_hotels{suffix}").read_bytes() for suffix in (".xls", ".ods")}


@given(
    suffix=st.sampled_from(sorted(_CALAMINE_FILES)),
    flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=6),
)
@fuzz(40)
def test_flipped_bytes_in_an_xls_or_ods_are_refused_or_read(
    suffix: str, flips: list[tuple[int, int]]
) -> None:
    data = bytearray(_CALAMINE_FILES[suffix])
    for position, value in flips:
        data[position % len(data)] = value
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / f"名单{suffix}"
        path.write_bytes(bytes(data))
        check_sheet(path)


def test_a_formula_cell_beyond_excels_last_column_is_refused_not_a_crash(tmp_path: Path) -> None:
    """Regression (found by the hostile-XML fuzz): ``<c r="ABCD40"><f>…</f></c>`` past the rows the header
    scan reads made the formula scan raise a bare ValueError (the CLI's "internal error")."""
    path = tmp_path / "bad-ref.xlsx"
    write_xlsx(path, _BASE_ROWS)
    rewrite_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(
            b"</sheetData>", b'<row r="40"><c r="ABCD40"><f>1+1</f></c></row></sheetData>'
        ),
    )
    check_sheet(path)
    assert zipfile.is_zipfile(path)


def _damage_member(path: Path, member: str, at: int, value: int) -> None:
    """Overwrite one byte of ``member``'s compressed data in place (the zip's directory stays valid)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        offset = zf.getinfo(member).header_offset
    name_len = int.from_bytes(data[offset + 26 : offset + 28], "little")
    extra_len = int.from_bytes(data[offset + 28 : offset + 30], "little")
    data[offset + 30 + name_len + extra_len + at] = value
    path.write_bytes(bytes(data))


def test_a_damaged_package_relationship_part_is_not_a_crash(tmp_path: Path) -> None:
    """Regression (found by the long fuzz profile): a corrupt deflate stream in ``_rels/.rels`` made
    ``zlib.error`` escape from the worksheet lookup (openpyxl itself never reads that part)."""
    path = tmp_path / "damaged-rels.xlsx"
    write_xlsx(path, _BASE_ROWS)
    _damage_member(path, "_rels/.rels", 107, 0)
    check_sheet(path)
