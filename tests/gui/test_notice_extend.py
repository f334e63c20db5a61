"""延期 in the inspection window: an issued notice is never edited; the inspector asks for a new version with
a later deadline and a reason, and the window then shows the version in force. A notice changed behind the
program's back is not printed: the preview shows the refusal."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

import pytest

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QWidget

from hoteltv.reports.verification import notice_code
from hoteltv.services import notices as notice_service
from hoteltv.services.seal import SealError
from tests.gui.test_inspection_workflow import Modals, click, type_into
from ui.context import AppContext
from ui.inspection import open_inspection_window, open_windows
from ui.inspection.notice import ExtendNoticeDialog
from ui.inspection.window import InspectionWindow


def test_extend_a_notice_from_the_inspection_window(qtbot: Any, demo_ctx: AppContext) -> None:
    ctx = demo_ctx
    ctx.actor = "test"
    issued = next(n for n in notice_service.list_notices(ctx.db) if n.status == "open")
    old_code = notice_code(ctx.db, issued.id)
    window = open_inspection_window(ctx, issued.inspection_id)
    assert isinstance(window, InspectionWindow)
    assert not window.extend_notice_button.isHidden()
    new_deadline = issued.deadline + timedelta(days=10)
    seen: dict[str, Any] = {}

    def refuse_then_extend(dialog: QWidget) -> None:
        assert isinstance(dialog, ExtendNoticeDialog)
        # No reason yet: nothing can be issued.
        assert not dialog.extend_button.isEnabled()
        assert dialog.deadline.minimumDate() == QDate(issued.deadline).addDays(1)
        dialog.deadline.setDate(QDate(new_deadline))
        type_into(qtbot, dialog.reason, "设备到货延迟")
        assert dialog.extend_button.isEnabled()
        click(qtbot, dialog.extend_button)
        seen["notice"] = dialog.notice

    modals = Modals(refuse_then_extend)
    qtbot.mouseClick(window.extend_notice_button, Qt.MouseButton.LeftButton)
    modals.check()
    new = seen["notice"]
    assert new is not None and new.number == issued.number and new.deadline == new_deadline
    versions = notice_service.notice_versions(ctx.db, issued.id)
    assert [v.status for v in versions] == ["superseded", "open"]
    assert versions[0].deadline == issued.deadline  # the issued version is unchanged
    assert versions[1].change_reason == "延期：设备到货延迟"
    assert notice_code(ctx.db, versions[1].id) != old_code
    # The window now shows the version in force.
    assert f"{new_deadline:%Y-%m-%d}" in window.notice_label.text()
    for w in open_windows():
        w.close()


def test_extend_dialog_shows_the_core_refusal(qtbot: Any, demo_ctx: AppContext) -> None:
    ctx = demo_ctx
    issued = next(n for n in notice_service.list_notices(ctx.db) if n.status == "open")
    dialog = ExtendNoticeDialog(ctx, issued)
    qtbot.addWidget(dialog)
    # Extended elsewhere in the meantime: this version is no longer in force.
    notice_service.extend_notice(
        ctx.db, issued.id, deadline=issued.deadline + timedelta(days=3), reason="其他"
    )
    type_into(qtbot, dialog.reason, "再次延期")
    click(qtbot, dialog.extend_button)
    assert dialog.notice is None and not dialog.error.isHidden()
    assert "已被取代，不能延期" in dialog.error.text()
    assert len(notice_service.notice_versions(ctx.db, issued.id)) == 2


def test_a_notice_changed_behind_the_program_is_not_printed(
    qtbot: Any, demo_ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui import print_preview
    from ui.printing import preview_notice

    shown: list[BaseException] = []
    monkeypatch.setattr(print_preview, "show_error", lambda parent, exc, context="": shown.append(exc))
    issued = next(n for n in notice_service.list_notices(demo_ctx.db) if n.status == "open")
    with sqlite3.connect(demo_ctx.db.path) as conn:
        conn.execute("UPDATE rectification_notices SET deadline = '2099-12-31' WHERE id = ?", (issued.id,))
    dialog = preview_notice(demo_ctx, issued.id, issued.number)
    qtbot.addWidget(dialog)
    assert not dialog.ready
    assert isinstance(shown[0], SealError) and "拒绝打印" in str(shown[0])


def test_a_corrected_failed_inspection_does_not_ask_for_a_second_notice(
    qtbot: Any, demo_ctx: AppContext
) -> None:
    from hoteltv.services import inspections as insp_service
    from tests.gui.test_inspection_workflow import click_text

    ctx = demo_ctx
    ctx.actor = "test"
    issued = next(n for n in notice_service.list_notices(ctx.db) if n.status == "open")
    draft = insp_service.correct(ctx.db, issued.inspection_id)
    window = open_inspection_window(ctx, draft.id)
    assert isinstance(window, InspectionWindow)
    unexpected: list[str] = []

    def record(widget: QWidget) -> None:  # only reached if a second dialog opens
        unexpected.append(widget.windowTitle())
        widget.close()

    modals = Modals(lambda box: click_text(qtbot, box, "定稿"), record, timeout=2.0)
    click(qtbot, window.finalize_button)
    qtbot.wait(2200)
    assert unexpected == [] and len(modals.actions) == 1
    view = insp_service.get_inspection(ctx.db, draft.id)
    assert view.status == "finalized" and view.result == "fail" and view.issued_notice_id == issued.id
    assert window.notice_button.isHidden()  # the notice was issued for the version it corrects
    assert issued.number in window.notice_label.text()
    for w in open_windows():
        w.close()
