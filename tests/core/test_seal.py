"""Seals (issue 11 points 1, 2, 8, 9): paper is printed from what was sealed; changes behind the program's
back are caught by ``print``, ``verify`` and ``check``; notices change only by new versions; imported drafts
are numbered in the device's series; a correction keeps its number and its notice; superseded reprints say so.

Tamper tests edit the SQLite file directly with :mod:`sqlite3`, as someone with the file would.
"""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from dataclasses import fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from hoteltv.cli import main
from hoteltv.db.engine import DB_FILENAME, Database
from hoteltv.db.models import AuditEvent, Hotel, Inspection, RectificationNotice
from hoteltv.hashing import canonical_json, text_sha256
from hoteltv.reports.verification import inspection_code, notice_code, notice_hash
from hoteltv.services import inspections as insp_service
from hoteltv.services import notices as notice_service
from hoteltv.services import seal
from hoteltv.services.hotel_merge import merge_hotels
from hoteltv.services.inspections import list_inspections
from hoteltv.services.notices import list_notices
from tests.core.report_fixtures import compact, pdf_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def home(tmp_path: Path, demo_template: Path) -> Path:
    target = tmp_path / "home"
    shutil.copytree(demo_template, target)
    return target


def _sql(home: Path, statement: str, *params: object) -> None:
    with sqlite3.connect(home / DB_FILENAME) as conn:
        conn.execute(statement, params)


def _failed_with_notice(home: Path) -> tuple[str, str, str, str, str]:
    """(inspection id, record number, hotel name, notice id, notice number) of the demo's open notice."""
    db = Database.open(home)
    try:
        notice = next(n for n in list_notices(db) if n.status == "open")
        insp = insp_service.get_inspection(db, notice.inspection_id)
        return insp.id, insp.record_number, insp.hotel_name, notice.id, notice.number
    finally:
        db.close()


# --- 1. sealed at finalization, printed from the seal ----------------------------------------------------


def test_the_seal_holds_every_printed_fact(demo_db: Database) -> None:
    insp = next(i for i in list_inspections(demo_db) if i.result == "fail" and i.rooms)  # a hotel-TV one
    with demo_db.reading() as s:
        row = s.get(Inspection, insp.id)
        assert row is not None and row.seal_json and row.seal_hash
        assert text_sha256(row.seal_json) == row.seal_hash
        sealed = json.loads(row.seal_json)
        facts = seal.sheet_facts_from_seal(row)
        hotel = row.hotel
    # Generic: every field of the data the sheet is drawn from is in the seal.
    assert set(sealed) == {f.name for f in fields(seal.SheetFacts)}
    assert {f.name for f in fields(insp_service.InspectionView)} <= set(sealed["view"])
    assert sealed["hotel"]["name"] == hotel.name and sealed["hotel"]["address"] == hotel.address
    assert sealed["hotel"]["credit_code"] == hotel.credit_code
    assert sealed["hotel"]["person_in_charge"] == hotel.person_in_charge
    assert sealed["template"]["id"] == "hotel_tv" and sealed["template"]["version"] == 1
    assert sealed["template"]["title_zh"] and len(sealed["template"]["sha256"]) == 64
    assert all(i["enforcement_id"] for i in sealed["view"]["inspectors"])
    assert sealed["view"]["started_at"].endswith("Z")  # UTC ISO
    assert sealed["view"]["verdict"]["failed"] and all(
        f["rule_zh"] for f in sealed["view"]["verdict"]["failed"]
    )
    assert sealed["record_hash"] == row.content_hash
    assert facts.view.result == "fail"
    # The printed code's hash part is the seal hash.
    assert inspection_code(demo_db, insp.id).code.endswith(row.seal_hash[:10].upper())


def test_renamed_hotel_reprints_the_sealed_name_and_still_verifies(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    inspection_id, number, old_name, _, _ = _failed_with_notice(home)
    h = ["--home", str(home)]
    sheet = tmp_path / "hotels.csv"
    assert run(capsys, *h, "hotels", "export", str(sheet))[0] == 0
    with sheet.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    name_col, address_col = header.index("酒店名称"), header.index("地址")
    row = next(r for r in rows[1:] if r[name_col] == old_name)
    old_address = row[address_col]
    row[name_col], row[address_col] = "新名字大酒店", "保山市隆阳区新搬的路1号"
    with sheet.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    code, out, err = run(capsys, *h, "hotels", "import", str(sheet), "--json")
    assert code == 0 and json.loads(out)["updated"] == 1, err
    code, out, _ = run(capsys, *h, "hotels", "list", "--search", "新名字", "--json")
    assert len(json.loads(out)) == 1

    code, _, err = run(capsys, *h, "print", "sheet", number, "-o", str(tmp_path / "sheet.pdf"))
    assert code == 0, err
    text = compact(pdf_text(tmp_path / "sheet.pdf"))
    assert old_name in text and compact(old_address) in text
    assert "新名字大酒店" not in text and "新搬的路" not in text
    db = Database.open(home)
    code_text = inspection_code(db, inspection_id).code
    db.close()
    assert code_text in text
    code, out, _ = run(capsys, *h, "verify", code_text)
    assert code == 0 and out.startswith("一致")
    assert f"被检查单位：{old_name}" in out and f"地址：{old_address}" in out
    assert "检查时间：" in out and "检查人员：" in out and "检查结论：不合格" in out
    code, _, err = run(capsys, *h, "check")
    assert code == 0, err


def test_changed_seal_json_is_refused_by_print_verify_and_check(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    inspection_id, number, old_name, _, _ = _failed_with_notice(home)
    db = Database.open(home)
    code_text = inspection_code(db, inspection_id).code
    db.close()
    with sqlite3.connect(home / DB_FILENAME) as conn:
        (sealed,) = conn.execute(
            "SELECT seal_json FROM inspections WHERE id = ?", (inspection_id,)
        ).fetchone()
        conn.execute(
            "UPDATE inspections SET seal_json = ? WHERE id = ?",
            (sealed.replace(old_name, "伪造的酒店"), inspection_id),
        )
    h = ["--home", str(home)]
    code, _, err = run(capsys, *h, "print", "sheet", number, "-o", str(tmp_path / "sheet.pdf"))
    assert code == 1 and "拒绝打印" in err and not (tmp_path / "sheet.pdf").exists()
    code, out, _ = run(capsys, *h, "verify", code_text)
    assert code == 1 and out.startswith("不一致") and "TAMPERED" in out
    code, _, err = run(capsys, *h, "check")
    assert code == 1 and number in err and "封存校验失败" in err
    # A batch that includes it refuses as well.
    code, _, err = run(capsys, *h, "print", "batch", "-o", str(tmp_path / "batch.pdf"))
    assert code == 1 and "拒绝打印" in err


def test_seal_and_hash_rewritten_together_no_longer_match_the_paper(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    inspection_id, _, old_name, _, _ = _failed_with_notice(home)
    db = Database.open(home)
    code_text = inspection_code(db, inspection_id).code
    db.close()
    with sqlite3.connect(home / DB_FILENAME) as conn:
        (sealed,) = conn.execute(
            "SELECT seal_json FROM inspections WHERE id = ?", (inspection_id,)
        ).fetchone()
        forged = sealed.replace(old_name, "伪造的酒店")
        conn.execute(
            "UPDATE inspections SET seal_json = ?, seal_hash = ? WHERE id = ?",
            (forged, text_sha256(forged), inspection_id),
        )
    code, out, _ = run(capsys, "--home", str(home), "verify", code_text)
    assert code == 1 and out.startswith("不一致")


def test_changed_answers_break_the_seal(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    inspection_id, number, _, _, _ = _failed_with_notice(home)
    _sql(home, "UPDATE inspections SET result = 'pass' WHERE id = ?", inspection_id)
    code, _, err = run(capsys, "--home", str(home), "check")
    assert code == 1 and number in err


# --- 2. notices sealed when issued; a change is a new version --------------------------------------------


def test_moved_notice_deadline_is_refused_by_print_verify_and_check(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    _, _, _, notice_id, notice_number = _failed_with_notice(home)
    db = Database.open(home)
    code_text = notice_code(db, notice_id)
    db.close()
    h = ["--home", str(home)]
    assert run(capsys, *h, "print", "notice", notice_number, "-o", str(tmp_path / "ok.pdf"))[0] == 0
    _sql(home, "UPDATE rectification_notices SET deadline = '2099-12-31' WHERE id = ?", notice_id)
    code, _, err = run(capsys, *h, "print", "notice", notice_number, "-o", str(tmp_path / "n.pdf"))
    assert code == 1 and "拒绝打印" in err and "deadline" in err and not (tmp_path / "n.pdf").exists()
    code, out, _ = run(capsys, *h, "verify", code_text)
    assert code == 1 and out.startswith("不一致")
    code, _, err = run(capsys, *h, "check")
    assert code == 1 and notice_number in err


def test_a_merge_keeps_the_seal_of_the_notices_of_the_hotel_merged_away(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    # A merge points the notice at the hotel that stays (its hotel_id changes): the notice still names the
    # unit it was sealed with, along a chain of merges too. Moved to any other hotel, the seal breaks.
    _, _, old_name, notice_id, number = _failed_with_notice(home)
    db = Database.open(home)
    with db.transaction() as s:
        row = s.get(RectificationNotice, notice_id)
        assert row is not None
        issued_to, old_address, division_id = row.hotel_id, row.hotel.address, row.hotel.division_id
        twins = [Hotel(name=f"重录{i}宾馆", division_id=division_id, address=f"重录路{i}号") for i in (1, 2)]
        s.add_all(twins)
        s.flush()
        first, second = (t.id for t in twins)
        elsewhere = s.scalars(
            select(Hotel.id).where(Hotel.deleted.is_(False), Hotel.id.not_in((issued_to, first, second)))
        ).first()
    code_text = notice_code(db, notice_id)
    db.close()
    h = ["--home", str(home)]
    assert run(capsys, *h, "hotels", "merge", first, issued_to)[0] == 0
    assert run(capsys, *h, "check")[0] == 0
    assert run(capsys, *h, "hotels", "merge", second, first)[0] == 0  # the one that stayed, merged in turn
    code, _, err = run(capsys, *h, "print", "notice", number, "-o", str(tmp_path / "merged.pdf"))
    assert code == 0, err
    text = compact(pdf_text(tmp_path / "merged.pdf"))
    assert compact(old_name) in text and compact(old_address) in text and code_text in text
    assert "重录" not in text
    code, out, _ = run(capsys, *h, "verify", code_text)
    assert code == 0 and out.startswith("一致") and f"被检查单位：{old_name}" in out
    code, _, err = run(capsys, *h, "check")
    assert code == 0, err
    later = (date.today() + timedelta(days=60)).isoformat()
    code, _, err = run(capsys, *h, "notices", "extend", number, "--deadline", later, "--reason", "合并后延期")
    assert code == 0, err
    assert run(capsys, *h, "check")[0] == 0
    # Moved to a hotel it was never merged into: both versions refuse, check lists them.
    _sql(home, "UPDATE rectification_notices SET hotel_id = ? WHERE number = ?", elsewhere, number)
    code, _, err = run(capsys, *h, "print", "notice", number, "-o", str(tmp_path / "moved.pdf"))
    assert code == 1 and "hotel_id" in err and not (tmp_path / "moved.pdf").exists()
    code, out, _ = run(capsys, *h, "verify", code_text)
    assert code == 1 and "TAMPERED" in out
    code, _, err = run(capsys, *h, "check")
    assert code == 1 and "2 份记录与封存内容不一致" in err


def test_a_notice_seal_holds_number_terms_basis_and_inspectors_but_not_its_delivery(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    _, _, _, notice_id, number = _failed_with_notice(home)
    db = Database.open(home)
    with db.reading() as s:
        row = s.get(RectificationNotice, notice_id)
        assert row is not None and row.seal_json
        sealed = json.loads(row.seal_json)
        stored_terms = dict(row.terms)
    code_text = notice_code(db, notice_id)
    db.close()
    assert "〔" in number and sealed["notice"]["number"] == number
    assert sealed["notice"]["terms"] == notice_service.terms_of(stored_terms).stored() | {
        "number_prefix": sealed["notice"]["terms"]["number_prefix"],
        "device_tag": sealed["notice"]["terms"]["device_tag"],
    }
    assert sealed["notice"]["terms"]["review_body"] and sealed["notice"]["terms"]["court"]
    assert all("basis" in i for i in sealed["notice"]["items"])
    assert sealed["inspection"]["inspectors"] and all(
        i["enforcement_id"] for i in sealed["inspection"]["inspectors"]
    )
    assert sealed["notice"]["delivery"] is None  # served later, with its own paper
    h = ["--home", str(home)]
    code, out, _ = run(capsys, *h, "verify", code_text)
    assert code == 0 and f"文号：{number}" in out
    assert f"行政复议机关：{sealed['notice']['terms']['review_body']}" in out
    # Served after issue, refused before a witness: the seal holds, the code stays, the receipt says so.
    code, _, err = run(capsys, *h, "notices", "deliver", number, "--refused", "--witness", "赵见证")
    assert code == 0, err
    assert run(capsys, *h, "check")[0] == 0
    code, _, err = run(capsys, *h, "print", "notice", number, "-o", str(tmp_path / "served.pdf"))
    assert code == 0, err
    text = compact(pdf_text(tmp_path / "served.pdf"))
    assert "拒绝签收，已留置送达" in text and "赵见证" in text and code_text in text
    # Once recorded, the delivery is never changed.
    code, _, err = run(capsys, *h, "notices", "deliver", number, "--recipient", "某人")
    assert code == 1 and "已记录" in err
    # The terms the notice stated, changed behind the program: refused, 不一致, listed by check.
    forged = dict(stored_terms, court="伪造的法院")
    _sql(home, "UPDATE rectification_notices SET terms = ? WHERE id = ?", json.dumps(forged), notice_id)
    code, _, err = run(capsys, *h, "print", "notice", number, "-o", str(tmp_path / "forged.pdf"))
    assert code == 1 and "terms" in err and not (tmp_path / "forged.pdf").exists()
    code, out, _ = run(capsys, *h, "verify", code_text)
    assert code == 1 and out.startswith("不一致")
    code, _, err = run(capsys, *h, "check")
    assert code == 1 and number in err


def test_an_extension_keeps_the_number_and_terms_and_is_served_anew(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    _, _, _, notice_id, number = _failed_with_notice(home)
    h = ["--home", str(home)]
    assert run(capsys, *h, "notices", "deliver", number, "--recipient", "段丽")[0] == 0
    db = Database.open(home)
    old = notice_service.get_notice(db, notice_id)
    db.close()
    deadline = (old.deadline + timedelta(days=10)).isoformat()
    code, _, err = run(capsys, *h, "notices", "extend", number, "--deadline", deadline, "--reason", "停电")
    assert code == 0, err
    db = Database.open(home)
    first, second = notice_service.notice_versions(db, notice_id)
    db.close()
    assert second.number == first.number == number and second.terms == first.terms
    assert first.delivery is not None and first.delivery.recipient == "段丽"  # the old paper's receipt
    assert second.delivery is None  # the new paper is served anew
    code, _, err = run(capsys, *h, "notices", "deliver", number, "--recipient", "段丽")
    assert code == 0, err
    db = Database.open(home)
    assert notice_service.get_notice(db, second.id).delivery is not None
    db.close()
    assert run(capsys, *h, "check")[0] == 0


def test_a_refusal_to_sign_and_evidence_reasons_are_sealed_with_the_sheet(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    inspection_id, number, _, _, _ = _failed_with_notice(home)
    db = Database.open(home)
    with db.reading() as s:
        row = s.get(Inspection, inspection_id)
        assert row is not None and row.seal_json
        sealed = json.loads(row.seal_json)
    db.close()
    assert {"refusal", "evidence_notes", "evidence_photos"} <= set(sealed["view"])
    # A refusal written into the record behind the program breaks the record's hash: check lists it.
    refusal = {"witness": "伪造的见证人", "at": "2026-11-20T02:05:00+00:00", "note": ""}
    _sql(home, "UPDATE inspections SET refusal = ? WHERE id = ?", json.dumps(refusal), inspection_id)
    code, _, err = run(capsys, "--home", str(home), "check")
    assert code == 1 and number in err


def test_a_refusal_and_an_evidence_reason_print_from_the_seal(
    db: Database, hotel: Any, team: list[str], fill: Any, tmp_path: Path
) -> None:
    from hoteltv.reports.common import ReportOptions
    from hoteltv.reports.inspection_sheet import write_inspection_sheet

    view = insp_service.start_inspection(db, hotel.id, team)
    view = fill(db, view.id, rooms={"301": {"boot_seconds": 58}, "502": {}, "718": {}})
    view = insp_service.update_header(db, view.id, insp_service.HeaderFields(hotel_signatory=""))
    view = insp_service.set_refusal(db, view.id, True, witness="王强")
    final = insp_service.finalize(db, view.id)
    assert final.evidence_notes  # the failed boot time needs a photo; the fixture wrote a reason
    with db.reading() as s:
        row = s.get(Inspection, final.id)
        assert row is not None
        facts = seal.sheet_facts_from_seal(row)
    assert facts.view.refusal is not None and facts.view.refusal.witness == "王强"
    assert facts.view.evidence_notes == final.evidence_notes
    # The witness changed behind the program's back (plain SQL): the paper still says what was sealed,
    # and the record's own hash no longer holds (check lists it).
    refusal = json.dumps({"witness": "别人", "at": "2026-11-20T02:05:00+00:00", "note": ""})
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE inspections SET refusal = ? WHERE id = ?", (refusal, final.id))
    out = write_inspection_sheet(db, final.id, tmp_path / "sheet.pdf", ReportOptions())
    text = compact(pdf_text(out))
    assert "见证人：王强" in text and "别人" not in text
    assert "测试记录，未拍照" in text  # the evidence reason, as sealed
    with db.reading() as s:
        row = s.get(Inspection, final.id)
        assert row is not None and seal.inspection_seal_problem(row)


def test_extending_a_notice_makes_a_new_sealed_version(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    _, _, _, notice_id, number = _failed_with_notice(home)
    db = Database.open(home)
    old = notice_service.get_notice(db, notice_id)
    old_code = notice_code(db, notice_id)
    db.close()
    h = ["--home", str(home)]
    new_deadline = old.deadline + timedelta(days=14)
    # Refused: not later, no reason. Nothing changes.
    code, _, err = run(
        capsys, *h, "notices", "extend", number, "--deadline", old.deadline.isoformat(), "--reason", "x"
    )
    assert code == 1 and "须晚于原期限" in err
    code, _, err = run(
        capsys, *h, "notices", "extend", number, "--deadline", new_deadline.isoformat(), "--reason", " "
    )
    assert code == 1 and "理由" in err
    db = Database.open(home)
    assert [n.id for n in notice_service.notice_versions(db, notice_id)] == [notice_id]
    db.close()

    code, out, err = run(
        capsys,
        *h,
        "notices",
        "extend",
        number,
        "--deadline",
        new_deadline.isoformat(),
        "--reason",
        "设备到货延迟",
    )
    assert code == 0, err
    assert "Z-" in out and "-V2-" in out
    db = Database.open(home)
    versions = notice_service.notice_versions(db, notice_id)
    new_code = notice_code(db, versions[-1].id)
    db.close()
    assert [v.status for v in versions] == ["superseded", "open"]
    assert versions[1].number == number and versions[1].deadline == new_deadline
    assert versions[1].change_reason == "延期：设备到货延迟"
    assert versions[0].deadline == old.deadline  # the issued one is never edited
    code, out, _ = run(capsys, *h, "verify", new_code)
    assert code == 0 and f"整改期限：{new_deadline.isoformat()}" in out and "变更：延期：设备到货延迟" in out
    code, out, _ = run(capsys, *h, "verify", old_code)
    assert code == 3 and new_code in out
    # The number prints the version in force; the old version reprints with 已更正 naming it.
    code, _, err = run(capsys, *h, "print", "notice", number, "-o", str(tmp_path / "new.pdf"))
    assert code == 0, err
    text = compact(pdf_text(tmp_path / "new.pdf"))
    assert new_code in text and "设备到货延迟" in text
    code, _, err = run(capsys, *h, "print", "notice", notice_id, "-o", str(tmp_path / "old.pdf"))
    assert code == 0, err
    text = compact(pdf_text(tmp_path / "old.pdf"))
    assert old_code in text and "已更正" in text and compact(f"{number} 第2版 {new_code}") in text
    assert run(capsys, *h, "check")[0] == 0


# --- 8. record numbers -----------------------------------------------------------------------------------


def test_imported_drafts_without_a_number_get_the_device_series(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    db = Database.open(home)
    hotel = insp_service.get_inspection(db, list_inspections(db)[0].id)
    inspectors = [{"name": i.name, "enforcement_id": i.enforcement_id} for i in hotel.inspectors]
    device = db.device_id
    db.close()
    doc = {
        "format": "hoteltv-inspection/1",
        "hotel": {"id": hotel.hotel_id},
        "template": {"id": "hotel_tv", "version": 1},
        "started_at": "2026-11-27T09:30:00+08:00",
        "inspectors": inspectors,
    }
    path = tmp_path / "drafts.json"
    path.write_text(
        json.dumps({"format": "hoteltv-inspections/1", "inspections": [doc, doc]}, ensure_ascii=False),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--home", str(home), "inspections", "import", str(path))
    assert code == 0, err
    stem = f"JC-20261127-{device[:4].upper()}-"
    assert f"{stem}01" in out and f"{stem}02" in out and "IMP-" not in out


def test_a_correction_keeps_its_number_and_the_notice_already_issued(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    inspection_id, number, _, notice_id, notice_number = _failed_with_notice(home)
    db = Database.open(home)
    draft = insp_service.correct(db, inspection_id)
    assert draft.record_number == number and draft.issued_notice_id == notice_id
    corrected = insp_service.finalize(db, draft.id)
    assert corrected.record_number == number and corrected.issued_notice_id == notice_id
    with pytest.raises(Exception, match=notice_number):
        notice_service.issue_notice(db, corrected.id)
    new_code = inspection_code(db, corrected.id).code
    old_code = inspection_code(db, inspection_id).code
    db.close()
    h = ["--home", str(home)]
    code, _, err = run(capsys, *h, "print", "sheet", corrected.id, "-o", str(tmp_path / "v2.pdf"))
    assert code == 0, err
    text = compact(pdf_text(tmp_path / "v2.pdf"))
    assert f"已下发整改通知书，编号{notice_number}" in text and "应下发整改通知书" not in text
    assert "第2版" in text and new_code in text
    # 9. The superseded version reprints with 已更正, naming the version in force and its code.
    code, _, err = run(capsys, *h, "print", "sheet", inspection_id, "-o", str(tmp_path / "v1.pdf"))
    assert code == 0, err
    text = compact(pdf_text(tmp_path / "v1.pdf"))
    assert old_code in text and "已更正" in text and compact(f"{number} 第2版 {new_code}") in text
    code, out, _ = run(capsys, *h, "verify", old_code)
    assert code == 3


# --- upgrading: records made before seals are sealed by the migration ---------------------------------------


@pytest.mark.parametrize(
    "fixture", ["schema_0001.db", "schema_0002.db", "schema_0003.db", "schema_0004n.db", "schema_0005h.db"]
)
def test_records_made_before_seals_are_sealed_by_the_upgrade(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fixture: str
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(FIXTURES / fixture, home / DB_FILENAME)
    with sqlite3.connect(home / DB_FILENAME) as conn:
        columns = {r[1] for r in conn.execute("PRAGMA table_info(inspections)")}
        snapshot = "i.hotel_snapshot" if "hotel_snapshot" in columns else "NULL"
        before = conn.execute(
            f"SELECT i.id, i.content_hash, {snapshot} FROM inspections i WHERE status = 'finalized'"
        ).fetchall()
        notices = [r[0] for r in conn.execute("SELECT id FROM rectification_notices")]
    assert before and notices
    db = Database.open(home)
    with db.reading() as s:
        for inspection_id, content_hash, snapshot in before:
            insp = s.get(Inspection, inspection_id)
            assert insp is not None and insp.seal_hash and seal.inspection_seal_problem(insp) is None
            facts = seal.sheet_facts_from_seal(insp)
            assert facts.sealed_by == seal.BY_MIGRATION
            if snapshot:
                assert facts.hotel.name == json.loads(snapshot)["name"]
            assert facts.record_hash == content_hash
        for notice_id in notices:
            n = s.get(RectificationNotice, notice_id)
            assert n is not None and n.seal_hash and seal.notice_seal_problem(n) is None
        audited = {
            e.entity_id
            for e in s.query(AuditEvent).filter(AuditEvent.actor.like("schema upgrade 0005%"))
            if "seal_hash" in e.changes
        }
    assert audited == {r[0] for r in before} | set(notices)
    # A paper printed before the upgrade carried the content hash: it still verifies.
    from hoteltv.reports.verification import VALID, format_code, verify_code

    inspection_id, content_hash, _ = before[0]
    old_paper = format_code("inspection", inspection_id, 1, content_hash)
    assert verify_code(db, old_paper).status == VALID
    assert verify_code(db, inspection_code(db, inspection_id).code).status == VALID
    # So does a notice's (its hash named the hotel's id), after that hotel was merged into another.
    with db.transaction() as s:
        n = s.get(RectificationNotice, notices[0])
        assert n is not None
        old_notice_paper = format_code("notice", n.id, 1, notice_hash(n))
        twin = Hotel(name="重录宾馆", division_id=n.hotel.division_id)
        s.add(twin)
        s.flush()
        twin_id, issued_to = twin.id, n.hotel_id
    merge_hotels(db, twin_id, issued_to)
    assert verify_code(db, old_notice_paper).status == VALID
    db.close()
    code, _, err = run(capsys, "--home", str(home), "check")
    assert code == 0, err


def test_a_json_export_carries_the_seal_to_another_laptop(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    inspection_id, number, _, _, _ = _failed_with_notice(home)
    db = Database.open(home)
    code_text = inspection_code(db, inspection_id).code
    db.close()
    h = ["--home", str(home)]
    assert run(capsys, *h, "hotels", "export", str(tmp_path / "hotels.csv"))[0] == 0
    assert run(capsys, *h, "inspections", "export", str(tmp_path / "insp.json"))[0] == 0
    other = ["--home", str(tmp_path / "office")]
    assert run(capsys, *other, "init")[0] == 0
    assert run(capsys, *other, "hotels", "import", str(tmp_path / "hotels.csv"))[0] == 0
    # A seal altered in the file: the whole file is refused, naming the record's seal.
    data = json.loads((tmp_path / "insp.json").read_text(encoding="utf-8"))
    k = next(n for n, d in enumerate(data["inspections"]) if d["id"] == inspection_id)
    good = data["inspections"][k]["seal"]
    data["inspections"][k]["seal"] = good.replace('"authority":"', '"authority":"伪')
    (tmp_path / "bad.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(capsys, *other, "inspections", "import", str(tmp_path / "bad.json"))
    assert code == 1 and f"$.inspections[{k}].seal" in err
    code, _, err = run(capsys, *other, "inspections", "import", str(tmp_path / "insp.json"))
    assert code == 0, err
    # The same paper, the same code, on the other laptop.
    code, out, _ = run(capsys, *other, "verify", code_text)
    assert code == 0 and out.startswith("一致") and "封存方式：定稿（下发）时封存" in out
    code, _, err = run(capsys, *other, "print", "sheet", number, "-o", str(tmp_path / "sheet.pdf"))
    assert code == 0, err
    assert code_text in compact(pdf_text(tmp_path / "sheet.pdf"))


def test_printing_from_the_seal_names_the_field_of_a_character_no_font_has(
    db: Database, hotel: Any, team: list[str], fill: Any, tmp_path: Path
) -> None:
    from dataclasses import replace

    from hoteltv.reports.common import ReportOptions
    from hoteltv.reports.fonts import UnprintableCharacter
    from hoteltv.reports.inspection_sheet import write_inspection_sheet
    from hoteltv.reports.notice import write_notice

    no_font = "\U000f0001"  # a private-use character: no bundled font has it
    view = insp_service.start_inspection(db, hotel.id, team)
    view = fill(db, view.id, rooms={"301": {"boot_seconds": 58}, "502": {}, "718": {}})
    view = insp_service.update_header(db, view.id, insp_service.HeaderFields(findings=f"问题{no_font}"))
    final = insp_service.finalize(db, view.id)
    with pytest.raises(UnprintableCharacter) as caught:
        write_inspection_sheet(db, final.id, tmp_path / "sheet.pdf", ReportOptions(home=tmp_path))
    assert "检查发现的问题" in str(caught.value) and "findings" in str(caught.value)
    assert not (tmp_path / "sheet.pdf").exists()

    items = [replace(i, fix=f"更换{no_font}") for i in notice_service.default_items(final)]
    notice = notice_service.issue_notice(db, final.id, items=items)
    with pytest.raises(UnprintableCharacter) as caught:
        write_notice(db, notice.id, tmp_path / "notice.pdf", ReportOptions(home=tmp_path))
    message = str(caught.value)
    assert "U+F0001" in message and "整改要求" in message and "items" in message
    assert not (tmp_path / "notice.pdf").exists()


# --- 5. a seal shows the record it belongs to -------------------------------------------------------------


def _forged(seal_json: str, edit: Any) -> tuple[str, str]:
    """A seal with ``edit`` applied to its facts and its hash made anew (anyone can recompute a SHA-256)."""
    facts = json.loads(seal_json)
    edit(facts)
    text = canonical_json(facts)
    return text, text_sha256(text)


def _set_findings(facts: dict[str, Any]) -> None:
    facts["view"]["findings"] = "伪造的检查发现"


def _set_address_and_authority(facts: dict[str, Any]) -> None:
    facts["hotel"]["address"] = "伪造地址100号"
    facts["authority"] = "伪造局"


def _set_inspector(facts: dict[str, Any]) -> None:
    facts["view"]["inspectors"][0]["enforcement_id"] = "99999999999"


def _set_printed_hotel_name(facts: dict[str, Any]) -> None:
    facts["view"]["hotel_name"] = "伪造的酒店"


def _set_drawn_signature(facts: dict[str, Any]) -> None:
    facts["view"]["signatures"] = {"hotel": "data:image/png;base64,AAAA"}


def _exported_to_office(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> tuple[list[str], dict[str, Any], int]:
    """A fresh data folder with the hotels of ``home``, and ``home``'s inspections exported: (the folder's
    --home arguments, the exported file's data, the index of the demo's failed inspection in it)."""
    inspection_id = _failed_with_notice(home)[0]
    h = ["--home", str(home)]
    assert run(capsys, *h, "hotels", "export", str(tmp_path / "hotels.csv"))[0] == 0
    assert run(capsys, *h, "inspections", "export", str(tmp_path / "insp.json"))[0] == 0
    office = ["--home", str(tmp_path / "office")]
    assert run(capsys, *office, "init")[0] == 0
    assert run(capsys, *office, "hotels", "import", str(tmp_path / "hotels.csv"))[0] == 0
    data = json.loads((tmp_path / "insp.json").read_text(encoding="utf-8"))
    k = next(n for n, d in enumerate(data["inspections"]) if d["id"] == inspection_id)
    return office, data, k


def _inspection_rows(home: Path) -> int:
    with sqlite3.connect(home / DB_FILENAME) as conn:
        (count,) = conn.execute("SELECT count(*) FROM inspections").fetchone()
    return int(count)


@pytest.mark.parametrize(
    "edit", [_set_findings, _set_address_and_authority, _set_inspector], ids=["findings", "address", "team"]
)
def test_an_imported_seal_showing_other_facts_than_its_record_is_refused(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, edit: Any
) -> None:
    office, data, k = _exported_to_office(capsys, home, tmp_path)
    doc = data["inspections"][k]
    doc["seal"], doc["seal_hash"] = _forged(doc["seal"], edit)
    (tmp_path / "forged.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(capsys, *office, "inspections", "import", str(tmp_path / "forged.json"))
    assert code == 1 and f"$.inspections[{k}].seal" in err
    assert _inspection_rows(tmp_path / "office") == 0  # the whole file refused: nothing written


def test_an_import_over_a_record_already_here_with_another_seal_is_refused(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    office, data, k = _exported_to_office(capsys, home, tmp_path)
    assert run(capsys, *office, "inspections", "import", str(tmp_path / "insp.json"))[0] == 0
    doc = data["inspections"][k]
    good = doc["seal_hash"]
    doc["seal"], doc["seal_hash"] = _forged(doc["seal"], _set_findings)
    (tmp_path / "forged.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, *office, "inspections", "import", str(tmp_path / "forged.json"))
    assert code == 1 and "$.seal" in err and "已存在且相同" not in out
    with sqlite3.connect(tmp_path / "office" / DB_FILENAME) as conn:
        (kept,) = conn.execute("SELECT seal_hash FROM inspections WHERE id = ?", (doc["id"],)).fetchone()
    assert kept == good


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (_set_findings, "findings"),
        (_set_printed_hotel_name, "hotel_name"),
        (_set_drawn_signature, "signatures"),
    ],
    ids=["findings", "hotel_name", "signatures"],
)
def test_a_seal_rewritten_with_its_hash_in_the_database_is_refused_by_print_verify_and_check(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, edit: Any, named: str
) -> None:
    inspection_id, number, _, _, _ = _failed_with_notice(home)
    db = Database.open(home)
    code_text = inspection_code(db, inspection_id).code
    db.close()
    if edit is _set_drawn_signature:  # the record holds drawn signatures: the seal must show those
        _sql(home, "UPDATE inspections SET signatures = ? WHERE id = ?", '{"hotel": "x"}', inspection_id)
    with sqlite3.connect(home / DB_FILENAME) as conn:
        (sealed,) = conn.execute(
            "SELECT seal_json FROM inspections WHERE id = ?", (inspection_id,)
        ).fetchone()
        conn.execute(
            "UPDATE inspections SET seal_json = ?, seal_hash = ? WHERE id = ?",
            (*_forged(sealed, edit), inspection_id),
        )
    h = ["--home", str(home)]
    code, _, err = run(capsys, *h, "print", "sheet", number, "-o", str(tmp_path / "sheet.pdf"))
    assert code == 1 and "拒绝打印" in err and not (tmp_path / "sheet.pdf").exists()
    assert named in err
    code, out, _ = run(capsys, *h, "verify", code_text)
    assert code == 1 and out.startswith("不一致") and "TAMPERED" in out
    code, _, err = run(capsys, *h, "check")
    assert code == 1 and number in err and "封存校验失败" in err


def test_a_notice_seal_showing_another_inspection_than_its_record_is_refused(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    _, _, _, notice_id, notice_number = _failed_with_notice(home)
    db = Database.open(home)
    code_text = notice_code(db, notice_id)
    db.close()

    def forge(facts: dict[str, Any]) -> None:
        facts["inspection"]["findings"] = "伪造的检查发现"
        facts["notice"]["hotel_name"] = "伪造的酒店"  # printed on the notice beside the sealed hotel facts

    with sqlite3.connect(home / DB_FILENAME) as conn:
        (sealed,) = conn.execute(
            "SELECT seal_json FROM rectification_notices WHERE id = ?", (notice_id,)
        ).fetchone()
        conn.execute(
            "UPDATE rectification_notices SET seal_json = ?, seal_hash = ? WHERE id = ?",
            (*_forged(sealed, forge), notice_id),
        )
    h = ["--home", str(home)]
    code, _, err = run(capsys, *h, "print", "notice", notice_number, "-o", str(tmp_path / "n.pdf"))
    assert code == 1 and "拒绝打印" in err and "inspection.findings" in err and "hotel_name" in err
    assert not (tmp_path / "n.pdf").exists()
    code, out, _ = run(capsys, *h, "verify", code_text)
    assert code == 1 and out.startswith("不一致") and "TAMPERED" in out
    code, _, err = run(capsys, *h, "check")
    assert code == 1 and notice_number in err
