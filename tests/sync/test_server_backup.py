"""packaging/server/backup.sh and restore.sh, run for real: a PostgreSQL server with records, users and photos is
backed up while it runs, restored into a new database and a new data folder, and a server started on those
serves the same records and the same photo bytes to the same token. A damaged backup, or a database that is
not empty, is refused and nothing is changed."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, inspect

from benchmarks.bench_server_load import fresh_database
from benchmarks.sync_sim import SimLaptop, sync
from hoteltv.photos.store import PhotoStore
from hoteltv.sync.protocol import API_PREFIX, UserIn
from hoteltv.sync.server import admin
from hoteltv.sync.server.app import create_app
from hoteltv.sync.server.store import normalise_url
from tests.sync.conftest import LONGYANG, PG_ENV, database_url
from tests.sync.helpers import serving

SCRIPTS = Path(__file__).resolve().parents[2] / "packaging" / "server"

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or not all(shutil.which(t) for t in ("bash", "pg_dump", "pg_restore", "psql")),
    reason="the server's backup scripts are bash with PostgreSQL's client tools (Linux)",
)


def _plain(url: str) -> str:
    """The URL as PostgreSQL's own tools take it (no SQLAlchemy driver name)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _script(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPTS / name), *args], capture_output=True, text=True, timeout=300)


def _everything(url: str, token: str, photo: str) -> tuple[list[Any], list[Any], bytes]:
    headers = {"Authorization": f"Bearer {token}"}
    records = httpx.get(f"{url}{API_PREFIX}/sync/pull", params={"since": 0}, headers=headers).json()[
        "records"
    ]
    conflicts = httpx.get(f"{url}{API_PREFIX}/conflicts", headers=headers).json()
    data = httpx.get(f"{url}{API_PREFIX}/photos/{photo}", headers=headers)
    assert data.status_code == 200
    return sorted(records, key=lambda r: (r["entity"], r["id"])), conflicts, data.content


def test_backup_and_restore_serve_the_same(tmp_path: Path) -> None:
    url = database_url("postgresql", tmp_path)
    data = tmp_path / "srv"
    app = create_app(url, data / "photos")
    db = app.state.db
    admin.add_user(db, UserIn(name="office", role="office", divisions=[]))
    admin.add_user(db, UserIn(name="ly", role="inspector", divisions=[LONGYANG]))
    office = admin.issue_token(db, "office").token
    ly = admin.issue_token(db, "ly").token
    assert office and ly
    lap = SimLaptop(
        1, ly, LONGYANG, inspections=3, photos_each=2, photo_bytes=6000, large_photo_bytes=1_200_000
    )
    lap.build()
    big = max(lap.files, key=lambda h: len(lap.files[h]))
    with serving(app) as server:

        async def first_sync() -> None:
            async with httpx.AsyncClient(base_url=server, timeout=60) as client:
                await sync(lap, client, lambda *_: None)

        asyncio.run(first_sync())
        before = _everything(server, office, big)
        out = _script(
            "backup.sh", "--database-url", _plain(url), "--data", str(data), "--out", str(tmp_path / "bk")
        )
        assert out.returncode == 0, out.stderr
    backup = Path(out.stdout.strip())
    assert sorted(p.name for p in backup.iterdir()) == ["SHA256SUMS", "database.dump", "files.tar"]
    assert len(before[0]) == 5 + 1 + 3 + 6  # divisions, the hotel, inspections, photos

    base = os.environ[PG_ENV]
    with fresh_database(base) as new_url:
        new_data = tmp_path / "restored"
        # A damaged backup is refused before anything is touched.
        damaged = tmp_path / "damaged"
        shutil.copytree(backup, damaged)
        with open(damaged / "files.tar", "r+b") as fh:
            fh.seek(2000)
            fh.write(b"\0garbage\0")
        bad = _script("restore.sh", str(damaged), "--database-url", _plain(new_url), "--data", str(new_data))
        assert bad.returncode != 0 and "damaged" in bad.stderr
        assert not new_data.exists()

        done = _script("restore.sh", str(backup), "--database-url", _plain(new_url), "--data", str(new_data))
        assert done.returncode == 0, done.stderr
        # Restoring again over it is refused: the database is no longer empty.
        again = _script(
            "restore.sh", str(backup), "--database-url", _plain(new_url), "--data", str(tmp_path / "x")
        )
        assert again.returncode != 0 and "already has" in again.stderr

        restored = create_app(new_url, new_data / "photos")
        with serving(restored) as server:
            after = _everything(server, office, big)
            assert (
                httpx.get(
                    f"{server}{API_PREFIX}/hello", headers={"Authorization": f"Bearer {ly}"}
                ).status_code
                == 200
            )
        assert after[0] == before[0]
        assert after[1] == before[1]
        assert after[2] == before[2] == lap.files[big]
        store = PhotoStore(new_data / "photos")
        for sha, content in lap.files.items():
            assert store.path(sha).read_bytes() == content
        engine = create_engine(normalise_url(new_url))
        try:
            assert "hoteltv_server_version" in inspect(engine).get_table_names()
        finally:
            engine.dispose()
