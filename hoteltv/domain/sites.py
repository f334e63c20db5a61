"""Kinds of site in the registry: hotels first (the hotel-TV campaign), and the markets, residential
compounds and other places the satellite-TV campaign checks too.

Stored as a key (``hotel``, ``market``, ``residential``, ``other``); shown with its Chinese or English
label. :func:`parse_site_kind` reads what a spreadsheet cell or a person typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from hoteltv.domain.numerals import fold


@dataclass(frozen=True)
class SiteKind:
    key: str
    zh: str
    en: str
    synonyms: tuple[str, ...] = ()

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang.startswith("zh") else self.en


SITE_KINDS: tuple[SiteKind, ...] = (
    SiteKind("hotel", "宾馆酒店", "Hotel", ("酒店", "宾馆", "饭店", "旅馆", "客栈", "民宿", "hotels")),
    SiteKind("market", "市场", "Market", ("集市", "农贸市场", "商场", "markets")),
    SiteKind("residential", "居民小区", "Residential compound", ("小区", "住宅小区", "居民区", "社区")),
    SiteKind("other", "其他", "Other", ("其它",)),
)
KEYS: tuple[str, ...] = tuple(k.key for k in SITE_KINDS)
DEFAULT = "hotel"


def site_kind(key: str) -> SiteKind:
    """The kind with this key (``KeyError`` if none)."""
    for kind in SITE_KINDS:
        if kind.key == key:
            return kind
    raise KeyError(key)


def site_kind_label(key: str | None, lang: str = "zh") -> str:
    """The label of a stored key; an unknown key (a newer program's) is shown as it is."""
    try:
        return site_kind(key or DEFAULT).label(lang)
    except KeyError:
        return str(key)


def parse_site_kind(raw: object) -> str | None:
    """The key for a typed kind (key, label or synonym; blank → ``None``), or raise ``ValueError``."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    folded = fold(str(raw))
    for kind in SITE_KINDS:
        if folded in {fold(kind.key), fold(kind.zh), fold(kind.en), *(fold(s) for s in kind.synonyms)}:
            return kind.key
    known = "、".join(k.zh for k in SITE_KINDS)
    raise ValueError(f"未知的场所类型 {raw!r}(应为 {known}) (unknown site kind)")
