"""Photo files between a laptop and the server: what the server lacks goes up, what records here use and
this computer lacks comes down; each file verified by its SHA-256.

Up: the server is asked which of the files not yet confirmed it lacks (``/photos/missing``); small files go
many to a request (``/photos/batch``, frames of hash + bytes; the server flushes a whole batch to disk
at once), up to :data:`STREAMS` requests in flight so the next batch travels while the server stores the
last; larger ones go one by one as resumable uploads (``PUT /photos/{sha}`` at the offset the server
reports, so a cut connection resumes with exactly the missing bytes). Files the server holds are noted
here (``sync_blobs``) in one transaction per few hundred, and never offered again. Whether any live photo
may still be unconfirmed is kept by the database itself (:data:`META_PHOTOS_UNCONFIRMED`, set by triggers):
while it is clear, nothing is looked for (the scan of every photo is skipped).

Down: files the pulled records use, each fetched and checked against its hash; those not there yet (their
owner has not uploaded them) are remembered for the next sync.

Laptop side: imports neither the server package nor FastAPI.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from queue import Empty, Queue
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from hoteltv.archive import SHA256_RE as _SHA256
from hoteltv.chunks import chunked
from hoteltv.db.engine import Database
from hoteltv.db.models import Meta, Photo, SyncBlob, utcnow
from hoteltv.photos.store import PhotoStore
from hoteltv.sync.protocol import (
    BATCH_PHOTO_BYTES,
    BATCH_PHOTO_MAX,
    FRAME_HEADER,
    MAX_HASHES,
    MissingPhotos,
    PhotoBatchResult,
    UploadState,
    frame,
)
from hoteltv.sync.state import RecordOutcome
from hoteltv.sync.transport import Retry, SyncCancelled, SyncError, Transport

if TYPE_CHECKING:
    from hoteltv.sync.client import SyncReport

log = logging.getLogger(__name__)

UPLOAD_CHUNK = 4 * 1024 * 1024
#: Photo batches in flight at once.
STREAMS = 2
#: Meta row: photo files records here use that could not be fetched yet (JSON list of hashes).
META_MISSING_PHOTOS = "sync.missing_photos"
#: Meta row set by SQLite triggers (migration 0007) when a live photo appears, changes its file or comes back
#: from deletion, or a confirmation is forgotten: absent, every live photo's file is confirmed held by the
#: server. Cleared only by :func:`clear_unconfirmed_marker`, under the write lock.
META_PHOTOS_UNCONFIRMED = "sync.photos_unconfirmed"
#: Files noted as held by the server per transaction.
_CONFIRM_EVERY = 200
#: Noting files the server holds: a row already there stays as it is.
_CONFIRM_INSERT = sqlite_insert(SyncBlob).on_conflict_do_nothing(index_elements=["sha256"])


def clear_unconfirmed_marker(db: Database) -> bool:
    """Clear :data:`META_PHOTOS_UNCONFIRMED` when no live photo's file waits for the server's confirmation;
    returns whether it is clear now. One statement under the write lock: a photo added meanwhile either
    sets the marker after it or is seen by it. Not worth a wait for the disk: a clearing lost in a power
    cut only makes the next sync look again."""
    if db.get_meta(META_PHOTOS_UNCONFIRMED) is None:
        return True
    with db.bookkeeping() as conn:
        conn.exec_driver_sql(
            "DELETE FROM meta WHERE key = ? AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.deleted = 0 "
            "AND NOT EXISTS (SELECT 1 FROM sync_blobs b WHERE b.sha256 = p.sha256))",
            (META_PHOTOS_UNCONFIRMED,),
        )
        left = conn.exec_driver_sql("SELECT 1 FROM meta WHERE key = ?", (META_PHOTOS_UNCONFIRMED,)).scalar()
    return left is None


class PhotoTransfer:
    """Moves photo files for one sync (see module docstring). ``tick(text)`` reports progress and may
    raise to stop between steps."""

    def __init__(
        self,
        db: Database,
        store: PhotoStore,
        transport: Transport,
        *,
        upload_chunk: int = UPLOAD_CHUNK,
        batch_photo_max: int = BATCH_PHOTO_MAX,
        streams: int = STREAMS,
        tick: Callable[[str], None] | None = None,
    ) -> None:
        self.db = db
        self.store = store
        self.transport = transport
        self.upload_chunk = max(1024, upload_chunk)
        self.batch_photo_max = batch_photo_max
        self.streams = max(1, streams)
        self.tick = tick or (lambda _text: None)
        #: When a list, confirmations are gathered here instead of written (see :class:`AlongsideUpload`).
        self.held: list[str] | None = None
        #: Files already reported failed in this sync (shared with the alongside copy): not sent again.
        self.reported: set[str] = set()

    # --- what the server holds ---------------------------------------------------------------------------
    def unconfirmed(self) -> list[str]:
        """Hashes of live photos here the server has not yet confirmed holding (none to look for while the
        marker is clear)."""
        if self.db.get_meta(META_PHOTOS_UNCONFIRMED) is None:
            return []
        with self.db.reading() as s:
            stmt = (
                select(Photo.sha256)
                .where(Photo.deleted.is_(False), Photo.sha256.not_in(select(SyncBlob.sha256)))
                .distinct()
                .order_by(Photo.sha256)
            )
            return list(s.scalars(stmt))

    def _unconfirmed_of(self, hashes: Sequence[str]) -> list[str]:
        wanted = sorted({h for h in hashes if _SHA256.fullmatch(h)})
        if not wanted:
            return []
        with self.db.reading() as s:
            have = set(s.scalars(select(SyncBlob.sha256).where(SyncBlob.sha256.in_(wanted))))
        return [h for h in wanted if h not in have]

    def confirm(self, hashes: Sequence[str]) -> None:
        """Note that the server holds these files (they are not offered again)."""
        if not hashes:
            return
        if self.held is not None:
            self.held.extend(hashes)
            return
        # One Core statement per few hundred (no session, no look-up first): a row already there stays.
        rows = [{"sha256": h, "confirmed_at": utcnow()} for h in dict.fromkeys(hashes)]
        with self.db.writing(("sync_blobs",)) as conn:
            for chunk in chunked(rows, 500):
                conn.execute(_CONFIRM_INSERT, chunk)

    def failed(self, report: SyncReport, sha: str, reason: str) -> None:
        """Every live photo record using the file ``sha`` failed for ``reason`` (once per sync)."""
        if sha in self.reported:
            return
        self.reported.add(sha)
        with self.db.reading() as s:
            rows = list(s.scalars(select(Photo).where(Photo.sha256 == sha, Photo.deleted.is_(False))))
        for p in rows:
            report.failed += 1
            report.outcomes.append(
                RecordOutcome("photos", p.id, f"照片 {p.original_name or sha[:12]}", "failed", reason)
            )

    # --- up ----------------------------------------------------------------------------------------------------
    def upload(self, report: SyncReport, only: Sequence[str] | None = None) -> None:
        """Send every file the server lacks (see module docstring), or of ``only`` those not yet confirmed;
        the time spent goes to the report."""
        import time

        hashes = self.unconfirmed() if only is None else self._unconfirmed_of(only)
        hashes = [h for h in hashes if h not in self.reported]
        missing: list[str] = []
        for chunk in chunked(hashes, MAX_HASHES):
            answer = MissingPhotos.model_validate(
                self.transport.request("POST", "/photos/missing", json={"sha256": chunk}).json()
            )
            lacking = set(answer.missing) | set(answer.unknown)
            self.confirm([h for h in chunk if h not in lacking])
            missing += answer.missing
        started = time.perf_counter()
        done: list[str] = []
        try:
            large = self._upload_batches(missing, report)
            for n, sha in enumerate(large):
                try:
                    sent = self.upload_one(sha)
                except SyncError as exc:
                    if exc.transient:
                        raise
                    self.failed(report, sha, exc.message)
                    continue
                report.photos_up += 1
                report.bytes_up += sent
                done.append(sha)
                if len(done) >= _CONFIRM_EVERY:
                    self.confirm(done)
                    done = []
                if n % 50 == 0:
                    self.tick(f"已上传 {n + 1}/{len(large)} 张照片 (uploaded photos)")
        finally:
            self.confirm(done)
            report.upload_seconds += time.perf_counter() - started

    def _batches(self, missing: list[str]) -> tuple[list[list[tuple[str, Path, int]]], list[str]]:
        """The small files grouped into batches of at most :data:`BATCH_PHOTO_BYTES`; the large ones."""
        large: list[str] = []
        batches: list[list[tuple[str, Path, int]]] = []
        batch: list[tuple[str, Path, int]] = []
        size = 0
        for sha in missing:
            n = self.store.size(sha)
            if n is None or n > self.batch_photo_max:
                large.append(sha)  # a missing file is reported by the single upload
                continue
            if batch and size + n > BATCH_PHOTO_BYTES:
                batches.append(batch)
                batch, size = [], 0
            batch.append((sha, self.store.path(sha), n))
            size += n + FRAME_HEADER
        if batch:
            batches.append(batch)
        return batches, large

    def _send_batch(self, batch: list[tuple[str, Path, int]]) -> PhotoBatchResult:
        body = b"".join(frame(sha, path.read_bytes()) for sha, path, _n in batch)
        response = self.transport.request(
            "POST", "/photos/batch", content=body, headers={"Content-Type": "application/octet-stream"}
        )
        return PhotoBatchResult.model_validate(response.json())

    def _upload_batches(self, missing: list[str], report: SyncReport) -> list[str]:
        """Send the small files many to a request, :attr:`streams` requests in flight; the answers are
        taken in order here (report, confirmations, progress). Returns the hashes left for single
        uploads."""
        batches, large = self._batches(missing)
        if not batches:
            return large

        def take(batch: list[tuple[str, Path, int]], answer: PhotoBatchResult) -> None:
            sizes = {sha: n for sha, _path, n in batch}
            for sha in answer.stored:
                report.photos_up += 1
                report.bytes_up += sizes.get(sha, 0)
            for sha, reason in answer.refused.items():
                self.failed(report, sha, reason)
            self.confirm(answer.stored)
            self.tick(f"已上传 {report.photos_up} 张照片 (uploaded {report.photos_up} photos)")

        if self.streams == 1:
            for batch in batches:
                take(batch, self._send_batch(batch))
            return large
        pending: deque[tuple[list[tuple[str, Path, int]], Future[PhotoBatchResult]]] = deque()
        with ThreadPoolExecutor(max_workers=self.streams, thread_name_prefix="photo-upload") as pool:
            try:
                for batch in batches:
                    if len(pending) >= self.streams:
                        done_batch, future = pending.popleft()
                        take(done_batch, future.result())
                    pending.append((batch, pool.submit(self._send_batch, batch)))
                while pending:
                    done_batch, future = pending.popleft()
                    take(done_batch, future.result())
            finally:
                for _batch, future in pending:  # stopped (cancelled, or a batch failed): drop the rest
                    future.cancel()
        return large

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

        def one_try() -> int:
            nonlocal sent, restarts, known
            if known:
                state = UploadState.model_validate(self.transport.once("GET", f"/photos/{sha}/upload").json())
            else:
                state = UploadState(sha256=sha, received=0, complete=False)
            known = True
            offset = state.received
            while not state.complete and offset < size:
                n = min(self.upload_chunk, size - offset)
                try:
                    response = self.transport.once(
                        "PUT",
                        f"/photos/{sha}",
                        params={"offset": offset, "total": size},
                        content=_file_slice(path, offset, n),
                        headers={"Content-Type": "application/octet-stream"},
                    )
                except SyncError as exc:
                    if exc.status == 409:  # our idea of the offset was stale: ask again
                        raise Retry("resume offset out of date") from exc
                    if exc.status == 422 and restarts < 2:  # arrived damaged: start over
                        restarts += 1
                        raise Retry("the upload arrived damaged") from exc
                    raise
                sent += n
                state = UploadState.model_validate(response.json())
                offset = state.received
            if not state.complete:
                raise Retry("the server does not have the whole file yet")
            return sent

        try:
            for attempt in self.transport.attempts():
                with attempt:
                    return one_try()
        except (SyncError, Retry) as exc:
            if isinstance(exc, SyncError) and not exc.transient:
                raise
            log.info("upload of %s did not finish (%s)", sha[:12], exc)
        raise SyncError(
            f"照片 {sha[:12]}… 多次上传未成功,下次同步继续 (upload did not finish; it resumes next sync)",
            transient=True,
        )

    def alongside(self, report: SyncReport) -> AlongsideUpload:
        """An uploader that sends, while the push goes on, the files of photo records the server has just
        accepted (see :class:`AlongsideUpload`)."""
        return AlongsideUpload(self, report)

    # --- down ----------------------------------------------------------------------------------------------
    def download(self, report: SyncReport, wanted: set[str]) -> None:
        """Fetch the files in ``wanted`` (and those owed from earlier syncs) that this computer lacks,
        each verified by its hash. Files still missing are remembered for the next sync."""
        earlier = json.loads(self.db.get_meta(META_MISSING_PHOTOS, "[]") or "[]")
        candidates = sorted(wanted | set(earlier))
        still: list[str] = []
        got: list[str] = []
        try:
            for sha in candidates:
                if self.store.exists(sha):
                    continue
                try:
                    response = self.transport.request("GET", f"/photos/{sha}")
                except SyncError as exc:
                    if exc.transient:
                        raise
                    still.append(sha)  # not on the server yet (its owner has not uploaded it): next time
                    continue
                data = response.content
                if hashlib.sha256(data).hexdigest() != sha:
                    self.failed(report, sha, "下载的照片已损坏,下次重试 (downloaded photo was damaged)")
                    still.append(sha)
                    continue
                self.store.put_bytes(data, sha)
                report.photos_down += 1
                report.bytes_down += len(data)
                got.append(sha)
                if len(got) >= _CONFIRM_EVERY:
                    self.confirm(got)
                    got = []
        finally:
            self.confirm(got)
        if still or earlier:
            with self.db.transaction() as s:
                s.merge(Meta(key=META_MISSING_PHOTOS, value=json.dumps(still)))


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


class AlongsideUpload:
    """Photo files sent on a thread of their own while the records are still being pushed: the server
    takes a file only once a photo record using it has arrived, so after each push batch the hashes of the
    photo records it accepted are handed over (:meth:`add`) and go up while the next batch is applied.
    :meth:`finish` waits and raises what the uploads raised (a lost connection, a cancel); :meth:`stop`
    waits without raising (the push failed first). What was handed over while an upload was on its way
    goes up together with the next (one question which files the server lacks, fuller requests). What
    this misses, the usual upload after the push sends: nothing is confirmed here that the server did not
    store.

    The upload thread only reads the database: the files the server stored are noted by the pushing thread
    when the uploads end, in one transaction (two threads writing one SQLite file would find it locked).
    Cut off before that, the next sync asks the server again and notes them then."""

    def __init__(self, transfer: PhotoTransfer, report: SyncReport) -> None:
        self.owner = transfer
        self.transfer = copy.copy(transfer)
        self.transfer.held = []
        self.report = report
        #: The upload thread counts here; added to ``report`` on the pushing thread (:meth:`_note_stored`).
        self.counts = type(report)()
        self._queue: Queue[list[str] | None] = Queue()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def add(self, hashes: Sequence[str]) -> None:
        if not hashes or self._error is not None:
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="photo-upload-alongside", daemon=True)
            self._thread.start()
        self._queue.put(list(hashes))

    def _run(self) -> None:
        last = False
        while not last:
            hashes = self._queue.get()
            if hashes is None:
                return
            while True:  # what was handed over meanwhile goes up with it: fewer, fuller requests
                try:
                    more = self._queue.get_nowait()
                except Empty:
                    break
                if more is None:
                    last = True
                    break
                hashes += more
            if self._error is not None:
                continue  # drain: after a failure nothing more is tried here
            try:
                self.transfer.upload(self.counts, hashes)
            except BaseException as exc:  # handed to the pushing thread by finish()
                self._error = exc

    def _join(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def _note_stored(self) -> None:
        counts, self.counts = self.counts, type(self.report)()
        for name in ("failed", "photos_up", "bytes_up", "upload_seconds"):
            setattr(self.report, name, getattr(self.report, name) + getattr(counts, name))
        self.report.outcomes += counts.outcomes
        held, self.transfer.held = self.transfer.held or [], []
        self.owner.confirm(held)

    def finish(self) -> None:
        self._join()
        self._note_stored()
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        self._error = self._error or SyncCancelled("stopped")
        self._join()
        try:
            self._note_stored()
        except Exception:  # the push's own error is the one to report
            log.warning("could not note the photo files the server stored", exc_info=True)
