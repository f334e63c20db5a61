"""The change signal: after each commit, what changed, on the GUI thread.

:class:`ChangeBus` listens to the database's commit hook (:meth:`hoteltv.db.engine.Database.on_commit`,
which reports the tables and ids each commit wrote, whichever thread committed: the writer, a sync on its
network thread, a phone upload) and re-emits it on the GUI thread as ``sig_changed(Changes)``. Commits
arriving close together (an import, a sync) are merged into one signal, at most one per
:data:`COALESCE_MS`, so windows refresh once rather than a thousand times.

Windows subscribe to what they show instead of being told by whoever wrote::

    ctx.changes.sig_changed.connect(lambda c: c.touches("hotels") and self.reload())

It also carries ``sig_save_lost``: a save that failed after its window had closed (the main window shows
it, with what was typed, so nothing is lost silently).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from hoteltv.db.engine import Database
    from hoteltv.db.tracking import Changes

#: Commits this close together are reported as one change.
COALESCE_MS = 40


class ChangeBus(QObject):
    """The database's commits as a Qt signal on the GUI thread (see the module docstring)."""

    sig_changed = Signal(object)
    """What one or more commits changed: a :class:`hoteltv.db.tracking.Changes`."""
    sig_save_lost = Signal(str, str, str, object)
    """A save failed after its window closed: (record — hotel and number, what, the value typed, error)."""
    _sig_committed = Signal(object)  # from any thread; queued to the GUI thread

    def __init__(
        self, db: Database | None, parent: QObject | None = None, *, immediate: bool = False
    ) -> None:
        super().__init__(parent)
        #: Emit each commit at once, unmerged (with a synchronous runner, as in tests: effects come at once).
        self.immediate = immediate
        self._pending: Changes | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_MS)
        self._timer.timeout.connect(self.flush)
        self._sig_committed.connect(self._collect)
        self._stop: Callable[[], None] | None = None
        if db is not None:
            self.attach(db)

    def attach(self, db: Database) -> None:
        """Listen to ``db``'s commits (from any thread: the GUI's first screen is shown before the
        database is opened, see :class:`ui.context.AppContext`)."""
        self._stop = db.on_commit(self._sig_committed.emit)

    def _collect(self, changes: Changes) -> None:
        self._pending = changes if self._pending is None else self._pending.merged(changes)
        if self.immediate:
            self.flush()
        elif not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Emit what has been collected now (tests, and the timer)."""
        self._timer.stop()
        pending, self._pending = self._pending, None
        if pending:
            self.sig_changed.emit(pending)

    def close(self) -> None:
        """Stop listening (the data folder is closing)."""
        if self._stop is not None:
            self._stop()
        self._timer.stop()
        self._pending = None
