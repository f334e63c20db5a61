"""Write a table (header row + data rows) as .xlsx or .csv, safely.

``write_table`` picks the format from the suffix: .xlsx (openpyxl write-only, bold frozen header row,
column widths from the header and the first rows) or .csv (UTF-8 with BOM, so Excel on Chinese Windows
shows the Chinese text). It writes a temporary file in the target folder and renames it over the
target only when everything was written (``hoteltv.io.files.atomic_output``), so a failed export never
leaves a half file.

Spreadsheet formula injection is neutralised: in csv a text cell starting with = + - @ (or a tab or
carriage return) gets a leading apostrophe (``hoteltv.io.hotel_sheet`` strips it again on import);
in xlsx such text is stored as a string cell, never as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from enum import Enum
from itertools import chain, islice, zip_longest
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from hoteltv.domain import clock
from hoteltv.errors import HoteltvError
from hoteltv.io.files import atomic_output

__all__ = ["SUPPORTED_SUFFIXES", "write_table"]

SUPPORTED_SUFFIXES = (".xlsx", ".csv")

#: Rows looked at to size the xlsx columns (write-only mode needs widths before the first row).
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH = 6
MAX_WIDTH = 60
#: Excel refuses longer cell texts.
MAX_CELL_CHARS = 32_767
#: Integers this large lose digits in Excel (it keeps 15 significant digits); they are written as text.
MAX_EXACT_INT = 10**15

_INJECTION_START = ("=", "+", "-", "@", "\t", "\r")
_BAD_TITLE_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def write_table(
    path: Path,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    sheet_title: str = "Sheet1",
) -> int:
    """Write ``headers`` and ``rows`` to ``path`` (.xlsx or .csv); return the number of data rows written.

    Cells may be str, int, float, Decimal, bool, date/datetime/time (aware datetimes are shown in local
    time), Enum (its value) or None; anything else is written as ``str(value)``. Raises ``HoteltvError``
    for another suffix or when the file cannot be written (disk full, file open in Excel …); an exception
    raised by ``rows`` propagates unchanged. Either way the target is left as it was
    (``hoteltv.io.files.atomic_output``: temporary file beside it, fsync, rename).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise HoteltvError(
            f"不支持导出为「{suffix or '无扩展名'}」,请选择 .xlsx 或 .csv(unsupported file type)"
        )
    with atomic_output(path) as fh:
        if suffix == ".csv":
            return _write_csv(fh, headers, rows)
        return _write_xlsx(fh, headers, rows, sheet_title)


# --- csv ------------------------------------------------------------------------------------------------


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(_INJECTION_START) else value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < MAX_EXACT_INT else repr(value)
    if isinstance(value, dt.datetime):
        value = _naive_local(value)
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Enum):
        return _csv_cell(value.value)
    return _csv_cell(str(value))


def _write_csv(fh: IO[bytes], headers: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow([_csv_cell(h) for h in headers])
        count = 0
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
            count += 1
        text.flush()
    finally:
        text.detach()
    return count


# --- xlsx -----------------------------------------------------------------------------------------------


def _naive_local(value: dt.datetime) -> dt.datetime:
    """Excel has no time zones: show an aware datetime in the bureau's time zone."""
    if value.tzinfo is None:
        return value
    return clock.bureau_time(value).replace(tzinfo=None)


def _clean_text(text: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return text


def _xlsx_value(ws: object, value: object) -> object:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = _clean_text(value)
        if text.startswith("=") or text in ERROR_CODES:
            cell = WriteOnlyCell(ws, text)
            cell.data_type = "s"  # a string, never a formula or an error value
            return cell
        return text
    if isinstance(value, int):
        return value if abs(value) < MAX_EXACT_INT else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, dt.datetime):
        return _naive_local(value)
    if isinstance(value, dt.date | dt.time):
        return value
    if isinstance(value, Enum):
        return _xlsx_value(ws, value.value)
    return _xlsx_value(ws, str(value))


def _display_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 19
    if isinstance(value, dt.date):
        return 10
    text = str(value)
    longest = max((len(line) for line in text.splitlines()), default=0)
    if longest > MAX_WIDTH:
        return MAX_WIDTH
    # CJK characters take two columns.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text if c not in "\r\n")


def _write_xlsx(
    fh: IO[bytes], headers: Sequence[str], rows: Iterable[Sequence[object]], sheet_title: str
) -> int:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet((sheet_title.translate(_BAD_TITLE_CHARS).strip("'").strip() or "Sheet1")[:31])
    it = iter(rows)
    sample = list(islice(it, WIDTH_SAMPLE_ROWS))
    # Each column's widest text in the header and the sample (rows may be longer than the header).
    widths = [max(map(_display_width, column)) for column in zip_longest(headers, *sample)]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, MIN_WIDTH), MAX_WIDTH)
    if headers:
        ws.freeze_panes = "A2"
        bold = Font(bold=True)
        header_cells = []
        for h in headers:
            cell = WriteOnlyCell(ws, _clean_text(str(h)))
            cell.data_type = "s"
            cell.font = bold
            header_cells.append(cell)
        ws.append(header_cells)
    count = 0
    for row in chain(sample, it):
        ws.append([_xlsx_value(ws, v) for v in row])
        count += 1
    wb.save(fh)
    return count
