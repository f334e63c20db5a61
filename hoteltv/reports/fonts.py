"""The fonts of every printed document, and the choice of font per character.

Every PDF hoteltv writes uses bundled TrueType fonts and embeds the subsets it needs (``FontFile2``), so
a paper copy prints the same on any machine and printer. reportlab's built-in CID fonts such as
``STSong-Light`` are never used: they are not embedded and print blank or as boxes on many machines.

The fonts, in the order a character is looked up (the first that has its glyph draws it):

* WenQuanYi Micro Hei (``wqy-microhei.ttc``, :data:`FONT`): Latin, punctuation and the 20,000+ common
  Chinese characters — almost all text;
* Hanazono Mincho A and B (``HanaMinA.ttf``, ``HanaMinB.ttf``, GlyphWiki project, free licence, see
  ``resources/fonts/LICENSE-hanazono.txt``): the rest of the CJK Unified Ideographs and the extension
  blocks A to F (e.g. 䶮 U+4DAE, 𠀀 U+20000, 𬱖 U+2CC56), the compatibility ideographs, and some
  symbols and monochrome emoji.

Text enters a document in two ways and both split it into runs of one font each: paragraphs through
:func:`markup` (used by :func:`hoteltv.reports.common.para`), and canvas strings (table cells, running
headers, titles) through :func:`runs` in :class:`hoteltv.reports.common.NumberedCanvas`. A character no
bundled font has is never printed blank: :class:`UnprintableCharacter` names it (``U+XXXX`` and the
character), and :func:`hoteltv.reports.common.naming_fields` adds the field it is in. Invisible format
characters (variation selectors, zero-width joiners, BOM) are dropped; a whitespace character without a
glyph prints as a space.

Registering also switches reportlab's ASCII85 image encoding off (``rl_config.useA85 = 0``): photos go
into the file as binary JPEG, a fifth smaller than ASCII85 text.

Glyphs to keep in mind: Micro Hei has ``√`` ``×`` ``✓`` ``✔`` ``✘`` ``□`` ``■`` but not ``✗`` ``☐`` ``☑``
``✂``; documents use ``√``/``×`` for pass/fail (as Chinese forms do) and draw check boxes as shapes.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from xml.sax.saxutils import escape, unescape

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from hoteltv.errors import HoteltvError
from hoteltv.resources import FALLBACK_FONT_FILES, font_path, resource_path

#: The name documents use in styles and ``canvas.setFont``: the main font.
FONT = "WQYMicroHei"
#: The fallback fonts, in order, with their files in ``resources/fonts``.
FALLBACKS: tuple[tuple[str, str], ...] = tuple(
    zip(("HanaMinA", "HanaMinB"), FALLBACK_FONT_FILES, strict=True)
)
#: Every font a document may use, in lookup order.
FONTS: tuple[str, ...] = (FONT, *(name for name, _ in FALLBACKS))

_lock = threading.Lock()
_registered = False
#: Each font's character map (code point → glyph), for the per-character choice.
_cmaps: dict[str, dict[int, int]] = {}
#: Cache: character → the font that draws it ("" = dropped, None = no font has it).
_choice: dict[str, str | None] = {}


class UnprintableCharacter(HoteltvError):
    """A character that no bundled font can draw: printing it would leave a blank, so nothing is printed.

    ``field`` is the field as a person knows it (酒店名称), ``path`` where it is in the data (hotel.name).
    """

    def __init__(self, char: str, text: str, field: str = "", path: str = "") -> None:
        self.char, self.text, self.field, self.path = char, text, field, path
        if field or path:
            where = f"字段“{field or path}”" + (f"（{path}）" if field and path else "")
        else:
            where = f"文字“{_excerpt(text, char)}”"
        super().__init__(
            f"无法打印{where}中的字符“{char}”（{code_point(char)}）：随附字体均无此字，未生成文件。"
            f"请更正该字段后再打印 (cannot print {code_point(char)} in "
            f"{'field ' + (path or field) if (field or path) else 'this text'}: no bundled font has it; "
            "no file written)"
        )

    def in_field(self, field: str, path: str = "") -> UnprintableCharacter:
        """The same error naming the field the character is in."""
        return UnprintableCharacter(self.char, self.text, field, path)


def code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


def _excerpt(text: str, char: str, around: int = 8) -> str:
    at = text.find(char)
    start, end = max(0, at - around), at + len(char) + around
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def _utf16_hex(code: int) -> str:
    """A code point as the UTF-16BE hex digits a ToUnicode CMap wants (a surrogate pair above U+FFFF)."""
    return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, right for characters above U+FFFF too.

    reportlab writes ``<%04X>``, five hex digits for 𠀀 U+20000, which readers take for a different
    character: the text layer (copy, search, pdftotext) would lose every character of extensions B–F.
    """
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *(f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(subset)),
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


# reportlab looks the helper up by name when it writes a font subset.
ttfonts.makeToUnicodeCMap = _to_unicode_cmap


def register_fonts() -> str:
    """Register the main font with reportlab (once per process; thread-safe) and return its name.

    The fallback fonts (53 MB) are read only when a character needs them (:func:`font_for`).
    """
    global _registered
    rl_config.useA85 = 0
    if _registered:
        return FONT
    with _lock:
        if not _registered:
            # The .ttc holds several faces; face 0 is the proportional Micro Hei.
            _register(TTFont(FONT, font_path(), subfontIndex=0))
            # baseFontFor: tables and graphics (the QR code) default to Micro Hei too, never to Helvetica.
            pdfmetrics.registerFontFamily(
                FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT, baseFontFor="canvas graphics"
            )
            _registered = True
    return FONT


def register_fallbacks() -> None:
    """Register the fallback fonts too (once per process; thread-safe)."""
    register_fonts()
    if len(_cmaps) == len(FONTS):
        return
    with _lock:
        for name, file in FALLBACKS:
            if name not in _cmaps:
                _register(TTFont(name, resource_path("fonts", file)))


def _register(font: TTFont) -> None:
    pdfmetrics.registerFont(font)
    # One weight each: <b> and <i> in a paragraph keep the font instead of failing.
    name = font.fontName
    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
    _cmaps[name] = font.face.charToGlyph


def has_glyph(char: str) -> bool:
    """Whether the main font can draw ``char``."""
    register_fonts()
    return ord(char) in _cmaps[FONT]


def font_for(char: str) -> str | None:
    """The first bundled font that draws ``char``; ``""`` for an invisible format character that is
    dropped; None when no font has it (cached)."""
    if char in _choice:
        return _choice[char]
    register_fallbacks()
    code = ord(char)
    chosen: str | None = next((name for name in FONTS if code in _cmaps[name]), None)
    if chosen is None and (
        unicodedata.category(char) == "Cf" or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF
    ):
        chosen = ""  # zero-width joiner, BOM, (ideographic) variation selectors: the base character prints
    _choice[char] = chosen
    return chosen


def _all_main(text: str) -> bool:
    main = _cmaps[FONT]
    return all(ord(c) in main for c in text)


def runs(text: str, base: str = FONT) -> list[tuple[str, str]]:
    """``text`` split into ``(font, run)`` pairs, each run drawn by one font; characters the ``base`` font
    has stay in it. Raises :class:`UnprintableCharacter` for a character no bundled font has."""
    register_fonts()
    base_map = _cmaps.get(base)
    if base_map is not None and all(ord(c) in base_map for c in text):
        return [(base, text)] if text else []
    out: list[tuple[str, str]] = []
    font_now = ""
    chunk: list[str] = []
    for char in text:
        if base_map is not None and ord(char) in base_map:
            font = base
        else:
            found = font_for(char)
            if found is None:
                if not char.isspace():
                    raise UnprintableCharacter(char, text)
                char, found = " ", FONT
            elif found == "":
                continue
            font = found
        if font != font_now and chunk:
            out.append((font_now, "".join(chunk)))
            chunk = []
        font_now = font
        chunk.append(char)
    if chunk:
        out.append((font_now, "".join(chunk)))
    return out


def string_width(text: str, size: float) -> float:
    """The printed width of ``text`` at ``size`` points, each run measured in its own font."""
    return sum(pdfmetrics.stringWidth(run, font, size) for font, run in runs(text))


def plain_markup(text: str) -> str:
    """Plain text as paragraph markup: escaped, and any run the main font lacks in a ``<font face>`` tag."""
    register_fonts()
    if _all_main(text):
        return escape(text)
    return "".join(
        escape(run) if font == FONT else f'<font face="{font}">{escape(run)}</font>'
        for font, run in runs(text)
    )


_TAG = re.compile(r"(<[^>]*>)")


def markup(text: str) -> str:
    """Paragraph markup with the text between its tags given fallback fonts where needed (see
    :func:`plain_markup`); tags are kept as they are."""
    register_fonts()
    if _all_main(text):
        return text
    parts = _TAG.split(text)
    return "".join(part if n % 2 else plain_markup(unescape(part)) for n, part in enumerate(parts))
