"""Photo files on the server: resumable uploads, verified by SHA-256, stored once by content hash.

An upload goes to ``<photo_dir>/incoming/<sha256>.part`` as the bytes arrive, so a connection cut
halfway keeps what came through; the client asks how much arrived and sends the rest from there. When the
declared size is reached the file is hashed: a match moves it into the content-addressed
:class:`~hoteltv.photos.store.PhotoStore` (``<photo_dir>/originals/…``) and records the blob; a mismatch
throws the partial file away and the upload starts again.

Appending and verifying happen under an operating-system lock on ``incoming/<sha256>.lock`` (``flock`` on
Linux and macOS, ``msvcrt.locking`` on Windows), so two uploads of the same file — from one worker process
or several — take turns: the second waits (up to :data:`LOCK_WAIT` seconds, without holding a thread),
then finds the offset moved on (``409``, the client asks where to resume) or the file complete. The lock
goes with the process if it dies; the lock file is removed by its holder when done.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import os
import stat
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import IO, Any, cast

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from hoteltv.chunks import chunked
from hoteltv.io.files import fsync_dir
from hoteltv.photos.store import PhotoStore
from hoteltv.sync.protocol import MAX_PHOTO_BYTES, UploadState
from hoteltv.sync.server.models import Blob, now
from hoteltv.sync.server.service import Refused

#: How long an upload waits for another upload of the same file to finish before it is answered ``409``.
LOCK_WAIT = 30.0
_BUSY = (
    "这张照片正在由另一连接上传,请稍后重试 (another upload of this photo is under way; ask where to resume)"
)


def _try_lock(fh: IO[bytes]) -> bool:
    """Take an exclusive lock on an open file without waiting; False when another holder has it."""
    try:
        if os.name == "nt":
            import msvcrt

            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined,unused-ignore]
        else:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # type: ignore[attr-defined,unused-ignore]
    except OSError:
        return False
    return True


def _unlock(fh: IO[bytes]) -> None:
    with contextlib.suppress(OSError):
        if os.name == "nt":
            import msvcrt

            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined,unused-ignore]
        else:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)  # type: ignore[attr-defined,unused-ignore]


class BlobStore:
    """Complete blobs in a :class:`PhotoStore`; partial uploads beside it."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.store = PhotoStore(self.root)
        self.incoming = self.root / "incoming"
        self.incoming.mkdir(parents=True, exist_ok=True)

    def part(self, sha256: str) -> Path:
        self.store.path(sha256)  # validates the hash
        return self.incoming / f"{sha256}.part"

    @contextlib.asynccontextmanager
    async def uploading(self, sha256: str, wait: float = LOCK_WAIT) -> AsyncIterator[None]:
        """Hold the upload lock of one file (across processes) for the duration of the block."""
        path = self.part(sha256).with_suffix(".lock")
        deadline = time.monotonic() + wait
        fh: Any = None
        while fh is None:
            candidate = open(path, "a+b")  # noqa: SIM115 - closed below or on the next round
            if _try_lock(candidate) and _same_file(candidate, path):
                fh = candidate
                break
            _unlock(candidate)
            candidate.close()
            if time.monotonic() > deadline:
                raise Refused(409, _BUSY)
            await asyncio.sleep(0.05)
        try:
            yield
        finally:
            if os.name != "nt":  # the holder removes it; a waiter then sees another file and opens anew
                with contextlib.suppress(OSError):
                    path.unlink()
            _unlock(fh)
            fh.close()

    def received(self, sha256: str) -> int:
        try:
            return self.part(sha256).stat().st_size
        except OSError:
            return 0

    def has(self, s: Session, sha256: str) -> bool:
        return s.get(Blob, sha256) is not None and self.store.exists(sha256)

    def present(self, s: Session, hashes: Sequence[str]) -> set[str]:
        """Which of ``hashes`` the server holds (recorded and on disk), in a few queries."""
        found: set[str] = set()
        for chunk in chunked(hashes, 500):
            found.update(s.scalars(select(Blob.sha256).where(Blob.sha256.in_(chunk))))
        return {h for h in found if self.store.exists(h)}

    def state(self, s: Session, sha256: str) -> UploadState:
        if self.has(s, sha256):
            size = self.store.size(sha256) or 0
            return UploadState(sha256=sha256, received=size, complete=True)
        return UploadState(sha256=sha256, received=self.received(sha256), complete=False)

    async def receive(self, sha256: str, offset: int, total: int, chunks: AsyncIterator[bytes]) -> int:
        """Append the request body at ``offset``; returns the bytes now held. Keeps what arrived when the
        connection drops (the caller catches the disconnect)."""
        if not 0 < total <= MAX_PHOTO_BYTES:
            raise Refused(413, f"照片过大或大小无效 (photo size must be 1..{MAX_PHOTO_BYTES} bytes)")
        part = self.part(sha256)
        have = self.received(sha256)
        if offset != have:
            raise Refused(409, f"offset {offset} does not match the {have} bytes received so far")
        with open(part, "ab") as fh:
            try:
                async for chunk in chunks:
                    if not chunk:
                        continue
                    if fh.tell() + len(chunk) > total:
                        fh.flush()
                        raise Refused(413, "more bytes than the declared size")
                    fh.write(chunk)
            finally:
                fh.flush()
                os.fsync(fh.fileno())
        return self.received(sha256)

    def finish(self, s: Session, sha256: str, total: int) -> UploadState:
        """When all bytes are there: verify the hash and move the file into the store."""
        part = self.part(sha256)
        have = self.received(sha256)
        if have < total:
            return UploadState(sha256=sha256, received=have, complete=False)
        with open(part, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256")
        if digest.hexdigest() != sha256:
            with contextlib.suppress(OSError):
                part.unlink()
            raise Refused(
                422,
                "照片内容与校验值不符,已丢弃,请重新上传 (content does not match its SHA-256; upload again)",
            )
        self._move_in(part, sha256)
        self.note(s, [(sha256, have)])
        return UploadState(sha256=sha256, received=have, complete=True)

    def _move_in(self, part: Path, sha256: str) -> None:
        """Rename a verified upload into the store (same folder tree: no second copy of the bytes)."""
        target = self.store.path(sha256)
        if target.is_file():
            with contextlib.suppress(OSError):
                part.unlink()
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(part, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.replace(part, target)
        fsync_dir(target.parent)

    def write_many(self, items: list[tuple[str, bytes]]) -> None:
        """Write many files already checked against their hashes, flushed to disk once for all (a photo
        batch); :meth:`record_many` then records them. A file without its record is not counted as held."""
        if items:
            self.store.put_many(items)

    def record_many(self, s: Session, items: list[tuple[str, bytes]]) -> None:
        """Record files :meth:`write_many` wrote (a row another process wrote meanwhile stays)."""
        self.note(s, sorted({sha: len(data) for sha, data in items}.items()))

    def put_verified(self, s: Session, data: bytes, sha256: str) -> None:
        """Store bytes already checked against ``sha256`` (bundle import on the server)."""
        if hashlib.sha256(data).hexdigest() != sha256:
            raise Refused(422, "content does not match its SHA-256")
        self.store.put_bytes(data, sha256)
        self.note(s, [(sha256, len(data))])

    @staticmethod
    def note(s: Session, rows: list[tuple[str, int]]) -> None:
        """Record files now in the store (hash, size); a row another process wrote meanwhile stays.

        One single-row statement run for every row (executemany), the same statement object each time:
        compiled once and cached, where a multi-row ``VALUES`` list was compiled anew for every batch."""
        if not rows:
            return
        stamp = now()
        conn = s.connection()
        conn.execute(
            _note_statement(conn.dialect.name),
            [{"sha256": sha, "size": size, "created_at": stamp} for sha, size in rows],
        )


@functools.cache
def _note_statement(dialect: str) -> Any:
    """``INSERT INTO blobs … ON CONFLICT (sha256) DO NOTHING`` of one row, for SQLite or PostgreSQL."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert(cast(Table, Blob.__table__)).on_conflict_do_nothing(index_elements=["sha256"])


def _same_file(fh: IO[bytes], path: Path) -> bool:
    """Is the locked open file still the one at ``path`` (not removed by a holder that just finished)?"""
    if os.name == "nt":
        return True
    try:
        return os.fstat(fh.fileno()).st_ino == os.stat(path).st_ino
    except OSError:
        return False
