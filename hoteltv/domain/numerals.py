"""One reading of the numbers and yes/no answers people write in Chinese offices.

Used by the checklist's answer coercion and by the spreadsheet importer, so that the same text means the
same thing everywhere: ``30``, ``３０``, ``三十``, ``两个``, ``二十五间``, ``1,200`` are numbers (an optional
unit word after them is dropped); ``约30``, ``30多``, ``十几`` are estimates and ``-3``/``负三`` negatives,
both refused with a reason (:class:`NumeralError`, Chinese and English). ``是/否/有/无/合格/不合格/√/×/
y/n/yes/no/true/false/1/0`` are yes/no answers and ``不适用/na`` "not applicable" (:func:`parse_yes_no`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import Literal

YesNo = Literal["yes", "no", "na"]

YES = frozenset({"yes", "y", "t", "true", "1", "是", "有", "对", "合格", "通过", "√", "✓", "✔", "☑"})
NO = frozenset(
    {"no", "n", "f", "false", "0", "x", "否", "无", "没有", "不是", "不合格", "不通过", "×", "✗", "✘", "✕"}
)
NA = frozenset({"na", "n/a", "n.a.", "notapplicable", "不适用", "不涉及", "无此项"})

#: Each Chinese digit's value: its place in this list (零 and 〇 are 0; 二 and 两 are 2).
_DIGITS = {
    c: n
    for n, chars in enumerate(("零〇", "一", "二两", "三", "四", "五", "六", "七", "八", "九"))
    for c in chars
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千万]+")
_ARABIC = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_ESTIMATE_HEAD = ("大约", "大概", "将近", "接近", "约", "近", "~", "≈", "上", "几")
_ESTIMATE_TAIL = ("左右", "上下", "以上", "以下", "不到", "多", "余", "来", "几", "+")


#: Unit words allowed after a count ("30间", "两个", "3 keys"), in the checklist and the importer alike.
COUNT_UNITS: tuple[str, ...] = ("间房", "间", "台", "个", "套", "部", "张", "次", "下", "键", "把", "只")
COUNT_UNITS += ("keys", "key", "presses", "press", "times", "remotes", "remote")


class NumeralError(ValueError):
    """A text that is not one exact, non-negative number (Chinese and English reason).

    ``kind`` is ``"estimate"``, ``"negative"``, ``"not_finite"`` or ``"not_a_number"`` (callers word the last with an example)."""

    def __init__(self, zh: str, en: str, kind: str = "not_a_number") -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en
        self.kind = kind


def fold(text: str) -> str:
    """NFKC (full-width → ASCII), no whitespace, lower-case: the form every answer is compared in."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def parse_yes_no(raw: object) -> YesNo | None:
    """``"yes"``, ``"no"`` or ``"na"`` for a yes/no answer (bool, 1/0 or a word), else None."""
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, int | float) and raw in (0, 1):
        return "yes" if raw else "no"
    if not isinstance(raw, str):
        return None
    folded = fold(raw)
    if folded in YES:
        return "yes"
    if folded in NO:
        return "no"
    return "na" if folded in NA else None


def _chinese(text: str) -> int | None:
    """三十 → 30, 十五 → 15, 二十五 → 25, 一百零五 → 105, 两千 → 2000, 一万二千 → 12000; None if malformed."""
    total = section = number = 0
    after_digit = False
    for c in text:
        if c in _DIGITS:
            if after_digit and _DIGITS[c]:
                return None  # two digits without a unit between them: 三五
            number, after_digit = _DIGITS[c], bool(_DIGITS[c])
            continue
        if not after_digit and not (c == "十" and not section and not total):
            return None  # a unit without its digit: 百, 三十百
        if c == "万":
            total, section = (section + number) * 10_000, 0
        else:
            section += (number or 1) * _SMALL_UNITS[c]
        number, after_digit = 0, False
    return total + section + number


def parse_number(text: str, units: Iterable[str] = ()) -> float:
    """The number a text holds, with one of ``units`` (longest first) allowed after it.

    Raises :class:`NumeralError` for an estimate, a negative number or text that is not a number."""
    folded = fold(text)
    for unit in sorted(units, key=len, reverse=True):
        if folded.endswith(unit) and len(folded) > len(unit):
            folded = folded[: -len(unit)]
            break
    negative = folded.startswith(("-", "负", "−"))
    core = folded.lstrip("-负−")
    value = _exact(core)
    if value is None:
        vague = next((core[len(h) :] for h in _ESTIMATE_HEAD if core.startswith(h)), core)
        for tail in _ESTIMATE_TAIL:
            vague = vague.removesuffix(tail)
        if vague and vague != core and _exact(vague) is not None:
            raise NumeralError(
                "是估计数,请填确切的数字",
                f"{text.strip()!r} is an estimate: give the exact number",
                "estimate",
            )
        raise NumeralError("应为数字", "expected a number")
    if negative and value:
        raise NumeralError("不能是负数", "must not be negative", "negative")
    return value


def _exact(text: str) -> float | None:
    if _ARABIC.fullmatch(text):
        return float(text.replace(",", ""))
    return _chinese(text) if _CN_NUMBER.fullmatch(text) else None


def to_number(raw: object, units: Iterable[str] = ()) -> float:
    """A cell or typed value as a finite, non-negative number (see :func:`parse_number` for text)."""
    if isinstance(raw, bool | dt.date | dt.time | dt.timedelta):
        raise NumeralError("应为数字(单元格是日期或是/否格式)", f"expected a number, not {raw!r}")
    if isinstance(raw, int | float | Decimal):
        if not math.isfinite(raw):
            raise NumeralError("应为有限的数字", "expected a finite number", "not_finite")
        if raw < 0:
            raise NumeralError("不能是负数", "must not be negative", "negative")
        return float(raw)
    if isinstance(raw, str):
        return parse_number(raw, units)
    raise NumeralError("应为数字", "expected a number")
