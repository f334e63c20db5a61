"""Read a spreadsheet (xlsx, xls, ods or csv) as numbered rows of cell values, with the guards a file from
outside needs (zip bombs, sizes, damaged packages, password-protected workbooks), before anything
interprets the cells.

:func:`open_table` picks the sheet (and, for csv, the delimiter) whose first rows hold the best header as
the caller's ``find_header`` judges it, and yields a :class:`TableSource`: the rows (1-based numbers as
the spreadsheet shows them), merged ranges, formula cells without a cached value, and notes for the
reader. :func:`to_text` and :func:`is_empty` are how every reader sees one cell.

xlsx files are read with openpyxl in read-only mode (fast, streaming). Read-only mode does not expose
merged ranges nor tell an empty cell from a formula without a cached value, so the worksheet XML is
also scanned once, as raw bytes, for ``<mergeCell ref=…>`` and for ``<f>`` cells without a ``<v>``
(markup cannot occur inside XML text: ``<`` is always escaped there, so the scan cannot be fooled by
cell contents). Before openpyxl opens anything, the zip's declared sizes are checked (Python's zipfile
refuses to inflate a member past its declared size, so the check bounds the real work).

Old Excel (.xls, also when renamed .xlsx) and LibreOffice/WPS (.ods) files are read with python-calamine
(a kept reader of both), with a size limit and, for .ods, the same zip checks; merged ranges come from
calamine for .xls and from the cells' spans in the .ods ``content.xml``. Rows then go through the same
header detection and cell checks as .xlsx, so the row report is the same.

csv files may be UTF-8 (with or without BOM), UTF-16 with BOM or GB18030 (Excel on Chinese Windows);
the delimiter (, tab ; |) is the one under which a header row is found, and Excel's ``sep=`` line is
honoured. A leading apostrophe that ``write_table`` put before = + - @ is removed again.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import itertools
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar
from xml.etree import ElementTree as ET

from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, XmlError, ZipError

from hoteltv.archive import ZIP_ERRORS, ArchiveProblem, ZipLimits, check_bomb
from hoteltv.errors import ImportRefused

Row = tuple[int, Sequence[object]]


class Header(Protocol):
    """What a caller's header finder returns: a score, higher is a better header row."""

    @property
    def score(self) -> tuple[int, int]: ...


H = TypeVar("H", bound=Header)

#: Rows looked at (after leading blank rows) to find the header row.
HEADER_SCAN_ROWS = 10
#: Leading blank rows skipped before giving up on finding any content.
MAX_LEADING_BLANK_ROWS = 1000

# Whole-file limits (module constants so a deployment or a test can tighten them).
MAX_ZIP_MEMBERS = 10_000
MAX_TOTAL_UNCOMPRESSED = 512 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_MIN_SIZE = 16 * 1024 * 1024
MAX_CSV_BYTES = 256 * 1024 * 1024

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
#: Cell contents meaning "nothing here" in Chinese office sheets.
_PLACEHOLDERS = frozenset({"/", "\\", "-", "--", "—", "——", "–", "―"})


def to_text(raw: object) -> str:
    """Cell value as normalised text: NFKC (full-width digits/spaces), no zero-width marks, single spaces."""
    if isinstance(raw, str):
        s = raw
    elif isinstance(raw, bool):
        s = "是" if raw else "否"
    elif isinstance(raw, int):
        s = str(raw)
    elif isinstance(raw, float):
        s = str(int(raw)) if raw.is_integer() else repr(raw)
    elif isinstance(raw, dt.datetime):
        s = raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    elif isinstance(raw, dt.date | dt.time):
        s = raw.isoformat()
    else:
        s = str(raw)
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s).translate(_ZERO_WIDTH)
    return " ".join(s.split())


def is_empty(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        s = raw.strip()
        if not s:
            return True
        if len(s) <= 2 and not s.isalnum():
            return to_text(s) in _PLACEHOLDERS or not to_text(s)
    return False


@dataclass
class TableSource:
    """The rows of the chosen sheet and what the reader needs to know about them."""

    rows: Iterator[Row]
    merges: list[tuple[int, int, int, int]] = field(
        default_factory=list
    )  # min_col, min_row, max_col, max_row
    uncached: set[tuple[int, int]] = field(default_factory=set)  # (row, column), 1-based
    sheet_name: str | None = None
    fmt: str = "xlsx"
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)


def is_blank_row(values: Sequence[object]) -> bool:
    return all(is_empty(v) for v in values)


def _head(rows: Iterator[Row]) -> list[Row]:
    """Rows read until HEADER_SCAN_ROWS non-blank ones were seen (leading blank rows skipped, within a
    limit). Blank rows are kept so the caller can replay every row it consumed."""
    head: list[Row] = []
    seen = 0
    for row_number, values in rows:
        head.append((row_number, values))
        if is_blank_row(values):
            if not seen and len(head) > MAX_LEADING_BLANK_ROWS:
                break
            continue
        seen += 1
        if seen >= HEADER_SCAN_ROWS:
            break
    return head


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_CALAMINE_ERRORS = (CalamineError, XmlError, ZipError, ValueError, OverflowError, OSError)
#: What reading a damaged package part raises (zlib: a damaged deflate stream; ValueError: e.g. a cell
#: reference beyond Excel's columns, "ABCD40", in a hand-made package).
_DAMAGED = (KeyError, ET.ParseError, *ZIP_ERRORS)
_SAVE_AS = "请在 Excel 或 WPS 中打开,另存为“Excel 工作簿(*.xlsx)”后再导入"


def _check_zip(zf: zipfile.ZipFile, name: str, kind: str = "xlsx") -> None:
    """Refuse zip bombs and packages that are not a spreadsheet of ``kind`` (xlsx or ods)."""
    limits = ZipLimits(MAX_ZIP_MEMBERS, MAX_TOTAL_UNCOMPRESSED, MAX_COMPRESSION_RATIO, RATIO_CHECK_MIN_SIZE)
    try:
        check_bomb(zf.infolist(), limits)
    except ArchiveProblem as exc:
        raise ImportRefused(f"{name}:{exc.zh},拒绝导入") from exc
    names = set(zf.namelist())
    if kind == "ods":
        if "content.xml" not in names:
            raise ImportRefused(f"{name}:不是 ODS 表格(是其他类型的压缩文件);{_SAVE_AS}")
    elif "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise ImportRefused(f"{name}:不是 Excel 工作簿(是其他类型的压缩文件);{_SAVE_AS}")


#: Bytes of worksheet XML inflated at a time by the merge/formula scan.
_SCAN_CHUNK = 1 << 20

_MERGE_RE = re.compile(rb"""<(?:[\w.-]+:)?mergeCell\s[^>]*?\bref\s*=\s*["']([^"']+)["']""")
_F_TAG_RE = re.compile(rb"<(?:[\w.-]+:)?f[\s/>]")
_CELL_RE = re.compile(rb"<(?:[\w.-]+:)?c\s([^>]*?)(?<!/)>(.*?)</(?:[\w.-]+:)?c>", re.S)
_ATTR_R_RE = re.compile(rb"""\br\s*=\s*["']([A-Za-z]+\d+)["']""")
_ATTR_T_RE = re.compile(rb"""\bt\s*=\s*["']([A-Za-z]+)["']""")
_V_RE = re.compile(rb"<(?:[\w.-]+:)?v(?:\s[^>]*)?(?:/>|>(.*?)</(?:[\w.-]+:)?v>)", re.S)


def _scan_segment(
    seg: bytes, merges: list[tuple[int, int, int, int]], uncached: set[tuple[int, int]]
) -> None:
    for m in _MERGE_RE.finditer(seg):
        try:
            min_col, min_row, max_col, max_row = range_boundaries(m.group(1).decode("ascii", "replace"))
        except (ValueError, TypeError):
            continue
        if None not in (min_col, min_row, max_col, max_row):
            merges.append((int(min_col or 0), int(min_row or 0), int(max_col or 0), int(max_row or 0)))
    if _F_TAG_RE.search(seg) is None:
        return
    for cell in _CELL_RE.finditer(seg):
        attrs, body = cell.group(1), cell.group(2)
        if _F_TAG_RE.search(body) is None:
            continue
        v = _V_RE.search(body)
        t = _ATTR_T_RE.search(attrs)
        cached = v is not None and (bool(v.group(1)) or (t is not None and t.group(1) == b"str"))
        if cached:
            continue
        r = _ATTR_R_RE.search(attrs)
        if r is not None:
            uncached.add(coordinate_to_tuple(r.group(1).decode("ascii").upper()))


def _scan_sheet_xml(
    zf: zipfile.ZipFile, member: str
) -> tuple[list[tuple[int, int, int, int]], set[tuple[int, int]]]:
    """Merged ranges and formula cells without a cached value, from the raw worksheet XML."""
    merges: list[tuple[int, int, int, int]] = []
    uncached: set[tuple[int, int]] = set()
    buf = b""
    with zf.open(member) as fh:
        for chunk in iter(lambda: fh.read(_SCAN_CHUNK), b""):
            buf += chunk
            cut = buf.rfind(b"</row>")
            if cut < 0:
                continue
            cut += len(b"</row>")
            _scan_segment(buf[:cut], merges, uncached)
            buf = buf[cut:]
    _scan_segment(buf, merges, uncached)
    return merges, uncached


def _open_xlsx(
    path: Path, name: str, stack: list[Callable[[], None]], find_header: Callable[[list[Row]], H | None]
) -> tuple[TableSource, H | None]:
    try:
        zf = zipfile.ZipFile(path)
    except OSError as exc:
        raise ImportRefused(f"{name}:无法读取文件({exc})") from exc
    except ZIP_ERRORS as exc:
        raise ImportRefused(f"{name}:文件已损坏或不是 Excel 工作簿({exc});{_SAVE_AS}") from exc
    stack.append(zf.close)
    _check_zip(zf, name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(str(path), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for damaged packages
        raise ImportRefused(f"{name}:无法读取 Excel 工作簿({type(exc).__name__}: {exc});{_SAVE_AS}") from exc
    stack.append(wb.close)
    sheets = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"] or list(
        wb.worksheets
    )
    if not sheets:
        raise ImportRefused(f"{name}:工作簿里没有工作表")

    best: tuple[Any, Iterator[Row], list[Row], H] | None = None
    for ws in sheets:
        ws.reset_dimensions()  # some writers record a wrong <dimension>; read what is really there
        gen = ws.iter_rows(min_row=1, values_only=True)
        stack.append(gen.close)
        rows = _guard(enumerate(gen, start=1), name)
        head = _head(rows)
        header = find_header(head)
        if header is not None and (best is None or header.score > best[3].score):
            best = (ws, rows, head, header)
    if best is None:
        raise ImportRefused(f"{name}:表格是空的,没有任何内容")
    ws, rows, head, header = best
    source = TableSource(itertools.chain(head, rows), sheet_name=ws.title, fmt="xlsx")
    if len(sheets) > 1:
        source.notes.append(f"工作簿有{len(sheets)}个工作表,读取的是「{ws.title}」")
    # The worksheet part openpyxl itself reads (resolved from the package relationships when it opened).
    member = getattr(ws, "_worksheet_path", None)
    if member is None:
        source.notes.append("未能定位工作表的 XML,合并单元格与无缓存公式未检查")
    else:
        try:
            source.merges, source.uncached = _scan_sheet_xml(zf, member)
        except _DAMAGED as exc:
            raise ImportRefused(f"{name}:工作表数据已损坏({exc});{_SAVE_AS}") from exc
    return source, header


#: Largest .xls/.ods file read (bytes): calamine holds the whole workbook in memory.
MAX_CALAMINE_BYTES = 64 * 1024 * 1024
#: The formats read with python-calamine, and the name a clerk knows each by.
_CALAMINE_FORMATS = {".xls": "xls", ".ods": "ods"}


def _open_calamine(
    path: Path, name: str, fmt: str, find_header: Callable[[list[Row]], H | None]
) -> tuple[TableSource, H | None]:
    """Old Excel (.xls) and LibreOffice/WPS (.ods) through python-calamine.

    The same guards as .xlsx: a size limit, the zip checks for .ods, damaged
    files refused with the reason, the visible sheet with the best header row chosen, merged ranges kept.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            magic = fh.read(8)
    except OSError as exc:
        raise ImportRefused(f"{name}:无法读取文件({exc})") from exc
    if size > MAX_CALAMINE_BYTES:
        raise ImportRefused(f"{name}:文件过大({size // (1024 * 1024)} MB),拒绝导入")
    zipped = fmt == "ods"
    if zipped != magic.startswith(_ZIP_MAGIC) and not (fmt == "xls" and magic.startswith(_OLE_MAGIC)):
        hint = "xlsx" if magic.startswith(_ZIP_MAGIC) else None
        raise ImportRefused(
            f"{name}:文件内容不是 .{fmt} 格式" + (f"(其实是 .{hint},请把扩展名改为 .{hint})" if hint else "")
        )
    if zipped:
        try:
            with zipfile.ZipFile(path) as zf:
                _check_zip(zf, name, fmt)
        except ZIP_ERRORS as exc:
            raise ImportRefused(f"{name}:文件已损坏({exc});{_SAVE_AS}") from exc
    try:
        with path.open("rb") as fh:  # by content, not by extension (an .xls may be named .xlsx)
            wb = CalamineWorkbook.from_filelike(fh)
        sheets = [m for m in wb.sheets_metadata if str(m.visible).endswith("Visible")] or list(
            wb.sheets_metadata
        )
        if not sheets:
            raise ImportRefused(f"{name}:工作簿里没有工作表")
        best: tuple[str, list[Row], H, Any] | None = None
        for meta in sheets:
            sheet = wb.get_sheet_by_name(meta.name)
            rows: list[Row] = list(enumerate(sheet.to_python(skip_empty_area=False), start=1))
            header = find_header(_head(iter(rows)))
            if header is not None and (best is None or header.score > best[2].score):
                best = (meta.name, rows, header, sheet)
        ranges = best[3].merged_cell_ranges if best else None  # calamine knows them for .xls, not .ods
    except ImportRefused:
        raise
    except BaseException as exc:
        if not isinstance(exc, (PasswordError, *_CALAMINE_ERRORS)) and not _panicked(exc):
            raise
        locked = isinstance(exc, PasswordError)
        reason = "设置了打开密码" if locked else f"已损坏或不是 .{fmt} 文件({type(exc).__name__}: {exc})"
        raise ImportRefused(
            f"{name}:工作簿{reason};{_SAVE_AS}" + ("(不要设置密码)" if locked else "")
        ) from exc
    if best is None:
        raise ImportRefused(f"{name}:表格是空的,没有任何内容")
    title, rows, header, sheet = best
    source = TableSource(iter(rows), sheet_name=title, fmt=fmt)
    if len(sheets) > 1:
        source.notes.append(f"工作簿有{len(sheets)}个工作表,读取的是「{title}」")
    if ranges is not None:
        # ((first row, first column), (last row, last column)), 0-based → min_col, min_row, max_col, max_row
        source.merges = [(c0 + 1, r0 + 1, c1 + 1, r1 + 1) for (r0, c0), (r1, c1) in ranges]
    else:
        try:
            source.merges = _ods_merges(path, title)
        except _DAMAGED as exc:
            raise ImportRefused(f"{name}:工作表数据已损坏({exc});{_SAVE_AS}") from exc
    return source, header


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _panicked(exc: BaseException) -> bool:
    """Is ``exc`` a Rust panic inside python-calamine? pyo3 raises it as ``PanicException``, which derives
    from BaseException, not Exception, and is not importable: a damaged .xls can make calamine index past
    its buffer ("range start index … out of range")."""
    kind = type(exc)
    return kind.__name__ == "PanicException" and kind.__module__ == "pyo3_runtime"


def _ods_merges(path: Path, sheet_name: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges of one sheet of an .ods (min_col, min_row, max_col, max_row, 1-based), read from
    the spans of its cells in ``content.xml`` (streamed; rows and cells may carry repeat counts)."""
    t = _ODS_TABLE
    merges: list[tuple[int, int, int, int]] = []
    inside, row, col, repeat = False, 0, 0, 1
    with zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
        for event, el in ET.iterparse(fh, events=("start", "end")):
            tag = el.tag
            if tag == f"{t}table":
                if event == "start":
                    inside, row = el.get(f"{t}name") == sheet_name, 0
                elif inside:
                    break
            elif not inside:
                pass
            elif tag == f"{t}table-row":
                if event == "start":
                    col, repeat = 0, int(el.get(f"{t}number-rows-repeated", "1"))
                else:
                    row += repeat
            elif event == "start" and tag in (f"{t}table-cell", f"{t}covered-table-cell"):
                across = int(el.get(f"{t}number-columns-spanned", "1"))
                down = int(el.get(f"{t}number-rows-spanned", "1"))
                if tag == f"{t}table-cell" and (across > 1 or down > 1):
                    merges.append((col + 1, row + 1, col + across, row + down))
                col += int(el.get(f"{t}number-columns-repeated", "1"))
            if event == "end" and tag != f"{t}table-cell":
                el.clear()  # keep memory flat on a big sheet (cells are cleared with their row)
    return merges


def _guard(rows: Iterator[Row], name: str) -> Iterator[Row]:
    """Turn parse failures in the middle of a sheet into ImportRefused."""
    try:
        yield from rows
    except ImportRefused:
        raise
    except csv.Error as exc:
        raise ImportRefused(f"{name}:CSV 格式错误({exc})") from exc
    except Exception as exc:  # damaged XML inside the package
        raise ImportRefused(
            f"{name}:工作表数据已损坏,读到一半出错({type(exc).__name__}: {exc});{_SAVE_AS}"
        ) from exc


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise ImportRefused(
        f"{name}:无法识别文件的文字编码(支持 UTF-8 与 GB18030/GBK);请另存为“CSV UTF-8”后再导入"
    )


_CSV_DELIMITERS = (",", "\t", ";", "|")


def _clean_csv_cell(s: str) -> str:
    if not s:
        return s
    first = s[0]
    if first == "'" and len(s) > 1 and s[1] in "=+-@\t\r":
        return s[1:]  # our own export's guard against formula injection
    if first == "=" and len(s) >= 3 and s[1] == '"' and s[-1] == '"':
        return s[2:-1]  # ="0875..." written by systems that keep leading zeros for Excel
    return s


def _csv_rows(text: str, delimiter: str) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    for n, record in enumerate(reader, start=1):
        yield n, [_clean_csv_cell(c) for c in record]


def _open_csv(
    path: Path, name: str, find_header: Callable[[list[Row]], H | None]
) -> tuple[TableSource, H | None]:
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise ImportRefused(f"{name}:文件过大({size // (1024 * 1024)} MB),拒绝导入")
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRefused(f"{name}:无法读取文件({exc})") from exc
    if data.startswith(_ZIP_MAGIC):
        raise ImportRefused(f"{name}:这其实是 Excel 工作簿(.xlsx),只是扩展名写成了 .csv;请把扩展名改回 .xlsx")
    if data.startswith(_OLE_MAGIC):
        raise ImportRefused(f"{name}:这其实是旧版 Excel 文件(.xls);{_SAVE_AS}")
    text, encoding = _decode(data, name)
    if "\x00" in text:
        raise ImportRefused(f"{name}:不是文本表格(含有二进制内容)")
    if not text.strip():
        raise ImportRefused(f"{name}:表格是空的,没有任何内容")
    forced: str | None = None
    first_line, _, rest = text.partition("\n")
    m = re.fullmatch(r'"?sep=(.)"?\s*', first_line)
    if m:  # Excel's "sep=;" hint line: Excel hides it, so row numbers start after it
        forced, text = m.group(1), rest
    best: tuple[str, H | None, list[Row]] | None = None
    for delimiter in (forced,) if forced else _CSV_DELIMITERS:
        try:
            head = _head(_csv_rows(text, delimiter))
        except csv.Error as exc:
            raise ImportRefused(f"{name}:CSV 格式错误({exc})") from exc
        header = find_header(head)
        score = header.score if header else (0, 0)
        if best is None or score > (best[1].score if best[1] else (0, 0)):
            best = (delimiter, header, head)
    assert best is not None
    delimiter, header, head = best
    if all(is_blank_row(values) for _n, values in head):
        raise ImportRefused(f"{name}:表格是空的,没有任何内容")
    rows = _guard(_csv_rows(text, delimiter), name)
    return TableSource(rows, fmt="csv", encoding=encoding), header


@contextlib.contextmanager
def open_table(
    path: Path, find_header: Callable[[list[Row]], H | None]
) -> Iterator[tuple[TableSource, H | None]]:
    """The sheet of ``path`` (.xlsx/.xlsm, .xls, .ods, .csv/.tsv/.txt) whose first rows give the best header.

    Raises ``ImportRefused`` when the whole file is refused: unknown extension, not a spreadsheet, zip
    bomb, unreadable, damaged or password-protected file, empty sheet. Open files are closed on leaving.
    """
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ImportRefused(f"{name}:找不到文件或不是文件")
    if suffix in (".et", ".xlsb", ".numbers", ".wps"):
        raise ImportRefused(f"{name}:不支持 {suffix} 格式(其他软件的格式);{_SAVE_AS}")
    if suffix not in (".xlsx", ".xlsm", ".csv", ".tsv", ".txt", *_CALAMINE_FORMATS):
        raise ImportRefused(
            f"{name}:不认识的文件类型「{suffix or '无扩展名'}」;请导入 .xlsx、.xls、.ods 或 .csv 文件"
        )

    cleanup: list[Callable[[], None]] = []
    try:
        if suffix in (".xlsx", ".xlsm"):
            try:
                with path.open("rb") as fh:
                    magic = fh.read(8)
            except OSError as exc:
                raise ImportRefused(f"{name}:无法读取文件({exc})") from exc
            if magic.startswith(_OLE_MAGIC):  # an old .xls renamed (or a password-protected workbook)
                try:
                    source, header = _open_calamine(path, name, "xls", find_header)
                except ImportRefused as exc:
                    if exc.__cause__ is None:  # e.g. an empty sheet: say that
                        raise
                    raise ImportRefused(
                        f"{name}:这是旧版 Excel(.xls)文件或设置了打开密码的工作簿,只是扩展名为 {suffix},"
                        f"且无法读取;{_SAVE_AS}(不要设置密码)"
                    ) from exc
            elif not magic.startswith(_ZIP_MAGIC):
                raise ImportRefused(f"{name}:不是 Excel 工作簿(文件内容不是 xlsx 格式);{_SAVE_AS}")
            else:
                source, header = _open_xlsx(path, name, cleanup, find_header)
        elif suffix in _CALAMINE_FORMATS:
            source, header = _open_calamine(path, name, _CALAMINE_FORMATS[suffix], find_header)
        else:
            source, header = _open_csv(path, name, find_header)
        yield source, header
    finally:
        for close in reversed(cleanup):
            with contextlib.suppress(Exception):  # closing must never hide the real outcome
                close()
