"""A form of checklist items (hotel-level or one room's), built from the template's data.

Each row shows the item's label and help, the input for its answer type, and its outcome beside it:
"✓ 符合", or "✗ 不符合" with the rule text it breaks. Items whose ``applies_when`` condition is not met
are greyed with the reason. On a re-inspection a row also shows the earlier failure it must fix, and a
failed row opens its photo slot (see :mod:`ui.inspection.photoslot`) with a line for the reason when no
photo can be taken (the core's evidence rule: a photo or a written reason before finalizing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QMenu, QMessageBox, QVBoxLayout, QWidget

from hoteltv.domain.checklist import ChecklistItem, ChecklistTemplate
from hoteltv.domain.rules import ItemOutcome
from hoteltv.services.notices import NoticeItem
from ui.inspection.inputs import AnswerInput, LineInput, TextWatcher, make_input, set_state
from ui.inspection.stopwatch import Stopwatch, StopwatchButton
from ui.inspection.texts import answer_text, seconds_text
from ui.messages import fill

LABEL_WIDTH = 290
INPUT_WIDTH = 300

PhotoSlotFactory = Callable[[str], "QWidget | None"]
"""Makes the photo strip for an item key (None: no photo widget available)."""


class ItemRow(QWidget):
    """One checklist item: label, input, outcome; optional earlier-failure note and photo slot."""

    sig_reason = Signal(str)
    """The reason typed for having no photo of this failed item ("" clears it)."""
    sig_history = Signal()
    """The user asked for this answer's history (context menu "历史…")."""

    def __init__(self, item: ChecklistItem, template: ChecklistTemplate, lang: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.item = item
        self.template = template
        self.lang = lang
        self.setObjectName("itemRow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(8, 3, 8, 3)
        outer.setSpacing(10)

        label_holder = QWidget(self)
        label_holder.setFixedWidth(LABEL_WIDTH)
        label_box = QVBoxLayout(label_holder)
        label_box.setContentsMargins(0, 0, 0, 0)
        label_box.setSpacing(0)
        self.label = QLabel(item.label.get(lang), label_holder)
        self.label.setObjectName("itemLabel")
        self.label.setWordWrap(True)
        label_box.addWidget(self.label)
        self.help: QLabel | None = None
        if item.help is not None:
            self.help = QLabel(item.help.get(lang), label_holder)
            self.help.setObjectName("itemHelp")
            self.help.setWordWrap(True)
            label_box.addWidget(self.help)
        outer.addWidget(label_holder, 0, Qt.AlignmentFlag.AlignTop)

        right = QVBoxLayout()
        right.setSpacing(3)
        top = QHBoxLayout()
        top.setSpacing(10)
        # The input sits left in a column of fixed width, so the outcomes line up down the page.
        holder = QWidget(self)
        holder.setFixedWidth(INPUT_WIDTH)
        holder_layout = QHBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        self.input: AnswerInput = make_input(item, lang, holder)
        holder_layout.addWidget(self.input, 0 if item.answer_type != "text" else 1)
        if item.answer_type != "text":
            holder_layout.addStretch(1)
        # The label's first line level with the middle of the input.
        line = self.label.fontMetrics().height()
        label_box.setContentsMargins(0, max(0, (self.input.sizeHint().height() - line) // 2), 0, 0)
        top.addWidget(holder, 0, Qt.AlignmentFlag.AlignTop)
        self.label.setBuddy(self.input)
        self.status = QLabel(self)
        self.status.setObjectName("itemStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.status, 1)
        right.addLayout(top)

        self.earlier = QLabel(self)
        self.earlier.setObjectName("earlierNote")
        self.earlier.setWordWrap(True)
        self.earlier.hide()
        right.addWidget(self.earlier)

        self.photo_slot = QWidget(self)
        self.photo_slot.setObjectName("photoSlot")
        slot_layout = self._slot_layout = QHBoxLayout(self.photo_slot)
        slot_layout.setContentsMargins(0, 0, 0, 0)
        self.photo_slot.hide()
        right.addWidget(self.photo_slot)
        outer.addLayout(right, 1)
        self._photo_strip: QWidget | None = None
        self._photo_hint: QLabel | None = None
        self.reason_edit: QLineEdit | None = None
        self.reason_watcher: TextWatcher | None = None
        self._reason = ""
        self._editable = True

        self.stopwatch: Stopwatch | None = None
        self.stopwatch_button: StopwatchButton | None = None
        self.outcome: ItemOutcome | None = None
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction(self.tr("历史…"), self.sig_history.emit)
        menu.popup(self.mapToGlobal(pos))

    # --- state ------------------------------------------------------------------------------------
    def add_stopwatch(self, hint: str) -> Stopwatch:
        """Give a seconds item a stopwatch whose measurement is saved as the answer."""
        assert isinstance(self.input, LineInput)
        line_input = self.input
        self.stopwatch = Stopwatch(self)
        self.stopwatch_button = StopwatchButton(self.stopwatch, hint, self.input)
        line_input.extra.addWidget(self.stopwatch_button)
        self.stopwatch.sig_measured.connect(self._measured)
        return self.stopwatch

    def _measured(self, seconds: float) -> None:
        """A stopwatch reading: entered at once into an empty item; over an earlier value only if confirmed."""
        assert isinstance(self.input, LineInput)
        current = self.input.value()
        if current is not None and current != seconds:
            old = seconds_text(current) if isinstance(current, int | float) else str(current)
            answer = QMessageBox.question(
                self,
                self.tr("替换已填的数值？"),
                fill(
                    self.tr("“%1”已填 %2 秒。用计时结果 %3 秒替换吗？"),
                    self.item.label.get(self.lang),
                    old,
                    seconds_text(seconds),
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                self.status.setText(
                    self.tr("计时结果 %1 秒未填入，保留原值").replace("%1", seconds_text(seconds))
                )
                return
        self.input.enter(seconds)

    def set_outcome(self, outcome: ItemOutcome | None, condition_label: str = "") -> None:
        self.outcome = outcome
        applicable = outcome is None or outcome.applicable
        if self.property("applicable") != applicable:
            self.setProperty("applicable", applicable)
            self.label.setEnabled(applicable)
            if self.help is not None:
                self.help.setEnabled(applicable)
            self.input.setEnabled(applicable)
        if not applicable:
            text, state, input_state = (
                self.tr("不适用（取决于“%1”的回答）").replace("%1", condition_label),
                "na",
                "",
            )
        elif outcome is not None and outcome.passed is False:
            head = (
                self.tr("✗ 不符合（关键项）")
                if outcome.severity == "critical"
                else self.tr("✗ 不符合（一般项）")
            )
            rule = outcome.rule_zh if self.lang == "zh" else outcome.rule_en
            # Translated outside the f-string: lupdate does not look inside f-strings.
            text, state, input_state = (
                fill(self.tr("%1：%2"), head, rule),
                "fail",
                "fail",
            )
        elif outcome is not None and outcome.passed:
            text, state, input_state = self.tr("✓ 符合"), "pass", "pass"
        else:
            text, state, input_state = "", "", ""
        self._show_status(text, state)
        self.input.set_state(input_state)

    def _show_status(self, text: str, state: str) -> None:
        # Only what changed: restyling every row after every save would make typing sluggish.
        if self.status.text() != text:
            self.status.setText(text)
        set_state(self.status, state)

    def show_invalid(self, message: str) -> None:
        """What was typed is not an answer: say why beside it (nothing was saved)."""
        self._show_status(self.tr("未保存：%1").replace("%1", message), "fail")
        self.input.set_state("error")

    def failed(self) -> bool:
        return self.outcome is not None and self.outcome.passed is False

    def set_earlier(self, notice_item: NoticeItem | None) -> None:
        if notice_item is None:
            self.earlier.hide()
            return
        seen = answer_text(self.item, notice_item.value, self.lang)
        self.earlier.setText(fill(self.tr("上次检查不合格：%1；整改要求：%2"), seen, notice_item.fix))
        self.earlier.show()

    def update_photo_slot(self, make_strip: PhotoSlotFactory | None) -> None:
        """Show the photo slot while the item fails (evidence needed); make the strip on first need."""
        needs = self.failed() and self.item.photo_on_fail
        if needs and self._photo_strip is None and make_strip is not None:
            self._photo_strip = make_strip(self.item.key)
            if self._photo_strip is not None:
                self._slot_layout.addWidget(self._photo_strip)
        if needs and self._photo_strip is None and self._photo_hint is None:
            self._photo_hint = QLabel(self.tr("此项不合格，须拍照取证"), self.photo_slot)
            self._photo_hint.setObjectName("photoHint")
            self._slot_layout.addWidget(self._photo_hint)
        if needs and self.reason_edit is None:
            self._make_reason_edit()
        self.photo_slot.setVisible(needs)

    def _make_reason_edit(self) -> None:
        edit = QLineEdit(self.photo_slot)
        edit.setObjectName("evidenceReason")
        edit.setPlaceholderText(self.tr("无法拍照时写明理由（打印在记录上）"))
        edit.setToolTip(self.tr("不合格项须有照片；确实无法拍照时，写明理由也可定稿"))
        edit.setMinimumWidth(220)
        edit.setText(self._reason)
        edit.setReadOnly(not self._editable)
        self._slot_layout.addWidget(edit)
        watcher = TextWatcher(edit)
        watcher.sig_commit.connect(lambda _finished: self._reason_committed())
        self.reason_edit, self.reason_watcher = edit, watcher

    def _reason_committed(self) -> None:
        assert self.reason_edit is not None
        text = self.reason_edit.text().strip()
        if text != self._reason:
            self._reason = text
            self.sig_reason.emit(text)

    def set_reason(self, text: str) -> None:
        """Show the stored reason (unless the inspector is typing in the field)."""
        self._reason = text
        if self.reason_edit is not None and not self.reason_edit.hasFocus():
            self.reason_edit.setText(text)

    def set_editable(self, editable: bool) -> None:
        self._editable = editable
        if self.reason_edit is not None:
            self.reason_edit.setReadOnly(not editable)
        self.input.set_editable(editable)
        if self.stopwatch_button is not None:
            self.stopwatch_button.setVisible(editable)
        if self._photo_strip is not None and hasattr(self._photo_strip, "set_editable"):
            self._photo_strip.set_editable(editable)


class ItemsForm(QWidget):
    """The items of one scope ("hotel" or "room") as rows, in template order (which is the tab order)."""

    sig_answer = Signal(str, object)
    """(item key, raw answer) committed by the user."""
    sig_evidence_reason = Signal(str, str)
    """(item key, reason for having no photo) committed by the user."""
    sig_changed = Signal(str, object, object)
    """(item key, previous value, new value) after each answer the user gave (for undo)."""
    sig_history = Signal(str)
    """(item key) whose history the user asked for."""

    def __init__(
        self,
        template: ChecklistTemplate,
        items: Iterable[ChecklistItem],
        lang: str,
        track: Callable[[TextWatcher], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.template = template
        self.lang = lang
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.rows: dict[str, ItemRow] = {}
        self._track = track
        self._tracked: set[int] = set()
        self._values: dict[str, object] = {}
        for n, item in enumerate(items):
            row = ItemRow(item, template, lang, self)
            row.setProperty("alternate", n % 2 == 1)
            row.input.sig_answer.connect(lambda raw, key=item.key: self._answered(key, raw))
            row.sig_history.connect(lambda key=item.key: self.sig_history.emit(key))
            row.input.sig_invalid.connect(lambda msg, r=row: r.show_invalid(msg))
            row.sig_reason.connect(lambda text, key=item.key: self.sig_evidence_reason.emit(key, text))
            for watcher in row.input.watchers():
                track(watcher)
            layout.addWidget(row)
            self.rows[item.key] = row
        layout.addStretch(1)

    def row(self, key: str) -> ItemRow:
        return self.rows[key]

    def set_answers(self, answers: dict[str, object]) -> None:
        for key, row in self.rows.items():
            row.input.set_value(answers.get(key))
            self._values[key] = row.input.value()

    def _answered(self, key: str, raw: object) -> None:
        old, new = self._values.get(key), self.rows[key].input.value()
        self._values[key] = new
        self.sig_answer.emit(key, raw)
        if old != new:
            self.sig_changed.emit(key, old, new)

    def put_answer(self, key: str, value: object) -> None:
        """Show and save ``value`` as the answer (undo / redo); not itself recorded as a change."""
        row = self.rows[key]
        row.input.set_value(value)
        self._values[key] = row.input.value()
        self.sig_answer.emit(key, value)

    def apply_outcomes(self, outcomes: dict[str, ItemOutcome]) -> None:
        for key, row in self.rows.items():
            cond = row.item.applies_when
            cond_label = ""
            if cond is not None and self.template.has_item(cond.hotel_item):
                cond_label = self.template.item(cond.hotel_item).label.get(self.lang)
            row.set_outcome(outcomes.get(key), cond_label)

    def set_earlier(self, items: dict[str, NoticeItem]) -> None:
        for key, row in self.rows.items():
            row.set_earlier(items.get(key))

    def update_photo_slots(self, make_strip: PhotoSlotFactory | None) -> None:
        for row in self.rows.values():
            row.update_photo_slot(make_strip)
            watcher = row.reason_watcher
            if watcher is not None and id(watcher) not in self._tracked:
                self._tracked.add(id(watcher))
                self._track(watcher)  # a reason typed just before closing is saved too

    def set_reasons(self, reasons: dict[str, str]) -> None:
        """The stored reasons for missing photos, by item key."""
        for key, row in self.rows.items():
            row.set_reason(reasons.get(key, ""))

    def set_editable(self, editable: bool) -> None:
        for row in self.rows.values():
            row.set_editable(editable)

    def seconds_rows(self) -> list[ItemRow]:
        return [r for r in self.rows.values() if r.item.answer_type == "seconds"]
