"""This computer's local time, for any date, on Windows too.

``datetime.astimezone()`` without a zone asks the C library's ``localtime()``, which on Windows refuses
times before 1970 and after 3000 (``OSError: [Errno 22] Invalid argument``). Such times do reach the
program: a camera whose clock was reset, an edited photo. Inside the range the system's answer is used
(summer time included); outside it, the zone's offset of today, which is exact for China (no summer time
since 1991).
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

_FROM = datetime(1970, 1, 2)
_TO = datetime(3000, 12, 31)
_system_local = datetime.astimezone  # tests put Windows' refusal here


def _current_zone() -> tzinfo:
    zone = datetime.now(UTC).astimezone().tzinfo
    return zone if zone is not None else UTC


def _in_range(when: datetime) -> bool:
    naive = when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo is not None else when
    return _FROM <= naive <= _TO


def as_local(naive: datetime) -> datetime:
    """A wall-clock time without a zone (a camera's), read as this computer's local time: aware."""
    if _in_range(naive):
        try:
            return _system_local(naive)
        except (OSError, OverflowError, ValueError):
            pass
    return naive.replace(tzinfo=_current_zone())


def to_local(when: datetime) -> datetime:
    """An aware time (as stored, in UTC) in this computer's zone, for showing or printing."""
    if when.tzinfo is None:
        return as_local(when)
    if _in_range(when):
        try:
            return _system_local(when)
        except (OSError, OverflowError, ValueError):
            pass
    return when.astimezone(_current_zone())
