"""One clock: every printed and displayed time is in the bureau's time zone, whatever the computer's zone.

Times are stored in UTC. A person reads them in the zone of the bureau that did the work — the
``time_zone`` setting (:mod:`hoteltv.config`, ``Asia/Shanghai`` by default) — so a visit at 00:30
Beijing time keeps its Beijing date on paper and on screen even on a laptop set to UTC or New York.

:func:`bureau_time` is the one conversion; :func:`bureau_date` and :func:`fmt` are built on it. Each
takes the zone explicitly or, when given None, the zone set for the process by :func:`set_bureau_zone`
(done when a data folder is opened, :func:`hoteltv.services.setup.open_home`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hoteltv.errors import HoteltvError

DEFAULT_ZONE = "Asia/Shanghai"

_current = DEFAULT_ZONE


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
