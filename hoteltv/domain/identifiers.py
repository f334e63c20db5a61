"""Checks for identifiers people type: the unified social credit code (GB 32100-2015) and phone numbers."""

from __future__ import annotations

import re
import unicodedata

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_check_char(first17: str) -> str:
    """The 18th (check) character of a unified social credit code, per GB 32100-2015."""
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def normalise_credit_code(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def check_credit_code(code: str) -> str | None:
    """None when ``code`` (already normalised) is a valid code, else the reason in words."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位,实为{len(code)}位 (credit code must have 18 characters, has {len(code)})"
    bad = sorted({c for c in code if c not in CREDIT_CHARS})
    if bad:
        return f"统一社会信用代码含非法字符 {''.join(bad)} (characters not allowed in a credit code: {''.join(bad)})"
    if credit_check_char(code[:17]) != code[17]:
        return "统一社会信用代码校验位不符,可能抄错 (check character does not match: probably mistyped)"
    return None


_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(-\d{1,6})?")
_LOCAL = re.compile(r"\d{7,8}")


def normalise_phone(text: str) -> str | None:
    """A phone number in a canonical form (``13812345678``, ``0875-2123456``), or None if it is not one.

    Accepts full-width digits, spaces, ``+86``/``86`` prefixes, brackets and hyphens as people type them;
    several numbers separated by ``/``, ``、`` or ``;`` are each checked and joined with ``/``.
    """
    parts = [p for p in re.split(r"[/、;;,,]", unicodedata.normalize("NFKC", str(text))) if p.strip()]
    if len(parts) > 1:
        numbers = [_one_phone(p) for p in parts]
        return None if None in numbers else "/".join(n for n in numbers if n)
    return _one_phone(text)


def _one_phone(text: str) -> str | None:
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    raw = re.sub(r"[\s()()]", "", raw).replace("—", "-").replace("–", "-")
    raw = re.sub(r"^(\+?86)-?", "", raw) if re.match(r"^\+?86-?1\d{10}$", raw) else raw
    if _MOBILE.fullmatch(raw):
        return raw
    if _LANDLINE.fullmatch(raw):
        digits = raw.replace("-", "")
        if "-" in raw:
            return raw
        for area_len in (3, 4):  # 010/02x have 3-digit area codes, most others 4 (0875 = Baoshan)
            area, rest = digits[:area_len], digits[area_len:]
            if (area_len == 3 and area[1] in "12") or (area_len == 4 and area[1] not in "12"):
                return f"{area}-{rest}"
        return raw
    if _LOCAL.fullmatch(raw):
        return raw
    return None
