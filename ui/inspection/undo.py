"""Undo for answers within one inspection window, and an item's answer history from the audit trail.

Every answer the user gives (a button, a typed value, a stopwatch reading) is pushed on the window's
:class:`AnswerUndo`; Ctrl+Z puts the previous answer back and saves it, Ctrl+Shift+Z
(Ctrl+Y) gives it again. The stack lives as long as the window: the lasting record of every change is the
audit trail, which :class:`HistoryDialog` shows for one item (read with
:func:`hoteltv.services.inspections.answer_history`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hoteltv.domain import clock
from hoteltv.domain.checklist import ChecklistItem
from hoteltv.services.inspections import AnswerChange
from ui.inspection.texts import answer_text, translate

Put = Callable[[str | None, str, object], bool]
"""Show and save an answer: (room id or None, item key, value); False when the place is gone."""


@dataclass(frozen=True)
class AnswerChangeStep:
    """One answer change made in the window: ``old`` → ``new`` at (room id or None, item key)."""

    room_id: str | None
    key: str
    old: object
    new: object


class AnswerUndo:
    """The window's undo / redo history of answers (a plain list: nothing for Qt to own or delete)."""

    def __init__(self, put: Put) -> None:
        self._put = put
        self._done: list[AnswerChangeStep] = []
        self._undone: list[AnswerChangeStep] = []

    def push(self, step: AnswerChangeStep) -> None:
        """An answer the user just gave (already shown and saved)."""
        self._done.append(step)
        self._undone.clear()

    def can_undo(self) -> bool:
        return bool(self._done)

    def can_redo(self) -> bool:
        return bool(self._undone)

    def undo(self) -> bool:
        return self._step(self._done, self._undone, lambda step: step.old)

    def redo(self) -> bool:
        return self._step(self._undone, self._done, lambda step: step.new)

    def _step(
        self,
        source: list[AnswerChangeStep],
        target: list[AnswerChangeStep],
        value: Callable[[AnswerChangeStep], object],
    ) -> bool:
        """Take the last step off ``source`` and put its ``value`` back; kept on ``target`` if that worked."""
        if not source:
            return False
        step = source.pop()
        if self._put(step.room_id, step.key, value(step)):
            target.append(step)
            return True
        return False


class HistoryDialog(QDialog):
    """The values one item had, with when and who (from the audit trail), newest last."""

    def __init__(
        self, item: ChecklistItem, place: str, changes: list[AnswerChange], lang: str, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setObjectName("answerHistory")
        self.setWindowTitle(self.tr("历史：%1").replace("%1", item.label.get(lang)))
        layout = QVBoxLayout(self)
        caption = QLabel(f"{place} · {item.label.get(lang)}", self)
        caption.setWordWrap(True)
        layout.addWidget(caption)
        self.table = QTableWidget(len(changes), 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("时间"), self.tr("填写人"), self.tr("回答")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, change in enumerate(changes):
            value = (
                translate("Inspection", "（清空）")
                if change.value is None
                else answer_text(item, change.value, lang)
            )
            cells = [clock.fmt(change.at, "%Y-%m-%d %H:%M:%S"), change.actor or "—", value]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(row, col, cell)
        self.table.resizeColumnsToContents()
        layout.addWidget(self.table, 1)
        if not changes:
            layout.addWidget(QLabel(self.tr("此项还没有填写过。"), self))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 320)
