"""The one font of every printed document: the bundled WenQuanYi Micro Hei, registered once and embedded.

Every PDF hoteltv writes uses this TrueType font and embeds the subset it needs (``FontFile2``), so a
paper copy prints the same on any machine and printer. reportlab's built-in CID fonts such as
``STSong-Light`` are never used: they are not embedded and print blank or as boxes on many machines.

Registering also switches reportlab's ASCII85 image encoding off (``rl_config.useA85 = 0``): photos go
into the file as binary JPEG, a fifth smaller than ASCII85 text.

Glyphs to keep in mind: the font has ``√`` ``×`` ``✓`` ``✔`` ``✘`` ``□`` ``■`` but not ``✗`` ``☐`` ``☑`` ``✂``;
documents use ``√``/``×`` for pass/fail (as Chinese forms do) and draw check boxes as shapes.
"""

from __future__ import annotations

import threading

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from hoteltv.resources import font_path

#: The name documents use in styles and ``canvas.setFont``.
FONT = "WQYMicroHei"

_lock = threading.Lock()
_registered = False


def register_fonts() -> str:
    """Register the bundled CJK font with reportlab (once per process; thread-safe) and return its name."""
    global _registered
    rl_config.useA85 = 0
    if _registered:
        return FONT
    with _lock:
        if not _registered:
            # The .ttc holds several faces; face 0 is the proportional Micro Hei.
            pdfmetrics.registerFont(TTFont(FONT, font_path(), subfontIndex=0))
            # baseFontFor: tables and graphics (the QR code) default to this font too, never to Helvetica.
            pdfmetrics.registerFontFamily(
                FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT, baseFontFor="canvas graphics"
            )
            _registered = True
    return FONT


def has_glyph(char: str) -> bool:
    """Whether the bundled font can draw ``char`` (used by tests and to pick fallback marks)."""
    register_fonts()
    font = pdfmetrics.getFont(FONT)
    return ord(char) in font.face.charToGlyph
