"""Every write is stamped, audited and queued for sync in its own transaction; finalized records are frozen."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from hoteltv.db.engine import Database
from hoteltv.db.models import AuditEvent, Hotel, Inspection, OutboxEntry, RoomCheck
from hoteltv.domain.divisions import DivisionList
from hoteltv.errors import HoteltvError, RecordFinalizedError
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service


def test_create_and_update_write_audit_and_outbox(db: Database, divisions: DivisionList) -> None:
    view = hotel_service.create_hotel(
        db, hotel_service.HotelInput(name="和顺客栈", division_code="腾冲县"), divisions, actor="clerk"
    )
    assert view.division_name == "腾冲市" and view.version == 1
    updated = hotel_service.update_hotel(
        db,
        view.id,
        hotel_service.HotelInput(name="和顺客栈", division_code="530581", rooms=40),
        divisions,
        base_version=1,
        actor="clerk",
    )
    assert updated.version == 2 and updated.rooms == 40
    with db.reading() as s:
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.entity_id == view.id).order_by(AuditEvent.at)
        ).all()
        assert [e.action for e in events] == ["create", "update"]
        assert events[1].changes == {"rooms": [None, 40]}
        assert events[1].actor == "clerk" and events[1].device_id == db.device_id
        outbox = s.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == view.id)).all()
        assert [(o.version, o.fields) for o in outbox][-1] == (2, ["rooms"])
        assert outbox[-1].base == {"rooms": None}
        hotel = s.get(Hotel, view.id)
        assert hotel is not None and hotel.device_id == db.device_id


def test_stale_edit_is_refused(db: Database, divisions: DivisionList, hotel: hotel_service.HotelView) -> None:
    data = hotel.as_input()
    hotel_service.update_hotel(
        db, hotel.id, data.__class__(**{**vars(data), "rooms": 10}), divisions, base_version=1
    )
    with pytest.raises(HoteltvError, match="changed elsewhere"):
        hotel_service.update_hotel(db, hotel.id, data, divisions, base_version=1)


def test_hard_delete_is_refused(db: Database, hotel: hotel_service.HotelView) -> None:
    with pytest.raises(HoteltvError, match="never hard-deleted"), db.transaction() as s:
        s.delete(s.get(Hotel, hotel.id))
    hotel_service.delete_hotel(db, hotel.id)
    assert hotel_service.list_hotels(db) == []
    with db.reading() as s:
        row = s.get(Hotel, hotel.id)
        assert row is not None and row.deleted


def test_finalized_inspection_is_immutable_even_through_the_orm(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any
) -> None:
    view = insp_service.start_inspection(db, hotel.id, team)
    view = fill(db, view.id)
    view = insp_service.finalize(db, view.id)
    assert view.status == "finalized" and view.result == "pass"
    with pytest.raises(RecordFinalizedError), db.transaction() as s:
        s.get(Inspection, view.id).findings = "tampered"  # type: ignore[union-attr]
    with pytest.raises(RecordFinalizedError), db.transaction() as s:
        room = s.get(RoomCheck, view.rooms[0].id)
        assert room is not None
        room.answers = {**room.answers, "boot_seconds": 99}
    with pytest.raises(RecordFinalizedError), db.transaction() as s:
        s.add(RoomCheck(inspection_id=view.id, room_number="999", answers={}))
    with pytest.raises(RecordFinalizedError):
        insp_service.set_room_answer(db, view.rooms[0].id, "boot_seconds", 99)
    assert insp_service.get_inspection(db, view.id).rooms[0].answers["boot_seconds"] == 18


def test_draft_of_another_device_cannot_be_edited(
    db: Database, hotel: hotel_service.HotelView, team: list[str]
) -> None:
    view = insp_service.start_inspection(db, hotel.id, team)
    with db.transaction() as s:
        s.info["applying_remote"] = True  # as sync would write it
        s.get(Inspection, view.id).owner_device_id = "another-device"  # type: ignore[union-attr]
    with pytest.raises(RecordFinalizedError, match="another device"):
        insp_service.set_hotel_answer(db, view.id, "provider", "中国电信")


def test_commit_listeners_hear_tables_and_ids_once_committed(db: Database, divisions: DivisionList) -> None:
    from hoteltv.db.tracking import Changes
    from hoteltv.sync.outbox import mark_sent

    heard: list[Changes] = []
    stop = db.on_commit(heard.append)
    view = hotel_service.create_hotel(
        db, hotel_service.HotelInput(name="和顺客栈", division_code="腾冲县"), divisions, actor="clerk"
    )
    assert len(heard) == 1
    assert heard[0].touches("hotels", view.id) and not heard[0].touches("hotels", "another")
    assert heard[0].touches("outbox") and not heard[0].touches("inspections")
    assert not heard[0].remote
    # a refused write commits nothing, so nobody hears of it
    with pytest.raises(HoteltvError), db.transaction() as s:
        s.delete(s.get(Hotel, view.id))
    assert len(heard) == 1
    # a bulk statement through the session: the table, ids unknown
    with db.reading() as s:
        seqs = list(s.scalars(select(OutboxEntry.seq)))
    mark_sent(db, seqs)
    assert heard[-1].touches("outbox", "any id") and not heard[-1].touches("hotels")
    merged = heard[0].merged(heard[-1])
    assert merged.ids("hotels") == {view.id} and merged.tables >= {"hotels", "outbox"}
    stop()
    before = len(heard)
    hotel_service.update_hotel(
        db, view.id, hotel_service.HotelInput(name="和顺客栈", division_code="530581", rooms=4), divisions
    )
    assert len(heard) == before  # nothing more heard after stop()
