"""What every window and dialog of the GUI shares: the open data folder, the job runner (see
:mod:`ui.ops`) and the change signal (:mod:`ui.changes`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hoteltv.config import Settings
from hoteltv.db.engine import Database
from hoteltv.domain.divisions import DivisionList
from ui.changes import ChangeBus
from ui.worker import Job, JobRunner

#: How long closing the data folder waits for the writes still queued (network work is not waited for).
CLOSE_WAIT_MS = 15_000


@dataclass
class AppContext:
    """The data folder in use. Widgets call core services with ``ctx.db`` through ``ctx.runner``."""

    home: Path
    db: Database
    settings: Settings
    divisions: DivisionList
    runner: JobRunner
    actor: str = ""
    language: str = field(default="zh_CN")
    #: What opening the folder warned about without stopping (a division file that cannot be used).
    warnings: list[str] = field(default_factory=list)
    #: What each commit changed, on the GUI thread; windows refresh from it.
    changes: ChangeBus = field(init=False)
    #: The sync running in the background, if any (one at a time, even when its panel was closed).
    syncing: Job | None = None

    def __post_init__(self) -> None:
        self.changes = ChangeBus(self.db, immediate=self.runner.synchronous)

    @classmethod
    def open(cls, home: Path, runner: JobRunner | None = None) -> AppContext:
        from hoteltv.services.setup import open_home

        warnings: list[str] = []
        db, settings, divisions = open_home(home, warnings)
        return cls(
            home,
            db,
            settings,
            divisions,
            runner or JobRunner(),
            language=settings.get("language"),
            warnings=warnings,
        )

    def close(self) -> None:
        """Cancel network work (a hung sync is left behind, not waited for), wait a bounded time for the
        queued writes, close the database."""
        self.runner.shutdown(CLOSE_WAIT_MS)
        self.changes.close()
        self.db.close()
