"""Checks for identifiers people type: the unified social credit code (GB 32100-2015) and phone numbers."""

from __future__ import annotations

import re
import unicodedata

from stdnum.cn import uscc

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# GB 32100-2015: positions 1-2 are the registering authority and the kind of body (a digit or a letter:
# A, N and Y authorities exist), 3-8 the division code (digits), 9-17 the body's own code. python-stdnum's
# ``uscc.validate`` wants digits in positions 1-2 as well, which refuses real codes; its check digit is used.
_CREDIT_SHAPE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")


def credit_check_char(first17: str) -> str:
    """The 18th (check) character of a unified social credit code, per GB 32100-2015."""
    return str(uscc.calc_check_digit(first17))


def normalise_credit_code(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).replace("-", "").upper()


def credit_code_problem(code: str) -> tuple[str, str] | None:
    """None when ``code`` (already normalised) is a valid code, else the reason as (Chinese, English)."""
    if len(code) != 18:
        return (
            f"统一社会信用代码应为18位，实为{len(code)}位",
            f"a credit code has 18 characters, this one has {len(code)}",
        )
    if not _CREDIT_SHAPE.fullmatch(code):
        return (
            "统一社会信用代码含有不允许的字符（不用 I、O、S、V、Z；第3-8位是数字）",
            "credit code has characters that are not allowed (no I, O, S, V, Z; positions 3-8 are digits)",
        )
    if credit_check_char(code[:17]) != code[17]:
        return (
            "统一社会信用代码校验位不符，可能抄错，请核对",
            "credit code check character does not match: probably mistyped, please check it",
        )
    return None


def check_credit_code(code: str) -> str | None:
    """None when ``code`` (already normalised) is a valid code, else the reason in words (both languages)."""
    problem = credit_code_problem(code)
    return None if problem is None else f"{problem[0]} ({problem[1]})"


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
    if _MOBILE.fullmatch(raw) or _LOCAL.fullmatch(raw) or (_LANDLINE.fullmatch(raw) and "-" in raw):
        return raw
    if not _LANDLINE.fullmatch(raw):
        return None
    area_len = 3 if raw[1] in "12" else 4  # 010/02x have 3-digit area codes, most others 4 (0875 = Baoshan)
    return f"{raw[:area_len]}-{raw[area_len:]}"
