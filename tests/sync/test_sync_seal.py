"""Seals travel with their records: a bundle carried to another laptop brings the sealed sheet, the notice
and its extension; there they print from the seal and their codes verify (no server needed)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from hoteltv.db.engine import Database
from hoteltv.db.models import Inspection, RectificationNotice
from hoteltv.domain.divisions import default_divisions
from hoteltv.photos.store import PhotoStore
from hoteltv.reports.inspection_sheet import write_inspection_sheet
from hoteltv.reports.notice import write_notice
from hoteltv.reports.verification import SUPERSEDED, VALID, inspection_code, notice_code, verify_code
from hoteltv.services import notices as notice_service
from hoteltv.services.seal import broken_seals
from hoteltv.services.setup import ensure_divisions
from hoteltv.sync.bundle import export_bundle, import_local
from tests.core.conftest import fill_inspection
from tests.core.report_fixtures import compact, failed_inspection, pdf_text
from tests.sync.helpers import make_hotel, team


def _laptop(home: Path) -> Database:
    db = Database.open(home)
    ensure_divisions(db, default_divisions())
    return db


def test_seals_travel_in_a_bundle_and_verify_on_the_other_laptop(tmp_path: Path) -> None:
    a = _laptop(tmp_path / "field")
    hotel = make_hotel(a, "边境酒店", address="腾冲市猴桥镇1号")
    insp = failed_inspection(a, hotel, team(a), fill_inspection, photos_dir=tmp_path / "field", photos=2)
    first = notice_service.issue_notice(a, insp.id)
    second = notice_service.extend_notice(
        a, first.id, deadline=first.deadline + timedelta(days=5), reason="延迟"
    )
    codes = (inspection_code(a, insp.id).code, notice_code(a, first.id), notice_code(a, second.id))
    with a.reading() as s:
        sealed = {
            "inspection": s.get(Inspection, insp.id).seal_hash,  # type: ignore[union-attr]
            "notice": s.get(RectificationNotice, second.id).seal_hash,  # type: ignore[union-attr]
        }
    path = tmp_path / "stick" / "field.hoteltv.zip"
    export_bundle(a, PhotoStore.for_home(tmp_path / "field"), path)
    a.close()

    office_home = tmp_path / "office"
    b = _laptop(office_home)
    result = import_local(b, PhotoStore.for_home(office_home), path)
    assert result.count("refused") == 0 and result.count("applied") > 0
    with b.reading() as s:
        assert s.get(Inspection, insp.id).seal_hash == sealed["inspection"]  # type: ignore[union-attr]
        assert s.get(RectificationNotice, second.id).seal_hash == sealed["notice"]  # type: ignore[union-attr]
        assert broken_seals(s) == []
    assert [verify_code(b, c).status for c in codes] == [VALID, SUPERSEDED, VALID]
    assert (inspection_code(b, insp.id).code, notice_code(b, first.id), notice_code(b, second.id)) == codes
    sheet = write_inspection_sheet(b, insp.id, tmp_path / "sheet.pdf")
    assert "边境酒店" in compact(pdf_text(sheet)) and codes[0] in compact(pdf_text(sheet))
    notice = write_notice(b, second.id, tmp_path / "notice.pdf")
    assert codes[2] in compact(pdf_text(notice))
    b.close()


def test_a_finalized_record_without_a_seal_receives_one_once() -> None:
    from hoteltv.sync.merge import _decide_document
    from hoteltv.sync.protocol import Change

    held = {
        "id": "i1",
        "record_number": "JC-1",
        "status": "finalized",
        "owner_device_id": "d1",
        "result": "fail",
    }
    held |= {"seal_json": None, "seal_hash": None}
    sealed = held | {"seal_json": '{"a":1}', "seal_hash": "ab" * 32}
    change = Change(
        entity="inspections", id="i1", seq=1, version=2, fields=["seal_hash", "seal_json"], values=sealed
    )
    assert _decide_document(change, sealed, held, None, "d1").status == "applied"
    # Never replaced once there, and nothing else rides along.
    other = sealed | {"seal_json": '{"a":2}', "seal_hash": "cd" * 32}
    assert _decide_document(change, other, sealed, None, "d2").code == 409
    assert _decide_document(change, sealed | {"result": "pass"}, held, None, "d1").code == 409


def test_a_seal_made_on_upgrade_reaches_the_server_and_other_laptops(laptop) -> None:  # type: ignore[no-untyped-def]
    import importlib

    from sqlalchemy import text

    from tests.sync.helpers import make_inspection

    upgrade = importlib.import_module("hoteltv.db.migrations.versions.0005_seals")
    a = laptop("field", "office")
    hotel = make_hotel(a.db, "升级前的酒店")
    inspection_id = make_inspection(a.db, hotel)
    # As a record finalized before seals existed: no seal, and it reached the server so.
    with a.db.engine.begin() as conn:
        conn.execute(text("UPDATE inspections SET seal_json = NULL, seal_hash = NULL"))
    assert a.sync().ok
    # The upgrade seals it and queues the seal; the server takes it, once.
    with a.db.engine.begin() as conn:
        upgrade._seal_existing(conn)
    report = a.sync()
    assert report.ok, report
    b = laptop("office", "office")
    assert b.sync().ok
    code = inspection_code(a.db, inspection_id).code
    assert inspection_code(b.db, inspection_id).code == code
    assert verify_code(b.db, code).status == VALID
    with b.db.reading() as s:
        assert broken_seals(s) == []


def test_a_notice_keeps_its_seal_when_its_hotel_is_merged_on_another_laptop(laptop, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The field laptop issues a notice; the office merges that hotel into its own record of it. Once the
    # merge is pulled, the notice points at the hotel that stays, and still prints, verifies and extends.
    from hoteltv.services.hotel_merge import merge_hotels

    a = laptop("field", "office")
    b = laptop("office", "office")
    issued_to = make_hotel(a.db, "和顺客栈", division="腾冲市", address="和顺古镇1号")
    stays = make_hotel(b.db, "和顺 客栈", division="腾冲市")
    insp = failed_inspection(a.db, issued_to, team(a.db), fill_inspection)
    notice = notice_service.issue_notice(a.db, insp.id)
    code = notice_code(a.db, notice.id)
    assert a.sync().ok and b.sync().ok
    merge_hotels(b.db, stays, issued_to)
    assert b.sync().ok and a.sync().ok
    for db in (a.db, b.db):
        with db.reading() as s:
            row = s.get(RectificationNotice, notice.id)
            assert row is not None and row.hotel_id == stays
            assert broken_seals(s) == []
        assert verify_code(db, code).status == VALID
    text = compact(pdf_text(write_notice(a.db, notice.id, tmp_path / "notice.pdf")))
    assert "和顺古镇1号" in text and code in text
    later = notice_service.extend_notice(
        a.db, notice.id, deadline=notice.deadline + timedelta(days=7), reason="合并后"
    )
    assert a.sync().ok and b.sync().ok
    with b.db.reading() as s:
        assert broken_seals(s) == []
    assert verify_code(b.db, notice_code(b.db, later.id)).status == VALID
