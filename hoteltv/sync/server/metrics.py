"""Prometheus metrics of the sync server (``GET /metrics``, text format, via ``prometheus_client``).

What is counted:

* ``hoteltv_http_requests_total{method,endpoint,status}`` and
  ``hoteltv_http_request_duration_seconds{method,endpoint}`` (histogram) for every request, the endpoint
  being the route's template (``/api/v1/photos/{sha256}``), never the raw path; requests no route matched
  count under ``endpoint="unmatched"``; ``hoteltv_http_requests_in_progress`` (open requests: slow clients
  show here);
* ``hoteltv_refusals_total{reason}`` — requests refused: ``token`` (401), ``forbidden`` (403),
  ``conflict`` (409), ``too_large`` (413), ``invalid`` (400, 422), ``busy`` (429);
* ``hoteltv_sync_batches_total{outcome}`` (``applied`` or ``replayed``: a batch sent again),
  ``hoteltv_sync_changes_total{status}`` (applied, unchanged, conflict, refused) and
  ``hoteltv_sync_pulled_records_total``;
* ``hoteltv_photo_bytes_received_total{via}`` (``upload``: resumable, ``batch``: many small photos) and
  ``hoteltv_photo_bytes_sent_total``.

With several worker processes (``hoteltv serve --workers N``) each process writes its values to files in
``PROMETHEUS_MULTIPROC_DIR`` and ``/metrics`` adds up all of them, whichever process answers.

Who may read it: a request from the server machine itself (loopback, after the trusted proxy's
``X-Forwarded-For``), or one with an admin token. The figures hold no personal data, but request counts
per endpoint still tell an outsider how busy the bureau is; docs/server.md shows nginx denying the path.
"""

from __future__ import annotations

import collections
import ipaddress
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from hoteltv.sync.protocol import PushResponse

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
REFUSALS = {400: "invalid", 401: "token", 403: "forbidden", 409: "conflict", 413: "too_large", 422: "invalid"}
REFUSALS[429] = "busy"


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


class ServerMetrics:
    """The metrics of one server application (its own registry, so two servers in one process — tests —
    never add to each other's figures)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "hoteltv_http_requests", "HTTP requests answered", ["method", "endpoint", "status"], registry=r
        )
        self.latency = Histogram(
            "hoteltv_http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer",
            ["method", "endpoint"],
            buckets=BUCKETS,
            registry=r,
        )
        self.in_progress = Gauge(
            "hoteltv_http_requests_in_progress",
            "Requests being received or answered now",
            registry=r,
            multiprocess_mode="livesum",
        )
        self.refusals = Counter("hoteltv_refusals", "Requests refused, by reason", ["reason"], registry=r)
        self.batches = Counter("hoteltv_sync_batches", "Push batches, by outcome", ["outcome"], registry=r)
        self.changes = Counter("hoteltv_sync_changes", "Pushed changes, by result", ["status"], registry=r)
        self.pulled = Counter("hoteltv_sync_pulled_records", "Records sent by pulls", registry=r)
        self.photo_in = Counter("hoteltv_photo_bytes_received", "Photo bytes received", ["via"], registry=r)
        self.photo_out = Counter("hoteltv_photo_bytes_sent", "Photo bytes sent (downloads)", registry=r)

    # --- what the endpoints report -------------------------------------------------------------------------
    def pushed(self, response: PushResponse) -> None:
        self.batches.labels("replayed" if response.replayed else "applied").inc()
        if response.replayed:
            return
        for status, n in collections.Counter(r.status for r in response.results).items():
            self.changes.labels(status).inc(n)

    async def count_photo_bytes(self, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        """Pass a streamed upload through, counting its bytes."""
        async for chunk in chunks:
            self.photo_in.labels("upload").inc(len(chunk))
            yield chunk

    # --- the /metrics answer -------------------------------------------------------------------------------
    def render(self) -> bytes:
        if multiprocess_mode():
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)

    @staticmethod
    def process_ended() -> None:
        """A worker process stops: its live gauge values stop counting."""
        if multiprocess_mode():
            multiprocess.mark_process_dead(os.getpid())


def is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class MetricsMiddleware:
    """ASGI middleware (outermost): counts and times every HTTP request, refusals included (also the 413
    of the body limit, which answers before any route runs)."""

    def __init__(self, app: Any, metrics: ServerMetrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        m = self.metrics

        async def sending(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        m.in_progress.inc()
        try:
            await self.app(scope, receive, sending)
        finally:
            m.in_progress.dec()
            route = scope.get("route")
            endpoint = getattr(route, "path", None) or "unmatched"
            method = str(scope.get("method", ""))
            m.requests.labels(method, endpoint, str(status)).inc()
            m.latency.labels(method, endpoint).observe(time.perf_counter() - started)
            reason = REFUSALS.get(status)
            if reason is not None:
                m.refusals.labels(reason).inc()
