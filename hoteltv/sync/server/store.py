"""The server's database: engine for SQLite (default) or PostgreSQL, sessions, and the write lock.

Sequence numbers are given in commit order, so a client that pulls "after N" never skips a change that
commits later with a smaller number: the ``seq`` counter row is moved (and so locked, on PostgreSQL) just
before the transaction commits and stays locked until it has. On SQLite every write transaction starts with
``BEGIN IMMEDIATE`` (one writer at a time).

Within one server process the SQLite writers also take turns on a lock of their own
(:attr:`ServerDB._writers`): a writer waiting for another one is woken the moment it commits, where SQLite's
busy handler would poll with growing sleeps (up to 100 ms) — a push and a photo batch stored beside it
each waited out such sleeps. Writers in other processes still meet at SQLite's lock.

On PostgreSQL, pushes of different divisions run at once (:meth:`ServerDB.push_write`): a push takes a
shared lock on all writes and an exclusive one on each division its account may write; an account that may
write everywhere, and every other write that hands out numbers (:meth:`ServerDB.write`), takes the lock on
all writes alone. So two transactions that could touch the same record never overlap.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, cast

from sqlalchemy import Engine, Table, create_engine, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from hoteltv.db.engine import sqlite_pragmas
from hoteltv.domain.divisions import DivisionInfo, DivisionList, default_divisions
from hoteltv.sync.server.auth import TokenCache
from hoteltv.sync.server.codes import CreditCodeIndex
from hoteltv.sync.server.models import Record, ServerState, now
from hoteltv.sync.server.schema import upgrade_server_schema

#: PostgreSQL advisory lock key of seeding a new database (any fixed number other lock users do not use).
_SEED_LOCK_KEY = 0x68746276_5EED
#: The lock on all writes that hand out sequence numbers (exclusive, or shared by pushes of divisions).
_WRITES_LOCK_KEY = 0x68746276_5E90


def _division_lock_key(division_id: str) -> int:
    """The advisory lock key of one division's pushes (a signed 64-bit number from its id)."""
    digest = hashlib.sha256(f"hoteltv division {division_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _lock(session: Session, key: int, *, shared: bool = False) -> None:
    """Take a PostgreSQL advisory lock, held until the transaction ends."""
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    session.execute(text(f"SELECT {function}(:k)"), {"k": key})


def normalise_url(url: str) -> str:
    """``postgresql://…`` → the psycopg 3 driver; anything else as given."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


class EncodedJSON(str):
    """JSON text already encoded (a push's answer, made by pydantic): written to a JSON column as it is,
    where any other value is encoded by :func:`json.dumps` (SQLAlchemy's default)."""


def _encode_json(value: Any) -> str:
    return value if isinstance(value, EncodedJSON) else json.dumps(value)


def _sqlite_engine(url: str, immediate: bool) -> Engine:
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30}, json_serializer=_encode_json
    )
    sqlite_pragmas(
        engine, busy_timeout_ms=30_000, foreign_keys=False, begin="BEGIN IMMEDIATE" if immediate else "BEGIN"
    )
    return engine


class ServerDB:
    """Engines and sessions of the server database; tables are created when missing."""

    def __init__(self, url: str, divisions: DivisionList | Sequence[DivisionList] | None = None) -> None:
        """``divisions``: the cities whose counties this server serves (missing ones are added); None: the
        shipped Baoshan list, but only into a database that has no divisions yet (a province's server
        started without them keeps its own)."""
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = _sqlite_engine(self.url, immediate=False)
            self.write_engine = _sqlite_engine(self.url, immediate=True)
        else:
            self.engine = create_engine(
                self.url, pool_pre_ping=True, pool_size=10, max_overflow=10, json_serializer=_encode_json
            )
            self.write_engine = self.engine
        upgrade_server_schema(self.write_engine, make_url(self.url).render_as_string(hide_password=True))
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self.write_engine, expire_on_commit=False)
        cities = (divisions,) if isinstance(divisions, DivisionList) else tuple(divisions or ())
        self.server_id = self._init_state(cities)
        #: Per database, never module-global: two servers in one process (tests, tools) must not see
        #: each other's tokens or answers.
        self.tokens = TokenCache()
        self.check_cache: dict[tuple[int, str], Any] = {}
        #: Live hotels by credit code (see :mod:`hoteltv.sync.server.codes`).
        self.credit_codes = CreditCodeIndex()
        #: SQLite: the process's writers in turn (see the module docstring); reentrant, so a thread that
        #: already writes meets SQLite's own lock as before. Nothing on PostgreSQL.
        self._writers: AbstractContextManager[Any] = threading.RLock() if self.is_sqlite else nullcontext()

    def close(self) -> None:
        self.engine.dispose()
        if self.write_engine is not self.engine:
            self.write_engine.dispose()

    def _init_state(self, cities: tuple[DivisionList, ...]) -> str:
        with self._write() as s, s.begin():
            if not self.is_sqlite:  # several processes starting at once seed the counter and divisions once
                _lock(s, _SEED_LOCK_KEY)
                # Seeding a division moves the counter (:meth:`next_seq` reads and writes it back): under
                # the lock on all writes, like every other counter move, or a push running in a worker
                # meanwhile could take the same numbers (a tool started beside a running server).
                _lock(s, _WRITES_LOCK_KEY)
            if s.get(ServerState, "seq") is None:
                s.add(ServerState(key="seq", value=0))
            sid = s.get(ServerState, "server_id")
            if sid is None:
                sid = ServerState(key="server_id", value=0, text=str(uuid.uuid4()))
                s.add(sid)
            s.flush()
            seeded = set(s.scalars(select(Record.id).where(Record.entity == "divisions")))
            stamp = now().isoformat()
            for divisions, info in self._to_seed(cities, seeded):
                seq = self.next_seq(s)
                data = {
                    "id": info.id,
                    "code": info.code,
                    "name": info.name,
                    "aliases": list(info.aliases),
                    "city_code": divisions.city_code,
                    "created_at": stamp,
                    "updated_at": stamp,
                    "device_id": "server",
                    "version": 1,
                    "deleted": False,
                }
                s.add(
                    Record(entity="divisions", id=info.id, data=data, version=1, seq=seq, division_id=info.id)
                )
            return sid.text

    @staticmethod
    def _to_seed(
        cities: tuple[DivisionList, ...], seeded: set[str]
    ) -> Iterator[tuple[DivisionList, DivisionInfo]]:
        """The divisions to add: those of ``cities`` not in the database yet; with no cities given, the
        shipped list into a database that has none."""
        if not cities and seeded:
            return
        for divisions in cities or (default_divisions(),):
            for info in divisions.divisions:
                if info.id not in seeded:
                    yield divisions, info

    @contextmanager
    def write(self, *, sequenced: bool = True) -> Iterator[Session]:
        """A writing transaction, by default holding the sequence lock until it commits (every write that
        hands out sequence numbers, or must not interleave with one). Writes that give none — a device's
        last-seen time, a token's last use, a photo file's row — pass ``sequenced=False``: on PostgreSQL
        they then do not queue behind pushes (and must bear a concurrent insert of the same row); SQLite
        runs one writer at a time anyway."""
        session = self._write()
        try:
            with self._writers, session.begin():
                # The lock on all writes, alone: no push (it holds that lock shared) nor another such
                # write runs meanwhile, and every statement that moves the counter runs under it, so no
                # row lock on the counter is needed here (:meth:`take_seqs` takes it when it moves it).
                if sequenced and not self.is_sqlite:
                    _lock(session, _WRITES_LOCK_KEY)
                yield session
        finally:
            session.close()

    @contextmanager
    def push_write(self, divisions: Iterable[str] | None) -> Iterator[Session]:
        """A push's transaction. ``divisions``: every division the pushing account may write (its records
        then cannot be touched by a concurrent push of other divisions); None: it may write anywhere, so it
        runs alone. Sequence numbers are taken at the end with :meth:`take_seqs`."""
        session = self._write()
        try:
            with self._writers, session.begin():
                if not self.is_sqlite:
                    _lock(session, _WRITES_LOCK_KEY, shared=divisions is not None)
                    for division in sorted(set(divisions or ())):  # always in one order: no deadlock
                        _lock(session, _division_lock_key(division))
                yield session
        finally:
            session.close()

    @staticmethod
    def take_seqs(session: Session, n: int) -> int:
        """Move the head by ``n`` and return the new head; the counter row stays locked until the
        transaction ends, so transactions that take numbers commit in the order of their numbers."""
        table = cast(Table, ServerState.__table__)
        stmt = (
            update(table).where(table.c.key == "seq").values(value=table.c.value + n).returning(table.c.value)
        )
        head = int(session.execute(stmt).scalar_one())
        state = session.identity_map.get(session.identity_key(ServerState, "seq"))  # loaded before: stale now
        if state is not None:
            session.expire(state)
        return head

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self._read()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    @staticmethod
    def next_seq(session: Session) -> int:
        state = session.get(ServerState, "seq")
        assert state is not None
        state.value += 1
        session.flush()
        return state.value

    @staticmethod
    def head(session: Session) -> int:
        """The counter as it stands (one Core read: no ORM object that :meth:`take_seqs` would leave stale)."""
        return int(session.scalar(select(ServerState.value).where(ServerState.key == "seq")) or 0)
