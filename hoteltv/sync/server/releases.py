"""Program releases on the sync server: an administrator publishes an installer, laptops learn of it.

``hoteltv release publish FILE --version V --notes TEXT`` (or ``POST /api/v1/releases`` with an admin
token, the installer as the raw body) stores the file in the server data folder under ``releases/`` by its
SHA-256 and records version, platform (``windows`` or ``linux``), size, SHA-256 and notes in the
``releases`` table. Any signed-in laptop asks ``GET /api/v1/releases/latest?platform=…`` (the highest
version, by :mod:`packaging.version`, not the newest upload) and fetches ``GET /api/v1/releases/{id}/file``;
it checks the SHA-256 itself (``hoteltv.sync.updates``). Nothing here installs anything.

(No ``from __future__ import annotations``: FastAPI reads the endpoint annotations at run time.)
"""

import hashlib
import os
import re
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from packaging.version import InvalidVersion, Version
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from hoteltv.errors import HoteltvError, NotFoundError
from hoteltv.sync.server.models import ServerBase, now

PLATFORMS = ("windows", "linux")
#: Installers are large but bounded (the Linux package is ~100 MB).
MAX_RELEASE_BYTES = 2 * 1024**3
MAX_NOTES = 2000
_FILENAME = re.compile(r"^[^\\/:*?\"<>|\x00-\x1f]{1,200}$")


class Release(ServerBase):
    """One published installer (file kept as ``releases/<sha256>`` in the server data folder)."""

    __tablename__ = "releases"
    __table_args__ = (UniqueConstraint("platform", "version", name="uq_releases_platform_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    version: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    notes: Mapped[str] = mapped_column(String(MAX_NOTES), default="")
    published_by: Mapped[str] = mapped_column(String(100), default="")
    published_at: Mapped[datetime] = mapped_column(default=now)


class ReleaseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    platform: str
    version: str
    filename: str
    size: int
    sha256: str
    notes: str
    published_by: str
    published_at: datetime


class ReleaseError(HoteltvError):
    """A release that cannot be published (bad version, platform, file …); nothing was stored."""


class ReleaseExists(ReleaseError):
    """This platform already has a release with this version."""


def check_version(text: str) -> str:
    """The version as given, if :mod:`packaging.version` reads it; else a clear refusal."""
    try:
        Version(text)
    except InvalidVersion:
        raise ReleaseError(
            f"版本号无效:{text!r},应如 0.2.0 (not a valid version number, e.g. 0.2.0)"
        ) from None
    if len(text) > 64:
        raise ReleaseError("版本号过长 (version too long)")
    return text


def check_platform(text: str) -> str:
    if text not in PLATFORMS:
        raise ReleaseError(f"平台须为 windows 或 linux,而非 {text!r} (platform must be windows or linux)")
    return text


def guess_platform(filename: str) -> str | None:
    """``windows`` for .exe/.msi, ``linux`` for .deb; None when the name does not tell."""
    suffix = Path(filename).suffix.lower()
    return {".exe": "windows", ".msi": "windows", ".deb": "linux"}.get(suffix)


def check_filename(text: str) -> str:
    name = text.strip()
    if not _FILENAME.match(name) or name in (".", ".."):
        raise ReleaseError(f"文件名无效:{text!r} (invalid file name)")
    return name


def check_notes(text: str) -> str:
    if len(text) > MAX_NOTES:
        raise ReleaseError(f"说明过长,最多 {MAX_NOTES} 字 (notes longer than {MAX_NOTES} characters)")
    return text


def checked_fields(*, version: str, notes: str, filename: str, platform: str | None) -> dict[str, str]:
    """The checked ``version``, ``notes``, ``filename`` and ``platform`` (guessed from the file name when
    not given) of a release to publish; refuses the first that is wrong."""
    version, notes, filename = check_version(version), check_notes(notes), check_filename(filename)
    platform = check_platform(platform or guess_platform(filename) or "")
    return {"version": version, "notes": notes, "filename": filename, "platform": platform}


@dataclass
class ReleaseStore:
    """The release files of one server: ``<folder>/<sha256>``, written whole or not at all."""

    folder: Path

    def path(self, sha256: str) -> Path:
        return self.folder / sha256

    def _temp(self) -> tuple[int, Path]:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.folder, prefix=".incoming-")
        return fd, Path(name)

    def _keep(self, temp: Path, digest: str) -> None:
        target = self.path(digest)
        if target.exists():
            temp.unlink()
        else:
            os.replace(temp, target)

    def put_chunks(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        """Store the bytes; returns (SHA-256, size). Refuses empty and oversized files."""
        incoming = _Incoming(self)
        try:
            for chunk in chunks:
                incoming.add(chunk)
            return incoming.keep()
        except BaseException:
            incoming.discard()
            raise

    async def put_stream(self, chunks: AsyncIterator[bytes]) -> tuple[str, int]:
        """As :meth:`put_chunks`, reading an HTTP request body as it arrives."""
        incoming = _Incoming(self)
        try:
            async for chunk in chunks:
                incoming.add(chunk)
            return incoming.keep()
        except BaseException:
            incoming.discard()
            raise


class _Incoming:
    """One installer file being received: a temporary file, its size limit and hash, kept under the hash."""

    def __init__(self, store: ReleaseStore) -> None:
        self.store = store
        fd, self.temp = store._temp()
        self.out = os.fdopen(fd, "wb")
        self.digest, self.size = hashlib.sha256(), 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > MAX_RELEASE_BYTES:
            raise ReleaseError("安装文件过大 (installer larger than 2 GB)")
        self.digest.update(chunk)
        self.out.write(chunk)

    def keep(self) -> tuple[str, int]:
        self.out.flush()
        os.fsync(self.out.fileno())
        self.out.close()
        if self.size == 0:
            raise ReleaseError("安装文件为空 (the installer file is empty)")
        self.store._keep(self.temp, self.digest.hexdigest())
        return self.digest.hexdigest(), self.size

    def discard(self) -> None:
        self.out.close()
        self.temp.unlink(missing_ok=True)


def record(
    db: Any, *, platform: str, version: str, filename: str, sha256: str, size: int, notes: str, by: str
) -> ReleaseOut:
    """Add the release row (the file is already stored); refuses a second release of a version."""
    with db.write() as s:
        taken = s.scalar(select(Release.id).where(Release.platform == platform, Release.version == version))
        if taken is not None:
            raise ReleaseExists(
                f"{platform} 已有版本 {version} 的发布 (release #{taken}),请换一个版本号 "
                f"({platform} already has a release {version})"
            )
        row = Release(
            platform=platform,
            version=version,
            filename=filename,
            size=size,
            sha256=sha256,
            notes=notes,
            published_by=by,
        )
        s.add(row)
        s.flush()
        return ReleaseOut.model_validate(row)


def publish_file(
    db: Any,
    store: ReleaseStore,
    path: Path,
    *,
    version: str,
    notes: str = "",
    platform: str | None = None,
    by: str = "",
) -> ReleaseOut:
    """Publish the installer at ``path`` (the server-side command). Checks everything before storing."""
    fields = checked_fields(version=version, notes=notes, filename=path.name, platform=platform)
    if not path.is_file():
        raise ReleaseError(f"找不到文件 {path} (no such file)")

    def chunks() -> Iterable[bytes]:
        with path.open("rb") as f:
            while block := f.read(1024 * 1024):
                yield block

    sha256, size = store.put_chunks(chunks())
    return record(db, sha256=sha256, size=size, by=by, **fields)


def list_releases(db: Any, platform: str | None = None) -> list[ReleaseOut]:
    """Every release, highest version first (per platform)."""
    with db.read() as s:
        stmt = select(Release)
        if platform:
            stmt = stmt.where(Release.platform == platform)
        rows = [ReleaseOut.model_validate(r) for r in s.scalars(stmt)]
    return sorted(rows, key=lambda r: (r.platform, Version(r.version)), reverse=True)


def latest(db: Any, platform: str) -> ReleaseOut | None:
    rows = list_releases(db, check_platform(platform))
    return rows[0] if rows else None


def get(db: Any, release_id: int) -> ReleaseOut:
    with db.read() as s:
        row = s.get(Release, release_id)
        if row is None:
            raise NotFoundError(f"没有编号为 {release_id} 的发布 (no release #{release_id})")
        return ReleaseOut.model_validate(row)


def make_router(db: Any, folder: Path, caller: Callable[..., Any], admin_only: Callable[..., Any]) -> Any:
    """The release endpoints, with the app's own authentication dependencies."""
    from fastapi import APIRouter, Depends, HTTPException, Query, Request
    from fastapi import Path as PathParam
    from fastapi.responses import FileResponse
    from starlette.concurrency import run_in_threadpool

    from hoteltv.sync.protocol import API_PREFIX
    from hoteltv.sync.server.responses import errors

    store = ReleaseStore(folder)
    router = APIRouter(prefix=f"{API_PREFIX}/releases", tags=["releases"])
    CallerDep = Annotated[Any, Depends(caller)]
    AdminDep = Annotated[Any, Depends(admin_only)]

    def refuse(exc: HoteltvError) -> HTTPException:
        code = 409 if isinstance(exc, ReleaseExists) else 404 if isinstance(exc, NotFoundError) else 400
        return HTTPException(code, exc.message)

    @router.post(
        "",
        response_model=ReleaseOut,
        status_code=201,
        responses=errors(400, 401, 403, 409, 422),
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        },
    )
    async def publish(
        request: Request,
        who: AdminDep,
        version: Annotated[str, Query(min_length=1, max_length=64)],
        filename: Annotated[str, Query(min_length=1, max_length=200)],
        platform: Annotated[str | None, Query(max_length=16)] = None,
        notes: Annotated[str, Query(max_length=MAX_NOTES)] = "",
    ) -> ReleaseOut:
        """Publish an installer: the raw file is the body (admin only)."""
        try:
            fields = checked_fields(version=version, notes=notes, filename=filename, platform=platform)
            sha256, size = await store.put_stream(request.stream())
            return await run_in_threadpool(record, db, sha256=sha256, size=size, by=who.name, **fields)
        except HoteltvError as exc:
            raise refuse(exc) from exc

    @router.get("", response_model=list[ReleaseOut], responses=errors(401, 422))
    def releases(
        _who: CallerDep, platform: Annotated[str | None, Query(pattern="^(windows|linux)$")] = None
    ) -> list[ReleaseOut]:
        return list_releases(db, platform)

    @router.get("/latest", response_model=ReleaseOut, responses=errors(401, 404, 422))
    def newest(_who: CallerDep, platform: Annotated[str, Query(pattern="^(windows|linux)$")]) -> ReleaseOut:
        found = latest(db, platform)
        if found is None:
            raise HTTPException(404, f"{platform} 尚无发布 (no release for {platform} yet)")
        return found

    @router.get(
        "/{release_id}/file",
        response_class=FileResponse,
        responses={
            200: {"description": "The installer", "content": {"application/octet-stream": {}}},
            **errors(401, 404, 422),
        },
    )
    def download(release_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)], _who: CallerDep) -> FileResponse:
        try:
            found = get(db, release_id)
        except HoteltvError as exc:
            raise refuse(exc) from exc
        path = store.path(found.sha256)
        if not path.is_file():
            raise HTTPException(404, "发布文件已不在服务器上 (the release file is missing on the server)")
        return FileResponse(
            path,
            media_type="application/octet-stream",
            filename=found.filename,
            headers={"X-Hoteltv-Sha256": found.sha256},
        )

    return router
