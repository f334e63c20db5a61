"""``/metrics`` over HTTP (a real uvicorn on loopback): Prometheus text with requests, latencies per endpoint,
sync batches and changes, photo bytes and refusals; readable from the server machine or with an admin
token, refused to anyone else. ``/healthz`` still answers without a token."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from benchmarks.sync_sim import SimLaptop, sync
from hoteltv.db.engine import sqlite_url
from hoteltv.sync.protocol import API_PREFIX, MAX_BODY_BYTES, UserIn
from hoteltv.sync.server import admin
from hoteltv.sync.server.app import create_app
from tests.sync.conftest import LONGYANG
from tests.sync.helpers import serving

OUTSIDE = {"X-Forwarded-For": "203.0.113.9"}  # trusted from 127.0.0.1: the request now comes from outside


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def _value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def _declared_too_large(url: str, token: str) -> bytes:
    """A push that declares a body over the limit (and sends a little): refused from its header."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            f"POST {API_PREFIX}/sync/push HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {MAX_BODY_BYTES + 1}\r\n\r\n{{}}".encode()
        )
        return sock.recv(4096)


@pytest.fixture
def app(tmp_path: Path):  # type: ignore[no-untyped-def]
    app = create_app(sqlite_url(tmp_path / "server.db").render_as_string(hide_password=False), tmp_path / "p")
    db = app.state.db
    tokens = {}
    for name, role, divisions in (("root", "admin", []), ("ly", "inspector", [LONGYANG])):
        admin.add_user(db, UserIn(name=name, role=role, divisions=divisions))  # type: ignore[arg-type]
        tokens[name] = admin.issue_token(db, name).token
    app.state.test_tokens = tokens
    return app


def test_metrics_count_what_the_server_did(app) -> None:  # type: ignore[no-untyped-def]
    tokens = app.state.test_tokens
    lap = SimLaptop(1, tokens["ly"], LONGYANG, inspections=3, photos_each=2, photo_bytes=5000)
    lap.build()
    with serving(app) as url:
        assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}

        async def run() -> None:
            async with httpx.AsyncClient(base_url=url, timeout=30) as client:
                await sync(lap, client, lambda *_: None)

        asyncio.run(run())
        # Refusals: a wrong token, and a body over the limit (refused from its Content-Length).
        assert (
            httpx.get(f"{url}{API_PREFIX}/hello", headers={"Authorization": "Bearer htv_wrong"}).status_code
            == 401
        )
        assert _declared_too_large(url, tokens["ly"]).startswith(b"HTTP/1.1 413")
        r = httpx.get(f"{url}/metrics")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
        m = _samples(r.text)

    assert _value(m, "hoteltv_sync_batches_total", outcome="applied") == 1
    assert _value(m, "hoteltv_sync_changes_total", status="applied") == 1 + 3 + 6
    assert _value(m, "hoteltv_photo_bytes_received_total", via="batch") >= 6 * 5000
    push = dict(method="POST", endpoint=f"{API_PREFIX}/sync/push")
    assert _value(m, "hoteltv_http_requests_total", **push, status="200") == 1
    assert _value(m, "hoteltv_http_request_duration_seconds_count", **push) == 1
    assert _value(m, "hoteltv_http_request_duration_seconds_bucket", **push, le="+Inf") == 1
    assert _value(m, "hoteltv_http_requests_total", method="GET", endpoint="/healthz", status="200") == 1
    assert _value(m, "hoteltv_refusals_total", reason="token") == 1
    assert _value(m, "hoteltv_refusals_total", reason="too_large") == 1
    assert _value(m, "hoteltv_sync_pulled_records_total") >= 0
    assert _value(m, "hoteltv_http_requests_in_progress") == 1  # the /metrics request itself


def test_metrics_only_from_the_server_machine_or_an_admin(app) -> None:  # type: ignore[no-untyped-def]
    tokens = app.state.test_tokens
    with serving(app) as url:
        assert httpx.get(f"{url}/metrics", headers=OUTSIDE).status_code == 401
        inspector = httpx.get(
            f"{url}/metrics", headers={**OUTSIDE, "Authorization": f"Bearer {tokens['ly']}"}
        )
        assert inspector.status_code == 403
        root = httpx.get(f"{url}/metrics", headers={**OUTSIDE, "Authorization": f"Bearer {tokens['root']}"})
        assert root.status_code == 200 and "hoteltv_http_requests_total" in root.text
        assert httpx.get(f"{url}/healthz", headers=OUTSIDE).status_code == 200
        assert httpx.get(f"{url}/metrics").status_code == 200
