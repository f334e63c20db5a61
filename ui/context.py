"""What every window and dialog of the GUI shares: the open data folder and the job runner."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hoteltv.config import Settings
from hoteltv.db.engine import Database
from hoteltv.domain.divisions import DivisionList
from ui.worker import JobRunner


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
        self.runner.wait()
        self.db.close()
