"""The hotel refuses to sign: the inspector ticks 拒绝签字, names the witness and finalizes, with no
signatory faked; the witness signs in the hotel's place. Driven through the window's widgets."""

# ruff: noqa: F811 (the workflow tests' fixtures are imported by name)

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from hoteltv.domain import clock
from hoteltv.reports.common import ReportOptions
from hoteltv.reports.inspection_sheet import write_inspection_sheet
from hoteltv.services import inspections as insp_service
from hoteltv.services.inspections import HeaderFields
from tests.core.report_fixtures import compact, poppler_text
from tests.gui.test_inspection_workflow import (  # noqa: F401 (fixtures)
    Modals,
    click,
    complete_draft,
    ctx,
    finalize_via_ui,
    hotel,
    retype,
    team,
)
from ui.context import AppContext
from ui.inspection import open_inspection_window
from ui.inspection.window import InspectionWindow


def test_refusal_with_a_witness_finalizes_and_the_sheet_says_so(
    qtbot: Any, ctx: AppContext, hotel: Any, team: Any, tmp_path: Path
) -> None:
    iid = complete_draft(ctx, hotel.id, team)
    insp_service.update_header(ctx.db, iid, HeaderFields(hotel_opinion="", hotel_signatory=""))
    window = open_inspection_window(ctx, iid)
    assert isinstance(window, InspectionWindow)
    window.tabs.setCurrentWidget(window.conclusion)
    assert not window.refused_check.isChecked()
    assert "hotel" in window.signature_slots and "witness" not in window.signature_slots

    click(qtbot, window.refused_check)
    stored = insp_service.get_inspection(ctx.db, iid)
    assert stored.refusal is not None and stored.refusal.witness == "" and stored.refusal.at is not None
    assert window.refusal_time.text().startswith("记录时间")
    # The witness signs where the hotel would have.
    assert "witness" in window.signature_slots and "hotel" not in window.signature_slots

    # No witness yet: finalizing says what is missing and puts the cursor in the witness field.
    def blocked(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        assert "填写拒绝签字的见证人姓名" in box.text()
        assert "被检查单位签字人" not in box.text() and "被检查单位意见" not in box.text()
        click(qtbot, box.buttons()[0])

    modals = Modals(blocked)
    click(qtbot, window.finalize_button)
    modals.check()
    assert window.focusWidget() is window.witness_edit
    assert insp_service.get_inspection(ctx.db, iid).status == "draft"

    retype(qtbot, window.witness_edit, "王强（街道办）")
    assert insp_service.get_inspection(ctx.db, iid).refusal.witness == "王强（街道办）"  # type: ignore[union-attr]
    assert window.signature_slots["witness"].label.text() == "见证人 王强（街道办）"

    finalize_via_ui(qtbot, window)
    final = insp_service.get_inspection(ctx.db, iid)
    assert final.status == "finalized" and final.hotel_signatory == ""
    assert not window.refused_check.isEnabled() and window.witness_edit.isReadOnly()
    out = write_inspection_sheet(ctx.db, iid, tmp_path / "sheet.pdf", ReportOptions())
    text = compact(poppler_text(out))
    assert "被检查单位拒绝签字。见证人：王强（街道办）" in text


def test_unticking_the_refusal_withdraws_it(qtbot: Any, ctx: AppContext, hotel: Any, team: Any) -> None:
    iid = complete_draft(ctx, hotel.id, team)
    window = open_inspection_window(ctx, iid)
    assert isinstance(window, InspectionWindow)
    window.tabs.setCurrentWidget(window.conclusion)
    click(qtbot, window.refused_check)
    retype(qtbot, window.witness_edit, "王强")
    assert insp_service.get_inspection(ctx.db, iid).refusal is not None
    click(qtbot, window.refused_check)
    assert insp_service.get_inspection(ctx.db, iid).refusal is None
    assert "hotel" in window.signature_slots and window.refusal_time.text() == ""


def test_a_notice_after_a_refusal_is_served_by_leaving_it_with_the_witness(
    qtbot: Any, ctx: AppContext, hotel: Any, team: Any, tmp_path: Path
) -> None:
    from hoteltv.reports.notice import write_notice
    from hoteltv.services import notices as notice_service
    from hoteltv.services import numbering
    from ui.inspection.notice import NoticeDialog

    ctx.settings.set("notice_device_tag", "D3")
    ctx.settings.set("review_body", "保山市人民政府")
    numbering.add_block(ctx.db, clock.today().year, 17, 17)
    iid = complete_draft(ctx, hotel.id, team, r301={"boot_seconds": 48})
    room = next(r for r in insp_service.get_inspection(ctx.db, iid).rooms if r.room_number == "301")
    insp_service.set_evidence_reason(ctx.db, iid, "boot_seconds", "酒店不同意拍摄", room_id=room.id)
    insp_service.update_header(ctx.db, iid, HeaderFields(hotel_signatory="", hotel_opinion=""))
    insp_service.set_refusal(ctx.db, iid, True, witness="王强")
    insp_service.finalize(ctx.db, iid)
    window = open_inspection_window(ctx, iid)
    assert isinstance(window, InspectionWindow)

    def issue(dialog: QWidget) -> None:
        assert isinstance(dialog, NoticeDialog)
        # The refusal to sign the sheet is carried over: the receipt will say 留置送达 with that witness.
        assert dialog.refused.isChecked() and dialog.witness.text() == "王强"
        assert not dialog.recipient.isEnabled()
        retype(qtbot, dialog.witness, "王强（街道办）", enter=False)
        click(qtbot, dialog.issue_button)

    modals = Modals(issue)
    click(qtbot, window.notice_button)
    modals.check()
    (notice,) = notice_service.list_notices(ctx.db, hotel_id=hotel.id)
    assert notice.number == f"保文旅广电整改〔{clock.today().year}〕第017号"
    assert (
        notice.delivery is not None
        and notice.delivery.refused
        and notice.delivery.witness == "王强（街道办）"
    )
    out = write_notice(ctx.db, notice.id, tmp_path / "notice.pdf", ReportOptions())
    receipt = compact(poppler_text(out)).split("送达回证")[-1]
    assert "拒绝签收，已留置送达" in receipt and "王强（街道办）" in receipt
