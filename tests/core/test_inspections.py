"""The inspection lifecycle: draft → finalized → correction; failed → notice → re-inspection → closed."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest

from hoteltv.db.engine import Database
from hoteltv.errors import RecordFinalizedError, ValidationError
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from hoteltv.services import notices as notice_service
from tests.core.conftest import explain_missing_evidence


def test_verdict_follows_answers_live(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any
) -> None:
    view = insp_service.start_inspection(db, hotel.id, team)
    assert view.status == "draft" and view.verdict.result is None
    assert (
        view.record_number.startswith("JC-") and view.template_id == "hotel_tv" and view.template_version == 1
    )
    view = fill(db, view.id)
    assert view.verdict.result == "pass" and view.verdict.complete
    slow_room = view.rooms[1]
    view = insp_service.set_room_answer(db, slow_room.id, "boot_seconds", "36秒")
    assert view.verdict.result == "fail"
    assert [(f.item_key, f.room_label) for f in view.verdict.failed] == [
        ("boot_seconds", slow_room.room_number)
    ]
    view = insp_service.set_room_answer(db, slow_room.id, "boot_seconds", "35")
    assert view.verdict.result == "pass"
    view = insp_service.set_room_answer(db, slow_room.id, "channel_local", "否")
    assert view.verdict.result == "basic"


def test_finalize_refuses_an_incomplete_record_and_names_what_is_missing(
    db: Database, hotel: hotel_service.HotelView, team: list[str]
) -> None:
    view = insp_service.start_inspection(db, hotel.id, team[:1])
    view = insp_service.add_room(db, view.id, "301")
    with pytest.raises(ValidationError) as err:
        insp_service.finalize(db, view.id)
    wheres = " ".join(p.where for p in err.value.problems)
    assert (
        "inspectors" in wheres and "rooms" in wheres and "ids_shown" in wheres and "hotel_opinion" in wheres
    )
    assert "boot_seconds" in wheres
    assert insp_service.get_inspection(db, view.id).status == "draft"


def test_room_numbers_are_unique_and_removal_is_a_tombstone(
    db: Database, hotel: hotel_service.HotelView, team: list[str]
) -> None:
    view = insp_service.start_inspection(db, hotel.id, team)
    view = insp_service.add_room(db, view.id, "301")
    with pytest.raises(ValidationError, match="already sampled"):
        insp_service.add_room(db, view.id, " 301 ")
    view = insp_service.remove_room(db, view.rooms[0].id)
    assert view.rooms == ()
    view = insp_service.add_room(db, view.id, "301")
    assert [r.room_number for r in view.rooms] == ["301"]


def test_bad_answer_is_refused_and_changes_nothing(
    db: Database, hotel: hotel_service.HotelView, team: list[str]
) -> None:
    view = insp_service.start_inspection(db, hotel.id, team)
    view = insp_service.add_room(db, view.id, "301", answers={"boot_seconds": 20})
    with pytest.raises(ValidationError):
        insp_service.set_room_answer(db, view.rooms[0].id, "boot_seconds", "fast")
    with pytest.raises(ValidationError):
        insp_service.set_room_answer(db, view.rooms[0].id, "no_such_item", "yes")
    with pytest.raises(ValidationError):
        insp_service.set_hotel_answer(db, view.id, "boot_seconds", 20)  # a room item at hotel level
    assert insp_service.get_inspection(db, view.id).rooms[0].answers == {"boot_seconds": 20}


def test_correction_supersedes_and_both_stay(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any
) -> None:
    first = insp_service.finalize(db, fill(db, insp_service.start_inspection(db, hotel.id, team).id).id)
    assert first.content_hash and len(first.content_hash) == 64
    with pytest.raises(ValidationError):
        insp_service.correct(
            db, insp_service.start_inspection(db, hotel.id, team).id
        )  # a draft needs no correction
    fix = insp_service.correct(db, first.id)
    assert (
        fix.status == "draft" and fix.supersedes_id == first.id and fix.record_number == first.record_number
    )
    assert [r.answers for r in fix.rooms] == [r.answers for r in first.rooms]
    fix = insp_service.set_room_answer(db, fix.rooms[0].id, "boot_seconds", 50)
    with pytest.raises(ValidationError, match="须拍照取证或写明未拍照的理由"):
        insp_service.finalize(db, fix.id)  # the new failure needs a photo or a reason
    fix = insp_service.finalize(db, explain_missing_evidence(db, fix).id)
    chain = insp_service.history(db, first.id)
    assert [c.id for c in chain] == [first.id, fix.id] and chain[0].superseded and not chain[1].superseded
    assert insp_service.get_inspection(db, first.id).superseded_by_id == fix.id
    assert hotel_service.get_hotel(db, hotel.id).remediation_status == "failed"  # the correction counts
    with pytest.raises(ValidationError, match="already has a correction"):
        insp_service.correct(db, first.id)


def test_failed_notice_reinspection_closes(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any
) -> None:
    view = insp_service.start_inspection(db, hotel.id, team)
    view = fill(db, view.id, rooms={"301": {"ads_seen": "yes"}, "502": {}, "718": {"keys_to_live": 4}})
    view = insp_service.finalize(db, view.id)
    assert view.result == "fail" and view.findings and "301" in view.findings
    assert hotel_service.get_hotel(db, hotel.id).remediation_status == "failed"
    with pytest.raises(ValidationError):
        notice_service.issue_notice(db, view.id, deadline=date(2020, 1, 1), today=date(2026, 11, 1))
    notice = notice_service.issue_notice(db, view.id, today=date(2026, 11, 1))
    assert notice.deadline == date(2026, 11, 8) and notice.status == "open"
    assert [(i.item_key, i.room) for i in notice.items] == [("ads_seen", "301"), ("keys_to_live", "718")]
    assert re.fullmatch(r"保文旅广电整改〔2026〕第[0-9A-F]{4}-001号", notice.number)  # no block: fallback
    with pytest.raises(ValidationError, match="already issued"):
        notice_service.issue_notice(db, view.id)
    h = hotel_service.get_hotel(db, hotel.id)
    assert h.remediation_status == "rectifying" and h.next_deadline == date(2026, 11, 8)
    overdue = notice_service.list_notices(db, overdue_only=True, today=date(2026, 11, 9))
    assert [n.id for n in overdue] == [notice.id]

    again = notice_service.start_reinspection(db, notice.id, team)
    assert again.kind == "reinspection" and again.notice_id == notice.id
    assert [r.room_number for r in again.rooms] == ["301", "502", "718"]
    assert [f.item_key for f in notice_service.earlier_failures(db, again.id)] == ["ads_seen", "keys_to_live"]
    again = fill(db, again.id)
    again = insp_service.finalize(db, again.id)
    assert again.result == "pass"
    closed = notice_service.get_notice(db, notice.id)
    assert closed.status == "closed" and closed.reinspection_id == again.id
    assert hotel_service.get_hotel(db, hotel.id).remediation_status == "rectified"


def test_failed_reinspection_keeps_notice_open_then_new_notice_supersedes(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any
) -> None:
    first = insp_service.finalize(
        db,
        fill(
            db,
            insp_service.start_inspection(db, hotel.id, team).id,
            rooms={"301": {"ads_seen": "yes"}, "502": {}, "718": {}},
        ).id,
    )
    notice = notice_service.issue_notice(db, first.id)
    again = notice_service.start_reinspection(db, notice.id, team)
    again = insp_service.finalize(
        db, fill(db, again.id, rooms={"301": {"ads_seen": "yes"}, "502": {}, "718": {}}).id
    )
    assert again.result == "fail"
    assert notice_service.get_notice(db, notice.id).status == "open"
    second = notice_service.issue_notice(db, again.id, deadline=date.today() + timedelta(days=3))
    assert notice_service.get_notice(db, notice.id).status == "superseded"
    assert [n.id for n in notice_service.list_notices(db, open_only=True)] == [second.id]


def test_team_and_last_team(db: Database, hotel: hotel_service.HotelView, team: list[str]) -> None:
    third = insp_service.add_inspector(db, "王芳", "53058119003").id
    view = insp_service.start_inspection(db, hotel.id, team)
    view = insp_service.set_team(db, view.id, [team[1], third])
    assert [i.name for i in view.inspectors] == ["李华", "王芳"]
    view = insp_service.set_team(db, view.id, [team[0], team[1], third])
    assert [i.name for i in view.inspectors] == ["张明", "李华", "王芳"]
    assert insp_service.last_team(db) == [team[0], team[1], third]
    with pytest.raises(ValidationError):
        insp_service.add_inspector(db, "重复", "53058119003")


def test_discarded_draft_disappears(db: Database, hotel: hotel_service.HotelView, team: list[str]) -> None:
    view = insp_service.start_inspection(db, hotel.id, team)
    insp_service.discard_draft(db, view.id)
    assert insp_service.list_inspections(db) == []


def test_a_draft_correction_replaces_nothing_until_finalized(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any
) -> None:
    """While a correction is a draft the record stays in force: not marked 已被更正 in its view, its
    history or the code its sheet prints; it names the correction under way (no second one, no notice
    from it). Once the correction is finalized, the record is replaced everywhere."""
    from hoteltv.reports.verification import inspection_code, verify_code

    first = insp_service.finalize(db, fill(db, insp_service.start_inspection(db, hotel.id, team).id).id)
    draft = insp_service.correct(db, first.id)
    view = insp_service.get_inspection(db, first.id)
    assert view.superseded_by_id is None and view.correction_id == draft.id
    assert [v.superseded for v in insp_service.history(db, first.id)] == [False, False]
    code = inspection_code(db, first.id)
    assert code.superseded_by_id is None and code.in_force is None and code.latest_version == 2
    checked = verify_code(db, code.code)  # the paper is the version in force, and nothing says otherwise
    assert (
        checked.status == "valid"
        and checked.superseded_by_id is None
        and checked.superseded_by_number is None
    )
    with pytest.raises(ValidationError, match="already has a correction"):
        insp_service.correct(db, first.id)
    fix = insp_service.finalize(db, explain_missing_evidence(db, draft).id)
    view = insp_service.get_inspection(db, first.id)
    assert view.superseded_by_id == fix.id and view.correction_id == fix.id
    assert [v.superseded for v in insp_service.history(db, first.id)] == [True, False]
    code = inspection_code(db, first.id)
    assert code.superseded_by_id == fix.id and code.in_force and first.record_number in code.in_force
    checked = verify_code(db, code.code)
    assert checked.status == "superseded" and checked.superseded_by_id == fix.id
    assert checked.superseded_by_number == f"{first.record_number} 第2版"


def test_a_discarded_correction_leaves_the_record_current(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any
) -> None:
    first = insp_service.finalize(db, fill(db, insp_service.start_inspection(db, hotel.id, team).id).id)
    insp_service.discard_draft(db, insp_service.correct(db, first.id).id)
    assert [i.superseded for i in insp_service.list_inspections(db)] == [False]
    headers, rows = insp_service.inspections_as_table(db)
    assert [dict(zip(headers, r, strict=True))["已被更正"] for r in rows] == [""]


def test_finalized_cannot_be_discarded(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any
) -> None:
    view = insp_service.finalize(db, fill(db, insp_service.start_inspection(db, hotel.id, team).id).id)
    with pytest.raises(RecordFinalizedError):
        insp_service.discard_draft(db, view.id)


def test_renaming_the_hotel_later_does_not_change_a_finalized_record(
    db: Database, divisions: Any, hotel: hotel_service.HotelView, team: list[str], fill: Any
) -> None:
    from hoteltv.db.models import Inspection
    from hoteltv.io.inspection_json import hash_document, inspection_document

    view = insp_service.finalize(db, fill(db, insp_service.start_inspection(db, hotel.id, team).id).id)
    data = hotel_service.get_hotel(db, hotel.id).as_input()
    hotel_service.update_hotel(db, hotel.id, type(data)(**{**vars(data), "name": "改名后的酒店"}), divisions)
    with db.reading() as s:
        insp = s.get(Inspection, view.id)
        assert insp is not None
        doc = inspection_document(insp)
        assert doc["hotel"]["name"] == "永昌测试酒店"
        assert hash_document(doc) == view.content_hash
    draft = insp_service.start_inspection(db, hotel.id, team)
    assert draft.hotel_name == "改名后的酒店"


def test_answer_history_comes_from_the_audit_trail(
    db: Database, hotel: hotel_service.HotelView, team: list[str]
) -> None:
    view = insp_service.start_inspection(db, hotel.id, team)
    room = insp_service.add_room(db, view.id, "305").rooms[0]
    insp_service.set_room_answer(db, room.id, "boot_seconds", "65", actor="张明")
    insp_service.set_room_answer(db, room.id, "ads_seen", "no", actor="张明")  # another item: not listed
    insp_service.set_room_answer(db, room.id, "boot_seconds", 0.6, actor="李华")
    insp_service.set_room_answer(db, room.id, "boot_seconds", None, actor="李华")
    insp_service.set_hotel_answer(db, view.id, "licensed_source", "yes", actor="张明")
    changes = insp_service.answer_history(db, view.id, "boot_seconds", room.id)
    assert [(c.value, c.actor) for c in changes] == [(65, "张明"), (0.6, "李华"), (None, "李华")]
    assert all(c.at.tzinfo is not None for c in changes)
    assert changes[0].at <= changes[1].at <= changes[2].at
    hotel_changes = insp_service.answer_history(db, view.id, "licensed_source")
    assert [c.value for c in hotel_changes] == ["yes"]
    assert insp_service.answer_history(db, view.id, "ads_seen") == []


def test_room_types_are_stored_as_keys_and_read_in_either_language(
    db: Database, hotel: hotel_service.HotelView, team: list[str]
) -> None:
    from hoteltv.domain.rooms import room_type_key, room_type_label

    view = insp_service.start_inspection(db, hotel.id, team)
    view = insp_service.add_room(db, view.id, "301", room_type="Standard room")  # picked in English
    view = insp_service.add_room(db, view.id, "302", room_type="大床房")  # picked in Chinese
    view = insp_service.add_room(db, view.id, "303", room_type="  江景房 ")  # the hotel's own name
    assert [r.room_type for r in view.rooms] == ["standard", "king", "江景房"]
    view = insp_service.update_room(db, view.rooms[2].id, room_type="Suite")
    assert view.rooms[2].room_type == "suite"
    # Labels stored by older versions read back as their key, in the reader's language.
    assert room_type_label("Standard room", "zh") == "标准间"
    assert room_type_label("标准间", "en") == "Standard room"
    assert room_type_label("江景房", "en") == "江景房"
    assert room_type_key("") is None and room_type_label(None) == ""
