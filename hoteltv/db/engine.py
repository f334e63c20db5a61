"""Opening a hoteltv database: engine, pragmas, migrations (with a backup first), sessions.

``Database.open(home)`` is the one way in. SQLite is opened with WAL, ``foreign_keys=ON``,
``synchronous=FULL`` and a busy timeout; Alembic migrations are applied on open, after a backup copy of
the file; a database written by a newer program is refused. ``db.transaction(actor=...)`` is one unit of
work: it commits when the block ends and rolls back on any error, so a user action is all or nothing.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from hoteltv.db import tracking
from hoteltv.db.models import Meta
from hoteltv.db.revision import DB_FILENAME, MIGRATIONS, quick_head, stored_revision
from hoteltv.db.sqlite_copy import backup_sqlite
from hoteltv.errors import DatabaseError, DatabaseTooNewError

if TYPE_CHECKING:
    from alembic.config import Config

BUSY_TIMEOUT_MS = 10_000
#: Execution option of the laptop's writing transactions: they begin with ``BEGIN IMMEDIATE``. A deferred
#: transaction that reads and then writes cannot take the write lock once another connection committed
#: after its first read (SQLite answers "database is locked" at once, without the busy wait): an autosave
#: failed so while a sync started on its own thread and wrote its log line and lineage token.
_IMMEDIATE = "hoteltv_immediate"


def sqlite_url(path: Path) -> URL:
    """The SQLAlchemy URL of the SQLite file at ``path``, built from its parts, never by pasting the path
    into a string: a path with ``%``, ``#``, spaces, Chinese characters or a Windows drive (``C:\\``) is
    then the file itself (``sqlite:///`` + path would be read back with ``%20`` decoded). Render it with
    ``render_as_string(hide_password=False)`` where a string is needed; ``make_url`` reads that back."""
    return URL.create("sqlite", database=str(path))


def alembic_option(value: Path | str) -> str:
    """``value`` as an Alembic main option: its ini parser reads ``%`` as interpolation, ``%%`` as ``%``."""
    return str(value).replace("%", "%%")


def alembic_config() -> Config:
    """Alembic's configuration for the laptop schema. No URL goes in: the migrations run on the connection
    hoteltv hands over (``cfg.attributes["connection"]``), and Alembic's ini-style options would read the
    ``%`` escapes of a rendered URL as interpolation (the program's own folder may hold a ``%`` too:
    :func:`alembic_option` escapes it)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", alembic_option(MIGRATIONS))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    """Every schema revision this program's migrations know (a later one means a newer program)."""
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def sqlite_pragmas(
    engine: Engine, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS, foreign_keys: bool = True, begin: str = "BEGIN"
) -> None:
    """Set up every connection of the SQLite ``engine`` (laptop and server): WAL, ``synchronous=FULL``,
    the busy timeout, ``foreign_keys=ON`` unless told otherwise (the server on SQLite never turned it on),
    and transactions opened by SQLAlchemy with ``begin`` (the server's writers: ``BEGIN IMMEDIATE``)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (SQLAlchemy's pysqlite recipe).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        cur.execute("PRAGMA journal_mode = WAL")
        if foreign_keys:
            cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_IMMEDIATE) else begin)


class Database:
    """An open hoteltv database: the engine, a session factory and this device's id."""

    def __init__(self, engine: Engine, path: Path | None) -> None:
        self.engine = engine
        self.path = path
        self._commit_listeners: list[tracking.CommitListener] = []
        self._sessions = sessionmaker(
            engine, expire_on_commit=False, info={tracking.LISTENERS: self._commit_listeners}
        )
        tracking.install(self._sessions)
        #: The engine of writing transactions (``BEGIN IMMEDIATE``: they wait their turn for the write lock,
        #: up to the busy timeout, instead of failing when another connection wrote after they first read).
        self._writer = engine.execution_options(**{_IMMEDIATE: True})
        self.device_id = self._ensure_device_id()

    # --- opening -------------------------------------------------------------------------------
    @classmethod
    def open(cls, home: Path, *, backup_dir: Path | None = None) -> Database:
        """Open (creating if needed) the database in the data folder ``home`` and bring it up to date."""
        try:
            home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"cannot create the data folder {home}: {exc.strerror or exc}") from exc
        return cls.open_file(home / DB_FILENAME, backup_dir=backup_dir or home / "backups")

    @classmethod
    def open_file(cls, path: Path, *, backup_dir: Path | None = None) -> Database:
        engine = create_engine(sqlite_url(path), connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        sqlite_pragmas(engine)
        try:
            migrate(engine, path, backup_dir or path.parent / "backups")
        except SADatabaseError as exc:
            engine.dispose()
            raise _open_problem(path, exc) from exc
        except Exception:
            engine.dispose()
            raise
        return cls(engine, path)

    @classmethod
    def in_memory(cls) -> Database:
        """A private in-memory database (tests, benchmarks)."""
        from sqlalchemy.pool import StaticPool

        engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
        sqlite_pragmas(engine)
        migrate(engine, None, None)
        return cls(engine, None)

    def close(self) -> None:
        self.engine.dispose()

    # --- change notification -------------------------------------------------------------------
    def on_commit(self, listener: tracking.CommitListener) -> Callable[[], None]:
        """Call ``listener(changes)`` after every commit of this database (on the committing thread; keep
        it quick). Returns the function that stops it."""
        self._commit_listeners.append(listener)

        def stop() -> None:
            if listener in self._commit_listeners:
                self._commit_listeners.remove(listener)

        return stop

    # --- units of work -------------------------------------------------------------------------
    @contextmanager
    def transaction(self, actor: str = "") -> Iterator[Session]:
        """One unit of work: commits at the end of the block, rolls back on any exception."""
        session = self._sessions(bind=self._writer)
        session.info["device_id"] = self.device_id
        session.info["actor"] = actor
        try:
            with _explained(), session.begin():
                yield session
        finally:
            session.close()

    @contextmanager
    def writing(self, tables: Iterable[str] = ()) -> Iterator[Connection]:
        """A durable write of Core statements only (``synchronous=FULL`` like every transaction): no ORM
        session, no tracking, no outbox — for the sync's own notes about records (sent, versions adopted),
        where a session's set-up and flush would cost more than the statements. The commit listeners hear
        that ``tables`` changed (in bulk), as after a session's bulk update."""
        with _explained(), self._writer.begin() as conn:
            yield conn
        changed = tracking.Changes(bulk=frozenset(tables))
        if changed:
            tracking.notify(self._commit_listeners, changed)

    @contextmanager
    def bookkeeping(self) -> Iterator[Connection]:
        """A plain write whose loss in a power cut costs nothing (a log line, the last outcome shown per
        record): committed without waiting for the disk (``synchronous=NORMAL`` in WAL mode — the file stays
        whole, the newest such commits may be lost). No tracking, no outbox: Core statements only."""
        with self._writer.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None  # an open connection has its driver's
            raw.execute("PRAGMA synchronous = NORMAL")  # the driver is in autocommit: outside any transaction
            try:
                with _explained(), conn.begin():
                    yield conn
            finally:
                raw.execute("PRAGMA synchronous = FULL")

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session (rolled back at the end)."""
        session = self._sessions()
        session.info["device_id"] = self.device_id
        try:
            yield session
        finally:
            session.close()  # ends the transaction; loaded values stay readable (nothing is expired)

    # --- meta ----------------------------------------------------------------------------------
    def _ensure_device_id(self) -> str:
        with self._sessions() as s:  # a read first: opening needs no write lock once the id is there
            found = s.get(Meta, "device_id")
            if found is not None:
                return found.value
        with self._sessions(bind=self._writer) as s, s.begin():
            row = s.get(Meta, "device_id")
            if row is None:
                row = Meta(key="device_id", value=str(uuid.uuid4()))
                s.add(row)
            return row.value

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        with self.engine.connect() as conn:  # one plain read: no session, no unit of work
            value = conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (key,)).scalar()
        return default if value is None else str(value)

    def integrity_problems(self) -> list[str]:
        """SQLite's own integrity and foreign-key checks; an empty list means sound."""
        with self.engine.connect() as conn:
            problems = [str(msg) for (msg,) in conn.execute(text("PRAGMA integrity_check")) if msg != "ok"]
            for row in conn.execute(text("PRAGMA foreign_key_check")):
                problems.append(f"foreign key: table {row[0]} rowid {row[1]} → {row[2]}")
        return problems


def _open_problem(path: Path, exc: SADatabaseError) -> DatabaseError:
    """Why a database did not open, in words a person can act on: not "unusable" when the cause is the
    folder (read-only, or a disk too full for SQLite's -wal/-shm files), as the fault campaign found."""
    folder = path.parent
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return DatabaseError(
            f"{folder}: 数据目录是只读的,无法打开数据库(数据库未改动) (the data folder is read-only: "
            f"hoteltv needs to write there; copy it somewhere writable or use --home; nothing was changed)"
        )
    try:
        full = "disk" in str(exc.orig) and shutil.disk_usage(folder).free < 1 << 20
    except OSError:
        full = False
    if full:
        return DatabaseError(
            f"{folder}: 磁盘已满,无法打开数据库(数据库未改动),请释放磁盘空间 (the disk is full: the database "
            f"cannot be opened; free some space; nothing was changed)"
        )
    return DatabaseError(f"{path}: not a usable hoteltv database ({exc.orig})")


@contextmanager
def _explained() -> Iterator[None]:
    """SQLite's operational errors (read-only, disk full, locked) as a :class:`DatabaseError` that says so."""
    try:
        yield
    except OperationalError as exc:
        msg = str(exc.orig)
        if "readonly" in msg or "read-only" in msg:
            text = f"数据库是只读的,无法保存 (the database is read-only: {msg})"
        elif "disk" in msg and "full" in msg:
            text = f"磁盘已满,未保存任何更改 (disk full, nothing was saved: {msg})"
        elif "locked" in msg:
            text = f"数据库正被其他程序使用 (the database is busy in another program: {msg})"
        else:
            text = f"database error: {msg}"
        raise DatabaseError(text) from exc


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, path: Path | None, backup_dir: Path | None) -> None:
    """Bring the schema to head; back the file up first when it holds an older schema."""
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None  # an open connection has its driver's
        stored = stored_revision(raw)
    if stored is not None and stored == quick_head(MIGRATIONS):
        return  # up to date: the common case, decided without loading Alembic
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    current = current_revision(engine)
    if current == head:
        return
    if current is not None:
        if current not in known_revisions():
            raise DatabaseTooNewError(
                f"{path or 'database'}: 此数据库由更新版本的 hoteltv 创建 (schema {current}),请升级程序后再打开 "
                f"(written by a newer hoteltv; this program knows schemas up to {head}; it was left untouched)"
            )
        if path is not None and path.exists() and backup_dir is not None:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            try:
                backup_sqlite(path, backup_dir / f"hoteltv-before-{head}-{stamp}.db")
            except (OSError, sqlite3.Error) as exc:  # a full disk or a read-only folder, not a bug
                raise DatabaseError(
                    f"{path}: 升级数据库前的备份失败,数据库未改动;请释放磁盘空间后重试 (the copy made before "
                    f"upgrading the database failed: {exc}; the database was not changed)"
                ) from exc
    elif path is not None and path.exists() and path.stat().st_size > 0:
        with engine.connect() as conn:
            tables = [r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))]
        if tables:
            raise DatabaseError(f"{path}: holds tables but is not a hoteltv database; left untouched")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
