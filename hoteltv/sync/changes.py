"""Change sets: collect the local outbox into :class:`~hoteltv.sync.protocol.Change` objects, decide how an
incoming change meets a record (the merge rule), and apply the server's records locally in one transaction.

The merge rule (:func:`decide`), the same on the server and on a laptop importing a bundle:

* **Per-field records** (divisions, hotels, inspectors, rectification notices): for each changed field, the
  incoming value is taken when the holder's current value still equals the change's ``base`` (nobody else
  changed it); an equal value is nothing to do; otherwise the field is a **conflict**: both values are
  kept, the holder's value stays in force (deterministic: the server's value wins until a person
  resolves it), and the resolution later travels as an ordinary change.
* **Inspection documents** (inspections and their rooms, team and photos): a draft travels as whole-record
  versions and only from the device that owns it; a finalized inspection never changes: the same content
  again is a no-op, different content is refused (409) and reported, never written.

Laptop clocks are never compared: what happened after what is decided by server sequence numbers and the
``base`` values a change carries.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, Integer, String, bindparam, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from hoteltv.db.engine import Database
from hoteltv.db.models import (
    SYNCED_MODELS,
    Meta,
    OutboxEntry,
    SyncConflict,
    Synced,
    UTCDateTime,
    utcnow,
)
from hoteltv.db.tracking import column_values
from hoteltv.errors import HoteltvError
from hoteltv.sync.protocol import (
    DOCUMENT_ENTITIES,
    ENTITY_ORDER,
    Change,
    ChangeResult,
    ChangeStatus,
    EntityDigest,
    FieldConflict,
    RemoteRecord,
)

#: Columns stamped by the tracking hook: never merged, never compared.
BOOKKEEPING = frozenset({"created_at", "updated_at", "device_id", "version"})
MODELS: dict[str, type[Synced]] = {m.__tablename__: m for m in SYNCED_MODELS}  # type: ignore[attr-defined]
RANK = {name: i for i, name in enumerate(ENTITY_ORDER)}
#: Fields computed from the inspection history, not typed by anyone: the newest value pushed stands and
#: two laptops finalizing visits to one hotel never make a conflict for the office to resolve.
DERIVED = {"hotels": frozenset({"current_mode", "remediation_status"})}
_CHUNK = 500
#: The refusal of an inspection part whose inspection has not arrived: it passes once that arrives.
PARENT_NOT_YET = "所属检查记录尚未同步,稍后重试 (its inspection is not there yet; it is sent again next time)"

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
        # A reference or a file hash longer than its column: the server keeps these in columns of that
        # length (division, hotel, inspection, photo hash), which PostgreSQL enforces.
        if (col.foreign_keys or col.key == "sha256") and kind.length and len(value) > kind.length:
            return f"过长 (longer than {kind.length} characters)"
        return None
    if isinstance(kind, JSON):
        return None
    return None


def _unsafe(value: Any, depth: int = 0) -> str | None:
    """NaN/infinity or a NUL character anywhere in a JSON value (no database stores those faithfully)."""
    if depth > 64:
        return "嵌套过深 (nested too deeply)"
    if isinstance(value, float) and not math.isfinite(value):
        return "不是有限数 (not a finite number)"
    if isinstance(value, str):
        return "含有 NUL 字符 (contains a NUL character)" if "\x00" in value else None
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


def label_of(entity: str, values: dict[str, Any]) -> str:
    """A short name a person recognises for a record (hotel name, record number, file name …), at most
    200 characters (the length of the conflict tables' label column)."""
    return _label(entity, values)[:200]


def _label(entity: str, values: dict[str, Any]) -> str:
    if entity in ("hotels", "divisions", "inspectors"):
        return str(values.get("name") or values.get("id", ""))[:200]
    if entity == "inspections":
        return str(values.get("record_number") or values.get("id", ""))
    if entity == "rectification_notices":
        return f"整改通知 {values.get('number') or ''}".strip()
    if entity == "room_checks":
        return f"房间 {values.get('room_number') or ''}".strip()
    if entity == "photos":
        return f"照片 {values.get('original_name') or str(values.get('sha256', ''))[:12]}"
    if entity == "inspection_inspectors":
        return "检查组成员"
    return str(values.get("id", ""))


# --- the merge rule -----------------------------------------------------------------------------------------


@dataclass
class Decision:
    """What to do with one incoming change (see module docstring)."""

    status: ChangeStatus
    code: int = 200
    reason: str = ""
    #: The record's full values after the change (None: write nothing).
    values: dict[str, Any] | None = None
    conflicts: list[FieldConflict] = field(default_factory=list)
    #: True when the holder's record ends up equal to what the sender has.
    echo: bool = False


def _stamp(merged: dict[str, Any], change: Change, origin_device: str) -> dict[str, Any]:
    out = dict(merged)
    for key in ("updated_at",):
        if key in change.values:
            out[key] = change.values[key]
    out["device_id"] = origin_device
    return out


def decide(
    change: Change,
    current: dict[str, Any] | None,
    parent: dict[str, Any] | None,
    origin_device: str,
) -> Decision:
    """Meet an incoming change with the holder's ``current`` values (None: the record is new here).

    ``parent`` is the holder's inspection for parts of an inspection (rooms, team, photos).
    """
    problem = value_problem(change.entity, change.values)
    if problem:
        return Decision("refused", 422, problem)
    incoming = dict(change.values)
    incoming["id"] = change.id
    if change.entity in DOCUMENT_ENTITIES:
        return _decide_document(change, incoming, current, parent, origin_device)
    if current is None:
        return Decision("applied", values=_stamp(incoming, change, origin_device), echo=True)
    merged = dict(current)
    conflicts: list[FieldConflict] = []
    changed = False
    for name in change.fields:
        if name in BOOKKEEPING or name == "id" or name not in incoming:
            continue
        new, cur = incoming[name], current.get(name)
        if new == cur:
            continue
        if (
            name in DERIVED.get(change.entity, ())
            or name in change.base
            and change.base[name] == cur
            or name not in change.base
            and change.created
            and cur is None
        ):
            merged[name] = new
            changed = True
        else:
            conflicts.append(FieldConflict(field=name, base=change.base.get(name), server=cur, client=new))
    echo = content(merged) == content(incoming)
    if conflicts:
        return Decision(
            "conflict",
            reason="同一字段在两处被修改,暂以服务器的值为准,待办公室处理 "
            "(the same field was changed in two places; the server's value stands until resolved)",
            values=_stamp(merged, change, origin_device) if changed else None,
            conflicts=conflicts,
            echo=False,
        )
    if not changed:
        return Decision("unchanged", echo=echo)
    return Decision("applied", values=_stamp(merged, change, origin_device), echo=echo)


def _decide_document(
    change: Change,
    incoming: dict[str, Any],
    current: dict[str, Any] | None,
    parent: dict[str, Any] | None,
    origin_device: str,
) -> Decision:
    if change.entity == "inspections":
        owner = str((current or incoming).get("owner_device_id") or "")
        finalized = current is not None and current.get("status") == "finalized"
        number = incoming.get("record_number") or change.id
    else:
        if parent is None:
            return Decision("refused", 422, PARENT_NOT_YET)
        owner = str(parent.get("owner_device_id") or "")
        finalized = parent.get("status") == "finalized"
        number = parent.get("record_number") or change.id
    same = current is not None and content(current) == content(incoming)
    if same:
        return Decision("unchanged", echo=True)
    if finalized and current is not None:
        # A finalized record sent again: the same content (wherever the copy came from) is nothing to do.
        if _final_content(current) == _final_content(incoming):
            return Decision("unchanged", echo=False)
        if _fills_seal(current, incoming):
            # A record finalized before seals existed gets the seal its laptop made on upgrade, once.
            return Decision("applied", values=_stamp(incoming, change, origin_device), echo=True)
        return Decision(
            "refused",
            409,
            f"检查记录 {number} 已定稿,内容与服务器上的不同,未覆盖;如需更正请新建更正版本 "
            f"(inspection {number} is finalized with different content here; nothing was overwritten)",
        )
    if finalized and owner != origin_device:
        return Decision(
            "refused",
            409,
            f"检查记录 {number} 已定稿,不能再添加内容 (inspection {number} is finalized; nothing can be added)",
        )
    if owner and owner != origin_device:
        return Decision(
            "refused",
            403,
            f"检查记录 {number} 属于另一台设备,只能由那台设备修改 "
            f"(inspection {number} belongs to another device and only that device may change it)",
        )
    return Decision("applied", values=_stamp(incoming, change, origin_device), echo=True)


#: Fields that may differ between two faithful copies of a finalized inspection (who holds it, when the
#: copy was made); everything else must be identical.
_COPY_FIELDS = frozenset({"owner_device_id"})


def _final_content(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in content(values).items() if k not in _COPY_FIELDS}


#: A finalized inspection's seal (hoteltv.services.seal): filled in once for records made before seals.
_SEAL_FIELDS = frozenset({"seal_json", "seal_hash"})


def _fills_seal(current: dict[str, Any], incoming: dict[str, Any]) -> bool:
    """The incoming copy differs only by a seal that the held copy does not have yet."""
    if current.get("seal_hash") or not incoming.get("seal_hash"):
        return False
    strip = _COPY_FIELDS | _SEAL_FIELDS
    return {k: v for k, v in content(current).items() if k not in strip} == {
        k: v for k, v in content(incoming).items() if k not in strip
    }


# --- collecting the outbox ----------------------------------------------------------------------------------


@dataclass
class Collected:
    """The unsent changes, compacted per record, and the outbox entries each one covers."""

    changes: list[Change]
    outbox: dict[tuple[str, str], list[int]]
    labels: dict[tuple[str, str], str]

    def seqs(self, changes: Iterable[Change]) -> list[int]:
        return [s for c in changes for s in self.outbox.get((c.entity, c.id), [])]


def _load_rows(session: Session, entity: str, ids: Sequence[str]) -> dict[str, Synced]:
    model = MODELS[entity]
    rows: dict[str, Synced] = {}
    for i in range(0, len(ids), _CHUNK):
        chunk = list(ids[i : i + _CHUNK])
        for row in session.scalars(select(model).where(model.id.in_(chunk))):
            rows[row.id] = row
    return rows


def collect_changes(db: Database) -> Collected:
    """Compact every unsent outbox entry into one :class:`Change` per record, parents first."""
    with db.reading() as s:
        entries = list(
            s.scalars(select(OutboxEntry).where(OutboxEntry.sent_at.is_(None)).order_by(OutboxEntry.seq))
        )
        grouped: dict[tuple[str, str], list[OutboxEntry]] = defaultdict(list)
        for e in entries:
            if e.entity in MODELS:
                grouped[(e.entity, e.entity_id)].append(e)
        by_entity: dict[str, list[str]] = defaultdict(list)
        for entity, rid in grouped:
            by_entity[entity].append(rid)
        rows = {entity: _load_rows(s, entity, ids) for entity, ids in by_entity.items()}
        changes: list[tuple[tuple[int, int], Change]] = []
        outbox: dict[tuple[str, str], list[int]] = {}
        labels: dict[tuple[str, str], str] = {}
        for (entity, rid), group in grouped.items():
            seqs = [e.seq for e in group]
            outbox[(entity, rid)] = seqs
            row = rows[entity].get(rid)
            if row is None:  # cannot happen (no hard deletes); nothing to send
                continue
            values = column_values(row)
            created = any(e.version == 1 and not e.base for e in group)
            fields: list[str] = []
            base: dict[str, Any] = {}
            for e in group:
                for name in e.fields:
                    if name in BOOKKEEPING or name == "id":
                        continue
                    if name not in base and name not in fields:
                        fields.append(name)
                        if name in e.base:
                            base[name] = e.base[name]
            change = Change(
                entity=entity,  # type: ignore[arg-type]
                id=rid,
                seq=max(seqs),
                version=int(values.get("version") or 0),
                created=created,
                fields=sorted(fields),
                base=base,
                values=values,
            )
            labels[(entity, rid)] = label_of(entity, values)
            changes.append(((RANK[entity], min(seqs)), change))
    changes.sort(key=lambda item: item[0])
    return Collected([c for _, c in changes], outbox, labels)


def mark_sent(db: Database, seqs: Sequence[int]) -> None:
    """Mark outbox entries as delivered (they are kept as history, not deleted)."""
    if not seqs:
        return
    with db.transaction() as s:
        mark_sent_in(s, seqs)


def mark_sent_in(session: Session, seqs: Sequence[int]) -> None:
    """:func:`mark_sent` in the caller's transaction."""
    now = utcnow()
    for i in range(0, len(seqs), _CHUNK):
        session.execute(
            update(OutboxEntry).where(OutboxEntry.seq.in_(list(seqs[i : i + _CHUNK]))).values(sent_at=now)
        )


def adopt_versions(db: Database, items: Sequence[tuple[str, str, int, int]]) -> None:
    """Take the server's version number for records it now holds exactly as we do.

    ``items`` are ``(entity, id, version we sent, server version)``; a record edited here since it was
    sent keeps its own number (its next change goes out as usual).
    """
    if not items or all(sent == server for _e, _i, sent, server in items):
        return
    with db.transaction() as s:
        adopt_versions_in(s, items)


def adopt_versions_in(session: Session, items: Sequence[tuple[str, str, int, int]]) -> None:
    """:func:`adopt_versions` in the caller's transaction (plain updates: no tracking, no outbox)."""
    by_entity: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entity, rid, sent, server in items:
        if sent != server:
            by_entity[entity].append({"b_id": rid, "b_sent": sent, "b_server": server})
    for entity, params in by_entity.items():
        table = MODELS[entity].__table__  # type: ignore[attr-defined]
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_sent"))
            .values(version=bindparam("b_server"))
        )
        session.connection().execute(stmt, params)


# --- what is still waiting to be sent -----------------------------------------------------------------------


def pending_fields(session: Session) -> dict[tuple[str, str], set[str]]:
    """Records with unsent local changes → the fields changed (creates list every field)."""
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entity, rid, fields in session.execute(
        select(OutboxEntry.entity, OutboxEntry.entity_id, OutboxEntry.fields).where(
            OutboxEntry.sent_at.is_(None)
        )
    ):
        out[(entity, rid)].update(f for f in fields if f not in BOOKKEEPING)
    return dict(out)


def pending_count(db: Database) -> int:
    """How many records have local changes not yet sent."""
    with db.reading() as s:
        return len(pending_fields(s))


# --- applying the server's records (pull) --------------------------------------------------------------------


@dataclass
class PullApplied:
    inserted: int = 0
    updated: int = 0
    kept_local: int = 0
    photo_hashes: set[str] = field(default_factory=set)


def apply_remote_records(
    db: Database, records: Sequence[RemoteRecord], meta: dict[str, str] | None = None
) -> PullApplied:
    """Write the server's records here, all in one transaction (with ``meta`` keys, e.g. the last seq).

    A record with unsent local changes keeps those: a per-field record keeps the fields changed here and
    takes the others; an inspection part changed here keeps all of it (drafts change only on their owner
    device). Everything else becomes exactly what the server sent.
    """
    result = PullApplied()
    latest: dict[tuple[str, str], RemoteRecord] = {}
    for rec in records:
        prev = latest.get((rec.entity, rec.id))
        if prev is None or rec.seq >= prev.seq:
            latest[(rec.entity, rec.id)] = rec
    ordered = sorted(latest.values(), key=lambda r: (RANK[r.entity], r.seq))
    with db.transaction() as s:
        s.info["applying_remote"] = True
        s.execute(text("PRAGMA defer_foreign_keys = ON"))
        pending = pending_fields(s)
        by_entity: dict[str, list[RemoteRecord]] = defaultdict(list)
        for rec in ordered:
            by_entity[rec.entity].append(rec)
        for entity in ENTITY_ORDER:
            recs = by_entity.get(entity)
            if not recs:
                continue
            table = MODELS[entity].__table__  # type: ignore[attr-defined]
            cols = columns(entity)
            ids = [r.id for r in recs]
            existing: dict[str, int] = {}
            for i in range(0, len(ids), _CHUNK):
                for rid, version in s.execute(
                    select(table.c.id, table.c.version).where(table.c.id.in_(ids[i : i + _CHUNK]))
                ):
                    existing[rid] = version
            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            for rec in recs:
                values = dict(rec.values)
                values["id"] = rec.id
                values["version"] = rec.version
                values["deleted"] = rec.deleted
                if entity == "photos" and not rec.deleted and values.get("sha256"):
                    result.photo_hashes.add(str(values["sha256"]))
                local = pending.get((entity, rec.id))
                if local is not None and rec.id in existing:
                    result.kept_local += 1
                    if entity in DOCUMENT_ENTITIES:
                        continue
                    values = {k: v for k, v in values.items() if k not in local}
                    values["version"] = max(rec.version, existing[rec.id])
                py = to_python(entity, values)
                if rec.id in existing:
                    py = {f"b_{k}": v for k, v in py.items()}
                    updates.append(py)
                    result.updated += 1
                else:
                    missing = [c for c in cols if c not in py]
                    if missing:
                        py.update(_defaults(entity, missing))
                    inserts.append(py)
                    result.inserted += 1
            conn = s.connection()
            if inserts:
                conn.execute(insert(table), inserts)
            # Rows differ in which columns they carry (kept local fields), so group by key set.
            groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
            for row in updates:
                groups[tuple(sorted(row))].append(row)
            for keys, rows in groups.items():
                names = [k[2:] for k in keys if k != "b_id"]
                stmt = (
                    update(table)
                    .where(table.c.id == bindparam("b_id"))
                    .values({n: bindparam(f"b_{n}") for n in names})
                )
                conn.execute(stmt, rows)
        _follow_merges(s, [r.id for r in ordered if r.entity == "hotels"])
        for key, value in (meta or {}).items():
            s.merge(Meta(key=key, value=value))
    return result


def _follow_merges(session: Session, hotel_ids: Iterable[str]) -> None:
    """Hotels (among ``hotel_ids``, just written) that are now merged into another (the same hotel typed
    in twice): their inspections and notices here point at the hotel that stays (see
    :mod:`hoteltv.services.hotel_merge`)."""
    from hoteltv.services.hotel_merge import rewrite_hotel_references, surviving_ids

    ids = sorted(set(hotel_ids))
    if not ids:
        return
    session.flush()
    table = MODELS["hotels"].__table__  # type: ignore[attr-defined]
    merged: dict[str, str] = {}
    for i in range(0, len(ids), _CHUNK):
        for rid, target in session.execute(
            select(table.c.id, table.c.merged_into_id).where(
                table.c.id.in_(ids[i : i + _CHUNK]), table.c.merged_into_id.is_not(None)
            )
        ):
            if target:
                merged[rid] = target
    for old, new in surviving_ids(session, merged).items():
        if session.execute(select(table.c.id).where(table.c.id == new)).first() is not None:
            rewrite_hotel_references(session, old, new)


def _defaults(entity: str, names: list[str]) -> dict[str, Any]:
    """Column defaults for a row the server sent without some columns (an older client wrote it)."""
    out: dict[str, Any] = {}
    table = MODELS[entity].__table__  # type: ignore[attr-defined]
    for name in names:
        col = table.c[name]
        default = col.default
        if default is not None and getattr(default, "is_scalar", False):
            out[name] = default.arg
        elif default is not None and getattr(default, "is_callable", False):
            out[name] = default.arg(None)
        else:
            out[name] = None
    return out


# --- the count/hash check -------------------------------------------------------------------------------------


#: Meta row: records whose refused changes were dropped here (``sync --drop``), by entity. They stay on
#: this computer as they are, are not sent again unless edited again, and are left out of the check.
META_DROPPED = "sync.dropped"


def dropped_ids(session: Session) -> dict[str, list[str]]:
    row = session.get(Meta, META_DROPPED)
    try:
        data = json.loads(row.value) if row is not None and row.value else {}
    except ValueError:
        data = {}
    return {str(k): [str(i) for i in v] for k, v in data.items() if isinstance(v, list)}


def set_dropped(session: Session, dropped: dict[str, list[str]]) -> None:
    data = {k: sorted(set(v)) for k, v in dropped.items() if v}
    session.merge(Meta(key=META_DROPPED, value=json.dumps(data, sort_keys=True)))


def local_digests(db: Database, entities: Iterable[str] = ENTITY_ORDER) -> dict[str, EntityDigest]:
    """Per entity, count and digest of the records here, leaving out records with unsent changes (and
    those whose refused changes were dropped here)."""
    out: dict[str, EntityDigest] = {}
    with db.reading() as s:
        dropped = dropped_ids(s)
        conn = s.connection()
        for entity in entities:
            if entity not in MODELS:
                continue
            # The same lines as protocol.digest_rows, joined by SQLite itself (ids are ASCII, so its
            # byte order equals Python's): much faster than row objects for tens of thousands of rows.
            count, text_ = conn.exec_driver_sql(
                f"SELECT count(*), coalesce(group_concat(line, ''), '') FROM ("  # noqa: S608 - table names are ours
                f"SELECT id || ':' || version || ':' || (CASE WHEN deleted THEN 1 ELSE 0 END) || char(10) AS line "
                f"FROM {entity} WHERE id NOT IN "
                f"(SELECT entity_id FROM outbox WHERE sent_at IS NULL AND entity = ?) "
                f"AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY id)",
                (entity, json.dumps(dropped.get(entity, []))),
            ).one()
            out[entity] = EntityDigest(
                count=int(count), digest=hashlib.sha256(str(text_).encode()).hexdigest()
            )
    return out


def forget_dropped(db: Database, keys: Iterable[tuple[str, str]]) -> None:
    """Records the server accepted again (edited after a drop): the check covers them again."""
    wanted = set(keys)
    if not wanted:
        return
    with db.reading() as s:
        dropped = dropped_ids(s)
    if not any((entity, rid) in wanted for entity, ids in dropped.items() for rid in ids):
        return
    with db.transaction() as s:
        dropped = dropped_ids(s)
        set_dropped(s, {e: [i for i in ids if (e, i) not in wanted] for e, ids in dropped.items()})


def pending_ids(db: Database) -> set[tuple[str, str]]:
    """Records the check leaves alone: unsent changes here, and refused changes dropped here."""
    with db.reading() as s:
        dropped = {(entity, rid) for entity, ids in dropped_ids(s).items() for rid in ids}
        return set(pending_fields(s)) | dropped


# --- applying change sets here (bundle import on a laptop) ----------------------------------------------------


@dataclass
class LocalApply:
    results: list[ChangeResult] = field(default_factory=list)
    photo_hashes: set[str] = field(default_factory=set)


class DanglingReference(HoteltvError):
    """Applying the changes would leave a record pointing at one that does not exist; nothing was applied."""


def _required(entity: str) -> list[str]:
    """Columns a new record must have a value for (not null, no default)."""
    table = MODELS[entity].__table__  # type: ignore[attr-defined]
    return [
        c.key
        for c in table.columns
        if not c.nullable and not c.primary_key and c.default is None and c.server_default is None
    ]


def _dangling(session: Session, entity: str, py: dict[str, Any], coming: set[tuple[str, str]]) -> str | None:
    """A reference of the record to one that is neither in this database (so far in this transaction)
    nor among ``coming`` (changes still to be applied)."""
    table = MODELS[entity].__table__  # type: ignore[attr-defined]
    for col in table.columns:
        value = py.get(col.key)
        if value is None or not col.foreign_keys:
            continue
        target = next(iter(col.foreign_keys)).column.table.name
        if (target, value) in coming or session.get(MODELS[target], value) is not None:
            continue
        return (
            f"引用的记录不在本机也不在数据包中:{col.key} → {target} {str(value)[:40]} "
            f"(refers to a {target} record that is neither here nor in the bundle)"
        )
    return None


def apply_changes_locally(db: Database, changes: Sequence[Change], origin_device: str) -> LocalApply:
    """Apply another device's change sets to this database by :func:`decide`, in one transaction.

    Conflicts keep this database's value and are listed (``sync_conflicts``) with both values, once: the
    same conflict arriving again (the bundle imported twice) is not listed twice. The changes are not
    queued to be sent from here: their own device sends them (or the bundle goes to the server).

    A change that cannot be stored here — a value that does not fit its column, a required field missing
    from a new record, a reference to a record that is neither here nor in the bundle — is refused (422)
    with the reason, and nothing of it is written; the others are applied.
    """
    out = LocalApply()
    ordered = sorted(changes, key=lambda c: (RANK[c.entity], c.seq))
    coming: set[tuple[str, str]] = {(c.entity, c.id) for c in changes}  # less those refused so far
    with db.transaction() as s:
        s.info["applying_remote"] = True
        s.execute(text("PRAGMA defer_foreign_keys = ON"))
        pending = pending_fields(s)
        for change in ordered:
            change = _local_identity(s, change)  # noqa: PLW2901 - the change as it applies here

            def refused(reason: str, change: Change = change) -> None:
                coming.discard((change.entity, change.id))
                out.results.append(
                    ChangeResult(
                        entity=change.entity, id=change.id, status="refused", code=422, reason=reason
                    )
                )

            model = MODELS[change.entity]
            row = s.get(model, change.id)
            current = column_values(row) if row is not None else None
            parent = None
            if change.entity in DOCUMENT_ENTITIES and change.entity != "inspections":
                insp_id = change.values.get("inspection_id")
                parent_row = s.get(MODELS["inspections"], insp_id) if isinstance(insp_id, str) else None
                parent = column_values(parent_row) if parent_row is not None else None
            decision = decide(change, current, parent, origin_device)
            if (
                decision.values is not None
                and (change.entity, change.id) in pending
                and row is not None
                and change.entity in DOCUMENT_ENTITIES
            ):
                # Our own unsent edit of an inspection part: keep it (per-field records merged above).
                decision = Decision("refused", 409, "本机有未发送的修改 (changed here and not yet sent)")
            if decision.status == "refused":
                coming.discard((change.entity, change.id))  # what refers to it must find it here already
            elif (
                decision.values is not None
                and current is not None
                and change.entity in DOCUMENT_ENTITIES
                and change.version < int(current.get("version") or 0)
            ):
                # An older state of a draft than the one here (a bundle imported after a newer one, or
                # after the newer state came by sync): writing it would roll the draft back under the
                # newer version number, where no sync check could see it (found by the fault campaign).
                decision = Decision(
                    "unchanged", reason="本机已有更新的版本 (a newer version is already here)"
                )
            elif (
                decision.values is not None
                and current is not None
                and change.entity in DERIVED
                and change.version < int(current.get("version") or 0)
            ):
                # Fields computed from the inspection history take the newest value pushed: an older change
                # (a bundle imported late) must not set them back under the newer version number either.
                values = {**decision.values, **{k: current.get(k) for k in DERIVED[change.entity]}}
                if content(values) != content(current):
                    decision.values = values
                elif decision.status == "applied":
                    decision = Decision("unchanged")
                else:
                    decision.values = None
            label = label_of(change.entity, change.values)
            if decision.values is not None:
                try:
                    py = to_python(change.entity, decision.values)
                except ValueError as exc:
                    refused(str(exc))
                    continue
                py["version"] = max(change.version, (current or {}).get("version") or 0)
                missing = [k for k in _required(change.entity) if py.get(k) is None] if row is None else []
                if missing:
                    refused(f"缺少必填字段 {', '.join(missing)} (required fields missing)")
                    continue
                dangling = _dangling(s, change.entity, py, coming)
                if dangling:
                    refused(dangling)
                    continue
                try:
                    with s.begin_nested():
                        if row is None:
                            s.add(model(**py))
                        else:
                            for key, value in py.items():
                                if key != "id":
                                    setattr(row, key, value)
                        s.flush()
                except (SQLAlchemyError, ValueError, TypeError, OverflowError) as exc:
                    # Whatever the checks above missed: this change is not written, the others go on.
                    refused(f"无法保存 (cannot be stored here: {str(exc).splitlines()[0][:200]})")
                    continue
                if change.entity == "photos" and not py.get("deleted") and py.get("sha256"):
                    out.photo_hashes.add(str(py["sha256"]))
            for c in decision.conflicts:
                if _listed(s, change.entity, change.id, c.field, c.client):
                    continue
                s.add(
                    SyncConflict(
                        entity=change.entity,
                        record_id=change.id,
                        field=c.field,
                        label=label,
                        values={
                            "kept": c.server,
                            "other": c.client,
                            "base": c.base,
                            "kept_source": "本机 (this computer)",
                            "other_source": f"设备 (device) {origin_device[:8]}",
                        },
                        other_device=origin_device,
                    )
                )
            out.results.append(
                ChangeResult(
                    entity=change.entity,
                    id=change.id,
                    status=decision.status,
                    code=decision.code,
                    reason=decision.reason,
                    conflicts=decision.conflicts,
                    echo=decision.echo,
                )
            )
        _follow_merges(s, [r.id for r in out.results if r.entity == "hotels" and r.status != "refused"])
        # A reference to a record later in the bundle whose own change was refused: the transaction would
        # fail at commit; say which record it is instead.
        for entity in sorted({c.entity for c in changes}):
            for _table, rowid, parent, _fk in s.execute(text(f"PRAGMA foreign_key_check({entity})")):
                rid = s.execute(text(f"SELECT id FROM {entity} WHERE rowid = :r"), {"r": rowid}).scalar()
                if (entity, str(rid)) in coming:  # not a problem this import brought
                    raise DanglingReference(
                        f"{entity} {rid} 引用的 {parent} 记录不在本机也未被导入 "
                        f"({entity} {rid} refers to a {parent} record that is neither here nor imported)"
                    )
    return out


def _local_identity(session: Session, change: Change) -> Change:
    """A change as it applies here, where a hotel may have been merged into another (as on the server):
    an edit of a merged hotel goes to the one that stays; an inspection or notice of it is stored
    under the one that stays."""
    from hoteltv.services.hotel_merge import surviving_ids

    hotels = MODELS["hotels"]

    def live(hotel_id: Any) -> str | None:
        row = session.get(hotels, hotel_id) if isinstance(hotel_id, str) and hotel_id else None
        target = getattr(row, "merged_into_id", None) if row is not None else None
        if not target:
            return None
        found = surviving_ids(session, {hotel_id: target}).get(hotel_id)
        return found if found and session.get(hotels, found) is not None else None

    if change.entity == "hotels" and not change.values.get("merged_into_id"):
        keep = live(change.id)
        if keep:
            fields = [f for f in change.fields if f not in ("deleted", "merged_into_id", "id")]
            return change.model_copy(update={"id": keep, "fields": fields, "created": False})
    elif change.entity in ("inspections", "rectification_notices"):
        keep = live(change.values.get("hotel_id"))
        if keep:
            return change.model_copy(update={"values": {**change.values, "hotel_id": keep}})
    return change


def _listed(session: Session, entity: str, record_id: str, field_name: str, other: Any) -> bool:
    """Is this conflict (the same record, field and other value) already listed and open?"""
    for values in session.scalars(
        select(SyncConflict.values).where(
            SyncConflict.entity == entity,
            SyncConflict.record_id == record_id,
            SyncConflict.field == field_name,
            SyncConflict.status == "open",
        )
    ):
        if (values or {}).get("other") == other:
            return True
    return False
