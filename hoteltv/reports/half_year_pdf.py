"""The half-year report as a PDF: the same content as the Word document, in the project's bundled fonts."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from hoteltv.reports.common import (
    Decor,
    Progress,
    StartSection,
    TitleLine,
    build_pdf,
    cn_date,
    count_table,
    para,
)
from hoteltv.reports.half_year import HalfYearReport, ReportTable

DOC_NAME = "专项整治工作情况"


def _table(table: ReportTable) -> Flowable:
    counts = count_table(table.headers, table.rows, 24 * mm)
    return KeepTogether([para(table.title, "section"), counts, Spacer(1, 4 * mm)])


def report_story(report: HalfYearReport) -> list[Flowable]:
    story: list[Flowable] = [
        StartSection(Decor(DOC_NAME, cn_date(report.made_on), number_label="制表日期")),
        TitleLine(report.title, size=16, char_space=0.5),
        para(f"（{report.period_text}）", "subtitle"),
        Spacer(1, 4 * mm),
        para("一、酒店电视操作复杂治理", "section"),
        para(report.hotel_sentence, "body_indent"),
        para("二、境外卫星电视传播秩序专项整治", "section"),
        para(report.satellite_sentence, "body_indent"),
        Spacer(1, 6 * mm),
        para(report.authority, "right"),
        para(cn_date(report.made_on), "right"),
        Spacer(1, 4 * mm),
        para("附：统计表", "section"),
    ]
    for table in report.tables:
        story += [CondPageBreak(40 * mm), _table(table)]
    return story


def write_pdf(report: HalfYearReport, out: Path, progress: Progress | None = None) -> Path:
    """Write the report to ``out`` (PDF, atomically)."""
    return build_pdf(
        Path(out), report_story(report), title=report.title, subject=report.period_text, progress=progress
    )
