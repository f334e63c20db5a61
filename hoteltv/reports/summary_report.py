"""The bureau's summary report: hotels by division × TV mode and by remediation status, a bar chart,
the overdue rectification notices, and the sentence the bureau puts in its report.

All counts come from :func:`hoteltv.services.summary.summarize` (the same numbers ``hoteltv summary``
prints); this module only lays them out. Hotel counts are the state now; the period limits the
inspections and notices counted, and the overdue list, to those dated inside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table
from sqlalchemy import select

from hoteltv.db.engine import Database
from hoteltv.db.models import Hotel
from hoteltv.domain import clock, lifecycle
from hoteltv.domain.modes import mode_catalog
from hoteltv.reports.common import (
    Decor,
    Progress,
    ReportOptions,
    StartSection,
    TitleLine,
    cn_date,
    count_table,
    gap,
    para,
    report_progress,
    write_document,
)
from hoteltv.reports.fonts import FONT
from hoteltv.reports.styles import FRAME_WIDTH, column_widths, grid_table, styled_table
from hoteltv.services.notices import NoticeView, list_notices
from hoteltv.services.setup import list_divisions
from hoteltv.services.summary import Summary, summarize

DOC_NAME = "酒店电视操作复杂治理工作统计表"
#: Series colours of the chart: distinct hues that stay distinct as greys on a black-and-white printer.
SERIES_COLOURS = [
    colors.HexColor("#1f4e79"),
    colors.HexColor("#6fa8dc"),
    colors.HexColor("#c55a11"),
    colors.HexColor("#f4b183"),
    colors.HexColor("#548235"),
    colors.HexColor("#bfbfbf"),
]


@dataclass(frozen=True)
class SummaryData:
    summary: Summary
    overdue: list[NoticeView]
    today: date
    authority: str
    division_label: str
    mode_labels: dict[str, str] = field(default_factory=dict)


def load_summary(
    db: Database,
    options: ReportOptions,
    *,
    pilot_only: bool = True,
    division: str | None = None,
    since: date | None = None,
    until: date | None = None,
    today: date | None = None,
) -> SummaryData:
    today = today or clock.today()
    # The sentence names the place counted: the city, or the division when the report is for one.
    place = options.city_short
    if division:
        names = [d.name for d in list_divisions(db) if d.answers_to(division)]
        place = "、".join(names) or place
    summary = summarize(
        db,
        pilot_only=pilot_only,
        division=division,
        since=since,
        until=until,
        city_short=place,
        today=today,
    )
    overdue = [
        n for n in list_notices(db, overdue_only=True, today=today) if n.division_name in summary.divisions
    ]
    if pilot_only and overdue:
        with db.reading() as s:
            pilot_ids = set(
                s.scalars(select(Hotel.id).where(Hotel.pilot.is_(True), Hotel.deleted.is_(False)))
            )
        overdue = [n for n in overdue if n.hotel_id in pilot_ids]
    overdue = [n for n in overdue if clock.within(n.issued_at, since, until)]
    overdue.sort(key=lambda n: (n.deadline, n.division_name, n.hotel_name))
    label = "、".join(summary.divisions) if division else "全部县区"
    catalog = mode_catalog()
    return SummaryData(
        summary=summary,
        overdue=overdue,
        today=today,
        authority=options.authority,
        division_label=label,
        mode_labels={m: catalog.get(m).zh for m in summary.modes},
    )


def write_summary_report(
    db: Database,
    out: Path,
    options: ReportOptions | None = None,
    *,
    pilot_only: bool = True,
    division: str | None = None,
    since: date | None = None,
    until: date | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the summary report (PDF, atomically)."""
    options = options or ReportOptions()
    report_progress(progress, 0, 2, "统计 (counting)")
    data = load_summary(
        db, options, pilot_only=pilot_only, division=division, since=since, until=until, today=today
    )
    story = partial(summary_story, data)
    subject = data.division_label
    return write_document(out, data, story, title=DOC_NAME, subject=subject, progress=progress, step=(1, 2))


def _period_text(s: Summary) -> str:
    since, until = s.period
    if since is None and until is None:
        return "全部"
    return f"{cn_date(since) if since else '开始'}至{cn_date(until) if until else '今'}"


def summary_story(data: SummaryData) -> list[Flowable]:
    s = data.summary
    scope = "试点酒店" if s.scope == "pilot" else "全部酒店"
    return [
        StartSection(Decor("统计报表", cn_date(data.today), number_label="制表日期")),
        TitleLine(DOC_NAME, size=18, char_space=1),
        Spacer(1, 1 * mm),
        para(
            f"统计范围：{scope}{gap(1)}县区：{data.division_label}{gap(1)}统计期间：{_period_text(s)}"
            f"{gap(1)}制表日期：{cn_date(data.today)}",
            "subtitle",
        ),
        Spacer(1, 3 * mm),
        para("一、工作进展", "section"),
        _sentence_box(data),
        para("二、各县区酒店电视模式统计（单位：家）", "section"),
        _mode_table(data),
        Spacer(1, 3 * mm),
        KeepTogether([_chart(data), para("图：各县区酒店电视模式（按县区堆叠）", "subtitle")]),
        CondPageBreak(40 * mm),
        para("三、整改状态统计（单位：家）", "section"),
        _status_table(data),
        CondPageBreak(30 * mm),
        para(f"四、逾期未整改的整改通知（共{len(data.overdue)}份）", "section"),
        _overdue_table(data),
        Spacer(1, 8 * mm),
        _signature_line(data),
    ]


def _sentence_box(data: SummaryData) -> Table:
    s = data.summary
    facts = f"统计期间完成检查{s.inspections}次；未关闭的整改通知{s.open_notices}份，其中逾期{s.overdue_notices}份。"
    return styled_table(
        [[para(s.sentence + "。", "body_indent")], [para(facts, "body_indent")]],
        [FRAME_WIDTH],
        [
            ("BOX", (0, 0), (-1, -1), 0.6, colors.black),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ],
    )


def _mode_table(data: SummaryData) -> Table:
    s = data.summary
    headers = ["县区"] + [data.mode_labels[m] for m in s.modes] + ["合计"]
    return count_table(headers, s.table_rows(s.modes, s.by_division, s.by_mode), 22 * mm)


def _status_table(data: SummaryData) -> Table:
    s = data.summary
    statuses = list(lifecycle.STATUSES)
    headers = ["县区"] + [lifecycle.status_label(k) for k in statuses] + ["合计"]
    return count_table(headers, s.table_rows(statuses, s.by_division_status, s.by_status), 22 * mm)


def _chart(data: SummaryData) -> Drawing:
    s = data.summary
    width, height = FRAME_WIDTH, 78 * mm
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 14 * mm
    # Bars of a readable width however few divisions there are.
    chart.width = min(width - 62 * mm, 20 * mm + 24 * mm * max(len(s.divisions), 1))
    chart.height = height - 22 * mm
    modes = list(s.modes)
    chart.data = [[s.by_division[d].get(m, 0) for d in s.divisions] or [0] for m in modes]
    chart.categoryAxis.categoryNames = list(s.divisions) or [""]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    top = max((sum(s.by_division[d].values()) for d in s.divisions), default=0)
    step = _nice_step(top)
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = max(step, ((top // step) + 1) * step)
    chart.valueAxis.gridStrokeColor = colors.Color(0.85, 0.85, 0.85)
    chart.valueAxis.visibleGrid = True
    chart.barWidth = 8
    chart.groupSpacing = 12
    for i in range(len(modes)):
        chart.bars[i].fillColor = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        chart.bars[i].strokeColor = colors.white
        chart.bars[i].strokeWidth = 0.3
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = width - 46 * mm, height - 10 * mm
    legend.fontName = FONT
    legend.fontSize = 8
    legend.alignment = "right"
    legend.columnMaximum = 8
    legend.dx = legend.dy = 7
    legend.deltay = 12
    legend.colorNamePairs = [
        (SERIES_COLOURS[i % len(SERIES_COLOURS)], data.mode_labels[m]) for i, m in enumerate(modes)
    ]
    drawing.add(legend)
    drawing.add(String(4 * mm, height - 5 * mm, "酒店数（家）", fontName=FONT, fontSize=8))
    return drawing


def _nice_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        if top / step <= 8:
            return step
    return 10_000


def _overdue_table(data: SummaryData) -> Flowable:
    if not data.overdue:
        return para("无逾期未整改的整改通知。", "body_indent")
    widths = column_widths(10 * mm, 40 * mm, 0, 20 * mm, 24 * mm, 24 * mm, 16 * mm)
    rows: list[list[Any]] = [
        [
            para(h, "cell_center")
            for h in ("序号", "通知书编号", "酒店", "县区", "下发日期", "整改期限", "逾期天数")
        ]
    ]
    for k, n in enumerate(data.overdue, 1):
        rows.append(
            [
                para(str(k), "cell_center"),
                para(n.number, "cell_small_center"),
                para(n.hotel_name, "cell"),
                para(n.division_name, "cell_center"),
                para(clock.bureau_date(n.issued_at).isoformat(), "cell_small_center"),
                para(n.deadline.isoformat(), "cell_small_center"),
                para(str((data.today - n.deadline).days), "cell_center"),
            ]
        )
    return grid_table(rows, widths, header_rows=1)


def _signature_line(data: SummaryData) -> Table:
    return styled_table(
        [[para(f"制表单位：{data.authority}", "body"), para("制表人：", "body"), para("审核人：", "body")]],
        [FRAME_WIDTH * 0.5, FRAME_WIDTH * 0.25, FRAME_WIDTH * 0.25],
        [("LEFTPADDING", (0, 0), (-1, -1), 0)],
    )
