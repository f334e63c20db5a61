"""What the server does with each request, independent of HTTP (the app and the admin commands call it).

A push is one transaction (see :func:`push` for which run at once): the batch key is looked up first, under the account and
device that send it (a batch this account and device sent before gets its stored answer and nothing
changes), then each change is checked against the caller's scope and
met with the server's record by :func:`hoteltv.sync.merge.decide`; every accepted change gets the next
sequence number and a change-log row; conflicts are stored with both values. An answer is stored only when
it is final: a batch with a change refused for a reason that can pass later (its hotel or inspection not
here yet, outside the account's divisions today) is worked out afresh each time it comes.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, Text, bindparam, func, insert, or_, select, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from hoteltv.chunks import chunked
from hoteltv.sync.merge import CORRECTED_ELSEWHERE, IN_CONFLICT, NOT_REDIRECTED, PARENT_NOT_YET, decide
from hoteltv.sync.protocol import (
    DOCUMENT_ENTITIES,
    ENTITY_ORDER,
    Change,
    ChangeResult,
    CheckResponse,
    ConflictOut,
    FieldConflict,
    InspectionStatus,
    PullResponse,
    PushRequest,
    PushResponse,
    RemoteRecord,
    ResolveRequest,
    StatusResponse,
    digest_rows,
    lineage_copied,
)
from hoteltv.sync.server.auth import SHARED_ENTITIES, Caller
from hoteltv.sync.server.codes import CreditCodeIndex, credit_code
from hoteltv.sync.server.models import Batch, Blob, ChangeLog, Conflict, Device, Record, User, now
from hoteltv.sync.server.store import EncodedJSON, ServerDB
from hoteltv.sync.values import BOOKKEEPING, RANK, REFERENCES, content, label_of, value_problem

_CHUNK = 500
HOTEL_NOT_YET = "所属酒店尚未同步,稍后重试 (its hotel is not on the server yet)"
INSPECTION_NOT_YET = "所属检查记录尚未同步,稍后重试 (its inspection is not on the server yet)"
ORIGINAL_NOT_YET = "所更正的检查记录尚未同步,稍后重试 (the inspection it corrects is not on the server yet)"
REFERENCE_NOT_YET = "引用的记录尚未同步,稍后重试 (a record it names is not on the server yet)"
#: A laptop deleted a hotel (it held no finalized record there) that holds finalized records on the server.
DELETE_REFUSED = (
    "服务器上这家酒店已有定稿的检查记录或整改通知,不能删除;已恢复 "
    "(the hotel has finalized records on the server and cannot be deleted: it is back)"
)
#: Refusals that can pass at a later push of the very same batch (a missing dependency arrives).
_NOT_YET = frozenset({HOTEL_NOT_YET, INSPECTION_NOT_YET, ORIGINAL_NOT_YET, PARENT_NOT_YET, REFERENCE_NOT_YET})
#: A photo file no record in the caller's scope uses: the same answer whether another division's record
#: uses it or nobody's does (telling them apart would say the file exists).
NO_SUCH_PHOTO = "没有这张照片 (no such photo)"


class Refused(Exception):
    """A request refused as a whole (mapped to an HTTP status by the app)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# --- sequence numbers ---------------------------------------------------------------------------------------


class _Seqs:
    """Sequence numbers of one transaction: provisional ones while it works (-1, -2, … in the order given),
    made final at :meth:`save`, just before the commit, under the counter's lock (see
    :meth:`ServerDB.take_seqs`): provisional ``-k`` becomes ``head - used + k``, so the order is kept and the
    lock is held only for the last statements of the transaction, not for the whole apply.

    Every record is written with its provisional number before the lock is taken (a pull never sees
    one: it reads ``seq > since ≥ 0`` of committed rows only), and the swap is one set-based ``UPDATE …
    WHERE seq < 0`` (the ``seq`` index finds this transaction's rows; rows another transaction has not
    committed are not visible to it, so it neither waits for nor touches them) instead of an ``UPDATE``
    per record at the commit.

    ``direct``: the transaction is the only writer (SQLite, ``BEGIN IMMEDIATE``: no other transaction can
    move the counter until this one ends), so the numbers are final from the start — the head is read at
    the first :meth:`next` and moved once at :meth:`save`; no provisional numbers, no swap, no rewritten
    answers."""

    def __init__(self, session: Session, *, direct: bool = False) -> None:
        self.session = session
        self.used = 0
        self.value = 0  # the head after :meth:`save`
        self.logs: list[dict[str, Any]] = []
        self.direct = direct
        self.base: int | None = None  # direct: the head before this transaction's first number

    def next(self) -> int:
        self.used += 1
        if self.direct:
            if self.base is None:
                self.base = ServerDB.head(self.session)
            return self.base + self.used
        return -self.used

    def log(self, row: dict[str, Any]) -> None:
        """A change-log row (its ``seq`` provisional), inserted with the others at :meth:`save`."""
        self.logs.append(row)

    def log_change(
        self, rec: Record, before: dict[str, Any], device: str, user_id: int, origin_seq: int
    ) -> None:
        """The change-log row of ``rec`` just given its (provisional) number: the values that differ from
        ``before``."""
        data, was = rec.data, before.get  # read once: ``rec.data`` of a loaded record is an ORM attribute
        changed = sorted(k for k, v in data.items() if v != was(k))
        self.log(
            {
                "seq": rec.seq,
                "entity": rec.entity,
                "record_id": rec.id,
                "device_id": device,
                "user_id": user_id,
                "origin_seq": origin_seq,
                "fields": changed,
                "values": {k: data[k] for k in changed},
                "at": now(),
            }
        )

    def final(self, seq: int) -> int:
        """The final number of ``seq`` (after :meth:`save`; a number already final is itself)."""
        return self.value - self.used - seq if seq < 0 else seq

    def save(self, extra: Iterable[Any] = ()) -> None:
        """Take the numbers and put them on every record this transaction wrote (``extra``: records not
        in the session, already inserted), then insert the change-log rows."""
        if not self.used:
            self.value = ServerDB.head(self.session)
            return
        if self.direct:
            assert self.base is not None
            self.value = ServerDB.take_seqs(self.session, self.used)
            if self.value != self.base + self.used:  # cannot happen under the write lock: say so loudly
                raise RuntimeError(
                    f"sequence counter moved under a direct transaction ({self.base}+{self.used})"
                )
            self._insert_logs()
            return
        self.session.flush()  # every record with its provisional number, before the counter is locked
        self.value = ServerDB.take_seqs(self.session, self.used)
        table = cast(Table, Record.__table__)
        self.session.execute(
            update(table).where(table.c.seq < 0).values(seq=(self.value - self.used) - table.c.seq)
        )
        for obj in self.session.identity_map.values():  # what the database now holds, not a change
            if isinstance(obj, Record) and obj.seq < 0:
                set_committed_value(obj, "seq", self.final(obj.seq))
        for rec in extra:
            if rec.seq < 0:
                rec.seq = self.final(rec.seq)
        for row in self.logs:
            row["seq"] = self.final(row["seq"])
        self._insert_logs()

    def _insert_logs(self) -> None:
        if self.logs:  # Core, not the ORM's bulk insert: every column is given, nothing is read back
            self.session.connection().execute(insert(cast(Table, ChangeLog.__table__)), self.logs)
            self.logs = []


# --- devices ------------------------------------------------------------------------------------------------

#: Hello's answer header: a stamp of the conflicts the caller sees (newest id, how many open).
CONFLICTS_HEADER = "X-Hoteltv-Conflicts"


@dataclass
class Probe:
    """What a hello needs: the head, the caller's conflict stamp, whether the device row is due a write."""

    head: int
    conflicts: str
    touch: bool
    lineage: str | None = None  # the lineage token the device's last push left


@functools.cache
def _probe_statement(everywhere: bool) -> Any:
    """The one statement of :func:`probe`, made once (for callers that read everywhere, and for those
    limited to the divisions bound as ``divisions``); the device is bound as ``device``."""
    from hoteltv.sync.server.models import ServerState

    opened = select(func.count()).select_from(Conflict).where(Conflict.status == "open")
    newest = select(func.max(Conflict.id))
    if not everywhere:
        divisions: Any = bindparam("divisions", expanding=True)
        opened = opened.where(Conflict.division_id.in_(divisions))
        newest = newest.where(Conflict.division_id.in_(divisions))
    device = select(Device.user_id).where(Device.device_id == bindparam("device"))
    return select(
        select(ServerState.value).where(ServerState.key == "seq").scalar_subquery(),
        newest.scalar_subquery(),
        opened.scalar_subquery(),
        device.scalar_subquery(),
        device.with_only_columns(Device.last_seen).scalar_subquery(),
        device.with_only_columns(Device.lineage).scalar_subquery(),
    )


def probe(db: ServerDB, caller: Caller, device_id: str) -> Probe:
    """The head, a stamp of the conflicts ``caller`` sees, whether :func:`touch_device` has something to
    write, and the device's lineage — one statement of indexed look-ups, no ORM objects (every sync starts
    here)."""
    params: dict[str, Any] = {"device": device_id}
    if not caller.reads_all:
        params["divisions"] = sorted(caller.division_ids)
    with db.engine.connect() as conn:
        row = conn.execute(_probe_statement(caller.reads_all), params).one()
    head, newest_id, open_count, user_id, last_seen, lineage = row
    touch = bool(device_id) and (
        user_id != caller.user_id or last_seen is None or (now() - last_seen).total_seconds() >= 60
    )
    return Probe(int(head or 0), f"{newest_id or 0}:{open_count or 0}", touch, lineage)


def touch_device(
    db: ServerDB, caller: Caller, device_id: str, *, pushed: bool = False, pulled_to: int | None = None
) -> None:
    """Note that a device was seen (and pulled up to ``pulled_to``); written at most once a minute
    unless something new happened, so an idle sync costs no write."""
    if not device_id:
        return
    with db.read() as s:
        dev = s.get(Device, device_id)
        if (
            dev is not None
            and not pushed
            and dev.user_id == caller.user_id
            and (now() - dev.last_seen).total_seconds() < 60
            and (pulled_to is None or pulled_to == dev.last_seq)
        ):
            return
    try:
        with db.write(sequenced=False) as s:
            _touch(s, caller, device_id, pushed=pushed, pulled_to=pulled_to)
    except IntegrityError:  # another worker made the device's row at the same moment: now update it
        with db.write(sequenced=False) as s:
            _touch(s, caller, device_id, pushed=pushed, pulled_to=pulled_to)


def _touch(
    s: Session, caller: Caller, device_id: str, *, pushed: bool = False, pulled_to: int | None = None
) -> None:
    dev = s.get(Device, device_id)
    stamp = now()
    if dev is None:
        dev = Device(device_id=device_id, user_id=caller.user_id, first_seen=stamp)
        s.add(dev)
    dev.user_id = caller.user_id
    dev.last_seen = stamp
    if pushed:
        dev.last_push = stamp
    if pulled_to is not None:
        dev.last_pull = stamp
        dev.last_seq = pulled_to


# --- push ---------------------------------------------------------------------------------------------------


@dataclass
class _Scope:
    division_id: str | None
    hotel_id: str | None
    inspection_id: str | None
    problem: str = ""


class _NewRecord:
    """A record a batch creates: a plain object with the columns of :class:`Record`, inserted with the
    others of the batch in one statement at the end (an ORM object per record cost more than the rest
    of the push). Read and changed by the batch exactly like a loaded record."""

    def __init__(self, entity: str, rid: str, seq: int) -> None:
        self.entity, self.id, self.seq = entity, rid, seq
        self.data: dict[str, Any] = {}
        self.version = 0
        self.deleted = False
        self.division_id: str | None = None
        self.hotel_id: str | None = None
        self.inspection_id: str | None = None
        self.sha256: str | None = None
        self.echo_device: str | None = None
        self.device_seqs: dict[str, Any] = {}
        self.updated_at = now()

    def row(self) -> dict[str, Any]:
        return dict(vars(self))


class _Records:
    """The records a batch touches, loaded in a few queries and kept as the batch changes them."""

    def __init__(self, session: Session, codes: CreditCodeIndex) -> None:
        self.session = session
        self.cache: dict[tuple[str, str], Record | None] = {}
        #: Live hotels by credit code as committed (shared by the process's pushes), and the codes of the
        #: hotels this batch made or changed, which it does not hold yet.
        self.codes = codes
        self.batch_codes: dict[str, str] = {}
        self._head: int | None = None
        self.created: list[_NewRecord] = []
        #: Hotels this batch moved inspections or notices to (merged hotels), with the sequence number of the
        #: last change that moved one: their state is worked out again.
        self.restate: dict[str, int] = {}
        #: The records the batch carries (a reference to one of them is to a record about to be here).
        self.sent: set[tuple[str, str]] = set()
        #: Records of this batch refused as outside the caller's divisions (what names one is refused so).
        self.out_of_sight: set[tuple[str, str]] = set()
        #: Records whose change this batch refused: not arriving, though sent (see _names_what_is_not_here).
        self.refused: set[tuple[str, str]] = set()

    def new(self, entity: str, rid: str, seq: int) -> Record:
        """A record this batch creates (see :class:`_NewRecord`)."""
        rec = _NewRecord(entity, rid, seq)
        self.created.append(rec)
        self.cache[(entity, rid)] = cast(Record, rec)
        return cast(Record, rec)

    def insert_new(self) -> None:
        """Insert the records this batch created, in one statement (Core: every column is given)."""
        if self.created:
            self.session.connection().execute(
                insert(cast(Table, Record.__table__)), [rec.row() for rec in self.created]
            )
            self.created = []

    def preload(self, keys: Iterable[tuple[str, str]]) -> None:
        by_entity: dict[str, set[str]] = defaultdict(set)
        for entity, rid in keys:
            if (entity, rid) not in self.cache:
                by_entity[entity].add(rid)
        for entity, ids in by_entity.items():
            id_list = sorted(ids)
            for chunk in chunked(id_list, _CHUNK):
                for rec in self.session.scalars(
                    select(Record).where(Record.entity == entity, Record.id.in_(chunk))
                ):
                    self.cache[(entity, rec.id)] = rec
            for rid in id_list:
                self.cache.setdefault((entity, rid), None)

    def get(self, entity: str, rid: str | None) -> Record | None:
        if not rid:
            return None
        key = (entity, rid)
        if key not in self.cache:
            self.cache[key] = self.session.get(Record, key)
        return self.cache[key]

    def put(self, rec: Record) -> None:
        self.cache[(rec.entity, rec.id)] = rec

    def by_code(self, code: str) -> str | None:
        """The live hotel here with this unified social credit code: as committed (the index), unless this
        batch deleted that hotel or changed its code; else one this batch made or gave the code."""
        if self._head is None:
            self._head = ServerDB.head(self.session)  # before this batch's numbers are taken
        for rid in self.codes.holders(self.session, self._head, code):
            rec = self.cache.get(("hotels", rid), _UNREAD)
            if rec is _UNREAD:
                return rid  # untouched by this batch: as committed
            if rec is not None and not rec.deleted and credit_code(rec.data.get("credit_code")) == code:
                return rid
        return self.batch_codes.get(code)

    def note_code(self, rec: Record | None) -> None:
        """A hotel this batch made or changed: later changes of the batch find it by its code."""
        if rec is None or rec.deleted:
            return
        code = credit_code(rec.data.get("credit_code"))
        if code:
            self.batch_codes.setdefault(code, rec.id)


#: A record :class:`_Records` has not read (not the same as one read and found missing: None).
_UNREAD: Any = object()


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _scope(records: _Records, change: Change, current: Record | None) -> _Scope:
    values = change.values
    entity = change.entity
    if entity == "divisions":
        return _Scope(change.id, None, None)
    if entity in ("inspectors", "enforcement_operations"):
        return _Scope(_str(values.get("division_id")), None, None)
    if entity == "hotels":
        return _Scope(_str(values.get("division_id")), change.id, None)
    if entity in ("inspections", "rectification_notices"):
        hotel_id = _str(values.get("hotel_id"))
        hotel = records.get("hotels", hotel_id)
        insp_id = change.id if entity == "inspections" else _str(values.get("inspection_id"))
        if hotel is None:
            return _Scope(None, hotel_id, insp_id, HOTEL_NOT_YET)
        original = _str(values.get("supersedes_id")) if entity == "inspections" else None
        known = current is not None and current.data.get("supersedes_id") == original
        corrected = records.get("inspections", original) if original and not known else None
        if original and not known and (corrected is None or corrected.division_id != hotel.division_id):
            # A correction travels after the record it corrects (which may still be on another laptop
            # that only handed it over by bundle); laptops pulling it would have nothing to point at.
            # One of another division is answered alike: its laptops do not have it, and the sender
            # learns nothing of what lies outside its divisions.
            return _Scope(hotel.division_id, hotel_id, insp_id, ORIGINAL_NOT_YET)
        if original and current is None and _corrected_by_another(records, original, change.id):
            return _Scope(hotel.division_id, hotel_id, insp_id, CORRECTED_ELSEWHERE)
        return _Scope(hotel.division_id, hotel_id, insp_id)
    insp_id = _str(values.get("inspection_id"))
    insp = records.get("inspections", insp_id)
    if insp is None:
        return _Scope(None, None, insp_id, INSPECTION_NOT_YET)
    return _Scope(insp.division_id, insp.hotel_id, insp_id)


def _corrected_by_another(records: _Records, original: str, rid: str) -> bool:
    """Does a live inspection here other than ``rid`` already correct ``original`` (two laptops corrected
    the same version offline)? Corrections are few: the inspections of the original's hotel are read."""
    base = records.get("inspections", original)
    if base is None or not base.hotel_id:
        return False
    rows = records.session.execute(
        select(Record.id, Record.data).where(
            Record.entity == "inspections", Record.hotel_id == base.hotel_id, Record.deleted.is_(False)
        )
    )
    return any(other != rid and (data or {}).get("supersedes_id") == original for other, data in rows)


_OUT_OF_SCOPE = "超出权限范围"


def _out_of_scope(caller: Caller) -> str:
    codes = "、".join(sorted(caller.division_codes)) or "无"
    return (
        f"{_OUT_OF_SCOPE}:账号 {caller.name} 只能处理所属县区({codes})的记录 "
        f"(outside your divisions: user {caller.name} may only touch records of {codes})"
    )


def stored_key(caller: Caller, device_id: str, key: str) -> str:
    """Where a batch's answer is kept: its key under the account and the device that sent it, so another
    account forwarding the same batch (a bundle) never gets this one's answer, nor this one its."""
    return hashlib.sha256(f"{caller.user_id}\n{device_id}\n{key}".encode()).hexdigest()


def final(result: ChangeResult) -> bool:
    """Is this change's answer final (the same change sent again would get it again)?

    A refusal for a missing hotel or inspection passes once it arrives, and one outside the account's
    divisions once an administrator widens them: those batches are worked out again when they come."""
    if result.status != "refused":
        return True
    if result.reason in _NOT_YET:
        return False
    return not (result.code == 403 and result.reason.startswith(_OUT_OF_SCOPE))


@dataclass(frozen=True)
class Lineage:
    """A push's device lineage (see :mod:`hoteltv.sync.lineage`): the tokens the laptop names as maybe the
    last one this server took from it, and the token this push leaves."""

    known: tuple[str, ...]
    leaving: str


#: A push from a data folder that shares its device id with another one (copied by hand) is refused as a
#: whole: its changes would be taken as ones the server has seen. The laptop's next hello tells it to take
#: a new device id.
COPIED_FOLDER = (
    "这个数据文件夹和另一个数据文件夹用着同一个设备编号(文件夹被复制过),本次未上传任何修改;"
    "再同步一次,本机会改用新的设备编号后上传 (this data folder shares its device id with another copy of "
    "it: nothing was taken; sync again and this laptop takes a new device id first)"
)


def _take_lineage(s: Session, device_id: str, lineage: Lineage) -> Device | None:
    """Refuse a push from a copy of another data folder with the same device id (409); else note the token
    it leaves. The device's row is locked, so two copies pushing at once are told apart too. Returns the
    row (held by the caller, the push's own note of the device finds it in the session)."""
    dev = s.get(Device, device_id, with_for_update=True)
    if dev is None:  # not seen yet (every sync's hello notes its device first): nothing to compare
        return None
    if lineage_copied(dev.lineage, lineage.known, lineage.leaving):
        raise Refused(409, COPIED_FOLDER)
    if dev.lineage != lineage.leaving:
        dev.lineage = lineage.leaving
    return dev


def push(db: ServerDB, caller: Caller, req: PushRequest, lineage: Lineage | None = None) -> PushResponse:
    """Apply a batch (idempotent by account, device and key; only final answers are stored).

    An inspector's batch runs beside the batches of other divisions (:meth:`ServerDB.push_write`); a
    batch of an account that writes everywhere, or one with a shared record (a division, an inspector),
    runs alone — and so does a batch retried after it collided with a concurrent one (the same new record
    sent by two accounts at once)."""
    keys: set[tuple[str, str]] = set()
    for c in req.changes:
        keys.add((c.entity, c.id))
        for ref_key, target in REFERENCES[c.entity].items():
            ref = _str(c.values.get(ref_key))
            if ref:
                keys.add((target, ref))
    ordered = _in_order(req.changes)
    alone = caller.reads_all or any(c.entity in SHARED_ENTITIES for c in req.changes)
    divisions = None if alone else caller.division_ids
    try:
        return _push(db, caller, req, keys, ordered, divisions, lineage)
    except (IntegrityError, OperationalError) as exc:
        if divisions is None or db.is_sqlite or not _collided(exc):
            raise
        return _push(db, caller, req, keys, ordered, None, lineage)


def _in_order(changes: list[Change]) -> list[Change]:
    """The order a batch is applied in: parents first (by table), then the laptop's order (its sequence
    numbers) — except that a hotel merged into another (``merged_into_id``) comes after the hotel it
    is merged into when that one is in the batch too. A merge into a hotel typed in here, changed again
    after the merge, carries a later number than the merge: by numbers alone the merge would find no
    hotel to go into and be refused until the next sync."""
    merging = {
        c.id: target
        for c in changes
        if c.entity == "hotels" and (target := _str(c.values.get("merged_into_id")))
    }

    def depth(hotel_id: str) -> int:  # how many merges of this batch lead from it (a chain: Z→Y→X)
        seen: set[str] = set()
        while hotel_id in merging and hotel_id not in seen:
            seen.add(hotel_id)
            hotel_id = merging[hotel_id]
        return len(seen)

    return sorted(changes, key=lambda c: (RANK[c.entity], depth(c.id) if c.entity == "hotels" else 0, c.seq))


def _collided(exc: Exception) -> bool:
    """Did a push fail because a concurrent push of other divisions wrote the same row (a new record or
    device row both inserted: a unique key, or a deadlock PostgreSQL broke)? Then it runs again, alone."""
    if isinstance(exc, IntegrityError):
        return True
    return getattr(getattr(exc, "orig", None), "sqlstate", None) in ("40P01", "40001")


def _push(
    db: ServerDB,
    caller: Caller,
    req: PushRequest,
    keys: set[tuple[str, str]],
    ordered: list[Change],
    divisions: frozenset[str] | None,
    lineage: Lineage | None = None,
) -> PushResponse:
    key = stored_key(caller, req.device_id, req.key)
    checked = lineage is not None and bool(lineage.leaving)
    if not checked:
        with db.read() as s:  # a batch answered before: its answer, without queueing for any lock
            done = s.get(Batch, key)
            if done is not None:
                return _replayed(done)
    with db.push_write(divisions) as s:
        _held = None  # the device's row, kept alive here: the push's own note of the device finds it
        if checked:  # before any answer, a stored one too: the token it leaves is what the laptop keeps
            _held = _take_lineage(s, req.device_id, cast(Lineage, lineage))
        done = s.get(Batch, key)  # again under the locks: the same batch may have been applied meanwhile
        if done is not None:
            return _replayed(done)
        seqs = _Seqs(s, direct=db.is_sqlite)  # SQLite: this is the only writer (BEGIN IMMEDIATE)
        records = _Records(s, db.credit_codes)
        records.sent = {(c.entity, c.id) for c in ordered}
        records.preload(keys)
        results = []
        for c in ordered:
            result = _apply_change(s, caller, req.device_id, c, records, seqs)
            if result.status == "refused":
                records.refused.add((c.entity, c.id))
                if result.code == 403:
                    records.out_of_sight.add((c.entity, c.id))
            results.append(result)
        _restate_hotels(s, caller, req.device_id, records, seqs)
        _touch(s, caller, req.device_id, pushed=True)
        created = records.created
        records.insert_new()  # with their provisional numbers, before the counter is locked
        seqs.save(created)
        results = [r.model_copy(update={"seq": seqs.final(r.seq)}) if r.seq < 0 else r for r in results]
        response = PushResponse(key=req.key, head=seqs.value, results=results)
        if all(final(r) for r in results):
            s.add(
                Batch(
                    key=key,
                    device_id=req.device_id,
                    user_id=caller.user_id,
                    response=EncodedJSON(response.model_dump_json()),
                )
            )
        return response


def _replayed(done: Batch) -> PushResponse:
    stored = PushResponse.model_validate(done.response)
    stored.replayed = True
    return stored


def _apply_change(
    s: Session, caller: Caller, device: str, change: Change, records: _Records, seqs: _Seqs
) -> ChangeResult:
    """One change, with the hotel identities the server knows: a new hotel whose credit code a hotel here
    already has is merged into that one; a change to a hotel merged into another goes to the one that
    stays; an inspection or notice of a merged hotel is stored under the one that stays; a merge made
    on a laptop (``merged_into_id``) moves the server's inspections and notices too."""
    if change.entity == "hotels":
        merged = _same_code(s, caller, device, change, records, seqs)
        if merged is not None:
            return merged
        current = records.get("hotels", change.id)
        target = _str(change.values.get("merged_into_id"))
        if current is not None and _str(current.data.get("merged_into_id")) and not target:
            return _redirect(s, caller, device, change, current, records, seqs)
        if target and (current is None or _str(current.data.get("merged_into_id")) != target):
            return _merge_into(s, caller, device, change, target, records, seqs)
        deletes = current is not None and not current.deleted and change.values.get("deleted") and not target
        if deletes and current is not None and _holds_finalized(s, change.id):
            return _merge_declined(s, caller, device, change, records, seqs, DELETE_REFUSED, current)
        result = _apply_one(s, caller, device, change, records, seqs)
        records.note_code(records.get("hotels", change.id))
        return result
    if change.entity in ("inspections", "rectification_notices"):
        hotel_id = _str(change.values.get("hotel_id"))
        live = _live_hotel(records, hotel_id)
        if hotel_id and live != hotel_id:
            moved = change.model_copy(update={"values": {**change.values, "hotel_id": live}})
            result = _apply_one(s, caller, device, moved, records, seqs, remapped=True)
            if live and result.status in ("applied", "conflict"):  # it moved there now
                records.restate[live] = max(change.seq, records.restate.get(live, 0))
            result = result.model_copy(update={"echo": False})
        else:
            result = _apply_one(s, caller, device, change, records, seqs)
        _restore_hotel(s, caller, device, change, live, result, records, seqs)
        if change.entity == "rectification_notices" and result.status in ("applied", "conflict"):
            _close_version_in_force(s, caller, device, change, records, seqs)
        return result
    return _apply_one(s, caller, device, change, records, seqs)


def _close_version_in_force(
    s: Session, caller: Caller, device: str, change: Change, records: _Records, seqs: _Seqs
) -> None:
    """A re-inspection closed one version of a notice while another laptop, offline, made a newer one
    (延期 or 更正): the version in force is closed by that re-inspection too, whichever reached the server
    first — the hotel passed, and an open newer version would wait for a re-inspection that happened."""
    rec = records.get("rectification_notices", change.id)
    if rec is None or rec.deleted:
        return
    older = records.get("rectification_notices", _str(rec.data.get("supersedes_id")))
    closed_by: dict[str, Any] | None = None
    target: Record | None = None
    if rec.data.get("status") == "open" and older is not None and _closing(older.data):
        closed_by, target = older.data, rec  # a new version of one closed here
    elif _closing(change.values) and rec.data.get("status") != "closed":
        target = _in_force(s, records, rec)  # a close sent for a version another one replaced here
        closed_by = change.values
    if closed_by is None or target is None or target.data.get("status") != "open":
        return
    closing = {k: closed_by.get(k) for k in ("status", "reinspection_id", "closed_at")}
    _write(s, target, {**target.data, **closing}, seqs, caller, device, change.seq)
    if target.hotel_id:
        records.restate[target.hotel_id] = max(change.seq, records.restate.get(target.hotel_id, 0))


def _closing(values: dict[str, Any]) -> bool:
    return values.get("status") == "closed" and bool(_str(values.get("reinspection_id")))


def _in_force(s: Session, records: _Records, rec: Record) -> Record | None:
    """The newest live version of the notice ``rec`` is a version of (following ``supersedes_id``)."""
    newer: dict[str, Record] = {}
    rows = s.scalars(
        select(Record).where(
            Record.entity == "rectification_notices",
            Record.hotel_id == rec.hotel_id,
            Record.deleted.is_(False),
        )
    )
    for row in [*rows, *(r for k, r in records.cache.items() if k[0] == "rectification_notices" and r)]:
        older = _str(row.data.get("supersedes_id"))
        if older and not row.deleted:
            newer.setdefault(older, records.get("rectification_notices", row.id) or row)
    current, seen = rec, {rec.id}
    while current.id in newer and newer[current.id].id not in seen:
        current = newer[current.id]
        seen.add(current.id)
    return current if current.id != rec.id else None


def _restore_hotel(
    s: Session,
    caller: Caller,
    device: str,
    change: Change,
    hotel_id: str | None,
    result: ChangeResult,
    records: _Records,
    seqs: _Seqs,
) -> None:
    """A finalized inspection or an issued notice just taken for a hotel deleted here (another laptop
    deleted it while this one inspected it offline, or merged into it meanwhile): the hotel is live again,
    as a hotel with finalized records always is (a laptop refuses to delete one), so the record stays in
    every list and count and the office sees it."""
    if result.status not in ("applied", "conflict") or change.values.get("deleted"):
        return
    if change.entity == "inspections" and change.values.get("status") != "finalized":
        return
    hotel = records.get("hotels", hotel_id)
    if hotel is None or not hotel.deleted or _str(hotel.data.get("merged_into_id")):
        return
    _write(s, hotel, {**hotel.data, "deleted": False}, seqs, caller, device, change.seq)
    records.restate[hotel.id] = max(change.seq, records.restate.get(hotel.id, 0))


def _live_hotel(records: _Records, hotel_id: str | None) -> str | None:
    """The hotel that stands for ``hotel_id``: itself, or the one it was merged into (chains followed)."""
    current = hotel_id
    seen: set[str] = set()
    while current and current not in seen and len(seen) < 32:
        seen.add(current)
        rec = records.get("hotels", current)
        nxt = _str(rec.data.get("merged_into_id")) if rec is not None else None
        if not nxt:
            return current
        current = nxt
    return current


def _same_code(
    s: Session, caller: Caller, device: str, change: Change, records: _Records, seqs: _Seqs
) -> ChangeResult | None:
    """A new hotel whose unified social credit code a live hotel here already has is that hotel: the
    new record becomes a tombstone merged into it (the laptop learns that at its pull and moves its
    inspections and notices), and the hotel here takes the new one's values for fields it has none of.
    None: not such a hotel (the change goes the ordinary way)."""
    from hoteltv.services.hotel_merge import FILLED

    values = change.values
    code = credit_code(values.get("credit_code"))
    if (
        not code
        or records.get("hotels", change.id) is not None
        or values.get("deleted")
        or _str(values.get("merged_into_id"))
        or value_problem("hotels", values)
    ):
        return None
    survivor_id = records.by_code(code)
    survivor = records.get("hotels", survivor_id) if survivor_id and survivor_id != change.id else None
    if (
        survivor is None
        or not caller.covers(survivor.division_id)
        or survivor.division_id != _str(values.get("division_id"))
    ):
        # Nothing to merge with in the caller's sight: the ordinary way (and its checks). The same code in
        # another division is two records the office looks at (a 疑似重复 pair; one has the wrong
        # division): merged, an inspector of one division could no longer send what was inspected there.
        return None
    fill = {
        k: values[k] for k in FILLED if survivor.data.get(k) in (None, "") and values.get(k) not in (None, "")
    }
    if values.get("pilot") is True and survivor.data.get("pilot") is not True:
        fill["pilot"] = True  # a pilot hotel stays one, as a merge on a laptop keeps it (hotel_merge)
    if fill:
        _write(s, survivor, {**survivor.data, **fill}, seqs, caller, device, change.seq)
    # Values typed on both laptops that differ (another name, another phone): the hotel here keeps its
    # own and each difference is a conflict for the office, so nothing typed is silently lost.
    skip = BOOKKEEPING | NOT_REDIRECTED
    for name in sorted(values):
        theirs, ours = values.get(name), survivor.data.get(name)
        if name in skip or name in fill or theirs in (None, "") or theirs == ours:
            continue
        if name == "credit_code" and credit_code(theirs) == credit_code(ours):
            continue  # the same code, typed with spaces or in lower case
        s.add(
            Conflict(
                entity="hotels",
                record_id=survivor.id,
                field=name,
                label=label_of("hotels", survivor.data),
                base=None,
                server_value=ours,
                client_value=theirs,
                device_id=device,
                user_id=caller.user_id,
                division_id=survivor.division_id,
            )
        )
    tomb = Record(
        entity="hotels",
        id=change.id,
        data={},
        version=0,
        seq=0,
        deleted=True,
        division_id=survivor.division_id,
        hotel_id=change.id,
        device_seqs={device: change.seq},
    )
    s.add(tomb)
    records.put(tomb)
    data = {**values, "id": change.id, "deleted": True, "merged_into_id": survivor.id, "device_id": device}
    _write(s, tomb, data, seqs, caller, device, change.seq, version=change.version + 1)
    name = str(survivor.data.get("name") or survivor.id)
    return ChangeResult(
        entity="hotels",
        id=change.id,
        status="applied",
        reason=f"与服务器上统一社会信用代码相同的酒店「{name}」是同一家,已并入 "
        f"(the same credit code as hotel {name} on the server: merged into it)",
        version=tomb.version,
        seq=tomb.seq,
        echo=False,
    )


def _write(
    s: Session,
    rec: Record,
    data: dict[str, Any],
    seqs: _Seqs,
    caller: Caller,
    device: str,
    origin_seq: int,
    *,
    version: int | None = None,
) -> None:
    """Give ``rec`` new values under the next sequence number, with a change-log row (server-made)."""
    before = dict(rec.data or {})
    new_version = version if version is not None else rec.version + 1
    data = {**data, "version": new_version}
    rec.data = data
    rec.version = new_version
    rec.deleted = bool(data.get("deleted"))
    rec.seq = seqs.next()
    rec.echo_device = None
    rec.updated_at = now()
    seqs.log_change(rec, before, device, caller.user_id, origin_seq)


def _redirect(
    s: Session, caller: Caller, device: str, change: Change, tomb: Record, records: _Records, seqs: _Seqs
) -> ChangeResult:
    """An edit of a hotel merged into another (made before this laptop learned of the merge) goes to the
    hotel that stays, field by field with its ``base`` as usual; the answer names the edited record."""
    if int((tomb.device_seqs or {}).get(device, 0)) >= change.seq:
        return ChangeResult(entity="hotels", id=change.id, status="unchanged")
    live = _live_hotel(records, change.id)
    fields = [f for f in change.fields if f not in NOT_REDIRECTED]  # see _restate_hotels
    moved = change.model_copy(update={"id": live, "fields": fields, "created": False})
    result = _apply_one(s, caller, device, moved, records, seqs, remapped=True, seen_check=False)
    if result.status != "refused" or result.reason not in _NOT_YET:
        seen = dict(tomb.device_seqs or {})
        seen[device] = max(int(seen.get(device, 0)), change.seq)
        tomb.device_seqs = seen
    return result.model_copy(update={"id": change.id, "echo": False, "version": 0, "seq": 0})


def _merge_into(
    s: Session,
    caller: Caller,
    device: str,
    change: Change,
    target: str,
    records: _Records,
    seqs: _Seqs,
) -> ChangeResult:
    """A laptop merged this hotel into ``target`` (``hoteltv hotels merge``): apply the change, then move
    the server's inspections and notices of it to the hotel that stays."""
    live = _live_hotel(records, target)
    keep = records.get("hotels", live)

    def refused(code: int, reason: str) -> ChangeResult:
        return ChangeResult(entity="hotels", id=change.id, status="refused", code=code, reason=reason)

    if keep is None:
        return refused(422, HOTEL_NOT_YET)
    if target == change.id:
        return refused(422, "不能把酒店并入它自己 (a hotel cannot be merged into itself)")
    if not caller.covers(keep.division_id):
        return refused(403, _out_of_scope(caller))
    why = _merge_problem(records, change, keep)
    if why:
        return _merge_declined(s, caller, device, change, records, seqs, why, keep)
    if (
        keep.deleted
    ):  # deleted meanwhile: it is live again, holding what the merge brings (see _restore_hotel)
        _write(s, keep, {**keep.data, "deleted": False}, seqs, caller, device, change.seq)
    moved = change
    if live != target:
        moved = change.model_copy(update={"values": {**change.values, "merged_into_id": live}})
    result = _apply_one(s, caller, device, moved, records, seqs, remapped=live != target)
    rec = records.get("hotels", change.id)
    if rec is not None and _str(rec.data.get("merged_into_id")) == live:
        _move_references(s, change.id, keep, records, seqs)
        records.restate[keep.id] = max(change.seq, records.restate.get(keep.id, 0))
    return result


def _holds_finalized(s: Session, hotel_id: str) -> bool:
    """Does the server hold a live finalized inspection or an issued notice of this hotel?"""
    for entity, data in s.execute(
        select(Record.entity, Record.data).where(
            Record.hotel_id == hotel_id,
            Record.entity.in_(("inspections", "rectification_notices")),
            Record.deleted.is_(False),
        )
    ):
        if entity == "rectification_notices" or (data or {}).get("status") == "finalized":
            return True
    return False


def _merge_problem(records: _Records, change: Change, keep: Record) -> str:
    """Why the server does not merge this hotel into ``keep`` (the hotel its target stands for now), though
    the laptop did: this hotel was merged into another one meanwhile, the same pair was merged the other
    way on another laptop (``keep`` is this hotel itself), or the two lie in different divisions (an
    inspector of one could no longer send what was inspected there). Empty: merge (into ``keep`` brought
    back, when it was deleted meanwhile: what the laptop moved there, finalized records among them, must
    not end under a deleted hotel)."""
    current = records.get("hotels", change.id)
    merged = current is not None and _str(current.data.get("merged_into_id"))
    if merged and _live_hotel(records, change.id) != keep.id:
        return (
            "这家酒店已在另一台电脑上并入另一家酒店,本机的合并未采用 "
            "(this hotel was already merged into another one on another computer: this merge was not taken)"
        )
    if keep.id == change.id:
        return (
            "这两家酒店已在另一台电脑上合并,保留的是本酒店,本机的合并未采用 "
            "(the pair was already merged the other way on another computer: this hotel is the one that stays)"
        )
    division = current.division_id if current is not None else _str(change.values.get("division_id"))
    if division != keep.division_id:
        names = [_division_name(records, d) for d in (division, keep.division_id)]
        return (
            f"两家酒店不在同一县区({' / '.join(names)}),未合并;请先改正其中一家的县区再合并 "
            "(the two hotels are in different divisions: not merged; correct the division of one first)"
        )
    return ""


def _division_name(records: _Records, division_id: str | None) -> str:
    rec = records.get("divisions", division_id)
    return str((rec.data or {}).get("name") or division_id) if rec is not None else str(division_id or "?")


def _merge_declined(
    s: Session,
    caller: Caller,
    device: str,
    change: Change,
    records: _Records,
    seqs: _Seqs,
    why: str,
    keep: Record,
) -> ChangeResult:
    """A merge the server does not take (see :func:`_merge_problem`): the hotel stays as the server holds
    it (the change's other edits applied), and it and its inspections and notices are written anew, so the
    laptop's next pull takes them back and its own merge is undone there; the answer says why. A hotel
    merged into another here: its edits go to the one that stays (as any edit of a merged hotel), and its
    tombstone and every record of the hotel that stays are written anew, so the laptop follows the
    server's merge. A hotel the server holds no live record of (new, or deleted here) is refused with the
    reason. The mode and status the laptop worked out for ``keep`` from the joined history are worked out
    again from what the server holds."""
    records.restate[keep.id] = max(change.seq, records.restate.get(keep.id, 0))
    current = records.get("hotels", change.id)
    if current is not None and _str(current.data.get("merged_into_id")):
        result = ChangeResult(entity="hotels", id=change.id, status="unchanged")
        fields = [f for f in change.fields if f not in NOT_REDIRECTED]
        if fields:
            result = _redirect(
                s, caller, device, change.model_copy(update={"fields": fields}), current, records, seqs
            )
            if result.status == "refused":
                return result
        _write(s, current, dict(current.data), seqs, caller, device, change.seq)
        stays = records.get("hotels", _live_hotel(records, change.id))
        if stays is not None:
            _move_references(s, stays.id, stays, records, seqs)
        return result.model_copy(update={"echo": False, "reason": why})
    if current is None or current.deleted:
        return ChangeResult(entity="hotels", id=change.id, status="refused", code=409, reason=why)
    values = {**change.values, "merged_into_id": current.data.get("merged_into_id"), "deleted": False}
    fields = [f for f in change.fields if f not in ("merged_into_id", "deleted")]
    kept = change.model_copy(update={"values": values, "fields": fields})
    seq = current.seq
    result = _apply_one(s, caller, device, kept, records, seqs, remapped=True)
    if result.status == "refused":
        return result
    if current.seq == seq:  # nothing else changed: written anew all the same, for the sender to pull
        _write(s, current, dict(current.data), seqs, caller, device, change.seq)
    _move_references(s, change.id, current, records, seqs)
    return result.model_copy(update={"echo": False, "reason": why})


def _move_references(s: Session, old_id: str, keep: Record, records: _Records, seqs: _Seqs) -> None:
    """Every server record of hotel ``old_id`` (inspections, their parts, notices) now belongs to the hotel
    ``keep``: their hotel reference and scope change, each under a new sequence number."""
    for rec in s.scalars(select(Record).where(Record.hotel_id == old_id, Record.entity != "hotels")):
        if rec.entity in ("inspections", "rectification_notices") and rec.data.get("hotel_id") == old_id:
            rec.data = {**rec.data, "hotel_id": keep.id}
        rec.hotel_id = keep.id
        rec.division_id = keep.division_id
        records.put(rec)
        rec.seq = seqs.next()
        rec.echo_device = None
        rec.updated_at = now()


def _names_what_is_not_here(
    records: _Records, change: Change, current: Record | None, division: str | None
) -> bool:
    """Does the change name a record (a re-inspection, a notice, a room, an inspector) that is neither on
    the server nor in this batch? Laptops pulling it would have nothing to point at (their foreign keys
    refuse it, and every sync of theirs would fail) until the sender's next sync: refused as "not yet",
    and sent again by itself. A reference the server already took is not asked about again.

    A record sent in this batch whose own change was refused is not arriving either (a notice of an
    inspection refused as a correction another laptop made first would point at nothing).
    A record of another division than ``division`` (the change's own) counts as not here: the laptops
    that pull this change do not pull that one, and answering otherwise would tell the sender that a
    record it may not see exists."""
    for key, target in REFERENCES[change.entity].items():
        ref = _str(change.values.get(key))
        if not ref or (current is not None and current.data.get(key) == ref):
            continue
        found = records.get(target, ref)
        if found is None:  # not here: arriving in this batch, unless its own change was refused above
            if (target, ref) not in records.sent or (target, ref) in records.refused:
                return True
        elif target not in SHARED_ENTITIES and found.division_id != division:
            return True
    return False


def _restate_hotels(s: Session, caller: Caller, device: str, records: _Records, seqs: _Seqs) -> None:
    """The hotels this batch moved inspections or notices to (the same hotel typed in twice, merged) have
    their current mode and remediation status worked out again from the history they now hold — by the
    laptop's own rule (:func:`hoteltv.domain.lifecycle.hotel_state`) — and written as a server change
    when they differ. The merged hotel's own values speak only for the part of the history it had."""
    from hoteltv.domain.lifecycle import hotel_state
    from hoteltv.services.inspections import drives_status
    from hoteltv.sync.values import to_python

    for hotel_id, origin_seq in sorted(records.restate.items()):
        hotel = records.get("hotels", hotel_id)
        if hotel is None or hotel.deleted:
            continue
        held: dict[tuple[str, str], Any] = {
            (r.entity, r.id): r
            for r in s.scalars(
                select(Record).where(
                    Record.hotel_id == hotel_id, Record.entity.in_(("inspections", "rectification_notices"))
                )
            )
        }
        for key, rec in records.cache.items():  # this batch's, some not inserted yet
            if rec is not None and key[0] in ("inspections", "rectification_notices"):
                if rec.hotel_id == hotel_id:
                    held[key] = rec
                else:
                    held.pop(key, None)
        rows: dict[str, list[dict[str, Any]]] = {"inspections": [], "rectification_notices": []}
        for (entity, rid), rec in held.items():
            if rec.deleted:
                continue
            try:
                rows[entity].append({**to_python(entity, rec.data), "id": rid})
            except ValueError:
                continue  # a stored value that does not parse says nothing about the state
        mode, status = hotel_state(rows["inspections"], rows["rectification_notices"], drives_status)
        new = {"remediation_status": status} | ({"current_mode": mode} if mode else {})
        if any(hotel.data.get(k) != v for k, v in new.items()):
            _write(s, hotel, {**hotel.data, **new}, seqs, caller, device, origin_seq)


def _apply_one(
    s: Session,
    caller: Caller,
    device: str,
    change: Change,
    records: _Records,
    seqs: _Seqs,
    *,
    remapped: bool = False,
    seen_check: bool = True,
) -> ChangeResult:
    """One change by the merge rule. ``remapped``: the server changed what was sent (a hotel reference to
    the one that stays), so the record is not the sender's echo; ``seen_check``: skip the ``(device, seq)``
    test (a redirected change is checked against the record it was sent for)."""
    rec = records.get(change.entity, change.id)

    def result(
        status: str, code: int = 200, reason: str = "", *, hide: bool = False, **kw: Any
    ) -> ChangeResult:
        # ``hide``: a refusal for scope says nothing of the server's record (not its version, not its
        # sequence number), so an account cannot learn what lies outside its divisions.
        shown = rec if rec is not None and not hide else None
        return ChangeResult(
            entity=change.entity,
            id=change.id,
            status=status,  # type: ignore[arg-type]
            code=code,
            reason=reason,
            version=shown.version if shown is not None else 0,
            seq=shown.seq if shown is not None else 0,
            **kw,
        )

    scope = _scope(records, change, rec)
    if scope.problem == HOTEL_NOT_YET and ("hotels", scope.hotel_id) in records.out_of_sight:
        return result("refused", 403, _out_of_scope(caller), hide=True)  # its hotel never will be
    if scope.problem:
        return result("refused", 422, scope.problem, hide=True)
    parent = None
    if change.entity in DOCUMENT_ENTITIES and change.entity != "inspections":
        parent_rec = records.get("inspections", scope.inspection_id)
        parent = parent_rec.data if parent_rec is not None else None
    decision = decide(
        change, rec.data if rec is not None else None, parent, device, _written_by(s, change, device)
    )
    old_scope = rec.division_id if rec is not None else None
    if change.entity in SHARED_ENTITIES and decision.status == "unchanged":
        allowed = True
    elif change.entity == "divisions":
        allowed = caller.covers(change.id)
    elif change.entity == "inspectors":
        allowed = (scope.division_id is None or caller.covers(scope.division_id)) and (
            old_scope is None or caller.covers(old_scope)
        )
    else:
        allowed = caller.covers(scope.division_id) and (rec is None or caller.covers(old_scope))
    if not allowed:
        return result("refused", 403, _out_of_scope(caller), hide=True)
    if seen_check and rec is not None and int((rec.device_seqs or {}).get(device, 0)) >= change.seq:
        # Seen before (a resend whose answer was lost, or forwarded in a bundle by another account):
        # nothing to do, but a conflict it made then and still open is told again, as the first answer did.
        still_open = _open_conflicts_of(s, change, device)
        if still_open:
            return result("conflict", reason=IN_CONFLICT, conflicts=still_open)
        return result("unchanged", echo=content(rec.data) == content({**change.values, "id": change.id}))
    if decision.status == "refused":
        return result("refused", decision.code, decision.reason)
    if _names_what_is_not_here(records, change, rec, scope.division_id):
        return result("refused", 422, REFERENCE_NOT_YET)
    if decision.values is not None or decision.conflicts:
        seq = seqs.next()
        if rec is None:
            rec = records.new(change.entity, change.id, seq)
        before = dict(rec.data or {})
        if decision.values is not None:
            version = max(rec.version + 1, change.version)
            data = dict(decision.values)
            data["version"] = version
            rec.data = data
            rec.version = version
            rec.deleted = bool(data.get("deleted"))
        rec.seq = seq
        rec.division_id = (
            scope.division_id if change.entity != "inspectors" else _str(change.values.get("division_id"))
        )
        rec.hotel_id = scope.hotel_id
        rec.inspection_id = scope.inspection_id
        if change.entity == "photos":
            rec.sha256 = _str(rec.data.get("sha256"))
        rec.echo_device = device if decision.echo and not remapped else None
        rec.updated_at = now()
        seqs.log_change(rec, before, device, caller.user_id, change.seq)
        if change.entity == "hotels" and old_scope is not None and old_scope != rec.division_id:
            _rescope_hotel(s, change.id, rec.division_id, seqs)
    if rec is not None and seen_check:
        seqs_map = dict(rec.device_seqs or {})
        seqs_map[device] = max(int(seqs_map.get(device, 0)), change.seq)
        rec.device_seqs = seqs_map
    conflicts: list[FieldConflict] = []
    for c in decision.conflicts:
        row = Conflict(
            entity=change.entity,
            record_id=change.id,
            field=c.field,
            label=label_of(change.entity, rec.data if rec is not None else change.values),
            base=c.base,
            server_value=c.server,
            client_value=c.client,
            device_id=device,
            user_id=caller.user_id,
            division_id=rec.division_id if rec is not None else scope.division_id,
        )
        s.add(row)
        s.flush()
        conflicts.append(c.model_copy(update={"conflict_id": row.id}))
    return ChangeResult(
        entity=change.entity,
        id=change.id,
        status=decision.status,
        code=decision.code,
        reason=decision.reason,
        version=rec.version if rec is not None else 0,
        seq=rec.seq if rec is not None else 0,
        echo=decision.echo and not decision.conflicts and not remapped,
        conflicts=conflicts,
    )


def _open_conflicts_of(s: Session, change: Change, device: str) -> list[FieldConflict]:
    """The open conflicts ``change`` made when the server first met it (sent by ``device``, with this
    change's value of the field), as that answer told them; none when they were resolved since."""
    rows = s.scalars(
        select(Conflict)
        .where(
            Conflict.record_id == change.id,
            Conflict.entity == change.entity,
            Conflict.device_id == device,
            Conflict.status == "open",
        )
        .order_by(Conflict.id)
    )
    return [
        FieldConflict(
            field=row.field,
            base=row.base,
            server=row.server_value,
            client=row.client_value,
            conflict_id=row.id,
        )
        for row in rows
        if row.field in change.fields
        and row.field in change.values
        and row.client_value == change.values[row.field]
    ]


def _written_by(s: Session, change: Change, device: str) -> Callable[[str], bool]:
    """``own(field)`` for :func:`decide`: was the server's value of that field written last by an earlier
    change of ``device`` (its answer lost, or forwarded in a bundle before this newer edit)? Read from the
    change log, once per record, only when asked (a field that would otherwise be a conflict)."""
    last: dict[str, tuple[str, int]] | None = None

    def own(name: str) -> bool:
        nonlocal last
        if last is None:
            last = {}
            rows = s.execute(
                select(ChangeLog.device_id, ChangeLog.origin_seq, ChangeLog.fields)
                .where(ChangeLog.entity == change.entity, ChangeLog.record_id == change.id)
                .order_by(ChangeLog.seq.desc())
                .limit(_OWN_LOOKBACK)
            )
            for dev, origin, fields in rows:  # newest first: the first row naming a field wrote it last
                for f in fields or ():
                    last.setdefault(str(f), (dev, int(origin or 0)))
        writer, origin = last.get(name, ("", 0))
        return writer == device and 0 < origin < change.seq

    return own


#: How many of a record's newest change-log rows :func:`_written_by` looks through.
_OWN_LOOKBACK = 200


def _rescope_hotel(s: Session, hotel_id: str, division: str | None, seqs: _Seqs) -> None:
    """A hotel moved to another division: its inspections, parts and notices move with it."""
    for rec in s.scalars(select(Record).where(Record.hotel_id == hotel_id, Record.entity != "hotels")):
        rec.division_id = division
        rec.seq = seqs.next()
        rec.echo_device = None


# --- pull, check ------------------------------------------------------------------------------------------------


def _readable(stmt: Any, caller: Caller) -> Any:
    """``stmt`` limited to the records the caller may read."""
    if caller.reads_all:
        return stmt
    return stmt.where(
        or_(Record.entity.in_(sorted(SHARED_ENTITIES)), Record.division_id.in_(sorted(caller.division_ids)))
    )


def _remote(rec: Record) -> RemoteRecord:
    return RemoteRecord(
        entity=rec.entity,  # type: ignore[arg-type]
        id=rec.id,
        seq=rec.seq,
        version=rec.version,
        deleted=rec.deleted,
        values=rec.data,
    )


def _changed(stmt: Any, caller: Caller, device_id: str, since: int, head: int, limit: int) -> Any:
    """``stmt`` limited to the records changed after ``since`` up to ``head`` that the caller may read,
    less those the device itself sent as they are, oldest change first, at most ``limit + 1``."""
    stmt = _readable(stmt.where(Record.seq > since, Record.seq <= head), caller)
    if device_id:
        stmt = stmt.where(or_(Record.echo_device.is_(None), Record.echo_device != device_id))
    return stmt.order_by(Record.seq).limit(limit + 1)


def pull(db: ServerDB, caller: Caller, device_id: str, since: int, limit: int) -> PullResponse:
    """Records changed after ``since`` that the caller may read, oldest change first."""
    with db.read() as s:
        head = ServerDB.head(s)
        rows = list(s.scalars(_changed(select(Record), caller, device_id, since, head, limit)))
        more = len(rows) > limit
        rows = rows[:limit]
        nxt = rows[-1].seq if more else head
        return PullResponse(
            server_id=db.server_id, head=head, next=nxt, more=more, records=[_remote(r) for r in rows]
        )


@dataclass
class PulledJSON:
    """A pull's answer as the JSON of :class:`PullResponse`, with what the app counts and notes."""

    body: bytes
    count: int
    more: bool
    next: int


def pull_json(db: ServerDB, caller: Caller, device_id: str, since: int, limit: int) -> PulledJSON:
    """:func:`pull`, answered as JSON without building a model per record: on PostgreSQL each record's
    values are taken as the JSON text the database holds (valid JSON: the ``json`` type checks it) and
    put into the answer as they are — no parsing, no model, no encoding of up to 2,000 records per page.
    On SQLite (one laptop's office, small) the answer is the model's JSON."""
    if db.is_sqlite:
        out = pull(db, caller, device_id, since, limit)
        return PulledJSON(out.model_dump_json().encode(), len(out.records), out.more, out.next)
    with db.read() as s:
        head = ServerDB.head(s)
        stmt = select(
            Record.entity,
            Record.id,
            Record.seq,
            Record.version,
            Record.deleted,
            sql_cast(Record.data, Text),
        )
        rows = s.execute(_changed(stmt, caller, device_id, since, head, limit)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = int(rows[-1][2]) if more else head
    dumps = json.dumps
    records = ",".join(
        f'{{"entity":{dumps(entity)},"id":{dumps(rid)},"seq":{int(seq)},"version":{int(version)},'
        f'"deleted":{"true" if deleted else "false"},"values":{data or "{}"}}}'
        for entity, rid, seq, version, deleted, data in rows
    )
    body = (
        f'{{"server_id":{dumps(db.server_id)},"head":{head},"next":{nxt},'
        f'"more":{"true" if more else "false"},"records":[{records}]}}'
    )
    return PulledJSON(body.encode(), len(rows), more, nxt)


def check(db: ServerDB, caller: Caller) -> CheckResponse:
    """Per entity, count and digest of what the caller may read (compared by the client after a pull).

    Every change moves the head, so an answer is cached per (head, scope) on the database object."""
    scope_key = "*" if caller.reads_all else ",".join(sorted(caller.division_ids))
    with db.read() as s:
        head = ServerDB.head(s)
        cached = db.check_cache.get((head, scope_key))
        if cached is not None:
            return cached
        stmt = select(Record.entity, Record.id, Record.version, Record.deleted)
        stmt = _readable(stmt, caller)
        rows: dict[str, list[tuple[str, int, bool]]] = {e: [] for e in ENTITY_ORDER}
        for entity, rid, version, deleted in s.execute(stmt):
            rows.setdefault(entity, []).append((rid, int(version), bool(deleted)))
        answer = CheckResponse(head=head, entities={e: digest_rows(r) for e, r in rows.items()})
    if len(db.check_cache) > 256:
        db.check_cache.clear()
    db.check_cache[(head, scope_key)] = answer
    return answer


def manifest(db: ServerDB, caller: Caller, entity: str) -> list[tuple[str, int, bool]]:
    """Every ``(id, version, deleted)`` of one entity the caller may read (to find what differs)."""
    with db.read() as s:
        stmt = select(Record.id, Record.version, Record.deleted).where(Record.entity == entity)
        stmt = _readable(stmt, caller)
        return [(rid, int(v), bool(d)) for rid, v, d in s.execute(stmt)]


def fetch(db: ServerDB, caller: Caller, entity: str, ids: Sequence[str]) -> list[RemoteRecord]:
    """Named records the caller may read (others are left out)."""
    out: list[RemoteRecord] = []
    with db.read() as s:
        for chunk in chunked(ids, _CHUNK):
            stmt = select(Record).where(Record.entity == entity, Record.id.in_(chunk))
            stmt = _readable(stmt, caller)
            out += [_remote(r) for r in s.scalars(stmt)]
    return out


def get_record(db: ServerDB, caller: Caller, entity: str, rid: str) -> RemoteRecord:
    with db.read() as s:
        rec = s.get(Record, (entity, rid))
        # Outside the caller's divisions is answered exactly like an unknown id: a 403 would say it exists.
        if rec is None or (entity not in SHARED_ENTITIES and not caller.covers(rec.division_id)):
            raise Refused(404, "没有这条记录 (no such record)")
        return _remote(rec)


def inspection_status(db: ServerDB, caller: Caller, ids: Sequence[str]) -> StatusResponse:
    """For each inspection the caller may read: how many photos it has and whether all have arrived."""
    out: dict[str, InspectionStatus] = {}
    with db.read() as s:
        for chunk in chunked(ids, _CHUNK):
            visible = {
                rid
                for rid, div in s.execute(
                    select(Record.id, Record.division_id).where(
                        Record.entity == "inspections", Record.id.in_(chunk)
                    )
                )
                if caller.covers(div)
            }
            counts: dict[str, list[int]] = {rid: [0, 0] for rid in visible}
            photos = [
                (insp_id, str(sha))
                for insp_id, sha in s.execute(
                    select(Record.inspection_id, Record.sha256).where(
                        Record.entity == "photos",
                        Record.deleted.is_(False),
                        Record.inspection_id.in_(sorted(visible)),
                    )
                )
            ]
            hashes = sorted({sha for _, sha in photos})
            present: set[str] = set()
            for some in chunked(hashes, _CHUNK):
                present.update(s.scalars(select(Blob.sha256).where(Blob.sha256.in_(some))))
            for insp_id, sha in photos:
                if insp_id in counts:
                    counts[insp_id][0] += 1
                    if sha not in present:
                        counts[insp_id][1] += 1
            for rid, (n, missing) in counts.items():
                out[rid] = InspectionStatus(photos=n, missing=missing, complete=missing == 0)
    return StatusResponse(inspections=out)


def referenced_hashes(s: Session, caller: Caller, hashes: Sequence[str]) -> set[str]:
    """Which of ``hashes`` a live photo record the caller may read uses."""
    found: set[str] = set()
    for chunk in chunked(hashes, _CHUNK):
        stmt = select(Record.sha256).where(
            Record.entity == "photos", Record.deleted.is_(False), Record.sha256.in_(chunk)
        )
        if not caller.reads_all:
            stmt = stmt.where(Record.division_id.in_(sorted(caller.division_ids)))
        found.update(str(h) for (h,) in s.execute(stmt))
    return found


# --- conflicts ----------------------------------------------------------------------------------------------------


def _conflict_out(c: Conflict, users: dict[int, str]) -> ConflictOut:
    return ConflictOut(
        id=c.id,
        entity=c.entity,
        record_id=c.record_id,
        field=c.field,
        label=c.label,
        base=c.base,
        server=c.server_value,
        client=c.client_value,
        device_id=c.device_id,
        user=users.get(c.user_id or 0, ""),
        status=c.status,
        created_at=c.created_at.isoformat(),
        resolution=c.resolution,
    )


def list_conflicts(db: ServerDB, caller: Caller, status: str | None = "open") -> list[ConflictOut]:
    with db.read() as s:
        stmt = select(Conflict).order_by(Conflict.id)
        if status:
            stmt = stmt.where(Conflict.status == status)
        if not caller.reads_all:
            stmt = stmt.where(Conflict.division_id.in_(sorted(caller.division_ids)))
        users = {u.id: u.name for u in s.scalars(select(User))}
        return [_conflict_out(c, users) for c in s.scalars(stmt)]


def resolve_conflict(db: ServerDB, caller: Caller, conflict_id: int, req: ResolveRequest) -> ConflictOut:
    """Settle a conflict (office and admin): the chosen value becomes an ordinary change that syncs."""
    if not caller.resolves_conflicts:
        raise Refused(
            403, "只有办公室或管理员账号可以处理冲突 (only office or admin users resolve conflicts)"
        )
    with db.write() as s:
        c = s.get(Conflict, conflict_id)
        if c is None:
            raise Refused(404, "没有这个冲突 (no such conflict)")
        users = {u.id: u.name for u in s.scalars(select(User))}
        if c.status == "resolved":
            return _conflict_out(c, users)
        rec = s.get(Record, (c.entity, c.record_id))
        if rec is None:
            raise Refused(404, "记录不存在 (the record is gone)")
        if req.choice == "server":
            value = rec.data.get(c.field)
        elif req.choice == "client":
            value = c.client_value
        else:
            value = req.value
            problem = value_problem(c.entity, {c.field: value})
            if problem:  # it would reach every laptop that pulls the record, as a pushed value would
                raise Refused(422, problem)
        if rec.data.get(c.field) != value:
            seqs = _Seqs(s)
            seq = seqs.next()
            data = dict(rec.data)
            data[c.field] = value
            data["version"] = rec.version + 1
            data["updated_at"] = now().isoformat()
            rec.data = data
            rec.version += 1
            rec.seq = seq
            rec.echo_device = None
            seqs.log(
                {
                    "seq": seq,
                    "entity": c.entity,
                    "record_id": c.record_id,
                    "device_id": "server",
                    "user_id": caller.user_id,
                    "origin_seq": 0,
                    "fields": [c.field],
                    "values": {c.field: value},
                    "at": now(),
                }
            )
            seqs.save()
        c.status = "resolved"
        c.resolution = {"choice": req.choice, "value": value}
        c.resolved_by = caller.user_id
        c.resolved_at = now()
        # Other open conflicts on the same field are settled by the same decision.
        s.execute(
            update(Conflict)
            .where(
                Conflict.entity == c.entity,
                Conflict.record_id == c.record_id,
                Conflict.field == c.field,
                Conflict.status == "open",
                Conflict.id != c.id,
            )
            .values(status="resolved", resolution={"choice": req.choice, "value": value}, resolved_at=now())
        )
        return _conflict_out(c, users)
