"""One sampled room: its number, floor and type, the per-room items, the stopwatch and a photo slot.

The main stopwatch (the template's ``boot_seconds`` item, or its first ``seconds`` room item) runs on F5
(the window's shortcut) or its own button; Esc cancels. Space is left to Qt: it presses the focused button,
so it can never start the stopwatch or change a measurement in passing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hoteltv.domain.checklist import ChecklistTemplate
from hoteltv.domain.rooms import ROOM_TYPES, room_type_label
from hoteltv.domain.rules import ItemOutcome
from hoteltv.services.inspections import RoomView
from hoteltv.services.notices import NoticeItem
from ui.dialog_parts import error_line, ok_cancel
from ui.inspection.inputs import TextWatcher
from ui.inspection.items import ItemRow, ItemsForm
from ui.inspection.stopwatch import Stopwatch

MAIN_STOPWATCH_ITEM = "boot_seconds"
"""The item the main stopwatch fills ("power-on to live picture"); any seconds item is the fallback."""


def room_types(lang: str) -> list[str]:
    """Suggestions for the room type field, in ``lang`` (free text is allowed; the core stores keys)."""
    return [room_type_label(key, lang) for key, _zh, _en in ROOM_TYPES]


def floor_from_number(number: str) -> str:
    """A guess that people correct when wrong: room "1208" is on floor 12, "305" on floor 3."""
    digits = number.strip()
    return digits[:-2] if digits.isdigit() and len(digits) >= 3 else ""


class RoomPage(QWidget):
    """The page of one room in the inspection window's tabs."""

    sig_answer = Signal(str, str, object)
    """(room id, item key, raw answer)."""
    sig_room_field = Signal(str, str, str)
    """(room id, "room_number" | "floor" | "room_type", new text)."""
    sig_remove = Signal(str)
    sig_changed = Signal(str, str, object, object)
    """(room id, item key, previous value, new value) after each answer the user gave (for undo)."""
    sig_history = Signal(str, str)
    """(room id, item key) whose history the user asked for."""
    sig_evidence_reason = Signal(str, str, str)
    """(room id, item key, reason for having no photo)."""

    def __init__(
        self,
        room: RoomView,
        template: ChecklistTemplate,
        lang: str,
        track: Callable[[TextWatcher], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.room_id = room.id
        self.room_number = room.room_number
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(4)

        bar = QHBoxLayout()
        bar.setContentsMargins(8, 0, 8, 0)
        self.number_edit = QLineEdit(room.room_number, self)
        self.number_edit.setFixedWidth(90)
        self.floor_edit = QLineEdit(room.floor or "", self)
        self.floor_edit.setFixedWidth(60)
        self.floor_edit.setPlaceholderText(self.tr("未填"))
        self.type_combo = QComboBox(self)
        self.type_combo.setEditable(True)
        self.type_combo.addItems(room_types(lang))
        self.type_combo.setCurrentText(room_type_label(room.room_type, lang))
        line = self.type_combo.lineEdit()  # an editable combo always has one
        assert line is not None
        self.type_line: QLineEdit = line
        self.type_line.setPlaceholderText(self.tr("未填"))
        self.type_combo.setMinimumWidth(120)
        for label, widget in (
            (self.tr("房间号"), self.number_edit),
            (self.tr("楼层"), self.floor_edit),
            (self.tr("房型"), self.type_combo),
        ):
            caption = QLabel(label, self)
            caption.setBuddy(widget)
            bar.addWidget(caption)
            bar.addWidget(widget)
            bar.addSpacing(10)
        bar.addStretch(1)
        self.hint = QLabel(self.tr("F5：开机计时    Y / N / A：是 / 否 / 不适用"), self)
        self.hint.setObjectName("hintText")
        bar.addWidget(self.hint)
        bar.addSpacing(12)
        self.remove_button = QPushButton(self.tr("删除此房间…"), self)
        self.remove_button.setObjectName("quietButton")
        self.remove_button.clicked.connect(lambda: self.sig_remove.emit(self.room_id))
        bar.addWidget(self.remove_button)
        layout.addLayout(bar)

        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(self.scroll_area, 1)
        self.photo_slot = QWidget(self)
        self.photo_slot.setObjectName("roomPhotoSlot")
        self._slot_layout = QHBoxLayout(self.photo_slot)
        self._slot_layout.setContentsMargins(8, 4, 8, 8)
        self.photo_slot.hide()

        # The items are built when the page is first shown (or asked for): a window with many rooms
        # opens at once. Until then the page keeps what it would show.
        self._template = template
        self._lang = lang
        self._track = track
        self._answers = dict(room.answers)
        self._outcomes: dict[str, ItemOutcome] = {}
        self._earlier: dict[str, NoticeItem] = {}
        self._reasons: dict[str, str] = {}
        self._editable = True
        self._make_strip: Callable[[str | None], QWidget | None] | None = None
        self._room_strip: QWidget | None = None
        self._form: ItemsForm | None = None
        self.main_stopwatch: Stopwatch | None = None
        self._main_row: ItemRow | None = None

        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.cancel_stopwatches)

        # A room number is renamed after a longer pause, so "305" is not saved as "3", "30" on the way.
        self._number_watch = track(TextWatcher(self.number_edit, idle_ms=1500))
        assert isinstance(self._number_watch, TextWatcher)
        self._number_watch.sig_commit.connect(lambda _f: self._field("room_number"))
        self._floor_watch = track(TextWatcher(self.floor_edit))
        assert isinstance(self._floor_watch, TextWatcher)
        self._floor_watch.sig_commit.connect(lambda _f: self._field("floor"))
        self._type_watch = track(TextWatcher(self.type_line))
        assert isinstance(self._type_watch, TextWatcher)
        self._type_watch.sig_commit.connect(lambda _f: self._field("room_type"))
        self.type_combo.activated.connect(lambda _i: self._field("room_type"))
        self._saved = {
            "room_number": room.room_number,
            "floor": room.floor or "",
            "room_type": room_type_label(room.room_type, lang),
        }

    # --- the items, built on first need --------------------------------------------------------
    @property
    def form(self) -> ItemsForm:
        """The room's items (built now if the page was never shown)."""
        if self._form is None:
            self._build_form()
        assert self._form is not None
        return self._form

    @property
    def built(self) -> bool:
        return self._form is not None

    @property
    def main_row(self) -> ItemRow | None:
        """The item the main stopwatch fills."""
        self.form  # noqa: B018 (builds the items)
        return self._main_row

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        self.form  # noqa: B018 (builds the items)
        super().showEvent(event)

    def _build_form(self) -> None:
        body = QWidget(self.scroll_area)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        form = ItemsForm(self._template, self._template.room_items, self._lang, self._track, body)
        self._form = form
        form.set_answers(self._answers)
        form.sig_answer.connect(lambda key, raw: self.sig_answer.emit(self.room_id, key, raw))
        form.sig_changed.connect(lambda key, old, new: self.sig_changed.emit(self.room_id, key, old, new))
        form.sig_history.connect(lambda key: self.sig_history.emit(self.room_id, key))
        form.sig_evidence_reason.connect(
            lambda key, text: self.sig_evidence_reason.emit(self.room_id, key, text)
        )
        body_layout.addWidget(form)
        self.photo_slot.setParent(body)
        body_layout.addWidget(self.photo_slot)
        body_layout.addStretch(1)

        # Stopwatches: the main one is bound to keys; every seconds item gets its own button.
        seconds_rows = form.seconds_rows()
        main_row = next((r for r in seconds_rows if r.item.key == MAIN_STOPWATCH_ITEM), None)
        self._main_row = main_row or (seconds_rows[0] if seconds_rows else None)
        for row in seconds_rows:
            stopwatch = row.add_stopwatch("F5" if row is self._main_row else "")
            if row is self._main_row:
                self.main_stopwatch = stopwatch

        form.apply_outcomes(self._outcomes)
        form.set_earlier(self._earlier)
        form.set_reasons(self._reasons)
        form.set_editable(self._editable)
        self._update_photo_slots()
        self.scroll_area.setWidget(body)

    # --- room fields ----------------------------------------------------------------------------
    def _field(self, name: str) -> None:
        text = {
            "room_number": self.number_edit.text,
            "floor": self.floor_edit.text,
            "room_type": self.type_combo.currentText,
        }[name]().strip()
        if text == self._saved[name]:
            return
        if name == "room_number" and not text:
            self.number_edit.setText(self._saved[name])  # a room keeps a number
            return
        self._saved[name] = text
        self.sig_room_field.emit(self.room_id, name, text)

    def revert_number(self, number: str) -> None:
        """The core refused a new room number: show the stored one again."""
        self._saved["room_number"] = number
        self.number_edit.setText(number)

    def set_room(self, room: RoomView) -> None:
        self.room_number = room.room_number
        self._saved["room_number"] = room.room_number
        if not self.number_edit.hasFocus():
            self.number_edit.setText(room.room_number)

    # --- stopwatch ------------------------------------------------------------------------------
    def toggle_main_stopwatch(self) -> None:
        row = self.main_row  # builds the items if needed
        if self.main_stopwatch is not None and row is not None and row.input.is_editable():
            if not self.main_stopwatch.is_running():
                self.scroll_area.ensureWidgetVisible(row)
            self.main_stopwatch.toggle()

    def cancel_stopwatches(self) -> None:
        if self._form is None:
            return
        for row in self._form.seconds_rows():
            if row.stopwatch is not None:
                row.stopwatch.cancel()

    # --- state ----------------------------------------------------------------------------------
    def apply_outcomes(self, outcomes: dict[str, ItemOutcome]) -> None:
        self._outcomes = outcomes
        if self._form is not None:
            self._form.apply_outcomes(outcomes)

    def set_reasons(self, reasons: dict[str, str]) -> None:
        """The stored reasons for missing photos of this room's items, by item key."""
        self._reasons = reasons
        if self._form is not None:
            self._form.set_reasons(reasons)

    def set_earlier(self, items: dict[str, NoticeItem]) -> None:
        self._earlier = items
        if self._form is not None:
            self._form.set_earlier(items)

    def update_photo_slots(self, make_strip: Callable[[str | None], QWidget | None] | None) -> None:
        """``make_strip(item_key)`` makes a photo strip for an item, or with None for the whole room."""
        self._make_strip = make_strip
        if self._form is not None:
            self._update_photo_slots()

    def _update_photo_slots(self) -> None:
        assert self._form is not None
        self._form.update_photo_slots(self._make_strip)
        if self._make_strip is not None and self._room_strip is None:
            self._room_strip = self._make_strip(None)
            if self._room_strip is not None:
                self._slot_layout.addWidget(self._room_strip)
                self.photo_slot.show()

    def set_editable(self, editable: bool) -> None:
        self._editable = editable
        if self._form is not None:
            self._form.set_editable(editable)
        for edit in (self.number_edit, self.floor_edit, self.type_line):
            edit.setReadOnly(not editable)
        self.type_combo.setEnabled(editable)
        self.remove_button.setVisible(editable)
        self.hint.setVisible(editable)
        if not editable:
            self.cancel_stopwatches()


class AddRoomDialog(QDialog):
    """Room number (required, not yet sampled), floor (guessed from the number) and room type."""

    def __init__(self, taken: set[str], parent: QWidget | None = None, lang: str = "zh") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("添加抽查房间"))
        self._taken = taken
        self._floor_touched = False
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.number = QLineEdit(self)
        self.number.setPlaceholderText(self.tr("如 305"))
        self.floor = QLineEdit(self)
        self.floor.textEdited.connect(self._floor_edited)
        self.room_type = QComboBox(self)
        self.room_type.setEditable(True)
        self.room_type.addItems(room_types(lang))
        self.room_type.setCurrentIndex(0)
        form.addRow(self.tr("房间号"), self.number)
        form.addRow(self.tr("楼层"), self.floor)
        form.addRow(self.tr("房型"), self.room_type)
        layout.addLayout(form)
        self.error = error_line(self, wrap=False)
        layout.addWidget(self.error)
        self.buttons, self.ok_button = ok_cancel(self, self.tr("添加"), self._accept)
        layout.addWidget(self.buttons)
        self.number.textEdited.connect(self._number_edited)
        self._number_edited("")

    def _floor_edited(self, _text: str) -> None:
        self._floor_touched = True

    def _number_edited(self, text: str) -> None:
        if not self._floor_touched:
            self.floor.setText(floor_from_number(text))
        number = text.strip()
        taken = number in self._taken
        self.error.setText(self.tr("房间 %1 已在抽查列表中").replace("%1", number) if taken else "")
        self.error.setVisible(taken)
        self.ok_button.setEnabled(bool(number) and not taken)

    def _accept(self) -> None:
        if self.ok_button.isEnabled():
            self.accept()

    def values(self) -> tuple[str, str, str]:
        return self.number.text().strip(), self.floor.text().strip(), self.room_type.currentText().strip()
