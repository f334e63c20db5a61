"""The on-site inspection workflow, driven as an inspector drives it: pick the team, fill a hotel and three
rooms, watch the verdict change, finalize, issue the notice, re-inspect and close the case, correct a
finalized record, and come back to a draft that was closed mid-form.

Jobs run at once (``runner.synchronous``), except in the test that checks the real background writer.
Modal dialogs are answered by :class:`Modals`, which acts on each dialog as it opens.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from hoteltv.domain import clock, lifecycle
from hoteltv.errors import RecordFinalizedError
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from hoteltv.services import notices as notice_service
from hoteltv.services.demo import good_hotel, good_room
from hoteltv.services.inspections import HeaderFields
from ui.context import AppContext
from ui.inspection import (
    open_inspection_window,
    open_windows,
    start_inspection_flow,
    start_reinspection_flow,
)
from ui.inspection.inputs import ComboInput, LineInput, SegmentedInput
from ui.inspection.items import ItemsForm
from ui.inspection.notice import NoticeDialog
from ui.inspection.room import AddRoomDialog, RoomPage
from ui.inspection.signature import SignatureDialog
from ui.inspection.team import TeamDialog
from ui.inspection.window import InspectionWindow
from ui.worker import JobRunner

MODE = "direct_live"
ROOMS = [("301", "3", "标准间"), ("502", "5", "大床房"), ("803", "8", "套房")]


# --- fixtures -------------------------------------------------------------------------------------


def _open(home: Path, synchronous: bool = True) -> AppContext:
    runner = JobRunner()
    runner.synchronous = synchronous
    ctx = AppContext.open(home, runner)
    ctx.actor = "test"
    return ctx


@pytest.fixture
def ctx(home: Path, qapp: QApplication) -> Iterator[AppContext]:
    """An empty data folder; background jobs run at once."""
    context = _open(home)
    yield context
    for window in open_windows():
        window.close()
    context.close()


@pytest.fixture
def hotel(ctx: AppContext) -> hotel_service.HotelView:
    return hotel_service.create_hotel(
        ctx.db,
        hotel_service.HotelInput(
            name="永昌大酒店",
            division_code="530502",
            contact_name="杨经理",
            contact_phone="0875-2123456",
            pilot=True,
            target_mode=MODE,
            current_mode="none",
        ),
        ctx.divisions,
    )


@pytest.fixture
def team(ctx: AppContext) -> list[str]:
    return [
        insp_service.add_inspector(ctx.db, "张明", "53050219001").id,
        insp_service.add_inspector(ctx.db, "李华", "53050219002").id,
    ]


# --- driving the GUI as a user ---------------------------------------------------------------------


class Modals:
    """Answers the modal dialogs that open next, one action per dialog, in order."""

    def __init__(self, *actions: Callable[[QWidget], None], timeout: float = 10.0) -> None:
        self.actions = list(actions)
        self.seen: list[QWidget] = []
        self.errors: list[BaseException] = []
        self.deadline = time.monotonic() + timeout
        QTimer.singleShot(0, self._poll)

    def _poll(self) -> None:
        if not self.actions:
            return
        widget = QApplication.activeModalWidget()
        if widget is not None and all(widget is not w for w in self.seen):
            self.seen.append(widget)
            action = self.actions.pop(0)
            try:
                action(widget)
            except BaseException as exc:  # a failed check must not leave a dialog blocking the test
                self.errors.append(exc)
                if isinstance(widget, QDialog):
                    widget.reject()
        if time.monotonic() > self.deadline:
            self.errors.append(AssertionError(f"{len(self.actions)} dialog(s) never opened"))
            return
        QTimer.singleShot(10, self._poll)

    def check(self) -> None:
        if self.errors:
            raise self.errors[0]
        assert not self.actions, f"{len(self.actions)} dialog(s) never opened"


def click(qtbot: Any, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def click_text(qtbot: Any, dialog: QWidget, text: str) -> None:
    """Click the dialog's button labelled ``text``."""
    buttons = [b for b in dialog.findChildren(QAbstractButton) if b.text().replace("&", "") == text]
    assert buttons, f"no button {text!r} in {[b.text() for b in dialog.findChildren(QAbstractButton)]}"
    click(qtbot, buttons[0])


def type_into(qtbot: Any, widget: QWidget, text: str) -> None:
    """Type ASCII by keys; Chinese arrives as an input method commits it."""
    run = ""
    for ch in text + "\0":
        if run and (ch == "\0" or ch.isascii() != run[-1].isascii()):
            if run.isascii():
                qtbot.keyClicks(widget, run)
            else:
                event = QInputMethodEvent()
                event.setCommitString(run)
                QApplication.sendEvent(widget, event)
            run = ""
        run += ch


def retype(qtbot: Any, edit: QLineEdit, text: str, enter: bool = True) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    type_into(qtbot, edit, text)
    if enter:
        qtbot.keyClick(edit, Qt.Key.Key_Return)


def answer(qtbot: Any, form: ItemsForm, key: str, value: object) -> None:
    """Answer one item the way its input is used: a click, a combo entry, typing + Enter."""
    row = form.rows[key]
    widget = row.input
    if isinstance(widget, SegmentedInput):
        if widget.value() != value:
            click(qtbot, widget.button(str(value)))
    elif isinstance(widget, ComboInput):
        widget.combo.setFocus()
        for _ in range(widget.combo.count() + 1):
            if widget.combo.currentData() == value:
                break
            qtbot.keyClick(widget.combo, Qt.Key.Key_Down)
        assert widget.combo.currentData() == value
    else:
        assert isinstance(widget, LineInput)
        retype(qtbot, widget.edit, str(value))
    assert widget.value() == value or str(widget.value()) == str(value), (key, widget.value(), value)


def fill(qtbot: Any, form: ItemsForm, answers: dict[str, object]) -> None:
    for key, value in answers.items():
        if value in (None, "") or not form.rows[key].input.isEnabled():
            continue  # blank in the fixture data, or not applicable
        answer(qtbot, form, key, value)


def pick_team(qtbot: Any, names: list[str] | None) -> Callable[[QWidget], None]:
    """Tick these inspectors (by keyboard: select and Space) and start; None keeps the preselection."""

    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, TeamDialog)
        if names is not None:
            for n in range(dialog.list.count()):
                item = dialog.list.item(n)
                if any(item.text().startswith(name) for name in names):
                    dialog.list.setCurrentItem(item)
                    qtbot.keyClick(dialog.list.viewport(), Qt.Key.Key_Space)
        assert dialog.ok_button.isEnabled()
        click(qtbot, dialog.ok_button)

    return act


def add_room_via_dialog(qtbot: Any, window: InspectionWindow, number: str, room_type: str) -> RoomPage:
    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, AddRoomDialog)
        type_into(qtbot, dialog.number, number)
        assert dialog.floor.text() == number[:-2]  # guessed from the number
        dialog.room_type.setCurrentText(room_type)
        click(qtbot, dialog.ok_button)

    modals = Modals(act)
    click(qtbot, window.add_room_button)
    modals.check()
    page = window.current_room()
    assert page is not None and page.room_number == number
    return page


def result_text(window: InspectionWindow) -> str:
    """The result as shown (the label's rich text without its tags)."""
    return re.sub(r"<[^>]+>", "", window.verdict_panel.result.text())


def finalize_via_ui(qtbot: Any, window: InspectionWindow, *more: Callable[[QWidget], None]) -> None:
    modals = Modals(lambda box: click_text(qtbot, box, "定稿"), *more)
    click(qtbot, window.finalize_button)
    modals.check()


def fill_header_and_conclusion(qtbot: Any, window: InspectionWindow) -> None:
    if not window.ids_shown.isChecked():
        click(qtbot, window.ids_shown)
    window.tabs.setCurrentWidget(window.conclusion)
    click(qtbot, window.no_objection)
    type_into(qtbot, window.signatory_edit, "杨经理")
    qtbot.keyClick(window.signatory_edit, Qt.Key.Key_Return)


def fill_everything(qtbot: Any, window: InspectionWindow, rooms: list[tuple[str, str, str]] = ROOMS) -> None:
    window.tabs.setCurrentIndex(0)
    fill(qtbot, window.hotel_form, good_hotel(MODE) | {"responsible_person": "杨经理"})
    existing = {p.room_number for p in window.room_pages.values()}
    for number, _floor, room_type in rooms:
        if number not in existing:
            add_room_via_dialog(qtbot, window, number, room_type)
        page = next(p for p in window.room_pages.values() if p.room_number == number)
        window.tabs.setCurrentWidget(page)
        fill(qtbot, page.form, good_room(MODE))
    fill_header_and_conclusion(qtbot, window)


def complete_draft(
    ctx: AppContext, hotel_id: str, team: list[str], **room_overrides: dict[str, object]
) -> str:
    """A complete draft made through the core (for tests about what happens after filling)."""
    view = insp_service.start_inspection(ctx.db, hotel_id, team)
    for key, value in (good_hotel(MODE) | {"responsible_person": "杨经理"}).items():
        insp_service.set_hotel_answer(ctx.db, view.id, key, value)
    for number, floor, room_type in ROOMS:
        answers = good_room(MODE) | room_overrides.get(f"r{number}", {})
        insp_service.add_room(ctx.db, view.id, number, floor=floor, room_type=room_type, answers=answers)
    insp_service.update_header(
        ctx.db, view.id, HeaderFields(ids_shown=True, hotel_opinion="无异议", hotel_signatory="杨经理")
    )
    return view.id


def room_page(window: InspectionWindow, number: str) -> RoomPage:
    return next(p for p in window.room_pages.values() if p.room_number == number)


# --- tests ----------------------------------------------------------------------------------------


def test_fill_three_rooms_verdict_live_finalize_read_only(
    qtbot: Any, ctx: AppContext, hotel: Any, team: Any
) -> None:
    modals = Modals(pick_team(qtbot, ["张明", "李华"]))
    window = start_inspection_flow(ctx, hotel.id)
    modals.check()
    assert isinstance(window, InspectionWindow)
    view = window.view
    assert view is not None and [i.name for i in view.inspectors] == ["张明", "李华"]
    assert view.kind == "first" and view.contact_on_site == "杨经理"  # from the hotel's master data
    assert window.contact_edit.text() == "杨经理"
    assert result_text(window) == "暂无不合格项（未完成）"

    fill_everything(qtbot, window)
    assert "合格" in result_text(window) and "不合格" not in result_text(window)
    assert "已全部完成" in window.verdict_panel.missing.text()
    assert window.save_label.text().startswith("已保存")

    # One room over 35 seconds: the verdict turns at once, naming the room, the item and the rule.
    page = room_page(window, "502")
    window.tabs.setCurrentWidget(page)
    retype(qtbot, page.form.rows["boot_seconds"].input.edit, "48秒")
    assert page.form.rows["boot_seconds"].input.edit.text() == "48"  # shown as stored
    assert "不合格" in result_text(window)
    failed = window.verdict_panel.failed.text()
    assert "502" in failed and "35秒" in failed
    assert "不超过35秒" in page.form.rows["boot_seconds"].status.text()
    assert not page.form.rows["boot_seconds"].photo_slot.isHidden()  # evidence needed
    retype(qtbot, page.form.rows["boot_seconds"].input.edit, "30")
    assert "合格" in result_text(window) and "不合格" not in result_text(window)

    stored = insp_service.get_inspection(ctx.db, window.inspection_id)
    assert len(stored.rooms) == 3 and stored.verdict.complete
    assert {r.room_number: r.answers["boot_seconds"] for r in stored.rooms} == {
        "301": 18,
        "502": 30,
        "803": 18,
    }
    assert "无异议" in stored.hotel_opinion and stored.hotel_signatory == "杨经理" and stored.ids_shown
    # 填入无异议 on a pass promises no rectification; with a failure it does.
    assert stored.hotel_opinion == "对检查结果无异议。"
    retype(qtbot, page.form.rows["boot_seconds"].input.edit, "48")
    click(qtbot, window.no_objection)
    assert window.opinion_edit.toPlainText() == "对检查结果无异议，将按要求整改。"
    retype(qtbot, page.form.rows["boot_seconds"].input.edit, "30")
    click(qtbot, window.no_objection)
    assert window.opinion_edit.toPlainText() == "对检查结果无异议。"

    finalize_via_ui(qtbot, window)  # a pass: no notice is offered
    assert not window.is_editable()
    assert window.status_badge.property("status") == "finalized"
    assert window.finalize_button.isHidden() and not window.correct_button.isHidden()
    assert window.notice_button.isHidden()
    # Read-only: buttons disabled, text fields refuse typing, the core refuses writes.
    page = room_page(window, "301")
    window.tabs.setCurrentWidget(page)
    ads = page.form.rows["ads_seen"].input
    assert isinstance(ads, SegmentedInput) and not ads.button("yes").isEnabled()
    click(qtbot, ads.button("yes"))
    assert ads.value() == "no"
    boot = page.form.rows["boot_seconds"].input
    assert isinstance(boot, LineInput) and boot.edit.isReadOnly()
    qtbot.keyClicks(boot.edit, "99")
    assert boot.edit.text() == "18"
    assert window.opinion_edit.isReadOnly() and not window.ids_shown.isEnabled()
    assert window.add_room_button.isHidden() and page.remove_button.isHidden()
    with pytest.raises(RecordFinalizedError):
        insp_service.set_room_answer(ctx.db, stored.rooms[0].id, "boot_seconds", 20)
    final = insp_service.get_inspection(ctx.db, window.inspection_id)
    assert final.status == "finalized" and final.result == "pass" and final.ended_at is not None
    assert hotel_service.get_hotel(ctx.db, hotel.id).remediation_status == "compliant"


def test_failed_result_notice_then_reinspection_closes_case(
    qtbot: Any, ctx: AppContext, hotel: Any, team: Any
) -> None:
    iid = complete_draft(ctx, hotel.id, team, r301={"boot_seconds": 48}, r803={"ads_seen": "yes"})
    window = open_inspection_window(ctx, iid)
    assert isinstance(window, InspectionWindow)
    assert "不合格" in result_text(window)
    expected_deadline = clock.today() + timedelta(days=ctx.settings.get("notice_deadline_days"))

    def notice(dialog: QWidget) -> None:
        assert isinstance(dialog, NoticeDialog)
        assert len(dialog.items) == 2  # both failures prefilled
        assert dialog.deadline.date().toPython() == expected_deadline
        assert dialog.authority.text() == ctx.settings.get("authority")
        ads = next(n for n, i in enumerate(dialog.items) if i.item_key == "ads_seen")
        click(qtbot, dialog.ticks[ads])  # not on this notice
        boot = next(n for n, i in enumerate(dialog.items) if i.item_key == "boot_seconds")
        retype(qtbot, dialog.fixes[boot], "更换机顶盒,开机35秒内进入直播", enter=False)
        click(qtbot, dialog.issue_button)

    # Both failures need photo evidence: finalizing names them and opens the first where it can be fixed.
    def blocked(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        assert "301 房“开机至直播画面时间（秒）”不合格：须附照片或写明无法拍照的理由" in box.text()
        assert "803 房" in box.text()
        click(qtbot, box.buttons()[0])

    modals = Modals(blocked)
    click(qtbot, window.finalize_button)
    modals.check()
    assert insp_service.get_inspection(ctx.db, iid).status == "draft"
    boot_row = room_page(window, "301").form.rows["boot_seconds"]
    assert window.tabs.currentWidget() is room_page(window, "301")
    assert boot_row.reason_edit is not None and not boot_row.reason_edit.isHidden()
    assert window.focusWidget() is boot_row.reason_edit  # the cursor waits there
    type_into(qtbot, boot_row.reason_edit, "酒店不同意拍摄客房")
    qtbot.keyClick(boot_row.reason_edit, Qt.Key.Key_Return)
    page803 = room_page(window, "803")
    window.tabs.setCurrentWidget(page803)
    ads_row = page803.form.rows["ads_seen"]
    assert ads_row.reason_edit is not None
    retype(qtbot, ads_row.reason_edit, "广告已关闭，无法再现")
    stored = insp_service.get_inspection(ctx.db, iid)
    assert stored.evidence_note("boot_seconds", "301") == "酒店不同意拍摄客房"
    assert stored.evidence_note("ads_seen", "803") == "广告已关闭，无法再现"

    finalize_via_ui(qtbot, window, lambda box: click_text(qtbot, box, "下发整改通知…"), notice)
    assert ads_row.reason_edit.isReadOnly()  # finalized: read-only like every field
    notices = notice_service.list_notices(ctx.db, hotel_id=hotel.id)
    assert len(notices) == 1
    issued = notices[0]
    assert issued.status == "open" and issued.deadline == expected_deadline
    assert [(i.item_key, i.room, i.fix) for i in issued.items] == [
        ("boot_seconds", "301", "更换机顶盒,开机35秒内进入直播")
    ]
    assert issued.number in window.notice_label.text()
    assert window.notice_button.isHidden()  # issued once
    assert hotel_service.get_hotel(ctx.db, hotel.id).remediation_status == "rectifying"
    window.close()

    # The re-inspection starts from the notice, with the last team ticked again.
    modals = Modals(pick_team(qtbot, None))
    re_window = start_reinspection_flow(ctx, issued.id)
    modals.check()
    assert isinstance(re_window, InspectionWindow)
    view = re_window.view
    assert view is not None and view.kind == "reinspection" and view.notice_id == issued.id
    assert "复查" in re_window.kind_label.text() and issued.number in re_window.notice_label.text()
    assert sorted(p.room_number for p in re_window.room_pages.values()) == ["301", "502", "803"]
    # Each earlier failure beside its new answer, and listed with its state in the panel.
    boot_row = room_page(re_window, "301").form.rows["boot_seconds"]
    assert not boot_row.earlier.isHidden() and "48" in boot_row.earlier.text()
    assert "更换机顶盒" in boot_row.earlier.text()
    assert room_page(re_window, "502").form.rows["boot_seconds"].earlier.isHidden()
    assert "尚未复查" in re_window.verdict_panel.earlier.text()

    fill_everything(qtbot, re_window)
    assert "已整改" in re_window.verdict_panel.earlier.text()
    assert "合格" in result_text(re_window) and "不合格" not in result_text(re_window)
    finalize_via_ui(qtbot, re_window)
    closed = notice_service.get_notice(ctx.db, issued.id)
    assert closed.status == "closed" and closed.reinspection_id == re_window.inspection_id
    status = hotel_service.get_hotel(ctx.db, hotel.id).remediation_status
    assert lifecycle.status_label(status) == "已整改"
    assert "已关闭" in re_window.notice_label.text()


def test_draft_closed_mid_form_reopens_with_every_value(
    qtbot: Any, ctx: AppContext, hotel: Any, team: Any
) -> None:
    view = insp_service.start_inspection(ctx.db, hotel.id, team)
    window = open_inspection_window(ctx, view.id)
    assert isinstance(window, InspectionWindow)
    answer(qtbot, window.hotel_form, "tv_mode", "welcome")
    answer(qtbot, window.hotel_form, "licensed_source", "yes")
    page = add_room_via_dialog(qtbot, window, "1208", "双床房")
    click(qtbot, page.form.rows["ads_seen"].input.button("no"))
    # Typed, never committed: no Enter, no focus change, no idle pause before the window closes.
    type_into(qtbot, page.form.rows["boot_seconds"].input.edit, "27")
    type_into(qtbot, page.form.rows["room_notes"].input.edit, "遥控器电池没电")
    type_into(qtbot, window.hotel_form.rows["provider"].input.edit, "中国电信")
    retype(qtbot, window.phone_edit, "13800000000", enter=False)
    window.tabs.setCurrentWidget(window.conclusion)
    type_into(qtbot, window.findings_edit, "机顶盒开机较慢")
    retype(qtbot, page.floor_edit, "12A", enter=False)
    window.close()
    assert not open_windows()

    again = open_inspection_window(ctx, view.id)
    assert isinstance(again, InspectionWindow) and again is not window
    room = room_page(again, "1208")
    assert room.form.rows["boot_seconds"].input.edit.text() == "27"
    assert room.form.rows["room_notes"].input.edit.text() == "遥控器电池没电"
    assert room.form.rows["ads_seen"].input.value() == "no"
    assert room.floor_edit.text() == "12A" and room.type_combo.currentText() == "双床房"
    assert again.hotel_form.rows["provider"].input.edit.text() == "中国电信"
    assert again.hotel_form.rows["tv_mode"].input.value() == "welcome"
    assert again.hotel_form.rows["licensed_source"].input.value() == "yes"
    assert again.phone_edit.text() == "13800000000"
    assert again.findings_edit.toPlainText() == "机顶盒开机较慢"
    # Unanswered items look unanswered (empty with a placeholder), never 0.
    keys = room.form.rows["keys_to_live"].input
    assert isinstance(keys, LineInput) and keys.edit.text() == "" and keys.edit.placeholderText() == "未填"


def test_background_writer_keeps_order_and_close_waits(qtbot: Any, home: Path, qapp: QApplication) -> None:
    """With the real worker thread: edits saved in order, the indicator settles, closing loses nothing."""
    ctx = _open(home, synchronous=False)
    try:
        hotel = hotel_service.create_hotel(
            ctx.db, hotel_service.HotelInput(name="和顺客栈", division_code="530581"), ctx.divisions
        )
        team = [insp_service.add_inspector(ctx.db, n, e).id for n, e in (("王芳", "1"), ("赵强", "2"))]
        view = insp_service.start_inspection(ctx.db, hotel.id, team)
        insp_service.add_room(ctx.db, view.id, "101")
        window = open_inspection_window(ctx, view.id)
        assert isinstance(window, InspectionWindow)
        qtbot.waitUntil(lambda: window.view is not None, timeout=5000)
        page = room_page(window, "101")
        boot = page.form.rows["boot_seconds"].input
        for text in ("40", "41", "33"):
            retype(qtbot, boot.edit, text)
        click(qtbot, page.form.rows["first_channel_cctv1"].input.button("yes"))
        qtbot.waitUntil(lambda: window.save_label.text().startswith("已保存"), timeout=5000)
        assert window.view.rooms[0].answers["boot_seconds"] == 33
        type_into(qtbot, page.form.rows["room_notes"].input.edit, "last words")
        window.close()
        stored = insp_service.get_inspection(ctx.db, view.id).rooms[0].answers
        assert stored["boot_seconds"] == 33 and stored["room_notes"] == "last words"
        assert stored["first_channel_cctv1"] == "yes"
    finally:
        for w in open_windows():
            w.close()
        ctx.close()


def test_stopwatch_fills_boot_seconds(qtbot: Any, ctx: AppContext, hotel: Any, team: Any) -> None:
    view = insp_service.start_inspection(ctx.db, hotel.id, team)
    insp_service.add_room(ctx.db, view.id, "305")
    window = open_inspection_window(ctx, view.id)
    assert isinstance(window, InspectionWindow)
    page = room_page(window, "305")
    window.tabs.setCurrentWidget(page)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    row = page.form.rows["boot_seconds"]
    assert row.stopwatch is not None and row.stopwatch_button is not None

    # F5 starts when the TV's power button is pressed; F5 again when the live picture shows.
    page.form.rows["ads_seen"].input.setFocus()
    qtbot.keyClick(page.form.rows["ads_seen"].input, Qt.Key.Key_F5)
    assert row.stopwatch.is_running() and row.stopwatch_button.isChecked()
    qtbot.wait(350)
    assert "停止" in row.stopwatch_button.text()
    qtbot.keyClick(page.form.rows["ads_seen"].input, Qt.Key.Key_F5)
    assert not row.stopwatch.is_running()
    measured = insp_service.get_inspection(ctx.db, view.id).rooms[0].answers["boot_seconds"]
    assert 0.3 <= measured < 5
    assert float(row.input.edit.text()) == measured

    # Esc cancels a running stopwatch without writing anything.
    qtbot.keyClick(page.form.rows["ads_seen"].input, Qt.Key.Key_F5)
    assert row.stopwatch.is_running()
    qtbot.keyClick(page.form.rows["ads_seen"].input, Qt.Key.Key_Escape)
    assert not row.stopwatch.is_running()
    assert insp_service.get_inspection(ctx.db, view.id).rooms[0].answers["boot_seconds"] == measured

    # A typed value is replaced by a reading only when the inspector says so.
    retype(qtbot, row.input.edit, "65")
    assert insp_service.get_inspection(ctx.db, view.id).rooms[0].answers["boot_seconds"] == 65
    asked: list[str] = []

    def say_no(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        click_text(qtbot, box, _no_text(box))

    modals = Modals(say_no)
    click(qtbot, row.stopwatch_button)
    qtbot.wait(150)
    click(qtbot, row.stopwatch_button)
    qtbot.waitUntil(lambda: not modals.actions, timeout=3000)
    modals.check()
    assert "65" in asked[0]
    assert insp_service.get_inspection(ctx.db, view.id).rooms[0].answers["boot_seconds"] == 65
    assert row.input.edit.text() == "65"

    # Yes replaces it; the measurement can be corrected by hand afterwards.
    modals = Modals(lambda box: click_text(qtbot, box, _yes_text(box)))
    click(qtbot, row.stopwatch_button)
    qtbot.wait(150)
    click(qtbot, row.stopwatch_button)
    qtbot.waitUntil(lambda: not modals.actions, timeout=3000)
    modals.check()
    assert insp_service.get_inspection(ctx.db, view.id).rooms[0].answers["boot_seconds"] < 5
    retype(qtbot, row.input.edit, "36")
    assert insp_service.get_inspection(ctx.db, view.id).rooms[0].answers["boot_seconds"] == 36
    assert "不合格" in result_text(window)


def test_a_draft_with_two_answers_never_shows_pass(
    qtbot: Any, ctx: AppContext, hotel: Any, team: Any
) -> None:
    view = insp_service.start_inspection(ctx.db, hotel.id, team)
    insp_service.add_room(ctx.db, view.id, "305")
    window = open_inspection_window(ctx, view.id)
    assert isinstance(window, InspectionWindow)
    answer(qtbot, window.hotel_form, "licensed_source", "yes")
    page = room_page(window, "305")
    window.tabs.setCurrentWidget(page)
    answer(qtbot, page.form, "boot_seconds", 20)
    assert window.view is not None and window.view.verdict.result == "pass"  # every rule checked passed…
    assert result_text(window) == "暂无不合格项（未完成）"  # …but 合格 is not known yet
    assert "已填 2 /" in window.verdict_panel.summary.text()
    assert window.verdict_panel.result.property("provisional") is True
    answer(qtbot, page.form, "boot_seconds", 65)
    assert result_text(window) == "不合格"
    answer(qtbot, page.form, "boot_seconds", 20)
    assert "合格" not in result_text(window).replace("不合格项", "")


def _yes_text(box: QWidget) -> str:
    assert isinstance(box, QMessageBox)
    return box.button(QMessageBox.StandardButton.Yes).text().replace("&", "")


def _no_text(box: QWidget) -> str:
    assert isinstance(box, QMessageBox)
    return box.button(QMessageBox.StandardButton.No).text().replace("&", "")


def test_space_on_a_yes_no_item_never_touches_the_stopwatch(
    qtbot: Any, ctx: AppContext, hotel: Any, team: Any
) -> None:
    view = insp_service.start_inspection(ctx.db, hotel.id, team)
    room = insp_service.add_room(ctx.db, view.id, "305").rooms[0]
    insp_service.set_room_answer(ctx.db, room.id, "boot_seconds", "65")
    window = open_inspection_window(ctx, view.id)
    assert isinstance(window, InspectionWindow)
    page = room_page(window, "305")
    window.tabs.setCurrentWidget(page)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    row = page.form.rows["boot_seconds"]
    assert row.stopwatch is not None
    yes_no = page.form.rows["ads_seen"].input
    yes_no.setFocus()
    for _ in range(3):
        qtbot.keyClick(yes_no, Qt.Key.Key_Space)
        qtbot.wait(50)
    assert not row.stopwatch.is_running()
    assert insp_service.get_inspection(ctx.db, view.id).rooms[0].answers["boot_seconds"] == 65
    assert row.input.edit.text() == "65"
    # Space on the focused stopwatch button presses it, as any button.
    assert row.stopwatch_button is not None
    row.stopwatch_button.setFocus()
    qtbot.keyClick(row.stopwatch_button, Qt.Key.Key_Space)
    assert row.stopwatch.is_running()
    qtbot.keyClick(row.stopwatch_button, Qt.Key.Key_Escape)
    assert not row.stopwatch.is_running()


def test_ctrl_z_restores_the_previous_answer_and_history_shows_each(
    qtbot: Any, ctx: AppContext, hotel: Any, team: Any
) -> None:
    view = insp_service.start_inspection(ctx.db, hotel.id, team)
    insp_service.add_room(ctx.db, view.id, "305")
    window = open_inspection_window(ctx, view.id)
    assert isinstance(window, InspectionWindow)
    page = room_page(window, "305")
    window.tabs.setCurrentWidget(page)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)

    def stored() -> dict[str, Any]:
        return dict(insp_service.get_inspection(ctx.db, view.id).rooms[0].answers)

    answer(qtbot, page.form, "boot_seconds", 65)
    answer(qtbot, page.form, "ads_seen", "no")
    answer(qtbot, page.form, "ads_seen", "yes")
    assert stored()["ads_seen"] == "yes"
    target = page.form.rows["ads_seen"].input
    target.setFocus()
    qtbot.keyClick(target, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored()["ads_seen"] == "no" and target.value() == "no"
    qtbot.keyClick(target, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "ads_seen" not in stored() and target.value() is None
    qtbot.keyClick(target, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "boot_seconds" not in stored()
    assert page.form.rows["boot_seconds"].input.value() is None
    window.redo()
    assert stored()["boot_seconds"] == 65

    # The item's history, read from the audit trail: every value with its time and who.
    page.form.rows["ads_seen"].sig_history.emit()
    qtbot.waitUntil(lambda: bool(window.findChildren(QDialog, "answerHistory")), timeout=3000)
    dialog = window.findChildren(QDialog, "answerHistory")[0]
    table = dialog.table  # type: ignore[attr-defined]
    values = [table.item(r, 2).text() for r in range(table.rowCount())]
    assert values == ["否", "是", "否", "（清空）"], values
    assert table.item(0, 1).text() == "test"
    dialog.close()


def test_correction_makes_a_new_version_and_history_shows_both(
    qtbot: Any, ctx: AppContext, hotel: Any, team: Any
) -> None:
    iid = complete_draft(ctx, hotel.id, team)
    insp_service.finalize(ctx.db, iid)
    window = open_inspection_window(ctx, iid)
    assert isinstance(window, InspectionWindow)
    assert not window.is_editable()
    opened: list[InspectionWindow] = []
    window.sig_opened.connect(opened.append)
    modals = Modals(lambda box: click_text(qtbot, box, "更正"))
    click(qtbot, window.correct_button)
    modals.check()
    assert len(opened) == 1
    new = opened[0]
    assert new.view is not None and new.view.supersedes_id == iid and new.is_editable()
    assert new.view.record_number == insp_service.get_inspection(ctx.db, iid).record_number
    assert "更正" in new.record_label.text()
    assert len(new.history_menu.actions()) == 2
    assert [a.isChecked() for a in new.history_menu.actions()] == [False, True]

    # The original, opened again while its correction is a draft: still the record in force (not marked
    # 已被更正), 更正 not offered a second time, and the hint points at 版本记录 instead.
    window.close()
    again = open_inspection_window(ctx, iid)
    assert isinstance(again, InspectionWindow) and again is not window
    qtbot.waitUntil(lambda: again.view is not None and "版本记录" in again.statusBar().currentMessage())
    assert again.status_badge.property("status") == "finalized" and again.correct_button.isHidden()
    again.close()

    page = room_page(new, "502")
    new.tabs.setCurrentWidget(page)
    answer(qtbot, page.form, "picture_quality", "fair")
    fill_header_and_conclusion(qtbot, new)
    finalize_via_ui(qtbot, new)
    versions = insp_service.history(ctx.db, new.inspection_id)
    assert [(v.status, v.superseded) for v in versions] == [("finalized", True), ("finalized", False)]
    old = insp_service.get_inspection(ctx.db, iid)
    assert old.rooms[1].answers["picture_quality"] == "good"  # the original is untouched
    assert new.correct_button.isVisible() or not new.correct_button.isHidden()
    assert (
        "(已被更正)" in new.history_menu.actions()[0].text()
        or "已被更正" in new.history_menu.actions()[0].text()
    )

    # The older version opens read-only from the history.
    new.history_menu.actions()[0].trigger()
    older = next(w for w in open_windows() if w.inspection_id == iid)
    assert not older.is_editable() and older.correct_button.isHidden()
    assert older.status_badge.property("status") == "superseded"


def test_finalize_refused_while_incomplete_lists_what_is_missing(
    qtbot: Any, ctx: AppContext, hotel: Any, team: Any
) -> None:
    view = insp_service.start_inspection(ctx.db, hotel.id, team)
    window = open_inspection_window(ctx, view.id)
    assert isinstance(window, InspectionWindow)
    texts: list[str] = []

    def read_and_close(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        texts.append(box.text())
        click(qtbot, box.buttons()[0])

    modals = Modals(read_and_close)
    click(qtbot, window.finalize_button)
    modals.check()
    assert "还需抽查 3 间客房" in texts[0] and "已出示执法证件" in texts[0]
    assert window.is_editable()
    assert insp_service.get_inspection(ctx.db, view.id).status == "draft"
    assert window.ids_shown.hasFocus() or window.focusWidget() is window.ids_shown


def test_finalize_refuses_an_end_time_typed_before_the_start(
    qtbot: Any, ctx: AppContext, hotel: Any, team: Any
) -> None:
    """The end typed in the header's time field before the start: the side panel and the finalize box
    say so in the core's words (the importer's), the cursor goes to the end time, the draft stays."""
    from PySide6.QtCore import QDateTime

    from tests.core.conftest import fill_inspection

    view = fill_inspection(ctx.db, insp_service.start_inspection(ctx.db, hotel.id, team).id, MODE)
    window = open_inspection_window(ctx, view.id)
    assert isinstance(window, InspectionWindow)
    assert view.started_at is not None
    start = clock.bureau_time(view.started_at).replace(tzinfo=None, second=0, microsecond=0)
    early = QDateTime.fromString(f"{start - timedelta(hours=2):%Y-%m-%dT%H:%M:00}", Qt.DateFormat.ISODate)
    window.header.end_edit.setDateTime(early)
    window.header.end_edit.editingFinished.emit()
    stored = insp_service.get_inspection(ctx.db, view.id).ended_at
    assert stored is not None and stored < view.started_at  # a draft may hold it while being edited
    texts: list[str] = []

    def read_and_close(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        texts.append(box.text())
        click(qtbot, box.buttons()[0])

    modals = Modals(read_and_close)
    click(qtbot, window.finalize_button)
    modals.check()
    assert "早于开始时间" in texts[0] and "the end is before" not in texts[0], texts
    assert "早于开始时间" in re.sub(r"<[^>]+>", "", window.verdict_panel.missing.text())
    assert insp_service.get_inspection(ctx.db, view.id).status == "draft"
    assert window.focusWidget() is window.header.end_edit or window.header.end_edit.hasFocus()


def test_keyboard_answers_applies_when_invalid_input(
    qtbot: Any, ctx: AppContext, hotel: Any, team: Any
) -> None:
    view = insp_service.start_inspection(ctx.db, hotel.id, team)
    insp_service.add_room(ctx.db, view.id, "201")
    window = open_inspection_window(ctx, view.id)
    assert isinstance(window, InspectionWindow)
    page = room_page(window, "201")
    window.tabs.setCurrentWidget(page)
    rows = page.form.rows

    # Y / N answer a yes/no item and move on to the next input.
    rows["first_channel_cctv1"].input.setFocus()
    qtbot.keyClick(rows["first_channel_cctv1"].input, Qt.Key.Key_Y)
    qtbot.keyClick(rows["ads_seen"].input, Qt.Key.Key_N)
    answers = insp_service.get_inspection(ctx.db, view.id).rooms[0].answers
    assert answers["first_channel_cctv1"] == "yes" and answers["ads_seen"] == "no"
    qtbot.keyClick(rows["ads_seen"].input, Qt.Key.Key_Delete)
    assert "ads_seen" not in insp_service.get_inspection(ctx.db, view.id).rooms[0].answers
    # Clicking the chosen answer again takes it back.
    click(qtbot, rows["first_channel_cctv1"].input.button("yes"))
    assert "first_channel_cctv1" not in insp_service.get_inspection(ctx.db, view.id).rooms[0].answers

    # Welcome-page items do not apply to a hotel that boots straight to live TV.
    focus_row = rows["welcome_default_focus_live"]
    assert focus_row.input.isEnabled()
    answer(qtbot, window.hotel_form, "tv_mode", "direct_live")
    assert not focus_row.input.isEnabled() and "不适用" in focus_row.status.text()
    answer(qtbot, window.hotel_form, "tv_mode", "welcome")
    assert focus_row.input.isEnabled()

    # What cannot be an answer is refused beside the field and not saved.
    retype(qtbot, rows["remotes_needed"].input.edit, "abc")
    assert "未保存" in rows["remotes_needed"].status.text()
    assert "remotes_needed" not in insp_service.get_inspection(ctx.db, view.id).rooms[0].answers
    retype(qtbot, rows["remotes_needed"].input.edit, "两个")
    assert insp_service.get_inspection(ctx.db, view.id).rooms[0].answers["remotes_needed"] == 2
    assert (
        "不符合" in rows["remotes_needed"].status.text()
        and "一个遥控器" in rows["remotes_needed"].status.text()
    )


def test_team_dialog_adds_an_inspector_inline(qtbot: Any, ctx: AppContext, hotel: Any, team: Any) -> None:
    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, TeamDialog)
        assert not dialog.ok_button.isEnabled()  # nobody ticked yet, and at least two are needed
        type_into(qtbot, dialog.new_name, "段云")
        type_into(qtbot, dialog.new_id, "53052419005")
        click(qtbot, dialog.add_button)
        assert not dialog.ok_button.isEnabled()  # one ticked
        dialog.list.setCurrentRow(0)
        qtbot.keyClick(dialog.list.viewport(), Qt.Key.Key_Space)
        assert dialog.ok_button.isEnabled()
        click(qtbot, dialog.ok_button)

    modals = Modals(act)
    window = start_inspection_flow(ctx, hotel.id)
    modals.check()
    assert isinstance(window, InspectionWindow)
    assert window.view is not None and {i.name for i in window.view.inspectors} == {"段云", "张明"}
    assert "段云" in window.team_label.text()

    # Cancelling the team dialog starts nothing.
    modals = Modals(lambda d: click_text(qtbot, d, "取消"))
    assert start_inspection_flow(ctx, hotel.id) is None
    modals.check()
    assert len(insp_service.list_inspections(ctx.db, hotel_id=hotel.id)) == 1

    # The hotel has a draft: the dialog offers to continue it rather than start a second one.
    record_number = insp_service.list_inspections(ctx.db, hotel_id=hotel.id)[0].record_number
    window.close()

    def resume(dialog: QWidget) -> None:
        assert isinstance(dialog, TeamDialog) and not dialog.draft_box.isHidden()
        assert record_number in dialog.draft_label.text()
        # 继续草稿 is the default: Enter continues the draft, a second draft takes a deliberate click.
        assert dialog.resume_button.isDefault() and not dialog.ok_button.isDefault()
        qtbot.keyClick(dialog, Qt.Key.Key_Return)

    modals = Modals(resume)
    again = start_inspection_flow(ctx, hotel.id)
    modals.check()
    assert isinstance(again, InspectionWindow) and again.view is not None
    assert again.view.record_number == record_number
    assert len(insp_service.list_inspections(ctx.db, hotel_id=hotel.id)) == 1


def test_room_rename_remove_and_signature_pad(qtbot: Any, ctx: AppContext, hotel: Any, team: Any) -> None:
    view = insp_service.start_inspection(ctx.db, hotel.id, team)
    insp_service.add_room(ctx.db, view.id, "101")
    insp_service.add_room(ctx.db, view.id, "102")
    window = open_inspection_window(ctx, view.id)
    assert isinstance(window, InspectionWindow)

    page = room_page(window, "101")
    retype(qtbot, page.number_edit, "102")  # already sampled: refused, the stored number comes back
    assert page.number_edit.text() == "101" and not window.banner.isHidden()
    retype(qtbot, page.number_edit, "105")
    assert window.tabs.tabText(window.tabs.indexOf(page)) == "105 房"
    numbers = sorted(r.room_number for r in insp_service.get_inspection(ctx.db, view.id).rooms)
    assert numbers == ["102", "105"]

    modals = Modals(lambda box: click_text(qtbot, box, "删除"))
    click(qtbot, room_page(window, "102").remove_button)
    modals.check()
    assert [p.room_number for p in window.room_pages.values()] == ["105"]
    assert [r.room_number for r in insp_service.get_inspection(ctx.db, view.id).rooms] == ["105"]

    # The hotel's signatory signs on the pad: strokes are stored as points with the pad's size.
    window.tabs.setCurrentWidget(window.conclusion)

    def sign(dialog: QWidget) -> None:
        assert isinstance(dialog, SignatureDialog)
        pad = dialog.pad
        qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(40, 100))
        for x in range(50, 200, 10):
            qtbot.mouseMove(pad, QPoint(x, 100 + (x % 30)))
        qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(200, 110))
        click_text(qtbot, dialog, "确认签名")

    modals = Modals(sign)
    click(qtbot, window.signature_slots["hotel"].sign_button)
    modals.check()
    stored = insp_service.get_inspection(ctx.db, view.id).signatures["hotel"]
    assert len(stored["strokes"]) == 1 and len(stored["strokes"][0]) >= 10
    assert stored["w"] > 0 and stored["h"] > 0
    assert window.signature_slots["hotel"].preview.data == stored
    click(qtbot, window.signature_slots["hotel"].clear_button)
    assert "hotel" not in insp_service.get_inspection(ctx.db, view.id).signatures


def test_text_fields_save_after_an_idle_pause(qtbot: Any, ctx: AppContext, hotel: Any, team: Any) -> None:
    view = insp_service.start_inspection(ctx.db, hotel.id, team)
    window = open_inspection_window(ctx, view.id)
    assert isinstance(window, InspectionWindow)
    window.tabs.setCurrentWidget(window.conclusion)
    type_into(qtbot, window.opinion_edit, "对检查结果无异议")
    assert insp_service.get_inspection(ctx.db, view.id).hotel_opinion in (None, "")
    qtbot.waitUntil(
        lambda: insp_service.get_inspection(ctx.db, view.id).hotel_opinion == "对检查结果无异议", timeout=3000
    )
    assert isinstance(window.opinion_edit, QPlainTextEdit)


def test_what_blocks_finalizing_is_worded_from_the_cores_codes(
    qtbot: Any, ctx: AppContext, hotel: Any, team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The side panel words each blocker from its code; the team minimum is the domain's one constant."""
    from hoteltv.domain import lifecycle

    monkeypatch.setattr(lifecycle, "MIN_INSPECTORS", 3)  # the GUI follows the constant, not a "2" of its own
    view = insp_service.start_inspection(ctx.db, hotel.id, team)
    window = open_inspection_window(ctx, view.id)
    assert isinstance(window, InspectionWindow)
    qtbot.waitUntil(lambda: window.view is not None, timeout=5000)
    shown = re.sub(r"<[^>]+>", "", window.verdict_panel.missing.text())
    assert "至少需要 3 名检查人员" in shown
    assert f"还需抽查 {window.view.verdict.rooms_short} 间客房" in shown
    assert "勾选“已出示执法证件”" in shown and "填写被检查单位签字人" in shown
    assert "unanswered" not in shown and "(" not in shown  # no core message leaks through
    window.close()
    from ui.inspection.team import TeamDialog

    dialog = TeamDialog(ctx, None, selected=team)  # two ticked: one short of three
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
