"""What every window and dialog of the GUI shares: the open data folder, the job runner (see
:mod:`ui.ops`) and the change signal (:mod:`ui.changes`).

The database may open after the first screen: :meth:`AppContext.open_for_start` reads the registry's rows
with plain ``sqlite3`` when the schema is already at head (:mod:`hoteltv.services.registry_rows`), so the
window is filled before SQLAlchemy is loaded; ``ctx.db`` opens the database the normal way on first use
(the start-up's warm-up does it once the rows are painted), and whoever needs it meanwhile waits.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hoteltv.config import Settings
from hoteltv.db.meta_keys import META_DEMO
from hoteltv.domain.divisions import DivisionList
from ui.changes import ChangeBus
from ui.worker import Job, JobRunner

if TYPE_CHECKING:
    from hoteltv.db.engine import Database
    from hoteltv.services.registry_rows import FirstScreen

#: How long closing the data folder waits for the writes still queued (network work is not waited for).
CLOSE_WAIT_MS = 15_000


@dataclass
class AppContext:
    """The data folder in use. Widgets call core services with ``ctx.db`` through ``ctx.runner``."""

    home: Path
    settings: Settings
    divisions: DivisionList
    runner: JobRunner
    actor: str = ""
    language: str = field(default="zh_CN")
    #: What opening the folder warned about without stopping (a division file that cannot be used).
    warnings: list[str] = field(default_factory=list)
    #: The folder holds the demo data (marked 演示 in the window).
    demo: bool = False
    #: The registry's rows read before the database was opened; taken by the registry's first load.
    first_screen: FirstScreen | None = None
    #: What each commit changed, on the GUI thread; windows refresh from it.
    changes: ChangeBus = field(init=False)
    #: The sync running in the background, if any (one at a time, even when its panel was closed).
    syncing: Job | None = None
    _db: Database | None = field(default=None, repr=False)
    _division_problems: bool = field(default=False, init=False, repr=False)
    _opening: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _closed: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        self.changes = ChangeBus(self._db, immediate=self.runner.synchronous)

    @classmethod
    def open(cls, home: Path, runner: JobRunner | None = None) -> AppContext:
        """Open the data folder, database included."""
        return cls._open(home, runner, first_screen=False)

    @classmethod
    def open_for_start(cls, home: Path, runner: JobRunner | None = None) -> AppContext:
        """Like :meth:`open`, but when the database's schema is at head its registry rows are read with
        plain ``sqlite3`` (:attr:`first_screen`) and the database itself opens on first use of
        :attr:`db`. Otherwise (a new folder, an older schema to upgrade) it is :meth:`open`."""
        return cls._open(home, runner, first_screen=True)

    @classmethod
    def _open(cls, home: Path, runner: JobRunner | None, *, first_screen: bool) -> AppContext:
        """The settings read once; then the first screen's rows (when asked for and the schema is at
        head), or else the database opened (migrated, divisions written)."""
        from hoteltv.services.setup import home_settings, open_database

        warnings: list[str] = []
        settings, divisions = home_settings(home, warnings)
        first: FirstScreen | None = None
        if first_screen:
            from hoteltv.db.revision import DB_FILENAME
            from hoteltv.domain import sites
            from hoteltv.services.registry_rows import read_first_screen

            first = read_first_screen(home / DB_FILENAME, sites.DEFAULT)
        db: Database | None = None
        if first is None:
            from hoteltv.services.demo import is_demo

            db = open_database(home, divisions, bool(warnings))
            demo = is_demo(db)
        else:
            demo = first.meta.get(META_DEMO) == "1"
        ctx = cls(
            home,
            settings,
            divisions,
            runner or JobRunner(),
            language=settings.get("language"),
            warnings=warnings,
            demo=demo,
            first_screen=first,
            _db=db,
        )
        ctx._division_problems = bool(warnings)
        return ctx

    @property
    def db(self) -> Database:
        """The open database; opened here (migrated, divisions written) if the first screen came
        without it. Any thread; a second caller waits for the first."""
        if self._db is None:
            with self._opening:
                if self._closed:  # a late caller (the start-up warm-up) after close(): open nothing
                    from hoteltv.errors import DatabaseError

                    raise DatabaseError(f"{self.home}: 数据目录已关闭 (the data folder was closed)")
                if self._db is None:
                    from hoteltv.services.setup import open_database

                    # The bus listens before the divisions are written: a renamed one reaches the registry.
                    self._db = open_database(
                        self.home, self.divisions, self._division_problems, on_open=self.changes.attach
                    )
        return self._db

    @property
    def db_open(self) -> bool:
        """Whether the database is open (without opening it)."""
        return self._db is not None

    def close(self) -> None:
        """Cancel network work (a hung sync is left behind, not waited for), wait a bounded time for the
        queued writes, close the database."""
        self.runner.shutdown(CLOSE_WAIT_MS)
        self.changes.close()
        with self._opening:
            self._closed = True
            if self._db is not None:
                self._db.close()
