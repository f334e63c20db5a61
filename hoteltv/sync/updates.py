"""A laptop learns of a newer hoteltv from its sync server, and downloads it checked against its SHA-256.

After a successful sync, :func:`check_for_update` asks the server for the newest release of this
platform (``GET /api/v1/releases/latest``) and returns it when its version is higher than
``hoteltv.__version__``. :func:`download_update` saves the installer in the user's Downloads folder
(else Documents, else the home folder) and keeps it only when its SHA-256 matches what the server
published. Nothing here runs the installer: the user does that.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from packaging.version import InvalidVersion, Version

from hoteltv import __version__
from hoteltv.errors import HoteltvError
from hoteltv.sync.protocol import API_PREFIX

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UpdateInfo:
    """A newer release on the server."""

    id: int
    version: str
    platform: str
    filename: str
    size: int
    sha256: str
    notes: str


class UpdateError(HoteltvError):
    """The update could not be downloaded or did not check out (nothing was kept)."""


def this_platform() -> str | None:
    """``windows`` or ``linux`` (the platforms releases are published for); None elsewhere."""
    if sys.platform == "win32":
        return "windows"
    if sys.platform.startswith("linux"):
        return "linux"
    return None


def is_newer(candidate: str, current: str = __version__) -> bool:
    try:
        return Version(candidate) > Version(current)
    except InvalidVersion:
        return False


def check_for_update(
    http: httpx.Client, *, platform: str | None = None, current: str = __version__
) -> UpdateInfo | None:
    """The server's newest release for this platform if it is newer than ``current``; None when there
    is none, it is not newer, or the server does not publish releases (an older server: 404)."""
    platform = platform or this_platform()
    if platform is None:
        return None
    response = http.get(f"{API_PREFIX}/releases/latest", params={"platform": platform})
    if response.status_code == 404:
        return None
    response.raise_for_status()
    data = response.json()
    if not is_newer(str(data.get("version", "")), current):
        return None
    return UpdateInfo(
        id=int(data["id"]),
        version=str(data["version"]),
        platform=str(data["platform"]),
        filename=str(data["filename"]),
        size=int(data["size"]),
        sha256=str(data["sha256"]).lower(),
        notes=str(data.get("notes") or ""),
    )


def try_check_for_update(
    http: httpx.Client, *, platform: str | None = None, current: str = __version__
) -> UpdateInfo | None:
    """:func:`check_for_update` for after a sync: any failure is logged, never raised (the sync itself
    succeeded; a missing update notice must not turn it into an error)."""
    try:
        return check_for_update(http, platform=platform, current=current)
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        log.info("update check failed: %s", exc)
        return None


def downloads_folder() -> Path:
    """The user's Downloads folder, else Documents, else the home folder."""
    from platformdirs import user_documents_dir, user_downloads_dir

    for folder in (user_downloads_dir(), user_documents_dir()):
        path = Path(folder)
        if path.is_dir():
            return path
    return Path.home()


def _safe_name(name: str) -> str:
    cleaned = "".join(c for c in Path(name).name if c not in '\\/:*?"<>|' and ord(c) >= 32).strip(" .")
    return cleaned or "hoteltv-update"


def download_update(
    http: httpx.Client,
    info: UpdateInfo,
    folder: Path | None = None,
    progress: Callable[[int, int, str], object] | None = None,
) -> Path:
    """Download the release into ``folder`` (default :func:`downloads_folder`) and return its path.

    The file is written under a temporary name and kept only when its size and SHA-256 match the
    server's; a mismatch deletes it and raises :class:`UpdateError`."""
    folder = folder or downloads_folder()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / _safe_name(info.filename)
    part = target.with_name(target.name + ".part")
    digest, size = hashlib.sha256(), 0
    try:
        with http.stream("GET", f"{API_PREFIX}/releases/{info.id}/file") as response:
            if response.status_code >= 400:
                raise UpdateError(
                    f"下载新版本失败:服务器答复 {response.status_code} (download failed: HTTP {response.status_code})"
                )
            with part.open("wb") as out:
                for chunk in response.iter_bytes(1024 * 1024):
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    if progress is not None:
                        progress(size, max(info.size, size), info.filename)
                out.flush()
                os.fsync(out.fileno())
        if size != info.size or digest.hexdigest() != info.sha256:
            raise UpdateError(
                "下载的安装文件校验不符,已删除;请重新下载或联系管理员 "
                f"(the downloaded file does not match its SHA-256 and was deleted: got {digest.hexdigest()[:12]}…, "
                f"expected {info.sha256[:12]}…)"
            )
        os.replace(part, target)
    except httpx.HTTPError as exc:
        raise UpdateError(f"下载新版本失败,请稍后再试 (download failed: {exc})") from exc
    finally:
        part.unlink(missing_ok=True)  # already gone when the download was kept
    return target
