"""The server load benchmark's short mode (benchmarks/bench_server_load.py --quick) as a test: a few simulated
laptops sync for seconds against ``hoteltv serve --workers 4`` on PostgreSQL while bad input arrives.

Checked (not timed — the latency figures belong to the benchmark): no laptop request fails, the server holds
exactly what the laptops sent, bodies over the limit are refused with 413 (declared or streamed), wrong
tokens with 401, and slow clients are survived."""

from __future__ import annotations

from pathlib import Path

from benchmarks.bench_server_load import Params, run, show
from tests.sync.conftest import database_url


def test_short_load_run(tmp_path: Path) -> None:
    url = database_url("postgresql", tmp_path)
    p = Params.quick()
    report = run(url, p, tmp_path)
    print(show(report))
    assert report["errors"] == 0, report["error_samples"]
    held = report["server_holds"]
    assert held["records"] == p.laptops * (1 + p.inspections * (1 + p.photos))
    assert held["photos"] == p.laptops * p.inspections * p.photos
    refused = report["abuse"]["refused"]
    assert refused["oversized-declared"] == {413: (p.oversized + 1) // 2}
    assert refused["oversized-streamed"] == {413: p.oversized // 2}
    assert refused["wrong-token"] == {401: p.wrong_tokens}
    assert sum(refused["slow"].values()) == p.slow_clients
    assert {"push", "pull", "check", "photos/batch", "photos/put"} <= set(report["endpoints"])
    assert any('reason="token"' in line for line in report["metrics_refusals"])
