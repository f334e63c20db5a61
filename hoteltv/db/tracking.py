"""Change tracking done once, for every write: sync columns, audit events, outbox, immutability.

A ``before_flush`` hook on every session that :mod:`hoteltv.db.engine` makes:

* stamps synced rows (``updated_at``, ``device_id``, ``version`` + 1);
* writes an :class:`AuditEvent` (who, when, what, old → new) and an :class:`OutboxEntry` (for sync) in the
  same transaction as the change, so neither can be missing after a commit;
* refuses hard deletes of synced rows (a tombstone, ``deleted=True``, is the only delete);
* refuses any change to a finalized inspection or its rooms, team and photos
  (:class:`RecordFinalizedError`), and any change to a draft made on another device.

Sync code applying the server's changes sets ``session.info["applying_remote"] = True``: the rows it
writes are stamped as they come and produce no outbox entries.

After each commit, whatever the thread, the listeners in ``session.info["commit_listeners"]`` (the
database's, see :meth:`hoteltv.db.engine.Database.on_commit`) get a :class:`Changes`: the tables and ids
the commit wrote, collected from the flushes (rows) and from bulk statements run through the session
(whole tables). A window shows fresh data by listening, not by being told by whoever wrote.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from hoteltv.db.models import (
    AuditEvent,
    Inspection,
    InspectionInspector,
    OutboxEntry,
    Photo,
    RoomCheck,
    Synced,
    new_id,
    utcnow,
)
from hoteltv.errors import HoteltvError, RecordFinalizedError

log = logging.getLogger(__name__)

#: Columns maintained here, never reported as a user's change.
BOOKKEEPING = frozenset({"created_at", "updated_at", "device_id", "version"})


@dataclass(frozen=True)
class Changes:
    """What one or more commits wrote: record ids per table, and tables written in bulk (ids unknown)."""

    rows: Mapping[str, frozenset[str]] = field(default_factory=dict)
    bulk: frozenset[str] = frozenset()
    #: Written by sync applying the server's changes (not by this laptop's user).
    remote: bool = False

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(self.rows) | self.bulk

    def touches(self, table: str, record_id: str | None = None) -> bool:
        """Whether ``table`` (the record ``record_id`` in it, when given) may have changed."""
        if table in self.bulk:
            return True
        ids = self.rows.get(table)
        if ids is None:
            return False
        return record_id is None or record_id in ids

    def ids(self, table: str) -> frozenset[str]:
        """The ids known to have changed in ``table`` (empty when only a bulk change is known)."""
        return self.rows.get(table, frozenset())

    def __bool__(self) -> bool:
        return bool(self.rows or self.bulk)

    def merged(self, other: Changes) -> Changes:
        rows = {t: self.ids(t) | other.ids(t) for t in (*self.rows, *other.rows)}
        return Changes(rows, self.bulk | other.bulk, self.remote and other.remote)


CommitListener = Callable[[Changes], None]

_ROWS = "_hoteltv_changed_rows"
_BULK = "_hoteltv_changed_bulk"
LISTENERS = "commit_listeners"


def _note_rows(session: Session, objects: Iterable[object]) -> None:
    rows: dict[str, set[str]] = session.info.setdefault(_ROWS, {})
    for obj in objects:
        table = getattr(type(obj), "__tablename__", None)
        if table is None:
            continue
        identity = inspect(obj).identity
        key = getattr(obj, "id", None) if identity is None else identity[0]
        rows.setdefault(str(table), set()).add(str(key))


def _note_bulk(session: Session, tables: Iterable[str]) -> None:
    bulk: set[str] = session.info.setdefault(_BULK, set())
    bulk.update(tables)


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    _note_rows(session, [*session.new, *session.dirty, *session.deleted])


def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        name = getattr(table, "name", None)
        if name:
            _note_bulk(state.session, [str(name)])


def _after_commit(session: Session) -> None:
    rows: dict[str, set[str]] = session.info.pop(_ROWS, {})
    bulk: set[str] = session.info.pop(_BULK, set())
    if not rows and not bulk:
        return
    changes = Changes(
        {t: frozenset(ids) for t, ids in rows.items()},
        frozenset(bulk),
        bool(session.info.get("applying_remote")),
    )
    notify(session.info.get(LISTENERS, ()), changes)


def notify(listeners: Iterable[CommitListener], changes: Changes) -> None:
    """Tell each listener what a commit wrote (after the commit, so nothing a listener does can undo it)."""
    for listener in list(listeners):
        try:
            listener(changes)
        except Exception:  # a listener's bug must not undo or hide a commit that happened
            log.exception("commit listener %r failed", listener)


def _after_rollback(session: Session) -> None:
    session.info.pop(_ROWS, None)
    session.info.pop(_BULK, None)


def jsonable(value: Any) -> Any:
    """A value as it is written into audit/outbox JSON."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is float or value is None:
        return value  # the usual column value, as it is (checked first: a first sync reads every record)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def column_values(obj: Synced) -> dict[str, Any]:
    """All column values of a record, JSON-ready (used for create events and sync payloads)."""
    mapper = inspect(type(obj))
    return {c.key: jsonable(getattr(obj, c.key)) for c in mapper.column_attrs}


def _changes(obj: Synced) -> dict[str, list[Any]]:
    state = inspect(obj)
    out: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in BOOKKEEPING:
            continue
        hist = state.attrs[attr.key].history
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if old == new:
            continue
        out[attr.key] = [jsonable(old), jsonable(new)]
    return out


def _committed_status(insp: Inspection) -> str | None:
    """The inspection's status as stored before this flush (None for a new row)."""
    state = inspect(insp)
    if state.pending or state.transient:
        return None
    hist = state.attrs["status"].history
    if hist.deleted:
        return str(hist.deleted[0])
    return insp.status


def _owning_inspection(session: Session, obj: object) -> Inspection | None:
    if isinstance(obj, Inspection):
        return obj
    if isinstance(obj, RoomCheck | InspectionInspector):
        # Set when the part was appended through the relationship.
        parent: Inspection | None = obj.__dict__.get("inspection")
        if parent is not None:
            return parent
    if not isinstance(obj, RoomCheck | InspectionInspector | Photo) or obj.inspection_id is None:
        return None
    with session.no_autoflush:
        return session.get(Inspection, obj.inspection_id)


def _guard_inspection_parts(session: Session, obj: object) -> None:
    insp = _owning_inspection(session, obj)
    if insp is None:
        return
    status = _committed_status(insp)
    if status == "finalized":
        raise RecordFinalizedError(
            f"检查记录 {insp.record_number} 已定稿,不能再修改;如需更正请新建更正版本 "
            f"(inspection {insp.record_number} is finalized and cannot change; make a correction instead)"
        )
    device = session.info.get("device_id", "")
    if status == "draft" and insp.owner_device_id and device and insp.owner_device_id != device:
        raise RecordFinalizedError(
            f"检查记录 {insp.record_number} 是另一台设备的草稿,只能在那台设备上修改 "
            f"(this draft belongs to another device)"
        )


def _before_flush(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    if session.info.get("applying_remote"):
        return
    now = utcnow()
    device = str(session.info.get("device_id", ""))
    actor = str(session.info.get("actor", ""))
    for obj in list(session.deleted):
        if isinstance(obj, Synced):
            raise HoteltvError(
                f"{type(obj).__name__} {obj.id}: records are never hard-deleted; set deleted=True (a tombstone)"
            )
    audit: list[dict[str, Any]] = []
    outbox: list[dict[str, Any]] = []

    def record(
        obj: Synced, action: str, version: int, changes: dict[str, list[Any]], fields: list[str]
    ) -> None:
        entity = type(obj).__tablename__  # type: ignore[attr-defined]
        audit.append(
            {
                "id": new_id(),
                "at": now,
                "actor": actor,
                "device_id": device,
                "entity": entity,
                "entity_id": obj.id,
                "action": action,
                "changes": changes,
            }
        )
        outbox.append(
            {
                "entity": entity,
                "entity_id": obj.id,
                "version": version,
                "at": now,
                "fields": fields,
                "base": {k: v[0] for k, v in changes.items()} if action != "create" else {},
                "sent_at": None,
            }
        )

    for obj in list(session.new):
        if not isinstance(obj, Synced):
            continue
        _guard_inspection_parts(session, obj)
        obj.created_at = obj.created_at or now
        obj.updated_at = now
        obj.device_id = device
        obj.version = 1
        if obj.id is None:
            obj.id = new_id()
        values = column_values(obj)
        created = {k: [None, v] for k, v in values.items() if k not in BOOKKEEPING and v is not None}
        record(obj, "create", 1, created, sorted(values))
    for obj in list(session.dirty):
        if not isinstance(obj, Synced) or not session.is_modified(obj, include_collections=False):
            continue
        changes = _changes(obj)
        if not changes:
            continue
        _guard_inspection_parts(session, obj)
        obj.updated_at = now
        obj.device_id = device
        obj.version = (obj.version or 0) + 1
        action = "delete" if changes.get("deleted") == [False, True] else "update"
        record(obj, action, obj.version, changes, sorted(changes))
    if audit:
        # Plain inserts on the flush's own connection: same transaction, far cheaper than ORM objects
        # when an import writes thousands of rows.
        conn = session.connection()
        conn.execute(insert(AuditEvent), audit)
        conn.execute(insert(OutboxEntry), outbox)
        _note_bulk(session, [AuditEvent.__tablename__, OutboxEntry.__tablename__])


_INSTALLED = "_hoteltv_tracking"


def install(session_class: Any) -> None:
    """Attach the hook to a session class or sessionmaker-made sessions (once per target).

    Not decided by ``event.contains``: SQLAlchemy's event registry is keyed by ``id()``, and the session
    class of a new sessionmaker can reuse the id of one already garbage-collected, so ``contains`` may
    answer yes for a target that has no hook. Every write through it then made no outbox row (never
    synced), no audit row and no immutability check (found by the sync fault campaign, which opens many
    databases in one process)."""
    if getattr(session_class, _INSTALLED, False):
        return
    event.listen(session_class, "before_flush", _before_flush)
    event.listen(session_class, "after_flush", _after_flush)
    event.listen(session_class, "do_orm_execute", _on_execute)
    event.listen(session_class, "after_commit", _after_commit)
    event.listen(session_class, "after_rollback", _after_rollback)
    setattr(session_class, _INSTALLED, True)
