"""Read the bureau's pilot-hotel spreadsheet (xlsx, xls, ods or csv) into validated rows, without any database.

``read_hotel_sheet`` finds the header row (title rows above it are skipped), maps the Chinese column
headers the offices use (``HOTEL_FIELDS`` lists every accepted synonym), reads every data row and
checks each cell. A row with any bad cell is refused whole and listed once per bad cell
(``RowError``: row number as the spreadsheet shows it, the column header, the value, the reason in
Chinese and English); every other row comes back as a ``HotelRow``. Problems with the whole file
(not a spreadsheet, zip bomb, missing required columns, too many rows …) raise ``ImportRefused``.

The database side (upsert by credit code, else by name + division) works on ``SheetResult``;
``HotelRow.present`` says which fields had a column, so a sheet without, say, a 联系电话 column does
not blank the phone numbers already stored.

The file itself (xlsx, xls, ods, csv; sheet choice, merged cells, zip and size guards) is read by
:mod:`hoteltv.io.tabular`; the columns and cell parsers are in :mod:`hoteltv.io.sheet_cells`.

Exported sheets (``HOTEL_HEADERS`` + ``hotel_row_cells`` with ``hoteltv.io.tables.write_table``)
re-import unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hoteltv.domain.divisions import DivisionList
from hoteltv.domain.hotel import HotelInput
from hoteltv.errors import ImportRefused
from hoteltv.io.sheet_cells import (
    EXCEL_ERRORS,
    FIELDS_BY_KEY,
    HOTEL_FIELDS,
    HOTEL_HEADERS,
    CellError,
    cell_parsers,
    export_value,
    match_header_text,
)
from hoteltv.io.tabular import Row, TableSource, is_blank_row, is_empty, open_table

__all__ = [
    "HOTEL_FIELDS",
    "HOTEL_HEADERS",
    "HotelRow",
    "RowError",
    "SheetResult",
    "hotel_row_cells",
    "read_hotel_sheet",
]


@dataclass(frozen=True, kw_only=True)
class HotelRow(HotelInput):
    """One accepted hotel row: the hotel's fields as read, where the row stood, and which fields had a column
    in the sheet (``present``; the others keep their defaults and must not overwrite stored values)."""

    row_number: int
    present: frozenset[str] = frozenset()


@dataclass
class RowError:
    """One bad cell of a refused row."""

    row_number: int
    column: str  # header text as in the sheet
    value: object  # the cell value as read
    reason: str  # Chinese
    reason_en: str = ""
    field: str | None = None  # HotelField.name

    def __str__(self) -> str:
        shown = "" if self.value is None else f"「{self.value}」"
        return f"第{self.row_number}行 [{self.column}] {shown}: {self.reason}"


@dataclass
class SheetResult:
    """What a sheet held: accepted rows, refused cells, and how the columns were understood."""

    rows: list[HotelRow]
    errors: list[RowError]
    mapping: dict[str, str]  # field key -> header text found
    ignored_headers: list[str]
    header_row: int
    total_data_rows: int  # non-blank rows below the header (accepted + refused)
    blank_rows: int
    sheet_name: str | None = None
    source_format: str = "xlsx"  # "xlsx" or "csv"
    encoding: str | None = None  # csv only
    notes: list[str] = field(default_factory=list)


def hotel_row_cells(row: HotelRow, divisions: DivisionList) -> list[object]:
    """A ``HotelRow`` as cells in ``HOTEL_HEADERS`` order."""
    return [export_value(f.name, getattr(row, f.name), divisions) for f in HOTEL_FIELDS]


@dataclass
class _Header:
    row_number: int
    columns: dict[str, int]  # field key -> 0-based column
    texts: dict[int, str]  # 0-based column -> header text as in the sheet
    ignored: list[str]

    @property
    def score(self) -> tuple[int, int]:
        required = sum(1 for f in HOTEL_FIELDS if f.required and f.name in self.columns)
        return (required, len(self.columns))


def _read_header(row_number: int, values: Sequence[object]) -> _Header:
    best: dict[str, tuple[int, int]] = {}  # key -> (priority, column)
    texts: dict[int, str] = {}
    for col, raw in enumerate(values):
        if raw is None:
            continue
        text = " ".join(str(raw).split())
        if not text:
            continue
        texts[col] = text
        hit = match_header_text(text)
        if hit is None:
            continue
        key, prio = hit
        if key not in best or prio < best[key][0]:
            best[key] = (prio, col)
    columns = {key: col for key, (_prio, col) in best.items()}
    used = set(columns.values())
    ignored = [t for c, t in sorted(texts.items()) if c not in used]
    return _Header(row_number, columns, texts, ignored)


def _best_header(head: Sequence[Row]) -> _Header | None:
    """The best-scoring header among the non-blank rows (the first of equals)."""
    headers = [_read_header(n, values) for n, values in head if not is_blank_row(values)]
    return max(headers, key=lambda h: h.score, default=None)


def _missing_message(header: _Header | None, where: str) -> ImportRefused:
    missing = [f for f in HOTEL_FIELDS if f.required and (header is None or f.name not in header.columns)]
    parts = [f"缺少必需的列「{f.header}」(可接受的列名:{'、'.join(f.accepted)})" for f in missing]
    found = ""
    if header is not None and header.texts:
        shown = "、".join(list(header.texts.values())[:20])
        found = f"。按第{header.row_number}行作表头,找到的列:{shown}"
    return ImportRefused(f"{where}:{';'.join(parts)}{found}", missing_columns=[f.header for f in missing])


def read_hotel_sheet(path: Path, divisions: DivisionList, *, max_rows: int = 200_000) -> SheetResult:
    """Read a hotel sheet (.xlsx/.xlsm, .xls, .ods or .csv/.tsv/.txt): valid rows in, refused cells listed.

    Raises ``ImportRefused`` when the whole file is refused (see :func:`hoteltv.io.tabular.open_table`),
    when required columns are missing (``missing_columns`` holds their canonical headers) and when there
    are more than ``max_rows`` data rows.
    """
    path = Path(path)
    with open_table(path, _best_header) as (source, header):
        where = f"{path.name}" + (f"(工作表「{source.sheet_name}」)" if source.sheet_name else "")
        if header is None or any(f.required and f.name not in header.columns for f in HOTEL_FIELDS):
            raise _missing_message(header, where)
        return _read_rows(source, header, divisions, max_rows, where)


_OK, _BAD, _EMPTY = 1, 2, 0
_EMPTY_CELL: tuple[int, Any] = (_EMPTY, None)
_CACHE_LIMIT = 2000


def _convert(raw: object, parse: Callable[[object], Any]) -> tuple[int, Any]:
    """(status, value or _Bad) for one non-None cell value."""
    if is_empty(raw):
        return _EMPTY_CELL
    if raw.__class__ is str and raw in EXCEL_ERRORS:
        return _BAD, CellError(f"单元格是错误值 {raw}(公式出错)", f"the cell holds the error value {raw}")
    try:
        return _OK, parse(raw)
    except CellError as exc:
        return _BAD, exc


def _read_rows(
    source: TableSource, header: _Header, divisions: DivisionList, max_rows: int, where: str
) -> SheetResult:
    parsers = cell_parsers(divisions)
    columns: list[tuple[str, int, str, Callable[[object], Any], dict[object, tuple[int, Any]]]] = sorted(
        ((key, col, header.texts[col], parsers[key], {}) for key, col in header.columns.items()),
        key=lambda c: c[1],
    )
    mapped_cols = [c[1] for c in columns]
    name_header = header.texts[header.columns["name"]]
    credit_header = header.texts.get(header.columns.get("credit_code", -1), name_header)
    present = frozenset(header.columns)

    # Vertical merges below the header: the top-left value applies to every row the range spans.
    merge_starts: dict[int, list[tuple[int, int]]] = {}
    for min_col, min_row, _max_col, max_row in source.merges:
        if max_row > min_row and min_row > header.row_number:
            merge_starts.setdefault(min_row, []).append((min_col - 1, max_row))
    filling: dict[int, tuple[object, int]] = {}  # 0-based column -> (value, last row)
    uncached = source.uncached

    rows: list[HotelRow] = []
    errors: list[RowError] = []
    blank = 0
    total = 0
    by_code: dict[str, int] = {}
    by_name: dict[tuple[str, str], int] = {}

    for row_number, values in source.rows:
        if row_number <= header.row_number:
            continue
        width = len(values)
        is_blank = not any(
            (col < width and not is_empty(values[col])) or (uncached and (row_number, col + 1) in uncached)
            for col in mapped_cols
        )
        if filling:
            values = list(values)
            for col, (value, last) in list(filling.items()):
                if row_number > last:
                    del filling[col]
                    continue
                values += [None] * (col + 1 - len(values))
                if is_empty(values[col]):
                    values[col] = value
            width = len(values)
        starts = merge_starts.get(row_number)
        if starts:
            for col, last in starts:
                filling[col] = (values[col] if col < width else None, last)
        if is_blank:
            blank += 1
            continue
        total += 1
        if total > max_rows:
            raise ImportRefused(f"{where}:数据行超过 {max_rows} 行,拒绝导入;请拆分成几个文件")

        parsed: dict[str, Any] = {}
        row_errors: list[RowError] = []
        for key, col, text, parse, cache in columns:
            raw = values[col] if col < width else None
            if raw is None:
                status, result = _EMPTY_CELL
            else:
                # Offices repeat the same few values (divisions, modes, 是/否): convert each once.
                ck = raw if raw.__class__ is str else (raw.__class__, raw)
                hit = cache.get(ck)
                if hit is None:
                    hit = _convert(raw, parse)
                    if len(cache) < _CACHE_LIMIT:
                        cache[ck] = hit
                status, result = hit
            if status == _OK:
                parsed[key] = result
            elif status == _BAD:
                row_errors.append(RowError(row_number, text, raw, result.zh, result.en, key))
            elif uncached and (row_number, col + 1) in uncached:
                row_errors.append(
                    RowError(
                        row_number,
                        text,
                        None,
                        "单元格是公式,但没有保存计算结果;请在 Excel 中打开并保存后再导入,或改为填值",
                        "formula without a saved result; open and save the file in Excel, or type the value",
                        key,
                    )
                )

        for key in ("name", "division_code"):
            if key not in parsed and not any(e.field == key for e in row_errors):
                f = FIELDS_BY_KEY[key]
                col = header.columns[key]
                row_errors.append(
                    RowError(
                        row_number, header.texts[col], None, f"{f.header}不能为空", f"{f.en} is required", key
                    )
                )

        # Duplicates of rows already accepted: the later row is refused.
        code = parsed.get("credit_code")
        name_key = None
        if "name" in parsed and "division_code" in parsed:
            name_key = ("".join(str(parsed["name"]).split()).lower(), str(parsed["division_code"]))
        if code and code in by_code:
            first = by_code[code]
            row_errors.append(
                RowError(
                    row_number,
                    credit_header,
                    code,
                    f"与第{first}行重复(统一社会信用代码相同)",
                    f"duplicate of row {first} (same credit code)",
                    "credit_code",
                )
            )
        elif name_key is not None and name_key in by_name:
            first = by_name[name_key]
            row_errors.append(
                RowError(
                    row_number,
                    name_header,
                    parsed["name"],
                    f"与第{first}行重复(酒店名称和所属县区相同)",
                    f"duplicate of row {first} (same name and division)",
                    "name",
                )
            )

        if row_errors:
            errors.extend(row_errors)
            continue
        if code:
            by_code[code] = row_number
        if name_key is not None:
            by_name.setdefault(name_key, row_number)
        rows.append(HotelRow(row_number=row_number, present=present, **parsed))

    return SheetResult(
        rows=rows,
        errors=errors,
        mapping={key: header.texts[col] for key, col in sorted(header.columns.items(), key=lambda kv: kv[1])},
        ignored_headers=header.ignored,
        header_row=header.row_number,
        total_data_rows=total,
        blank_rows=blank,
        sheet_name=source.sheet_name,
        source_format=source.fmt,
        encoding=source.encoding,
        notes=source.notes,
    )
