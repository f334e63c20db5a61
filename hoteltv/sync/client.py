"""The sync client, orchestration: one whole sync — push the outbox in idempotent batches, move the photo
files, pull what changed on the server in one transaction, prove the result with a count/hash check, and
refresh the conflicts.

``SyncClient(db, store, server_url, token).sync(progress)`` runs one whole sync and returns a
:class:`SyncReport` with an outcome per record (sent, complete, conflict, failed — the reason in words).
The parts live apart: :mod:`hoteltv.sync.transport` (the connection; every request retried with backoff
when the network or the server fails), :mod:`hoteltv.sync.photo_transfer` (photo files up and down,
resumable) and the change sets in :mod:`hoteltv.sync.outbox`, :mod:`hoteltv.sync.merge` and
:mod:`hoteltv.sync.apply`. A batch resent after a lost answer carries the same idempotency key, so the
server applies it once. Nothing here touches a GUI:
``progress(done, total, text)`` reports and returns False to stop between steps.

A sync with nothing to do is one request: the hello says the server's head and a stamp of its conflicts,
and when nothing here waits to be sent, uploaded, downloaded or settled and both match what the last
passing check saw, the sync ends there (see :meth:`SyncClient._idle`).

Runs on any thread but the GUI's (it blocks on the network and writes the database). Laptop side: imports
neither the server package nor FastAPI.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import ssl
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import select

from hoteltv.archive import SHA256_RE as _SHA256
from hoteltv.chunks import chunked
from hoteltv.db.engine import Database
from hoteltv.db.meta_keys import META_DEMO, META_LINEAGE, is_demo
from hoteltv.db.models import Meta, Photo, SyncBlob, SyncConflict, SyncRecordState, utcnow
from hoteltv.hashing import canonical_json
from hoteltv.photos.store import PhotoStore
from hoteltv.sync import state as sync_state
from hoteltv.sync.apply import apply_remote_records
from hoteltv.sync.lineage import Lineage, move_saved_token, reidentify
from hoteltv.sync.merge import conflict_values
from hoteltv.sync.outbox import (
    Collected,
    adopt_versions_in,
    collect_changes,
    forget_dropped,
    from_bundles,
    local_digests,
    mark_sent_in,
    note_from_bundles,
    pending_ids,
    requeue,
)
from hoteltv.sync.photo_transfer import (
    META_MISSING_PHOTOS,
    META_PHOTOS_UNCONFIRMED,
    STREAMS,
    UPLOAD_CHUNK,
    PhotoTransfer,
    clear_unconfirmed_marker,
)
from hoteltv.sync.protocol import (
    BATCH_PHOTO_MAX,
    LINEAGE_COPIED,
    LINEAGE_HEADER,
    LINEAGE_NEXT_HEADER,
    MAX_BATCH,
    MAX_PULL,
    PROTOCOL,
    Change,
    ChangeResult,
    CheckResponse,
    Hello,
    PullResponse,
    PushResponse,
    RemoteRecord,
    StatusResponse,
    batch_key_of_texts,
    batches,
)
from hoteltv.sync.state import RecordOutcome
from hoteltv.sync.transport import (
    DEVICE_HEADER,
    RetryPolicy,
    SyncCancelled,
    SyncError,
    Transport,
    tls_context,
)

#: Names other modules import from here (kept where they always were).
__all__ = [
    "META_CHECKED",
    "META_LAST_SEQ",
    "META_MISSING_PHOTOS",
    "META_SERVER_ID",
    "RetryPolicy",
    "SyncCancelled",
    "SyncClient",
    "SyncError",
    "SyncReport",
    "refuse_demo",
    "tls_context",
]

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], "bool | None"]
META_LAST_SEQ = "sync.last_seq"
META_SERVER_ID = "sync.server_id"
#: What the last passing check saw: server, head, the caller's scope, the newest local outbox entry.
META_CHECKED = "sync.checked"
#: The server's conflict stamp (hello's ``X-Hoteltv-Conflicts``) when the conflicts here were last copied.
META_CONFLICTS_SEEN = "sync.conflicts_seen"
CONFLICTS_HEADER = "X-Hoteltv-Conflicts"
BATCH_BYTES = 8 * 1024 * 1024


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
    #: Records queued again because the server lacked them (restored from a backup, or another server).
    requeued: int = 0
    #: The new device id this data folder took, found to be a copy of another one (see
    #: :mod:`hoteltv.sync.lineage`); "" when it kept its id.
    new_device_id: str = ""
    #: Blocks of 文号 numbers given up with it (the folder it was copied from holds the same ones).
    blocks_given_up: int = 0

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
                "new_device_id",
                "blocks_given_up",
            )
        } | {"seconds": round(self.seconds, 3)}


#: Why a demo data folder does not sync.
DEMO_REFUSED = (
    "这是演示数据，不会发送到服务器；请在正式数据中同步 "
    "(this is the demo data folder: its records are never sent to a server)"
)


def refuse_demo(db: Database) -> None:
    """Demo records never reach a server: a database marked as the demo's does not sync."""
    if is_demo(db):
        raise SyncError(DEMO_REFUSED)


@dataclass(frozen=True)
class LocalFacts:
    """What a sync looks up here before anything else, in one read (see :meth:`SyncClient._idle`)."""

    server_id: str | None
    last_seq: str | None
    checked: str | None
    conflicts_seen: str | None
    missing_photos: str | None
    unsent: bool  # a change waits in the outbox
    newest: int  # the newest outbox entry
    resolving: bool  # a conflict settled here waits to be told to the server
    waiting: bool  # an inspection sent whose photos the server may still lack
    unconfirmed: bool  # photos wait for the server's confirmation
    demo: bool
    lineage: str | None  # the device lineage kept here (see hoteltv.sync.lineage)

    @classmethod
    def read(cls, db: Database) -> LocalFacts:
        with db.engine.connect() as conn:  # one plain read: no session
            row = conn.exec_driver_sql(
                "SELECT "
                "(SELECT value FROM meta WHERE key = ?), "
                "(SELECT value FROM meta WHERE key = ?), "
                "(SELECT value FROM meta WHERE key = ?), "
                "(SELECT value FROM meta WHERE key = ?), "
                "(SELECT value FROM meta WHERE key = ?), "
                "EXISTS (SELECT 1 FROM outbox WHERE sent_at IS NULL), "
                "(SELECT max(seq) FROM outbox), "
                "EXISTS (SELECT 1 FROM sync_conflicts WHERE status = 'resolving'), "
                "EXISTS (SELECT 1 FROM sync_record_states WHERE entity = 'inspections' AND state = 'sent'), "
                "EXISTS (SELECT 1 FROM meta WHERE key = ?), "
                "(SELECT value FROM meta WHERE key = ?), "
                "(SELECT value FROM meta WHERE key = ?)",
                (
                    META_SERVER_ID,
                    META_LAST_SEQ,
                    META_CHECKED,
                    META_CONFLICTS_SEEN,
                    META_MISSING_PHOTOS,
                    META_PHOTOS_UNCONFIRMED,
                    META_DEMO,
                    META_LINEAGE,
                ),
            ).one()
        (
            server_id,
            last_seq,
            checked,
            seen,
            missing,
            unsent,
            newest,
            resolving,
            waiting,
            unconfirmed,
            demo,
            lineage,
        ) = row
        return cls(
            server_id,
            last_seq,
            checked,
            seen,
            missing,
            bool(unsent),
            int(newest or 0),
            bool(resolving),
            bool(waiting),
            bool(unconfirmed),
            demo == "1",
            lineage,
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
        photo_streams: int = STREAMS,
        timeout: float = 60.0,
        verify: bool | str | ssl.SSLContext = True,
    ) -> None:
        self.db = db
        self.store = store
        self.server_url = server_url.rstrip("/")
        self.batch_size = max(1, min(batch_size, MAX_BATCH))
        self.transport = Transport(
            server_url,
            token,
            db.device_id,
            http=http,
            transport=transport,
            retry=retry,
            timeout=timeout,
            verify=verify,
        )
        self.http = self.transport.http
        #: One API call with retries (see :meth:`hoteltv.sync.transport.Transport.request`).
        self.request = self.transport.request
        self.photos = PhotoTransfer(
            db,
            store,
            self.transport,
            upload_chunk=upload_chunk,
            batch_photo_max=batch_photo_max,
            streams=photo_streams,
            tick=lambda text: self._tick(text, 0),
        )
        self._progress: Progress | None = None
        self._pulled_photos: set[str] = set()
        self._scope = ""  # who the server says we are (user, role, divisions): part of a check's key
        self._conflict_stamp = ""
        self._role = ""
        self._echo_only = True  # every change this sync pushed came back as an echo (see pull)
        self._echo_seqs: set[int] = set()  # sequence numbers the server gave this sync's echoed changes
        self._push_head = 0  # the highest head a push of this sync answered (0: none, or one replayed)
        self._newest = 0  # the newest local outbox entry when the push was found all echoed
        self._meta_at_end: dict[str, str] = {}  # meta keys written with the log line (bookkeeping)
        self._step = 0
        self._steps = 1
        self._lineage = Lineage()  # this folder's device lineage, read at the start of each sync
        self._lineage_word: str | None = None  # the hello's word on it (None: the server does not check)
        self._push_headers: dict[str, str] = {}  # this sync's lineage headers on every push
        self._named = ""  # the lineage header of this sync's hellos (made before one is on its way)
        self._leaving = ""  # the lineage token this sync's pushes leave, kept here before the first

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plumbing ------------------------------------------------------------------------------------------
    def _tick(self, text: str, advance: int = 1) -> None:
        self._step += advance
        if (
            self._progress is not None
            and self._progress(min(self._step, self._steps), self._steps, text) is False
        ):
            raise SyncCancelled("同步已取消,已完成的部分已保存 (sync cancelled; what was done is kept)")

    # --- the whole sync --------------------------------------------------------------------------------------
    def hello(self) -> Hello:
        """Who the server says we are and its head; notes its conflict stamp and its word on this data
        folder's lineage (None: a server that does not check lineage)."""
        named = self._named
        response = self.request("GET", "/hello", headers={LINEAGE_HEADER: named} if named else None)
        self._conflict_stamp = response.headers.get(CONFLICTS_HEADER, "")
        self._lineage_word = response.headers.get(LINEAGE_HEADER)
        try:
            return Hello.model_validate(response.json())
        except ValueError as exc:  # not JSON, or not a hello: another web server at this address
            raise SyncError(
                f"{self.server_url} 的回答不是 hoteltv 同步服务的回答,请检查服务器地址 (the answer at this "
                "address is not a hoteltv sync server's — a web page, a proxy's or a Wi-Fi login page: "
                "check the server address)"
            ) from exc

    def _copied(self, hello: Hello, report: SyncReport) -> Hello:
        """The server says this data folder is a copy of another one with the same device id: take a new
        id before anything is sent or pulled (see :mod:`hoteltv.sync.lineage`). First the tokens are read
        again and the server asked again, should another sync of this folder have just pushed."""
        fresh = Lineage.parse(self.db.get_meta(META_LINEAGE))
        if fresh != self._lineage:
            self._lineage, self._named = fresh, fresh.header(hello.server_id)
            hello = self.hello()
            if self._lineage_word != LINEAGE_COPIED:
                return hello
        taken = reidentify(self.db)
        self.transport.http.headers[DEVICE_HEADER] = taken.new
        if self.db.path is not None:
            move_saved_token(self.db.path.parent, self.server_url, taken.old, taken.new)
        self._lineage, self._named, self._leaving = Lineage(), "", ""
        report.new_device_id, report.blocks_given_up = taken.new, taken.blocks_given_up
        return self.hello()

    def _idle(self, hello: Hello, facts: LocalFacts) -> bool:
        """Nothing to do at all: nothing waits here to be sent, uploaded, downloaded or settled, and the
        server's head, the caller's scope and the conflict stamp are those the last passing check saw.
        Photos waiting for the server's confirmation are known by a marker the database keeps (see
        :data:`~hoteltv.sync.photo_transfer.META_PHOTOS_UNCONFIRMED`). ``facts``: one read of a few
        indexed facts, made before the hello (the whole no-change sync is that and the hello)."""
        if not self._conflict_stamp:
            return False  # a server that does not stamp conflicts: always the whole way
        f = facts
        return (
            f.server_id == hello.server_id
            and f.last_seq == str(hello.head)
            and f.checked == f"{hello.server_id}|{hello.head}|{self._scope}|{f.newest}"
            and f.conflicts_seen == self._conflict_stamp
            and f.missing_photos in (None, "[]")
            and not (f.unsent or f.resolving or f.waiting or f.unconfirmed)
        )

    def _hello_beside(self, work: Callable[[], Collected], server_id: str) -> tuple[Hello, Collected]:
        """The hello, asked on a helper thread while ``work`` (collecting the changes to send) runs here,
        and on another the lineage token the pushes will leave, kept here before any is sent (a token never
        sent, to a server that does not check lineage, costs nothing): the three overlap, as the hello
        mostly waits for the network and the token's write for the disk."""
        with ThreadPoolExecutor(2, thread_name_prefix="hoteltv-hello") as pool:
            asked = pool.submit(self.hello)
            kept = pool.submit(self._lineage.before_push, self.db, server_id)
            try:
                done = work()
            except BaseException:
                for future in (asked, kept):
                    with contextlib.suppress(Exception):  # the failure here is the one to tell
                        future.result()
                raise
            self._leaving = kept.result()
            return asked.result(), done

    def sync(self, progress: Progress | None = None, *, full: bool = False) -> SyncReport:
        """Push, upload photos, pull, check, download photos, refresh conflicts; returns the report.

        Raises :class:`SyncError` only when the server cannot be used at all; everything else is in the
        report (``ok`` False with ``message``)."""
        facts = LocalFacts.read(self.db)
        if facts.demo:
            raise SyncError(DEMO_REFUSED)
        report = SyncReport(server=self.server_url)
        self._progress, self._step = progress, 0
        self._pulled_photos = set()
        self._meta_at_end = {}
        self.photos.reported.clear()  # a file that failed last time is tried again
        log_id = sync_state.start_log("sync", self.server_url)
        self._lineage, self._lineage_word, self._push_headers = Lineage.parse(facts.lineage), None, {}
        self._named, self._leaving = self._lineage.header(facts.server_id or ""), ""
        try:
            collected: Collected | None = None
            if facts.unsent:  # changes to send: collected while the hello is on its way
                hello, collected = self._hello_beside(lambda: collect_changes(self.db), facts.server_id or "")
            else:
                hello = self.hello()
            known = facts.server_id
            moved = known not in (None, hello.server_id) or (
                known == hello.server_id and hello.head < int(facts.last_seq or 0)
            )
            if self._lineage_word == LINEAGE_COPIED and not moved:
                hello = self._copied(hello, report)
                if report.new_device_id:  # everything anew: what the other copy wrote was skipped for us
                    full, collected = True, None
            report.user, report.role = hello.user, hello.role
            self._role, self._echo_only = hello.role, True
            self._echo_seqs, self._push_head = set(), 0
            self._scope = f"{hello.user}|{hello.role}|{','.join(sorted(hello.divisions))}"
            if not full and self._idle(hello, facts):
                report.check_ok, report.ok = True, True
                report.message = self._summary_text(report)
                return report
            if moved:
                # Another server than last time, or this one behind what was pulled from it (restored
                # from an older backup): what it lacks of this laptop's writing goes again, all is pulled
                # and checked; the device lineage it holds (if any) is older than this laptop's, and is
                # taken over (not taken for a copy of this folder).
                if self._lineage_word is not None:
                    self._lineage.take_over(self.db)
                self._forget_server()
                report.requeued = self._send_again_what_the_server_lacks()
                full, collected = True, None
            if collected is None:
                collected = collect_changes(self.db)
            self._steps = max(1, (len(collected.changes) + self.batch_size - 1) // self.batch_size) + 6
            self._tick("发送修改 (sending changes)", 0)
            leaving = ""
            if collected.changes and self._lineage_word is not None:  # the server checks lineage
                leaving = self._leaving or self._lineage.before_push(self.db, hello.server_id)
                self._push_headers = {
                    LINEAGE_HEADER: self._lineage.header(hello.server_id),
                    LINEAGE_NEXT_HEADER: leaving,
                }
            alongside = self.photos.alongside(report)
            try:
                self._push(collected, report, alongside.add)
            except BaseException:
                alongside.stop()
                raise
            if leaving:
                self._meta_at_end[META_LINEAGE] = self._lineage.pushed(hello.server_id, leaving)
            alongside.finish()
            self._resolve_pending(report)
            self._tick("上传照片 (uploading photos)")
            self.photos.upload(report)
            self._tick("接收服务器上的修改 (receiving changes)")
            self.pull(report, full=full, server_id=hello.server_id)
            self._tick("下载照片 (downloading photos)")
            self.photos.download(report, self._pulled_photos)
            self._tick("检查照片是否完整 (checking photos arrived)")
            self.update_completeness(report)
            clear_unconfirmed_marker(self.db)
            self._tick("更新冲突列表 (refreshing conflicts)")
            self.refresh_conflicts(self._conflict_stamp)
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
            sync_state.finish_log(
                self.db,
                log_id,
                report.ok,
                report.summary(),
                report.message,
                outcomes=report.outcomes,
                meta=self._meta_at_end,
            )
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
        if r.requeued:
            text += (
                f";服务器缺少本机的 {r.requeued} 条记录(已从备份恢复或是另一台服务器),已重新发送 "
                f"(the server lacked {r.requeued} records of this computer's: sent again)"
            )
        if r.new_device_id:
            text += (
                f";本数据文件夹与另一个数据文件夹用着同一个设备编号(被复制过),已改用新的设备编号 "
                f"{r.new_device_id[:8]} 并重新接收了全部数据 (this data folder was a copy of another one: it took "
                f"a new device id and received everything anew)"
            )
            if r.blocks_given_up:
                text += (
                    f";复制来的 {r.blocks_given_up} 个文号号段与原文件夹重复,本机已停用,请办公室另发号段 "
                    f"(its {r.blocks_given_up} blocks of notice numbers are the other copy's too: given up here, "
                    f"ask the office for new ones)"
                )
        if r.check_ok is False:
            text += f";核对未通过 (check failed): {r.check_message}"
        return text

    def _forget_server(self) -> None:
        """Another server than last time (or this one restored from a backup): start its sequence from zero
        and forget what it held — its photo files and its conflicts (their numbers are that server's; the
        server's own list brings them back). A choice on its way to that server stays."""
        with self.db.transaction() as s:
            for key in (META_LAST_SEQ, META_SERVER_ID, META_CONFLICTS_SEEN, META_CHECKED):
                row = s.get(Meta, key)
                if row is not None:
                    s.delete(row)
            for blob in s.scalars(select(SyncBlob)):
                s.delete(blob)
            for conflict in s.scalars(
                select(SyncConflict).where(
                    SyncConflict.server_id.is_not(None), SyncConflict.status != "resolving"
                )
            ):
                s.delete(conflict)

    def _send_again_what_the_server_lacks(self) -> int:
        """Records written last here that the server lacks, or holds at an older version, queued to be sent
        again (see :func:`~hoteltv.sync.outbox.requeue`); records with changes waiting here already go.
        Returns how many."""
        from hoteltv.sync.protocol import ENTITY_ORDER
        from hoteltv.sync.values import MODELS

        waiting = pending_ids(self.db)
        total = 0
        for entity in ENTITY_ORDER:
            theirs = {rid: int(v) for rid, v, _d in self.request("GET", f"/sync/manifest/{entity}").json()}
            table = MODELS[entity].__table__  # type: ignore[attr-defined]
            with self.db.reading() as s:
                mine = [
                    (rid, int(v))
                    for rid, v in s.execute(
                        select(table.c.id, table.c.version).where(table.c.device_id == self.db.device_id)
                    )
                    if (entity, rid) not in waiting and theirs.get(rid, -1) < int(v)
                ]
            older = [rid for rid, _v in mine if rid in theirs]
            base: dict[str, dict[str, Any]] = {}
            for chunk in chunked(older, MAX_PULL):
                answer = self.request("POST", "/sync/fetch", json={"entity": entity, "ids": chunk}).json()
                base.update({r["id"]: r["values"] for r in answer})
            requeue(self.db, entity, [(rid, v, base.get(rid, {})) for rid, v in mine])
            total += len(mine)
        if total:
            log.info("%d records the server lacked are queued to be sent again", total)
        return total

    # --- push ------------------------------------------------------------------------------------------------
    def _body(self, texts: list[str]) -> bytes:
        """One batch's request body from its changes' canonical JSON, one text each: the idempotency key
        (:func:`batch_key`'s) is taken over those texts and the body joined from them (a retry sends the
        same bytes)."""
        device = self.db.device_id
        head = json.dumps(
            {"protocol": PROTOCOL, "device_id": device, "key": batch_key_of_texts(device, texts)},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return (head[:-1] + ',"changes":[' + ",".join(texts) + "]}").encode("utf-8")

    def _send(self, content: bytes) -> PushResponse:
        response = self.request(
            "POST",
            "/sync/push",
            content=content,
            headers={"Content-Type": "application/json", **self._push_headers},
        )
        return PushResponse.model_validate_json(response.content)

    def push(
        self,
        collected: Collected,
        report: SyncReport,
        accepted_photos: Callable[[list[str]], None] | None = None,
    ) -> None:
        """Send the changes in batches; ``accepted_photos(hashes)`` hears after each batch the files of the
        photo records the server took (their upload may start).

        Pipelined, one batch in flight: the next batch's body is made while the server applies this one,
        and it is sent as soon as this one is answered — before this answer is noted here, which happens
        while the server applies the next. A batch still goes only after the one before it was applied
        (its parents are then on the server). The requests run on one helper thread; every database
        write stays on this one. An answer not noted (the sync cut off meanwhile) is like a lost answer:
        the changes go again and the server knows them."""
        refuse_demo(self.db)
        self._push_headers = {}  # a push of its own, outside a sync: no lineage named
        self._push(collected, report, accepted_photos)

    def _push(
        self,
        collected: Collected,
        report: SyncReport,
        accepted_photos: Callable[[list[str]], None] | None = None,
    ) -> None:
        texts: dict[int, str] = {}  # each change's canonical JSON, made once: weighed, keyed and sent

        def text(change: Change) -> str:
            found = texts.get(id(change))
            if found is None:
                found = texts[id(change)] = canonical_json(change.model_dump(mode="json"))
            return found

        def body(batch: list[Change]) -> bytes:
            return self._body([text(c) for c in batch])

        todo = batches(collected.changes, self.batch_size, BATCH_BYTES, lambda c: len(text(c)))
        flying = next(todo, None)
        if flying is None:
            return
        second = next(todo, None)
        if second is None:  # one batch (the usual sync after some edits): no helper thread to start
            self._noted(collected, flying, self._send(body(flying)), report, accepted_photos)
            return
        todo = itertools.chain([second], todo)
        with ThreadPoolExecutor(1, thread_name_prefix="hoteltv-push") as pool:
            flight: Future[PushResponse] | None = pool.submit(self._send, body(flying))
            try:
                while flight is not None and flying is not None:
                    batch, answered = flying, flight
                    flying = next(todo, None)
                    content = body(flying) if flying is not None else None
                    flight = None
                    response = answered.result()
                    if flying is not None and content is not None:
                        flight = pool.submit(self._send, content)
                    self._noted(collected, batch, response, report, accepted_photos)
            except BaseException:
                if flight is not None and flying is not None:  # the batch in flight: note its answer too
                    with contextlib.suppress(Exception):
                        self._noted(collected, flying, flight.result(), report, accepted_photos)
                raise

    def _noted(
        self,
        collected: Collected,
        batch: list[Change],
        response: PushResponse,
        report: SyncReport,
        accepted_photos: Callable[[list[str]], None] | None,
    ) -> None:
        """Note the server's answer to one batch, hand on its accepted photos and tick."""
        if response.replayed:
            self._echo_only = False  # a stored answer: its head is not today's
        self._push_head = max(self._push_head, response.head)
        sent = self._record_results(collected, batch, response.results, report)
        if accepted_photos is not None:
            accepted_photos(
                [
                    str(c.values["sha256"])
                    for c in sent
                    if c.entity == "photos" and isinstance(c.values.get("sha256"), str)
                ]
            )
        self._tick(f"已发送 {report.pushed} 条 (sent {report.pushed})")

    def _record_results(
        self, collected: Collected, batch: list[Change], results: list[ChangeResult], report: SyncReport
    ) -> list[Change]:
        """Note the server's answer to one batch; returns the changes it took (applied, unchanged or in
        conflict)."""
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
                    if r.status == "applied" and r.seq:
                        self._echo_seqs.add(r.seq)
                else:
                    self._echo_only = False
                outcomes.append(RecordOutcome(r.entity, r.id, label, "sent", r.reason))
            elif r.status == "conflict":
                sent.append(change)
                self._echo_only = False
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
                            values=conflict_values(c, "服务器 (server)", "本机 (this computer)"),
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
                self._echo_only = False
                report.failed += 1
                outcomes.append(RecordOutcome(r.entity, r.id, label, "failed", r.reason or f"HTTP {r.code}"))
        forget_dropped(self.db, [(c.entity, c.id) for c in sent])
        seqs = collected.seqs(sent)
        if (seqs or adopt) and not conflicts:
            with self.db.writing(("outbox",)) as conn:  # one transaction for the answer, Core statements
                mark_sent_in(conn, seqs)
                adopt_versions_in(conn, adopt)
        elif conflicts:
            with self.db.transaction() as s:  # one transaction for the whole answer
                mark_sent_in(s, seqs)
                adopt_versions_in(s, adopt)
                for row in conflicts:
                    existing = (
                        s.scalars(select(SyncConflict).where(SyncConflict.server_id == row.server_id)).first()
                        if row.server_id is not None
                        else None
                    )
                    if existing is None and not sync_state.link_found_here(s, row):
                        s.add(row)
        report.outcomes.extend(outcomes)
        return sent

    def _resolve_pending(self, report: SyncReport) -> None:
        """Tell the server about conflicts settled here (their edits were just pushed). The value sent is
        the one in force here now: an edit made after settling is newer than the choice and must not be
        overwritten by it (the record is not here: the choice as made)."""
        with self.db.engine.connect() as conn:  # the usual answer, none, in one plain read
            if (
                conn.exec_driver_sql(
                    "SELECT 1 FROM sync_conflicts WHERE status = 'resolving' LIMIT 1"
                ).first()
                is None
            ):
                return
        with self.db.reading() as s:
            todo = [
                (
                    c.id,
                    c.server_id,
                    sync_state.value_here(s, c, dict(c.resolution).get("value")),
                    c.resolution,
                )
                for c in s.scalars(select(SyncConflict).where(SyncConflict.status == "resolving"))
            ]
        for cid, server_id, value, resolution in todo:
            if server_id is None:
                continue
            body: dict[str, Any] = {"choice": "value", "value": value}
            if resolution.get("choice") == "kept" and value == resolution.get("value"):
                # Kept, and not edited here since: the value in force on the server stands (an edit
                # accepted there after this laptop last pulled is not undone by this laptop's older copy).
                body = {"choice": "server"}
            try:
                self.request("POST", f"/conflicts/{server_id}/resolve", json=body)
            except SyncError as exc:
                if exc.transient:
                    raise
                report.outcomes.append(
                    RecordOutcome("sync_conflicts", cid, f"冲突 {server_id}", "failed", exc.message)
                )
                if exc.status == 403:  # this account may not settle it: open again here, for the office
                    with self.db.transaction() as s:
                        row = s.get(SyncConflict, cid)
                        if row is not None and row.status == "resolving":
                            row.status, row.resolution = "open", {}
                continue
            with self.db.transaction() as s:
                row = s.get(SyncConflict, cid)
                if row is not None:
                    row.status = "resolved"
                    row.resolved_at = utcnow()

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
        if not full and self._pushed_all_since(server_id, since):
            self._still_in_step(report, server_id)
            return
        for round_ in range(3):
            records, cursor = self.fetch_since(since)
            meta = {META_LAST_SEQ: str(cursor), META_SERVER_ID: server_id}
            checked = self._checked_state(server_id, cursor)
            own_only = round_ == 0 and not records and not full and self._only_own_echoes(server_id, since)
            if own_only:
                # The last check passed at ``since``; since then the head moved only by this laptop's own
                # changes, each now held by the server exactly as here: still in step, noted as such.
                meta[META_CHECKED] = checked
            if records or any(self.db.get_meta(k) != v for k, v in meta.items()):
                meta.update(self._photos_owed(records))
                applied = apply_remote_records(self.db, records, meta)
                self._pulled_photos |= applied.photo_hashes
            report.pulled += len(records)
            if own_only or (not records and not full and self.db.get_meta(META_CHECKED) == checked):
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
            repaired, unexplained = self._repair(bad, report)
            check = CheckResponse.model_validate(self.request("GET", "/sync/check").json())
            bad = self._compare(check)
            if bad and check.head > cursor:
                since = cursor
                continue
            if not bad or not unexplained:
                # In step, or differing only by what waits here (refused or dropped changes) and by
                # records another laptop handed over by bundle (that laptop sends them).
                report.check_ok = True
                if not bad:
                    self._remember_check(server_id, check.head)
                report.check_message = (
                    f"已修复 {repaired} 条记录 (repaired {repaired} records)" if repaired else ""
                )
                return
            bad = unexplained
            break
        report.check_ok = False
        report.check_message = (
            "本机与服务器的记录数或版本不一致 (records here differ from the server's): "
            + ", ".join(sorted(bad))
        )

    def _only_own_echoes(self, server_id: str, since: int) -> bool:
        """Did everything that moved the server's head after ``since`` — where the last passing check was
        made — come from this sync's push, each change echoed (held there exactly as here, versions
        adopted), with nothing left to send? Then the pull that found nothing proves the two sides still
        agree. Only for accounts that read everything: for an inspector a record can leave its sight
        (a hotel moved to another division) without a pull showing it, which only the check notices."""
        if not self._echo_only or self._role not in ("office", "admin"):
            return False
        facts = LocalFacts.read(self.db)
        prior, self._newest = facts.checked, facts.newest
        return (
            not facts.unsent and prior is not None and prior.startswith(f"{server_id}|{since}|{self._scope}|")
        )

    def _pushed_all_since(self, server_id: str, since: int) -> bool:
        """Is every sequence number after ``since`` up to the head the pushes answered one this sync's push
        was given for a change echoed (the server holds it exactly as here, version adopted), with the last
        passing check made at ``since`` and nothing left to send? Then a pull could only bring this
        laptop's own changes back (the server leaves them out): it is not asked. A gap — someone else's
        change, or one the server made itself — and the usual pull runs. Office and admin accounts only
        (see :meth:`_only_own_echoes`)."""
        head = self._push_head
        if (
            head <= since
            or len(self._echo_seqs) < head - since
            or any(seq not in self._echo_seqs for seq in range(since + 1, head + 1))
        ):
            return False
        return self._only_own_echoes(server_id, since)

    def _still_in_step(self, report: SyncReport, server_id: str) -> None:
        """Note the head the pushes reached as pulled and checked (see :meth:`_pushed_all_since`)."""
        head = self._push_head
        values = {
            META_LAST_SEQ: str(head),
            META_SERVER_ID: server_id,
            META_CHECKED: f"{server_id}|{head}|{self._scope}|{self._newest}",
        }
        # Not worth a wait for the disk: lost in a power cut, the next sync pulls from the older number
        # (its own changes are left out) and checks again. Written with the sync's log line, at its end.
        self._meta_at_end.update(values)
        report.check_ok, report.check_message = True, ""

    def _checked_state(self, server_id: str, head: int) -> str:
        """The key of a passing check: server, its head, who asked (scope), the newest local change."""
        return f"{server_id}|{head}|{self._scope}|{LocalFacts.read(self.db).newest}"

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

    def _repair(self, entities: set[str], report: SyncReport) -> tuple[int, set[str]]:
        """Find the records that differ from the server's (by id and version) and fetch them. Returns how
        many were fetched and the entities that still differ in a way nothing here explains — explained
        are records with changes waiting here (refused, or dropped) and records the server lacks that
        another device wrote (a bundle imported here: that device sends them)."""
        skip = pending_ids(self.db)
        fetched: list[RemoteRecord] = []
        manifests: dict[str, dict[str, tuple[int, bool]]] = {}
        for entity in sorted(entities):
            theirs = manifests[entity] = {
                rid: (int(v), bool(d)) for rid, v, d in self.request("GET", f"/sync/manifest/{entity}").json()
            }
            mine = _local_versions(self.db, entity)
            wanted = [rid for rid, vd in theirs.items() if mine.get(rid) != vd and (entity, rid) not in skip]
            for chunk in chunked(wanted, MAX_PULL):
                answer = self.request("POST", "/sync/fetch", json={"entity": entity, "ids": chunk}).json()
                fetched += [RemoteRecord.model_validate(r) for r in answer]
        if fetched:
            self._pulled_photos |= apply_remote_records(
                self.db, fetched, self._photos_owed(fetched)
            ).photo_hashes
            report.pulled += len(fetched)
        with self.db.reading() as s:
            handed = from_bundles(s)
        # An account that reads only its divisions cannot tell a record the server lacks from one outside
        # its sight (its divisions narrowed, a hotel moved away): records here that the server does not
        # show it are no failure. Losses of the server's are found by its head (see :meth:`sync`).
        partial = self._role not in ("office", "admin")
        unexplained: set[str] = set()
        arrived: list[tuple[str, str]] = []
        for entity, theirs in manifests.items():
            mine = _local_versions(self.db, entity)
            differ = {rid for rid in theirs.keys() | mine.keys() if theirs.get(rid) != mine.get(rid)}
            differ -= {rid for e, rid in skip if e == entity}
            by_bundle = handed.get(entity, set())
            arrived += [(entity, rid) for rid in by_bundle if rid in theirs]
            only_here = {rid for rid in differ if rid not in theirs}
            if differ - (only_here if partial else {rid for rid in by_bundle if rid not in theirs}):
                unexplained.add(entity)
        if arrived:  # the server holds them now: checked like any other record from here on
            with self.db.transaction() as s:
                note_from_bundles(s, (), arrived)
        return len(fetched), unexplained

    # --- completeness, conflicts ---------------------------------------------------------------------------------------
    def update_completeness(self, report: SyncReport) -> None:
        """Ask whether the server holds every photo of the inspections sent and not yet complete."""
        ids = {o.id for o in report.outcomes if o.entity == "inspections" and o.state == "sent"}
        with self.db.engine.connect() as conn:  # plain reads of two columns: no session
            ids.update(
                conn.scalars(
                    select(SyncRecordState.record_id).where(
                        SyncRecordState.entity == "inspections", SyncRecordState.state == "sent"
                    )
                )
            )
            photo_ids = [o.id for o in report.outcomes if o.entity == "photos"][:MAX_PULL]
            if photo_ids:
                ids.update(conn.scalars(select(Photo.inspection_id).where(Photo.id.in_(photo_ids))))
        if not ids:
            return
        ordered = sorted(ids)
        statuses: dict[str, Any] = {}
        for chunk in chunked(ordered, 2000):
            answer = StatusResponse.model_validate(
                self.request("POST", "/sync/status", json={"inspection_ids": chunk}).json()
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

    def refresh_conflicts(self, stamp: str = "") -> None:
        """Copy the server's open conflicts here (office users see them all); close ones settled there.
        ``stamp``: the hello's conflict stamp, remembered when the copy is done (then an idle sync need
        not ask again while the stamp stays the same)."""
        if stamp and self.db.get_meta(META_CONFLICTS_SEEN) == stamp:
            return  # no conflict added or settled there since the last copy (this push's are noted)
        answer = self.request("GET", "/conflicts", params={"status": "open"}).json()
        if stamp:
            with self.db.transaction() as s:
                s.merge(Meta(key=META_CONFLICTS_SEEN, value=stamp))
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
            for c in answer:
                if int(c["id"]) in local:
                    continue
                row = SyncConflict(
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
                if not sync_state.link_found_here(s, row):
                    s.add(row)
            for server_id, row in local.items():
                if server_id not in open_ids and row.status == "open":
                    row.status = "resolved"
                    row.resolved_at = utcnow()


def _local_versions(db: Database, entity: str) -> dict[str, tuple[int, bool]]:
    from hoteltv.sync.values import MODELS

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
        for chunk in chunked(ids, 500):
            for rid, number in s.execute(
                select(Inspection.id, Inspection.record_number).where(Inspection.id.in_(chunk))
            ):
                out[rid] = number
    return out
