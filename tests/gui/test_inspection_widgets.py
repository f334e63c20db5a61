"""The inspection window's parts on their own: inputs built from any template's data, the stopwatch, the
signature pad, the add-room dialog, the photo slot hook, and a team change redrawing the signers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from hoteltv.domain.checklist import parse_template
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from ui.context import AppContext
from ui.inspection import open_inspection_window, open_windows, set_photo_strip_factory
from ui.inspection.inputs import ComboInput, LineInput, SegmentedInput, TextWatcher
from ui.inspection.items import ItemsForm
from ui.inspection.room import AddRoomDialog
from ui.inspection.signature import SignaturePad
from ui.inspection.stopwatch import Stopwatch
from ui.inspection.window import InspectionWindow
from ui.worker import JobRunner

OTHER_TEMPLATE = {
    "format": "hoteltv-checklist/1",
    "id": "other_city",
    "version": 3,
    "title": {"zh": "别的城市", "en": "Another city"},
    "min_rooms": 1,
    "items": [
        {
            "key": "decoder",
            "scope": "hotel",
            "label": {"zh": "解码方式", "en": "Decoder"},
            "type": "choice",
            "choices": [{"key": "a", "zh": "甲", "en": "A"}, {"key": "b", "zh": "乙", "en": "B"}],
        },
        {
            "key": "wait_s",
            "scope": "room",
            "label": {"zh": "等待时间", "en": "Wait"},
            "type": "seconds",
            "pass": {"max": 10},
            "severity": "minor",
            "rule_text": {"zh": "不超过10秒", "en": "10 s at most"},
        },
        {
            "key": "hdmi_ok",
            "scope": "room",
            "label": {"zh": "HDMI正常", "en": "HDMI"},
            "type": "yes_no",
            "na_allowed": True,
            "pass": {"in": ["yes", "na"]},
            "severity": "critical",
            "rule_text": {"zh": "HDMI须正常", "en": "HDMI works"},
        },
        {"key": "menu_keys", "scope": "room", "label": {"zh": "菜单按键", "en": "Keys"}, "type": "count"},
        {
            "key": "brand",
            "scope": "room",
            "label": {"zh": "品牌", "en": "Brand"},
            "type": "choice",
            "choices": [{"key": k, "zh": k.upper(), "en": k} for k in ("p", "q", "r", "s", "t")],
        },
        {
            "key": "memo",
            "scope": "room",
            "label": {"zh": "备注", "en": "Memo"},
            "type": "text",
            "required": False,
        },
    ],
}


@pytest.fixture
def ctx(home: Path, qapp: QApplication) -> Iterator[AppContext]:
    runner = JobRunner()
    runner.synchronous = True
    context = AppContext.open(home, runner)
    yield context
    for window in open_windows():
        window.close()
    set_photo_strip_factory(None)
    context.close()


def ime_commit(widget: QWidget, text: str) -> None:
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _draft(ctx: AppContext, rooms: int = 1) -> insp_service.InspectionView:
    hotel = hotel_service.create_hotel(
        ctx.db, hotel_service.HotelInput(name="龙山宾馆", division_code="530523"), ctx.divisions
    )
    team = [
        insp_service.add_inspector(ctx.db, n, e).id
        for n, e in (("王芳", "11"), ("赵强", "12"), ("尹文斌", "13"))
    ]
    view = insp_service.start_inspection(ctx.db, hotel.id, team[:2])
    for n in range(rooms):
        view = insp_service.add_room(ctx.db, view.id, f"{n + 2}01")
    return view


def test_inputs_follow_any_templates_data(qtbot: Any) -> None:
    template = parse_template(OTHER_TEMPLATE, "test")
    form = ItemsForm(template, template.room_items, "zh", lambda w: w)
    qtbot.addWidget(form)
    assert list(form.rows) == ["wait_s", "hdmi_ok", "menu_keys", "brand", "memo"]
    assert isinstance(form.rows["wait_s"].input, LineInput) and form.rows["wait_s"].input.unit is not None
    hdmi = form.rows["hdmi_ok"].input
    assert isinstance(hdmi, SegmentedInput) and hdmi.button("na").text() == "不适用"
    assert isinstance(form.rows["menu_keys"].input, LineInput)
    assert isinstance(form.rows["brand"].input, ComboInput)  # five choices: a list, not buttons
    assert isinstance(form.rows["memo"].input, LineInput)
    answers: list[tuple[str, object]] = []
    form.sig_answer.connect(lambda key, raw: answers.append((key, raw)))
    qtbot.keyClick(hdmi, Qt.Key.Key_A)
    ime_commit(form.rows["wait_s"].input.edit, "1分05秒")  # as an input method types it
    qtbot.keyClick(form.rows["wait_s"].input.edit, Qt.Key.Key_Return)
    assert answers == [("hdmi_ok", "na"), ("wait_s", "1分05秒")]
    assert form.rows["wait_s"].input.edit.text() == "65"
    hotel_form = ItemsForm(template, template.hotel_items, "zh", lambda w: w)
    qtbot.addWidget(hotel_form)
    decoder = hotel_form.rows["decoder"].input
    assert isinstance(decoder, SegmentedInput) and decoder.button("b").text() == "乙"


def test_line_input_commits_after_a_pause_and_on_flush(qtbot: Any) -> None:
    template = parse_template(OTHER_TEMPLATE, "test")
    form = ItemsForm(template, template.room_items, "zh", lambda w: w)
    qtbot.addWidget(form)
    memo = form.rows["memo"].input
    assert isinstance(memo, LineInput)
    answers: list[object] = []
    memo.sig_answer.connect(answers.append)
    (watcher,) = memo.watchers()
    qtbot.keyClicks(memo.edit, "abc")
    assert answers == [] and watcher.pending()
    qtbot.waitUntil(lambda: answers == ["abc"], timeout=2000)
    qtbot.keyClicks(memo.edit, "d")
    watcher.flush()
    assert answers == ["abc", "abcd"] and not watcher.pending()
    memo.edit.clear()
    memo.edit.textEdited.emit("")
    watcher.flush()
    assert answers[-1] is None  # emptied: the answer is cleared, not saved as ""


def test_stopwatch_measures_with_its_clock(qtbot: Any) -> None:
    now = [1000]
    stopwatch = Stopwatch(clock=lambda: now[0])
    measured: list[float] = []
    stopwatch.sig_measured.connect(measured.append)
    stopwatch.toggle()
    now[0] += 35_449
    assert stopwatch.elapsed() == pytest.approx(35.449)
    stopwatch.toggle()
    assert measured == [35.4] and not stopwatch.is_running()
    stopwatch.start()
    stopwatch.cancel()
    assert measured == [35.4]


def test_signature_pad_records_strokes(qtbot: Any) -> None:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(600, 200)
    assert pad.is_empty()
    for y in (50, 120):
        qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(20, y))
        qtbot.mouseMove(pad, QPoint(80, y + 10))
        qtbot.mouseMove(pad, QPoint(140, y - 5))
        qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(140, y - 5))
    data = pad.to_data("杨经理")
    assert len(data["strokes"]) == 2 and data["strokes"][0][0] == [20.0, 50.0]
    assert (data["w"], data["h"], data["name"]) == (600, 200, "杨经理")
    pad.clear()
    assert pad.is_empty()


def test_add_room_dialog_guesses_the_floor_and_refuses_a_sampled_room(qtbot: Any) -> None:
    dialog = AddRoomDialog({"305"})
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.number, "1208")
    assert dialog.floor.text() == "12" and dialog.ok_button.isEnabled()
    dialog.number.clear()
    qtbot.keyClicks(dialog.number, "305")
    assert not dialog.ok_button.isEnabled() and "305" in dialog.error.text()
    dialog.number.clear()
    dialog.floor.clear()
    qtbot.keyClicks(dialog.floor, "B1")
    qtbot.keyClicks(dialog.number, "8")
    assert dialog.floor.text() == "B1"  # typed by hand: not guessed over
    assert dialog.values() == ("8", "B1", "标准间")


def test_photo_slots_open_for_failed_items_and_rooms(qtbot: Any, ctx: AppContext) -> None:
    made: list[tuple[str, str | None, str | None]] = []

    def factory(
        _ctx: Any, inspection_id: str, room_id: str | None, item_key: str | None, parent: QWidget
    ) -> QWidget:
        made.append((inspection_id, room_id, item_key))
        return QLabel(f"photos of {item_key}", parent)

    set_photo_strip_factory(factory)
    view = _draft(ctx)
    room_id = view.rooms[0].id
    window = open_inspection_window(ctx, view.id)
    assert isinstance(window, InspectionWindow)
    page = window.room_pages[room_id]
    assert made == []  # a room's items (and photo slots) are built when its page is first shown
    window.tabs.setCurrentWidget(page)
    assert made == [(view.id, room_id, None)]  # each room has its own strip
    row = page.form.rows["ads_seen"]
    assert row.photo_slot.isHidden()
    qtbot.mouseClick(row.input.button("yes"), Qt.MouseButton.LeftButton)  # ads seen: a failure
    assert not row.photo_slot.isHidden() and made[-1] == (view.id, room_id, "ads_seen")
    qtbot.mouseClick(row.input.button("no"), Qt.MouseButton.LeftButton)
    assert row.photo_slot.isHidden()


def test_team_change_redraws_the_signers(qtbot: Any, ctx: AppContext) -> None:
    view = _draft(ctx)
    window = open_inspection_window(ctx, view.id)
    assert isinstance(window, InspectionWindow)
    assert len(window.signature_slots) == 3  # two inspectors and the hotel
    everyone = [i.id for i in insp_service.list_inspectors(ctx.db)]
    window.autosaver.save("team", lambda db: insp_service.set_team(db, view.id, everyone))
    assert len(window.signature_slots) == 4
    assert [s.label.text() for s in window.signature_slots.values()][-1].startswith("被检查单位")
    assert "尹文斌" in window.team_label.text()


def test_text_watcher_commits_a_plain_text_edit_when_focus_leaves(qtbot: Any) -> None:
    from PySide6.QtGui import QFocusEvent
    from PySide6.QtWidgets import QPlainTextEdit

    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    watcher = TextWatcher(edit)
    commits: list[bool] = []
    watcher.sig_commit.connect(commits.append)
    edit.setPlainText("意见")
    assert watcher.pending()
    QApplication.sendEvent(edit, QFocusEvent(QFocusEvent.Type.FocusOut))
    assert commits == [True] and not watcher.pending()
