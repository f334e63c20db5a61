"""The one helper that runs long or I/O jobs off the GUI thread (database writes, imports, photos, PDFs, sync).

``JobRunner.submit(fn, on_done=..., on_error=..., label=...)`` runs ``fn(progress)`` on a worker thread.
``progress(done, total, text)`` reports back and returns False once the user pressed Cancel, so a job
can stop cleanly. Results and errors come back on the GUI thread through Qt signals. Worker code never
touches widgets.

Writes go to a single worker thread, in order (like Anki's ``CollectionOp``), so two saves never race;
reads may use the shared pool. Tests set ``runner.synchronous = True`` to run jobs at once (like Picard's
immediate pool), which keeps GUI tests deterministic.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], bool]


class _Signals(QObject):
    sig_done = Signal(object)
    sig_error = Signal(object)
    sig_progress = Signal(int, int, str)


class Job(QRunnable):
    """One unit of background work; emits its result or its exception, never both."""

    def __init__(self, fn: Callable[[Progress], Any], label: str) -> None:
        super().__init__()
        self.fn = fn
        self.label = label
        self.cancelled = False
        self.signals = _Signals()
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self.cancelled = True

    def _progress(self, done: int, total: int, text: str = "") -> bool:
        self.signals.sig_progress.emit(done, total, text)
        return not self.cancelled

    def run(self) -> None:  # runs on a worker thread
        try:
            result = self.fn(self._progress)
        except BaseException as exc:  # every exception reaches the GUI thread, none dies silently here
            if not isinstance(exc, Exception):
                raise
            log.debug("job %s failed:\n%s", self.label, traceback.format_exc())
            self.signals.sig_error.emit(exc)
        else:
            self.signals.sig_done.emit(result)


class JobRunner(QObject):
    """Runs jobs off the GUI thread; one place where their errors are shown (``sig_error``)."""

    sig_error = Signal(str, object)
    """A job failed and had no error handler of its own: (job label, exception)."""
    sig_busy = Signal(bool)
    """True while any job is running (a status bar shows it)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.synchronous = False
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._readers = QThreadPool(self)
        self._readers.setMaxThreadCount(2)
        self._running: set[Job] = set()

    def submit(
        self,
        fn: Callable[[Progress], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        label: str = "",
        write: bool = True,
    ) -> Job:
        """Run ``fn(progress)`` in the background; callbacks run on the GUI thread."""
        job = Job(fn, label)
        if on_progress is not None:
            job.signals.sig_progress.connect(on_progress)

        def done(result: Any) -> None:
            self._finish(job)
            if on_done is not None:
                on_done(result)

        def failed(exc: Exception) -> None:
            self._finish(job)
            if on_error is not None:
                on_error(exc)
            else:
                self.sig_error.emit(label, exc)

        job.signals.sig_done.connect(done)
        job.signals.sig_error.connect(failed)
        self._running.add(job)
        self.sig_busy.emit(True)
        if self.synchronous:
            job.run()
        else:
            (self._writer if write else self._readers).start(job)
        return job

    def _finish(self, job: Job) -> None:
        self._running.discard(job)
        if not self._running:
            self.sig_busy.emit(False)

    def busy(self) -> bool:
        return bool(self._running)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until queued jobs are done (used when closing the window, and by tests)."""
        ok = self._writer.waitForDone(msecs)
        return self._readers.waitForDone(msecs) and ok
