"""Autosave: every edit of a draft goes to the core at once, through the job runner, in order.

There is no Save button. Each edit becomes one write job (the runner's single writer thread keeps them
in the order they were made); each returns the fresh ``InspectionView`` that the window shows (verdict,
header). Text fields commit on Enter / leaving the field and after a short idle pause while typing
(:class:`ui.inspection.inputs.TextWatcher`); :meth:`Autosaver.flush` commits what is still waiting for
its pause and waits for the writes (only the writer: a sync runs on a network thread and is never
waited for), which the window does before closing and before finalizing.

A save that fails after its window has closed is not only logged: it goes to
``ctx.changes.sig_save_lost`` with the record, the value typed and the error, and the main window shows
it (:meth:`ui.main_window.MainWindow.show_lost_save`).

A quiet indicator shows "正在保存…" while writes are queued and "已保存 hh:mm:ss" after the last one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Signal

from hoteltv.db.engine import Database
from hoteltv.domain import clock
from hoteltv.services.inspections import InspectionView
from ui.context import CLOSE_WAIT_MS, AppContext
from ui.inspection.inputs import TextWatcher

log = logging.getLogger(__name__)

SaveFn = Callable[[Database], InspectionView]


def _typed_text(typed: object) -> str:
    """What the user entered, as words to show again (several header fields: one per line)."""
    if typed is None:
        return ""
    if isinstance(typed, dict):
        return "\n".join(_typed_text(v) for v in typed.values() if v not in (None, ""))
    if isinstance(typed, datetime):
        return clock.fmt(typed)
    return str(typed)


class Autosaver(QObject):
    """Queues a window's writes, reports their state, hands back each fresh view."""

    sig_saved = Signal(object)
    """An ``InspectionView`` returned by a write (in the order the edits were made)."""
    sig_failed = Signal(str, object)
    """A write was refused or failed: (what was being saved, exception)."""
    sig_state = Signal(str, str)
    """("saving" | "saved" | "error", text for the indicator)."""

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._pending = 0
        self._watchers: list[TextWatcher] = []
        self._last_saved: datetime | None = None
        self._closed = False
        #: The record being edited, as the user knows it (hotel and record number).
        self.record = ""

    def describe(self, view: InspectionView) -> None:
        """Remember which record this is (named when a save fails after the window closed)."""
        self.record = f"{view.hotel_name} {view.record_number}".strip()

    def track(self, watcher: TextWatcher) -> TextWatcher:
        """Let :meth:`flush` commit this text field's waiting edit."""
        self._watchers.append(watcher)
        watcher.destroyed.connect(lambda *_: self._forget(watcher))
        return watcher

    def _forget(self, watcher: TextWatcher) -> None:
        if watcher in self._watchers:
            self._watchers.remove(watcher)

    def pending(self) -> int:
        """Writes submitted and not yet answered."""
        return self._pending

    def save(
        self,
        what: str,
        fn: SaveFn,
        on_done: Callable[[InspectionView], Any] | None = None,
        *,
        typed: object = None,
    ) -> None:
        """Submit one write; ``fn(db)`` runs on the writer thread and returns the fresh view. ``typed``
        is the value the user entered, shown if the save fails after the window closed."""
        db, bus = self.ctx.db, self.ctx.changes
        self._pending += 1
        self.sig_state.emit("saving", self.tr("正在保存…"))

        def done(view: InspectionView) -> None:
            self._pending -= 1
            self._last_saved = clock.now()
            if not self._closed:
                self.describe(view)
                self.sig_saved.emit(view)
                if on_done is not None:
                    on_done(view)
                self._report()

        def failed(exc: Exception) -> None:
            self._pending -= 1
            log.info("save of %s failed: %s", what, exc)
            if not self._closed:
                self.sig_failed.emit(what, exc)
                self.sig_state.emit("error", self.tr("未保存"))
            else:  # nobody sees this window any more: the main window tells the user, with what was typed
                typed_text = _typed_text(typed)
                bus.sig_save_lost.emit(self.record, what, typed_text, exc)

        self.ctx.runner.submit(
            lambda _progress: fn(db), on_done=done, on_error=failed, label=what, write=True
        )

    def _report(self) -> None:
        if self._pending == 0 and self._last_saved is not None:
            self.sig_state.emit(
                "saved", self.tr("已保存 %1").replace("%1", self._last_saved.strftime("%H:%M:%S"))
            )

    def flush(self, wait: bool = True) -> None:
        """Commit text edits still waiting for their pause; with ``wait``, block (a bounded time) until the
        writes queued so far are done. Never waits for a sync."""
        for watcher in list(self._watchers):
            watcher.flush()
        if wait:
            self.ctx.runner.wait_writes(CLOSE_WAIT_MS)

    def close(self) -> None:
        """Flush and stop reporting (the window is closing)."""
        self.flush(wait=True)
        self._closed = True
