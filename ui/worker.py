"""The one helper that runs long or I/O jobs off the GUI thread (database writes, imports, photos, PDFs, sync).

``JobRunner.submit(fn, on_done=..., on_error=..., label=...)`` runs ``fn(progress)`` on a worker thread.
``progress(done, total, text)`` reports back and returns False once the user pressed Cancel, so a job
can stop cleanly. Results and errors come back on the GUI thread through Qt signals. Worker code never
touches widgets.

Three kinds of thread (``pool=``): writes go to a single worker thread, in order (like Anki's
``CollectionOp``), so two saves never race; reads use a small reader pool; network work (sync, update
checks and downloads) runs on threads of its own, so a sync stuck on bad Wi-Fi never holds up a save.
Network threads are daemons nobody waits for: closing the program cancels them (their ``progress``
answers False) and leaves them behind. :mod:`ui.ops` names these as operations.
Tests set ``runner.synchronous = True`` to run jobs at once (like Picard's immediate pool), which keeps
GUI tests deterministic.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any, Literal

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], bool]
Pool = Literal["writer", "reader", "network"]


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


def _gone(callback: Callable[..., object] | None) -> bool:
    """Is ``callback`` a method of a widget (any QObject) that no longer exists? A job outlives the
    window that started it (a panel closed while its sync went on): its answer must not touch it."""
    owner = getattr(callback, "__self__", None)
    return isinstance(owner, QObject) and not shiboken6.isValid(owner)


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
        self._network: set[Job] = set()
        self._writes = 0

    def submit(
        self,
        fn: Callable[[Progress], Any],
        *,
        on_done: Callable[[Any], object] | None = None,
        on_error: Callable[[Exception], object] | None = None,
        on_progress: Callable[[int, int, str], object] | None = None,
        label: str = "",
        write: bool = True,
        pool: Pool | None = None,
    ) -> Job:
        """Run ``fn(progress)`` in the background; callbacks run on the GUI thread.

        ``pool`` says where: "writer" (the default, or ``write=True``), "reader" (``write=False``) or
        "network"."""
        where: Pool = pool or ("writer" if write else "reader")
        job = Job(fn, label)
        if on_progress is not None:
            job.signals.sig_progress.connect(on_progress)

        def done(result: Any) -> None:
            self._finish(job, where)
            if _gone(on_done):
                log.info("%s finished after its window closed", label)
            elif on_done is not None:
                on_done(result)

        def failed(exc: Exception) -> None:
            self._finish(job, where)
            if _gone(on_error):
                log.warning("%s failed after its window closed: %s", label, exc)
            elif on_error is not None:
                on_error(exc)
            else:
                self.sig_error.emit(label, exc)

        job.signals.sig_done.connect(done)
        job.signals.sig_error.connect(failed)
        self._running.add(job)
        if where == "writer":
            self._writes += 1
        elif where == "network":
            self._network.add(job)
        self.sig_busy.emit(True)
        if self.synchronous:
            job.run()
        elif where == "network":
            threading.Thread(target=job.run, name=f"network: {label}", daemon=True).start()
        else:
            (self._writer if where == "writer" else self._readers).start(job)
        return job

    def _finish(self, job: Job, where: Pool) -> None:
        if job not in self._running:
            return
        self._running.discard(job)
        if where == "writer":
            self._writes -= 1
        self._network.discard(job)
        if not self._running:
            self.sig_busy.emit(False)

    def busy(self) -> bool:
        return bool(self._running)

    def writes_pending(self) -> int:
        """Writes submitted whose callbacks have not run yet."""
        return self._writes

    def network_jobs(self) -> list[Job]:
        """Network jobs still running (a sync, an update check or download)."""
        return list(self._network)

    def wait_writes(self, msecs: int = 30_000) -> bool:
        """Block until the writes queued so far are done (never waits on network jobs)."""
        return self._writer.waitForDone(msecs)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until queued writes and reads are done (used by tests; network jobs are not waited for)."""
        ok = self._writer.waitForDone(msecs)
        return self._readers.waitForDone(msecs) and ok

    def shutdown(self, msecs: int = 10_000) -> bool:
        """Closing: cancel network jobs (left behind on their daemon threads), then wait at most
        ``msecs`` for the writes and reads. Returns whether they all finished."""
        for job in self._network:
            job.cancel()
        return self.wait(msecs)
