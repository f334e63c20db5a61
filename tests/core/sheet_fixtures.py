"""Builders for messy hotel spreadsheets, made with openpyxl in a test's tmp_path (no binary fixtures).

Each builder writes one file and returns its path. They reproduce what offices actually send: title
rows, synonyms in another order, merged cells, full-width digits, formulas with and without a cached
value, numbers stored as text, GB18030 csv, renamed files and a zip bomb.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook

from hoteltv.domain.identifiers import credit_check_char

#: The canonical header row, in export order (what hoteltv writes).
CANONICAL = [
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


def credit_code(body: str) -> str:
    """A valid unified social credit code: ``body`` (17 characters) plus its computed check character."""
    assert len(body) == 17, body
    return body + credit_check_char(body)


#: Valid codes computed here, so the tests never depend on a real company's number.
CODE_A = credit_code("91530502MA6K00001")
CODE_B = credit_code("92530581MA6N12345")
CODE_C = credit_code("91530524MA6P0000X")


def wrong_check(code: str) -> str:
    """The same code with a different (wrong) check character."""
    other = "0" if code[-1] != "0" else "1"
    return code[:-1] + other


def write_xlsx(
    path: Path,
    rows: Iterable[Sequence[object]],
    *,
    merges: Sequence[str] = (),
    sheet_title: str = "Sheet1",
    extra_sheets: Sequence[tuple[str, Sequence[Sequence[object]]]] = (),
    extra_first: bool = False,
    write_only: bool = False,
) -> Path:
    """Write rows (row 1 first) to an xlsx; ``merges`` like "B3:B5" are merged after writing.

    ``write_only`` streams the rows (fast, for big sheets; no merges, extra sheets nor <dimension>).
    """
    if write_only:
        assert not merges and not extra_sheets
        fast = Workbook(write_only=True)
        stream = fast.create_sheet(sheet_title)
        for row in rows:
            stream.append(list(row))
        fast.save(path)
        return path
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet_title
    for row in rows:
        ws.append(list(row))
    for ref in merges:
        ws.merge_cells(ref)
    for title, extra_rows in extra_sheets:
        other = wb.create_sheet(title, 0 if extra_first else None)
        for row in extra_rows:
            other.append(list(row))
    wb.save(path)
    return path


def rewrite_member(path: Path, member: str, edit: Callable[[bytes], bytes]) -> None:
    """Rewrite one part of a zip package through ``edit(bytes) -> bytes``."""
    with zipfile.ZipFile(path) as zin:
        items = [(info, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename == member:
                data = edit(data)
            zout.writestr(info, data)


def set_cached_value(
    path: Path, coordinate: str, value: str, *, sheet: str = "xl/worksheets/sheet1.xml"
) -> None:
    """Give the formula cell at ``coordinate`` a cached result, as Excel does when it saves.

    openpyxl writes formulas as ``<f>…</f><v />`` (no cached value); Excel writes ``<v>120</v>``.
    """

    def edit(xml: bytes) -> bytes:
        pattern = re.compile(rb'(<c r="' + coordinate.encode() + rb'"[^>]*>)(<f>.*?</f>)<v\s*/>')
        new, n = pattern.subn(lambda m: m.group(1) + m.group(2) + b"<v>" + value.encode() + b"</v>", xml)
        assert n == 1, f"no formula cell {coordinate}"
        return new

    rewrite_member(path, sheet, edit)


def set_dimension(path: Path, ref: str, *, sheet: str = "xl/worksheets/sheet1.xml") -> None:
    """Replace the sheet's ``<dimension>`` with a wrong one, as some exporters write."""

    def edit(xml: bytes) -> bytes:
        new, n = re.subn(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="' + ref.encode() + b'"/>', xml)
        assert n == 1
        return new

    rewrite_member(path, sheet, edit)


def set_error_value(
    path: Path, coordinate: str, error: str, *, sheet: str = "xl/worksheets/sheet1.xml"
) -> None:
    """Turn a formula cell into one whose cached result is an Excel error (``#N/A`` …)."""

    def edit(xml: bytes) -> bytes:
        pattern = re.compile(rb'<c r="' + coordinate.encode() + rb'"[^>]*>(<f>.*?</f>)<v\s*/>')
        new, n = pattern.subn(
            lambda m: (
                b'<c r="' + coordinate.encode() + b'" t="e">' + m.group(1) + b"<v>" + error.encode() + b"</v>"
            ),
            xml,
        )
        assert n == 1
        return new

    rewrite_member(path, sheet, edit)


def write_csv(
    path: Path, rows: Iterable[Sequence[object]], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    """Write a csv the way Excel does (CRLF, minimal quoting) in the given encoding."""
    lines = []
    for row in rows:
        cells = []
        for value in row:
            text = "" if value is None else str(value)
            if any(c in text for c in (delimiter, '"', "\n", "\r")):
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append(delimiter.join(cells))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def zip_bomb(path: Path, *, megabytes: int = 40) -> Path:
    """A valid-looking xlsx whose worksheet inflates to ``megabytes`` MB of blanks (ratio ~1000:1)."""
    write_xlsx(path, [CANONICAL[:2], ["宾馆", "隆阳区"]])
    blob = b"<!--" + b" " * (megabytes * 1024 * 1024) + b"-->"
    rewrite_member(
        path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"<sheetData>", blob + b"<sheetData>")
    )
    return path


def docx_like_zip(path: Path) -> Path:
    """A zip package that is not a workbook (a Word document renamed .xlsx)."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    return path


OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def big_rows(n: int) -> list[list[object]]:
    """``n`` valid, distinct hotel rows with every column filled (header not included)."""
    divisions = ["隆阳区", "施甸县", "龙陵县", "昌宁县", "腾冲市"]
    modes = ["开机进直播模式", "迎宾模式", "移动OTT模式", "定制电信迎宾模式", "自建模式"]
    rows: list[list[object]] = []
    for i in range(n):
        rows.append(
            [
                f"测试酒店{i:05d}",
                divisions[i % 5],
                f"保山市某某路{i}号",
                credit_code(f"9153050{i % 10}{i:09d}"),
                i % 6,
                20 + i % 200,
                20 + i % 210,
                "云南广电网络",
                f"联系人{i}",
                f"138{i:08d}",
                "是" if i % 2 else "否",
                modes[i % 5],
                "未整改",
            ]
        )
    return rows


_INLINE_RE = re.compile(
    rb'<c r="([A-Z]+\d+)"([^>]*?) t="inlineStr"([^>]*)><is><t(?: [^>]*)?>(.*?)</t></is></c>', re.S
)


def use_shared_strings(path: Path, *, sheet: str = "xl/worksheets/sheet1.xml") -> Path:
    """Store the sheet's text in a shared-strings table, as Excel and WPS save it.

    openpyxl writes every text as an inline string; Excel writes ``t="s"`` cells that index
    ``xl/sharedStrings.xml``. Readers take different paths for the two, so the benchmark and the
    large-sheet test use what Excel writes.
    """
    index: dict[bytes, int] = {}
    order: list[bytes] = []

    def cell(m: re.Match[bytes]) -> bytes:
        text = m.group(4)
        if text not in index:
            index[text] = len(order)
            order.append(text)
        return (
            b'<c r="'
            + m.group(1)
            + b'"'
            + m.group(2)
            + m.group(3)
            + b' t="s"><v>'
            + str(index[text]).encode()
            + b"</v></c>"
        )

    rewrite_member(path, sheet, lambda xml: _INLINE_RE.sub(cell, xml))
    sst = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
        % (len(order), len(order))
        + b"".join(b'<si><t xml:space="preserve">' + t + b"</t></si>" for t in order)
        + b"</sst>"
    )
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/sharedStrings.xml", sst)
    rewrite_member(
        path,
        "[Content_Types].xml",
        lambda xml: xml.replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        ),
    )
    rewrite_member(
        path,
        "xl/_rels/workbook.xml.rels",
        lambda xml: xml.replace(
            b"</Relationships>",
            b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        ),
    )
    return path
