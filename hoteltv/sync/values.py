"""Synced values: which tables sync, and a record's values between JSON and columns (the value codec).

A record travels as a JSON object of its column values (times and dates as ISO text). :func:`to_python`
turns such values back into column values, :func:`value_problem` says why values cannot be a record of
a table (wrong type, null where required, NaN, NUL …) before anything is written, :func:`content` leaves
out the bookkeeping columns two faithful copies may differ in, :func:`label_of` names a record for people.

**How a table joins the sync** (one place each, nothing else to register):

1. its model derives from :class:`hoteltv.db.models.Synced` (id, version, deleted, created/updated_at,
   device_id — stamped by the tracking hook, which also writes the outbox) and is listed in
   :data:`hoteltv.db.models.SYNCED_MODELS`, with an Alembic migration as usual;
2. its table name goes into :data:`hoteltv.sync.protocol.ENTITY_ORDER` (after the tables it refers to)
   and the ``Entity`` literal beside it; into ``DOCUMENT_ENTITIES`` only if it is part of an inspection
   document (whole-record versions from the owner device); otherwise it merges per field;
3. the server decides its scope (division) in ``hoteltv.sync.server.service._scope``: by its own
   ``division_id``, or through the hotel or inspection it refers to;
4. optionally a readable name in :func:`label_of`.

:data:`MODELS` and :data:`RANK` follow from these.
"""

from __future__ import annotations

import functools
import math
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, Integer, String

from hoteltv.db.models import SYNCED_MODELS, Synced, UTCDateTime
from hoteltv.db.tracking import BOOKKEEPING  # stamped by the tracking hook: never merged, never compared
from hoteltv.sync.protocol import ENTITY_ORDER

#: Every synced table by name (see the module docstring for how a table joins).
MODELS: dict[str, type[Synced]] = {m.__tablename__: m for m in SYNCED_MODELS}  # type: ignore[attr-defined]
#: Parents before children: the order changes are applied in.
RANK = {name: i for i, name in enumerate(ENTITY_ORDER)}
#: Per table, the columns that name another synced record, and its table (``notice_id`` → notices).
REFERENCES: dict[str, dict[str, str]] = {
    entity: {
        col.key: next(iter(col.foreign_keys)).column.table.name
        for col in model.__table__.columns  # type: ignore[attr-defined]
        if col.foreign_keys
    }
    for entity, model in MODELS.items()
}


# --- values -------------------------------------------------------------------------------------------------


def content(values: dict[str, Any]) -> dict[str, Any]:
    """A record's values without bookkeeping (what two copies must agree on)."""
    return {k: v for k, v in values.items() if k not in BOOKKEEPING}


def columns(entity: str) -> list[str]:
    return [c.key for c in MODELS[entity].__table__.columns]  # type: ignore[attr-defined]


def to_python(entity: str, values: dict[str, Any]) -> dict[str, Any]:
    """JSON values of a record as column values (times and dates parsed); unknown keys are dropped.

    Raises ValueError for a value that does not fit its column.
    """
    table = MODELS[entity].__table__  # type: ignore[attr-defined]
    out: dict[str, Any] = {}
    for col in table.columns:
        if col.key not in values:
            continue
        value = values[col.key]
        if value is not None:
            if isinstance(col.type, UTCDateTime):
                if not isinstance(value, str):
                    raise ValueError(f"{col.key}: expected an ISO time")
                value = datetime.fromisoformat(value.replace("Z", "+00:00"))
                if value.tzinfo is None:
                    raise ValueError(f"{col.key}: time without a zone")
            elif isinstance(col.type, Date):
                if not isinstance(value, str):
                    raise ValueError(f"{col.key}: expected an ISO date")
                value = date.fromisoformat(value)
        out[col.key] = value
    return out


_INT64 = 2**63


@functools.cache
def choices() -> dict[tuple[str, str], frozenset[str]]:
    """Per ``(table, column)``, the keys a column of a fixed set holds (a TV mode, a status, a kind of
    site). Laptops look each one up to show and count it, so a key outside the set would stop every
    laptop that pulls it: such a value is refused like one of the wrong type."""
    from hoteltv.domain import lifecycle, sites
    from hoteltv.domain.modes import mode_catalog

    modes = frozenset(mode_catalog().keys())
    return {
        ("hotels", "current_mode"): modes,
        ("hotels", "target_mode"): modes,
        ("hotels", "remediation_status"): frozenset(lifecycle.STATUSES),
        ("hotels", "site_kind"): frozenset(sites.KEYS),
        ("inspections", "kind"): frozenset(lifecycle.KINDS),
        ("inspections", "status"): frozenset(lifecycle.INSPECTION_STATUSES),
        ("inspections", "result"): frozenset(lifecycle.RESULTS),
        ("rectification_notices", "status"): frozenset(lifecycle.NOTICE_STATUSES),
    }


def _fits(col: Any, value: Any) -> str | None:
    """Why ``value`` cannot be stored in column ``col`` (None: it can)."""
    kind = col.type
    if isinstance(kind, UTCDateTime):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        return (
            None
            if parsed is not None and parsed.tzinfo is not None
            else "应为带时区的时间 (expected an ISO time)"
        )
    if isinstance(kind, Date):
        try:
            return (
                None if isinstance(value, str) and date.fromisoformat(value) else "应为日期 (expected a date)"
            )
        except ValueError:
            return "应为日期 (expected an ISO date)"
    if isinstance(kind, Boolean):
        return None if isinstance(value, bool) else "应为是/否 (expected true or false)"
    if isinstance(kind, Integer):
        ok = isinstance(value, int) and not isinstance(value, bool) and -_INT64 <= value < _INT64
        return None if ok else "应为整数 (expected a whole number)"
    if isinstance(kind, Float):
        try:
            ok = (
                not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(float(value))
            )
        except OverflowError:
            ok = False
        return None if ok else "应为数字 (expected a finite number)"
    if isinstance(kind, String):
        if not isinstance(value, str):
            return "应为文本 (expected text)"
        allowed = choices().get((col.table.name, col.key))
        if allowed is not None and value not in allowed:
            return f"不是可用的取值 (not one of {', '.join(sorted(allowed))})"
        # A reference or a file hash longer than its column: the server keeps these in columns of that
        # length (division, hotel, inspection, photo hash), which PostgreSQL enforces.
        if (col.foreign_keys or col.key == "sha256") and kind.length and len(value) > kind.length:
            return f"过长 (longer than {kind.length} characters)"
        return None
    return None


def _unsafe(value: Any, depth: int = 0) -> str | None:
    """NaN/infinity or a NUL character anywhere in a JSON value (no database stores those faithfully)."""
    if depth > 64:
        return "嵌套过深 (nested too deeply)"
    if isinstance(value, str):
        return "含有 NUL 字符 (contains a NUL character)" if "\x00" in value else None
    if isinstance(value, float) and not math.isfinite(value):
        return "不是有限数 (not a finite number)"
    if isinstance(value, dict):
        for k, v in value.items():
            problem = _unsafe(k, depth + 1) or _unsafe(v, depth + 1)
            if problem:
                return problem
    if isinstance(value, list):
        for v in value:
            problem = _unsafe(v, depth + 1)
            if problem:
                return problem
    return None


def value_problem(entity: str, values: dict[str, Any]) -> str | None:
    """Why ``values`` cannot be a record of ``entity`` — a value of the wrong type for its column, null in
    a required column, a number out of range, NaN, a NUL character — or None when they fit. Keys that
    are not columns are left alone (a newer client's fields)."""
    # Every change of every push comes here: first a quick pass that only says "fits"; the exact
    # reason (the first column in table order with a problem) is worked out only when something is wrong.
    if _all_fit(entity, values):
        return None
    table = MODELS[entity].__table__  # type: ignore[attr-defined]
    for col in table.columns:
        if col.key not in values:
            continue
        value = values[col.key]
        if value is None:
            problem = None if col.nullable and not col.primary_key else "不能为空 (required)"
        else:
            problem = _fits(col, value) or _unsafe(value)
        if problem:
            return f"字段 {col.key} 的值无效:{problem} (invalid value for {col.key})"
    return _unsafe(values)


#: Column kinds whose values :func:`_all_fit` checks by type alone (the others go through :func:`_fits`).
_PLAIN = {"str": str, "bool": bool}


@functools.cache
def _column_map(entity: str) -> dict[str, tuple[Any, bool, str]]:
    """Per column key: the column, whether null is allowed, and a kind (``str``, ``bool``, ``ref``,
    ``int``, ``json``, ``choice`` (one of :func:`choices`) or ``other``) for the quick pass."""
    out = {}
    fixed = choices()
    for col in MODELS[entity].__table__.columns:  # type: ignore[attr-defined]
        kind = col.type
        if (entity, col.key) in fixed:
            tag = "choice"
        elif isinstance(kind, UTCDateTime | Date):
            tag = "other"
        elif isinstance(kind, Boolean):
            tag = "bool"
        elif isinstance(kind, String) and not (col.foreign_keys or col.key == "sha256"):
            tag = "str"
        elif isinstance(kind, String) and kind.length:
            tag = "ref"  # a reference or a file hash: text of at most the column's length
        elif isinstance(kind, Integer):
            tag = "int"
        elif isinstance(kind, JSON):
            tag = "json"
        else:
            tag = "other"
        out[col.key] = (col, bool(col.nullable and not col.primary_key), tag)
    return out


def _all_fit(entity: str, values: dict[str, Any]) -> bool:
    """True when every column value has the right type and nothing anywhere in ``values`` is
    :func:`_unsafe` (NaN, infinity, NUL) — in one pass over the values, the common case (plain text,
    whole numbers, true/false) checked inline. False: look closer (:func:`value_problem`)."""
    columns = _column_map(entity)
    for key, value in values.items():
        if type(key) is not str or "\x00" in key:
            return False
        found = columns.get(key)
        kind = type(value)
        if value is None:
            if found is not None and not found[1]:
                return False
            continue
        if found is not None:
            col, _nullable, tag = found
            if tag == "str" or tag == "bool":
                if kind is not _PLAIN[tag]:
                    return False
            elif tag == "ref":
                if kind is not str or len(value) > col.type.length:
                    return False
            elif tag == "int":
                if kind is not int or not -_INT64 <= value < _INT64:
                    return False
            elif tag == "choice":
                if kind is not str or value not in choices()[(entity, key)]:
                    return False
            elif tag != "json" and _fits(col, value) is not None:
                return False
        if kind is str:
            if "\x00" in value:
                return False
        elif kind is not int and kind is not bool and _unsafe(value, 1) is not None:
            return False
    return True


def label_of(entity: str, values: dict[str, Any]) -> str:
    """A short name a person recognises for a record (hotel name, record number, file name …), at most
    200 characters (the length of the conflict tables' label column)."""
    return _label(entity, values)[:200]


def _label(entity: str, values: dict[str, Any]) -> str:
    if entity in ("hotels", "divisions", "inspectors"):
        return str(values.get("name") or values.get("id", ""))
    if entity == "inspections":
        return str(values.get("record_number") or values.get("id", ""))
    if entity == "rectification_notices":
        return f"整改通知 {values.get('number') or ''}".strip()
    of = f" · {values['inspection_number']}" if values.get("inspection_number") else ""  # see outbox
    if entity == "room_checks":
        return f"房间 {values.get('room_number') or ''}".strip() + of
    if entity == "photos":
        return f"照片 {values.get('original_name') or str(values.get('sha256', ''))[:12]}" + of
    if entity == "inspection_inspectors":
        return "检查组成员" + of
    return str(values.get("id", ""))


def required_columns(entity: str) -> list[str]:
    """Columns a new record must have a value for (not null, no default)."""
    table = MODELS[entity].__table__  # type: ignore[attr-defined]
    return [
        c.key
        for c in table.columns
        if not c.nullable and not c.primary_key and c.default is None and c.server_default is None
    ]


def defaults_for(entity: str, names: list[str]) -> dict[str, Any]:
    """Column defaults for a row the server sent without some columns (an older client wrote it)."""
    out: dict[str, Any] = {}
    table = MODELS[entity].__table__  # type: ignore[attr-defined]
    for name in names:
        default = table.c[name].default
        if getattr(default, "is_scalar", False):
            out[name] = default.arg
        elif getattr(default, "is_callable", False):
            out[name] = default.arg(None)
        else:
            out[name] = None
    return out
