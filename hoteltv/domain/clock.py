"""One clock: every printed and displayed time is in the bureau's time zone, whatever the computer's zone.

Times are stored in UTC. A person reads them in the zone of the bureau that did the work — the
``time_zone`` setting (:mod:`hoteltv.config`, ``Asia/Shanghai`` by default) — so a visit at 00:30
Beijing time keeps its Beijing date on paper and on screen even on a laptop set to UTC or New York.

:func:`bureau_time` is the one conversion; :func:`bureau_date` and :func:`fmt` are built on it. Each
takes the zone explicitly or, when given None, the zone set for the process by :func:`set_bureau_zone`
(done when a data folder is opened, :func:`hoteltv.services.setup.open_home`).

:func:`future_problem` and :func:`span_problems` are the one rule for a recorded time that cannot be
true — in the future (beyond :data:`FUTURE_TOLERANCE`), or an end before its start — wherever a time
comes in: an imported inspection file, a draft being finalized, a notice's delivery.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hoteltv.errors import HoteltvError, Problem

DEFAULT_ZONE = "Asia/Shanghai"

_current = DEFAULT_ZONE

#: How far ahead of this computer's clock a recorded time may lie and still be taken as the present: clocks
#: minutes apart (a laptop's, the one that wrote a file) pass; a wrong hour, day or year does not. Stated in
#: docs/json-formats.md.
FUTURE_TOLERANCE = timedelta(hours=1)


def zone(name: str | None = None) -> tzinfo:
    """The time zone called ``name`` (an IANA name such as ``Asia/Shanghai``; None: the bureau's)."""
    return _zone(name or _current)


@cache
def _zone(key: str) -> tzinfo:
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise HoteltvError(f"未知的时区 {key!r} (unknown time zone; e.g. Asia/Shanghai)") from exc


def set_bureau_zone(name: str | None) -> None:
    """Make ``name`` the zone of this process's printed and displayed times (checked first)."""
    global _current
    zone(name or DEFAULT_ZONE)
    _current = name or DEFAULT_ZONE


def bureau_time(dt: datetime, zone_name: str | None = None) -> datetime:
    """``dt`` in the bureau's zone (a naive ``dt`` is taken as UTC, as the database stores it)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(zone(zone_name))


def bureau_date(dt: datetime | date, zone_name: str | None = None) -> date:
    """The bureau's calendar date of ``dt`` (a date is returned as it is)."""
    if isinstance(dt, datetime):
        return bureau_time(dt, zone_name).date()
    return dt


def fmt(dt: datetime | None, pattern: str = "%Y-%m-%d %H:%M", zone_name: str | None = None) -> str:
    """``dt`` formatted in the bureau's zone; ``""`` for None."""
    return "" if dt is None else bureau_time(dt, zone_name).strftime(pattern)


def now(zone_name: str | None = None) -> datetime:
    """The current time in the bureau's zone."""
    return datetime.now(zone(zone_name))


def today(zone_name: str | None = None) -> date:
    """Today's date in the bureau's zone (what a deadline, "overdue" and a notice's date count from)."""
    return now(zone_name).date()


def within(at: datetime | None, since: date | None, until: date | None) -> bool:
    """Does ``at`` fall on a bureau day from ``since`` to ``until``, both included (None: that side is
    open)? An unknown time falls only within a period open on both sides."""
    if at is None:
        return since is None and until is None
    day = bureau_date(at)
    return (since is None or day >= since) and (until is None or day <= until)


def future_problem(
    at: datetime | None, where: str, label: str, now_at: datetime | None = None
) -> Problem | None:
    """A problem at ``where`` when ``at`` lies more than :data:`FUTURE_TOLERANCE` after ``now_at``
    (default: this computer's clock); ``label`` names the time, bilingual ("开始时间 (the start)")."""
    current = now_at or now()
    if at is None or bureau_time(at) <= current + FUTURE_TOLERANCE:
        return None
    zh, _, en = label.partition(" (")
    hours = int(FUTURE_TOLERANCE.total_seconds() // 3600)
    return Problem(
        where,
        f"{zh} {fmt(at)} 晚于本机当前时间 {fmt(current)} 超过{hours}小时，请检查日期或本机时钟 "
        f"({en.rstrip(')')} is in the future, more than {hours} h after this computer's clock; "
        "check the date, or the computer's clock)",
    )


def span_problems(
    started: datetime | None,
    ended: datetime | None,
    where: tuple[str, str] = ("started_at", "ended_at"),
    now_at: datetime | None = None,
) -> list[Problem]:
    """What is untrue about a visit's times: a start or end in the future (:func:`future_problem`), an end
    before the start. ``where`` names the two fields as the caller's input does (``$.started_at``)."""
    problems = [
        p
        for p in (
            future_problem(started, where[0], "开始时间 (the start)", now_at),
            future_problem(ended, where[1], "结束时间 (the end)", now_at),
        )
        if p is not None
    ]
    if started is not None and ended is not None and bureau_time(ended) < bureau_time(started):
        problems.append(
            Problem(
                where[1],
                f"结束时间 {fmt(ended)} 早于开始时间 {fmt(started)} (the end is before the start)",
            )
        )
    return problems
