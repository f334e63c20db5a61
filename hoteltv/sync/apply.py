"""Applying change sets here, each in one transaction: the server's records at a pull
(:func:`apply_remote_records`: unsent local edits are kept) and another device's change sets from a bundle
(:func:`apply_changes_locally`: by the merge rule, conflicts listed, a change that cannot be stored
refused with its reason). Hotels merged into another (the same hotel typed in twice) are followed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from hoteltv.chunks import chunked
from hoteltv.db.engine import Database
from hoteltv.db.models import Hotel, Inspection, Meta, RectificationNotice, SyncConflict
from hoteltv.db.tracking import column_values
from hoteltv.errors import HoteltvError
from hoteltv.sync.merge import (
    CORRECTED_HERE,
    DERIVED,
    NOT_REDIRECTED,
    Decision,
    conflict_values,
    decide,
)
from hoteltv.sync.outbox import from_bundles, note_from_bundles, pending_fields
from hoteltv.sync.protocol import DOCUMENT_ENTITIES, ENTITY_ORDER, Change, ChangeResult, RemoteRecord
from hoteltv.sync.transport import SyncError
from hoteltv.sync.values import (
    MODELS,
    RANK,
    REFERENCES,
    columns,
    content,
    defaults_for,
    label_of,
    required_columns,
    to_python,
)

_CHUNK = 500


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
        pending = pending_fields(s) if ordered else {}  # nothing to apply (only the meta keys): no need
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
            for chunk in chunked(ids, _CHUNK):
                for rid, version in s.execute(
                    select(table.c.id, table.c.version).where(table.c.id.in_(chunk))
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
                        py.update(defaults_for(entity, missing))
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
        _retire_handed_rivals(s, by_entity.get("inspections", ()), pending)
        _refuse_dangling(s, by_entity)
        for key, value in (meta or {}).items():
            s.merge(Meta(key=key, value=value))
    return result


def _refuse_dangling(session: Session, by_entity: dict[str, list[RemoteRecord]]) -> None:
    """Raise :class:`SyncError` when a record just written names one (an inspection, a room, a notice)
    that is not here: the commit would fail on the foreign key with a bare database error. Nothing of
    the pull is written then, and the message says what is missing (the server should never send it:
    it refuses references to records its laptops do not hold)."""
    session.flush()
    wanted: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)  # target -> ref -> naming record
    for entity, recs in by_entity.items():
        refs = REFERENCES[entity]
        if not refs:
            continue
        table = MODELS[entity].__table__  # type: ignore[attr-defined]
        cols = [table.c[key] for key in refs]
        for chunk in chunked([r.id for r in recs], _CHUNK):
            for row in session.execute(select(table.c.id, *cols).where(table.c.id.in_(chunk))):
                for key, ref in zip(refs, row[1:], strict=True):
                    if ref:
                        wanted[refs[key]].setdefault(str(ref), (entity, str(row[0])))
    for target, refs_of in wanted.items():
        table = MODELS[target].__table__  # type: ignore[attr-defined]
        held: set[str] = set()
        for chunk in chunked(sorted(refs_of), _CHUNK):
            held.update(session.scalars(select(table.c.id).where(table.c.id.in_(chunk))))
        missing = sorted(set(refs_of) - held)
        if missing:
            entity, rid = refs_of[missing[0]]
            raise SyncError(
                f"服务器发来的记录({entity} {rid[:8]}…)指向本机没有的记录({target} {missing[0][:8]}…,共 "
                f"{len(missing)} 条),接收的内容均未写入,请联系管理员检查服务器 (a record the server sent "
                f"names a {target} record this laptop does not have; nothing received was written — ask "
                "the server's administrator to check it)"
            )


def _follow_merges(session: Session, hotel_ids: Iterable[str], *, restate: bool = False) -> None:
    """Hotels (among ``hotel_ids``, just written) that are now merged into another (the same hotel typed
    in twice): their inspections and notices here point at the hotel that stays (see
    :mod:`hoteltv.services.hotel_merge`). ``restate``: the hotel that stays then has its mode and status
    worked out again from the history it now holds, as a merge made here does (a bundle: the laptop
    that merged did not hold what this one adds; at a pull the server has done it already)."""
    from hoteltv.services.hotel_merge import rewrite_hotel_references, surviving_ids
    from hoteltv.services.inspections import refresh_hotel

    ids = sorted(set(hotel_ids))
    if not ids:
        return
    session.flush()
    table = MODELS["hotels"].__table__  # type: ignore[attr-defined]
    merged: dict[str, str] = {}
    for chunk in chunked(ids, _CHUNK):
        for rid, target in session.execute(
            select(table.c.id, table.c.merged_into_id).where(
                table.c.id.in_(chunk), table.c.merged_into_id.is_not(None)
            )
        ):
            if target:
                merged[rid] = target
    for old, new in surviving_ids(session, merged).items():
        if session.execute(select(table.c.id).where(table.c.id == new)).first() is not None:
            rewrite_hotel_references(session, old, new)
            keep = session.get(Hotel, new) if restate else None
            if keep is not None and not keep.deleted:
                refresh_hotel(session, keep)


#: The parts of an inspection, retired with it (:func:`_retire_handed_rivals`).
_RETIRED_WITH = ("room_checks", "inspection_inspectors", "photos", "rectification_notices")


def _retire_handed_rivals(
    session: Session, pulled: Iterable[RemoteRecord], pending: dict[tuple[str, str], set[str]]
) -> None:
    """The server's correction of a version has arrived, and another correction of that version is here
    that another laptop handed over by bundle: the server never takes that one (the first correction of a
    version stands, see :data:`~hoteltv.sync.merge.CORRECTED_ELSEWHERE`), so it is tombstoned here with its
    parts, and one version is in force. Its own laptop keeps it (refused, queued there). A correction made
    or changed here is never touched: its refusal is this laptop's to see and drop. Tombstoned in place,
    not deleted (records are never hard-deleted), and not queued: the bundle's records stay known as
    handed over, so the check does not miss them on the server."""
    originals = {
        str(rec.values["supersedes_id"]): rec.id
        for rec in pulled
        if not rec.deleted and isinstance(rec.values.get("supersedes_id"), str)
    }
    handed = from_bundles(session).get("inspections", set()) if originals else set()
    if not handed:
        return
    table = MODELS["inspections"].__table__  # type: ignore[attr-defined]
    device = session.info.get("device_id", "")
    rivals: set[str] = set()
    for chunk in chunked(sorted(handed), _CHUNK):
        for rid, original, owner in session.execute(
            select(table.c.id, table.c.supersedes_id, table.c.owner_device_id).where(
                table.c.id.in_(chunk), table.c.deleted.is_(False), table.c.supersedes_id.is_not(None)
            )
        ):  # matched here, not in SQL: a whole pull may bring more corrections than a statement takes
            if (
                original in originals
                and originals[original] != rid
                and owner != device
                and ("inspections", rid) not in pending
            ):
                rivals.add(rid)
    if not rivals:
        return
    ids = sorted(rivals)
    session.execute(update(table).where(table.c.id.in_(ids)).values(deleted=True))
    for entity in _RETIRED_WITH:
        part = MODELS[entity].__table__  # type: ignore[attr-defined]
        session.execute(
            update(part).where(part.c.inspection_id.in_(ids), part.c.deleted.is_(False)).values(deleted=True)
        )


# --- applying change sets here (bundle import on a laptop) ----------------------------------------------------


@dataclass
class LocalApply:
    results: list[ChangeResult] = field(default_factory=list)
    photo_hashes: set[str] = field(default_factory=set)


class DanglingReference(HoteltvError):
    """Applying the changes would leave a record pointing at one that does not exist; nothing was applied."""


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


def _corrects_a_corrected(s: Session, change: Change) -> bool:
    """Is ``change`` a new inspection correcting a version that a live inspection here already corrects
    (two laptops corrected the same version offline)?"""
    original = change.values.get("supersedes_id") if change.entity == "inspections" else None
    if not isinstance(original, str) or not original:
        return False
    other = s.scalar(
        select(Inspection.id)
        .where(
            Inspection.supersedes_id == original, Inspection.id != change.id, Inspection.deleted.is_(False)
        )
        .limit(1)
    )
    return other is not None


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
                (row is None or (current or {}).get("deleted"))
                and decision.values is not None
                and not decision.values.get("deleted")
                and _corrects_a_corrected(s, change)
            ):
                # As the server: the first correction of a version here stands (one version in force); one
                # retired here when the server's arrived does not come back with the bundle imported again.
                decision = Decision("refused", 422, CORRECTED_HERE)
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
                and change.version < int(current.get("version") or 0)
            ):
                if change.entity in DERIVED:
                    # Fields computed from the inspection history take the newest value pushed: an older
                    # change (a bundle imported late) must not set them back under the newer version either.
                    values = {**decision.values, **{k: current.get(k) for k in DERIVED[change.entity]}}
                    if content(values) != content(current):
                        decision.values = values
                    elif decision.status == "applied":
                        decision = Decision("unchanged")
                    else:
                        decision.values = None
                elif change.entity in DOCUMENT_ENTITIES:
                    # An older state of a draft than the one here (a bundle imported after a newer one, or
                    # after the newer state came by sync): writing it would roll the draft back under the
                    # newer version number, where no sync check could see it (found by the fault campaign).
                    decision = Decision(
                        "unchanged", reason="本机已有更新的版本 (a newer version is already here)"
                    )
            label = label_of(change.entity, change.values)
            if decision.values is not None:
                try:
                    py = to_python(change.entity, decision.values)
                except ValueError as exc:
                    refused(str(exc))
                    continue
                py["version"] = max(change.version, (current or {}).get("version") or 0)
                missing = (
                    [k for k in required_columns(change.entity) if py.get(k) is None] if row is None else []
                )
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
                        values=conflict_values(
                            c, "本机 (this computer)", f"设备 (device) {origin_device[:8]}"
                        ),
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
            _restore_hotel(s, change, out.results[-1])
        _follow_merges(
            s, [r.id for r in out.results if r.entity == "hotels" and r.status != "refused"], restate=True
        )
        note_from_bundles(s, [(r.entity, r.id) for r in out.results if r.status in ("applied", "conflict")])
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
    under the one that stays; a merge of a hotel into one that was merged into it here (the same pair
    merged the other way on two laptops) is not applied — they are one hotel here already, and two hotels
    merged into each other would be neither (the sync settles which stays, as the server has it)."""
    from hoteltv.services.hotel_merge import surviving_ids

    hotels = MODELS["hotels"]

    def live(hotel_id: Any) -> str | None:
        row = session.get(hotels, hotel_id) if isinstance(hotel_id, str) and hotel_id else None
        target = getattr(row, "merged_into_id", None) if row is not None else None
        if not target:
            return None
        found = surviving_ids(session, {hotel_id: target}).get(hotel_id)
        return found if found and session.get(hotels, found) is not None else None

    target = change.values.get("merged_into_id") if change.entity == "hotels" else None
    if change.entity == "hotels" and not target:
        keep = live(change.id)
        if keep:
            fields = [f for f in change.fields if f not in NOT_REDIRECTED]
            return change.model_copy(update={"id": keep, "fields": fields, "created": False})
        row = session.get(hotels, change.id)
        if (
            change.values.get("deleted")
            and row is not None
            and not row.deleted
            and _holds_finalized(session, row.id)
        ):
            # Deleted on a laptop that holds no finalized record of it, while this one does: it stays (a hotel
            # with finalized records is never deleted; the server answers that laptop the same way).
            fields = [f for f in change.fields if f != "deleted"]
            return change.model_copy(update={"values": {**change.values, "deleted": False}, "fields": fields})
    elif change.entity == "hotels" and live(target) == change.id:
        row = session.get(hotels, change.id)
        if row is not None:
            values = {
                **change.values,
                "merged_into_id": getattr(row, "merged_into_id", None),
                "deleted": row.deleted,
            }
            fields = [f for f in change.fields if f not in ("merged_into_id", "deleted")]
            return change.model_copy(update={"values": values, "fields": fields})
    elif change.entity in ("inspections", "rectification_notices"):
        keep = live(change.values.get("hotel_id"))
        if keep:
            return change.model_copy(update={"values": {**change.values, "hotel_id": keep}})
    return change


def _holds_finalized(session: Session, hotel_id: str) -> bool:
    """Does this laptop hold a live finalized inspection or an issued notice of the hotel?"""
    found = (
        session.execute(
            select(Inspection.id).where(
                Inspection.hotel_id == hotel_id,
                Inspection.status == "finalized",
                Inspection.deleted.is_(False),
            )
        ).first()
        or session.execute(
            select(RectificationNotice.id).where(
                RectificationNotice.hotel_id == hotel_id, RectificationNotice.deleted.is_(False)
            )
        ).first()
    )
    return found is not None


def _restore_hotel(session: Session, change: Change, result: ChangeResult) -> None:
    """A finalized inspection or an issued notice just taken for a hotel deleted here: the hotel is live
    again (as on the server, :func:`hoteltv.sync.server.service._restore_hotel`)."""
    if change.entity not in ("inspections", "rectification_notices") or result.status == "refused":
        return
    if change.values.get("deleted") or (
        change.entity == "inspections" and change.values.get("status") != "finalized"
    ):
        return
    hotel_id = change.values.get("hotel_id")
    hotel = session.get(Hotel, hotel_id) if isinstance(hotel_id, str) else None
    if hotel is not None and hotel.deleted and not hotel.merged_into_id:
        hotel.deleted = False


def _listed(session: Session, entity: str, record_id: str, field_name: str, other: Any) -> bool:
    """Is this conflict (the same record, field and other value) already listed and open?"""
    listed = session.scalars(
        select(SyncConflict.values).where(
            SyncConflict.entity == entity,
            SyncConflict.record_id == record_id,
            SyncConflict.field == field_name,
            SyncConflict.status == "open",
        )
    )
    return any((values or {}).get("other") == other for values in listed)
