"""The inspection window's free-text fields (header and conclusion): each is saved when committed.

:class:`Fields` is the one registry of them: the header and the conclusion page ``watch`` their fields
with a save function, and the window ``show`` s stored values without saving them back.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from ui.inspection.inputs import TextWatcher

TextField = QLineEdit | QPlainTextEdit


class FieldSaver:
    """Saves one text field of the header or conclusion when committed, if its text changed."""

    def __init__(
        self, widget: TextField, commit: Callable[[str], None], editable: Callable[[], bool]
    ) -> None:
        self.widget = widget
        self.watcher = TextWatcher(widget)
        self._commit = commit
        self._editable = editable
        self._last: str | None = None
        self.watcher.sig_commit.connect(self._fire)

    def text(self) -> str:
        return self.widget.text() if isinstance(self.widget, QLineEdit) else self.widget.toPlainText()

    def show(self, text: str) -> None:
        self.widget.blockSignals(True)
        if isinstance(self.widget, QLineEdit):
            self.widget.setText(text)
        else:
            self.widget.setPlainText(text)
        self.widget.blockSignals(False)
        self._last = text

    def _fire(self, _finished: bool) -> None:
        text = self.text()
        if text != self._last and self._editable():
            self._last = text
            self._commit(text)


class Fields:
    """The window's watched text fields. ``track`` hands each watcher to the autosaver (flushed on close)."""

    def __init__(self, track: Callable[[TextWatcher], object], editable: Callable[[], bool]) -> None:
        self._track = track
        self._editable = editable
        self._savers: dict[TextField, FieldSaver] = {}

    def watch(self, widget: TextField, commit: Callable[[str], None]) -> None:
        """Save ``widget``'s text through ``commit`` as it is typed (see :class:`FieldSaver`)."""
        saver = FieldSaver(widget, commit, self._editable)
        self._track(saver.watcher)
        self._savers[widget] = saver

    def show(self, widget: TextField, text: str | None) -> None:
        """Show a stored value without saving it back."""
        self._savers[widget].show(text or "")

    def flush(self, widget: TextField) -> None:
        """Commit ``widget``'s text now (after the program filled it in)."""
        self._savers[widget].watcher.flush()
