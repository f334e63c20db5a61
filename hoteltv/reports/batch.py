"""Many inspection sheets in one PDF: every sheet of a date range and/or a division, for printing in one go.

Each sheet keeps its own "第x页 共y页", running header and verification code (one section per sheet, see
:mod:`hoteltv.reports.common`). The file starts with a cover listing its sheets (hotel, record number,
date, pages and the page each starts on), and every sheet starts on an odd page: an even page before it is
left blank ("此页空白"), so the file prints on both sides with each sheet on its own paper. Progress is reported per sheet while the data and photo copies are
gathered, then per page while laying out; the progress callback can cancel at any point, and then no
file is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from hoteltv.db.engine import Database
from hoteltv.domain import clock
from hoteltv.errors import ValidationError
from hoteltv.reports.common import (
    Decor,
    DeferredText,
    OddPageStart,
    PageFacts,
    Progress,
    ReportOptions,
    StartSection,
    TitleLine,
    build_pdf,
    cn_date,
    naming_fields,
    para,
    report_progress,
)
from hoteltv.reports.inspection_sheet import SheetData, load_sheet, sheet_story
from hoteltv.reports.styles import column_widths, grid_table
from hoteltv.services.inspections import InspectionSummary, list_inspections
from hoteltv.services.setup import list_divisions

COVER_NAME = "批量打印目录"


@dataclass(frozen=True)
class BatchResult:
    path: Path
    sheets: int
    record_numbers: tuple[str, ...]


def select_inspections(
    db: Database,
    *,
    since: date | None = None,
    until: date | None = None,
    division: str | None = None,
    include_drafts: bool = False,
) -> list[InspectionSummary]:
    """The inspections a batch prints, oldest first: started within [since, until] (the bureau's dates), in the
    division (code, name or another name), finalized unless drafts are asked for, current versions only."""
    names: set[str] | None = None
    if division:
        names = {d.name for d in list_divisions(db) if d.answers_to(division)}
        if not names:
            raise ValidationError(f"未知的县区 {division!r} (unknown division)")
    chosen = []
    for i in list_inspections(db, include_superseded=False):
        if i.status != "finalized" and not include_drafts:
            continue
        if names is not None and i.division_name not in names:
            continue
        if not clock.within(i.started_at, since, until):
            continue
        chosen.append(i)
    chosen.sort(key=lambda i: (i.started_at is None, i.started_at, i.record_number))
    return chosen


def write_batch(
    db: Database,
    out: Path,
    options: ReportOptions | None = None,
    *,
    since: date | None = None,
    until: date | None = None,
    division: str | None = None,
    include_drafts: bool = False,
    progress: Progress | None = None,
) -> BatchResult:
    """Write the sheets of the chosen inspections into one PDF, atomically."""
    options = options or ReportOptions()
    chosen = select_inspections(
        db, since=since, until=until, division=division, include_drafts=include_drafts
    )
    if not chosen:
        raise ValidationError("没有符合条件的检查记录 (no inspections match; nothing to print)")
    total = len(chosen)
    story: list[Flowable] = []
    loaded: list[SheetData] = []
    entries: list[tuple[SheetData, int]] = []
    for n, inspection in enumerate(chosen):

        def inner(done: int, of: int, text: str, n: int = n) -> bool | None:
            return None if progress is None else progress(n, total, text)

        data = load_sheet(db, inspection.id, options, inner if progress is not None else None)
        loaded.append(data)
        report_progress(progress, n + 1, total, f"{data.view.record_number} {data.view.hotel_name}")
        with naming_fields(data):
            sheet = sheet_story(data)
        start = sheet[0]
        assert isinstance(start, StartSection)
        entries.append((data, start.decor.key))
        story += [PageBreak(), OddPageStart(), *sheet]
    numbers = tuple(data.view.record_number for data in loaded)
    with naming_fields(loaded, "sheets"):
        path = build_pdf(
            out,
            [*cover_story(entries), *story],
            title=f"现场检查记录（共{total}份）",
            subject="、".join(numbers[:3]) + ("等" if total > 3 else ""),
            progress=progress,
            expected_pages=total * 2 + 1,
        )
    return BatchResult(path, total, numbers)


def _page_count(key: int, facts: PageFacts) -> str:
    return str(facts.pages.get(key, ""))


def _first_page(key: int, facts: PageFacts) -> str:
    return f"第{facts.first_page.get(key, '')}页"


def cover_story(entries: list[tuple[SheetData, int]]) -> list[Flowable]:
    """The batch's cover: one row per sheet (``entries``: its data and its section's key), with its page
    count and first page filled in when the file is saved."""
    widths = column_widths(10 * mm, 0, 42 * mm, 27 * mm, 13 * mm, 16 * mm)
    row_h = 7 * mm
    rows: list[list[Any]] = [
        [para(t, "cell_center") for t in ("序号", "被检查单位", "记录编号", "检查日期", "页数", "起始页")]
    ]
    for n, (data, key) in enumerate(entries, 1):
        v = data.view
        rows.append(
            [
                para(str(n), "cell_center"),
                para(v.hotel_name, "cell"),
                para(v.record_number, "cell_center"),
                para(cn_date(v.started_at) if v.started_at else "", "cell_center"),
                DeferredText(partial(_page_count, key), widths[4] - 6, row_h - 5),
                DeferredText(partial(_first_page, key), widths[5] - 6, row_h - 5),
            ]
        )
    table = grid_table(rows, widths, header_rows=1)
    drafts = sum(1 for data, _ in entries if data.view.status != "finalized")
    note = f"共{len(entries)}份，按检查时间排列" + (f"，其中草稿{drafts}份" if drafts else "") + "。"
    note += "每份记录从奇数页开始，空白页为双面打印而留；起始页为本文件中的页码。"
    return [
        StartSection(Decor(COVER_NAME, f"共{len(entries)}份", number_label="现场检查记录")),
        TitleLine("现场检查记录", size=22, char_space=2),
        para("（批量打印目录）", "subtitle"),
        Spacer(1, 4 * mm),
        para(note, "small"),
        Spacer(1, 2 * mm),
        table,
    ]
