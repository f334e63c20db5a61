"""The network between the laptops and the server: an httpx transport that injects faults at random.

Each request meets a fault with probability ``rate`` (photo uploads and pushes a little more often); the
kinds, each counted in ``stats``:

* ``refused`` — the connection is refused; nothing reaches the server;
* ``lost_answer`` — the server handles the request completely, then the answer is lost;
* ``cut`` — only the first random number of body bytes reach the server, then the connection drops
  (mid-push, mid-photo upload);
* ``duplicate`` — the request reaches the server twice (the client sees one of the two answers);
* ``held`` — a push is held back in the network (the client sees a timeout) and delivered later, after
  other requests, possibly other laptops' and possibly after newer pushes of the same laptop; half the
  time the network then stays down for the rest of that sync, so the held push may be the only copy;
* ``crash`` (in-process server) — the server dies inside the push transaction at a random change, or just
  after it committed, and is restarted; the client sees the connection drop;
* ``kill`` (server subprocess) — SIGKILL at a random moment while the request is in flight; the server
  stays down until the client's backoff, the next step or the heal restarts it. The first push after the
  set-up always meets one.

One :class:`Network` is shared by every laptop of a trial (held pushes of one laptop arrive among the others'
requests). The clients' retry sleep is :meth:`Network.backoff`: a server that was killed comes back during
a backoff with some probability.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import httpx

PUSH = "/sync/push"


class Network(httpx.BaseTransport):
    """See module docstring. ``server`` is an InProcessServer or SubprocessServer."""

    def __init__(self, server: Any, rng: random.Random, stats: Counter[str]) -> None:
        self.server = server
        self.rng = rng
        self.stats = stats
        self.rate = 0.0
        self.held: list[tuple[httpx.Request, bytes]] = []
        self.partitioned = False
        self.kill_next_push = False
        self.events: list[str] = []
        #: Every request the laptops made and how it ended (printed with a failed trial's steps).
        self.trace: list[str] = []

    def close(self) -> None:
        """Clients close their transport; the network lives on."""

    # --- control ----------------------------------------------------------------------------------------
    def set_rate(self, rate: float) -> None:
        self.rate = rate

    def end_sync(self) -> None:
        self.partitioned = False

    def backoff(self, _seconds: float) -> None:
        """A client's retry sleep (not slept): a killed server may come back meanwhile."""
        if not self.server.alive and self.rng.random() < 0.6:
            self.server.ensure_up()
            self.stats["restart_in_backoff"] += 1
            self.events.append("server restarted during a client's backoff")

    def release(self, n: int | None = None) -> None:
        """Deliver held pushes now (oldest first); their answers go nowhere."""
        count = len(self.held) if n is None else min(n, len(self.held))
        for _ in range(count):
            request, body = self.held.pop(0)
            try:
                response = self.server.deliver(request, body)
            except httpx.TransportError:
                self.stats["held_lost"] += 1  # the server was down: the network dropped it
                self.events.append("held push lost (server down)")
                continue
            self.stats["held_delivered"] += 1
            self.events.append(f"held push delivered late → HTTP {response.status_code}")

    # --- the transport ----------------------------------------------------------------------------------------
    def _pick(self, method: str, path: str, body: bytes) -> str | None:
        if self.kill_next_push and method == "POST" and path.endswith(PUSH):
            self.kill_next_push = False  # every server-process trial kills at least one push mid-request
            return "kill"
        busy = PUSH in path or ("/photos/" in path and method != "GET")
        rate = self.rate * (1.5 if busy else 1.0)
        if not rate or self.rng.random() >= rate:
            return None
        kinds = {"refused": 3.0, "lost_answer": 3.0, "duplicate": 2.0}
        if method in ("POST", "PUT") and len(body) >= 2:
            kinds["cut"] = 3.0
        if method == "POST" and path.endswith(PUSH):
            kinds["held"] = 2.5
            if self.server.kind == "inproc":
                kinds["crash"] = 2.0
        if self.server.kind == "subprocess":  # the point of a server process: SIGKILL mid-request
            kinds["kill"] = 5.0 if method == "POST" and path.endswith(PUSH) else 1.0
        names = sorted(kinds)
        return self.rng.choices(names, weights=[kinds[k] for k in names])[0]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        device = request.headers.get("x-hoteltv-device", "")[:4]
        what = f"{device} {request.method} {request.url.path}"
        try:
            response = self._handle(request)
        except httpx.TransportError as exc:
            self.trace.append(f"{what} → {type(exc).__name__}: {exc}")
            raise
        self.trace.append(f"{what} → {response.status_code}")
        return response

    def _handle(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        path = request.url.path
        if self.held and self.rng.random() < 0.25:
            self.release(1)
        if self.partitioned:
            raise httpx.ConnectError("injected: network down", request=request)
        kind = self._pick(request.method, path, body)
        if kind is None:
            return self.server.deliver(request, body)
        self.stats[kind] += 1
        self.events.append(f"{kind}: {request.method} {path} ({len(body)} bytes)")
        if kind == "refused":
            raise httpx.ConnectError("injected: connection refused", request=request)
        if kind == "lost_answer":
            self.server.deliver(request, body)
            raise httpx.ReadError("injected: answer lost", request=request)
        if kind == "cut":
            self.server.deliver_cut(request, body, self.rng.randrange(1, len(body)))
            raise httpx.ReadError("injected: connection cut mid-body", request=request)
        if kind == "duplicate":
            first = self.server.deliver(request, body)
            try:
                second = self.server.deliver(request, body)
            except httpx.TransportError:
                return first
            return first if self.rng.random() < 0.5 else second
        if kind == "held":
            self.held.append((request, body))
            if self.rng.random() < 0.5:
                self.partitioned = True
            raise httpx.ReadTimeout("injected: push held in the network", request=request)
        if kind == "crash":
            n = self.rng.randrange(1, 12)
            self.events[-1] += f" crash at change {n}"
            return self.server.deliver_killed(request, body, n)  # type: ignore[no-any-return]
        if kind == "kill":
            delay = self.rng.uniform(0.0, 0.06)
            self.events[-1] += f" SIGKILL after {delay * 1000:.0f} ms"
            return self.server.deliver_killed(request, body, delay)  # type: ignore[no-any-return]
        raise AssertionError(kind)
