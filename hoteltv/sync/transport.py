"""The sync client's transport: one HTTP connection to the server, every call retried with backoff.

:class:`Transport` sends the bearer token and the device id with every request and retries, through
tenacity, what trying again can mend — a refused or cut connection, a timeout, a busy or failing server
(408, 425, 429, 5xx) — by :class:`RetryPolicy` (exponential backoff with jitter, a fixed number of tries).
Anything else (401, 403, 404, 409, 413, 422 …, a certificate the client does not trust) is raised at once
as a :class:`SyncError` that says in words what was wrong. Nothing here knows what is synced.

Laptop side: imports neither the server package nor FastAPI.
"""

from __future__ import annotations

import logging
import os
import random
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt

from hoteltv import __version__
from hoteltv.errors import HoteltvError
from hoteltv.sync.protocol import API_PREFIX

log = logging.getLogger(__name__)

DEVICE_HEADER = "X-Hoteltv-Device"
#: Statuses that mean "busy or failing now": tried again.
RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class SyncError(HoteltvError):
    """A sync step failed; ``transient`` when trying again later may succeed (network, server down)."""

    def __init__(self, message: str, *, transient: bool = False, status: int | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.status = status
        self.report: Any = None  # the sync's report so far (a SyncReport), when a whole sync failed


class SyncCancelled(HoteltvError):
    """The user stopped the sync; what was done stays done."""


@dataclass
class RetryPolicy:
    """Exponential backoff: ``base * factor**n`` seconds (capped, with jitter), ``attempts`` tries."""

    attempts: int = 5
    base: float = 0.5
    factor: float = 2.0
    max_delay: float = 30.0
    jitter: float = 0.2
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int) -> float:
        d = min(self.max_delay, self.base * self.factor**attempt)
        return max(0.0, d * (1 + random.uniform(-self.jitter, self.jitter)))

    def retrying(self, retry_on: Callable[[BaseException], bool], attempts: int | None = None) -> Retrying:
        """A tenacity controller by this policy: retries while ``retry_on(error)`` says so, at most
        ``attempts`` (default :attr:`attempts`) tries, then raises the last error."""
        return Retrying(
            stop=stop_after_attempt(max(1, attempts or self.attempts)),
            wait=lambda state: self.delay(state.attempt_number - 1),
            sleep=self.sleep,
            retry=retry_if_exception(retry_on),
            reraise=True,
        )


class Retry(Exception):
    """Raised inside a retried block to try it again (a transient failure already put into words)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def explain_status(response: httpx.Response) -> str:
    """A refusal in words (Chinese, with the English after it)."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, list):  # pydantic validation errors
        detail = "; ".join(str(d.get("msg", d)) for d in detail[:5])
    text = str(detail or response.reason_phrase or "")
    if response.status_code == 401:
        return f"令牌无效或已吊销,请向管理员申请新令牌 (the server refused the token: {text})"
    if response.status_code == 403:
        return f"没有权限 (not allowed: {text})"
    if response.status_code == 413:
        return f"数据过大,服务器拒收 (too large for the server: {text})"
    return f"服务器拒绝了请求 (the server refused: HTTP {response.status_code} {text})"


def tls_context(cafile: str | os.PathLike[str] | None = None) -> ssl.SSLContext:
    """What the client trusts: the system's certificate store, plus the CA certificates in ``cafile``.

    The system store (through ``truststore``) is where a bureau's IT installs a government or internal CA
    on Windows, and what the macOS keychain and a Linux distribution's CA bundle hold; certifi's bundle,
    httpx's default, knows none of those. ``cafile`` (PEM) adds a CA for a server with its own certificate.
    """
    import truststore

    context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if cafile:
        try:
            context.load_verify_locations(cafile=os.fspath(cafile))
        except (OSError, ssl.SSLError, ValueError) as exc:
            raise HoteltvError(
                f"{cafile}: CA 证书文件无法读取,应为 PEM 格式 (the CA certificate file cannot be read; "
                f"it must be PEM: {getattr(exc, 'strerror', None) or exc})"
            ) from exc
    return context


def certificate_refused(exc: BaseException) -> bool:
    """Did the connection fail because the server's certificate is not trusted (trying again won't do)?"""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def explain_transport(exc: Exception) -> str:
    """A network failure in words."""
    if certificate_refused(exc):
        return (
            "服务器的证书不受信任:请让单位信息科把其 CA 证书装入 Windows 证书存储,或在同步设置中填写 CA 证书文件"
            f"(命令行 --cafile)。详情:{exc} (the server's certificate is not trusted: install its CA in the "
            f"system store, or give the CA file in the sync settings or with --cafile)"
        )
    if isinstance(exc, httpx.ConnectError):
        return f"无法连接服务器,请检查网络和服务器地址 (cannot reach the server: {exc})"
    if isinstance(exc, httpx.TimeoutException):
        return f"服务器响应超时 (the server did not answer in time: {exc})"
    return f"网络中断 (the connection broke: {exc})"


def transient(exc: BaseException) -> bool:
    """Is ``exc`` worth another try (a network failure but an untrusted certificate, a busy server)?"""
    if isinstance(exc, Retry):
        return True
    if isinstance(exc, httpx.TransportError):
        return not certificate_refused(exc)
    return isinstance(exc, SyncError) and exc.transient


class Transport:
    """The HTTP connection to one server (see module docstring)."""

    def __init__(
        self,
        server_url: str,
        token: str,
        device_id: str,
        *,
        http: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 60.0,
        verify: bool | str | ssl.SSLContext = True,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        headers = {
            "Authorization": f"Bearer {token}",
            DEVICE_HEADER: device_id,
            "User-Agent": f"hoteltv/{__version__}",
        }
        if verify is True or isinstance(verify, str):  # the system store (+ a CA file); False: tests only
            verify = tls_context(verify if isinstance(verify, str) else None)
        if http is None:
            self.http = httpx.Client(
                base_url=self.server_url, headers=headers, transport=transport, timeout=timeout, verify=verify
            )
            self._own_http = True
        else:
            self.http = http
            self.http.headers.update(headers)
            self._own_http = False

    def close(self) -> None:
        if self._own_http:
            self.http.close()

    def once(self, method: str, path: str, **kw: Any) -> httpx.Response:
        """One try: the answer, or :class:`SyncError` (transient for network failures and busy servers;
        :class:`Retry` is never raised here)."""
        try:
            response = self.http.request(method, f"{API_PREFIX}{path}", **kw)
        except httpx.TransportError as exc:
            log.info("sync %s %s failed (%s)", method, path, exc)
            raise SyncError(explain_transport(exc), transient=not certificate_refused(exc)) from exc
        if response.status_code < 400:
            return response
        raise SyncError(
            explain_status(response),
            status=response.status_code,
            transient=response.status_code in RETRY_STATUS,
        )

    def request(self, method: str, path: str, *, attempts: int | None = None, **kw: Any) -> httpx.Response:
        """One API call with retries and backoff for network failures and busy/failing servers."""
        tries = max(1, attempts or self.retry.attempts)
        try:
            for attempt in self.retry.retrying(transient, tries):
                with attempt:
                    return self.once(method, path, **kw)
        except SyncError as exc:
            if not exc.transient:
                raise
            raise SyncError(
                f"{exc.message};已重试 {tries} 次,稍后会再试 (gave up after {tries} tries; try again later)",
                transient=True,
                status=exc.status,
            ) from exc
        raise AssertionError("unreachable: tenacity either returns or raises")  # pragma: no cover

    def attempts(self, retry_on: Callable[[BaseException], bool] = transient) -> Iterator[Any]:
        """The tries of a longer step (a resumable upload) by the same policy: ``for attempt in
        transport.attempts(): with attempt: …`` — an error ``retry_on`` accepts (a :class:`Retry` too)
        tries again after the backoff, the last one is raised."""
        return iter(self.retry.retrying(retry_on))
