"""Many inspection sheets in one PDF: every sheet of a date range and/or a division, for printing in one go.

Each sheet keeps its own "第x页 共y页", running header and verification code (one section per sheet, see
:mod:`hoteltv.reports.common`). Progress is reported per sheet while the data and photo copies are
gathered, then per page while laying out; the progress callback can cancel at any point, and then no
file is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.platypus import Flowable, PageBreak

from hoteltv.db.engine import Database
from hoteltv.domain import clock
from hoteltv.errors import ValidationError
from hoteltv.reports.common import Progress, ReportOptions, build_pdf, report_progress
from hoteltv.reports.inspection_sheet import load_sheet, sheet_story
from hoteltv.services.inspections import InspectionSummary, list_inspections
from hoteltv.services.setup import list_divisions


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
    include_superseded: bool = False,
) -> list[InspectionSummary]:
    """The inspections a batch prints, oldest first: started within [since, until] (the bureau's dates), in the
    division (code or name), finalized unless drafts are asked for, current versions unless asked."""
    names: set[str] | None = None
    if division:
        names = {d.name for d in list_divisions(db) if division in (d.code, d.name, d.id)}
        if not names:
            raise ValidationError(f"未知的县区 {division!r} (unknown division)")
    chosen = []
    for i in list_inspections(db, include_superseded=include_superseded):
        if i.status != "finalized" and not include_drafts:
            continue
        if names is not None and i.division_name not in names:
            continue
        day = clock.bureau_date(i.started_at) if i.started_at else None
        if since is not None and (day is None or day < since):
            continue
        if until is not None and (day is None or day > until):
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
    inspection_ids: list[str] | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Write the sheets of the chosen inspections (or of ``inspection_ids``) into one PDF, atomically."""
    options = options or ReportOptions()
    if inspection_ids is None:
        inspection_ids = [
            i.id
            for i in select_inspections(
                db, since=since, until=until, division=division, include_drafts=include_drafts
            )
        ]
    if not inspection_ids:
        raise ValidationError("没有符合条件的检查记录 (no inspections match; nothing to print)")
    total = len(inspection_ids)
    story: list[Flowable] = []
    numbers: list[str] = []
    for n, inspection_id in enumerate(inspection_ids):

        def inner(done: int, of: int, text: str, n: int = n) -> bool | None:
            return None if progress is None else progress(n, total, text)

        data = load_sheet(db, inspection_id, options, inner if progress is not None else None)
        numbers.append(data.view.record_number)
        report_progress(progress, n + 1, total, f"{data.view.record_number} {data.view.hotel_name}")
        if story:
            story.append(PageBreak())
        story.extend(sheet_story(data))
    path = build_pdf(
        out,
        story,
        title=f"现场检查记录（共{total}份）",
        subject="、".join(numbers[:3]) + ("等" if total > 3 else ""),
        progress=progress,
        expected_pages=total * 2,
    )
    return BatchResult(path, total, tuple(numbers))
