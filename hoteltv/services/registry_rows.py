"""The registry's query: every live hotel with its division and the facts its history gives (the latest
finalized inspection's day and result, the first open notice's deadline), as :class:`HotelView` values.

One SQL text (:func:`registry_query`), run two ways: by :func:`hoteltv.services.hotels.list_hotels` through
SQLAlchemy (``text()``), and by :func:`read_first_screen` through the standard library's ``sqlite3``, so the
GUI's first screen is filled before SQLAlchemy is loaded. Nothing here imports SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from hoteltv.db.revision import at_head
from hoteltv.domain import clock, lifecycle, sites
from hoteltv.domain.hotel import HotelView

#: :class:`HotelView` fields read from the ``hotels`` table (the rest come from joins and the history).
_HOTEL_COLUMNS = tuple(
    f.name
    for f in fields(HotelView)
    if f.name
    not in {"division_code", "division_name", "last_inspection_at", "last_result", "next_deadline", "overdue"}
)

#: The latest finalized, live inspection of hotel ``h`` (ties: the larger id), for a correlated subquery.
_LATEST = (
    "FROM inspections i WHERE i.hotel_id = h.id AND i.status = 'finalized' AND NOT i.deleted "
    "ORDER BY i.finalized_at DESC, i.id DESC LIMIT 1"
)

_SELECT = (
    "SELECT "
    + ", ".join(f"h.{name}" for name in _HOTEL_COLUMNS)
    + ", d.code AS division_code, d.name AS division_name"
    + f", (SELECT i.started_at {_LATEST}) AS last_inspection_at"
    + f", (SELECT i.result {_LATEST}) AS last_result"
    + ", (SELECT min(n.deadline) FROM rectification_notices n"
    " WHERE n.hotel_id = h.id AND n.status = 'open' AND NOT n.deleted) AS next_deadline"
    " FROM hotels h JOIN divisions d ON d.id = h.division_id"
    " WHERE NOT h.deleted"
)

#: Tables a registry row is made from (the hotel, its inspections and their rooms and team, its notices).
REGISTRY_TABLES = frozenset(
    {"hotels", "divisions", "inspections", "room_checks", "inspection_inspectors", "rectification_notices"}
)

#: The filters :func:`registry_query` knows, each a condition on named parameters.
FILTERS = {
    "hotel_id": "h.id = :hotel_id",
    "site_kind": "h.site_kind = :site_kind",
    "division": "(d.code = :division OR d.name = :division OR d.id = :division)",
    "mode": "h.current_mode = :mode",
    "status": "h.remediation_status = :status",
    "pilot": "h.pilot = :pilot",
    "search": (
        "(h.name LIKE :search OR h.address LIKE :search OR h.contact_name LIKE :search"
        " OR h.contact_phone LIKE :search OR h.credit_code LIKE :search_upper)"
    ),
}


def registry_query(**filters: Any) -> tuple[str, dict[str, Any]]:
    """The registry's SQL (named ``:parameters``, which both ``sqlite3`` and SQLAlchemy's ``text()``
    take) and its parameters. Filters given as None are left out; ``search`` matches name, address,
    contact, phone and credit code (upper case)."""
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise TypeError(f"unknown registry filters: {', '.join(sorted(unknown))}")
    conditions: list[str] = []
    params: dict[str, Any] = {}
    for key, condition in FILTERS.items():
        value = filters.get(key)
        if value is None:
            continue
        conditions.append(condition)
        if key == "search":
            like = f"%{str(value).strip()}%"
            params["search"], params["search_upper"] = like, like.upper()
        elif key == "pilot":
            params["pilot"] = bool(value)
        else:
            params[key] = value
    sql = " AND ".join([_SELECT, *conditions]) + " ORDER BY d.code, h.name"
    return sql, params


def _moment(value: Any) -> datetime | None:
    """A stored UTC time (SQLite gives text, other databases a datetime) as an aware datetime."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        return date.fromisoformat(value)
    return value.date() if isinstance(value, datetime) else value


def views(rows: Iterable[Any], today: date | None = None) -> list[HotelView]:
    """Rows of :func:`registry_query` (mappings or sequences in its column order) as :class:`HotelView`."""
    today = today or clock.today()
    names = (*_HOTEL_COLUMNS, "division_code", "division_name", "last_inspection_at", "last_result")
    out: list[HotelView] = []
    for row in rows:
        values: Sequence[Any] = tuple(row)
        data = dict(zip(names, values, strict=False))
        deadline = _day(values[len(names)])
        data.update(
            pilot=bool(data["pilot"]),
            site_kind=data["site_kind"] or sites.DEFAULT,
            updated_at=_moment(data["updated_at"]),
            last_inspection_at=_moment(data["last_inspection_at"]),
            next_deadline=deadline,
            overdue=lifecycle.is_overdue(deadline, "open", today),
        )
        out.append(HotelView(**data))
    return out


@dataclass(frozen=True)
class FirstScreen:
    """What the GUI's first screen shows, read without SQLAlchemy."""

    hotels: list[HotelView]
    #: The kind of site read (``None``: every kind), as ``list_hotels``'s ``site_kind``.
    site_kind: str | None
    #: The database's ``meta`` table (the demo mark is there).
    meta: dict[str, str]


def read_first_screen(path: Path, site_kind: str | None = sites.DEFAULT) -> FirstScreen | None:
    """The registry's rows from the SQLite file ``path`` with ``sqlite3`` alone, when that is safe: the
    file exists and its schema is at the migrations' head. None otherwise (no file yet, an older schema to
    upgrade, not a hoteltv database): then open it the normal way, which migrates first."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(path, timeout=10)
    except sqlite3.Error:
        return None
    try:
        if not at_head(conn):
            return None
        sql, params = registry_query(site_kind=site_kind)
        hotels = views(conn.execute(sql, params))
        meta = {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM meta") if v is not None}
        return FirstScreen(hotels, site_kind, meta)
    except sqlite3.Error:
        return None  # the normal opening says what is wrong
    finally:
        conn.close()
