"""The bureau's half-year report (半年工作总结的统计部分): its paragraphs and tables, from the records.

One content (:class:`HalfYearReport`) is written two ways: a Word document
(:mod:`hoteltv.reports.half_year_docx`, for pasting into the bureau's report in WPS or Word) and a PDF
(:mod:`hoteltv.reports.half_year_pdf`). :func:`write_half_year_report` picks by the file's suffix.

* The hotel-TV sentence is :func:`hoteltv.services.summary.summarize`'s (pilot hotels by TV mode: the state
  now, wording from ``resources/modes.json``).
* The satellite sentence adds up the enforcement operations dated in the period (officers 人次, vehicles
  车次, operations with more than one department 联合执法, site checks 个次) and the facilities removed
  (户（套）) answered on the inspections made in the period (the checklist item ``facilities_removed``,
  whichever template has it; a corrected record counts once, in its newest version).
* Tables: by division (hotel TV; satellite campaign) and by site kind.
"""

from __future__ import annotations

from dataclasses import asdict, astuple, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import select

from hoteltv.db.engine import Database
from hoteltv.db.models import Inspection
from hoteltv.domain import clock, sites
from hoteltv.domain.modes import mode_catalog
from hoteltv.errors import HoteltvError
from hoteltv.reports.common import Progress, ReportOptions, cn_date, report_progress
from hoteltv.services.inspections import superseded_ids
from hoteltv.services.operations import OperationView, list_operations
from hoteltv.services.summary import Summary, report_sentence, summarize

#: The checklist item whose answers are the facilities removed (户/套).
REMOVED_ITEM = "facilities_removed"
#: The satellite campaign's sentence, in the report's own wording.
SATELLITE_SENTENCE = (
    "持续开展境外卫星电视传播秩序集中专项整治，累计出动执法人员{officers}人次、车辆{vehicles}车次，"
    "组织开展联合执法{joint}次，检查{kinds}{site_checks}个次，查处拆除接收设施{removed}户（套）。"
)
SUFFIXES = (".docx", ".pdf")


@dataclass(frozen=True)
class ReportTable:
    """A titled table: header row, body rows (text), and the 合计 row last when there is one."""

    title: str
    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class SatelliteFigures:
    operations: int = 0
    joint: int = 0
    officers: int = 0
    vehicles: int = 0
    site_checks: int = 0
    removed: int = 0


@dataclass(frozen=True)
class HalfYearReport:
    """Everything the report says, already in words and figures."""

    title: str
    period_text: str
    authority: str
    made_on: date
    hotel_sentence: str
    satellite_sentence: str
    tables: list[ReportTable]
    summary: Summary
    satellite: SatelliteFigures
    by_division: dict[str, SatelliteFigures] = field(default_factory=dict)


def period_text(since: date | None, until: date | None) -> str:
    if since is None and until is None:
        return "全部记录"
    return f"{cn_date(since) if since else '开始'}至{cn_date(until) if until else cn_date(clock.today())}"


class _Checked(NamedTuple):
    """One effective finalized inspection in the period: where, what kind of site, result, removed."""

    division: str
    kind: str
    result: str | None
    removed: int


def _removed_by_inspection(
    db: Database, since: date | None, until: date | None, divisions: set[str]
) -> list[_Checked]:
    """Each effective finalized inspection started in the period at a site in the divisions."""
    out = []
    with db.reading() as s:
        superseded = superseded_ids(s)
        stmt = select(Inspection).where(Inspection.deleted.is_(False), Inspection.status == "finalized")
        for insp in s.scalars(stmt):
            if insp.id in superseded or insp.started_at is None:
                continue
            if not clock.within(insp.started_at, since, until):
                continue
            name = insp.hotel.division.name
            if name not in divisions:
                continue
            value = (insp.hotel_answers or {}).get(REMOVED_ITEM)
            removed = value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0
            out.append(_Checked(name, insp.hotel.site_kind or sites.DEFAULT, insp.result, removed))
    return out


def _figures(ops: list[OperationView], removed: int) -> SatelliteFigures:
    return SatelliteFigures(
        operations=len(ops),
        joint=sum(o.joint for o in ops),
        officers=sum(o.officers for o in ops),
        vehicles=sum(o.vehicles for o in ops),
        site_checks=sum(o.site_checks for o in ops),
        removed=removed,
    )


def build_report(
    db: Database,
    options: ReportOptions | None = None,
    *,
    since: date | None = None,
    until: date | None = None,
    division: str | None = None,
    today: date | None = None,
) -> HalfYearReport:
    """Count everything the report says (``division``: a code, name or alias; None for the whole city)."""
    options = options or ReportOptions()
    today = today or clock.today()
    if since and until and since > until:
        raise HoteltvError(f"开始日期晚于结束日期 ({since} > {until}) (the period ends before it starts)")
    summary = summarize(
        db, division=division, since=since, until=until, city_short=options.city_short, today=today
    )
    place = options.city_short
    if division:
        if not summary.divisions:
            raise HoteltvError(f"未知的县区 {division!r} (unknown division)")
        # The sentence names the place counted: the division when the report is for one.
        place = "、".join(summary.divisions)
        summary.sentence = report_sentence(summary.by_mode, summary.total, place)
    div_names = summary.divisions
    ops = [o for o in list_operations(db, since=since, until=until) if o.division_name in div_names]
    inspections = _removed_by_inspection(db, since, until, set(div_names))
    total = _figures(ops, sum(r.removed for r in inspections))
    by_division = {
        name: _figures(
            [o for o in ops if o.division_name == name],
            sum(r.removed for r in inspections if r.division == name),
        )
        for name in div_names
    }
    kinds_word = "".join(k.zh for k in sites.SITE_KINDS if k.key != "other")
    satellite_sentence = SATELLITE_SENTENCE.format(**asdict(total), kinds=kinds_word)
    tables = [
        _mode_table(summary),
        _satellite_table(div_names, by_division, total),
        _kind_table(summary, inspections),
    ]
    area = place if division else f"全{options.city_short}"
    return HalfYearReport(
        title=f"{area}酒店电视操作复杂治理和境外卫星电视专项整治工作情况",
        period_text=period_text(since, until),
        authority=options.authority,
        made_on=today,
        hotel_sentence=summary.sentence + "。",
        satellite_sentence=satellite_sentence,
        tables=tables,
        summary=summary,
        satellite=total,
        by_division=by_division,
    )


def _mode_table(summary: Summary) -> ReportTable:
    catalog = mode_catalog()
    groups = catalog.groups
    members = {g.key: [m for m in catalog.modes if m.report_group == g.key] for g in groups}
    headers = ["县区", "试点酒店"] + ["/".join(m.zh for m in members[g.key]) for g in groups]
    rows = []
    totals = [0] * (len(groups) + 1)
    for name in summary.divisions:
        counts = summary.by_division[name]
        values = [sum(counts.values())] + [sum(counts.get(m.key, 0) for m in members[g.key]) for g in groups]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        rows.append([name, *map(str, values)])
    rows.append(["合计", *map(str, totals)])
    return ReportTable("表1 各县区试点酒店电视整治情况（单位：家）", headers, rows)


def _satellite_table(
    names: list[str], by_division: dict[str, SatelliteFigures], total: SatelliteFigures
) -> ReportTable:
    headers = [
        "县区",
        "执法行动（次）",
        "联合执法（次）",
        "出动执法人员（人次）",
        "出动车辆（车次）",
        "检查场所（个次）",
        "拆除接收设施（户（套））",
    ]
    # The columns are the figures' fields, in order.
    rows = [[name, *map(str, astuple(by_division[name]))] for name in names]
    rows.append(["合计", *map(str, astuple(total))])
    return ReportTable("表2 各县区境外卫星电视专项整治情况", headers, rows)


def _kind_table(summary: Summary, inspections: list[_Checked]) -> ReportTable:
    headers = ["场所类型", "登记场所（个）", "检查记录（份）", "其中不合格（份）", "拆除接收设施（户（套））"]
    rows = []
    totals = [0, 0, 0, 0]
    for kind in sites.SITE_KINDS:
        mine = [r for r in inspections if r.kind == kind.key]
        values = [
            summary.by_kind.get(kind.key, 0),
            len(mine),
            sum(1 for r in mine if r.result == "fail"),
            sum(r.removed for r in mine),
        ]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        rows.append([kind.zh, *map(str, values)])
    rows.append(["合计", *map(str, totals)])
    return ReportTable("表3 按场所类型统计", headers, rows)


def write_half_year_report(
    db: Database,
    out: Path,
    options: ReportOptions | None = None,
    *,
    since: date | None = None,
    until: date | None = None,
    division: str | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the report to ``out``: a Word document for ``.docx``, a PDF for ``.pdf`` (atomically)."""
    out = report_path(out)
    report_progress(progress, 0, 2, "统计 (counting)")
    report = build_report(db, options, since=since, until=until, division=division, today=today)
    report_progress(progress, 1, 2, "排版 (laying out)")
    return write_report(report, out, progress)


def report_path(out: Path) -> Path:
    """``out``, checked to name a file the report can be written as (``.docx`` or ``.pdf``)."""
    out = Path(out)
    if out.suffix.lower() not in SUFFIXES:
        raise HoteltvError(
            f"报告文件须以 .docx 或 .pdf 结尾：{out.name} (the report file must end in .docx or .pdf)"
        )
    return out


def write_report(report: HalfYearReport, out: Path, progress: Progress | None = None) -> Path:
    """Write a report already counted (:func:`build_report`) to ``out``, by its suffix."""
    out = report_path(out)
    if out.suffix.lower() == ".docx":
        from hoteltv.reports.half_year_docx import write_docx

        return write_docx(report, out)
    from hoteltv.reports.half_year_pdf import write_pdf

    return write_pdf(report, out, progress)


def report_as_dict(report: HalfYearReport) -> dict[str, Any]:
    """The figures, for ``--json`` and tests."""
    return {
        "title": report.title,
        "period": report.period_text,
        "hotel_sentence": report.hotel_sentence,
        "satellite_sentence": report.satellite_sentence,
        "satellite_campaign": report.satellite.__dict__,
        "tables": [{"title": t.title, "headers": t.headers, "rows": t.rows} for t in report.tables],
    }
