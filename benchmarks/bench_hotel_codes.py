"""A push with a new hotel that carries a unified social credit code, on a server that already holds many
hotels: the server asks which live hotel has that code (the same hotel typed in on two laptops is one
hotel). Medians of several pushes of one new hotel each.

Baseline, measured in the same run against the same server: the same push of a new hotel without a code
(no look-up at all). Aim: the push with a code within 1.5x of it at any number of hotels — the look-up must
not grow with the register (before the index of :mod:`hoteltv.sync.server.codes`, every such push read
every hotel's values: tens of thousands on a province's server).

The server is called in process (:func:`hoteltv.sync.server.service.push`, SQLite in a temporary folder),
without HTTP, so only the push itself is timed. The hotels are written by pushes of 500, as laptops' first
syncs would.

Run: ``python benchmarks/bench_hotel_codes.py --hotels 20000`` (default); ``--quick`` (2,000 hotels,
fewer pushes) for a smoke run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

# Run as `python benchmarks/bench_hotel_codes.py` too (the project folder is then not on the path).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.record import record  # noqa: E402
from hoteltv.db.engine import sqlite_url  # noqa: E402
from hoteltv.domain.divisions import default_divisions  # noqa: E402
from hoteltv.domain.identifiers import credit_check_char  # noqa: E402
from hoteltv.sync.protocol import MAX_BATCH, Change, PushRequest, UserIn  # noqa: E402
from hoteltv.sync.server import admin, service  # noqa: E402
from hoteltv.sync.server.auth import Caller, authenticate  # noqa: E402
from hoteltv.sync.server.store import ServerDB  # noqa: E402

AIM_RATIO = 1.5
DEVICE = str(uuid.UUID(int=1))


def credit_code(n: int) -> str:
    """A valid unified social credit code, different for every ``n``."""
    base = f"91530502MA{n:07d}"
    return base + credit_check_char(base)


def hotel_change(n: int, seq: int, division_id: str, code: str | None) -> Change:
    """A new hotel as a laptop sends it."""
    rid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-hotel-{n}"))
    values: dict[str, Any] = {
        "id": rid,
        "name": f"测试酒店{n:06d}",
        "division_id": division_id,
        "address": f"保山市隆阳区测试路{n}号",
        "credit_code": code,
        "rooms": 40,
        "version": 1,
        "deleted": False,
        "device_id": DEVICE,
    }
    return Change(
        entity="hotels", id=rid, seq=seq, version=1, fields=sorted(values), values=values, created=True
    )


class Bench:
    def __init__(self, folder: Path) -> None:
        self.db = ServerDB(sqlite_url(folder / "server.db").render_as_string(hide_password=False))
        admin.add_user(self.db, UserIn(name="office", role="office"))
        token = admin.issue_token(self.db, "office").token or ""
        with self.db.read() as s:
            found = authenticate(s, token)
        if found is None:
            raise RuntimeError("the benchmark's token was not taken")
        self.caller: Caller = found[0]
        self.division = default_divisions().divisions[0].id
        self.seq = 0
        self.n = 0

    def push(self, changes: list[Change]) -> float:
        req = PushRequest(device_id=DEVICE, key=uuid.uuid4().hex * 2, changes=changes)
        started = time.perf_counter()
        answer = service.push(self.db, self.caller, req)
        took = time.perf_counter() - started
        bad = [r for r in answer.results if r.status != "applied"]
        if bad:
            raise RuntimeError(f"the server did not apply {bad[0]}")
        return took

    def new(self, coded: bool) -> Change:
        self.n += 1
        self.seq += 1
        return hotel_change(self.n, self.seq, self.division, credit_code(self.n) if coded else None)

    def fill(self, hotels: int) -> None:
        while self.n < hotels:
            self.push([self.new(True) for _ in range(min(MAX_BATCH, hotels - self.n))])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hotels", type=int, default=20_000, help="hotels on the server (default 20000)")
    ap.add_argument("--repeat", type=int, default=15, help="pushes of each kind (default 15)")
    ap.add_argument("--quick", action="store_true", help="2,000 hotels, 5 pushes of each kind")
    args = ap.parse_args(argv)
    hotels, repeat = (2_000, 5) if args.quick else (args.hotels, args.repeat)
    with tempfile.TemporaryDirectory(prefix="hoteltv-bench-codes-") as tmp:
        bench = Bench(Path(tmp))
        started = time.perf_counter()
        bench.fill(hotels)
        print(
            f"   server: {hotels} hotels with a credit code, pushed in {time.perf_counter() - started:.1f} s"
        )
        bench.push([bench.new(True)])  # the process's first look-up (the index is made): not timed
        coded: list[float] = []
        plain: list[float] = []
        for _ in range(repeat):  # alternated, so both kinds see the same machine
            coded.append(bench.push([bench.new(True)]))
            plain.append(bench.push([bench.new(False)]))
        bench.db.close()
    with_code, without = statistics.median(coded), statistics.median(plain)
    ratio = with_code / without
    print(
        f"   a new hotel with a credit code: {with_code * 1000:.2f} ms median of {repeat} "
        f"(min {min(coded) * 1000:.2f}, max {max(coded) * 1000:.2f})"
    )
    print(
        f"   baseline, a new hotel without one: {without * 1000:.2f} ms "
        f"(min {min(plain) * 1000:.2f}, max {max(plain) * 1000:.2f})"
    )
    print(f"   ratio {ratio:.2f}x (aim <= {AIM_RATIO}x) at {hotels} hotels")
    record(
        "hotel_codes",
        "push of a new hotel with a credit code",
        with_code,
        hotels=hotels,
        baseline="the same push without a code",
        baseline_s=without,
        runs=repeat,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
