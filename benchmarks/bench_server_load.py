"""The sync server under load: N laptops syncing against ``hoteltv serve --workers W`` on PostgreSQL.

Full run (issue 15): 200 laptops for 5 minutes against 4 workers. Each laptop makes its first sync — a hotel,
20 inspections with 3 photos each (one photo larger than the batch limit, sent by resumable ``PUT``, the
others in ``/photos/batch`` as the real client does) — then a sync with nothing to send every 30 s and a
sync with 5 changed inspections every 2 minutes. First syncs start at random times over the first 30 s
(``--ramp``, like locust's spawn rate: a morning in a bureau, not 200 people pressing the button in the same
second; ``--ramp 0`` starts them all at once, the worst case); every later sync of a laptop keeps its own
phase. A sync is what the client does: push (batches of ≤ 500), ``/photos/missing``, photo
uploads, pull since its cursor (all pages), ``/sync/check``. The laptops' inspector accounts are spread
over the counties of a province in turn (``--divisions yunnan``: 129 counties, as on a provincial server);
``--divisions baoshan`` puts them in one city's 5 counties (40 laptops a county, whose pushes take turns).

From half-time to three quarters of the run, bad input arrives alongside: bodies over the limit (declared and
streamed), slow clients that open connections and dribble their headers and bodies, and a burst of wrong
tokens. They must be refused (413, 401) and must not slow the laptops: the laptops' push and pull
latencies in that window are reported beside those of the windows of the same length before and after.

Reported: p50/p95/p99/max per endpoint, errors (any laptop request that did not succeed), CPU (% of one
core, mean and max over 1 s samples) and memory (RSS) of the server processes (uvicorn's supervisor and
its workers, by psutil) and of PostgreSQL's processes, and afterwards a check that the server holds exactly
what the laptops sent (:func:`benchmarks.sync_sim.check_server_holds`: every record once with the values
sent, every change logged once, sequence numbers unique and gap-free, every photo there). Aim: p99 of push
and pull ≤ 1 s, 0 errors.

Why an asyncio + httpx harness and not locust: the simulated laptops speak the protocol through the same
models as the client (:mod:`benchmarks.sync_sim`), one event loop holds hundreds of laptops with their
own 30 s and 2 min timers at little CPU (the server shares this machine's cores), the bad-input
traffic needs raw sockets, and afterwards the run checks the server's database against what every
laptop sent — all in one process that also runs as a short pytest test in CI (no gevent, no extra
dependency, no locust web UI or CSV to parse). Laptops are simulated at the protocol level, not as laptop
databases (see :mod:`benchmarks.sync_sim`), and they do not download the photos of the other laptops of
their division (the real client would; that is a one-time catch-up of files, not the steady load).

Run::

    eval "$(bash .ci/pg.sh)"; export HOTELTV_TEST_PG_URL
    python benchmarks/bench_server_load.py                     # full: 200 laptops, 300 s, 4 workers
    python benchmarks/bench_server_load.py --quick             # a few laptops for seconds (CI)
    python benchmarks/bench_server_load.py --laptops 50 --duration 120 --json out.json
    python benchmarks/bench_server_load.py --ramp 0 --duration 90 --no-abuse   # every first sync at once

The database is a fresh one made next to ``--database-url`` (default ``HOTELTV_BENCH_PG_URL`` or
``HOTELTV_TEST_PG_URL``) and dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import ssl
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from benchmarks.record import record
from benchmarks.sync_sim import SimLaptop, add_accounts, check_server_holds, serve, sync
from hoteltv.domain.divisions import load_division_lists
from hoteltv.sync.protocol import API_PREFIX, MAX_BODY_BYTES

AIM_S = 1.0


@dataclass
class Params:
    laptops: int = 200
    duration: float = 300.0
    workers: int = 4
    inspections: int = 20
    photos: int = 3
    photo_bytes: int = 20_000
    large_photo_bytes: int = 1_100_000
    idle_every: float = 30.0
    change_every: float = 120.0
    changes: int = 5
    ramp: float = 30.0
    slow_clients: int = 50
    wrong_tokens: int = 1000
    oversized: int = 20
    abuse: bool = True
    #: Whose counties the laptops' accounts are spread over: a province (yunnan, 129) or a city (baoshan, 5).
    divisions: str = "yunnan"

    @classmethod
    def quick(cls) -> Params:
        return cls(
            laptops=6,
            duration=16.0,
            inspections=4,
            photo_bytes=4000,
            large_photo_bytes=1_100_000,
            idle_every=3.0,
            change_every=6.0,
            ramp=2.0,
            slow_clients=8,
            wrong_tokens=60,
            oversized=4,
        )


@dataclass
class Timings:
    """Every laptop request: (endpoint, start time, seconds, status)."""

    rows: list[tuple[str, float, float, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    first_done: list[float] = field(default_factory=list)  # when each laptop's first sync ended
    #: How late the generator's event loop woke from 50 ms sleeps: time its own CPU adds to every latency.
    loop_lag: list[float] = field(default_factory=list)

    def note(self, name: str, seconds: float, status: int) -> None:
        self.rows.append((name, time.monotonic() - seconds, seconds, status))


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q / 100 * len(s) + 0.5)) - 1))]


def summary(rows: list[tuple[str, float, float, int]]) -> dict[str, dict[str, float]]:
    by: dict[str, list[float]] = {}
    for name, _t, s, _status in rows:
        by.setdefault(name, []).append(s)
    return {
        name: {
            "n": len(v),
            "p50": pct(v, 50),
            "p95": pct(v, 95),
            "p99": pct(v, 99),
            "max": max(v),
        }
        for name, v in sorted(by.items())
    }


# --- server resource sampling -----------------------------------------------------------------------------


class Sampler:
    """CPU (% of one core) and RSS of the server's processes and of PostgreSQL's, once a second; also the
    CPU of this load generator and the machine's 1-minute load average (the cores are shared)."""

    def __init__(self, root_pid: int) -> None:
        import psutil

        self.psutil = psutil
        self.root = psutil.Process(root_pid)
        self.me = psutil.Process()
        self.samples: list[dict[str, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._known: dict[int, Any] = {}

    def _procs(self) -> tuple[list[Any], list[Any]]:
        ps = self.psutil
        server = [self.root, *self.root.children(recursive=True)]
        pg = [p for p in ps.process_iter(["name"]) if (p.info.get("name") or "").startswith("postgres")]
        return server, pg

    def _measure(self, procs: list[Any]) -> tuple[float, float]:
        cpu = rss = 0.0
        for p in procs:
            try:
                known = self._known.setdefault(p.pid, p)
                cpu += known.cpu_percent(None)
                rss += known.memory_info().rss
            except self.psutil.Error:
                continue
        return cpu, rss

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            try:
                server, pg = self._procs()
            except self.psutil.Error:
                continue
            s_cpu, s_rss = self._measure(server)
            p_cpu, p_rss = self._measure(pg)
            g_cpu, _ = self._measure([self.me])
            self.samples.append(
                {
                    "server_cpu": s_cpu,
                    "server_rss": s_rss,
                    "pg_cpu": p_cpu,
                    "pg_rss": p_rss,
                    "gen_cpu": g_cpu,
                    "load1": os.getloadavg()[0],
                }
            )

    def __enter__(self) -> Sampler:
        server, pg = self._procs()
        self._measure(server)
        self._measure(pg)  # the first cpu_percent call only starts the count
        self._measure([self.me])
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def report(self) -> dict[str, float]:
        s = self.samples[1:] or self.samples
        if not s:
            return {}

        def mean(k: str) -> float:
            return sum(x[k] for x in s) / len(s)

        return {
            "server_cpu_mean_pct": mean("server_cpu"),
            "server_cpu_max_pct": max(x["server_cpu"] for x in s),
            "server_rss_max_mb": max(x["server_rss"] for x in s) / 1e6,
            "postgres_cpu_mean_pct": mean("pg_cpu"),
            "postgres_cpu_max_pct": max(x["pg_cpu"] for x in s),
            "postgres_rss_max_mb": max(x["pg_rss"] for x in s) / 1e6,
            "generator_cpu_mean_pct": mean("gen_cpu"),
            "generator_cpu_max_pct": max(x["gen_cpu"] for x in s),
            "load1_mean": mean("load1"),
            "load1_max": max(x["load1"] for x in s),
        }


# --- laptops --------------------------------------------------------------------------------------------------


#: One TLS context for every simulated laptop. httpx builds a context per client (loading the CA bundle:
#: about 45 ms of CPU each), and every laptop makes its client when the run starts: with 200 laptops the
#: event loop stood still for about 9 s at the start, so every laptop whose first sync was due in those
#: seconds started in the same instant — not the ramp asked for. The server is plain HTTP on loopback;
#: the context is never used for a handshake.
_TLS: ssl.SSLContext | None = None


def client_for(url: str, timeout: float) -> httpx.AsyncClient:
    global _TLS
    if _TLS is None:
        _TLS = ssl.create_default_context()
    return httpx.AsyncClient(base_url=url, timeout=timeout, verify=_TLS)


async def laptop_life(lap: SimLaptop, url: str, p: Params, t0: float, timings: Timings) -> None:
    rng = random.Random(lap.number * 7919)
    end = t0 + p.duration
    first = t0 + rng.uniform(0, p.ramp)
    phase_change = rng.uniform(0, p.change_every)
    async with client_for(url, 120) as client:
        await asyncio.sleep(max(0.0, first - time.monotonic()))
        next_idle = time.monotonic() + p.idle_every
        next_change = time.monotonic() + phase_change + p.idle_every
        await _one(lap, client, timings)
        timings.first_done.append(time.monotonic())
        while True:
            due = min(next_idle, next_change)
            if due >= end:
                break
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            if next_change <= next_idle:
                lap.edit(p.changes)
                next_change += p.change_every
                if next_idle - next_change < p.idle_every / 2:
                    next_idle += p.idle_every  # the change sync stands for the idle one due about now
            else:
                next_idle += p.idle_every
            await _one(lap, client, timings)
        if lap.pending:  # a sync that failed left changes queued: send them (the report counts the error)
            await _one(lap, client, timings)


async def loop_lag(out: list[float], every: float = 0.05) -> None:
    """Note how late the event loop wakes (until cancelled)."""
    while True:
        started = time.monotonic()
        await asyncio.sleep(every)
        out.append(time.monotonic() - started - every)


async def _one(lap: SimLaptop, client: httpx.AsyncClient, timings: Timings) -> None:
    try:
        await sync(lap, client, timings.note)
    except (httpx.HTTPError, AssertionError) as exc:
        timings.errors.append(f"laptop {lap.number}: {type(exc).__name__}: {exc}"[:300])


# --- bad input ------------------------------------------------------------------------------------------------


@dataclass
class Abuse:
    refused: dict[str, dict[int, int]] = field(default_factory=dict)
    window: tuple[float, float] = (0.0, 0.0)
    slow_held_s: float = 0.0
    failures: list[str] = field(default_factory=list)

    def note(self, kind: str, status: int) -> None:
        d = self.refused.setdefault(kind, {})
        d[status] = d.get(status, 0) + 1


async def _raw(host: str, port: int, data: bytes, *, read: bool = True) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(data)
        await writer.drain()
        if not read:
            return 0
        line = await asyncio.wait_for(reader.readline(), 30)
        return int(line.split()[1]) if line.startswith(b"HTTP/") else 0
    finally:
        writer.close()
        with contextlib.suppress(OSError, ConnectionError):
            await writer.wait_closed()


async def abuse(url: str, p: Params, start: float, stop: float, token: str, out: Abuse) -> None:
    """Bad input between ``start`` and ``stop`` (monotonic times)."""
    host, port_text = url.removeprefix("http://").split(":")
    port = int(port_text)
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    out.window = (start, stop)
    push = f"{API_PREFIX}/sync/push"

    async def slow_client(n: int) -> None:
        # Headers a few bytes at a time, then a body one byte a second: holds a connection till the end.
        try:
            _reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            out.note("slow", 0)
            return
        opened = time.monotonic()
        head = (
            f"POST {push} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
        ).encode()
        try:
            for i in range(0, len(head), 8):
                writer.write(head[i : i + 8])
                await writer.drain()
                await asyncio.sleep(0.5)
                if time.monotonic() > stop:
                    break
            while time.monotonic() < stop:
                writer.write(b" ")
                await writer.drain()
                await asyncio.sleep(1.0)
            out.note("slow", 1)
        except (OSError, ConnectionError):
            out.note("slow", 0)  # the server closed it
        finally:
            out.slow_held_s = max(out.slow_held_s, time.monotonic() - opened)
            writer.close()
            with contextlib.suppress(OSError, ConnectionError):
                await writer.wait_closed()

    async def oversized() -> None:
        gap = (stop - start) / max(1, p.oversized)
        async with client_for(url, 60) as client:
            for i in range(p.oversized):
                if i % 2 == 0:  # declared too large: refused from the header
                    body = (
                        f"POST {push} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
                        f"Content-Type: application/json\r\nContent-Length: {MAX_BODY_BYTES + 1}\r\n\r\n{{}}"
                    ).encode()
                    out.note("oversized-declared", await _raw(host, port, body))
                else:  # streamed without a length: refused once the limit is passed

                    async def chunks() -> Any:
                        block = b"x" * (1 << 20)
                        for _ in range(MAX_BODY_BYTES // len(block) + 2):
                            yield block

                    try:
                        r = await client.post(
                            push,
                            content=chunks(),
                            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                        )
                        out.note("oversized-streamed", r.status_code)
                    except httpx.HTTPError as exc:
                        out.note("oversized-streamed", 0)
                        out.failures.append(f"oversized-streamed: {type(exc).__name__}: {exc}")
                await asyncio.sleep(gap)

    async def wrong_tokens() -> None:
        sem = asyncio.Semaphore(20)
        async with client_for(url, 60) as client:

            async def one() -> None:
                async with sem:
                    try:
                        r = await client.get(
                            f"{API_PREFIX}/sync/pull",
                            headers={"Authorization": f"Bearer htv_{secrets.token_urlsafe(32)}"},
                        )
                        out.note("wrong-token", r.status_code)
                    except httpx.HTTPError as exc:
                        out.note("wrong-token", 0)
                        out.failures.append(f"wrong-token: {type(exc).__name__}: {exc}")

            await asyncio.gather(*(one() for _ in range(p.wrong_tokens)))

    await asyncio.gather(*(slow_client(n) for n in range(p.slow_clients)), oversized(), wrong_tokens())


# --- the run --------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_database(base_url: str) -> Iterator[str]:
    """A new PostgreSQL database beside ``base_url``'s (needs CREATEDB), dropped afterwards."""
    from sqlalchemy import create_engine, make_url, text

    from hoteltv.sync.server.store import normalise_url

    base = make_url(normalise_url(base_url))
    name = f"hoteltv_load_{os.getpid()}_{secrets.token_hex(3)}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def run(db_url: str, p: Params, folder: Path) -> dict[str, Any]:
    """One load run against a fresh, empty database ``db_url``; returns the report."""
    cities = load_division_lists(p.divisions)
    codes = [d.code for city in cities for d in city.divisions]
    accounts, _root = add_accounts(db_url, p.laptops + 1, codes, cities)
    abuser_token = accounts[-1][1]
    laptops = [
        SimLaptop(
            n,
            token,
            code,
            inspections=p.inspections,
            photos_each=p.photos,
            photo_bytes=p.photo_bytes,
            large_photo_bytes=p.large_photo_bytes,
        )
        for n, (code, token) in enumerate(accounts[: p.laptops])
    ]
    for lap in laptops:
        lap.build()
    timings = Timings()
    bad = Abuse()
    with serve(db_url, folder / "server", workers=p.workers) as srv, Sampler(srv.proc.pid) as sampler:

        async def main() -> None:
            t0 = time.monotonic()
            tasks = [laptop_life(lap, srv.url, p, t0, timings) for lap in laptops]
            if (
                p.abuse
            ):  # from half-time to three quarters: after the first-sync wave, with a quarter after it
                tasks.append(
                    abuse(srv.url, p, t0 + p.duration / 2, t0 + p.duration * 3 / 4, abuser_token, bad)
                )
            probe = asyncio.create_task(loop_lag(timings.loop_lag))
            await asyncio.gather(*tasks)
            probe.cancel()

        started = t_start = time.monotonic()
        asyncio.run(main())
        elapsed = time.monotonic() - started
        metrics = httpx.get(f"{srv.url}/metrics", timeout=60).text
    holds = check_server_holds(db_url, laptops)
    failed = [r for r in timings.rows if not 200 <= r[3] < 300]
    report: dict[str, Any] = {
        "params": asdict(p),
        "elapsed_s": elapsed,
        "requests": len(timings.rows),
        "errors": len(timings.errors) + len(failed),
        "error_samples": timings.errors[:5] + [f"{r[0]} answered {r[3]}" for r in failed[:5]],
        "endpoints": summary(timings.rows),
        # After every laptop's first sync: the everyday load (syncs every 30 s, changes every 2 min).
        "steady_from_s": (max(timings.first_done) - t_start) if timings.first_done else None,
        "steady": summary(
            [r for r in timings.rows if timings.first_done and r[1] >= max(timings.first_done)]
        ),
        "resources": sampler.report(),
        "loop_lag_s": {
            "p50": pct(timings.loop_lag, 50),
            "p99": pct(timings.loop_lag, 99),
            "max": max(timings.loop_lag, default=0.0),
        },
        "server_holds": holds,
        "server_log_errors": [
            line
            for line in (folder / "server" / "server.log").read_text(errors="replace").splitlines()
            if "Traceback" in line or "ERROR" in line or "Exception" in line or "died" in line
        ][:20],
        "metrics_refusals": [
            line for line in metrics.splitlines() if line.startswith("hoteltv_refusals_total")
        ],
    }
    if p.abuse:
        a0, a1 = bad.window
        span = a1 - a0

        def window(lo: float, hi: float) -> dict[str, dict[str, float]]:
            return summary([r for r in timings.rows if lo <= r[1] < hi and r[0] in ("push", "pull")])

        report["abuse"] = {
            "refused": bad.refused,
            "failures": bad.failures[:10],
            "slow_connection_held_s": bad.slow_held_s,
            "laptops_before": window(a0 - span, a0),  # the windows of the same length around it
            "laptops_during": window(a0, a1),
            "laptops_after": window(a1, a1 + span),
        }
    return report


def show(report: dict[str, Any]) -> str:
    p = report["params"]
    lines = [
        f"{p['laptops']} laptops in the counties of {p['divisions']}, {p['duration']:.0f} s, {p['workers']} "
        f"workers, first syncs over {p['ramp']:.0f} s: {report['requests']} requests, {report['errors']} errors",
        f"{'endpoint':<22}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}",
    ]
    for name, s in report["endpoints"].items():
        lines.append(
            f"{name:<22}{s['n']:>7}{s['p50'] * 1e3:>9.0f}{s['p95'] * 1e3:>9.0f}{s['p99'] * 1e3:>9.0f}{s['max'] * 1e3:>9.0f}"
        )
    if report["steady"]:
        lines.append(f"after the last first sync (from {report['steady_from_s']:.0f} s on):")
        for name, s in report["steady"].items():
            lines.append(
                f"  {name:<20}{s['n']:>7}{s['p50'] * 1e3:>9.0f}{s['p95'] * 1e3:>9.0f}{s['p99'] * 1e3:>9.0f}"
                f"{s['max'] * 1e3:>9.0f}"
            )
    r = report["resources"]
    if r:
        lines.append(
            f"server CPU mean {r['server_cpu_mean_pct']:.0f}% max {r['server_cpu_max_pct']:.0f}% (of one core), "
            f"RSS max {r['server_rss_max_mb']:.0f} MB; PostgreSQL CPU mean {r['postgres_cpu_mean_pct']:.0f}% "
            f"max {r['postgres_cpu_max_pct']:.0f}%, RSS max {r['postgres_rss_max_mb']:.0f} MB"
        )
        lag = report["loop_lag_s"]
        lines.append(
            f"load generator CPU mean {r['generator_cpu_mean_pct']:.0f}% max {r['generator_cpu_max_pct']:.0f}%, "
            f"its event loop late p50 {lag['p50'] * 1e3:.0f} ms, p99 {lag['p99'] * 1e3:.0f} ms, "
            f"max {lag['max'] * 1e3:.0f} ms; machine load average (1 min) mean {r['load1_mean']:.1f}, "
            f"max {r['load1_max']:.1f} on {os.cpu_count()} cores"
        )
    h = report["server_holds"]
    lines.append(
        f"server holds exactly what was sent: {h['records']} records, {h['changes']} changes logged once, "
        f"{h['photos']} photos, head {h['head']}"
    )
    if "abuse" in report:
        a = report["abuse"]
        lines.append(
            f"bad input refused: {a['refused']}; slow connections held {a['slow_connection_held_s']:.0f} s"
        )
        for label in ("laptops_before", "laptops_during", "laptops_after"):
            for name, s in a[label].items():
                lines.append(
                    f"  {label.replace('laptops_', 'laptops ')} bad input, {name}: n {s['n']}, "
                    f"p50 {s['p50'] * 1e3:.0f} ms, p95 {s['p95'] * 1e3:.0f} ms, p99 {s['p99'] * 1e3:.0f} ms"
                )
    for line in report["server_log_errors"]:
        lines.append(f"  server log: {line[:200]}")
    for line in report.get("abuse", {}).get("failures", []):
        lines.append(f"  bad input: {line[:200]}")
    for sample in report["error_samples"]:
        lines.append(f"  error: {sample}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a few laptops for a few seconds (CI)")
    ap.add_argument("--laptops", type=int)
    ap.add_argument("--duration", type=float, help="seconds")
    ap.add_argument("--workers", type=int)
    ap.add_argument(
        "--ramp",
        type=float,
        help="seconds over which the first syncs start, at random times (default 30; 0: all at once)",
    )
    ap.add_argument("--no-abuse", action="store_true", help="leave out the bad input")
    ap.add_argument(
        "--divisions",
        help="the counties the laptops' accounts are spread over, in turn: yunnan (the province's 129, "
        "default) or baoshan (one city's 5: 40 laptops a county, pushes of one county take turns)",
    )
    ap.add_argument("--database-url", help="PostgreSQL server to make the fresh database on")
    ap.add_argument("--json", type=Path, help="write the report here")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it (server log, photos)")
    args = ap.parse_args(argv)
    p = Params.quick() if args.quick else Params()
    if args.laptops:
        p.laptops = args.laptops
    if args.duration:
        p.duration = args.duration
    if args.workers:
        p.workers = args.workers
    if args.ramp is not None:
        if args.ramp < 0:
            ap.error(f"--ramp must be 0 or more seconds, not {args.ramp}")
        p.ramp = args.ramp
    p.abuse = not args.no_abuse
    if args.divisions:
        p.divisions = args.divisions
    base = (
        args.database_url or os.environ.get("HOTELTV_BENCH_PG_URL") or os.environ.get("HOTELTV_TEST_PG_URL")
    )
    if not base:
        print("needs PostgreSQL: --database-url, HOTELTV_BENCH_PG_URL or HOTELTV_TEST_PG_URL (see .ci/pg.sh)")
        return 2
    with fresh_database(base) as db_url, tempfile.TemporaryDirectory(prefix="hoteltv-load-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        report = run(db_url, p, folder)
    print(show(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    for name in ("push", "pull"):
        s = report["endpoints"].get(name)
        if s:
            record(
                "server_load", f"{name} p99, {p.laptops} laptops, {p.workers} workers", s["p99"], aim_s=AIM_S
            )
    ok = report["errors"] == 0 and all(report["endpoints"][n]["p99"] <= AIM_S for n in ("push", "pull"))
    print("aim met (p99 push and pull ≤ 1 s, 0 errors)" if ok else "AIM NOT MET")
    return 0 if report["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
