"""Simulated laptops that speak the sync protocol over HTTP, and a real ``hoteltv serve`` child process.

Used by the server load benchmark (``benchmarks/bench_server_load.py``) and the multi-worker tests
(``tests/sync/test_server_workers.py``). A :class:`SimLaptop` is not a laptop database: it builds the
records a laptop would send (a hotel, draft inspections owned by its device, photos with their files) as
protocol :class:`~hoteltv.sync.protocol.Change` objects and makes the requests the real client makes for a
sync — push in batches of at most 500 changes, ``/photos/missing``, small photos in ``/photos/batch``,
large ones by resumable ``PUT``, pull since its cursor (paged) and ``/sync/check``. Driving hundreds of
real laptop databases (SQLite, the ORM, the change tracking) from one machine would measure the laptops
rather than the server; the requests and bodies are the same. It remembers what it sent, so the server's
content can be checked afterwards against every laptop.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from hoteltv.domain.divisions import DivisionList, division_id
from hoteltv.sync.protocol import API_PREFIX, BATCH_PHOTO_MAX, MAX_BATCH, Change, frame

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def batch_key(device_id: str, changes: list[dict[str, Any]]) -> str:
    canonical = json.dumps(changes, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{device_id}\n{canonical}".encode()).hexdigest()


def _stamp() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class SimLaptop:
    """One laptop's records, what it sent, and its pull cursor."""

    number: int
    token: str
    division_code: str
    inspections: int = 20
    photos_each: int = 3
    photo_bytes: int = 20_000
    large_photo_bytes: int = 0  # one photo of this size (sent by resumable PUT); 0: none
    device_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    seq: int = 0
    since: int = 0
    records: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    pending: dict[tuple[str, str], Change] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    edits: int = 0
    photos_done: bool = False  # every photo file is on the server

    def __post_init__(self) -> None:
        self.rng = random.Random(self.number)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "X-Hoteltv-Device": self.device_id}

    # --- records -------------------------------------------------------------------------------------------
    def _change(self, entity: str, values: dict[str, Any], base: dict[str, Any] | None = None) -> None:
        key = (entity, values["id"])
        old = self.records.get(key)
        self.seq += 1
        version = (old["version"] + 1) if old else 1
        values = {**values, "version": version, "updated_at": _stamp(), "device_id": self.device_id}
        fields = {k for k in values if old is None or old.get(k) != values[k]}
        earlier = self.pending.get(key)
        if earlier is not None:  # not sent yet: one change covers both edits, as the outbox compacts
            fields |= set(earlier.fields)
        self.records[key] = values
        self.pending[key] = Change(
            entity=entity,  # type: ignore[arg-type]
            id=values["id"],
            seq=self.seq,
            version=version,
            created=old is None or (earlier is not None and earlier.created),
            fields=sorted(fields),
            base=base or {},
            values=values,
        )

    def build(self) -> None:
        """The first sync's records: a hotel, ``inspections`` draft inspections with photos."""
        now = _stamp()
        hotel_id = str(uuid.uuid4())
        common = {"created_at": now, "deleted": False}
        self._change(
            "hotels",
            {
                **common,
                "id": hotel_id,
                "name": f"模拟酒店 {self.number:04d}",
                "division_id": division_id(self.division_code),
                "pilot": True,
                "current_mode": "direct_live",
                "remediation_status": "compliant",
                "rooms": 40 + self.number % 60,
                "notes": None,
                "merged_into_id": None,
            },
        )
        for i in range(self.inspections):
            insp_id = str(uuid.uuid4())
            self._change(
                "inspections",
                {
                    **common,
                    "id": insp_id,
                    "record_number": f"JC-SIM-{self.number:04d}-{i:03d}",
                    "hotel_id": hotel_id,
                    "template_id": "hotel_tv",
                    "template_version": 1,
                    "kind": "first",
                    "status": "draft",
                    "owner_device_id": self.device_id,
                    "started_at": now,
                    "ids_shown": True,
                    "hotel_answers": {"tv_mode": "direct_live", "system_type": "cable"},
                    "findings": "抽查客房电视各项均符合要求。",
                    "signatures": {},
                    "hotel_snapshot": {},
                    "refusal": {},
                    "evidence_notes": {},
                },
            )
            for p in range(self.photos_each):
                large = self.large_photo_bytes and i == 0 and p == 0
                data = self.rng.randbytes(self.large_photo_bytes if large else self.photo_bytes)
                sha = hashlib.sha256(data).hexdigest()
                self.files[sha] = data
                self._change(
                    "photos",
                    {
                        **common,
                        "id": str(uuid.uuid4()),
                        "sha256": sha,
                        "inspection_id": insp_id,
                        "byte_size": len(data),
                        "mime": "image/jpeg",
                        "original_name": f"IMG_{i:03d}_{p}.jpg",
                        "annotation": {},
                        "time_confirmed": False,
                        "position": p,
                    },
                )

    def edit(self, n: int) -> None:
        """Change ``n`` of this laptop's inspections (their findings), as a person would between syncs."""
        inspections = [k for k in self.records if k[0] == "inspections"]
        for key in self.rng.sample(inspections, min(n, len(inspections))):
            self.edits += 1
            values = dict(self.records[key])
            values["findings"] = f"复查记录第 {self.edits} 次修改 (laptop {self.number})"
            self._change("inspections", values)

    # --- one sync --------------------------------------------------------------------------------------------
    def push_bodies(self) -> list[dict[str, Any]]:
        changes = [c.model_dump(mode="json") for c in self.pending.values()]
        rank = {"hotels": 0, "inspections": 1, "photos": 2}
        changes.sort(key=lambda c: (rank.get(c["entity"], 9), c["seq"]))
        bodies = []
        for i in range(0, len(changes), MAX_BATCH):
            part = changes[i : i + MAX_BATCH]
            bodies.append(
                {"device_id": self.device_id, "key": batch_key(self.device_id, part), "changes": part}
            )
        return bodies

    def sent(self, body: dict[str, Any], answer: dict[str, Any]) -> None:
        """A push answer: changes accepted are no longer pending."""
        ok = {(r["entity"], r["id"]) for r in answer["results"] if r["status"] in ("applied", "unchanged")}
        bad = [r for r in answer["results"] if r["status"] not in ("applied", "unchanged")]
        if bad:
            raise AssertionError(f"laptop {self.number}: changes not accepted: {bad[:3]}")
        for c in body["changes"]:
            key = (c["entity"], c["id"])
            if key in ok and self.pending.get(key) is not None and self.pending[key].seq == c["seq"]:
                del self.pending[key]

    def photo_frames(self, missing: list[str]) -> tuple[bytes, list[str]]:
        """The small missing photos as one ``/photos/batch`` body; and the large ones left for PUT."""
        small = [h for h in missing if len(self.files[h]) <= BATCH_PHOTO_MAX]
        large = [h for h in missing if len(self.files[h]) > BATCH_PHOTO_MAX]
        return b"".join(frame(h, self.files[h]) for h in small), large


Timing = Any  # a callable (endpoint, seconds, status) → None


async def timed(
    client: httpx.AsyncClient, note: Timing, name: str, method: str, url: str, **kw: Any
) -> httpx.Response:
    started = time.perf_counter()
    try:
        response = await client.request(method, url, **kw)
    except httpx.HTTPError:
        note(name, time.perf_counter() - started, 0)
        raise
    note(name, time.perf_counter() - started, response.status_code)
    return response


async def sync(lap: SimLaptop, client: httpx.AsyncClient, note: Timing, *, check: bool = True) -> None:
    """One sync as the client makes it: push, photos, pull (all pages), check."""
    p = API_PREFIX
    h = lap.headers
    for body in lap.push_bodies():
        r = await timed(client, note, "push", "POST", f"{p}/sync/push", json=body, headers=h)
        r.raise_for_status()
        lap.sent(body, r.json())
    hashes = sorted(lap.files)
    if hashes and not lap.photos_done:
        r = await timed(
            client, note, "photos/missing", "POST", f"{p}/photos/missing", json={"sha256": hashes}, headers=h
        )
        r.raise_for_status()
        missing = r.json()["missing"]
        assert not r.json()["unknown"], r.json()["unknown"][:3]
        frames, large = lap.photo_frames(missing)
        if frames:
            r = await timed(
                client,
                note,
                "photos/batch",
                "POST",
                f"{p}/photos/batch",
                content=frames,
                headers={**h, "Content-Type": "application/octet-stream"},
            )
            r.raise_for_status()
            assert not r.json()["refused"], r.json()["refused"]
        for sha in large:
            await upload(lap, client, note, sha)
        lap.photos_done = True
    more = True
    while more:
        r = await timed(client, note, "pull", "GET", f"{p}/sync/pull", params={"since": lap.since}, headers=h)
        r.raise_for_status()
        page = r.json()
        lap.since, more = page["next"], page["more"]
    if check:
        r = await timed(client, note, "check", "GET", f"{p}/sync/check", headers=h)
        r.raise_for_status()


async def upload(
    lap: SimLaptop, client: httpx.AsyncClient, note: Timing, sha: str, chunk: int = 512 * 1024
) -> None:
    """A resumable upload in chunks, asking where to resume after a 409 (another upload ran meanwhile)."""
    p = API_PREFIX
    data = lap.files[sha]
    for _attempt in range(20):
        r = await timed(
            client, note, "photos/upload-state", "GET", f"{p}/photos/{sha}/upload", headers=lap.headers
        )
        r.raise_for_status()
        state = r.json()
        offset = state["received"]
        while not state["complete"] and offset < len(data):
            piece = data[offset : offset + chunk]
            r = await timed(
                client,
                note,
                "photos/put",
                "PUT",
                f"{p}/photos/{sha}",
                params={"offset": offset, "total": len(data)},
                content=piece,
                headers={**lap.headers, "Content-Type": "application/octet-stream"},
            )
            if r.status_code == 409:
                break
            r.raise_for_status()
            state = r.json()
            offset = state["received"]
        if state["complete"]:
            return
    raise AssertionError(f"upload of {sha[:12]} did not finish")


def check_server_holds(db_url: str, laptops: list[SimLaptop]) -> dict[str, int]:
    """The server's records and change log hold exactly what the laptops sent: every record once, with the
    values its laptop last sent; each laptop change logged once; sequence numbers unique and gap-free;
    every photo file there with its hash. Raises AssertionError naming what differs."""
    from sqlalchemy import create_engine, func, select

    from hoteltv.sync.server.models import Blob, ChangeLog, Record, ServerState
    from hoteltv.sync.server.store import normalise_url

    engine = create_engine(normalise_url(db_url))
    try:
        with engine.connect() as conn:
            devices = {lap.device_id: lap for lap in laptops}
            rows = conn.execute(
                select(Record.entity, Record.id, Record.data).where(Record.entity != "divisions")
            ).all()
            held = {(e, i): d for e, i, d in rows}
            expected: dict[tuple[str, str], dict[str, Any]] = {}
            for lap in laptops:
                assert not lap.pending, f"laptop {lap.number} still has {len(lap.pending)} unsent changes"
                expected.update(lap.records)
            lost = [k for k in expected if k not in held]
            extra = [k for k in held if k not in expected and held[k].get("device_id") in devices]
            assert not lost, f"{len(lost)} records lost, e.g. {lost[:3]}"
            assert not extra, f"{len(extra)} records the laptops never sent, e.g. {extra[:3]}"
            differ = [
                k for k, v in expected.items() if any(held[k].get(f) != v[f] for f in v if f != "version")
            ]
            assert not differ, f"{len(differ)} records differ from what was sent, e.g. {differ[:3]}"
            seqs = [s for (s,) in conn.execute(select(ChangeLog.seq).order_by(ChangeLog.seq))]
            head = conn.execute(select(ServerState.value).where(ServerState.key == "seq")).scalar_one()
            assert len(seqs) == len(set(seqs)), "a sequence number was given twice"
            assert seqs == list(range(seqs[0], head + 1)) if seqs else True, "sequence numbers have gaps"
            logged = conn.execute(
                select(ChangeLog.device_id, ChangeLog.origin_seq, func.count())
                .where(ChangeLog.device_id.in_(list(devices)))
                .group_by(ChangeLog.device_id, ChangeLog.origin_seq)
                .having(func.count() > 1)
            ).all()
            assert not logged, f"changes logged twice: {logged[:3]}"
            sent_changes = sum(lap.seq for lap in laptops)
            n_logged = conn.execute(
                select(func.count()).select_from(ChangeLog).where(ChangeLog.device_id.in_(list(devices)))
            ).scalar_one()
            assert n_logged == sent_changes, f"{n_logged} changes logged, the laptops made {sent_changes}"
            hashes = {h for lap in laptops for h in lap.files}
            blobs = {h for (h,) in conn.execute(select(Blob.sha256))}
            assert hashes <= blobs, f"{len(hashes - blobs)} photo files missing on the server"
            return {"records": len(expected), "changes": n_logged, "photos": len(hashes), "head": int(head)}
    finally:
        engine.dispose()


def add_accounts(
    db_url: str, laptops: int, divisions: list[str], cities: Sequence[DivisionList] = ()
) -> tuple[list[tuple[str, str]], str]:
    """One inspector account and token per laptop (division codes in turn), and an admin token; the
    database gets the counties of ``cities`` first (none: Baoshan's)."""
    from hoteltv.sync.protocol import UserIn
    from hoteltv.sync.server import admin
    from hoteltv.sync.server.store import ServerDB

    db = ServerDB(db_url, cities)
    try:
        out = []
        for n in range(laptops):
            code = divisions[n % len(divisions)]
            admin.add_user(db, UserIn(name=f"lap{n:04d}", role="inspector", divisions=[code]))
            token = admin.issue_token(db, f"lap{n:04d}").token
            assert token is not None
            out.append((code, token))
        admin.add_user(db, UserIn(name="root", role="admin", divisions=[]))
        root = admin.issue_token(db, "root").token
        assert root is not None
        return out, root
    finally:
        db.close()


@dataclass
class ServeProcess:
    """A running ``hoteltv serve`` child: its address, process and log."""

    url: str
    proc: subprocess.Popen[bytes]
    log: Path
    workers: int

    def worker_pids(self) -> list[int]:
        import psutil

        try:
            return [p.pid for p in psutil.Process(self.proc.pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def log_tail(self, n: int = 3000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-n:]


@contextmanager
def serve(
    db_url: str, data: Path, *, workers: int = 4, timeout: float = 60.0, extra: list[str] | None = None
) -> Iterator[ServeProcess]:
    """Start ``hoteltv serve --workers N`` on a free loopback port; wait until every worker is up; stop it
    (SIGTERM, then kill) at the end."""
    import psutil

    port = free_port()
    data.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.pop("HOTELTV_HOME", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = data / "server.log"
    cmd = [sys.executable, "-m", "hoteltv.cli", "--home", str(data / "home"), "serve", "--data", str(data)]
    cmd += ["--database-url", db_url, "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    with open(log, "ab") as fh:
        proc = subprocess.Popen([*cmd, *(extra or [])], cwd=ROOT, env=env, stdout=fh, stderr=fh)
    server = ServeProcess(f"http://127.0.0.1:{port}", proc, log, workers)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"hoteltv serve exited with {proc.returncode}: {server.log_tail()}")
            ready = False
            with contextlib.suppress(httpx.TransportError):
                ready = httpx.get(f"{server.url}/healthz", timeout=2).status_code == 200
            # uvicorn's supervisor is the child; with workers > 1 it has one process per worker (and
            # multiprocessing's resource tracker), each logging "Application startup complete".
            started = server.log_tail(1 << 20).count("Application startup complete")
            if ready and (workers == 1 or started >= workers):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"hoteltv serve did not start: {server.log_tail()}")
            time.sleep(0.1)
        yield server
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                for child in psutil.Process(proc.pid).children(recursive=True):
                    child.kill()
                proc.kill()
                proc.wait(timeout=10)
