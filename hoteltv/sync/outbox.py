"""The laptop's outbox: unsent local changes compacted into :class:`~hoteltv.sync.protocol.Change` objects
(:func:`collect_changes`), marked sent when the server answered, what still waits (pending, refused and
dropped), and the count/hash digests of the records here that the sync check compares with the server's.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    Float,
    Integer,
    String,
    Text,
    bindparam,
    insert,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session

from hoteltv.chunks import chunked
from hoteltv.db.engine import Database
from hoteltv.db.models import Meta, OutboxEntry, utcnow
from hoteltv.db.tracking import jsonable
from hoteltv.sync.protocol import ENTITY_ORDER, Change, EntityDigest
from hoteltv.sync.values import BOOKKEEPING, MODELS, RANK, label_of

_CHUNK = 500
#: Column types whose values are already JSON values (exactly these: an Enum column is a String too).
_PLAIN_TYPES = (String, Text, Integer, Boolean, Float)
#: Columns a change never names: bookkeeping and the id.
_NOT_SENT = BOOKKEEPING | {"id"}


# --- collecting the outbox ----------------------------------------------------------------------------------


@dataclass
class Collected:
    """The unsent changes, compacted per record, and the outbox entries each one covers."""

    changes: list[Change]
    outbox: dict[tuple[str, str], list[int]]
    labels: dict[tuple[str, str], str]

    def seqs(self, changes: Iterable[Change]) -> list[int]:
        return [s for c in changes for s in self.outbox.get((c.entity, c.id), [])]


def _load_values(conn: Connection, entity: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The current values of records (as :func:`hoteltv.db.tracking.column_values` gives them), read as
    plain rows: no ORM objects, no joined relations (a first sync collects every record there is)."""
    table = MODELS[entity].__table__  # type: ignore[attr-defined]
    keys = [c.key for c in table.columns]
    at = keys.index("id")
    # Only columns of other types than text, numbers and true/false need converting (times, dates, JSON).
    convert = [c.key for c in table.columns if type(c.type) not in _PLAIN_TYPES]
    out: dict[str, dict[str, Any]] = {}
    for chunk in chunked(ids, _CHUNK):
        for row in conn.execute(select(table).where(table.c.id.in_(chunk))):
            values = dict(zip(keys, row, strict=True))
            for key in convert:
                values[key] = jsonable(values[key])
            out[row[at]] = values
    return out


class _Decoded(dict[str, Any]):
    """Outbox entries' ``fields`` and ``base``, read as text and decoded once per distinct text: most
    bases are empty (a new record has none) and a table's new records all list the same fields, and
    decoding them entry by entry cost a first sync a noticeable part of its time. Read only."""

    def __missing__(self, text: str) -> Any:
        value = json.loads(text) if text not in ("{}", "[]", "null") else None
        self[text] = value
        return value

    def of(self, text: str | None) -> Any:
        return self[text] if text else None


def collect_changes(db: Database) -> Collected:
    """Compact every unsent outbox entry into one :class:`Change` per record, parents first."""
    outbox_table = OutboxEntry.__table__
    # Core statements on one connection (one read transaction, so one snapshot): an ORM session's
    # machinery costs more than these few queries when little changed.
    with db.engine.connect() as s:
        entries = s.execute(
            select(
                outbox_table.c.seq,
                outbox_table.c.entity,
                outbox_table.c.entity_id,
                outbox_table.c.version,
                type_coerce(outbox_table.c.fields, Text).label("fields"),
                type_coerce(outbox_table.c.base, Text).label("base"),
            )
            .where(outbox_table.c.sent_at.is_(None))
            .order_by(outbox_table.c.seq)
        ).all()
        grouped: dict[tuple[str, str], list[Any]] = defaultdict(list)
        for e in entries:
            if e.entity in MODELS:
                grouped[(e.entity, e.entity_id)].append(e)
        by_entity: dict[str, list[str]] = defaultdict(list)
        for entity, rid in grouped:
            by_entity[entity].append(rid)
        rows = {entity: _load_values(s, entity, ids) for entity, ids in by_entity.items()}
        numbers = _record_numbers(s, rows)
    changes: list[tuple[tuple[int, int], Change]] = []
    decoded = _Decoded()
    outbox: dict[tuple[str, str], list[int]] = {}
    labels: dict[tuple[str, str], str] = {}
    for (entity, rid), group in grouped.items():
        seqs = [e.seq for e in group]
        outbox[(entity, rid)] = seqs
        values = rows[entity].get(rid)
        if values is None:  # cannot happen (no hard deletes); nothing to send
            continue
        parsed = [(e.version, decoded.of(e.base), decoded.of(e.fields)) for e in group]
        created = any(version == 1 and not old for version, old, _names in parsed)
        fields: set[str] = set()
        base: dict[str, Any] = {}
        for _version, old, names in parsed:  # a field's base is the value before its oldest unsent change
            if not old:
                fields.update(names or ())
                continue
            for name in names or ():
                if name not in fields:
                    fields.add(name)
                    if name in old:
                        base[name] = old[name]
        fields -= _NOT_SENT
        # Built without validation: every value is already of its field's type (read from this database's
        # own columns), and validating ten thousand changes cost a first sync more than a second.
        change = Change.model_construct(
            entity=entity,
            id=rid,
            seq=max(seqs),
            version=int(values.get("version") or 0),
            created=created,
            fields=sorted(fields),
            base={k: v for k, v in base.items() if k not in _NOT_SENT},
            values=values,
        )
        labels[(entity, rid)] = label_of(entity, values)
        number = numbers.get(values.get("inspection_id")) if entity in _PARTS else None
        if number:  # "房间 718" alone does not say which inspection's room 718 it is
            labels[(entity, rid)] = label_of(entity, {**values, "inspection_number": number})
        changes.append(((RANK[entity], min(seqs)), change))
    return Collected(_in_order(changes, outbox), outbox, labels)


#: Parts of an inspection: named with their inspection's record number (a room, a team row, a photo).
_PARTS = frozenset({"inspection_inspectors", "room_checks", "photos"})


def _record_numbers(conn: Connection, rows: dict[str, dict[str, dict[str, Any]]]) -> dict[Any, str]:
    """The record numbers of the inspections the parts in ``rows`` belong to."""
    wanted = sorted(
        {str(v["inspection_id"]) for e in _PARTS for v in rows.get(e, {}).values() if v.get("inspection_id")}
    )
    table = MODELS["inspections"].__table__  # type: ignore[attr-defined]
    out: dict[Any, str] = {}
    for chunk in chunked(wanted, _CHUNK):
        out.update(conn.execute(select(table.c.id, table.c.record_number).where(table.c.id.in_(chunk))).all())
    return out


#: Sent inspection by inspection: the inspection, then its parts and notices (see :func:`_in_order`).
_WITH_INSPECTION = frozenset(
    {"inspections", "inspection_inspectors", "room_checks", "rectification_notices", "photos"}
)


def _in_order(
    keyed: list[tuple[tuple[int, int], Change]], outbox: dict[tuple[str, str], list[int]]
) -> list[Change]:
    """The changes in the order they are sent: every parent before its children. Shared records and hotels
    first (by table, oldest change first), then inspection by inspection — each followed at once by its
    team, rooms, notices and photos (a notice closed by a re-inspection goes with that one: each names
    the other) — then the tables after those. A first sync's photo records so reach the server with the
    first batches of inspections, not after every room of every inspection, and the upload of their
    files (which the server takes only for records it holds) starts early."""
    first_insp = RANK["inspections"]

    def group(change: Change, key: tuple[int, int]) -> tuple[int, int, int, int]:
        if change.entity not in _WITH_INSPECTION:
            return (key[0], 0, key[0], key[1])
        insp = change.id if change.entity == "inspections" else change.values.get("inspection_id")
        seqs = outbox.get(("inspections", insp)) if isinstance(insp, str) else None
        # An inspection sent before (not in the outbox) groups its parts under their own oldest change.
        anchor = min(seqs) if seqs else key[1]
        again = change.values.get("reinspection_id") if change.entity == "rectification_notices" else None
        later = outbox.get(("inspections", again)) if isinstance(again, str) else None
        if later:  # a notice closed by a re-inspection goes with it (each names the other)
            anchor = max(anchor, min(later))
        return (first_insp, anchor, key[0], key[1])

    ordered = sorted(((group(c, key), c) for key, c in keyed), key=lambda item: item[0])
    return [c for _, c in ordered]


def mark_sent(db: Database, seqs: Sequence[int]) -> None:
    """Mark outbox entries as delivered (they are kept as history, not deleted)."""
    if not seqs:
        return
    with db.transaction() as s:
        mark_sent_in(s, seqs)


def _conn(target: Session | Connection) -> Connection:
    return target.connection() if isinstance(target, Session) else target


def mark_sent_in(target: Session | Connection, seqs: Sequence[int]) -> None:
    """:func:`mark_sent` in the caller's transaction (a session's or a plain connection's)."""
    now = utcnow()
    for chunk in chunked(seqs, _CHUNK):
        # In a session: noted for its commit listeners (the sync panel's count of changes waiting); on a
        # connection, :meth:`Database.writing` tells them.
        target.execute(update(OutboxEntry).where(OutboxEntry.seq.in_(chunk)).values(sent_at=now))


def adopt_versions_in(target: Session | Connection, items: Sequence[tuple[str, str, int, int]]) -> None:
    """Take the server's version number for records it now holds exactly as we do, in the caller's
    transaction (plain updates: no tracking, no outbox).

    ``items`` are ``(entity, id, version we sent, server version)``; a record edited here since it was
    sent keeps its own number (its next change goes out as usual).
    """
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
        _conn(target).execute(stmt, params)


def requeue(db: Database, entity: str, items: Sequence[tuple[str, int, dict[str, Any]]]) -> None:
    """Queue records to be sent again whole, as they are here (``(id, version, base)``: ``base`` the
    server's values of a record it holds at an older version, empty for one it lacks) — what a server
    restored from an older backup, or another server, does not hold of this laptop's writing."""
    if not items:
        return
    names = [c.key for c in MODELS[entity].__table__.columns if c.key not in _NOT_SENT]  # type: ignore[attr-defined]
    now = utcnow()
    rows = [
        {
            "entity": entity,
            "entity_id": rid,
            "version": version,
            "at": now,
            "fields": names,
            "base": {k: v for k, v in base.items() if k in names},
            "sent_at": None,
        }
        for rid, version, base in items
    ]
    with db.writing(("outbox",)) as conn:
        for chunk in chunked(rows, _CHUNK):
            conn.execute(insert(OutboxEntry), chunk)


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


# --- the count/hash check -------------------------------------------------------------------------------------


#: Meta row: records whose refused changes were dropped here (``sync --drop``), by entity. They stay on
#: this computer as they are, are not sent again unless edited again, and are left out of the check.
META_DROPPED = "sync.dropped"


def _ids_by_entity(session: Session, key: str) -> dict[str, list[str]]:
    """A meta row holding record ids by entity (JSON); empty when missing or unreadable."""
    row = session.get(Meta, key)
    try:
        data = json.loads(row.value) if row is not None and row.value else {}
    except ValueError:
        data = {}
    return {str(k): [str(i) for i in v] for k, v in data.items() if isinstance(v, list)}


def dropped_ids(session: Session) -> dict[str, list[str]]:
    return _ids_by_entity(session, META_DROPPED)


def set_dropped(session: Session, dropped: dict[str, list[str]]) -> None:
    data = {k: sorted(set(v)) for k, v in dropped.items() if v}
    session.merge(Meta(key=META_DROPPED, value=json.dumps(data, sort_keys=True)))


#: Meta row: records another device handed over here by bundle, by entity. The server may not hold them
#: yet (their own device sends them): a check that finds only these missing there is not failed for them.
META_FROM_BUNDLES = "sync.from_bundles"


def from_bundles(session: Session) -> dict[str, set[str]]:
    return {k: set(v) for k, v in _ids_by_entity(session, META_FROM_BUNDLES).items()}


def note_from_bundles(
    session: Session, add: Iterable[tuple[str, str]], held: Iterable[tuple[str, str]] = ()
) -> None:
    """Remember records a bundle brought (``add``) and forget those the server now holds (``held``)."""
    known = from_bundles(session)
    before = {e: set(ids) for e, ids in known.items()}
    for entity, rid in add:
        known.setdefault(entity, set()).add(rid)
    for entity, rid in held:
        known.get(entity, set()).discard(rid)
    if known != before:
        data = {e: sorted(ids) for e, ids in known.items() if ids}
        session.merge(Meta(key=META_FROM_BUNDLES, value=json.dumps(data, sort_keys=True)))


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
    if not wanted or db.get_meta(META_DROPPED) in (None, "", "{}"):
        return  # nothing was ever dropped here (the usual case: one indexed read)
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
