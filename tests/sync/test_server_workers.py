"""``hoteltv serve --workers 4`` on PostgreSQL: a real server child process with four uvicorn workers, driven
over HTTP by many concurrent simulated laptops (benchmarks/sync_sim.py).

Checked: sequence numbers unique and gap-free, nothing lost and nothing stored twice; the same batch pushed
six times at once is applied once; concurrent edits of one field from four devices give one applied change
and three conflict records; concurrent resumable uploads of one photo end with the whole file; a token
revoked through one worker is refused by every worker within about a second; ``/metrics`` adds up every
worker's figures. SQLite refuses more than one worker with a clear message.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, select

from benchmarks.sync_sim import SimLaptop, add_accounts, batch_key, check_server_holds, serve, sync, upload
from hoteltv.cli import main
from hoteltv.domain.divisions import division_id
from hoteltv.photos.store import PhotoStore
from hoteltv.sync.protocol import API_PREFIX
from hoteltv.sync.server import admin
from hoteltv.sync.server.models import Conflict, Record
from hoteltv.sync.server.store import ServerDB, normalise_url
from tests.sync.conftest import LONGYANG, TENGCHONG, database_url

P = API_PREFIX


def _note(_name: str, _seconds: float, _status: int) -> None:
    return None


def test_sqlite_is_single_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["--home", str(tmp_path / "home"), "serve", "--data", str(tmp_path / "srv"), "--workers", "4"]
    )
    err = capsys.readouterr().err
    assert code != 0
    assert "SQLite is served by one process only" in err and "--workers 4" in err
    assert not (tmp_path / "srv" / "server.db").exists()  # refused before anything was made


def _clients(url: str, n: int) -> list[httpx.AsyncClient]:
    """Separate clients, so requests come on separate connections and land on different workers."""
    return [httpx.AsyncClient(base_url=url, timeout=120) for _ in range(n)]


async def _close(clients: list[httpx.AsyncClient]) -> None:
    for c in clients:
        await c.aclose()


def test_four_workers_concurrent_clients(tmp_path: Path) -> None:
    url = database_url("postgresql", tmp_path)
    accounts, root = add_accounts(url, 8, [LONGYANG, TENGCHONG])
    laps = [
        SimLaptop(n, token, code, inspections=6, photos_each=2, photo_bytes=3000, large_photo_bytes=0)
        for n, (code, token) in enumerate(accounts)
    ]
    for lap in laps:
        lap.build()
    pushes = 0

    def note(name: str, _s: float, status: int) -> None:
        nonlocal pushes
        if name == "push" and status == 200:
            pushes += 1

    with serve(url, tmp_path / "srv", workers=4) as srv:

        async def scenario() -> dict[str, Any]:
            clients = _clients(srv.url, len(laps))
            try:
                # Every laptop's first sync at once, then edits and syncs at once, twice over.
                await asyncio.gather(*(sync(lap, c, note) for lap, c in zip(laps, clients, strict=True)))
                for _round in range(2):
                    for lap in laps:
                        lap.edit(5)
                    await asyncio.gather(*(sync(lap, c, note) for lap, c in zip(laps, clients, strict=True)))

                # The same batch sent six times at once (lost answers, retries): applied once.
                lap = laps[0]
                lap.edit(3)
                (body,) = lap.push_bodies()
                answers = await asyncio.gather(
                    *(c.post(f"{P}/sync/push", json=body, headers=lap.headers) for c in clients[:6])
                )
                assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
                replayed = sorted(a.json()["replayed"] for a in answers)
                assert replayed == [False] + [True] * 5
                results = {str(a.json()["results"]) for a in answers}
                assert len(results) == 1  # every copy got the same answer
                lap.sent(body, answers[0].json())
                return {"answers": answers}
            finally:
                await _close(clients)

        asyncio.run(scenario())
        workers_seen = {p.name for p in (tmp_path / "srv" / "metrics").glob("counter_*.db")}
        metrics = httpx.get(f"{srv.url}/metrics", timeout=30).text
    held = check_server_holds(url, laps)
    assert held["records"] == 8 * (1 + 6 + 6 * 2)
    assert len(workers_seen) >= 2, workers_seen  # the requests were served by several processes
    # /metrics adds up every worker: each push (six copies of one batch among them) is counted once.
    batches = sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("hoteltv_sync_batches_total{")
    )
    assert batches == pushes + 6
    assert 'hoteltv_sync_batches_total{outcome="replayed"} 5.0' in metrics
    assert root


def test_four_workers_conflicts_photos_and_revocation(tmp_path: Path) -> None:
    url = database_url("postgresql", tmp_path)
    accounts, root = add_accounts(url, 4, [LONGYANG])
    owner = SimLaptop(0, accounts[0][1], LONGYANG, inspections=1, photos_each=1, large_photo_bytes=1_500_000)
    owner.build()
    hotel_id = next(i for (e, i) in owner.records if e == "hotels")
    hotel = owner.records[("hotels", hotel_id)]
    (sha,) = owner.files

    with serve(url, tmp_path / "srv", workers=4) as srv:

        async def scenario() -> list[dict[str, Any]]:
            clients = _clients(srv.url, 8)
            try:
                for body in owner.push_bodies():
                    r = await clients[0].post(f"{P}/sync/push", json=body, headers=owner.headers)
                    r.raise_for_status()
                    owner.sent(body, r.json())
                # Four uploads of the same 1.5 MB photo at once, in 128 KB pieces: they take turns.
                await asyncio.gather(*(upload(owner, c, _note, sha, chunk=128 * 1024) for c in clients[:4]))

                # Four devices (four accounts of the division) change the hotel's notes at once, all from
                # the same base: one is applied, three are conflicts.
                async def edit(n: int, client: httpx.AsyncClient) -> dict[str, Any]:
                    device = str(uuid.uuid4())
                    values = {**hotel, "notes": f"备注 {n}", "device_id": device, "version": 2}
                    change = {
                        "entity": "hotels",
                        "id": hotel_id,
                        "seq": 1,
                        "version": 2,
                        "created": False,
                        "fields": ["notes"],
                        "base": {"notes": None},
                        "values": values,
                    }
                    body = {"device_id": device, "key": batch_key(device, [change]), "changes": [change]}
                    headers = {"Authorization": f"Bearer {accounts[n][1]}", "X-Hoteltv-Device": device}
                    r = await client.post(f"{P}/sync/push", json=body, headers=headers)
                    r.raise_for_status()
                    result: dict[str, Any] = r.json()["results"][0]
                    return result

                return list(await asyncio.gather(*(edit(n, c) for n, c in enumerate(clients[4:]))))
            finally:
                await _close(clients)

        results = asyncio.run(scenario())
        assert sorted(r["status"] for r in results) == ["applied", "conflict", "conflict", "conflict"]
        applied = next(r for r in results if r["status"] == "applied")

        # A token revoked through one worker is refused by every worker within about a second.
        token = accounts[3][1]
        warm = [
            httpx.get(f"{srv.url}{P}/hello", headers={"Authorization": f"Bearer {token}"}, timeout=30)
            for _ in range(16)
        ]
        assert all(r.status_code == 200 for r in warm)
        db = ServerDB(url)
        try:
            token_id = next(t.id for t in admin.list_tokens(db) if t.user == "lap0003")
        finally:
            db.close()
        r = httpx.delete(
            f"{srv.url}{P}/tokens/{token_id}", headers={"Authorization": f"Bearer {root}"}, timeout=30
        )
        assert r.status_code == 200 and r.json()["revoked"]
        revoked_at = time.monotonic()
        time.sleep(1.5)
        after = [
            httpx.get(f"{srv.url}{P}/hello", headers={"Authorization": f"Bearer {token}"}, timeout=30)
            for _ in range(16)
        ]
        assert [r.status_code for r in after] == [401] * 16, time.monotonic() - revoked_at

    # The photo is whole in the store, and nothing is left half-uploaded.
    store = PhotoStore(tmp_path / "srv" / "photos")
    assert hashlib.sha256(store.path(sha).read_bytes()).hexdigest() == sha
    assert not list((tmp_path / "srv" / "photos" / "incoming").iterdir())
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(Conflict.field, Conflict.client_value, Conflict.server_value).where(
                    Conflict.record_id == hotel_id
                )
            ).all()
            data = conn.execute(
                select(Record.data).where(Record.entity == "hotels", Record.id == hotel_id)
            ).scalar_one()
    finally:
        engine.dispose()
    assert len(rows) == 3 and {r.field for r in rows} == {"notes"}
    assert data["notes"] not in {r.client_value for r in rows}  # the applied value stands
    assert {r.server_value for r in rows} == {data["notes"]}
    assert data["division_id"] == division_id(LONGYANG) and applied["id"] == hotel_id
