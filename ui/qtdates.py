"""Qt dates and times as Python's (``QDate.toPython()`` is typed as ``object`` in PySide6's stubs), and back."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, QDateTime


def py_date(value: QDate) -> date:
    """The calendar day a ``QDate`` holds."""
    return date(value.year(), value.month(), value.day())


def qt_date(value: date) -> QDate:
    """The ``QDate`` of a calendar day."""
    return QDate(value.year, value.month, value.day)


def py_datetime(value: QDateTime) -> datetime:
    """The wall-clock time a ``QDateTime`` shows, naive (to the millisecond)."""
    day, time = value.date(), value.time()
    return datetime(
        day.year(), day.month(), day.day(), time.hour(), time.minute(), time.second(), time.msec() * 1000
    )
