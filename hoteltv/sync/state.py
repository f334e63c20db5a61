"""The laptop's sync state as plain values: pending changes, last sync, per-record outcomes, conflicts.

The GUI panel and the CLI read these; the client writes them. Resolving a conflict here is an ordinary
edit (tracked, in the outbox) plus a note that tells the next sync to settle it on the server too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, Literal

from sqlalchemy import delete, func, insert, select, update

from hoteltv.chunks import chunked
from hoteltv.db.engine import Database
from hoteltv.db.models import Meta, OutboxEntry, SyncConflict, SyncLog, SyncRecordState, utcnow
from hoteltv.errors import HoteltvError, NotFoundError
from hoteltv.sync.outbox import dropped_ids, pending_fields, set_dropped
from hoteltv.sync.values import MODELS, to_python, value_problem

RecordState = Literal["pending", "sent", "complete", "conflict", "failed"]

STATE_WORDS = {
    "pending": "待发送 (waiting to be sent)",
    "sent": "已发送 (sent)",
    "complete": "已完整 (complete: record and all its photos on the server)",
    "conflict": "有冲突 (conflict: changed in two places)",
    "failed": "失败 (failed)",
}


#: Names people use for the fields that can be in conflict (per-field records).
FIELD_WORDS = {
    "name": "名称",
    "division_id": "所属县区",
    "address": "地址",
    "credit_code": "统一社会信用代码",
    "star_class": "星级",
    "rooms": "客房数",
    "tvs": "电视机数",
    "tv_system": "电视系统",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "person_in_charge": "负责人",
    "pilot": "试点",
    "target_mode": "目标模式",
    "current_mode": "当前模式",
    "remediation_status": "整改状态",
    "notes": "备注",
    "deleted": "已删除",
    "enforcement_id": "执法证号",
    "phone": "电话",
    "deadline": "整改期限",
    "reinspection_date": "复查日期",
    "items": "整改项目",
    "status": "状态",
    "reinspection_id": "复查记录",
    "closed_at": "关闭时间",
    "receipt_signed_by": "送达回证签收人",
    "aliases": "别名",
    "merged_into_id": "并入酒店",
    "site_kind": "场所类型",
}


def field_words(field: str) -> str:
    """A field as people call it: ``联系电话 (contact_phone)``."""
    zh = FIELD_WORDS.get(field)
    return f"{zh} ({field})" if zh else field


@dataclass(frozen=True)
class RecordOutcome:
    """One record's result in a sync, for people: what happened and why, in words."""

    entity: str
    id: str
    label: str
    state: RecordState
    reason: str = ""
    conflicts: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class ConflictView:
    id: str
    server_id: int | None
    entity: str
    record_id: str
    field: str
    label: str
    kept: Any
    other: Any
    base: Any
    kept_source: str
    other_source: str
    status: str
    created_at: datetime | None
    #: The value the record holds here now (after a resolution: the value in force).
    in_force: Any = None

    @property
    def ref(self) -> str:
        """The id people use: the server's conflict number, the same on every laptop (a conflict found
        by a bundle import and not yet known to a server: the first characters of its local id)."""
        return str(self.server_id) if self.server_id is not None else self.id[:8]


@dataclass(frozen=True)
class SyncLogView:
    id: int
    kind: str
    target: str
    started_at: datetime
    finished_at: datetime | None
    ok: bool
    summary: dict[str, Any]
    message: str


@dataclass(frozen=True)
class SyncOverview:
    """What the sync panel shows at the top."""

    pending: int
    open_conflicts: int
    failed: int
    last: SyncLogView | None
    last_ok_at: datetime | None
    states: dict[str, int] = field(default_factory=dict)


def _log_view(row: SyncLog) -> SyncLogView:
    return SyncLogView(
        row.id, row.kind, row.target, row.started_at, row.finished_at, row.ok, dict(row.summary), row.message
    )


def overview(db: Database) -> SyncOverview:
    with db.reading() as s:
        pending = len(pending_fields(s))
        conflicts = int(
            s.scalar(select(func.count()).select_from(SyncConflict).where(SyncConflict.status != "resolved"))
            or 0
        )
        states = {
            st: int(n)
            for st, n in s.execute(
                select(SyncRecordState.state, func.count()).group_by(SyncRecordState.state)
            )
        }
        last = s.scalars(select(SyncLog).where(SyncLog.kind == "sync").order_by(SyncLog.id.desc())).first()
        last_ok = s.scalars(
            select(SyncLog.finished_at)
            .where(SyncLog.kind == "sync", SyncLog.ok.is_(True))
            .order_by(SyncLog.id.desc())
        ).first()
        return SyncOverview(
            pending=pending,
            open_conflicts=conflicts,
            failed=states.get("failed", 0),
            last=_log_view(last) if last is not None else None,
            last_ok_at=last_ok,
            states=states,
        )


def record_states(db: Database, limit: int = 5000) -> list[RecordOutcome]:
    """Per-record outcomes of the latest syncs, newest first."""
    with db.reading() as s:
        stmt = select(SyncRecordState).order_by(SyncRecordState.at.desc()).limit(limit)
        return [
            RecordOutcome(r.entity, r.record_id, r.label, r.state, r.reason)  # type: ignore[arg-type]
            for r in s.scalars(stmt)
        ]


@cache
def _outcome_upsert() -> Any:
    """The upsert of per-record outcomes (built once: every sync that moved something ends with it)."""
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    stmt = sqlite_insert(SyncRecordState)
    return stmt.on_conflict_do_update(
        index_elements=["entity", "record_id"],
        set_={k: stmt.excluded[k] for k in ("label", "state", "reason", "at")},
    )


@dataclass
class LogEntry:
    """A sync-log entry being made: written once, when the run ends (an idle sync costs one write)."""

    kind: str
    target: str
    started_at: datetime = field(default_factory=utcnow)


def start_log(kind: str, target: str) -> LogEntry:
    return LogEntry(kind, target[:500])


#: Built once (its values come as parameters): every sync, idle ones too, ends with this insert.
_LOG_INSERT = insert(SyncLog)


def finish_log(
    db: Database,
    entry: LogEntry,
    ok: bool,
    summary: dict[str, Any],
    message: str,
    outcomes: Sequence[RecordOutcome] = (),
    meta: Mapping[str, str] | None = None,
) -> None:
    """Write the log line of a run that ended, with the per-record ``outcomes`` of it in the same write
    (one row per record: of a record named twice, the last outcome stands) and the ``meta`` keys given
    (notes whose loss in a power cut costs a slower next sync, nothing else)."""
    now = utcnow()
    row = {
        "kind": entry.kind,
        "target": entry.target,
        "started_at": entry.started_at,
        "finished_at": now,
        "ok": ok,
        "summary": summary,
        "message": message,
    }
    outcome_rows = {
        (o.entity, o.id): {
            "entity": o.entity,
            "record_id": o.id,
            "label": o.label[:200],
            "state": o.state,
            "reason": o.reason,
            "at": now,
        }
        for o in outcomes
    }
    with db.bookkeeping() as conn:  # a log line: not worth waiting for the disk
        for chunk in chunked(outcome_rows.values(), 500):
            conn.execute(_outcome_upsert(), chunk)
        conn.execute(_LOG_INSERT, row)
        if meta:
            conn.exec_driver_sql(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                list(meta.items()),
            )


# --- refused changes --------------------------------------------------------------------------------------------

#: The parts of an inspection: dropping a refused inspection drops its refused parts with it.
_PARTS = ("room_checks", "inspection_inspectors", "photos")


@dataclass(frozen=True)
class RefusedChange:
    """A change the server refused at the last sync that is still queued here, with the reason."""

    entity: str
    id: str
    label: str
    reason: str
    at: datetime | None


def refused_changes(db: Database) -> list[RefusedChange]:
    """Queued changes the server refused last time (they are sent again at each sync until dropped)."""
    with db.reading() as s:
        pending = pending_fields(s)
        rows = s.scalars(
            select(SyncRecordState)
            .where(SyncRecordState.state == "failed")
            .order_by(SyncRecordState.entity, SyncRecordState.record_id)
        )
        return [
            RefusedChange(r.entity, r.record_id, r.label, r.reason, r.at)
            for r in rows
            if (r.entity, r.record_id) in pending
        ]


def drop_refused(db: Database, ref: str, actor: str = "") -> list[RefusedChange]:
    """Give up a refused change (its record id or the first characters of it; an inspection takes its
    refused parts along). The record stays on this computer as it is, is no longer sent, and is left out
    of the sync check; an edit made to it later queues it again. Returns what was dropped."""
    ref = ref.strip()
    refused = refused_changes(db)
    found = [c for c in refused if c.id == ref] or [c for c in refused if ref and c.id.startswith(ref)]
    if len(found) != 1:
        raise NotFoundError(
            f"没有被拒绝的修改匹配 {ref!r},请用 hoteltv sync --refused 查看 "
            f"(no refused change matches {ref!r}; see hoteltv sync --refused)"
            if not found
            else f"有多个被拒绝的修改匹配 {ref!r},请给出更多字符 (several refused changes match {ref!r})"
        )
    target = found[0]
    dropping = [target]
    if target.entity == "inspections":
        with db.reading() as s:
            part_ids: set[tuple[str, str]] = set()
            for entity in _PARTS:
                model = MODELS[entity]
                part_ids |= {
                    (entity, rid)
                    for rid in s.scalars(
                        select(model.id).where(model.inspection_id == target.id)  # type: ignore[attr-defined]
                    )
                }
        dropping += [c for c in refused if (c.entity, c.id) in part_ids]
    now = utcnow()
    with db.transaction(actor) as s:
        dropped = dropped_ids(s)
        for c in dropping:
            s.execute(
                update(OutboxEntry)
                .where(
                    OutboxEntry.entity == c.entity,
                    OutboxEntry.entity_id == c.id,
                    OutboxEntry.sent_at.is_(None),
                )
                .values(sent_at=now)
            )
            s.execute(
                delete(SyncRecordState).where(
                    SyncRecordState.entity == c.entity, SyncRecordState.record_id == c.id
                )
            )
            dropped.setdefault(c.entity, []).append(c.id)
        set_dropped(s, dropped)
        checked = s.get(Meta, "sync.checked")
        if checked is not None:  # the next sync compares again, without these records
            s.delete(checked)
    return dropping


# --- conflicts ----------------------------------------------------------------------------------------------------


def _conflict_view(c: SyncConflict, in_force: Any = None) -> ConflictView:
    v = c.values or {}
    return ConflictView(
        c.id,
        c.server_id,
        c.entity,
        c.record_id,
        c.field,
        c.label,
        v.get("kept"),
        v.get("other"),
        v.get("base"),
        str(v.get("kept_source", "")),
        str(v.get("other_source", "")),
        c.status,
        c.created_at,
        in_force,
    )


def value_here(session: Any, c: SyncConflict, missing: Any = None) -> Any:
    """The conflicting field's value on this computer now, as JSON (``missing`` when the record is not
    here)."""
    from hoteltv.db.tracking import jsonable

    model = MODELS.get(c.entity)
    row = session.get(model, c.record_id) if model is not None else None
    return jsonable(getattr(row, c.field, None)) if row is not None else missing


def list_conflicts(db: Database, *, include_resolved: bool = False) -> list[ConflictView]:
    """Conflicts, oldest first; each with the value in force here now (which, once a conflict is
    resolved anywhere and the choice has arrived, is the chosen value)."""
    with db.reading() as s:
        stmt = select(SyncConflict).order_by(SyncConflict.created_at)
        if not include_resolved:
            stmt = stmt.where(SyncConflict.status != "resolved")
        return [_conflict_view(c, value_here(s, c)) for c in s.scalars(stmt)]


def link_found_here(session: Any, row: SyncConflict) -> bool:
    """The server's conflict ``row`` (its number set) is one found here first, by a bundle import (the same
    record and field, not yet linked): that one takes the server's number and values (the server's value
    is the one in force once synced), so one conflict is listed, with one id on every laptop; one already
    settled here is settled on the server by the same choice. False: none here, ``row`` is new."""
    found = list(
        session.scalars(
            select(SyncConflict)
            .where(
                SyncConflict.server_id.is_(None),
                SyncConflict.entity == row.entity,
                SyncConflict.record_id == row.record_id,
                SyncConflict.field == row.field,
            )
            .order_by(SyncConflict.created_at.desc())
        )
    )
    same = next((c for c in found if c.status != "resolved"), None)
    if same is None:
        # Settled here already (before the server met it): the same disagreement — the values the other
        # way round — takes the server's number, and the choice made here goes to the server.
        theirs = row.values or {}
        same = next(
            (
                c
                for c in found
                if (c.values or {}).get("kept") == theirs.get("other")
                and (c.values or {}).get("other") == theirs.get("kept")
            ),
            None,
        )
        if same is None:
            return False
        same.status = "resolving"
        same.resolution = {"choice": "value", "value": dict(same.resolution or {}).get("value")}
        same.resolved_at = None
    same.server_id, same.values, same.other_device = row.server_id, row.values, row.other_device
    same.label = row.label or same.label
    return True


def find_conflict(db: Database, ref: str) -> ConflictView:
    """A conflict by its id, the first characters of it, or the server's number."""
    views = list_conflicts(db, include_resolved=True)
    found = [v for v in views if ref.isdigit() and v.server_id == int(ref)]  # the number listed
    found = found or [v for v in views if v.id == ref or (ref and v.id.startswith(ref))]
    if len(found) != 1:
        raise NotFoundError(
            f"{'没有' if not found else '有多个'}冲突匹配 {ref!r} ({'no' if not found else 'several'} conflicts match)"
        )
    return found[0]


#: Why an inspector's laptop does not settle a conflict the server holds (the server refuses it: 403).
OFFICE_RESOLVES = (
    "冲突由办公室账号处理,检查员账号不能处理;记录仍可照常修改 (conflicts are settled by an office "
    "account; an inspector's account may still edit the record as usual)"
)


def account_role(session: Any) -> str:
    """The role the server named for this data folder's account at its latest sync that reached it
    ("inspector", "office", "admin"; "" before any)."""
    for summary in session.scalars(  # newest first: a sync that failed before the hello names none
        select(SyncLog.summary).where(SyncLog.kind == "sync").order_by(SyncLog.id.desc())
    ):
        role = (summary or {}).get("role")
        if role:
            return str(role)
    return ""


def may_resolve(db: Database) -> bool:
    """Whether this laptop's account settles conflicts the server holds (office and admin accounts)."""
    with db.reading() as s:
        return account_role(s) != "inspector"


def resolve_conflict(
    db: Database,
    conflict_id: str,
    choice: Literal["kept", "other", "value"],
    value: Any = None,
    actor: str = "",
) -> ConflictView:
    """Settle a conflict here: the chosen value is written as an ordinary (synced) edit when it differs
    from the value in force; the next sync tells the server the conflict is settled. ``kept`` keeps the
    value in force now — not the one the conflict recorded, which a later accepted edit may have replaced
    (taking it back would undo that edit); on the server too, the value in force there stands (see
    :meth:`hoteltv.sync.client.SyncClient._resolve_pending`)."""
    with db.transaction(actor) as s:
        c = s.get(SyncConflict, conflict_id)
        if c is None:
            raise NotFoundError("没有这个冲突 (no such conflict)")
        if c.status == "resolved":
            return _conflict_view(c)
        if c.server_id is not None and account_role(s) == "inspector":
            raise HoteltvError(f"冲突 {c.server_id} 未处理:{OFFICE_RESOLVES}")
        v = c.values or {}
        model = MODELS.get(c.entity)
        if model is None:
            raise HoteltvError(f"unknown record type {c.entity}")
        row = s.get(model, c.record_id)
        if row is None:
            raise NotFoundError("记录不存在 (the record is not in this database)")
        chosen = value_here(s, c) if choice == "kept" else v.get("other") if choice == "other" else value
        problem = value_problem(c.entity, {c.field: chosen})
        if problem:  # what the server would refuse at every sync (text in a number column …)
            raise HoteltvError(f"值无效,冲突未处理:{problem} (invalid value; the conflict stays open)")
        try:
            py = to_python(c.entity, {c.field: chosen})
        except ValueError as exc:
            raise HoteltvError(f"值无效 (invalid value: {exc})") from exc
        if c.field in py and getattr(row, c.field) != py[c.field]:
            setattr(row, c.field, py[c.field])
        c.resolution = {"choice": choice, "value": chosen}
        c.status = "resolving" if c.server_id is not None else "resolved"
        if c.status == "resolved":
            c.resolved_at = utcnow()
        s.flush()
        return _conflict_view(c)
