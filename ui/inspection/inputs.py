"""Answer inputs for checklist items, one per answer type, built from the template's data.

* yes/no (and short choices): a segmented row of buttons. The row takes the keyboard focus as one stop
  in the tab chain; Y/N/A (or 1, 2, 3…) answer and move on to the next item, Delete clears. Clicking the
  chosen button again clears the answer.
* long choices: a combo box with an empty "请选择" state (the wheel does not change it in passing).
* seconds / count / text: a line edit that accepts what people type ("35", "35秒", "1分05秒", "一次");
  an unanswered item is empty with a grey "未填", never 0.

Every input emits ``sig_answer(raw)`` when a value is committed (``None`` clears the answer); the form
saves it. Text-like inputs commit on Enter/leaving the field and after a short pause while typing
(:class:`TextWatcher`), so nothing typed waits for a Save button.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from hoteltv.domain.checklist import ChecklistItem, coerce_answer
from hoteltv.errors import ValidationError
from ui.inspection.texts import seconds_text, translate

IDLE_COMMIT_MS = 600
"""Typing pauses this long are saved, so a crash loses at most the last fraction of a second."""


class TextWatcher(QObject):
    """Commits a line edit or plain-text edit on Enter / focus out and after an idle pause while typing."""

    sig_commit = Signal(bool)
    """Commit the text now; True when the user finished (Enter, focus left), False for an idle pause."""

    def __init__(self, widget: QLineEdit | QPlainTextEdit, idle_ms: int = IDLE_COMMIT_MS) -> None:
        super().__init__(widget)
        self._widget = widget
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(idle_ms)
        self._timer.timeout.connect(lambda: self.sig_commit.emit(False))
        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(self._edited)
            widget.editingFinished.connect(self._finished)
        else:
            widget.textChanged.connect(self._edited)
            widget.installEventFilter(self)

    def _edited(self, *_args: object) -> None:
        if not self._widget.signalsBlocked():
            self._timer.start()

    def _finished(self) -> None:
        self._timer.stop()
        self.sig_commit.emit(True)

    def pending(self) -> bool:
        return self._timer.isActive()

    def flush(self) -> None:
        """Commit at once if an edit is waiting for its idle pause (closing, finalizing)."""
        if self._timer.isActive():
            self._finished()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self._widget and event.type() == QEvent.Type.FocusOut:
            self._finished()
        return False


def set_state(widget: QWidget, state: str) -> None:
    """Colour an input by its outcome: "" neutral, "pass", "fail", "error" (see the window's stylesheet)."""
    if widget.property("state") != state:
        widget.setProperty("state", state)
        # Rules such as ``#answerInput[state="fail"] QLineEdit`` style the children: repolish them too.
        # A widget not yet polished picks the property up when it is first shown.
        for w in [widget, *widget.findChildren(QWidget)]:
            if w.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
                w.style().unpolish(w)
                w.style().polish(w)


class AnswerInput(QFrame):
    """Base of the answer inputs: ``value()``, ``set_value()``, ``set_editable()``, ``sig_answer``."""

    sig_answer = Signal(object)
    """A committed answer, as typed (``None`` clears it)."""
    sig_invalid = Signal(str)
    """What was typed cannot be an answer (the message says why); nothing was saved."""

    def __init__(self, item: ChecklistItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self._editable = True
        self.setObjectName("answerInput")

    def value(self) -> object:
        raise NotImplementedError

    def set_value(self, value: object) -> None:
        raise NotImplementedError

    def set_editable(self, editable: bool) -> None:
        self._editable = editable

    def is_editable(self) -> bool:
        return self._editable

    def set_state(self, state: str) -> None:
        set_state(self, state)

    def focus_input(self) -> None:
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def watchers(self) -> Sequence[TextWatcher]:
        return ()


class SegmentedInput(AnswerInput):
    """One button per option (是 / 否 / 不适用, or a short choice list); one focus stop, key shortcuts."""

    def __init__(
        self, item: ChecklistItem, options: Sequence[tuple[str, str, str]], parent: QWidget | None = None
    ) -> None:
        """``options``: (stored value, button text, shortcut keys such as "Y1")."""
        super().__init__(item, parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setProperty("segmented", True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self._group = QButtonGroup(self)
        self._group.setExclusive(False)
        self._buttons: dict[str, QToolButton] = {}
        self._keys: dict[str, str] = {}
        for n, (key, text, shortcuts) in enumerate(options):
            button = QToolButton(self)
            button.setText(text)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumWidth(52)
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            button.setProperty(
                "position", "first" if n == 0 else ("last" if n == len(options) - 1 else "mid")
            )
            button.setToolTip(self.tr("快捷键：%1").replace("%1", " / ".join(shortcuts)))
            self._group.addButton(button)
            self._buttons[key] = button
            for ch in shortcuts:
                self._keys[ch.upper()] = key
            layout.addWidget(button)
        self._value: str | None = None
        self._group.buttonClicked.connect(self._clicked)

    def button(self, value: str) -> QAbstractButton:
        """The button that answers ``value`` ("yes", "no", "na" or a choice key)."""
        return self._buttons[value]

    def value(self) -> str | None:
        return self._value

    def set_value(self, value: object) -> None:
        self._value = None if value is None else str(value)
        for key, button in self._buttons.items():
            button.setChecked(key == self._value)

    def set_editable(self, editable: bool) -> None:
        super().set_editable(editable)
        for button in self._buttons.values():
            button.setEnabled(editable)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus if editable else Qt.FocusPolicy.NoFocus)

    def _choose(self, value: str | None) -> None:
        if not self._editable or value == self._value:
            return
        self.set_value(value)
        self.sig_answer.emit(value)

    def _clicked(self, button: QAbstractButton) -> None:
        key = next(k for k, b in self._buttons.items() if b is button)
        # Clicking the chosen answer again takes it back (the item is unanswered again).
        self._choose(None if key == self._value else key)
        self.set_value(self._value)
        self.setFocus(Qt.FocusReason.MouseFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        text = event.text().upper()
        if self._editable and text in self._keys:
            self._choose(self._keys[text])
            self.focusNextChild()
            return
        if self._editable and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self._choose(None)
            return
        super().keyPressEvent(event)


class ComboInput(AnswerInput):
    """A long choice list; starts empty ("请选择"), saved when the user picks an entry."""

    def __init__(self, item: ChecklistItem, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(item, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox(self)
        self.combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.combo.setPlaceholderText(self.tr("— 请选择 —"))
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for choice in item.choices:
            self.combo.addItem(choice.label(lang), choice.key)
        self.combo.setCurrentIndex(-1)
        self._committed: object = None
        self.combo.installEventFilter(self)
        self.combo.activated.connect(self._activated)
        layout.addWidget(self.combo)
        self.setFocusProxy(self.combo)

    def value(self) -> str | None:
        return self.combo.currentData() if self.combo.currentIndex() >= 0 else None

    def set_value(self, value: object) -> None:
        self.combo.setCurrentIndex(self.combo.findData(value) if value is not None else -1)
        self._committed = self.value()

    def set_editable(self, editable: bool) -> None:
        super().set_editable(editable)
        self.combo.setEnabled(editable)

    def choose(self, label_or_key: str) -> None:
        """Pick an entry by its label or key, as a user does from the list (used by tests)."""
        index = self.combo.findText(label_or_key)
        if index < 0:
            index = self.combo.findData(label_or_key)
        if index >= 0:
            self.combo.setCurrentIndex(index)
            self.combo.activated.emit(index)

    def _activated(self, _index: int) -> None:
        if self._editable and self.value() != self._committed:
            self._committed = self.value()
            self.sig_answer.emit(self._committed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        # Scrolling the form with the touchpad must not change an answer it passes over.
        if watched is self.combo and event.type() == QEvent.Type.Wheel and not self.combo.hasFocus():
            event.ignore()
            return True
        return False


class LineInput(AnswerInput):
    """Seconds, counts and text: typed, checked with the core's ``coerce_answer``, saved when committed."""

    def __init__(self, item: ChecklistItem, parent: QWidget | None = None) -> None:
        super().__init__(item, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(self.tr("未填"))
        self.edit.setClearButtonEnabled(item.answer_type == "text")
        if item.answer_type != "text":
            self.edit.setFixedWidth(84)
            self.edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.edit)
        self.unit: QLabel | None = None
        if item.answer_type == "seconds":
            self.unit = QLabel(self.tr("秒"), self)
            layout.addWidget(self.unit)
        self.extra = QHBoxLayout()
        self.extra.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.extra)
        self.setFocusProxy(self.edit)
        self._committed: object = None
        self._watcher = TextWatcher(self.edit)
        self._watcher.sig_commit.connect(self._commit)

    def watchers(self) -> Sequence[TextWatcher]:
        return (self._watcher,)

    def value(self) -> object:
        return self._committed

    def set_value(self, value: object) -> None:
        self._committed = value
        self._show(value)

    def _show(self, value: object) -> None:
        if value is None:
            text = ""
        elif self.item.answer_type == "seconds" and isinstance(value, int | float):
            text = seconds_text(value)
        else:
            text = str(value)
        self.edit.blockSignals(True)
        self.edit.setText(text)
        self.edit.blockSignals(False)

    def set_editable(self, editable: bool) -> None:
        super().set_editable(editable)
        self.edit.setReadOnly(not editable)
        self.edit.setFocusPolicy(Qt.FocusPolicy.StrongFocus if editable else Qt.FocusPolicy.ClickFocus)

    def enter(self, value: float | int) -> None:
        """Put a measured value in (the stopwatch) and save it at once."""
        self.edit.setText(seconds_text(value) if self.item.answer_type == "seconds" else str(value))
        self._commit(True)

    def _expected(self) -> str:
        if self.item.answer_type == "seconds":
            return self.tr("请输入秒数，如 35、35秒 或 1分05秒")
        return self.tr("请输入一个整数，如 0、1、2")

    def _commit(self, finished: bool) -> None:
        if not self._editable:
            return
        raw = self.edit.text()
        try:
            value = coerce_answer(self.item, raw)
        except ValidationError:
            if finished:  # a half-typed "1分" during a pause is not an error yet
                self.sig_invalid.emit(self._expected())
            return
        if finished and value is not None and self.item.answer_type != "text":
            self._show(value)  # show it as it is stored: "35秒" → "35"
        if value == self._committed:
            return
        self._committed = value
        self.sig_answer.emit(None if value is None else raw.strip())


def make_input(item: ChecklistItem, lang: str, parent: QWidget | None = None) -> AnswerInput:
    """The right input for an item's answer type."""
    if item.answer_type == "yes_no":
        options = [("yes", translate("Inspection", "是"), "Y1"), ("no", translate("Inspection", "否"), "N2")]
        if item.na_allowed:
            options.append(("na", translate("Inspection", "不适用"), "A3"))
        return SegmentedInput(item, options, parent)
    if item.answer_type == "choice":
        if len(item.choices) <= 4:
            return SegmentedInput(
                item, [(c.key, c.label(lang), str(n + 1)) for n, c in enumerate(item.choices)], parent
            )
        return ComboInput(item, lang, parent)
    return LineInput(item, parent)
