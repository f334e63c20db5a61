"""Room types: stored as keys ("standard", "king"…), shown in the reader's language.

The room type field also takes free text (a hotel's own name for a room); free text is stored as typed.
A known type typed or picked in either language ("标准间", "Standard room") is stored as its key, and a
label stored by older versions (in whatever interface language was in use) reads back as its key, so no
data migration is needed: :func:`room_type_key` on write, :func:`room_type_label` on display.
"""

from __future__ import annotations

ROOM_TYPES: tuple[tuple[str, str, str], ...] = (
    ("standard", "标准间", "Standard room"),
    ("king", "大床房", "King room"),
    ("twin", "双床房", "Twin room"),
    ("suite", "套房", "Suite"),
    ("family", "家庭房", "Family room"),
    ("other", "其他", "Other"),
)
"""(key, Chinese label, English label), in the order a list offers them."""

_BY_TEXT: dict[str, str] = {text.casefold(): key for key, zh, en in ROOM_TYPES for text in (key, zh, en)}


def room_type_key(text: str | None) -> str | None:
    """What to store for a typed or picked room type: a known type's key, else the free text (None: blank)."""
    cleaned = (text or "").strip()
    if not cleaned:
        return None
    return _BY_TEXT.get(cleaned.casefold(), cleaned)


def room_type_label(value: str | None, lang: str = "zh") -> str:
    """A stored room type in ``lang`` ("zh…" or "en"): known keys (and old stored labels) translated."""
    key = room_type_key(value)
    if key is None:
        return ""
    for k, zh, en in ROOM_TYPES:
        if k == key:
            return zh if lang.startswith("zh") else en
    return key
