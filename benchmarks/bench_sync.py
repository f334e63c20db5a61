"""Sync over loopback: the first sync of N finalized inspections (one per hotel, three small photos each),
and a sync with nothing to do (aim: ≤ 100 ms). Medians of several runs.

The server runs in its own process (uvicorn on 127.0.0.1, SQLite in a temporary folder), the client here,
so the two do not share one interpreter lock. Each first-sync run starts from a fresh server and a fresh
copy of the laptop. Baseline, measured in the same run against the same server process: the same bytes
(every record's JSON and every photo) POSTed in 1 MB requests to an endpoint that only reads the body —
the cost of moving the data over HTTP with no sync logic at all.

Run: ``python -m benchmarks sync`` or ``python benchmarks/bench_sync.py --hotels 1000 --repeat 3``
(``HOTELTV_BENCH_REPEAT`` sets the default runs, 3).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import select

from benchmarks.record import record
from hoteltv.db.engine import Database
from hoteltv.db.models import Hotel, Inspection, InspectionInspector, Inspector, Photo, RoomCheck
from hoteltv.domain.divisions import default_divisions
from hoteltv.photos.store import PhotoStore
from hoteltv.services.setup import ensure_divisions
from hoteltv.sync.changes import collect_changes
from hoteltv.sync.client import SyncClient

PHOTOS_EACH = 3
PHOTO_BYTES = 24_000
REPEAT = int(os.environ.get("HOTELTV_BENCH_REPEAT", "3"))
NOCHANGE_RUNS = 15

SERVER = """
import sys, uvicorn
from starlette.requests import Request
from hoteltv.sync.server.app import create_app
from hoteltv.sync.server import admin
from hoteltv.sync.protocol import UserIn
data, port, token_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
from pathlib import Path
from hoteltv.db.engine import sqlite_url
app = create_app(sqlite_url(Path(data) / "server.db").render_as_string(hide_password=False), f"{data}/photos")

@app.post("/bench/sink", include_in_schema=False)
async def sink(request: Request) -> dict:  # the baseline: read the body, nothing else
    n = 0
    async for chunk in request.stream():
        n += len(chunk)
    return {"bytes": n}
admin.add_user(app.state.db, UserIn(name="office", role="office"))
open(token_file, "w").write(admin.issue_token(app.state.db, "office").token)
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
"""


def make_laptop(home: Path, inspections: int) -> int:
    """A laptop with ``inspections`` finalized inspections, one per hotel (3 rooms, 2 inspectors,
    3 photos each)."""
    db = Database.open(home)
    divisions = default_divisions()
    ensure_divisions(db, divisions)
    store = PhotoStore.for_home(home)
    codes = [d.id for d in divisions.divisions]
    now = datetime.now(UTC)
    total_bytes = 0
    with db.transaction() as s:
        team = [
            Inspector(name="张明", enforcement_id="53050219001"),
            Inspector(name="李华", enforcement_id="53050219002"),
        ]
        s.add_all(team)
        hotels = [
            Hotel(name=f"基准酒店{i:05d}", division_id=codes[i % len(codes)], pilot=True)
            for i in range(inspections)
        ]
        s.add_all(hotels)
        s.flush()
        for n in range(inspections):
            hotel = hotels[n % len(hotels)]
            insp = Inspection(
                record_number=f"JC-BENCH-{n:05d}",
                hotel_id=hotel.id,
                template_id="hotel-tv",
                template_version=1,
                status="draft",
                owner_device_id=db.device_id,
                started_at=now - timedelta(hours=n),
                ended_at=now - timedelta(hours=n) + timedelta(minutes=50),
                finalized_at=now,
                ids_shown=True,
                hotel_answers={"tv_mode": "direct_live", "boot_seconds": 20},
                findings="抽查客房电视各项均符合要求。",
                result="pass",
                content_hash=f"{n:064x}",
            )
            s.add(insp)
            s.flush()
            for pos, inspector in enumerate(team):
                s.add(InspectionInspector(inspection_id=insp.id, inspector_id=inspector.id, position=pos))
            rooms = []
            for r in range(3):
                room = RoomCheck(
                    inspection_id=insp.id, room_number=f"{3 + r}0{r + 1}", position=r, answers={"x": r}
                )
                rooms.append(room)
                s.add(room)
            s.flush()
            for p in range(PHOTOS_EACH):
                data = os.urandom(PHOTO_BYTES)
                blob = store.put_bytes(data)
                total_bytes += len(data)
                s.add(
                    Photo(
                        sha256=blob.sha256,
                        inspection_id=insp.id,
                        room_check_id=rooms[p].id,
                        mime="image/jpeg",
                        byte_size=len(data),
                        original_name=f"IMG_{n:05d}_{p}.jpg",
                        position=p,
                    )
                )
            s.flush()
            insp.status = "finalized"  # parts first, then freeze (as finalizing does)
    db.close()
    return total_bytes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        token_file = folder / "token"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(folder), str(self.port), str(token_file)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200 and token_file.exists():
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError("the benchmark server did not start")
        self.token = token_file.read_text().strip()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def payload(home: Path) -> list[bytes]:
    """Every record's JSON and every photo file of a laptop (what a first sync must move)."""
    db = Database.open(home)
    try:
        changes = collect_changes(db).changes
        with db.reading() as s:
            shas = list(s.scalars(select(Photo.sha256)))
    finally:
        db.close()
    store = PhotoStore.for_home(home)
    pieces = [json.dumps([c.model_dump(mode="json") for c in changes], ensure_ascii=False).encode("utf-8")]
    pieces += [store.path(sha).read_bytes() for sha in shas]
    return pieces


def raw_transfer(url: str, pieces: list[bytes], chunk: int = 1_000_000) -> float:
    """Seconds to POST all pieces, packed into ``chunk``-byte requests, to the server's no-op sink."""
    blob = b"".join(pieces)
    with httpx.Client(base_url=url, timeout=60) as http:
        start = time.perf_counter()
        for i in range(0, len(blob), chunk):
            http.post("/bench/sink", content=blob[i : i + chunk]).raise_for_status()
        return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--hotels", type=int, default=1000, help="hotels = finalized inspections")
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("HOTELTV_BENCH_REPEAT", "3")))
    args = parser.parse_args(argv)
    n, repeat = args.hotels, max(1, args.repeat)
    with tempfile.TemporaryDirectory(prefix="hoteltv-bench-sync-") as tmp:
        root = Path(tmp)
        template = root / "laptop-template"
        t0 = time.perf_counter()
        photo_bytes = make_laptop(template, n)
        pieces = payload(template)
        print(
            f"   data: {n} hotels with one finalized inspection each, {n * PHOTOS_EACH} photos "
            f"({photo_bytes / 1e6:.1f} MB; {sum(map(len, pieces)) / 1e6:.1f} MB with the records' JSON) "
            f"made in {time.perf_counter() - t0:.1f} s"
        )
        firsts: list[float] = []
        raws: list[float] = []
        rates: list[float] = []
        upload_rates: list[float] = []
        nochange: list[float] = []
        for run in range(repeat):
            home = root / f"laptop-{run}"
            shutil.copytree(template, home)
            folder = root / f"server-{run}"
            folder.mkdir()
            server = Server(folder)
            try:
                raws.append(raw_transfer(server.url, pieces))
                db = Database.open(home)
                with SyncClient(db, PhotoStore.for_home(home), server.url, server.token) as client:
                    start = time.perf_counter()
                    report = client.sync()
                    elapsed = time.perf_counter() - start
                    assert report.ok and report.photos_up == n * PHOTOS_EACH, report.message
                    firsts.append(elapsed)
                    rates.append(report.bytes_up / 1e6 / elapsed)
                    upload_rates.append(report.upload_mb_per_s)
                    print(
                        f"   run {run + 1}: first sync {elapsed:.1f} s, {report.pushed} records, "
                        f"{report.photos_up} photos, {report.bytes_up / 1e6:.1f} MB "
                        f"(photo phase {report.upload_mb_per_s:.1f} MB/s); raw HTTP of the same bytes "
                        f"{raws[-1]:.1f} s",
                        flush=True,
                    )
                    if run == 0:
                        for _ in range(NOCHANGE_RUNS):
                            start = time.perf_counter()
                            again = client.sync()
                            nochange.append(time.perf_counter() - start)
                            assert again.ok and again.pushed == 0 and again.pulled == 0, again.message
                db.close()
            finally:
                server.stop()
        first, raw, idle = statistics.median(firsts), statistics.median(raws), statistics.median(nochange)
        print(
            f"   first sync: {first:.1f} s median of {len(firsts)} vs raw HTTP of the same bytes {raw:.1f} s "
            f"({first / raw:.1f}x); {statistics.median(rates):.1f} MB/s over the whole sync, "
            f"{statistics.median(upload_rates):.1f} MB/s during the photo phase"
        )
        print(
            f"   no-change sync: {idle * 1000:.0f} ms median of {len(nochange)} "
            f"(aim <= 100 ms; min {min(nochange) * 1000:.0f}, max {max(nochange) * 1000:.0f})"
        )
        baseline = "same bytes POSTed raw (1 MB requests, no-op endpoint)"
        record(
            "sync",
            "first sync (records + photos)",
            first,
            hotels=n,
            baseline=baseline,
            baseline_s=raw,
            runs=len(firsts),
        )
        record("sync", "no-change sync", idle, hotels=n, aim_s=0.1, runs=len(nochange))


if __name__ == "__main__":
    main()
