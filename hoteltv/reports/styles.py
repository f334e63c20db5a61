"""Page geometry, paragraph styles and table styles shared by every document (A4, the main CJK font; rare characters get a fallback font).

The look follows Chinese government forms: black text on white, a centred title, thin black grid
tables with labels in plain cells, 宋体-like sizes (title 二号 ≈ 22 pt, body 五号 ≈ 10.5 pt,
small 小五 ≈ 9 pt). Failed cells are shaded light grey so they show on a black-and-white printer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from hoteltv.reports.fonts import FONT, register_fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = 20 * mm
MARGIN_RIGHT = 18 * mm
MARGIN_TOP = 20 * mm
#: Room below the frame for the footer: page number, verification code and its QR code.
MARGIN_BOTTOM = 32 * mm
FRAME_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

BLACK = colors.black
GREY_TEXT = colors.Color(0.35, 0.35, 0.35)
FAIL_FILL = colors.Color(0.88, 0.88, 0.88)
HEAD_FILL = colors.Color(0.95, 0.95, 0.95)
WATERMARK = colors.Color(0.55, 0.55, 0.55)
GRID_WIDTH = 0.6


@cache
def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK", textColor=BLACK)
    return {
        "body": base,
        "body_indent": ParagraphStyle("body_indent", parent=base, firstLineIndent=21, leading=17),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12),
        "tiny": ParagraphStyle("tiny", parent=base, fontSize=7.5, leading=9.5, textColor=GREY_TEXT),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5),
        "cell_center": ParagraphStyle(
            "cell_center", parent=base, fontSize=9, leading=11.5, alignment=TA_CENTER
        ),
        "cell_small": ParagraphStyle("cell_small", parent=base, fontSize=8, leading=10),
        "cell_small_center": ParagraphStyle(
            "cell_small_center", parent=base, fontSize=8, leading=10, alignment=TA_CENTER
        ),
        "label": ParagraphStyle("label", parent=base, fontSize=9.5, leading=12, alignment=TA_CENTER),
        "section": ParagraphStyle(
            "section", parent=base, fontSize=11.5, leading=16, spaceBefore=8, spaceAfter=4
        ),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=15, alignment=TA_CENTER),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "cell_small_right": ParagraphStyle(
            "cell_small_right", parent=base, fontSize=8, leading=10, alignment=TA_RIGHT
        ),
        "small_right": ParagraphStyle("small_right", parent=base, fontSize=9, leading=12, alignment=TA_RIGHT),
    }


def style(name: str) -> ParagraphStyle:
    """A named paragraph style (``body``, ``small``, ``cell``, ``cell_center``, ``section``, ``subtitle`` …)."""
    return _styles()[name]


def grid_style(header_rows: int = 0, padding: float = 2.5) -> list[tuple[object, ...]]:
    """Table style commands for a thin black grid, vertically centred cells, an optional shaded header;
    the rows under the header are padded by ``padding`` points above and below the text."""
    commands: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), GRID_WIDTH, BLACK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if padding != 2.5:
        commands += [(side, (0, header_rows), (-1, -1), padding) for side in ("TOPPADDING", "BOTTOMPADDING")]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_FILL))
    return commands


def column_widths(*widths: float) -> list[float]:
    """Column widths across the frame: the one given as 0 takes the width the others leave."""
    rest = FRAME_WIDTH - sum(widths)
    return [width or rest for width in widths]


def styled_table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    commands: Iterable[tuple[object, ...]] = (),
    **kwargs: Any,
) -> Table:
    """A table of ``rows`` in columns ``widths`` wide, styled by ``commands``; its cells default to the
    embedded font (reportlab's default would be Helvetica). ``kwargs`` go to the Table."""
    register_fonts()
    table = Table(rows, colWidths=widths, **kwargs)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands]))
    return table


def grid_table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    header_rows: int = 0,
    padding: float = 2.5,
    commands: Iterable[tuple[object, ...]] = (),
    **kwargs: Any,
) -> Table:
    """A table of ``rows`` in columns ``widths`` wide, drawn with :func:`grid_style` (its ``header_rows``
    shaded and repeated on every page) and the further style ``commands``; ``kwargs`` go to the Table."""
    commands = [*grid_style(header_rows, padding), *commands]
    return styled_table(rows, widths, commands, repeatRows=header_rows, **kwargs)
