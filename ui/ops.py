"""Named operations: how the GUI runs core work, as Anki's ``CollectionOp`` / ``QueryOp``.

An operation is a function of ``progress`` run off the GUI thread, with callbacks for success, failure
and progress that run on the GUI thread::

    WriteOp(ctx, lambda p: hotels.update_hotel(ctx.db, ...), label=tr("保存酒店")).success(show).run()

* :class:`WriteOp` runs on the one writer thread, in the order submitted, so two saves never race;
  when it commits, the database's commit hook tells :class:`ui.changes.ChangeBus` what changed, and the
  windows that show that data refresh themselves.
* :class:`ReadOp` runs on a reader thread (SQLite in WAL mode lets readers go on beside the writer).
* :class:`NetworkOp` runs on a thread of its own: a sync or an update check waiting on a slow server
  holds neither the writer nor a reader; whatever it writes, it writes in its own short transactions.
  Closing the program cancels it and does not wait for it.

A failure without a ``failure`` callback goes to the runner's ``sig_error`` (one message box in the main
window). With ``parent=widget`` the callbacks are skipped once that widget is gone (a sync panel closed
while its sync went on): the work still finishes, nobody touches a deleted widget. ``run()`` returns the :class:`ui.worker.Job`, whose ``cancel()`` makes ``progress`` answer False.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject

from ui.worker import Job, JobRunner, Pool, Progress

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)

T = TypeVar("T")


class Op(Generic[T]):
    """One named piece of background work (see the module docstring); use a subclass."""

    pool: ClassVar[Pool]

    def __init__(
        self,
        where: AppContext | JobRunner,
        fn: Callable[[Progress], T],
        *,
        label: str = "",
        parent: QObject | None = None,
    ) -> None:
        self.runner = where if isinstance(where, JobRunner) else where.runner
        self.fn = fn
        self.label = label
        self.parent = parent
        self._on_success: Callable[[T], object] | None = None
        self._on_failure: Callable[[Exception], object] | None = None
        self._on_progress: Callable[[int, int, str], object] | None = None

    def success(self, callback: Callable[[T], object]) -> Op[T]:
        """Call ``callback(result)`` on the GUI thread when the work is done."""
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[Exception], object]) -> Op[T]:
        """Call ``callback(exception)`` on the GUI thread when the work raised."""
        self._on_failure = callback
        return self

    def progress(self, callback: Callable[[int, int, str], object]) -> Op[T]:
        """Call ``callback(done, total, text)`` on the GUI thread as the work reports progress."""
        self._on_progress = callback
        return self

    def run(self) -> Job:
        """Start it; callbacks come later (at once with a synchronous runner, as in tests)."""
        on_success, on_failure, on_progress = self._on_success, self._on_failure, self._on_progress
        parent, label = self.parent, self.label

        def alive() -> bool:
            return parent is None or shiboken6.isValid(parent)

        def succeeded(result: T) -> None:
            if not alive():
                log.info("%s finished after its window closed", label)
            elif on_success is not None:
                on_success(result)

        def failed(exc: Exception) -> None:
            if not alive():
                log.info("%s failed after its window closed: %s", label, exc)
            elif on_failure is not None:
                on_failure(exc)
            else:
                self.runner.sig_error.emit(label, exc)

        def progressed(done: int, total: int, text: str) -> None:
            if on_progress is not None and alive():
                on_progress(done, total, text)

        return self.runner.submit(
            self.fn,
            on_done=succeeded,
            on_error=failed,
            on_progress=progressed if on_progress is not None else None,
            label=label,
            pool=self.pool,
        )


class WriteOp(Op[T]):
    """Changes the database: runs on the one writer thread, in order."""

    pool = "writer"


class ReadOp(Op[T]):
    """Only reads: runs on a reader thread beside the writer."""

    pool = "reader"


class NetworkOp(Op[T]):
    """Talks to a server (and may write in its own short transactions): a thread of its own."""

    pool = "network"
