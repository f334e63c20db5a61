"""Fixtures for the sync tests: a server in-process (SQLite, and PostgreSQL when ``HOTELTV_TEST_PG_URL`` is
set), users of every role with tokens, and laptops (data folders) with a sync client each.

In CI (``CI`` set) the PostgreSQL run is required: a missing ``HOTELTV_TEST_PG_URL`` fails the tests
instead of skipping them, so the server suite can never pass on SQLite alone unnoticed.
"""

from __future__ import annotations

import atexit
import functools
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, text

from hoteltv.db.engine import Database, sqlite_url
from hoteltv.domain.divisions import default_divisions
from hoteltv.photos.store import PhotoStore
from hoteltv.services.setup import ensure_divisions
from hoteltv.sync.client import RetryPolicy, SyncClient
from hoteltv.sync.protocol import UserIn
from hoteltv.sync.server import admin
from hoteltv.sync.server.app import create_app
from hoteltv.sync.server.models import ServerBase
from hoteltv.sync.server.schema import VERSION_TABLE
from hoteltv.sync.server.store import normalise_url
from tests.sync.asgi import ASGITransport, Plan

PG_ENV = "HOTELTV_TEST_PG_URL"
LONGYANG = "530502"
TENGCHONG = "530581"
NO_WAIT = RetryPolicy(attempts=4, base=0.0, jitter=0.0, sleep=lambda _s: None)


def _backends() -> list[Any]:
    return ["sqlite", "postgresql"]


@functools.cache
def _session_database(base_url: str) -> str:
    """A PostgreSQL database of this test process alone, made on first use and dropped at exit.

    Test runs started side by side (a developer's run beside CI, or two checkouts) would otherwise drop
    each other's tables mid-test. Needs the CREATEDB right (``.ci/pg.sh`` grants it)."""
    base = make_url(normalise_url(base_url))
    name = f"{base.database}_{os.getpid()}_{secrets.token_hex(3)}"
    admin_engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin_engine.dispose()

    def drop() -> None:
        engine = create_engine(base, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    atexit.register(drop)
    return base.set(database=name).render_as_string(hide_password=False)


def database_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return sqlite_url(tmp_path / "server.db").render_as_string(hide_password=False)
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(
                f"{PG_ENV} is not set: CI must run the sync server tests on PostgreSQL (see .ci/pg.sh)"
            )
        pytest.skip(f"{PG_ENV} not set (PostgreSQL server tests run in CI)")
    url = _session_database(url)
    engine = create_engine(normalise_url(url))
    ServerBase.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {VERSION_TABLE}"))
    engine.dispose()
    return url


@dataclass
class Server:
    app: Any
    transport: ASGITransport
    plan: Plan
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def db(self) -> Any:
        return self.app.state.db

    def http(self, user: str) -> Any:
        import httpx

        return httpx.Client(
            base_url="http://testserver",
            transport=self.transport,
            headers={"Authorization": f"Bearer {self.tokens[user]}"},
        )


@pytest.fixture(params=_backends())
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    url = database_url(request.param, tmp_path)
    app = create_app(url, tmp_path / "server-photos")
    plan = Plan()
    srv = Server(app, ASGITransport(app, plan), plan)
    db = app.state.db
    for name, role, divisions in (
        ("admin", "admin", []),
        ("office", "office", []),
        ("ly", "inspector", [LONGYANG]),
        ("tc", "inspector", [TENGCHONG]),
    ):
        admin.add_user(db, UserIn(name=name, role=role, divisions=divisions))  # type: ignore[arg-type]
        token = admin.issue_token(db, name).token
        assert token is not None
        srv.tokens[name] = token
    yield srv
    srv.transport.shutdown()
    db.close()


@dataclass
class Laptop:
    name: str
    home: Path
    db: Database
    store: PhotoStore
    server: Server
    user: str

    def client(self, user: str | None = None, **kw: Any) -> SyncClient:
        kw.setdefault("retry", NO_WAIT)
        return SyncClient(
            self.db,
            self.store,
            "http://testserver",
            self.server.tokens[user or self.user],
            transport=self.server.transport,
            **kw,
        )

    def sync(self, **kw: Any) -> Any:
        with self.client(**kw) as c:
            return c.sync()


@pytest.fixture
def laptop(server: Server, tmp_path: Path) -> Iterator[Callable[[str, str], Laptop]]:
    made: list[Laptop] = []

    def make(name: str, user: str) -> Laptop:
        home = tmp_path / name
        db = Database.open(home)
        ensure_divisions(db, default_divisions())
        lap = Laptop(name, home, db, PhotoStore.for_home(home), server, user)
        made.append(lap)
        return lap

    yield make
    for lap in made:
        lap.db.close()
