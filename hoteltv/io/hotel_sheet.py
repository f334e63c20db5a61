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

Exported sheets (``HOTEL_HEADERS`` + ``hotel_row_cells`` with ``hoteltv.io.tables.write_table``)
re-import unchanged.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import posixpath
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, XmlError, ZipError

from hoteltv.domain import sites
from hoteltv.domain.divisions import DivisionList
from hoteltv.domain.hotel import HotelInput
from hoteltv.domain.identifiers import credit_code_problem, normalise_credit_code, normalise_phone
from hoteltv.domain.modes import ModeCatalog, mode_catalog
from hoteltv.domain.numerals import COUNT_UNITS, NumeralError, fold, parse_number, parse_yes_no, to_number
from hoteltv.errors import ImportRefused

__all__ = [
    "HOTEL_FIELDS",
    "HOTEL_HEADERS",
    "HotelField",
    "HotelRow",
    "RowError",
    "SheetResult",
    "export_value",
    "hotel_row_cells",
    "read_hotel_sheet",
]


# --------------------------------------------------------------------------------------------------
# Fields and their headers


@dataclass(frozen=True)
class HotelField:
    """One column of the hotel sheet: attribute name, canonical Chinese header (used on export), synonyms."""

    name: str  # the HotelRow attribute
    header: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    en: str = ""

    @property
    def accepted(self) -> tuple[str, ...]:
        """Every header accepted for this field, preferred first."""
        return (self.header, *self.synonyms)


#: The canonical fields in export order. When two columns of a sheet match one field, the column whose
#: header comes earlier in ``accepted`` wins (联系人 beats 负责人); the other is listed as ignored.
HOTEL_FIELDS: tuple[HotelField, ...] = (
    HotelField(
        "name",
        "酒店名称",
        ("单位名称", "酒店", "名称", "酒店名", "宾馆名称", "酒店(宾馆)名称", "企业名称", "单位"),
        required=True,
        en="hotel name",
    ),
    HotelField(
        "division_code",
        "所属县区",
        (
            "县区",
            "县(市、区)",
            "所属区县",
            "区域",
            "辖区",
            "所属县(市、区)",
            "县(市,区)",
            "县市区",
            "区县",
            "所在县区",
            "所属辖区",
            "所属区域",
            "县(区)",
        ),
        required=True,
        en="county/district",
    ),
    HotelField("address", "地址", ("酒店地址", "详细地址", "经营地址", "单位地址", "地点"), en="address"),
    HotelField(
        "credit_code",
        "统一社会信用代码",
        ("信用代码", "社会信用代码", "统一信用代码", "统一社会信用代码证"),
        en="unified social credit code",
    ),
    HotelField("star_class", "星级", ("酒店星级", "星级评定"), en="star class"),
    HotelField("rooms", "客房数", ("房间数", "客房数量", "房间数量", "客房间数"), en="rooms"),
    HotelField("tvs", "电视数", ("电视机数量", "电视数量", "电视机数", "电视台数"), en="TV sets"),
    HotelField(
        "tv_system",
        "电视系统/运营商",
        ("电视系统", "运营商", "电视系统及运营商", "电视系统类型", "系统类型", "电视运营商"),
        en="TV system / provider",
    ),
    HotelField("contact_name", "联系人", ("联系人姓名", "现场联系人"), en="contact"),
    HotelField(
        "contact_phone",
        "联系电话",
        ("电话", "手机", "联系方式", "手机号", "手机号码", "联系人电话", "电话号码", "联系手机"),
        en="phone",
    ),
    HotelField("pilot", "是否试点", ("试点", "试点酒店", "是否为试点", "是否试点酒店"), en="pilot"),
    HotelField("target_mode", "目标模式", ("整改目标模式", "整改目标", "目标电视模式"), en="target mode"),
    HotelField(
        "current_mode",
        "当前模式",
        ("现模式", "电视模式", "目前模式", "现状模式", "当前电视模式"),
        en="current mode",
    ),
    HotelField(
        "person_in_charge",
        "负责人",
        ("酒店负责人", "主要负责人", "法定代表人", "法人代表"),
        en="person in charge",
    ),
    HotelField("notes", "备注", ("说明", "备注说明"), en="notes"),
    HotelField(
        "site_kind",
        "场所类型",
        ("场所类别", "单位类型", "场所性质", "类型", "场所"),
        en="site kind",
    ),
)

#: The canonical headers in export order.
HOTEL_HEADERS: tuple[str, ...] = tuple(f.header for f in HOTEL_FIELDS)

_FIELDS_BY_KEY: dict[str, HotelField] = {f.name: f for f in HOTEL_FIELDS}

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

_MAX_TEXT = {
    "name": 200,
    "address": 300,
    "tv_system": 200,
    "contact_name": 100,
    "person_in_charge": 100,
    "notes": 2000,
}
_MAX_COUNT = 100_000


# --------------------------------------------------------------------------------------------------
# Results


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

    @property
    def refused_row_numbers(self) -> list[int]:
        """Row numbers refused, each once, in order."""
        return sorted({e.row_number for e in self.errors})


# --------------------------------------------------------------------------------------------------
# Unified social credit code (GB 32100-2015): shape here, check character in hoteltv.domain.identifiers


# --------------------------------------------------------------------------------------------------
# Cell parsing


class _Bad(Exception):
    """A cell value was refused (Chinese and English reason)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.zh = zh
        self.en = en


_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
#: Cell contents meaning "nothing here" in Chinese office sheets.
_PLACEHOLDERS = frozenset({"/", "\\", "-", "--", "—", "——", "–", "―"})
_EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!"}
)


def _to_text(raw: object) -> str:
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


def _is_empty(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        s = raw.strip()
        if not s:
            return True
        if len(s) <= 2 and not s.isalnum():
            return _to_text(s) in _PLACEHOLDERS or not _to_text(s)
    return False


def _text_parser(key: str) -> Callable[[object], str]:
    limit = _MAX_TEXT.get(key, 500)

    def parse(raw: object) -> str:
        s = _to_text(raw)
        if len(s) > limit:
            raise _Bad(f"内容太长(超过{limit}个字)", f"too long (over {limit} characters)")
        return s

    return parse


def _parse_credit_code(raw: object) -> str:
    if isinstance(raw, float):
        raise _Bad(
            "统一社会信用代码被 Excel 存成了数字,末几位已丢失;请把该列设为“文本”后重新填写",
            "the credit code was stored as a number and lost digits; format the column as text",
        )
    if isinstance(raw, bool | dt.date | dt.time):
        raise _Bad("不是统一社会信用代码", "not a credit code")
    s = normalise_credit_code(_to_text(raw))
    problem = credit_code_problem(s)
    if problem is not None:
        raise _Bad(*problem)
    return s


_STAR_NONE = frozenset(
    {"无", "未评", "未评定", "无星", "无星级", "未评星", "未评星级", "非星级", "没有", "不是星级"}
)
_STAR_RE = re.compile(r"([0-5零〇一二两三四五])(?:星级?|星级酒店|星级宾馆)?")


def _parse_star(raw: object) -> int:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if float(raw).is_integer() and 0 <= raw <= 5:
            return int(raw)
        raise _Bad("星级应为0到5的整数", "star class must be a whole number from 0 to 5")
    s = _to_text(raw).replace(" ", "")
    if s in _STAR_NONE:
        return 0
    m = _STAR_RE.fullmatch(s.removesuffix(".0"))
    if m is None:
        raise _Bad(
            "星级看不懂(可填 0-5、三星、三星级、3星、无、未评)",
            "star class not understood (use 0-5, 三星, 3星, 无 or 未评)",
        )
    return int(parse_number(m.group(1)))


def _parse_count(raw: object) -> int:
    try:
        value = to_number(raw, COUNT_UNITS)
    except NumeralError as exc:
        raise _Bad(exc.zh if exc.kind != "not_a_number" else "应为整数", exc.en) from None
    if value != int(value):
        raise _Bad("应为整数", "expected a whole number")
    if value > _MAX_COUNT:
        raise _Bad(f"数字太大(超过{_MAX_COUNT})", f"number too large (over {_MAX_COUNT})")
    return int(value)


_PHONE_SPLIT = re.compile(r"[/,;、|]|或")


def _parse_phone(raw: object) -> str:
    if isinstance(raw, bool | dt.date | dt.time | dt.timedelta):
        raise _Bad("不是电话号码", "not a phone number")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    s = _to_text(raw)
    out: list[str] = []
    for part in _PHONE_SPLIT.split(s):
        part = part.strip()
        if not part:
            continue
        one = normalise_phone(part)
        if one is None and " " in part:  # two numbers on two lines ("13812345678\n13987654321")
            many = [normalise_phone(p) for p in part.split(" ")]
            if all(many):
                out.extend(p for p in many if p)
                continue
        if one is None:
            raise _Bad(
                "电话号码格式不对:应为11位手机号或带区号的座机(如 0875-2123456)",
                "phone not understood: use an 11-digit mobile or a landline with area code (0875-2123456)",
            )
        out.append(one)
    if not out:
        raise _Bad("电话号码格式不对", "phone not understood")
    return "/".join(out)


_PILOT_WORDS = {"试点": "yes", "是试点": "yes", "非试点": "no", "不是试点": "no"}


def _parse_pilot(raw: object) -> bool:
    answer = parse_yes_no(raw) or (_PILOT_WORDS.get(fold(raw)) if isinstance(raw, str) else None)
    if answer in ("yes", "no"):
        return answer == "yes"
    raise _Bad("是否试点应填 是/否(或 Y/N、√/×、1/0)", "pilot must be 是/否 (or Y/N, √/×, 1/0)")


def _division_parser(divisions: DivisionList) -> Callable[[object], str]:
    names = "、".join(d.name for d in divisions.divisions)

    def parse(raw: object) -> str:
        info = divisions.find(_to_text(raw))
        if info is None:
            raise _Bad(f"未知的县区(可填:{names})", f"unknown county/district (one of: {names})")
        return info.code

    return parse


def _mode_parser(catalog: ModeCatalog) -> Callable[[object], str]:
    names = "、".join(m.zh for m in catalog.modes)

    def parse(raw: object) -> str:
        mode = catalog.find(_to_text(raw))
        if mode is None:
            raise _Bad(f"未知的电视模式(可填:{names})", f"unknown TV mode (one of: {names})")
        return mode.key

    return parse


def _parsers(divisions: DivisionList) -> dict[str, Callable[[object], Any]]:
    catalog = mode_catalog()
    mode = _mode_parser(catalog)
    return {
        "name": _text_parser("name"),
        "division_code": _division_parser(divisions),
        "address": _text_parser("address"),
        "credit_code": _parse_credit_code,
        "star_class": _parse_star,
        "rooms": _parse_count,
        "tvs": _parse_count,
        "tv_system": _text_parser("tv_system"),
        "contact_name": _text_parser("contact_name"),
        "contact_phone": _parse_phone,
        "pilot": _parse_pilot,
        "target_mode": mode,
        "current_mode": mode,
        "person_in_charge": _text_parser("person_in_charge"),
        "notes": _text_parser("notes"),
        "site_kind": _parse_site_kind,
    }


def _parse_site_kind(raw: object) -> str | None:
    try:
        return sites.parse_site_kind(_to_text(raw))
    except ValueError:
        names = "、".join(k.zh for k in sites.SITE_KINDS)
        raise _Bad(f"未知的场所类型(可填:{names})", f"unknown site kind (one of: {names})") from None


# --------------------------------------------------------------------------------------------------
# Export helpers (so an exported sheet re-imports unchanged)


def export_value(key: str, value: object, divisions: DivisionList) -> object:
    """The cell written on export for a field value (division code -> name, mode key -> label …)."""
    if value is None:
        return None
    if key == "division_code":
        info = divisions.find(str(value))
        return info.name if info else str(value)
    if key == "pilot":
        return "是" if value else "否"
    if key == "site_kind":
        return sites.site_kind_label(str(value))
    if key in ("target_mode", "current_mode"):
        try:
            return mode_catalog().get(str(value)).zh
        except KeyError:
            return str(value)
    return value


def hotel_row_cells(row: HotelRow, divisions: DivisionList) -> list[object]:
    """A ``HotelRow`` as cells in ``HOTEL_HEADERS`` order."""
    return [export_value(f.name, getattr(row, f.name), divisions) for f in HOTEL_FIELDS]


# --------------------------------------------------------------------------------------------------
# Header detection


def _fold_header(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)
    return "".join(s.split()).lower().strip("*:").removeprefix("*")


_BRACKET_TAIL = re.compile(r"(?:\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】)$")


def _header_index() -> dict[str, tuple[str, int]]:
    index: dict[str, tuple[str, int]] = {}
    for f in HOTEL_FIELDS:
        for prio, header in enumerate(f.accepted):
            index.setdefault(_fold_header(header), (f.name, prio))
    return index


_HEADER_INDEX = _header_index()


def _match_header_text(text: str) -> tuple[str, int] | None:
    folded = _fold_header(text)
    hit = _HEADER_INDEX.get(folded)
    if hit is None:
        # "客房数(间)", "酒店名称(必填)", "联系电话【手机】"
        stripped = _BRACKET_TAIL.sub("", folded).strip("*:")
        if stripped != folded:
            hit = _HEADER_INDEX.get(stripped)
    return hit


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
        hit = _match_header_text(text)
        if hit is None:
            continue
        key, prio = hit
        if key not in best or prio < best[key][0]:
            best[key] = (prio, col)
    columns = {key: col for key, (_prio, col) in best.items()}
    used = set(columns.values())
    ignored = [t for c, t in sorted(texts.items()) if c not in used]
    return _Header(row_number, columns, texts, ignored)


def _best_header(head: Sequence[tuple[int, Sequence[object]]]) -> _Header | None:
    best: _Header | None = None
    for row_number, values in head:
        if _is_blank_row(values):
            continue
        header = _read_header(row_number, values)
        if best is None or header.score > best.score:
            best = header
    return best


def _missing_message(header: _Header | None, where: str) -> ImportRefused:
    missing = [f for f in HOTEL_FIELDS if f.required and (header is None or f.name not in header.columns)]
    parts = [f"缺少必需的列「{f.header}」(可接受的列名:{'、'.join(f.accepted)})" for f in missing]
    found = ""
    if header is not None and header.texts:
        shown = "、".join(list(header.texts.values())[:20])
        found = f"。按第{header.row_number}行作表头,找到的列:{shown}"
    return ImportRefused(f"{where}:{';'.join(parts)}{found}", missing_columns=[f.header for f in missing])


# --------------------------------------------------------------------------------------------------
# Sources: rows as (row number, values), plus merged ranges and formulas without cached values


@dataclass
class _Source:
    rows: Iterator[tuple[int, Sequence[object]]]
    merges: list[tuple[int, int, int, int]] = field(
        default_factory=list
    )  # min_col, min_row, max_col, max_row
    uncached: set[tuple[int, int]] = field(default_factory=set)  # (row, column), 1-based
    sheet_name: str | None = None
    fmt: str = "xlsx"
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)


def _is_blank_row(values: Sequence[object]) -> bool:
    return all(_is_empty(v) for v in values)


def _head(rows: Iterator[tuple[int, Sequence[object]]]) -> list[tuple[int, Sequence[object]]]:
    """Rows read until HEADER_SCAN_ROWS non-blank ones were seen (leading blank rows skipped, within a
    limit). Blank rows are kept so the caller can replay every row it consumed."""
    head: list[tuple[int, Sequence[object]]] = []
    seen = 0
    for row_number, values in rows:
        head.append((row_number, values))
        if _is_blank_row(values):
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
_SAVE_AS = "请在 Excel 或 WPS 中打开,另存为“Excel 工作簿(*.xlsx)”后再导入"


def _check_zip(zf: zipfile.ZipFile, name: str, kind: str = "xlsx") -> None:
    """Refuse zip bombs and packages that are not a spreadsheet of ``kind`` (xlsx or ods)."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ImportRefused(f"{name}:文件内部条目过多({len(infos)}),疑似恶意构造的文件,拒绝导入")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_CHECK_MIN_SIZE and info.file_size > MAX_COMPRESSION_RATIO * max(
            info.compress_size, 1
        ):
            raise ImportRefused(
                f"{name}:文件内 {info.filename} 的压缩比异常({info.file_size // max(info.compress_size, 1)}:1),"
                "疑似“压缩炸弹”,拒绝导入"
            )
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise ImportRefused(
            f"{name}:解压后超过 {MAX_TOTAL_UNCOMPRESSED // (1024 * 1024)} MB,表格过大或疑似“压缩炸弹”,拒绝导入"
        )
    names = set(zf.namelist())
    if kind == "ods":
        if "content.xml" not in names:
            raise ImportRefused(f"{name}:不是 ODS 表格(是其他类型的压缩文件);{_SAVE_AS}")
    elif "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise ImportRefused(f"{name}:不是 Excel 工作簿(是其他类型的压缩文件);{_SAVE_AS}")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> worksheet XML member, from the package relationships (what openpyxl follows)."""
    root_rels = ET.fromstring(zf.read("_rels/.rels"))
    wb_path = "xl/workbook.xml"
    for rel in root_rels:
        if rel.get("Type", "").endswith("/officeDocument"):
            wb_path = rel.get("Target", wb_path).lstrip("/")
    wb_dir = posixpath.dirname(wb_path)
    rels_path = posixpath.join(wb_dir, "_rels", posixpath.basename(wb_path) + ".rels")
    targets = {rel.get("Id"): rel.get("Target", "") for rel in ET.fromstring(zf.read(rels_path))}
    parts: dict[str, str] = {}
    for el in ET.fromstring(zf.read(wb_path)).iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
        target = targets.get(rid)
        if not target:
            continue
        path = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(wb_dir, target))
        )
        parts[el.get("name", "")] = path
    return parts


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
        while True:
            chunk = fh.read(_SCAN_CHUNK)
            if not chunk:
                break
            buf += chunk
            cut = buf.rfind(b"</row>")
            if cut < 0:
                continue
            cut += len(b"</row>")
            _scan_segment(buf[:cut], merges, uncached)
            buf = buf[cut:]
    _scan_segment(buf, merges, uncached)
    return merges, uncached


def _open_xlsx(path: Path, name: str, stack: list[Callable[[], None]]) -> tuple[_Source, _Header | None]:
    try:
        zf = zipfile.ZipFile(path)
    except OSError as exc:
        raise ImportRefused(f"{name}:无法读取文件({exc})") from exc
    except (zipfile.BadZipFile, ValueError) as exc:
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
    try:
        parts = _sheet_parts(zf)
    except (KeyError, ET.ParseError, zipfile.BadZipFile, zlib.error, EOFError, OSError):  # zlib: damaged part
        parts = {}
    sheets = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"] or list(
        wb.worksheets
    )
    if not sheets:
        raise ImportRefused(f"{name}:工作簿里没有工作表")

    best: (
        tuple[Any, Iterator[tuple[int, Sequence[object]]], list[tuple[int, Sequence[object]]], _Header] | None
    )
    best = None
    for ws in sheets:
        ws.reset_dimensions()  # some writers record a wrong <dimension>; read what is really there
        gen = ws.iter_rows(min_row=1, values_only=True)
        stack.append(gen.close)
        rows = _guard(enumerate(gen, start=1), name)
        head = _head(rows)
        header = _best_header(head)
        if header is not None and (best is None or header.score > best[3].score):
            best = (ws, rows, head, header)
    if best is None:
        raise ImportRefused(f"{name}:表格是空的,没有任何内容")
    ws, rows, head, header = best
    source = _Source(_chain(head, rows), sheet_name=ws.title, fmt="xlsx")
    if len(sheets) > 1:
        source.notes.append(f"工作簿有{len(sheets)}个工作表,读取的是「{ws.title}」")
    member = parts.get(ws.title)
    if member is None:
        source.notes.append("未能定位工作表的 XML,合并单元格与无缓存公式未检查")
    else:
        try:
            source.merges, source.uncached = _scan_sheet_xml(zf, member)
        except (KeyError, ValueError, zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
            # ValueError: a cell reference beyond Excel's columns (e.g. "ABCD40") in a hand-made package
            raise ImportRefused(f"{name}:工作表数据已损坏({exc});{_SAVE_AS}") from exc
    return source, header


#: Largest .xls/.ods file read (bytes): calamine holds the whole workbook in memory.
MAX_CALAMINE_BYTES = 64 * 1024 * 1024
#: The formats read with python-calamine, and the name a clerk knows each by.
_CALAMINE_FORMATS = {".xls": "xls", ".ods": "ods"}


def _open_calamine(path: Path, name: str, fmt: str) -> tuple[_Source, _Header | None]:
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
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise ImportRefused(f"{name}:文件已损坏({exc});{_SAVE_AS}") from exc
    try:
        with path.open("rb") as fh:  # by content, not by extension (an .xls may be named .xlsx)
            wb = CalamineWorkbook.from_filelike(fh)
        sheets = [m for m in wb.sheets_metadata if str(m.visible).endswith("Visible")] or list(
            wb.sheets_metadata
        )
        if not sheets:
            raise ImportRefused(f"{name}:工作簿里没有工作表")
        best: tuple[str, list[tuple[int, Sequence[object]]], _Header, Any] | None = None
        for meta in sheets:
            sheet = wb.get_sheet_by_name(meta.name)
            rows: list[tuple[int, Sequence[object]]] = list(
                enumerate(sheet.to_python(skip_empty_area=False), start=1)
            )
            header = _best_header(_head(iter(rows)))
            if header is not None and (best is None or header.score > best[2].score):
                best = (meta.name, rows, header, sheet)
    except ImportRefused:
        raise
    except (PasswordError, *_CALAMINE_ERRORS) as exc:
        locked = isinstance(exc, PasswordError)
        reason = "设置了打开密码" if locked else f"已损坏或不是 .{fmt} 文件({type(exc).__name__}: {exc})"
        raise ImportRefused(
            f"{name}:工作簿{reason};{_SAVE_AS}" + ("(不要设置密码)" if locked else "")
        ) from exc
    if best is None:
        raise ImportRefused(f"{name}:表格是空的,没有任何内容")
    title, rows, header, sheet = best
    source = _Source(iter(rows), sheet_name=title, fmt=fmt)
    if len(sheets) > 1:
        source.notes.append(f"工作簿有{len(sheets)}个工作表,读取的是「{title}」")
    ranges = sheet.merged_cell_ranges  # calamine knows them for .xls, not for .ods
    if ranges is not None:
        # ((first row, first column), (last row, last column)), 0-based → min_col, min_row, max_col, max_row
        source.merges = [(c0 + 1, r0 + 1, c1 + 1, r1 + 1) for (r0, c0), (r1, c1) in ranges]
    else:
        try:
            source.merges = _ods_merges(path, title)
        except (
            KeyError,
            ValueError,
            ET.ParseError,
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            EOFError,
        ) as exc:
            raise ImportRefused(f"{name}:工作表数据已损坏({exc});{_SAVE_AS}") from exc
    return source, header


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


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


def _chain(
    head: list[tuple[int, Sequence[object]]], rest: Iterator[tuple[int, Sequence[object]]]
) -> Iterator[tuple[int, Sequence[object]]]:
    yield from head
    yield from rest


def _guard(rows: Iterator[tuple[int, Sequence[object]]], name: str) -> Iterator[tuple[int, Sequence[object]]]:
    """Turn parse failures in the middle of a sheet into ImportRefused."""
    try:
        yield from rows
    except ImportRefused:
        raise
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


def _csv_rows(text: str, delimiter: str, start: int) -> Iterator[tuple[int, Sequence[object]]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    for n, record in enumerate(reader, start=start):
        yield n, [_clean_csv_cell(c) for c in record]


def _open_csv(path: Path, name: str) -> tuple[_Source, _Header | None]:
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
    start = 1
    forced: str | None = None
    first_line, _, rest = text.partition("\n")
    m = re.fullmatch(r'"?sep=(.)"?\s*', first_line)
    if m:  # Excel's "sep=;" hint line: Excel hides it, so row numbers start after it
        forced, text = m.group(1), rest
    best: tuple[str, _Header | None, list[tuple[int, Sequence[object]]]] | None = None
    for delimiter in (forced,) if forced else _CSV_DELIMITERS:
        try:
            head = _head(_csv_rows(text, delimiter, start))
        except csv.Error as exc:
            raise ImportRefused(f"{name}:CSV 格式错误({exc})") from exc
        header = _best_header(head)
        score = header.score if header else (0, 0)
        if best is None or score > (best[1].score if best[1] else (0, 0)):
            best = (delimiter, header, head)
    assert best is not None
    delimiter, header, head = best
    if all(_is_blank_row(values) for _n, values in head):
        raise ImportRefused(f"{name}:表格是空的,没有任何内容")
    rows = _csv_guard(_csv_rows(text, delimiter, start), name)
    return _Source(rows, fmt="csv", encoding=encoding), header


def _csv_guard(
    rows: Iterator[tuple[int, Sequence[object]]], name: str
) -> Iterator[tuple[int, Sequence[object]]]:
    try:
        yield from rows
    except csv.Error as exc:
        raise ImportRefused(f"{name}:CSV 格式错误({exc})") from exc


# --------------------------------------------------------------------------------------------------
# The reader


def read_hotel_sheet(path: Path, divisions: DivisionList, *, max_rows: int = 200_000) -> SheetResult:
    """Read a hotel sheet (.xlsx/.xlsm or .csv/.tsv/.txt): valid rows in, refused cells listed.

    Raises ``ImportRefused`` when the whole file is refused: unknown extension, old .xls, not a
    spreadsheet, zip bomb, unreadable or damaged file, empty sheet, missing required columns
    (``missing_columns`` holds their canonical headers), more than ``max_rows`` data rows.
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
                    source, header = _open_calamine(path, name, "xls")
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
                source, header = _open_xlsx(path, name, cleanup)
        elif suffix in _CALAMINE_FORMATS:
            source, header = _open_calamine(path, name, _CALAMINE_FORMATS[suffix])
        else:
            source, header = _open_csv(path, name)
        where = f"{name}" + (f"(工作表「{source.sheet_name}」)" if source.sheet_name else "")
        if header is None or any(f.required and f.name not in header.columns for f in HOTEL_FIELDS):
            raise _missing_message(header, where)
        return _read_rows(source, header, divisions, max_rows, where)
    finally:
        for close in reversed(cleanup):
            with contextlib.suppress(Exception):  # closing must never hide the real outcome
                close()


_OK, _BAD, _EMPTY = 1, 2, 0
_EMPTY_CELL: tuple[int, Any] = (_EMPTY, None)
_CACHE_LIMIT = 2000


def _convert(raw: object, parse: Callable[[object], Any]) -> tuple[int, Any]:
    """(status, value or _Bad) for one non-None cell value."""
    if _is_empty(raw):
        return _EMPTY_CELL
    if raw.__class__ is str and raw in _EXCEL_ERRORS:
        return _BAD, _Bad(f"单元格是错误值 {raw}(公式出错)", f"the cell holds the error value {raw}")
    try:
        return _OK, parse(raw)
    except _Bad as exc:
        return _BAD, exc


def _read_rows(
    source: _Source, header: _Header, divisions: DivisionList, max_rows: int, where: str
) -> SheetResult:
    parsers = _parsers(divisions)
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
        is_blank = True
        for col in mapped_cols:
            if (col < width and not _is_empty(values[col])) or (
                uncached and (row_number, col + 1) in uncached
            ):
                is_blank = False
                break
        if filling:
            values = list(values)
            for col, (value, last) in list(filling.items()):
                if row_number > last:
                    del filling[col]
                    continue
                while len(values) <= col:
                    values.append(None)
                if _is_empty(values[col]):
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
                f = _FIELDS_BY_KEY[key]
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
