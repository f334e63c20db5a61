"""The bureau's counts: hotels by division × TV mode and by remediation status, and the report sentence.

"全市35家试点酒店中，达到开机进直播模式或迎宾模式的酒店24家，采用移动OTT模式酒店4家，定制电信迎宾模式4家，自建模式酒店3家"
is built from ``resources/modes.json`` (the phrases) and the counts, never typed in code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select

from hoteltv.db.engine import Database
from hoteltv.db.models import Division, Hotel, Inspection, RectificationNotice
from hoteltv.domain import clock, lifecycle, sites
from hoteltv.domain.modes import mode_catalog
from hoteltv.services.inspections import superseded_ids
from hoteltv.services.setup import list_divisions


@dataclass
class Summary:
    """Counts for a report. ``by_division[division_name][mode_key]``; totals per mode and status."""

    scope: str  # "pilot" or "all"
    divisions: list[str]
    modes: list[str]
    by_division: dict[str, dict[str, int]]
    by_mode: dict[str, int]
    by_status: dict[str, int]
    by_division_status: dict[str, dict[str, int]]
    total: int
    overdue_notices: int
    open_notices: int
    inspections: int
    sentence: str
    period: tuple[date | None, date | None] = (None, None)
    division_filter: str | None = None
    #: Live sites of every kind in the divisions (``hoteltv.domain.sites`` keys), pilot or not.
    by_kind: dict[str, int] = field(default_factory=dict)
    by_division_kind: dict[str, dict[str, int]] = field(default_factory=dict)

    def table_rows(
        self, keys: Sequence[str], per_division: dict[str, dict[str, int]], totals: dict[str, int]
    ) -> list[list[Any]]:
        """The rows of a division × ``keys`` table: each division's counts (``per_division``: by_division
        or by_division_status) and their sum, then 合计 with ``totals`` (by_mode or by_status)."""
        rows = [
            [d, *(per_division[d].get(k, 0) for k in keys), sum(per_division[d].values())]
            for d in self.divisions
        ]
        return [*rows, ["合计", *(totals.get(k, 0) for k in keys), self.total]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "period": [d.isoformat() if d else None for d in self.period],
            "division": self.division_filter,
            "total": self.total,
            "by_mode": self.by_mode,
            "by_division": self.by_division,
            "by_status": self.by_status,
            "by_division_status": self.by_division_status,
            "open_notices": self.open_notices,
            "overdue_notices": self.overdue_notices,
            "inspections": self.inspections,
            "sentence": self.sentence,
            "by_kind": self.by_kind,
            "by_division_kind": self.by_division_kind,
        }


def report_sentence(by_mode: dict[str, int], total: int, city_short: str = "市", pilot: bool = True) -> str:
    """The sentence of the bureau's report, from counts per mode key."""
    catalog = mode_catalog()
    groups: Counter[str] = Counter()
    for key, n in by_mode.items():
        groups[catalog.get(key).report_group] += n
    phrases = [
        g.phrase_zh.format(n=groups[g.key])
        for g in catalog.groups
        if not (g.omit_when_zero and groups[g.key] == 0)
    ]
    sentence = catalog.sentence_zh.format(city=city_short, total=total, phrases="，".join(phrases))
    return sentence if pilot else sentence.replace("试点酒店", "酒店")


def summarize(
    db: Database,
    *,
    pilot_only: bool = True,
    division: str | None = None,
    since: date | None = None,
    until: date | None = None,
    city_short: str = "市",
    today: date | None = None,
) -> Summary:
    """Counts over live hotels (pilot hotels by default). ``since``/``until`` limit the inspection and notice
    counts to that period; hotel counts are the state now."""
    catalog = mode_catalog()
    today = today or clock.today()
    wanted = {d.id for d in list_divisions(db) if d.answers_to(division)} if division else set()
    with db.reading() as s:
        divs = list(s.scalars(select(Division).where(Division.deleted.is_(False)).order_by(Division.code)))
        if division:
            divs = [d for d in divs if d.id in wanted]
        div_ids = [d.id for d in divs]
        div_names = [d.name for d in divs]
        names = {d.id: d.name for d in divs}
        # TV modes and remediation are the hotels' (a market has no room TVs).
        counted = [Hotel.deleted.is_(False), Hotel.division_id.in_(div_ids), Hotel.site_kind == sites.DEFAULT]
        if pilot_only:
            counted.append(Hotel.pilot.is_(True))
        state = (Hotel.division_id, Hotel.current_mode, Hotel.remediation_status)
        stmt = select(*state, func.count()).where(*counted).group_by(*state)
        by_division = {d.name: dict.fromkeys(catalog.keys(), 0) for d in divs}
        by_division_status = {d.name: dict.fromkeys(lifecycle.STATUSES, 0) for d in divs}
        by_mode = dict.fromkeys(catalog.keys(), 0)
        by_status = dict.fromkeys(lifecycle.STATUSES, 0)
        for div_id, mode, status, n in s.execute(stmt):
            mode = mode if mode in by_mode else "none"
            by_division[names[div_id]][mode] += n
            by_mode[mode] += n
            by_status[status] = by_status.get(status, 0) + n
            by_division_status[names[div_id]][status] = by_division_status[names[div_id]].get(status, 0) + n
        by_kind = dict.fromkeys(sites.KEYS, 0)
        by_division_kind = {d.name: dict.fromkeys(sites.KEYS, 0) for d in divs}
        kinds = select(Hotel.division_id, Hotel.site_kind, func.count()).where(
            Hotel.deleted.is_(False), Hotel.division_id.in_(div_ids)
        )
        for div_id, kind, n in s.execute(kinds.group_by(Hotel.division_id, Hotel.site_kind)):
            by_kind[kind] = by_kind.get(kind, 0) + n
            row = by_division_kind[names[div_id]]
            row[kind] = row.get(kind, 0) + n
        hotel_filter = select(Hotel.id).where(*counted)
        notices = select(
            RectificationNotice.deadline, RectificationNotice.status, RectificationNotice.issued_at
        ).where(RectificationNotice.deleted.is_(False), RectificationNotice.hotel_id.in_(hotel_filter))
        open_n = overdue_n = 0
        for deadline, status, issued_at in s.execute(notices):
            if not clock.within(issued_at, since, until):
                continue
            if status == "open":
                open_n += 1
                overdue_n += int(lifecycle.is_overdue(deadline, status, today))
        insp_stmt = select(Inspection.id, Inspection.started_at).where(
            Inspection.deleted.is_(False),
            Inspection.status == "finalized",
            Inspection.hotel_id.in_(hotel_filter),
        )
        replaced = superseded_ids(s)  # a corrected record and its correction are one inspection
        inspections = sum(
            1 for rid, at in s.execute(insp_stmt) if rid not in replaced and clock.within(at, since, until)
        )
    total = sum(by_mode.values())
    return Summary(
        scope="pilot" if pilot_only else "all",
        divisions=div_names,
        modes=catalog.keys(),
        by_division=by_division,
        by_mode=by_mode,
        by_status=by_status,
        by_division_status=by_division_status,
        total=total,
        overdue_notices=overdue_n,
        open_notices=open_n,
        inspections=inspections,
        sentence=report_sentence(by_mode, total, city_short, pilot_only),
        period=(since, until),
        division_filter=division,
        by_kind=by_kind,
        by_division_kind=by_division_kind,
    )
