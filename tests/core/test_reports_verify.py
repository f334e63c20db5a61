"""Verification codes: the printed code matches the record; altered records, altered paper, corrections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from hoteltv.db.engine import Database
from hoteltv.reports import verification as v
from hoteltv.reports.notice import write_notice
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from hoteltv.services.notices import issue_notice
from hoteltv.services.seal import SealError
from tests.core.report_fixtures import compact, failed_inspection, pdf_text


def _finalized(db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any) -> Any:
    return failed_inspection(db, hotel.id, team, fill, signatures=False)


def test_code_format_round_trips_and_is_forgiving_about_typing() -> None:
    code = v.format_code(v.KIND_INSPECTION, "7f3a9c12-aaaa-bbbb-cccc-000000000000", 2, "5e8b2d41c0ffee")
    assert code == "J-7F3A9C12-V2-5E8B2D41C0"
    parsed = v.parse_code(code)
    assert parsed is not None and parsed.version == 2 and parsed.id_prefix == "7f3a9c12"
    for typed in (
        " j-7f3a9c12-v2-5e8b2d41c0 ",
        "J7F3A9C12V25E8B2D41C0",
        "Ｊ－７F3A9C12－V2－5E8B2D41C0",
        "hoteltv:J-7F3A9C12-V2-5E8B2D41C0",
        "J-7F3A 9C12-V2-5E8B 2D41 C0",
    ):
        assert v.parse_code(typed) == parsed, typed
    for bad in ("", "X-7F3A9C12-V2-5E8B2D41C0", "J-7F3A9C1-V2-5E8B2D41C0", "J-7F3A9C12-V2-5E8B2D41", "hello"):
        assert v.parse_code(bad) is None, bad


def test_genuine_code_is_accepted(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any
) -> None:
    view = _finalized(db, hotel, team, fill)
    code = v.inspection_code(db, view.id).code
    result = v.verify_code(db, code)
    assert result.status == v.VALID and result.matches and result.current
    assert result.record_id == view.id and result.number == view.record_number
    assert result.version == 1 and result.latest_version == 1
    assert result.hotel_name == "永昌测试酒店" and result.result == "fail"
    assert result.lines()[0].startswith("一致")
    assert v.verify_code(db, code.lower().replace("-", " ")).status == v.VALID


def test_record_altered_in_the_database_is_rejected(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any
) -> None:
    view = _finalized(db, hotel, team, fill)
    code = v.inspection_code(db, view.id).code
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE room_checks SET answers = json_set(answers, '$.boot_seconds', 20) "
                "WHERE inspection_id = :id AND room_number = '301'"
            ),
            {"id": view.id},
        )
    result = v.verify_code(db, code)
    assert result.status == v.TAMPERED and not result.matches
    assert "改动" in result.lines()[0]


def test_stored_hash_altered_is_rejected(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any
) -> None:
    view = _finalized(db, hotel, team, fill)
    code = v.inspection_code(db, view.id).code
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE inspections SET content_hash = :h WHERE id = :id"), {"h": "0" * 64, "id": view.id}
        )
    assert not v.verify_code(db, code).matches


def test_paper_with_a_different_hash_does_not_match(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any
) -> None:
    view = _finalized(db, hotel, team, fill)
    code = v.inspection_code(db, view.id).code
    forged = code[:-10] + ("0000000000" if not code.endswith("0000000000") else "1111111111")
    result = v.verify_code(db, forged)
    assert result.status == v.MISMATCH and not result.matches
    assert result.number == view.record_number  # says which record the code names


def test_unknown_and_malformed_codes(db: Database) -> None:
    assert v.verify_code(db, "J-00000000-V1-0000000000").status == v.NOT_FOUND
    assert v.verify_code(db, "not a code").status == v.INVALID


def test_a_correction_supersedes_the_printed_version(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any
) -> None:
    first = _finalized(db, hotel, team, fill)
    old_code = v.inspection_code(db, first.id).code
    draft = insp_service.correct(db, first.id)
    # While the correction is a draft the printed version is still the one in force.
    assert v.verify_code(db, old_code).status == v.VALID
    draft_code = v.inspection_code(db, draft.id)
    assert draft_code.version == 2
    assert v.verify_code(db, draft_code.code).status == v.DRAFT
    room = next(r for r in draft.rooms if r.room_number == "301")
    insp_service.set_room_answer(db, room.id, "boot_seconds", 30)
    second = insp_service.finalize(db, draft.id)
    old = v.verify_code(db, old_code)
    assert old.status == v.SUPERSEDED and old.matches and not old.current
    assert old.version == 1 and old.latest_version == 2 and old.superseded_by_id == second.id
    assert any("已被更新的版本取代" in line for line in old.lines())
    new = v.verify_code(db, v.inspection_code(db, second.id).code)
    assert new.status == v.VALID and new.version == 2


def test_notice_code_is_printed_and_verified(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, tmp_path: Path
) -> None:
    view = _finalized(db, hotel, team, fill)
    notice = issue_notice(db, view.id)
    code = v.notice_code(db, notice.id)
    assert code.startswith("Z-")
    out = write_notice(db, notice.id, tmp_path / "n.pdf")
    assert code in compact(pdf_text(out))
    result = v.verify_code(db, code)
    assert result.status == v.VALID and result.kind == v.KIND_NOTICE and result.number == notice.number
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE rectification_notices SET deadline = '2099-01-01' WHERE id = :id"), {"id": notice.id}
        )
    # The deadline moved behind the program's back: the notice's seal no longer holds.
    tampered = v.verify_code(db, code)
    assert tampered.status == v.TAMPERED and "deadline" in (tampered.problem or "")
    assert "不一致" in tampered.lines()[0]
    with pytest.raises(SealError, match="拒绝打印"):
        write_notice(db, notice.id, tmp_path / "again.pdf")
    assert not (tmp_path / "again.pdf").exists()
