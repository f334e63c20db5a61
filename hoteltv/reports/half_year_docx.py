"""The half-year report as a Word document (python-docx), ready to paste into the bureau's report.

Fonts follow the usual government-document practice and are named, never embedded: the body in 仿宋_GB2312
(三号, 16 pt), headings in 黑体, the title in 宋体 bold, tables in 宋体 10.5 pt. Each run sets the
East-Asian font explicitly (``w:rFonts w:eastAsia``), which is what WPS and Word read for Chinese text; a
machine without 仿宋_GB2312 substitutes its own 仿宋 (WPS maps it), Latin text and digits use Times New Roman.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.run import Run

from hoteltv.io.files import atomic_write_bytes
from hoteltv.reports.common import cn_date
from hoteltv.reports.half_year import HalfYearReport, ReportTable

BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
TITLE_FONT = "宋体"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"


def _font(run: Run, east_asia: str, size: float, bold: bool = False) -> None:
    run.font.name = LATIN_FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def _paragraph(doc: Any, text: str, east_asia: str, size: float, **kw: Any) -> Any:
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing = Pt(kw.get("line", 28))
    fmt.space_after = Pt(kw.get("after", 0))
    if kw.get("indent", True):
        fmt.first_line_indent = Pt(size * 2)
    if kw.get("center"):
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif kw.get("right"):
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(p.add_run(text), east_asia, size, bool(kw.get("bold")))
    return p


def _table(doc: Any, table: ReportTable) -> None:
    _paragraph(doc, table.title, HEADING_FONT, 12, indent=False, center=True, line=22, after=4)
    t = doc.add_table(rows=1 + len(table.rows), cols=len(table.headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate([table.headers, *table.rows]):
        for c, value in enumerate(values):
            p = t.cell(r, c).paragraphs[0]  # a new cell holds one empty paragraph
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if (r == 0 or c > 0) else WD_ALIGN_PARAGRAPH.LEFT
            _font(p.add_run(value), TABLE_FONT, 10.5, bold=r == 0 or value == "合计")
    doc.add_paragraph()


def build_docx(report: HalfYearReport) -> bytes:
    """The document's bytes."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    doc.core_properties.title = report.title
    doc.core_properties.author = report.authority

    _paragraph(doc, report.title, TITLE_FONT, 22, bold=True, indent=False, center=True, line=36, after=6)
    _paragraph(doc, f"（{report.period_text}）", BODY_FONT, 16, indent=False, center=True, after=12)
    _paragraph(doc, "一、酒店电视操作复杂治理", HEADING_FONT, 16)
    _paragraph(doc, report.hotel_sentence, BODY_FONT, 16)
    _paragraph(doc, "二、境外卫星电视传播秩序专项整治", HEADING_FONT, 16)
    _paragraph(doc, report.satellite_sentence, BODY_FONT, 16, after=12)
    _paragraph(doc, report.authority, BODY_FONT, 16, indent=False, right=True)
    _paragraph(doc, cn_date(report.made_on), BODY_FONT, 16, indent=False, right=True, after=12)
    _paragraph(doc, "附：统计表", HEADING_FONT, 16, after=6)
    for table in report.tables:
        _table(doc, table)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def write_docx(report: HalfYearReport, out: Path) -> Path:
    """Write the report to ``out`` atomically."""
    atomic_write_bytes(Path(out), build_docx(report))
    return Path(out)
