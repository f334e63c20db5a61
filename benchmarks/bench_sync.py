"""Sync over loopback: the first sync of N finalized inspections (one per hotel, three photos each), a
sync with nothing to do, and a sync after 10 hotels were edited here. Medians of several runs.

Two photo sizes by default: today's 24 KB phone-resized photos and PouchDB's workload of 100 KiB (issue
13: 1,000 inspections x 3 photos of 100 KiB, about 310 MB). Aims: a first sync within 4x the raw-HTTP
transfer of the same bytes; a no-change sync within 5 ms; 10 hotels changed within 20 ms.

The server runs in its own process (uvicorn on 127.0.0.1, SQLite in a temporary folder), the client here,
so the two do not share one interpreter lock. Each first-sync run starts from a fresh server and a fresh
copy of the laptop. Baseline, measured in the same run against the same server process: the same bytes
(every record's JSON and every photo) POSTed in 1 MB requests to an endpoint that only reads the body —
the cost of moving the data over HTTP with no sync logic at all. The CPU seconds of both processes are
printed too (laptop and server, each first sync): on a machine of few cores the two share, they bound
the first sync from below. Before each no-change sync a bare request on the client's own kept-alive
connection (``GET /healthz``) is timed too: the floor of any sync on this machine, printed beside it.

Run: ``python -m benchmarks sync`` or ``python benchmarks/bench_sync.py --hotels 1000 --repeat 3``;
``--quick`` (200 hotels, one run) for a smoke run; ``--photo-bytes 102400`` for one case;
``--profile DIR`` writes a profile of the first sync of the client (pyinstrument, text) and the server
(yappi, all threads, pstats) into DIR; ``HOTELTV_BENCH_CLOCK=cpu`` profiles the server's CPU time instead of
its wall time. ``HOTELTV_BENCH_PYSPY=DIR`` runs each server under py-spy (installed separately: ``pip install
py-spy``), writing collapsed stacks into DIR, with ``HOTELTV_BENCH_PYSPY_ARGS`` added (``--gil``: only the
thread holding the interpreter lock). ``HOTELTV_BENCH_REPEAT`` sets the default runs, 3.
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
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import select

# Run as `python benchmarks/bench_sync.py` too (the project folder is then not on the path).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.record import record  # noqa: E402
from hoteltv.db.engine import Database  # noqa: E402
from hoteltv.db.models import Hotel, Inspection, InspectionInspector, Inspector, Photo, RoomCheck  # noqa: E402
from hoteltv.domain.divisions import default_divisions  # noqa: E402
from hoteltv.photos.store import PhotoStore  # noqa: E402
from hoteltv.services.setup import ensure_divisions  # noqa: E402
from hoteltv.sync.client import SyncClient  # noqa: E402
from hoteltv.sync.outbox import collect_changes  # noqa: E402
from hoteltv.sync.photo_transfer import STREAMS  # noqa: E402

PHOTOS_EACH = 3
PHOTO_SIZES = (24_000, 100 * 1024)
REPEAT = int(os.environ.get("HOTELTV_BENCH_REPEAT", "3"))
NOCHANGE_RUNS = 40
CHANGED_RUNS = 20
CHANGED_HOTELS = 10
AIM_FIRST_RATIO = 4.0
AIM_NOCHANGE_S = 0.005
AIM_CHANGED_S = 0.020

SERVER = """
import os, sys, uvicorn
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
@app.get("/bench/cpu", include_in_schema=False)
def cpu() -> dict:  # CPU seconds this server process has used (every thread)
    import time
    return {"seconds": time.process_time()}
if os.environ.get("HOTELTV_BENCH_NO_PHOTO_FILES"):  # --what-if only: storing a photo file costs nothing
    from sqlalchemy import select
    from hoteltv.sync.server.models import Blob
    from hoteltv.sync.server.photos import BlobStore
    BlobStore.write_many = lambda self, items: None
    BlobStore.present = lambda self, s, hashes: set(s.scalars(select(Blob.sha256).where(Blob.sha256.in_(list(hashes)))))
admin.add_user(app.state.db, UserIn(name="office", role="office"))
open(token_file, "w").write(admin.issue_token(app.state.db, "office").token)
profile = os.environ.get("HOTELTV_BENCH_SERVER_PROFILE")
if profile:  # every thread (the endpoints run in a thread pool), wall clock; saved when asked
    import yappi
    yappi.set_clock_type(os.environ.get("HOTELTV_BENCH_CLOCK", "wall"))
    yappi.start()

    @app.post("/bench/profile", include_in_schema=False)
    def save_profile() -> dict:
        yappi.stop()
        yappi.get_func_stats().save(profile, type="pstat")
        return {"saved": profile}
from hoteltv.sync.server.heap import set_aside_startup_objects
set_aside_startup_objects()  # as `hoteltv serve` does
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
"""


def make_laptop(home: Path, inspections: int, photo_bytes: int) -> int:
    """A laptop with ``inspections`` finalized inspections, one per hotel (3 rooms, 2 inspectors,
    3 photos of ``photo_bytes`` each)."""
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
                data = os.urandom(photo_bytes)
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
    def __init__(
        self, folder: Path, profile: Path | None = None, env_extra: dict[str, str] | None = None
    ) -> None:
        self.port = free_port()
        token_file = folder / "token"
        self.profile = profile
        env = dict(os.environ, **(env_extra or {}))
        if profile is not None:
            env["HOTELTV_BENCH_SERVER_PROFILE"] = str(profile)
        cmd = [sys.executable, "-c", SERVER, str(folder), str(self.port), str(token_file)]
        spy = os.environ.get("HOTELTV_BENCH_PYSPY")
        if spy:
            cmd = [
                str(Path(sys.executable).parent / "py-spy"),
                "record",
                *os.environ.get("HOTELTV_BENCH_PYSPY_ARGS", "").split(),
                "-r",
                "250",
                "-f",
                "raw",
                "-o",
                f"{spy}/server-{self.port}.txt",
                "--",
                *cmd,
            ]
        self.proc = subprocess.Popen(
            cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
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

    def cpu(self) -> float:
        """CPU seconds the server process has used so far (all its threads)."""
        return float(httpx.get(f"{self.url}/bench/cpu", timeout=30).json()["seconds"])

    def stop(self) -> None:
        if self.profile is not None:
            httpx.post(f"{self.url}/bench/profile", timeout=120).raise_for_status()
        if os.environ.get("HOTELTV_BENCH_PYSPY"):
            import signal

            self.proc.send_signal(signal.SIGINT)
        else:
            self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
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


def edit_hotels(home: Path, round_: int, count: int = CHANGED_HOTELS) -> None:
    """Change one field of ``count`` hotels here, as an office clerk would (tracked: queued to be sent)."""
    db = Database.open(home)
    try:
        with db.transaction() as s:
            hotels = list(s.scalars(select(Hotel).order_by(Hotel.name).offset(round_ * count).limit(count)))
            for hotel in hotels:
                hotel.contact_phone = f"0692-{round_:03d}{hotel.name[-3:]}"
    finally:
        db.close()


@dataclass
class CaseResult:
    photo_bytes: int
    firsts: list[float] = field(default_factory=list)
    raws: list[float] = field(default_factory=list)
    rates: list[float] = field(default_factory=list)
    upload_rates: list[float] = field(default_factory=list)
    nochange: list[float] = field(default_factory=list)
    changed: list[float] = field(default_factory=list)
    #: A bare request on the sync's own connection (``GET /healthz``), one before each no-change sync.
    round_trips: list[float] = field(default_factory=list)
    #: CPU seconds of each first sync: (laptop, server), and of each raw transfer (sender, server).
    sync_cpu: list[tuple[float, float]] = field(default_factory=list)
    raw_cpu: list[tuple[float, float]] = field(default_factory=list)


def round_trip(client: SyncClient) -> float:
    """The floor of any sync: one bare request and its answer on the client's kept-alive connection."""
    start = time.perf_counter()
    client.transport.http.get("/healthz").raise_for_status()
    return time.perf_counter() - start


def run_case(
    root: Path, n: int, photo_bytes: int, repeat: int, profile: Path | None, streams: int = STREAMS
) -> CaseResult:
    """Every measurement at one photo size (see the module docstring)."""
    out = CaseResult(photo_bytes)
    template = root / f"laptop-template-{photo_bytes}"
    t0 = time.perf_counter()
    made = make_laptop(template, n, photo_bytes)
    pieces = payload(template)
    print(
        f"   data: {n} hotels with one finalized inspection each, {n * PHOTOS_EACH} photos of "
        f"{photo_bytes / 1024:.0f} KiB ({made / 1e6:.1f} MB; {sum(map(len, pieces)) / 1e6:.1f} MB with the "
        f"records' JSON) made in {time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    for run in range(repeat):
        home = root / f"laptop-{photo_bytes}-{run}"
        shutil.copytree(template, home)
        folder = root / f"server-{photo_bytes}-{run}"
        folder.mkdir()
        profiling = profile is not None and run == 0
        server = Server(folder, profile / f"server-{photo_bytes}.pstat" if profiling and profile else None)
        try:
            laptop_cpu, server_cpu = time.process_time(), server.cpu()
            out.raws.append(raw_transfer(server.url, pieces))
            out.raw_cpu.append((time.process_time() - laptop_cpu, server.cpu() - server_cpu))
            db = Database.open(home)
            with SyncClient(
                db, PhotoStore.for_home(home), server.url, server.token, photo_streams=streams
            ) as client:
                profiler = None
                if profiling:
                    from pyinstrument import Profiler  # a developer's tool, not a dependency

                    profiler = Profiler(interval=0.0005)
                    profiler.start()
                laptop_cpu, server_cpu = time.process_time(), server.cpu()
                start = time.perf_counter()
                report = client.sync()
                elapsed = time.perf_counter() - start
                out.sync_cpu.append((time.process_time() - laptop_cpu, server.cpu() - server_cpu))
                if profiler is not None and profile is not None:
                    profiler.stop()
                    (profile / f"client-{photo_bytes}.txt").write_text(
                        profiler.output_text(unicode=True, show_all=False), encoding="utf-8"
                    )
                assert report.ok and report.photos_up == n * PHOTOS_EACH, report.message
                out.firsts.append(elapsed)
                out.rates.append(report.bytes_up / 1e6 / elapsed)
                out.upload_rates.append(report.upload_mb_per_s)
                print(
                    f"   run {run + 1}: first sync {elapsed:.2f} s, {report.pushed} records, "
                    f"{report.photos_up} photos, {report.bytes_up / 1e6:.1f} MB "
                    f"(photo phase {report.upload_mb_per_s:.1f} MB/s); raw HTTP of the same bytes "
                    f"{out.raws[-1]:.2f} s ({elapsed / out.raws[-1]:.1f}x); CPU laptop {out.sync_cpu[-1][0]:.2f} s "
                    f"+ server {out.sync_cpu[-1][1]:.2f} s (raw: {out.raw_cpu[-1][0]:.2f} + {out.raw_cpu[-1][1]:.2f} s)",
                    flush=True,
                )
                if run == 0:
                    for _ in range(NOCHANGE_RUNS):
                        out.round_trips.append(round_trip(client))
                        start = time.perf_counter()
                        again = client.sync()
                        out.nochange.append(time.perf_counter() - start)
                        assert again.ok and again.pushed == 0 and again.pulled == 0, again.message
                    for k in range(min(CHANGED_RUNS, n // CHANGED_HOTELS)):
                        edit_hotels(home, k)
                        start = time.perf_counter()
                        again = client.sync()
                        out.changed.append(time.perf_counter() - start)
                        assert again.ok and again.pushed == CHANGED_HOTELS, (again.pushed, again.message)
                        assert again.applied == CHANGED_HOTELS, again.message
            db.close()
        finally:
            server.stop()
    return out


def report_case(n: int, case: CaseResult) -> None:
    kib = case.photo_bytes / 1024
    first, raw = statistics.median(case.firsts), statistics.median(case.raws)
    idle, changed = statistics.median(case.nochange), statistics.median(case.changed)
    print(
        f"   first sync, {kib:.0f} KiB photos: {first:.2f} s median of {len(case.firsts)} vs raw HTTP of the "
        f"same bytes {raw:.2f} s ({first / raw:.1f}x; aim <= {AIM_FIRST_RATIO:.0f}x); "
        f"{statistics.median(case.rates):.1f} MB/s over the whole sync, "
        f"{statistics.median(case.upload_rates):.1f} MB/s during the photo phase"
    )
    laptop = statistics.median(c for c, _ in case.sync_cpu)
    server = statistics.median(c for _, c in case.sync_cpu)
    cores = os.cpu_count() or 1
    floor = (laptop + server) / cores  # the CPU alone, were both processes to keep every core busy
    print(
        f"   first sync CPU, {kib:.0f} KiB photos: laptop {laptop:.2f} s + server {server:.2f} s (medians); "
        f"on {cores} core(s) that CPU alone takes at least {floor:.2f} s ({floor / raw:.1f}x raw)"
    )
    trip = statistics.median(case.round_trips)
    print(
        f"   no-change sync, {kib:.0f} KiB photos: {idle * 1000:.1f} ms median of {len(case.nochange)} "
        f"(aim <= {AIM_NOCHANGE_S * 1000:.0f} ms; min {min(case.nochange) * 1000:.1f}, "
        f"max {max(case.nochange) * 1000:.1f}); a bare request on the same connection (GET /healthz) "
        f"{trip * 1000:.1f} ms ({idle / trip:.1f}x)"
    )
    print(
        f"   {CHANGED_HOTELS} hotels changed, {kib:.0f} KiB photos: {changed * 1000:.1f} ms median of "
        f"{len(case.changed)} (aim <= {AIM_CHANGED_S * 1000:.0f} ms; min {min(case.changed) * 1000:.1f}, "
        f"max {max(case.changed) * 1000:.1f})"
    )
    baseline = "same bytes POSTed raw (1 MB requests, no-op endpoint)"
    record(
        "sync",
        f"first sync, 3 photos of {kib:.0f} KiB each (aim <= {AIM_FIRST_RATIO:.0f}x)",
        first,
        hotels=n,
        baseline=baseline,
        baseline_s=raw,
        runs=len(case.firsts),
    )
    record(
        "sync",
        f"no-change sync ({kib:.0f} KiB case)",
        idle,
        hotels=n,
        baseline="a bare request on the same connection (GET /healthz)",
        baseline_s=trip,
        aim_s=AIM_NOCHANGE_S,
        runs=len(case.nochange),
    )
    record(
        "sync",
        f"{CHANGED_HOTELS} hotels changed ({kib:.0f} KiB case)",
        changed,
        hotels=n,
        aim_s=AIM_CHANGED_S,
        runs=len(case.changed),
    )


#: --what-if: the first sync as it is, then with parts of its work taken away (not the product: a lower bound
#: of what speeding up the rest could reach). Name, server environment, outbox collected before the clock.
WHAT_IF = (
    ("as it is", {}, False),
    ("server stores no photo files", {"HOTELTV_BENCH_NO_PHOTO_FILES": "1"}, False),
    ("no photo files, outbox collected before the clock", {"HOTELTV_BENCH_NO_PHOTO_FILES": "1"}, True),
)


def what_if(root: Path, n: int, photo_bytes: int, repeat: int, streams: int = STREAMS) -> None:
    """The first sync as it is and with parts of its work taken away (:data:`WHAT_IF`), each on a fresh
    server and laptop, the variants taking turns within each run; prints medians against raw HTTP."""
    import hoteltv.sync.client as client_module

    template = root / f"what-if-template-{photo_bytes}"
    make_laptop(template, n, photo_bytes)
    pieces = payload(template)
    times: dict[str, list[float]] = {name: [] for name, _env, _pre in WHAT_IF}
    raws: list[float] = []
    for run in range(repeat):
        for k, (name, env, precollect) in enumerate(WHAT_IF):
            home = root / f"what-if-laptop-{photo_bytes}-{run}-{k}"
            folder = root / f"what-if-server-{photo_bytes}-{run}-{k}"
            shutil.copytree(template, home)
            folder.mkdir()
            server = Server(folder, env_extra=env)
            try:
                raws.append(raw_transfer(server.url, pieces))
                db = Database.open(home)
                real_collect = client_module.collect_changes
                try:
                    if precollect:
                        collected = collect_changes(db)
                        client_module.collect_changes = lambda _db, done=collected: done  # type: ignore[misc]
                    with SyncClient(
                        db, PhotoStore.for_home(home), server.url, server.token, photo_streams=streams
                    ) as client:
                        start = time.perf_counter()
                        report = client.sync()
                        times[name].append(time.perf_counter() - start)
                        assert report.ok and report.photos_up == n * PHOTOS_EACH, report.message
                finally:
                    client_module.collect_changes = real_collect
                    db.close()
            finally:
                server.stop()
            shutil.rmtree(home)
    raw = statistics.median(raws)
    print(
        f"   what-if, {photo_bytes / 1024:.0f} KiB photos (parts of the work taken away; not the product): raw "
        f"HTTP {raw:.2f} s median of {len(raws)}, so the aim of {AIM_FIRST_RATIO:.0f}x is "
        f"{AIM_FIRST_RATIO * raw:.2f} s"
    )
    for name, found in times.items():
        first = statistics.median(found)
        print(
            f"     {name}: first sync {first:.2f} s median of {len(found)} ({first / raw:.1f}x raw; "
            f"runs {', '.join(f'{x:.2f}' for x in found)})"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--hotels", type=int, default=None, help="hotels = finalized inspections (1000)")
    parser.add_argument("--repeat", type=int, default=None, help=f"first-sync runs per case ({REPEAT})")
    parser.add_argument(
        "--photo-bytes",
        default=",".join(str(b) for b in PHOTO_SIZES),
        help="photo sizes in bytes, comma-separated: one case each (default: 24000 and 102400)",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: 200 hotels, one run per case")
    parser.add_argument("--profile", type=Path, metavar="DIR", help="profile the first sync into DIR")
    parser.add_argument(
        "--photo-streams", type=int, default=STREAMS, help=f"photo batches in flight ({STREAMS})"
    )
    parser.add_argument(
        "--what-if",
        action="store_true",
        help="also time the first sync with the server storing no photo files, and with the outbox "
        "collected before the clock too (a lower bound, not the product)",
    )
    args = parser.parse_args(argv)
    n = args.hotels or (200 if args.quick else 1000)
    repeat = max(1, args.repeat or (1 if args.quick else REPEAT))
    try:
        sizes = [int(b) for b in str(args.photo_bytes).split(",") if b.strip()]
    except ValueError:
        parser.error(f"--photo-bytes: expected whole numbers separated by commas, got {args.photo_bytes!r}")
    if not sizes or any(b < 1 for b in sizes):
        parser.error("--photo-bytes: every size must be at least 1 byte")
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hoteltv-bench-sync-") as tmp:
        results = [run_case(Path(tmp), n, b, repeat, args.profile, args.photo_streams) for b in sizes]
        for case in results:
            report_case(n, case)
        if args.what_if:
            for b in sizes:
                what_if(Path(tmp), n, b, repeat, args.photo_streams)


if __name__ == "__main__":
    main()
