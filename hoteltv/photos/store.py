"""The content-addressed photo store under the data folder: originals by SHA-256, plus rebuildable caches.

Layout (``root`` is ``<home>/photos``)::

    originals/ab/abcdef…            the original file, byte for byte, named by its SHA-256; read-only
    cache/thumbs/256/ab/abcdef….jpg thumbnails (upright, long edge 256)
    cache/copies/ab/abcdef…-1600-q85-<annotation>.jpg
                                    downscaled, upright copies with the annotation drawn in (reports, sync)

An original is written once, atomically (temporary file in the same folder, flushed to disk, renamed,
folder synced), and never modified, so the database can only point at a whole file. The ``cache`` folder
can be deleted at any time: everything in it is rebuilt on demand. A blob is removed only by
:meth:`PhotoStore.remove`, which only the explicit garbage collection calls.

Methods may be called from several threads at once: every write goes through its own temporary file.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from hoteltv.archive import SHA256_PATTERN
from hoteltv.errors import HoteltvError
from hoteltv.io.files import FileInUseError, flush_many, fsync_dir, replace_file
from hoteltv.photos import annotate, ingest

_SHA_RE = re.compile(SHA256_PATTERN)
_CHUNK = 1 << 20
THUMB_QUALITY = 80


class StoreError(HoteltvError):
    """The store could not be written or read (disk full, permissions, a damaged blob)."""

    def __init__(self, message: str, reason: str = ingest.WRITE_FAILED) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    byte_size: int
    path: Path


def _check_sha(sha256: str) -> str:
    if not isinstance(sha256, str) or not _SHA_RE.match(sha256):
        raise StoreError(f"不是有效的 SHA-256 (not a SHA-256 hex digest: {sha256!r})")
    return sha256


def _write_file(fd: int, data: bytes | memoryview) -> None:
    """Write all of ``data`` to ``fd`` (the one place blobs hit the disk; tests inject faults here)."""
    view = memoryview(data)
    while view:
        n = os.write(fd, view[: 8 * _CHUNK])
        view = view[n:]


def _explain(exc: OSError, what: str) -> StoreError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StoreError(f"磁盘已满,{what}未保存 (disk full: {what} not saved)", ingest.DISK_FULL)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreError(
            f"照片文件夹不可写,{what}未保存 (the photo folder is not writable: {exc.strerror or exc})",
            ingest.WRITE_FAILED,
        )
    return StoreError(f"{what}写入失败 (writing failed: {exc.strerror or exc})", ingest.WRITE_FAILED)


class PhotoStore:
    """Originals by SHA-256 under ``root``, thumbnails and report copies cached beside them."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.originals = self.root / "originals"
        self.cache = self.root / "cache"

    @classmethod
    def for_home(cls, home: Path) -> PhotoStore:
        """The store of a data folder (``<home>/photos``)."""
        return cls(Path(home) / "photos")

    # --- originals -------------------------------------------------------------------------------------
    def path(self, sha256: str) -> Path:
        """Where the original with this hash is (or would be) stored."""
        sha = _check_sha(sha256)
        return self.originals / sha[:2] / sha

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def size(self, sha256: str) -> int | None:
        try:
            return self.path(sha256).stat().st_size
        except OSError:
            return None

    def put_bytes(self, data: bytes, sha256: str | None = None, *, name: str = "") -> StoredBlob:
        """Store ``data`` under its hash (given, or computed here); a no-op when already stored intact."""
        sha = sha256 or hashlib.sha256(data).hexdigest()
        return self.put_many([(sha, data)], name=name)[0]

    def put_many(self, items: list[tuple[str, bytes]], *, name: str = "") -> list[StoredBlob]:
        """Store many blobs (``(sha256, data)``, hashes already checked) with one flush to disk for all.

        A blob's name appears only over its complete, durable bytes, paid once per call instead of twice
        per file: every file is written to its temporary name, all are flushed together, renamed, and the
        folders flushed together (one blob, as :meth:`put_bytes` stores, is flushed on its own: no
        system-wide sync for it). A blob already stored intact only has its time refreshed, so a running
        --gc spares it; a damaged one of the wrong size is replaced. ``name`` names a single photo in
        error messages."""
        what = f"照片 {name} " if name else "照片 "
        pending: list[tuple[str, int, str, Path, bool]] = []
        out: list[StoredBlob] = []
        open_fds = True
        try:
            for sha, data in items:
                target = self.path(sha)
                try:
                    st = target.stat()
                except OSError:
                    st = None
                if st is not None and st.st_size == len(data):
                    with contextlib.suppress(OSError):
                        os.utime(target)
                    out.append(StoredBlob(sha, len(data), target))
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{sha[:16]}.", suffix=".part")
                pending.append((sha, fd, tmp, target, st is not None))
                _write_file(fd, data)
                out.append(StoredBlob(sha, len(data), target))
            if len(pending) == 1:
                os.fsync(pending[0][1])
            else:
                flush_many([fd for _sha, fd, _tmp, _target, _old in pending])
            open_fds = False
            for _sha, fd, _tmp, _target, _old in pending:
                os.close(fd)
            for _sha, _fd, tmp, target, old in pending:
                os.chmod(tmp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
                if old:  # a damaged blob of the wrong size: replace it with the good bytes
                    with contextlib.suppress(OSError):
                        os.chmod(target, stat.S_IRUSR | stat.S_IWUSR)
                replace_file(tmp, target)
            if len(pending) == 1:
                fsync_dir(pending[0][3].parent)
            else:
                flush_many([], {target.parent for _sha, _fd, _tmp, target, _old in pending})
        except BaseException as exc:
            for _sha, fd, tmp, _target, _old in pending:
                if open_fds:
                    with contextlib.suppress(OSError):
                        os.close(fd)
                with contextlib.suppress(OSError):
                    os.chmod(tmp, stat.S_IRUSR | stat.S_IWUSR)
                    os.unlink(tmp)
            if isinstance(exc, FileInUseError):
                raise StoreError(f"{what}未保存: {exc.message}", ingest.WRITE_FAILED) from exc
            if isinstance(exc, OSError):
                raise _explain(exc, what) from exc
            raise
        return out

    def read(self, sha256: str) -> bytes:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise StoreError(
                f"照片文件缺失 (the stored photo {sha256[:12]}… is missing; run 'hoteltv check')", "missing"
            ) from None
        except OSError as exc:
            raise StoreError(
                f"无法读取照片 (cannot read stored photo {sha256[:12]}…: {exc.strerror or exc})"
            ) from exc

    def verify(self, sha256: str) -> bool:
        """True when the blob exists and its content still hashes to ``sha256``."""
        try:
            with open(self.path(sha256), "rb") as fh:
                return hashlib.file_digest(fh, "sha256").hexdigest() == sha256
        except OSError:
            return False

    def blobs(self) -> Iterator[str]:
        """Every stored hash (in no particular order)."""
        if not self.originals.is_dir():
            return
        for folder in self.originals.iterdir():
            if not folder.is_dir() or len(folder.name) != 2:
                continue
            for entry in folder.iterdir():
                if _SHA_RE.match(entry.name) and entry.name.startswith(folder.name):
                    yield entry.name

    def leftovers(self, older_than: float = 3600.0) -> list[Path]:
        """Temporary files of interrupted writes (older than ``older_than`` seconds, so not in progress)."""
        if not self.originals.is_dir():
            return []
        now = time.time()
        out = []
        for part in self.originals.glob("*/.*.part"):
            with contextlib.suppress(OSError):
                if now - part.stat().st_mtime >= older_than:
                    out.append(part)
        return out

    def age(self, sha256: str) -> float:
        """Seconds since the blob was last written or re-added (``inf`` when it is missing)."""
        try:
            return max(0.0, time.time() - self.path(sha256).stat().st_mtime)
        except OSError:
            return float("inf")

    def remove(self, sha256: str) -> None:
        """Delete a blob and its cached copies. Garbage collection calls this, and a bundle import taking
        back the files it added and no record uses."""
        self.remove_leftover(self.path(sha256))
        self.drop_cache(sha256)

    def remove_leftover(self, part: Path) -> None:
        """Delete a stored file (a blob or a leftover temporary file), read-only as it is."""
        with contextlib.suppress(FileNotFoundError):
            os.chmod(part, stat.S_IRUSR | stat.S_IWUSR)  # read-only files cannot be deleted on Windows
            part.unlink()

    # --- caches ----------------------------------------------------------------------------------------
    def _thumb_path(self, sha: str, size: int) -> Path:
        return self.cache / "thumbs" / str(int(size)) / sha[:2] / f"{sha}.jpg"

    def _copy_path(self, sha: str, long_edge: int, quality: int, key: str) -> Path:
        return self.cache / "copies" / sha[:2] / f"{sha}-{int(long_edge)}-q{int(quality)}-{key}.jpg"

    def thumbnail(self, sha: str, size: int = ingest.THUMB_EDGE) -> Path:
        """Path of an upright JPEG thumbnail (long edge ``size``), made from the original if not cached."""
        _check_sha(sha)
        path = self._thumb_path(sha, size)
        if _usable(path):
            return path
        image = ingest.decode(self.read(sha), size, name=f"{sha[:12]}…")
        saved = self.save_thumbnail(sha, image, size)
        if saved is None:
            raise StoreError(f"无法保存缩略图 (cannot write the thumbnail cache under {self.cache})")
        return saved

    def save_thumbnail(self, sha: str, image: Image.Image, size: int = ingest.THUMB_EDGE) -> Path | None:
        """Cache an already decoded, upright image as the thumbnail; None if the cache cannot be written."""
        _check_sha(sha)
        if max(image.size) > size:
            image = image.copy()
            image.thumbnail((size, size), Image.Resampling.LANCZOS)
        path = self._thumb_path(sha, size)
        try:
            _save_jpeg(image, path, THUMB_QUALITY)
        except OSError:
            return None  # a cache: the photo itself is safe, the thumbnail is made again when next asked for
        return path

    def report_copy(
        self, sha256: str, annotation: dict[str, Any] | None, long_edge: int = 1600, quality: int = 85
    ) -> Path:
        """Path of a downscaled, upright JPEG of the photo with ``annotation`` drawn in (cached).

        Reports print it and sync sends it unless the original is asked for. The original is never
        enlarged: a photo smaller than ``long_edge`` keeps its size. Raises :class:`StoreError` when the
        original is missing and :class:`ValidationError` for invalid annotation data.
        """
        sha = _check_sha(sha256)
        if not 16 <= int(long_edge) <= 20000 or not 1 <= int(quality) <= 100:
            raise StoreError(f"invalid copy size/quality: {long_edge}px, q{quality}")
        ann = annotate.Annotation.from_dict(annotation)
        path = self._copy_path(sha, long_edge, quality, ann.key())
        if _usable(path):
            return path
        image = ingest.decode(self.read(sha), int(long_edge), name=f"{sha[:12]}…")
        image = annotate.render(image, ann)
        try:
            _save_jpeg(image, path, int(quality))
        except OSError as exc:
            raise _explain(exc, "报告用照片副本") from exc
        return path

    def drop_cache(self, sha256: str) -> None:
        """Forget every cached rendering of one photo (they are made again when needed)."""
        sha = _check_sha(sha256)
        candidates = list((self.cache / "copies" / sha[:2]).glob(f"{sha}-*.jpg"))
        thumbs = self.cache / "thumbs"
        if thumbs.is_dir():
            candidates += [d / sha[:2] / f"{sha}.jpg" for d in thumbs.iterdir()]
        for p in candidates:
            with contextlib.suppress(OSError):
                p.unlink()


def _usable(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _save_jpeg(image: Image.Image, path: Path, quality: int) -> None:
    """Write a cache JPEG via a temporary file and a rename (no fsync: a lost cache file is rebuilt)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem[:16]}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            image.save(fh, "JPEG", quality=quality, optimize=False)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
