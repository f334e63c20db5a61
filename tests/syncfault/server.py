"""The campaign's sync server, in one of two forms, both over a SQLite file and a photo folder:

* :class:`InProcessServer` — the FastAPI app called in-process (through :mod:`tests.sync.asgi`). A
  *restart* drops the app and makes a new one over the same database file and photo folder; a *crash*
  raises inside the push transaction at a chosen change (as if the process died there: the transaction
  is rolled back) and then restarts.
* :class:`SubprocessServer` — a real ``hoteltv serve`` (uvicorn) child process on 127.0.0.1. A *kill* is
  SIGKILL while a request is in flight, at a random moment; a restart starts a new child on the same data.

Both deliver a request (:meth:`deliver`), deliver only the first bytes of its body and drop the
connection (:meth:`deliver_cut`), and open the server's database for bundle imports and the final checks
(:meth:`database`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

from hoteltv.db.engine import sqlite_url
from hoteltv.sync.protocol import UserIn
from hoteltv.sync.server import admin, service
from hoteltv.sync.server.photos import BlobStore
from hoteltv.sync.server.store import ServerDB
from tests.sync.asgi import ASGITransport

ROOT = Path(__file__).resolve().parents[2]
#: Users every trial's server has: name → (role, division codes).
USERS: dict[str, tuple[str, list[str]]] = {
    "office": ("office", []),
    "ly": ("inspector", ["530502"]),  # 隆阳区
    "tc": ("inspector", ["530581"]),  # 腾冲市
}


def _copy(request: httpx.Request, body: bytes, url: httpx.URL | None = None) -> httpx.Request:
    return httpx.Request(
        request.method,
        url or request.url,
        headers=request.headers,
        content=body,
        extensions=dict(request.extensions),
    )


def add_users(db: ServerDB) -> dict[str, str]:
    """The trial's users and a token each (name → token)."""
    tokens: dict[str, str] = {}
    for name, (role, divisions) in USERS.items():
        admin.add_user(db, UserIn(name=name, role=role, divisions=divisions))  # type: ignore[arg-type]
        token = admin.issue_token(db, name).token
        assert token is not None
        tokens[name] = token
    return tokens


class CrashSwitch:
    """Makes ``service._apply_change`` raise at the n-th change of the next push (a server killed inside
    its transaction). Installed for the campaign's duration and removed after."""

    def __init__(self) -> None:
        self.countdown: int | None = None
        self.fired = False
        self._real: Callable[..., Any] | None = None

    def install(self) -> None:
        if self._real is not None:
            return
        self._real = real = service._apply_change

        def apply_change(*args: Any, **kw: Any) -> Any:
            if self.countdown is not None:
                self.countdown -= 1
                if self.countdown <= 0:
                    self.countdown = None
                    self.fired = True
                    raise RuntimeError("injected: server killed inside the push transaction")
            return real(*args, **kw)

        service._apply_change = apply_change  # type: ignore[assignment]

    def uninstall(self) -> None:
        if self._real is not None:
            service._apply_change = self._real  # type: ignore[assignment]
            self._real = None

    def arm(self, nth: int) -> None:
        self.countdown, self.fired = nth, False

    def disarm(self) -> None:
        self.countdown = None


class InProcessServer:
    """The app in this process; see module docstring."""

    kind = "inproc"

    def __init__(self, folder: Path, crash: CrashSwitch) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.url = sqlite_url(folder / "server.db").render_as_string(hide_password=False)
        self.db_path = folder / "server.db"
        self.photos = folder / "photos"
        self.crash = crash
        self.restarts = 0
        from hoteltv.sync.server.app import create_app

        self._create_app = create_app
        self.app = create_app(self.url, self.photos)
        self.asgi = ASGITransport(self.app)
        self.tokens = add_users(self.app.state.db)

    @property
    def alive(self) -> bool:
        return True

    def ensure_up(self) -> None:
        """Nothing to do: an in-process server is restarted at once."""

    def restart(self) -> None:
        """Drop the app (its engines closed) and make a new one over the same files."""
        self.app.state.db.close()
        self.app = self._create_app(self.url, self.photos)
        self.asgi.app = self.app
        self.restarts += 1

    def deliver(self, request: httpx.Request, body: bytes) -> httpx.Response:
        return self.asgi.handle_request(_copy(request, body))

    def deliver_cut(self, request: httpx.Request, body: bytes, nbytes: int) -> None:
        self.asgi.plan.add(request.method, request.url.path, "cut", nbytes=nbytes)
        with contextlib.suppress(httpx.ReadError):
            self.asgi.handle_request(_copy(request, body))

    def deliver_killed(self, request: httpx.Request, body: bytes, nth: int) -> httpx.Response:
        """Deliver a push, crash the server at its ``nth`` change (or after it committed, when it has fewer
        changes), restart; the client sees the connection drop."""
        self.crash.arm(nth)
        try:
            self.asgi.handle_request(_copy(request, body))
        finally:
            self.crash.disarm()
        self.restart()
        raise httpx.RemoteProtocolError("injected: server killed, connection dropped", request=request)

    @contextlib.contextmanager
    def database(self) -> Iterator[tuple[ServerDB, BlobStore]]:
        yield self.app.state.db, self.app.state.blobs

    def stop(self) -> None:
        self.asgi.shutdown()
        self.app.state.db.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SubprocessServer:
    """``hoteltv serve`` in a child process; see module docstring."""

    kind = "subprocess"
    START_TIMEOUT = 90.0

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.data = folder / "data"
        self.data.mkdir(exist_ok=True)
        self.db_path = self.data / "server.db"
        self.url = sqlite_url(self.db_path).render_as_string(hide_password=False)
        self.photos = self.data / "photos"
        self.restarts = 0
        self.kills = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.trace: list[str] = []  # the Network's request trace, when it has one
        self.port = 0
        self.http: httpx.HTTPTransport | None = None
        db = ServerDB(self.url)
        try:
            self.tokens = add_users(db)
        finally:
            db.close()
        self.start()

    # --- the child process --------------------------------------------------------------------------
    def start(self) -> None:
        self.port = _free_port()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
        env.pop("HOTELTV_HOME", None)
        log = open(self.folder / "server.log", "ab")  # noqa: SIM115 - the child keeps it open
        try:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "hoteltv.cli",
                    "--home",
                    str(self.folder / "home"),
                    "serve",
                    "--data",
                    str(self.data),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        finally:
            log.close()
        self.http = httpx.HTTPTransport(retries=0)
        self.trace.append(f"=== hoteltv serve started: pid {self.proc.pid}, port {self.port}")
        deadline = time.monotonic() + self.START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"hoteltv serve exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"hoteltv serve did not start: {self.log_tail()}")
            time.sleep(0.05)

    def log_tail(self, n: int = 1500) -> str:
        try:
            return (self.folder / "server.log").read_text(encoding="utf-8", errors="replace")[-n:]
        except OSError:
            return ""

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the server (no shutdown, no flush: what SQLite already committed stays)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        if hasattr(signal, "SIGKILL"):
            os.kill(self.proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - the campaign runs on POSIX
            self.proc.kill()
        self.proc.wait(timeout=30)
        self.kills += 1
        if self.http is not None:
            self.http.close()
            self.http = None

    def restart(self) -> None:
        self.kill()
        self.start()
        self.restarts += 1

    def ensure_up(self) -> None:
        if not self.alive:
            self.start()
            self.restarts += 1

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.http is not None:
            self.http.close()
            self.http = None

    # --- requests ----------------------------------------------------------------------------------------
    def _target(self, request: httpx.Request) -> httpx.URL:
        return request.url.copy_with(scheme="http", host="127.0.0.1", port=self.port)

    def deliver(self, request: httpx.Request, body: bytes) -> httpx.Response:
        if self.http is None or not self.alive:
            raise httpx.ConnectError("connection refused (server down)", request=request)
        response = self.http.handle_request(_copy(request, body, self._target(request)))
        content = response.read()
        response.close()
        return httpx.Response(
            response.status_code, headers=response.headers, content=content, request=request
        )

    def deliver_cut(self, request: httpx.Request, body: bytes, nbytes: int) -> None:
        """Send the request line, the headers (with the full Content-Length) and ``nbytes`` of the body on a
        raw socket, then close it: the server sees the connection drop mid-body."""
        if not self.alive:
            return
        target = request.url.raw_path.decode("ascii")
        head = [f"{request.method} {target} HTTP/1.1".encode()]
        for name, value in request.headers.raw:
            head.append(name + b": " + value)
        data = b"\r\n".join(head) + b"\r\n\r\n" + body[:nbytes]
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock,
        ):
            sock.sendall(data)
            time.sleep(0.02)  # let the server read what arrived before the cut

    def deliver_killed(self, request: httpx.Request, body: bytes, delay: float) -> httpx.Response:
        """Deliver the request and SIGKILL the server ``delay`` seconds after sending (mid-request, or just
        after it answered). The server stays down until someone restarts it."""
        outcome: dict[str, Any] = {}

        def send() -> None:
            try:
                outcome["response"] = self.deliver(request, body)
            except Exception as exc:  # noqa: BLE001 - handed to the caller below
                outcome["error"] = exc

        thread = threading.Thread(target=send, daemon=True)
        thread.start()
        time.sleep(delay)
        self.kill()
        thread.join(timeout=30)
        if "response" in outcome:
            return outcome["response"]  # type: ignore[no-any-return]
        error = outcome.get("error")
        if isinstance(error, httpx.TransportError):
            raise error
        raise httpx.RemoteProtocolError(f"server killed mid-request ({error!r})", request=request)

    @contextlib.contextmanager
    def database(self) -> Iterator[tuple[ServerDB, BlobStore]]:
        """The server's database opened beside the running server (as the admin commands do)."""
        db = ServerDB(self.url)
        try:
            yield db, BlobStore(self.photos)
        finally:
            db.close()
