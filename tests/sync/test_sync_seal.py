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
