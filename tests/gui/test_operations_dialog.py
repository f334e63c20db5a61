"""The 执法行动 dialog: an operation recorded through the form, its sites ticked, a refusal shown."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt

from hoteltv.domain import clock
from hoteltv.services import hotels as hotel_service
from hoteltv.services import operations as op_service
from ui.context import AppContext
from ui.operations_dialog import OperationsDialog


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def test_an_operation_is_recorded_through_the_form(qtbot: Any, ctx: AppContext, type_text: Any) -> None:
    for name, kind in (("青华农贸市场", "market"), ("永昌宾馆", "hotel"), ("九隆小区", "residential")):
        hotel_service.create_hotel(
            ctx.db, hotel_service.HotelInput(name=name, division_code="隆阳区", site_kind=kind), ctx.divisions
        )
    dialog = OperationsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.division.setCurrentIndex(dialog.division.findData("530502"))
    assert dialog.sites.count() == 3
    assert "青华农贸市场（市场）" in [dialog.sites.item(i).text() for i in range(dialog.sites.count())]
    day = clock.today() - timedelta(days=2)
    dialog.date_edit.setDate(_qdate(day))
    type_text(dialog.lead, "隆阳区文化和旅游局")
    type_text(dialog.joint, "公安分局、市场监管局")
    dialog.officers.setValue(9)
    dialog.vehicles.setValue(3)
    for i in (0, 2):
        dialog.sites.item(i).setCheckState(Qt.CheckState.Checked)
    assert dialog.site_checks.value() == 2  # each ticked site is at least one check
    dialog.site_checks.setValue(5)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    ops = op_service.list_operations(ctx.db)
    assert len(ops) == 1
    op = ops[0]
    assert (op.op_date, op.officers, op.vehicles, op.site_checks, op.joint) == (day, 9, 3, 5, True)
    assert op.joint_departments == ("公安分局", "市场监管局") and len(op.site_ids) == 2
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 4).text() == "9"
    assert "联合执法 1 次" in dialog.totals.text() and "9 人次" in dialog.totals.text()

    # A future date (typed past the picker) is refused by the core: the reason shows, nothing is written.
    dialog.date_edit.setDate(_qdate(clock.today() + timedelta(days=3)))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible() and "不能晚于今天" in dialog.error.text()
    assert len(op_service.list_operations(ctx.db)) == 1
