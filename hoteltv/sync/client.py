"""The sync client: push the outbox in idempotent batches, upload missing photos (resumable), pull what
changed on the server in one transaction, and prove the result with a count/hash check.

``SyncClient(db, store, server_url, token).sync(progress)`` runs one whole sync and returns a
:class:`SyncReport` with an outcome per record (sent, complete, conflict, failed — the reason in words).
Every request is retried with exponential backoff when the network or the server fails; a batch resent
after a lost answer carries the same idempotency key, so the server applies it once. Nothing here touches
a GUI: ``progress(done, total, text)`` reports and returns False to stop between steps.

Runs on any thread but the GUI's (it blocks on the network and writes the database).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import re
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from hoteltv import __version__
from hoteltv.db.engine import Database
from hoteltv.db.models import Meta, OutboxEntry, Photo, SyncBlob, SyncConflict, SyncRecordState, utcnow
from hoteltv.errors import HoteltvError
from hoteltv.photos.store import PhotoStore
from hoteltv.sync import state as sync_state
from hoteltv.sync.changes import (
    Collected,
    adopt_versions,
    apply_remote_records,
    collect_changes,
    forget_dropped,
    local_digests,
    mark_sent,
    pending_ids,
)
from hoteltv.sync.protocol import (
    API_PREFIX,
    BATCH_PHOTO_BYTES,
    BATCH_PHOTO_MAX,
    FRAME_HEADER,
    MAX_BATCH,
    MAX_HASHES,
    MAX_PULL,
    Change,
    ChangeResult,
    CheckResponse,
    Hello,
    MissingPhotos,
    PhotoBatchResult,
    PullResponse,
    PushRequest,
    PushResponse,
    RemoteRecord,
    StatusResponse,
    UploadState,
    batch_key,
    frame,
)
from hoteltv.sync.state import RecordOutcome

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], "bool | None"]
DEVICE_HEADER = "X-Hoteltv-Device"
META_LAST_SEQ = "sync.last_seq"
META_SERVER_ID = "sync.server_id"
META_MISSING_PHOTOS = "sync.missing_photos"
#: What the last passing check saw: server, head, the caller's scope, the newest local outbox entry.
META_CHECKED = "sync.checked"
UPLOAD_CHUNK = 4 * 1024 * 1024
BATCH_BYTES = 8 * 1024 * 1024
_RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_SHA256 = re.compile(r"[0-9a-f]{64}")


class SyncError(HoteltvError):
    """A sync step failed; ``transient`` when trying again later may succeed (network, server down)."""

    def __init__(self, message: str, *, transient: bool = False, status: int | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.status = status
        self.report: SyncReport | None = None


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


@dataclass
class SyncReport:
    """What one sync did (counts, per-record outcomes) and how it ended."""

    ok: bool = False
    started_at: datetime = field(default_factory=utcnow)
    finished_at: datetime | None = None
    server: str = ""
    user: str = ""
    role: str = ""
    pushed: int = 0
    applied: int = 0
    unchanged: int = 0
    conflicts: int = 0
    failed: int = 0
    pulled: int = 0
    photos_up: int = 0
    photos_down: int = 0
    bytes_up: int = 0
    bytes_down: int = 0
    upload_seconds: float = 0.0
    check_ok: bool | None = None
    check_message: str = ""
    message: str = ""
    outcomes: list[RecordOutcome] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        end = self.finished_at or utcnow()
        return (end - self.started_at).total_seconds()

    @property
    def upload_mb_per_s(self) -> float:
        return self.bytes_up / 1e6 / self.upload_seconds if self.upload_seconds > 0 else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            k: getattr(self, k)
            for k in (
                "pushed",
                "applied",
                "unchanged",
                "conflicts",
                "failed",
                "pulled",
                "photos_up",
                "photos_down",
                "bytes_up",
                "bytes_down",
                "check_ok",
                "check_message",
                "user",
                "role",
            )
        } | {"seconds": round(self.seconds, 3)}


def _explain_status(response: httpx.Response) -> str:
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


def _certificate_refused(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _explain_transport(exc: Exception) -> str:
    if _certificate_refused(exc):
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


def refuse_demo(db: Database) -> None:
    """Demo records never reach a server: a database marked as the demo's does not sync."""
    from hoteltv.services.demo import is_demo

    if is_demo(db):
        raise SyncError(
            "这是演示数据，不会发送到服务器；请在正式数据中同步 "
            "(this is the demo data folder: its records are never sent to a server)"
        )


class SyncClient:
    """One laptop's connection to a sync server (see module docstring)."""

    def __init__(
        self,
        db: Database,
        store: PhotoStore,
        server_url: str,
        token: str,
        *,
        http: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        batch_size: int = MAX_BATCH,
        upload_chunk: int = UPLOAD_CHUNK,
        batch_photo_max: int = BATCH_PHOTO_MAX,
        timeout: float = 60.0,
        verify: bool | str | ssl.SSLContext = True,
    ) -> None:
        self.db = db
        self.store = store
        self.server_url = server_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.batch_size = max(1, min(batch_size, MAX_BATCH))
        self.upload_chunk = max(1024, upload_chunk)
        self.batch_photo_max = batch_photo_max
        headers = {
            "Authorization": f"Bearer {token}",
            DEVICE_HEADER: db.device_id,
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
        self._progress: Progress | None = None
        self._pulled_photos: set[str] = set()
        self._scope = ""  # who the server says we are (user, role, divisions): part of a check's key
        self._step = 0
        self._steps = 1

    def close(self) -> None:
        if self._own_http:
            self.http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plumbing ------------------------------------------------------------------------------------------
    def _url(self, path: str) -> str:
        return f"{API_PREFIX}{path}"

    def request(self, method: str, path: str, *, attempts: int | None = None, **kw: Any) -> httpx.Response:
        """One API call with retries and backoff for network failures and busy/failing servers."""
        tries = attempts or self.retry.attempts
        last = ""
        for attempt in range(tries):
            try:
                response = self.http.request(method, self._url(path), **kw)
            except httpx.TransportError as exc:
                last = _explain_transport(exc)
                if _certificate_refused(exc):  # trying again changes nothing
                    raise SyncError(last) from exc
                log.info("sync %s %s failed (%s), attempt %d/%d", method, path, exc, attempt + 1, tries)
            else:
                if response.status_code < 400:
                    return response
                if response.status_code not in _RETRY_STATUS:
                    raise SyncError(_explain_status(response), status=response.status_code)
                last = _explain_status(response)
            if attempt + 1 < tries:
                self.retry.sleep(self.retry.delay(attempt))
        raise SyncError(
            f"{last};已重试 {tries} 次,稍后会再试 (gave up after {tries} tries; try again later)",
            transient=True,
        )

    def _tick(self, text: str, advance: int = 1) -> None:
        self._step += advance
        if (
            self._progress is not None
            and self._progress(min(self._step, self._steps), self._steps, text) is False
        ):
            raise SyncCancelled("同步已取消,已完成的部分已保存 (sync cancelled; what was done is kept)")

    # --- the whole sync --------------------------------------------------------------------------------------
    def hello(self) -> Hello:
        return Hello.model_validate(self.request("GET", "/hello").json())

    def sync(self, progress: Progress | None = None, *, full: bool = False) -> SyncReport:
        """Push, upload photos, pull, check, download photos, refresh conflicts; returns the report.

        Raises :class:`SyncError` only when the server cannot be used at all; everything else is in the
        report (``ok`` False with ``message``)."""
        refuse_demo(self.db)
        report = SyncReport(server=self.server_url)
        self._progress, self._step = progress, 0
        self._pulled_photos = set()
        log_id = sync_state.start_log(self.db, "sync", self.server_url)
        try:
            hello = self.hello()
            report.user, report.role = hello.user, hello.role
            self._scope = f"{hello.user}|{hello.role}|{','.join(sorted(hello.divisions))}"
            if self.db.get_meta(META_SERVER_ID) not in (None, hello.server_id):
                self._forget_server()
            collected = collect_changes(self.db)
            self._steps = max(1, (len(collected.changes) + self.batch_size - 1) // self.batch_size) + 6
            self._tick("发送修改 (sending changes)", 0)
            self.push(collected, report)
            self._resolve_pending(report)
            self._tick("上传照片 (uploading photos)")
            self.upload_photos(report)
            self._tick("接收服务器上的修改 (receiving changes)")
            self.pull(report, full=full, server_id=hello.server_id)
            self._tick("下载照片 (downloading photos)")
            self.download_photos(report)
            self._tick("检查照片是否完整 (checking photos arrived)")
            self.update_completeness(report)
            self._tick("更新冲突列表 (refreshing conflicts)")
            self.refresh_conflicts()
            report.ok = report.check_ok is not False
            if not report.message:
                report.message = self._summary_text(report)
        except SyncCancelled as exc:
            report.message = exc.message
        except SyncError as exc:
            report.message = exc.message
            report.ok = False
            exc.report = report
            raise
        finally:
            report.finished_at = utcnow()
            sync_state.save_outcomes(self.db, report.outcomes)
            sync_state.finish_log(self.db, log_id, report.ok, report.summary(), report.message)
            self._progress = None
        return report

    @staticmethod
    def _summary_text(r: SyncReport) -> str:
        text = (
            f"已发送 {r.pushed} 条(冲突 {r.conflicts},失败 {r.failed}),收到 {r.pulled} 条,"
            f"上传照片 {r.photos_up} 张,下载照片 {r.photos_down} 张 "
            f"(sent {r.pushed}: {r.conflicts} conflicts, {r.failed} failed; received {r.pulled}; "
            f"photos up {r.photos_up}, down {r.photos_down})"
        )
        if r.check_ok is False:
            text += f";核对未通过 (check failed): {r.check_message}"
        return text

    def _forget_server(self) -> None:
        """Another server than last time: start its sequence from zero and forget what it held."""
        with self.db.transaction() as s:
            for key in (META_LAST_SEQ, META_SERVER_ID):
                row = s.get(Meta, key)
                if row is not None:
                    s.delete(row)
            for blob in s.scalars(select(SyncBlob)):
                s.delete(blob)

    # --- push ------------------------------------------------------------------------------------------------
    def _batches(self, changes: Sequence[Change]) -> Iterator[list[Change]]:
        batch: list[Change] = []
        size = 0
        for change in changes:
            n = len(json.dumps(change.values, ensure_ascii=False, default=str))
            if batch and (len(batch) >= self.batch_size or size + n > BATCH_BYTES):
                yield batch
                batch, size = [], 0
            batch.append(change)
            size += n
        if batch:
            yield batch

    def push_batch(self, batch: list[Change]) -> PushResponse:
        refuse_demo(self.db)
        req = PushRequest(device_id=self.db.device_id, key=batch_key(self.db.device_id, batch), changes=batch)
        body = req.model_dump(mode="json", exclude=None if req.demo else {"demo"})
        return PushResponse.model_validate(self.request("POST", "/sync/push", json=body).json())

    def push(self, collected: Collected, report: SyncReport) -> None:
        for batch in self._batches(collected.changes):
            response = self.push_batch(batch)
            self._record_results(collected, batch, response.results, report)
            self._tick(f"已发送 {report.pushed} 条 (sent {report.pushed})")

    def _record_results(
        self, collected: Collected, batch: list[Change], results: list[ChangeResult], report: SyncReport
    ) -> None:
        by_key: dict[tuple[str, str], Change] = {(c.entity, c.id): c for c in batch}
        sent: list[Change] = []
        adopt: list[tuple[str, str, int, int]] = []
        conflicts: list[SyncConflict] = []
        outcomes: list[RecordOutcome] = []
        for r in results:
            change = by_key.get((r.entity, r.id))
            if change is None:
                continue
            label = collected.labels.get((r.entity, r.id), r.id)
            report.pushed += 1
            if r.status in ("applied", "unchanged"):
                sent.append(change)
                if r.status == "applied":
                    report.applied += 1
                else:
                    report.unchanged += 1
                if r.echo and r.version:
                    adopt.append((r.entity, r.id, change.version, r.version))
                outcomes.append(RecordOutcome(r.entity, r.id, label, "sent", ""))
            elif r.status == "conflict":
                sent.append(change)
                report.conflicts += 1
                details = []
                for c in r.conflicts:
                    details.append({"field": c.field, "server": c.server, "local": c.client})
                    conflicts.append(
                        SyncConflict(
                            server_id=c.conflict_id,
                            entity=r.entity,
                            record_id=r.id,
                            field=c.field,
                            label=label,
                            values={
                                "kept": c.server,
                                "other": c.client,
                                "base": c.base,
                                "kept_source": "服务器 (server)",
                                "other_source": "本机 (this computer)",
                            },
                            other_device=self.db.device_id,
                        )
                    )
                fields = "、".join(sync_state.field_words(str(d["field"])) for d in details)
                outcomes.append(
                    RecordOutcome(
                        r.entity,
                        r.id,
                        label,
                        "conflict",
                        f"字段 {fields} 在服务器上也被修改过,暂用服务器的值,等待办公室处理 "
                        f"(also changed on the server; the server's value stands until resolved)",
                        tuple(details),
                    )
                )
            else:
                report.failed += 1
                outcomes.append(RecordOutcome(r.entity, r.id, label, "failed", r.reason or f"HTTP {r.code}"))
        mark_sent(self.db, collected.seqs(sent))
        forget_dropped(self.db, [(c.entity, c.id) for c in sent])
        adopt_versions(self.db, adopt)
        if conflicts:
            with self.db.transaction() as s:
                for row in conflicts:
                    existing = (
                        s.scalars(select(SyncConflict).where(SyncConflict.server_id == row.server_id)).first()
                        if row.server_id is not None
                        else None
                    )
                    if existing is None:
                        s.add(row)
        report.outcomes.extend(outcomes)

    def _resolve_pending(self, report: SyncReport) -> None:
        """Tell the server about conflicts settled here (their edits were just pushed)."""
        with self.db.reading() as s:
            todo = [
                (c.id, c.server_id, dict(c.resolution))
                for c in s.scalars(select(SyncConflict).where(SyncConflict.status == "resolving"))
            ]
        for cid, server_id, resolution in todo:
            if server_id is None:
                continue
            body = {"choice": "value", "value": resolution.get("value")}
            try:
                self.request("POST", f"/conflicts/{server_id}/resolve", json=body)
            except SyncError as exc:
                if exc.transient:
                    raise
                report.outcomes.append(
                    RecordOutcome("sync_conflicts", cid, f"冲突 {server_id}", "failed", exc.message)
                )
                continue
            with self.db.transaction() as s:
                row = s.get(SyncConflict, cid)
                if row is not None:
                    row.status = "resolved"
                    row.resolved_at = utcnow()

    # --- photos ------------------------------------------------------------------------------------------------
    def _unconfirmed_hashes(self) -> list[str]:
        with self.db.reading() as s:
            confirmed = select(SyncBlob.sha256)
            stmt = (
                select(Photo.sha256)
                .where(Photo.deleted.is_(False), Photo.sha256.not_in(confirmed))
                .distinct()
                .order_by(Photo.sha256)
            )
            return list(s.scalars(stmt))

    def _confirm(self, hashes: Sequence[str]) -> None:
        if not hashes:
            return
        with self.db.transaction() as s:
            have = set(s.scalars(select(SyncBlob.sha256).where(SyncBlob.sha256.in_(list(hashes)))))
            for h in hashes:
                if h not in have:
                    s.add(SyncBlob(sha256=h))

    def upload_photos(self, report: SyncReport) -> None:
        hashes = self._unconfirmed_hashes()
        missing: list[str] = []
        for i in range(0, len(hashes), MAX_HASHES):
            chunk = hashes[i : i + MAX_HASHES]
            answer = MissingPhotos.model_validate(
                self.request("POST", "/photos/missing", json={"sha256": chunk}).json()
            )
            lacking = set(answer.missing) | set(answer.unknown)
            self._confirm([h for h in chunk if h not in lacking])
            missing += answer.missing
        started = time.perf_counter()
        done: list[str] = []
        try:
            missing = self._upload_small(missing, report)
            for n, sha in enumerate(missing):
                try:
                    sent = self.upload_one(sha)
                except SyncError as exc:
                    if exc.transient:
                        raise
                    self._photo_failed(report, sha, exc.message)
                    continue
                report.photos_up += 1
                report.bytes_up += sent
                done.append(sha)
                if len(done) >= 200:  # noted in batches: one transaction per photo would dominate
                    self._confirm(done)
                    done = []
                if self._progress is not None and n % 50 == 0:
                    self._tick(f"已上传 {n + 1}/{len(missing)} 张照片 (uploaded photos)", 0)
        finally:
            self._confirm(done)
            report.upload_seconds += time.perf_counter() - started

    def _upload_small(self, missing: list[str], report: SyncReport) -> list[str]:
        """Send the small photos many to a request; returns the hashes left for single uploads."""
        large: list[str] = []
        batch: list[tuple[str, Path]] = []
        size = 0

        def flush() -> None:
            nonlocal batch, size
            if not batch:
                return
            body = b"".join(frame(sha, path.read_bytes()) for sha, path in batch)
            answer = PhotoBatchResult.model_validate(
                self.request(
                    "POST",
                    "/photos/batch",
                    content=body,
                    headers={"Content-Type": "application/octet-stream"},
                ).json()
            )
            sizes = {sha: path.stat().st_size for sha, path in batch}
            for sha in answer.stored:
                report.photos_up += 1
                report.bytes_up += sizes.get(sha, 0)
            for sha, reason in answer.refused.items():
                self._photo_failed(report, sha, reason)
            self._confirm(answer.stored)
            self._tick(f"已上传 {report.photos_up} 张照片 (uploaded {report.photos_up} photos)", 0)
            batch, size = [], 0

        for sha in missing:
            path = self.store.path(sha)
            n = self.store.size(sha)
            if n is None or n > self.batch_photo_max:
                large.append(sha)  # missing files are reported by the single upload
                continue
            if batch and size + n > BATCH_PHOTO_BYTES:
                flush()
            batch.append((sha, path))
            size += n + FRAME_HEADER
        flush()
        return large

    def _photo_failed(self, report: SyncReport, sha: str, reason: str) -> None:
        with self.db.reading() as s:
            rows = list(s.scalars(select(Photo).where(Photo.sha256 == sha, Photo.deleted.is_(False))))
        for p in rows:
            report.failed += 1
            report.outcomes.append(
                RecordOutcome("photos", p.id, f"照片 {p.original_name or sha[:12]}", "failed", reason)
            )

    def upload_one(self, sha: str) -> int:
        """Send one photo file, resuming where the server's copy stops; returns the bytes sent."""
        path = self.store.path(sha)
        try:
            size = path.stat().st_size
        except OSError:
            raise SyncError(
                "本机照片文件缺失,无法上传;请运行 hoteltv check (the photo file is missing on this computer)"
            ) from None
        sent = 0
        restarts = 0
        known = False  # the first try assumes a fresh upload; after any trouble, ask where to resume
        for attempt in range(self.retry.attempts):
            try:
                if known or attempt:
                    state = UploadState.model_validate(
                        self.request("GET", f"/photos/{sha}/upload", attempts=1).json()
                    )
                else:
                    state = UploadState(sha256=sha, received=0, complete=False)
                known = True
                offset = state.received
                while not state.complete and offset < size:
                    n = min(self.upload_chunk, size - offset)
                    response = self.http.put(
                        self._url(f"/photos/{sha}"),
                        params={"offset": offset, "total": size},
                        content=_file_slice(path, offset, n),
                        headers={"Content-Type": "application/octet-stream"},
                    )
                    if response.status_code == 409:  # our idea of the offset was stale: ask again
                        break
                    if response.status_code == 422 and restarts < 2:  # arrived damaged: start over
                        restarts += 1
                        break
                    if response.status_code >= 400:
                        if response.status_code in _RETRY_STATUS:
                            raise httpx.RemoteProtocolError(_explain_status(response))
                        raise SyncError(_explain_status(response), status=response.status_code)
                    sent += n
                    state = UploadState.model_validate(response.json())
                    offset = state.received
                if state.complete:
                    return sent
            except (httpx.TransportError, SyncError) as exc:
                if isinstance(exc, SyncError) and not exc.transient:
                    raise
                log.info("upload of %s interrupted (%s); resuming", sha[:12], exc)
                if attempt + 1 < self.retry.attempts:
                    self.retry.sleep(self.retry.delay(attempt))
        raise SyncError(
            f"照片 {sha[:12]}… 多次上传未成功,下次同步继续 (upload did not finish; it resumes next sync)",
            transient=True,
        )

    def download_photos(self, report: SyncReport) -> None:
        """Fetch photo files that records received now (or earlier, not yet fetched) use and this computer
        lacks, each verified by its hash. Files still missing are remembered for the next sync."""
        earlier = json.loads(self.db.get_meta(META_MISSING_PHOTOS, "[]") or "[]")
        candidates = sorted(self._pulled_photos | set(earlier))
        still: list[str] = []
        for sha in candidates:
            if self.store.exists(sha):
                continue
            try:
                response = self.request("GET", f"/photos/{sha}")
            except SyncError as exc:
                if exc.transient:
                    raise
                still.append(sha)  # not on the server yet (its owner has not uploaded it): next time
                continue
            data = response.content
            if hashlib.sha256(data).hexdigest() != sha:
                self._photo_failed(report, sha, "下载的照片已损坏,下次重试 (downloaded photo was damaged)")
                still.append(sha)
                continue
            self.store.put_bytes(data, sha)
            report.photos_down += 1
            report.bytes_down += len(data)
            self._confirm([sha])
        if still or earlier:
            with self.db.transaction() as s:
                s.merge(Meta(key=META_MISSING_PHOTOS, value=json.dumps(still)))

    # --- pull and check ----------------------------------------------------------------------------------------------
    def fetch_since(self, since: int) -> tuple[list[RemoteRecord], int]:
        records: list[RemoteRecord] = []
        cursor = since
        while True:
            page = PullResponse.model_validate(
                self.request("GET", "/sync/pull", params={"since": cursor, "limit": MAX_PULL}).json()
            )
            records += page.records
            cursor = page.next
            if not page.more:
                return records, cursor

    def pull(self, report: SyncReport, *, full: bool = False, server_id: str = "") -> None:
        since = 0 if full else int(self.db.get_meta(META_LAST_SEQ, "0") or 0)
        for _round in range(3):
            records, cursor = self.fetch_since(since)
            meta = {META_LAST_SEQ: str(cursor), META_SERVER_ID: server_id}
            if records or any(self.db.get_meta(k) != v for k, v in meta.items()):
                meta.update(self._photos_owed(records))
                applied = apply_remote_records(self.db, records, meta)
                self._pulled_photos |= applied.photo_hashes
            report.pulled += len(records)
            checked = self._checked_state(server_id, cursor)
            if not records and not full and self.db.get_meta(META_CHECKED) == checked:
                # Nothing moved here or there since a check that passed: comparing again (tens of
                # thousands of rows on each side) would only say the same.
                report.check_ok, report.check_message = True, ""
                return
            check = CheckResponse.model_validate(self.request("GET", "/sync/check").json())
            bad = self._compare(check)
            if not bad:
                report.check_ok, report.check_message = True, ""
                self._remember_check(server_id, check.head)
                return
            if check.head > cursor:  # someone pushed meanwhile: take that too, then check again
                since = cursor
                continue
            repaired = self._repair(bad, report)
            check = CheckResponse.model_validate(self.request("GET", "/sync/check").json())
            bad = self._compare(check)
            if not bad:
                report.check_ok = True
                self._remember_check(server_id, check.head)
                report.check_message = (
                    f"已修复 {repaired} 条记录 (repaired {repaired} records)" if repaired else ""
                )
                return
            if check.head > cursor:
                since = cursor
                continue
            break
        report.check_ok = False
        report.check_message = (
            "本机与服务器的记录数或版本不一致 (records here differ from the server's): "
            + ", ".join(sorted(bad))
        )

    def _checked_state(self, server_id: str, head: int) -> str:
        """The key of a passing check: server, its head, who asked (scope), the newest local change."""
        with self.db.reading() as s:
            newest = s.scalar(select(func.max(OutboxEntry.seq))) or 0
        return f"{server_id}|{head}|{self._scope}|{newest}"

    def _remember_check(self, server_id: str, head: int) -> None:
        with self.db.transaction() as s:
            s.merge(Meta(key=META_CHECKED, value=self._checked_state(server_id, head)))

    def _photos_owed(self, records: Sequence[RemoteRecord]) -> dict[str, str]:
        """The meta row listing the photo files still to download, with those of ``records`` added: written
        in the pull's own transaction, so a sync cut off before it downloaded them does not forget them
        (found by the sync fault campaign)."""
        hashes = {
            str(r.values["sha256"])
            for r in records
            if r.entity == "photos"
            and not r.deleted
            and isinstance(r.values.get("sha256"), str)
            and _SHA256.fullmatch(r.values["sha256"])
        }
        new = {h for h in hashes if not self.store.exists(h)}
        if not new:
            return {}
        earlier = json.loads(self.db.get_meta(META_MISSING_PHOTOS, "[]") or "[]")
        return {META_MISSING_PHOTOS: json.dumps(sorted(set(earlier) | new))}

    def _compare(self, check: CheckResponse) -> set[str]:
        local = local_digests(self.db, check.entities.keys())
        return {e for e, d in check.entities.items() if local.get(e) != d}

    def _repair(self, entities: set[str], report: SyncReport) -> int:
        """Find the records that differ from the server's (by id and version) and fetch them."""
        skip = pending_ids(self.db)
        fetched: list[RemoteRecord] = []
        unknown_here = 0
        for entity in sorted(entities):
            theirs = {
                rid: (int(v), bool(d)) for rid, v, d in self.request("GET", f"/sync/manifest/{entity}").json()
            }
            mine = _local_versions(self.db, entity)
            wanted = [rid for rid, vd in theirs.items() if mine.get(rid) != vd and (entity, rid) not in skip]
            unknown_here += sum(1 for rid in mine if rid not in theirs and (entity, rid) not in skip)
            for i in range(0, len(wanted), MAX_PULL):
                chunk = wanted[i : i + MAX_PULL]
                answer = self.request("POST", "/sync/fetch", json={"entity": entity, "ids": chunk}).json()
                fetched += [RemoteRecord.model_validate(r) for r in answer]
        if fetched:
            self._pulled_photos |= apply_remote_records(
                self.db, fetched, self._photos_owed(fetched)
            ).photo_hashes
            report.pulled += len(fetched)
        if unknown_here:
            log.info("%d records here are not on the server (out of scope or never accepted)", unknown_here)
        return len(fetched)

    # --- completeness, conflicts ---------------------------------------------------------------------------------------
    def update_completeness(self, report: SyncReport) -> None:
        """Ask whether the server holds every photo of the inspections sent and not yet complete."""
        ids = {o.id for o in report.outcomes if o.entity == "inspections" and o.state == "sent"}
        with self.db.reading() as s:
            ids |= set(
                s.scalars(
                    select(SyncRecordState.record_id).where(
                        SyncRecordState.entity == "inspections", SyncRecordState.state == "sent"
                    )
                )
            )
            photo_parents = {
                pid
                for pid in s.scalars(
                    select(Photo.inspection_id).where(
                        Photo.id.in_([o.id for o in report.outcomes if o.entity == "photos"][:MAX_PULL])
                    )
                )
            }
        ids |= photo_parents
        if not ids:
            return
        ordered = sorted(ids)
        statuses: dict[str, Any] = {}
        for i in range(0, len(ordered), 2000):
            answer = StatusResponse.model_validate(
                self.request("POST", "/sync/status", json={"inspection_ids": ordered[i : i + 2000]}).json()
            )
            statuses.update(answer.inspections)
        labels = _inspection_labels(self.db, ordered)
        by_id = {(o.entity, o.id): n for n, o in enumerate(report.outcomes)}
        for rid, st in statuses.items():
            if st.complete:
                outcome = RecordOutcome("inspections", rid, labels.get(rid, rid), "complete", "")
            else:
                outcome = RecordOutcome(
                    "inspections",
                    rid,
                    labels.get(rid, rid),
                    "sent",
                    f"服务器还缺 {st.missing}/{st.photos} 张照片 (the server still lacks {st.missing} of "
                    f"{st.photos} photos)",
                )
            n = by_id.get(("inspections", rid))
            if n is None:
                report.outcomes.append(outcome)
            elif report.outcomes[n].state == "sent":
                report.outcomes[n] = outcome

    def refresh_conflicts(self) -> None:
        """Copy the server's open conflicts here (office users see them all); close ones settled there."""
        answer = self.request("GET", "/conflicts", params={"status": "open"}).json()
        open_ids = {int(c["id"]) for c in answer}
        with self.db.reading() as s:
            known = {
                sid: status
                for sid, status in s.execute(
                    select(SyncConflict.server_id, SyncConflict.status).where(
                        SyncConflict.server_id.is_not(None)
                    )
                )
            }
        if open_ids <= set(known) and not any(
            sid not in open_ids and status == "open" for sid, status in known.items()
        ):
            return  # nothing new: no write
        with self.db.transaction() as s:
            local = {
                c.server_id: c
                for c in s.scalars(select(SyncConflict).where(SyncConflict.server_id.is_not(None)))
            }
            unlinked = list(
                s.scalars(
                    select(SyncConflict).where(
                        SyncConflict.server_id.is_(None), SyncConflict.status != "resolved"
                    )
                )
            )
            for c in answer:
                if int(c["id"]) in local:
                    continue
                # The same conflict found here first (a bundle import): it takes the server's number,
                # so it has one id on every laptop and is settled on the server when resolved here.
                same = next(
                    (
                        u
                        for u in unlinked
                        if (u.entity, u.record_id, u.field) == (c["entity"], c["record_id"], c["field"])
                    ),
                    None,
                )
                if same is not None:
                    same.server_id = int(c["id"])
                    unlinked.remove(same)
                    continue
                s.add(
                    SyncConflict(
                        server_id=int(c["id"]),
                        entity=c["entity"],
                        record_id=c["record_id"],
                        field=c["field"],
                        label=c.get("label", ""),
                        values={
                            "kept": c.get("server"),
                            "other": c.get("client"),
                            "base": c.get("base"),
                            "kept_source": "服务器 (server)",
                            "other_source": f"{c.get('user', '')} / {str(c.get('device_id', ''))[:8]}",
                        },
                        other_device=str(c.get("device_id", "")),
                    )
                )
            for server_id, row in local.items():
                if server_id not in open_ids and row.status == "open":
                    row.status = "resolved"
                    row.resolved_at = utcnow()


def _file_slice(path: Path, offset: int, length: int, block: int = 1 << 20) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        fh.seek(offset)
        left = length
        while left > 0:
            data = fh.read(min(block, left))
            if not data:
                return
            left -= len(data)
            yield data


def _local_versions(db: Database, entity: str) -> dict[str, tuple[int, bool]]:
    from hoteltv.sync.changes import MODELS

    table = MODELS[entity].__table__  # type: ignore[attr-defined]
    with db.reading() as s:
        return {
            rid: (int(v), bool(d))
            for rid, v, d in s.execute(select(table.c.id, table.c.version, table.c.deleted))
        }


def _inspection_labels(db: Database, ids: Sequence[str]) -> dict[str, str]:
    from hoteltv.db.models import Inspection

    out: dict[str, str] = {}
    with db.reading() as s:
        for i in range(0, len(ids), 500):
            for rid, number in s.execute(
                select(Inspection.id, Inspection.record_number).where(
                    Inspection.id.in_(list(ids[i : i + 500]))
                )
            ):
                out[rid] = number
    return out
