"""The hotel sheet's columns and how one cell of each is read: the field catalogue (the headers offices
use, from ``resources/hotel_fields.json``), the cell parsers (credit code, star class, counts, phones,
是/否, divisions, TV modes, site kinds) and the values written on export so that a sheet re-imports.

A parser returns the field's value or raises :class:`CellError` with the reason in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hoteltv.domain import sites
from hoteltv.domain.divisions import DivisionList
from hoteltv.domain.identifiers import credit_code_problem, normalise_credit_code, normalise_phone
from hoteltv.domain.modes import mode_catalog
from hoteltv.domain.numerals import COUNT_UNITS, NumeralError, fold, parse_number, parse_yes_no, to_number
from hoteltv.io.tabular import to_text
from hoteltv.resources import read_json


@dataclass(frozen=True)
class HotelField:
    """One column of the hotel sheet: attribute name, canonical Chinese header (used on export), synonyms."""

    name: str  # the HotelRow attribute
    header: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    en: str = ""
    max_length: int = 500  # text fields

    @property
    def accepted(self) -> tuple[str, ...]:
        """Every header accepted for this field, preferred first."""
        return (self.header, *self.synonyms)


#: The canonical fields in export order. When two columns of a sheet match one field, the column whose
#: header comes earlier in ``accepted`` wins (联系人 beats 负责人); the other is listed as ignored.
HOTEL_FIELDS: tuple[HotelField, ...] = tuple(
    HotelField(**{**f, "synonyms": tuple(f["synonyms"])}) for f in read_json("hotel_fields.json")["fields"]
)
#: The canonical headers in export order.
HOTEL_HEADERS: tuple[str, ...] = tuple(f.header for f in HOTEL_FIELDS)
FIELDS_BY_KEY: dict[str, HotelField] = {f.name: f for f in HOTEL_FIELDS}
_MAX_COUNT = 100_000


class CellError(Exception):
    """A cell value was refused (Chinese and English reason)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.zh = zh
        self.en = en


EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!"}
)


def _text_parser(key: str) -> Callable[[object], str]:
    limit = FIELDS_BY_KEY[key].max_length

    def parse(raw: object) -> str:
        s = to_text(raw)
        if len(s) > limit:
            raise CellError(f"内容太长(超过{limit}个字)", f"too long (over {limit} characters)")
        return s

    return parse


def _parse_credit_code(raw: object) -> str:
    if isinstance(raw, float):
        raise CellError(
            "统一社会信用代码被 Excel 存成了数字,末几位已丢失;请把该列设为“文本”后重新填写",
            "the credit code was stored as a number and lost digits; format the column as text",
        )
    if isinstance(raw, bool | dt.date | dt.time):
        raise CellError("不是统一社会信用代码", "not a credit code")
    s = normalise_credit_code(to_text(raw))
    problem = credit_code_problem(s)
    if problem is not None:
        raise CellError(*problem)
    return s


_STAR_NONE = frozenset(
    {"无", "未评", "未评定", "无星", "无星级", "未评星", "未评星级", "非星级", "没有", "不是星级"}
)
_STAR_RE = re.compile(r"([0-5零〇一二两三四五])(?:星级?|星级酒店|星级宾馆)?")


def _parse_star(raw: object) -> int:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if float(raw).is_integer() and 0 <= raw <= 5:
            return int(raw)
        raise CellError("星级应为0到5的整数", "star class must be a whole number from 0 to 5")
    s = to_text(raw).replace(" ", "")
    if s in _STAR_NONE:
        return 0
    m = _STAR_RE.fullmatch(s.removesuffix(".0"))
    if m is None:
        raise CellError(
            "星级看不懂(可填 0-5、三星、三星级、3星、无、未评)",
            "star class not understood (use 0-5, 三星, 3星, 无 or 未评)",
        )
    return int(parse_number(m.group(1)))


def _parse_count(raw: object) -> int:
    try:
        value = to_number(raw, COUNT_UNITS)
    except NumeralError as exc:
        raise CellError(exc.zh if exc.kind != "not_a_number" else "应为整数", exc.en) from None
    if value != int(value):
        raise CellError("应为整数", "expected a whole number")
    if value > _MAX_COUNT:
        raise CellError(f"数字太大(超过{_MAX_COUNT})", f"number too large (over {_MAX_COUNT})")
    return int(value)


_PHONE_SPLIT = re.compile(r"[/,;、|]|或")


def _parse_phone(raw: object) -> str:
    if isinstance(raw, bool | dt.date | dt.time | dt.timedelta):
        raise CellError("不是电话号码", "not a phone number")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    s = to_text(raw)
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
            raise CellError(
                "电话号码格式不对:应为11位手机号或带区号的座机(如 0875-2123456)",
                "phone not understood: use an 11-digit mobile or a landline with area code (0875-2123456)",
            )
        out.append(one)
    if not out:
        raise CellError("电话号码格式不对", "phone not understood")
    return "/".join(out)


_PILOT_WORDS = {"试点": "yes", "是试点": "yes", "非试点": "no", "不是试点": "no"}


def _parse_pilot(raw: object) -> bool:
    answer = parse_yes_no(raw) or (_PILOT_WORDS.get(fold(raw)) if isinstance(raw, str) else None)
    if answer in ("yes", "no"):
        return answer == "yes"
    raise CellError("是否试点应填 是/否(或 Y/N、√/×、1/0)", "pilot must be 是/否 (or Y/N, √/×, 1/0)")


def _lookup_parser(
    find: Callable[[str], Any], key: Callable[[Any], str], names: str, what_zh: str, what_en: str
) -> Callable[[object], str]:
    """A parser of a cell naming one of a known list (divisions, TV modes)."""

    def parse(raw: object) -> str:
        found = find(to_text(raw))
        if found is None:
            raise CellError(f"未知的{what_zh}(可填:{names})", f"unknown {what_en} (one of: {names})")
        return key(found)

    return parse


def cell_parsers(divisions: DivisionList) -> dict[str, Callable[[object], Any]]:
    catalog = mode_catalog()
    modes = "、".join(m.zh for m in catalog.modes)
    mode = _lookup_parser(catalog.find, lambda m: m.key, modes, "电视模式", "TV mode")
    division_names = "、".join(d.name for d in divisions.divisions)
    return {
        "name": _text_parser("name"),
        "division_code": _lookup_parser(
            divisions.find, lambda d: d.code, division_names, "县区", "county/district"
        ),
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
        return sites.parse_site_kind(to_text(raw))
    except ValueError:
        names = "、".join(k.zh for k in sites.SITE_KINDS)
        raise CellError(f"未知的场所类型(可填:{names})", f"unknown site kind (one of: {names})") from None


def export_value(key: str, value: object, divisions: DivisionList | None = None, lang: str = "zh") -> object:
    """The cell written on export for a field value (division code -> name, mode key -> label …)."""
    if value is None:
        return None
    if key == "division_code":
        info = divisions.find(str(value)) if divisions else None
        return info.name if info else str(value)
    if key == "pilot":
        return "是" if value else "否"
    if key == "site_kind":
        return sites.site_kind_label(str(value), lang)
    if key in ("target_mode", "current_mode"):
        try:
            return mode_catalog().get(str(value)).zh
        except KeyError:
            return str(value)
    return value


def _fold_header(text: str) -> str:
    return fold(to_text(text)).strip("*:").removeprefix("*")


_BRACKET_TAIL = re.compile(r"(?:\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】)$")


def _header_index() -> dict[str, tuple[str, int]]:
    index: dict[str, tuple[str, int]] = {}
    for f in HOTEL_FIELDS:
        for prio, header in enumerate(f.accepted):
            index.setdefault(_fold_header(header), (f.name, prio))
    return index


_HEADER_INDEX = _header_index()


def match_header_text(text: str) -> tuple[str, int] | None:
    folded = _fold_header(text)
    hit = _HEADER_INDEX.get(folded)
    if hit is None:
        # "客房数(间)", "酒店名称(必填)", "联系电话【手机】"
        stripped = _BRACKET_TAIL.sub("", folded).strip("*:")
        if stripped != folded:
            hit = _HEADER_INDEX.get(stripped)
    return hit
