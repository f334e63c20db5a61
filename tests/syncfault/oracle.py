"""What each laptop wrote (the model) and the checks made after the heal (the oracle).

The model is built from the laptops' own databases, not from sync bookkeeping: before and after every local
operation (create or edit a hotel, start, fill, finalize, correct or discard an inspection, resolve a
conflict) the harness takes a snapshot of the laptop's synced tables; the difference is what that laptop
wrote: records created, and per field the value it saw (``old``) and the value it wrote (``new``). Every
value the harness types is unique within a trial, so a value names the write that made it, and "write B
saw write A" is simply ``B.old == A.new``.

The checks (each problem is a line saying what differed):

* the server holds exactly the records the laptops wrote (no loss, nothing unexpected), except the records
  an inspector created outside their divisions, which the server refuses: those stay queued on the laptop;
* an inspection document (inspection, rooms, team, photos) on the server is exactly what its owner last
  wrote; a per-field record (hotel, inspector) has, for every field, a value some laptop wrote, and every
  *head* write (one no other write saw) is either the value in force or recorded in a conflict — never
  silently lost (fields computed from the inspection history are left to the convergence check);
* every laptop holds exactly the server's records it may read (same id, version, tombstone and values),
  and every open conflict it may see;
* hotels merged into another (the same credit code typed in on two laptops): a tombstone naming a live
  hotel; what was typed into it counts as typed into the hotel that stays (in force there or recorded
  in a conflict), and its inspections follow the hotel that stays;
* no record twice: no live hotel twice by division and name or by credit code, no inspection number shared by inspections that
  are not one correction chain; no change applied twice (one change-log row per device change);
* every live photo's file is on the server (and recorded) and on every laptop holding the photo, whole
  (SHA-256 verified);
* two laptops that corrected one version offline: the server holds exactly one of the corrections; the
  others stay queued on the laptop that wrote them, as refused records do, and a laptop that took one of
  them from a bundle holds it tombstoned (it gave way when the server's correction arrived);
* SQLite's integrity checks pass on the server and on every laptop; outboxes hold nothing but the refused
  out-of-scope records and corrections.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from hoteltv.db.engine import Database
from hoteltv.db.models import SyncConflict
from hoteltv.photos.store import PhotoStore
from hoteltv.sync.merge import DERIVED
from hoteltv.sync.outbox import pending_ids
from hoteltv.sync.protocol import DOCUMENT_ENTITIES
from hoteltv.sync.server.auth import SHARED_ENTITIES
from hoteltv.sync.server.models import Blob, ChangeLog, Conflict, Record
from hoteltv.sync.values import MODELS, content
from tests.sync.helpers import snapshot

Key = tuple[str, str]  # (entity, id)
Snapshot = dict[str, dict[str, dict[str, Any]]]
#: Records both sides make on their own (seeded from the same list): not written by anyone.
SEEDED = frozenset({"divisions"})


@dataclass
class Write:
    laptop: str
    key: Key
    field: str
    old: Any
    new: Any
    step: int


@dataclass
class Authored:
    owner: str  # the laptop that created it
    content: dict[str, Any]  # its values after the last local write (by any laptop)
    writer: str  # who wrote last
    step: int


@dataclass
class Model:
    records: dict[Key, Authored] = field(default_factory=dict)
    writes: dict[tuple[str, str, str], list[Write]] = field(default_factory=lambda: defaultdict(list))
    fields: dict[Key, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: Records a laptop wrote that the server must refuse (an inspector's hotel outside their divisions).
    foreign: dict[str, set[Key]] = field(default_factory=lambda: defaultdict(set))

    def observe(self, laptop: str, before: Snapshot, after: Snapshot, step: int) -> list[Key]:
        """Note what ``laptop`` wrote between two snapshots of its database; returns the records touched."""
        touched: list[Key] = []
        for entity, rows in after.items():
            if entity in SEEDED:
                continue
            old_rows = before.get(entity, {})
            for rid, values in rows.items():
                old = old_rows.get(rid)
                if old == values:
                    continue
                key = (entity, rid)
                touched.append(key)
                for name, value in values.items():
                    prev = None if old is None else old.get(name)
                    if old is None or prev != value:
                        self.writes[(entity, rid, name)].append(Write(laptop, key, name, prev, value, step))
                        self.fields[key].add(name)
                known = self.records.get(key)
                if known is None:
                    self.records[key] = Authored(laptop, dict(values), laptop, step)
                else:
                    known.content, known.writer, known.step = dict(values), laptop, step
        return touched

    def expected_on_server(self) -> set[Key]:
        refused = set().union(*self.foreign.values()) if self.foreign else set()
        return {k for k in self.records if k not in refused}


# --- reading the two sides ----------------------------------------------------------------------------------


@dataclass
class ServerState:
    records: dict[Key, dict[str, Any]]  # data, version, deleted, division_id
    conflicts: list[dict[str, Any]]
    duplicate_changes: list[tuple[Any, ...]]
    blobs: set[str]
    integrity: list[str]
    leftover_parts: list[str]


def _corrections_not_taken(model: Model, srv: ServerState) -> tuple[dict[str, set[Key]], list[str]]:
    """Two laptops that corrected one version offline: the server takes exactly one correction and refuses
    the others, which stay queued on the laptop that wrote them with their rooms, team and photos.
    Returns those records by laptop, and a problem for a version whose corrections the server took none or
    several of."""
    by_original: dict[str, list[Key]] = defaultdict(list)
    for key, authored in model.records.items():
        # A correction draft discarded on its laptop was never a correction: its tombstone on the server
        # (sent before or after the other laptop's correction) is no second one.
        if (
            key[0] == "inspections"
            and authored.content.get("supersedes_id")
            and not authored.content.get("deleted")
        ):
            by_original[authored.content["supersedes_id"]].append(key)
    refused: dict[str, set[Key]] = defaultdict(set)
    problems: list[str] = []
    for original, keys in sorted(by_original.items()):
        if len(keys) < 2:
            continue
        taken = [k for k in keys if k in srv.records]
        if len(taken) != 1:
            problems.append(
                f"{len(taken)} of {len(keys)} corrections of inspection {original[:8]} on the server"
            )
            continue
        for key in keys:
            if key in taken:
                continue
            refused[model.records[key].owner].add(key)
            refused[model.records[key].owner].update(
                k for k, a in model.records.items() if a.content.get("inspection_id") == key[1]
            )
    return refused, problems


def read_server(db: Any, blobs: Any, db_path: Path) -> ServerState:
    records: dict[Key, dict[str, Any]] = {}
    with db.read() as s:
        for rec in s.scalars(select(Record)):
            records[(rec.entity, rec.id)] = {
                "data": dict(rec.data or {}),
                "version": int(rec.version),
                "deleted": bool(rec.deleted),
                "division_id": rec.division_id,
            }
        conflicts = [
            {
                "id": c.id,
                "entity": c.entity,
                "record_id": c.record_id,
                "field": c.field,
                "server": c.server_value,
                "client": c.client_value,
                "status": c.status,
                "division_id": c.division_id,
            }
            for c in s.scalars(select(Conflict))
        ]
        dups = [
            tuple(row)
            for row in s.execute(
                select(
                    ChangeLog.device_id,
                    ChangeLog.entity,
                    ChangeLog.record_id,
                    ChangeLog.origin_seq,
                    func.count(),
                )
                .where(ChangeLog.device_id != "server")
                .group_by(ChangeLog.device_id, ChangeLog.entity, ChangeLog.record_id, ChangeLog.origin_seq)
                .having(func.count() > 1)
            )
        ]
        blob_rows = set(s.scalars(select(Blob.sha256)))
    with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
        integrity = [str(m) for (m,) in conn.execute("PRAGMA integrity_check") if m != "ok"]
    parts = sorted(p.name for p in blobs.incoming.glob("*.part"))
    return ServerState(records, conflicts, dups, blob_rows, integrity, parts)


@dataclass
class LaptopState:
    name: str
    records: dict[Key, dict[str, Any]]  # content, version, deleted
    pending: set[Key]
    conflict_ids: set[int]
    integrity: list[str]


def read_laptop(name: str, db: Database) -> LaptopState:
    from hoteltv.db.tracking import column_values

    records: dict[Key, dict[str, Any]] = {}
    with db.reading() as s:
        for entity, model in MODELS.items():
            for row in s.scalars(select(model)):
                values = column_values(row)
                records[(entity, row.id)] = {
                    "content": content(values),
                    "version": int(values.get("version") or 0),
                    "deleted": bool(values.get("deleted")),
                }
        conflict_ids = {
            int(sid)
            for sid in s.scalars(select(SyncConflict.server_id).where(SyncConflict.server_id.is_not(None)))
        }
    return LaptopState(name, records, pending_ids(db), conflict_ids, db.integrity_problems())


# --- the checks -------------------------------------------------------------------------------------------------


@dataclass
class LaptopView:
    """What the oracle needs to know of a laptop besides its database."""

    name: str
    role: str
    division_ids: frozenset[str]
    db: Database
    store: PhotoStore

    def reads(self, entity: str, division_id: str | None) -> bool:
        return self.role != "inspector" or entity in SHARED_ENTITIES or division_id in self.division_ids


def _short(key: Key) -> str:
    return f"{key[0]}/{key[1][:8]}"


def _label(model: Model, key: Key) -> str:
    rec = model.records.get(key)
    if rec is None:
        return _short(key)
    name = rec.content.get("name") or rec.content.get("record_number") or rec.content.get("room_number") or ""
    return f"{_short(key)} {name!s:.20} (by {rec.owner})".rstrip()


def _diff(a: dict[str, Any], b: dict[str, Any], limit: int = 4) -> str:
    names = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    return "; ".join(f"{n}: {a.get(n)!r:.60} ≠ {b.get(n)!r:.60}" for n in names[:limit]) + (
        f" (+{len(names) - limit} more)" if len(names) > limit else ""
    )


#: Fields of a hotel merged into another that the server sets (not typed on a laptop).
MERGE_FIELDS = frozenset({"id", "deleted", "merged_into_id"})


def check_fields(
    model: Model,
    key: Key,
    server_values: dict[str, Any],
    conflicts: list[dict[str, Any]],
    merged_in: Iterable[Key] = (),
) -> list[str]:
    """Per-field records: every head write is in force or recorded in a conflict; no invented values.

    ``merged_in``: hotels merged into this one (the same hotel typed in twice): what was typed into them
    (a value, not an empty field) counts as typed into this one."""
    problems: list[str] = []
    entity, rid = key
    recorded: dict[str, list[Any]] = defaultdict(list)
    for c in conflicts:
        if c["entity"] == entity and c["record_id"] == rid:
            recorded[c["field"]] += [c["server"], c["client"]]
    names = set(model.fields.get(key, set()))
    for alias in merged_in:
        names |= model.fields.get(alias, set()) - MERGE_FIELDS
    for name in sorted(names - DERIVED.get(entity, frozenset())):
        writes = list(model.writes[(entity, rid, name)])
        for alias in merged_in if name not in MERGE_FIELDS else ():
            writes += [w for w in model.writes.get((alias[0], alias[1], name), []) if w.new not in (None, "")]
        value = server_values.get(name)
        if all(value != w.new for w in writes):
            problems.append(
                f"{_label(model, key)}.{name} = {value!r:.60} on the server, a value no laptop wrote "
                f"(written: {[w.new for w in writes][-4:]!r:.200})"
            )
        for w in writes:
            if any(o is not w and o.old == w.new for o in writes):
                continue  # another write saw this value and replaced it
            if value == w.new or w.new in recorded.get(name, []):
                continue
            problems.append(
                f"{_label(model, key)}.{name}: {w.laptop}'s write {w.new!r:.60} (step {w.step}) lost: "
                f"the server has {value!r:.60} and no conflict records it"
            )
    return problems


def _as_written(model: Model, key: Key, values: dict[str, Any], merged: dict[str, str]) -> dict[str, Any]:
    """A notice of a hotel merged into another is stored under the hotel that stays: its values with the
    hotel a laptop wrote, where that hotel was merged into the one the server names."""
    for w in model.writes.get((key[0], key[1], "hotel_id"), []):
        if w.new != values.get("hotel_id") and merged.get(w.new) == values.get("hotel_id"):
            return {**values, "hotel_id": w.new}
    return values


def check(
    model: Model,
    laptops: Iterable[LaptopView],
    server_db: Any,
    server_blobs: Any,
    server_db_path: Path,
) -> list[str]:
    """Every check of the module docstring; returns the problems found (empty: all good)."""
    laptops = list(laptops)
    problems: list[str] = []
    srv = read_server(server_db, server_blobs, server_db_path)
    problems += [f"server SQLite integrity_check: {m}" for m in srv.integrity]
    problems += [
        f"server applied one change twice: device {d[:8]} {e}/{r[:8]} origin seq {seq} ({n} change-log rows)"
        for d, e, r, seq, n in srv.duplicate_changes
    ]

    # The server holds exactly what the laptops wrote (minus what it must refuse).
    refused, problems_of_corrections = _corrections_not_taken(model, srv)
    problems += problems_of_corrections
    not_taken = set().union(*refused.values())  # corrections (and their parts) the server refused
    for name, keys in model.foreign.items():
        refused[name] |= keys
    expected = model.expected_on_server() - set().union(*refused.values())
    held = {k for k in srv.records if k[0] not in SEEDED}
    for key in sorted(expected - held):
        problems.append(f"lost: {_label(model, key)} was written on a laptop and is not on the server")
    for key in sorted(held - expected):
        problems.append(
            f"unexpected record on the server: {_short(key)} (no laptop wrote it, or it was refused)"
        )
    # Hotels merged into another (the same hotel typed in twice): tombstones naming a live hotel.
    merged = _merged_hotels(srv)
    merged_in: dict[str, list[Key]] = defaultdict(list)
    for old, keep in merged.items():
        merged_in[keep].append(("hotels", old))
        if srv.records.get(("hotels", keep), {}).get("deleted", True):
            problems.append(f"hotel {old[:8]} is merged into {keep[:8]}, which is not a live hotel")
        if not srv.records[("hotels", old)]["deleted"]:
            problems.append(f"hotel {old[:8]} is merged into {keep[:8]} and still live")
    for key in sorted(expected & held):
        rec = srv.records[key]
        authored = model.records[key]
        server_content = content(rec["data"])
        if key[0] in DOCUMENT_ENTITIES:
            wrote = dict(authored.content)
            if wrote.get("hotel_id") in merged:  # its hotel was merged: it follows the one that stays
                wrote["hotel_id"] = merged[wrote["hotel_id"]]
            if server_content != wrote:
                problems.append(
                    f"{_label(model, key)} differs from what its owner wrote: server ≠ laptop: "
                    f"{_diff(server_content, wrote)}"
                )
        elif key[0] == "hotels" and key[1] in merged:
            pass  # its typed values are checked on the hotel that stays
        else:
            if key[0] == "rectification_notices":
                server_content = _as_written(model, key, server_content, merged)
            problems += check_fields(
                model,
                key,
                server_content,
                srv.conflicts,
                merged_in.get(key[1], []) if key[0] == "hotels" else [],
            )
        if bool(server_content.get("deleted")) != rec["deleted"]:
            problems.append(f"{_label(model, key)}: the server's deleted flag disagrees with its data")

    # No duplicates by content: hotels by division and name, inspection numbers outside correction chains.
    hotels: dict[tuple[Any, Any], list[str]] = defaultdict(list)
    numbers: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    codes: dict[str, list[str]] = defaultdict(list)
    for (entity, rid), rec in srv.records.items():
        if entity == "hotels" and not rec["deleted"]:
            hotels[(rec["data"].get("division_id"), rec["data"].get("name"))].append(rid)
            if rec["data"].get("credit_code"):
                codes[rec["data"]["credit_code"]].append(rid)
        elif entity == "inspections":
            numbers[rec["data"].get("record_number")].append(rec["data"] | {"id": rid})
    for (div, name), ids in sorted(hotels.items(), key=lambda kv: str(kv[0])):
        if len(ids) > 1:
            problems.append(f"hotel {name!r} twice in division {str(div)[:8]}: {[i[:8] for i in ids]}")
    for code, ids in sorted(codes.items()):
        if len(ids) > 1:
            problems.append(f"credit code {code} on {len(ids)} live hotels: {[i[:8] for i in ids]}")
    for number, rows in numbers.items():
        if len(rows) < 2:
            continue
        ids = {r["id"] for r in rows}
        roots = [r for r in rows if r.get("supersedes_id") not in ids]
        if len(roots) != 1:
            problems.append(
                f"inspection number {number} used by {len(rows)} inspections that are not one correction "
                f"chain: {sorted(i[:8] for i in ids)}"
            )

    # Photos: every live photo's file on the server, recorded and whole.
    live_photos = {
        rec["data"].get("sha256")
        for (entity, _), rec in srv.records.items()
        if entity == "photos" and not rec["deleted"]
    }
    for sha in sorted(h for h in live_photos if h):
        if sha not in srv.blobs:
            problems.append(f"photo {sha[:12]} has no blob row on the server")
        elif not server_blobs.store.verify(sha):
            problems.append(f"photo {sha[:12]} is missing or damaged in the server's store")

    # Every laptop: exactly the server's records it may read, same version and values.
    for lap in laptops:
        state = read_laptop(lap.name, lap.db)
        problems += [f"{lap.name}: SQLite {m}" for m in state.integrity]
        own_foreign = refused.get(lap.name, set())
        unexpected_pending = state.pending - own_foreign
        for key in sorted(unexpected_pending):
            problems.append(f"{lap.name}: {_label(model, key)} still waits in the outbox after the heal")
        for key in sorted(own_foreign - state.pending):
            problems.append(f"{lap.name}: refused record {_label(model, key)} left the outbox (lost?)")
        visible = {k for k, rec in srv.records.items() if lap.reads(k[0], rec["division_id"])}
        local = set(state.records)
        for key in sorted(visible - local):
            problems.append(f"{lap.name} lacks {_label(model, key)} (on the server, readable by it)")
        for key in sorted(local - visible - own_foreign):
            if key in not_taken and state.records[key]["deleted"]:
                continue  # another laptop's correction the server refused, handed over here by bundle
            problems.append(f"{lap.name} holds {_label(model, key)} which the server does not give it")
        for key in sorted(visible & local):
            mine, theirs = state.records[key], srv.records[key]
            if (mine["version"], mine["deleted"]) != (theirs["version"], theirs["deleted"]):
                problems.append(
                    f"{lap.name}: {_label(model, key)} version/deleted {mine['version']}/{mine['deleted']} "
                    f"≠ server {theirs['version']}/{theirs['deleted']}"
                )
            theirs_content = content(theirs["data"])
            if mine["content"] != theirs_content:
                problems.append(
                    f"{lap.name}: {_label(model, key)} differs from the server: "
                    f"{_diff(mine['content'], theirs_content)}"
                )
        for key in sorted(visible & local):
            if key[0] == "photos" and not state.records[key]["deleted"]:
                sha = state.records[key]["content"].get("sha256")
                if sha and not lap.store.verify(sha):
                    problems.append(f"{lap.name}: photo file {sha[:12]} missing or damaged")
        for c in srv.conflicts:
            visible_conflict = lap.reads(c["entity"], c["division_id"])
            if visible_conflict and c["status"] == "open" and c["id"] not in state.conflict_ids:
                problems.append(
                    f"{lap.name}: open conflict #{c['id']} ({c['entity']}/{c['record_id'][:8]}.{c['field']}) "
                    f"not listed on this laptop"
                )
    return problems


def _merged_hotels(srv: ServerState) -> dict[str, str]:
    """Hotel id → the live hotel it was merged into (chains followed), from the server's records."""
    direct = {
        rid: str(rec["data"]["merged_into_id"])
        for (entity, rid), rec in srv.records.items()
        if entity == "hotels" and rec["data"].get("merged_into_id")
    }
    out: dict[str, str] = {}
    for rid, target in direct.items():
        seen = {rid}
        while target in direct and target not in seen:
            seen.add(target)
            target = direct[target]
        out[rid] = target
    return out


def take(db: Database) -> Snapshot:
    """A snapshot of a laptop's synced tables (content only), for :meth:`Model.observe`."""
    return snapshot(db)
