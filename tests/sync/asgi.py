"""A synchronous httpx transport that runs the ASGI server app in-process, with injectable faults.

Faults imitate a server killed or a network cut at a given moment:

* ``before`` — the request never reaches the server (connection refused);
* ``after`` — the server handles the request completely, then the answer is lost;
* ``cut`` — the server receives only the first ``nbytes`` of the body, then the connection drops.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Fault:
    method: str
    path: str  # substring of the URL path
    when: str  # before | after | cut
    times: int = 1
    nbytes: int = 0
    hits: int = 0


@dataclass
class Plan:
    faults: list[Fault] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)

    def add(self, method: str, path: str, when: str, *, times: int = 1, nbytes: int = 0) -> Fault:
        fault = Fault(method, path, when, times, nbytes)
        self.faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        for f in self.faults:
            if f.method == method and f.path in path and f.hits < f.times:
                f.hits += 1
                return f
        return None


class ASGITransport(httpx.BaseTransport):
    """Calls the app on an event loop in a helper thread (the app may itself use worker threads)."""

    def __init__(self, app: Any, plan: Plan | None = None) -> None:
        self.app = app
        self.plan = plan or Plan()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        """httpx closes its transport with each client; the loop lives on until :meth:`shutdown`."""

    def shutdown(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.plan.requests.append((request.method, path))
        fault = self.plan.take(request.method, path)
        if fault is not None and fault.when == "before":
            raise httpx.ConnectError("injected: server down", request=request)
        body = request.read()
        cut = fault.nbytes if fault is not None and fault.when == "cut" else None
        future = asyncio.run_coroutine_threadsafe(self._call(request, body, cut), self.loop)
        status, headers, content = future.result(timeout=20)
        if fault is not None and fault.when in ("after", "cut"):
            raise httpx.ReadError("injected: connection lost before the answer", request=request)
        return httpx.Response(status, headers=headers, content=content, request=request)

    async def _call(
        self, request: httpx.Request, body: bytes, cut: int | None
    ) -> tuple[int, list[Any], bytes]:
        url = request.url
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": url.scheme,
            "path": url.path,
            "raw_path": url.raw_path.split(b"?")[0],
            "query_string": url.query,
            "root_path": "",
            "headers": [(k.lower(), v) for k, v in request.headers.raw],
            "client": ("127.0.0.1", 50000),
            "server": (url.host, url.port or 80),
        }
        limit = len(body) if cut is None else min(cut, len(body))
        pieces = [body[i : i + 65536] for i in range(0, limit, 65536)] or [b""]
        state = {"i": 0, "done": False}

        async def receive() -> dict[str, Any]:
            if state["i"] < len(pieces):
                i = state["i"]
                state["i"] += 1
                last = i == len(pieces) - 1
                return {"type": "http.request", "body": pieces[i], "more_body": not last or cut is not None}
            if cut is not None:
                return {"type": "http.disconnect"}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        status = 500
        headers: list[Any] = []
        chunks: list[bytes] = []

        async def send(message: dict[str, Any]) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        try:
            await self.app(scope, receive, send)
        except Exception:  # like a real server: the client sees the 500 the app already sent
            return 500, headers, b"".join(chunks)
        return status, headers, b"".join(chunks)
