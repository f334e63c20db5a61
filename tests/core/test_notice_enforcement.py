"""The notice as an enforcement document (issue 11, points 3-5): 文号 blocks and the fallback series,
legal basis, rights, inspectors, the code on the kept part, 留置送达 on the receipt, refusal to sign on the
sheet, and the evidence rule at finalization. PDFs are read back with poppler's pdftotext."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from hoteltv.cli import main
from hoteltv.db.engine import Database
from hoteltv.db.models import NoticeNumberBlock
from hoteltv.errors import ValidationError
from hoteltv.photos.store import PhotoStore
from hoteltv.reports.common import ReportOptions
from hoteltv.reports.inspection_sheet import write_inspection_sheet
from hoteltv.reports.notice import write_notice
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from hoteltv.services import notices as notice_service
from hoteltv.services import numbering
from hoteltv.services.photos import attach_files
from tests.core.report_fixtures import compact, failed_inspection, poppler_text, write_photo

PREFIX = "保文旅广电整改"


def _failed(db: Database, hotel_id: str, team: list[str], fill: Any) -> insp_service.InspectionView:
    view = insp_service.start_inspection(db, hotel_id, team)
    view = fill(db, view.id, rooms={"301": {"ads_seen": "yes"}, "502": {}, "718": {}})
    return insp_service.finalize(db, view.id)


def _second_hotel(db: Database, divisions: Any, name: str) -> str:
    return hotel_service.create_hotel(
        db, hotel_service.HotelInput(name=name, division_code="隆阳区"), divisions
    ).id


# --- 文号 ----------------------------------------------------------------------------------------------


def test_numbers_come_from_the_blocks_in_order_then_the_fallback_series(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, divisions: Any
) -> None:
    numbering.add_block(db, 2026, 16, 17, source="办公室")
    numbering.add_block(db, 2026, 40, 40)
    terms = notice_service.NoticeTerms(device_tag="D3")
    hotels = [hotel.id] + [_second_hotel(db, divisions, f"测试酒店{n}") for n in range(4)]
    numbers = []
    for hotel_id in hotels:
        view = _failed(db, hotel_id, team, fill)
        numbers.append(notice_service.issue_notice(db, view.id, today=date(2026, 3, 1), terms=terms).number)
    assert numbers == [
        "保文旅广电整改〔2026〕第016号",
        "保文旅广电整改〔2026〕第017号",
        "保文旅广电整改〔2026〕第040号",
        "保文旅广电整改〔2026〕第D3-001号",  # the blocks are used up: the laptop's own series
        "保文旅广电整改〔2026〕第D3-002号",
    ]
    assert [b.remaining for b in numbering.list_blocks(db)] == [0, 0]
    # Two fallback numbers taken; a 延期 version keeps its notice's number and takes none.
    notice_service.extend_notice(db, numbers[4], deadline=date(2026, 4, 30), reason="设备到货延迟")
    assert numbering.fallback_count(db, 2026, "D3") == 2
    # A notice is found by its 文号 or by year and number.
    assert notice_service.get_notice(db, "2026-017").number == numbers[1]
    assert notice_service.get_notice(db, "2026-d3-002").number == numbers[4]


def test_a_new_year_starts_its_own_series(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, divisions: Any
) -> None:
    numbering.add_block(db, 2026, 1, 5)
    numbering.add_block(db, 2027, 1, 5)
    first = notice_service.issue_notice(db, _failed(db, hotel.id, team, fill).id, today=date(2026, 12, 31))
    other = _second_hotel(db, divisions, "新年酒店")
    second = notice_service.issue_notice(db, _failed(db, other, team, fill).id, today=date(2027, 1, 1))
    assert first.number == "保文旅广电整改〔2026〕第001号"
    assert second.number == "保文旅广电整改〔2027〕第001号"


def test_a_number_already_on_a_notice_is_never_given_again(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, divisions: Any
) -> None:
    numbering.add_block(db, 2026, 1, 3)
    first = notice_service.issue_notice(db, _failed(db, hotel.id, team, fill).id, today=date(2026, 5, 1))
    assert first.number.endswith("第001号")
    # The same block handed out twice by mistake (e.g. after restoring an old backup): the number a notice
    # here already carries is skipped.
    with db.transaction() as s:
        block = s.query(NoticeNumberBlock).one()
        block.next = 1
    other = _second_hotel(db, divisions, "第二酒店")
    second = notice_service.issue_notice(db, _failed(db, other, team, fill).id, today=date(2026, 5, 2))
    assert second.number.endswith("第002号")
    # A block holding numbers that notices here already carry (another laptop's, come by sync) is refused.
    with db.transaction() as s:
        s.query(NoticeNumberBlock).delete()
    with pytest.raises(ValidationError, match="001, 002 号已被本库中的整改通知使用"):
        numbering.add_block(db, 2026, 1, 9)
    assert numbering.list_blocks(db) == []


def test_bad_blocks_and_tags_are_refused_and_change_nothing(db: Database) -> None:
    numbering.add_block(db, 2026, 1, 50)
    for args, match in (
        ((2026, 40, 60), "重叠"),
        ((2026, 0, 5), "起始号"),
        ((2026, 9, 3), "起始号"),
        ((1999, 1, 5), "年份"),
        ((2026, 1, 10000), "起始号"),
    ):
        with pytest.raises(ValidationError, match=match):
            numbering.add_block(db, *args)
    assert [(b.first, b.last) for b in numbering.list_blocks(db)] == [(1, 50)]
    with pytest.raises(ValidationError, match="设备标识"):
        numbering.device_tag("17", "abcd")  # digits only would read as a plain number
    with pytest.raises(ValidationError, match="设备标识"):
        numbering.device_tag("D-3", "abcd")
    assert numbering.device_tag("d3", "x") == "D3"
    assert numbering.device_tag("", "3f2a9c00-0000") == "3F2A"
    assert numbering.device_tag("", "12345678-0000") == "D123"  # a tag always has a letter


def test_allocation_is_part_of_the_issuing_transaction(file_db: Database, fill: Any, divisions: Any) -> None:
    """A notice refused after its number was taken leaves the block as it was."""
    db = file_db
    team = [
        insp_service.add_inspector(db, "张明", "53050219001").id,
        insp_service.add_inspector(db, "李华", "53050219002").id,
    ]
    numbering.add_block(db, 2026, 1, 5)
    hotel_id = _second_hotel(db, divisions, "事务酒店")
    view = _failed(db, hotel_id, team, fill)
    with pytest.raises(ValidationError, match="复查日期"):
        notice_service.issue_notice(
            db, view.id, today=date(2026, 5, 1), reinspection_date=date(2026, 5, 2)
        )  # refused after allocation (the re-inspection date is before the deadline)
    assert numbering.list_blocks(db)[0].next == 1
    assert notice_service.issue_notice(db, view.id, today=date(2026, 5, 1)).number.endswith("第001号")
    con = sqlite3.connect(db.path)
    try:
        assert con.execute("SELECT next FROM notice_number_blocks").fetchone() == (2,)
    finally:
        con.close()


def test_cli_numbers_add_block_and_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path / "home")
    assert main(["--home", home, "init"]) == 0
    assert main(["--home", home, "numbers", "add-block", "2026", "1", "50", "--source", "办公室"]) == 0
    assert "001–050" in capsys.readouterr().out
    assert main(["--home", home, "numbers", "add-block", "2026", "50", "60"]) == 1
    assert "重叠" in capsys.readouterr().err
    assert main(["--home", home, "numbers", "show", "--year", "2026"]) == 0
    out = capsys.readouterr().out
    assert "2026 年号段剩余 50 个" in out and "保文旅广电整改〔2026〕第001号" in out
    assert main(["--home", home, "numbers", "show", "--year", "2027"]) == 0
    assert re.search(r"保文旅广电整改〔2027〕第[0-9A-Z]+-001号（备用序列）", capsys.readouterr().out)


# --- the printed notice --------------------------------------------------------------------------------


def test_notice_prints_number_basis_rights_inspectors_evidence_and_code_on_the_kept_part(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, tmp_path: Path
) -> None:
    view = failed_inspection(db, hotel.id, team, fill, photos_dir=tmp_path, photos=2, photo_size=(400, 300))
    numbering.add_block(db, 2026, 17, 30)
    terms = notice_service.NoticeTerms(
        legal_basis="《某市广播电视管理办法》", review_body="某市人民政府", court="某区人民法院"
    )
    notice = notice_service.issue_notice(
        db, view.id, today=date(2026, 11, 20), reinspection_date=date(2026, 12, 1), terms=terms
    )
    assert notice.number == "保文旅广电整改〔2026〕第017号"
    out = write_notice(db, notice.id, tmp_path / "notice.pdf", ReportOptions(home=tmp_path))
    first = compact(poppler_text(out, page=1))
    for expected in (
        "保文旅广电整改〔2026〕第017号",
        # Each item's basis from the template's sources.
        "依据：国家广播电视总局《有线电视业务技术要求》《IPTV业务技术要求》（2023年）",
        "依据：国家广播电视总局、公安部、商务部、文化和旅游部关于规范酒店电视服务、加强酒店电视管理的通知（2025年）",
        "依据《某市广播电视管理办法》的规定",
        "六十日内向某市人民政府申请行政复议",
        "六个月内依法向某区人民法院提起行政诉讼",
        "执法人员：张明（执法证号：53050219001）、李华（执法证号：53050219002）",
        "未拍照：测试记录，未拍照",  # 502's failure has a reason, no photo
    ):
        assert expected in first, expected
    photos = insp_service.get_inspection(db, view.id)
    from hoteltv.services.photos import list_photos

    listed = list_photos(db, photos.id)
    for n, p in enumerate(listed, 1):
        assert f"照片{n}（{p.sha256[:8]}）：{p.caption}" in first
    # The code is on the part the hotel keeps (above the cut line), not only on the receipt.
    from hoteltv.reports.verification import notice_code

    code = notice_code(db, notice.id)
    body = first.split("沿此虚线剪下")[0]
    assert f"校验码（扫码或输入核验本通知）：{code}" in body
    # Settings changed later do not change what an issued notice says.
    again = write_notice(db, notice.id, tmp_path / "again.pdf", ReportOptions(home=tmp_path))
    assert "某市人民政府" in compact(poppler_text(again, page=1))


def test_an_item_citing_no_source_takes_the_general_basis(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, tmp_path: Path
) -> None:
    view = insp_service.start_inspection(db, hotel.id, team)
    view = fill(db, view.id, rooms={"301": {"popups_or_paid_prompts": "yes"}, "502": {}, "718": {}})
    view = insp_service.finalize(db, view.id)
    notice = notice_service.issue_notice(db, view.id, today=date(2026, 11, 20))
    assert notice.items[0].basis == ""
    out = write_notice(db, notice.id, tmp_path / "n.pdf", ReportOptions())
    text = compact(poppler_text(out, page=1))
    assert "依据：《广播电视管理条例》和国家广播电视总局" in text
    assert "六十日内向保山市人民政府申请行政复议" in text and "保山市隆阳区人民法院" in text


def test_receipt_prints_leaving_with_a_witness_after_a_refusal(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, tmp_path: Path
) -> None:
    view = _failed(db, hotel.id, team, fill)
    notice = notice_service.issue_notice(db, view.id, today=date(2026, 11, 20))
    with pytest.raises(ValidationError, match="见证人"):
        notice_service.record_delivery(db, notice.id, notice_service.Delivery(True, "", "  ", None))
    assert notice_service.get_notice(db, notice.id).delivery is None  # nothing was kept
    at = datetime(2026, 11, 20, 3, 30, tzinfo=UTC)
    recorded = notice_service.record_delivery(
        db, notice.id, notice_service.Delivery(True, "", "王强（街道办工作人员）", at)
    )
    assert recorded.delivery == notice_service.Delivery(True, "", "王强（街道办工作人员）", at)
    with pytest.raises(ValidationError, match="已记录"):
        notice_service.record_delivery(db, notice.id, notice_service.Delivery(False, "段丽", "", None))
    out = write_notice(db, notice.id, tmp_path / "left.pdf", ReportOptions())
    text = compact(poppler_text(out))
    receipt = text.split("送达回证")[-1]
    assert "拒绝签收，已留置送达" in receipt and "见证人（签名）王强（街道办工作人员）" in receipt


def test_cli_records_a_signed_or_refused_delivery(
    file_db: Database, divisions: Any, fill: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    db = file_db
    team = [
        insp_service.add_inspector(db, "张明", "53050219001").id,
        insp_service.add_inspector(db, "李华", "53050219002").id,
    ]
    numbering.add_block(db, 2026, 7, 8)
    a = _second_hotel(db, divisions, "甲酒店")
    b = _second_hotel(db, divisions, "乙酒店")
    na = notice_service.issue_notice(db, _failed(db, a, team, fill).id, today=date(2026, 6, 1))
    nb = notice_service.issue_notice(db, _failed(db, b, team, fill).id, today=date(2026, 6, 1))
    home = str(db.path.parent)
    db.close()
    assert main(["--home", home, "notices", "deliver", "2026-007", "--refused"]) == 1
    assert "见证人" in capsys.readouterr().err
    assert main(["--home", home, "notices", "deliver", "2026-007", "--refused", "--witness", "王强"]) == 0
    assert "拒绝签收，已留置送达，见证人 王强" in capsys.readouterr().out
    assert main(["--home", home, "notices", "deliver", nb.id[:8], "--recipient", "段丽"]) == 0
    assert main(["--home", home, "notices", "list"]) == 0
    out = capsys.readouterr().out
    assert "留置送达" in out and "已签收" in out
    reopened = Database.open(Path(home))
    try:
        got = notice_service.get_notice(reopened, na.id).delivery
        assert got is not None and got.refused and got.witness == "王强"
        signed = notice_service.get_notice(reopened, nb.id).delivery
        assert signed is not None and not signed.refused and signed.recipient == "段丽"
    finally:
        reopened.close()


# --- refusal to sign ---------------------------------------------------------------------------------------


def test_a_refusal_with_a_witness_stands_in_for_the_hotels_signature(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, tmp_path: Path
) -> None:
    view = insp_service.start_inspection(db, hotel.id, team)
    view = fill(db, view.id)
    view = insp_service.update_header(
        db, view.id, insp_service.HeaderFields(hotel_signatory="", hotel_opinion="")
    )
    wheres = {p.where for p in insp_service.finalize_problems(view)}
    assert {"hotel_signatory", "hotel_opinion"} <= wheres
    at = datetime(2026, 11, 20, 2, 5, tzinfo=UTC)
    view = insp_service.set_refusal(db, view.id, True, at=at)
    assert [p.where for p in insp_service.finalize_problems(view)] == ["refusal_witness"]
    with pytest.raises(ValidationError, match="见证人"):
        insp_service.finalize(db, view.id)
    view = insp_service.set_refusal(db, view.id, True, witness="  王强  ")
    assert view.refusal == insp_service.Refusal("王强", at)  # the time of the first record is kept
    final = insp_service.finalize(db, view.id)
    assert final.status == "finalized" and final.hotel_signatory == ""
    out = write_inspection_sheet(db, final.id, tmp_path / "sheet.pdf", ReportOptions())
    text = compact(poppler_text(out))
    assert "被检查单位拒绝签字，见证人（签名）" in text
    assert "被检查单位拒绝签字。见证人：王强（2026年11月20日" in text
    assert "被检查单位拒绝签字，未发表意见。" in text


def test_withdrawing_a_refusal_asks_for_the_signatory_again(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any
) -> None:
    view = insp_service.start_inspection(db, hotel.id, team)
    view = fill(db, view.id)
    view = insp_service.update_header(db, view.id, insp_service.HeaderFields(hotel_signatory=""))
    view = insp_service.set_refusal(db, view.id, True, witness="王强")
    assert insp_service.finalize_problems(view) == []
    view = insp_service.set_refusal(db, view.id, False)
    assert view.refusal is None
    assert [p.where for p in insp_service.finalize_problems(view)] == ["hotel_signatory"]


# --- evidence ------------------------------------------------------------------------------------------------


def test_a_failed_item_needing_a_photo_blocks_finalizing_until_a_photo_or_a_reason(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, tmp_path: Path
) -> None:
    view = insp_service.start_inspection(db, hotel.id, team)
    view = fill(
        db,
        view.id,
        rooms={"301": {"boot_seconds": 58}, "502": {"keys_to_live": 3}, "718": {}},
        hotel_overrides={"machine_room_safe": "no"},
        explain_evidence=False,
    )
    gaps = insp_service.evidence_gaps(view)
    assert [(g.room_label, g.item_key) for g in gaps] == [
        (None, "machine_room_safe"),
        ("301", "boot_seconds"),
        ("502", "keys_to_live"),
    ]
    problems = [p for p in insp_service.finalize_problems(view) if p.where == "evidence"]
    assert [p.value for p in problems] == gaps  # structured, not a string to parse
    with pytest.raises(ValidationError) as raised:
        insp_service.finalize(db, view.id)
    assert "301房间“开机至直播画面时间（秒）”不合格，须拍照取证或写明未拍照的理由" in str(raised.value)
    assert insp_service.get_inspection(db, view.id).status == "draft"
    # A photo linked to the item answers one; a written reason another; a photo of another item does not.
    store = PhotoStore.for_home(tmp_path)
    rooms = {r.room_number: r.id for r in view.rooms}
    photo = write_photo(tmp_path / "boot.jpg", 1, (400, 300))
    assert attach_files(db, store, view.id, [photo], room_id=rooms["301"], item_key="boot_seconds")[0].ok
    other = write_photo(tmp_path / "other.jpg", 2, (400, 300))
    assert attach_files(db, store, view.id, [other], room_id=rooms["502"], item_key="ads_seen")[0].ok
    view = insp_service.set_evidence_reason(
        db, view.id, "keys_to_live", "酒店拒绝拍摄客房内部", room_id=rooms["502"]
    )
    view = insp_service.set_evidence_reason(db, view.id, "machine_room_safe", "   ")  # blank: no reason
    assert [(g.room_label, g.item_key) for g in insp_service.evidence_gaps(view)] == [
        (None, "machine_room_safe")
    ]
    view = insp_service.set_evidence_reason(db, view.id, "machine_room_safe", "机房断电无照明")
    # Renaming a room keeps its reasons with it.
    view = insp_service.update_room(db, rooms["502"], room_number="503")
    assert view.evidence_note("keys_to_live", "503") == "酒店拒绝拍摄客房内部"
    final = insp_service.finalize(db, view.id)
    out = write_inspection_sheet(db, final.id, tmp_path / "sheet.pdf", ReportOptions(home=tmp_path))
    text = compact(poppler_text(out))
    assert "未拍照取证，理由：酒店拒绝拍摄客房内部" in text
    assert "未拍照取证，理由：机房断电无照明" in text
    notice = notice_service.issue_notice(db, final.id, today=date(2026, 11, 20))
    notice_text = compact(poppler_text(write_notice(db, notice.id, tmp_path / "n.pdf", ReportOptions())))
    assert "未拍照：酒店拒绝拍摄客房内部" in notice_text


def test_evidence_reasons_are_checked_against_the_template(
    db: Database, hotel: hotel_service.HotelView, team: list[str]
) -> None:
    view = insp_service.start_inspection(db, hotel.id, team)
    with pytest.raises(ValidationError, match="no_such_item"):
        insp_service.set_evidence_reason(db, view.id, "no_such_item", "x")
    with pytest.raises(ValidationError, match="boot_seconds"):
        insp_service.set_evidence_reason(db, view.id, "boot_seconds", "x")  # a room item without a room
    assert insp_service.get_inspection(db, view.id).evidence_notes == ()


def test_refusal_and_evidence_notes_travel_in_the_json_export_and_count_in_the_hash(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, tmp_path: Path, divisions: Any
) -> None:
    from hoteltv.io.inspection_json import export_inspections
    from hoteltv.services.inspection_import import import_inspections

    view = insp_service.start_inspection(db, hotel.id, team)
    view = fill(db, view.id, rooms={"301": {"boot_seconds": 58}, "502": {}, "718": {}})
    view = insp_service.set_refusal(
        db, view.id, True, witness="王强", at=datetime(2026, 11, 20, 3, tzinfo=UTC)
    )
    final = insp_service.finalize(db, view.id)
    path = tmp_path / "export.json"
    assert export_inspections(db, path) == 1
    other = Database.in_memory()
    try:
        from hoteltv.services.setup import ensure_divisions

        ensure_divisions(other, divisions)
        _second_hotel(other, divisions, hotel.name)  # the same hotel, known by name and division
        import_inspections(other, path)
        copy = insp_service.get_inspection(other, final.id)
        assert copy.refusal == final.refusal and copy.evidence_notes == final.evidence_notes
        assert copy.content_hash == final.content_hash
    finally:
        other.close()
    # The hash covers them: a reason changed in the file is caught.
    import json

    doc = json.loads(path.read_text(encoding="utf-8"))
    records = doc["inspections"] if isinstance(doc, dict) and "inspections" in doc else doc
    records[0]["evidence_notes"][0]["reason"] = "改过的理由"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    third = Database.in_memory()
    try:
        from hoteltv.services.setup import ensure_divisions

        ensure_divisions(third, divisions)
        _second_hotel(third, divisions, hotel.name)
        with pytest.raises(ValidationError, match="altered"):
            import_inspections(third, path)
    finally:
        third.close()
