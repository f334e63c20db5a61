"""Bundle files: the unsent changes and their photos in one zip, for sites with no network (USB stick).

Layout (``hoteltv-bundle/1``)::

    manifest.json        format, origin device, time, and for every other entry its size and SHA-256
    changes.json         {"device_id": …, "changes": [Change, …]}  (the same change sets a push sends)
    photos/<sha256>      each photo file the changes use, named by its own hash

Import checks the whole file before it changes anything: a zip that cannot be read (truncated, damaged),
an entry whose bytes do not hash to the manifest's value, an entry missing or not listed, a name that
tries to leave the folder (``..``, absolute paths, drive letters, backslashes), duplicate names or sizes
over the limits refuse the whole bundle with the reason. A valid bundle is then applied with the same
idempotency and conflict rules as a sync: on a laptop (:func:`import_local`), through the HTTP API on
behalf of the device that wrote it (``hoteltv bundle import FILE --server URL``), or straight into a
server database (:func:`import_to_server`). The manifest protects against damage and tampering in
transit, not against a forger who rewrites the manifest too: who may apply a bundle is decided by the
account that imports it.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hoteltv.db.engine import Database
from hoteltv.db.models import Photo, SyncLog
from hoteltv.domain import clock
from hoteltv.errors import HoteltvError
from hoteltv.io.files import atomic_output
from hoteltv.photos.store import PhotoStore
from hoteltv.sync import state as sync_state
from hoteltv.sync.changes import Collected, DanglingReference, apply_changes_locally, collect_changes
from hoteltv.sync.protocol import MAX_PHOTO_BYTES, Change, ChangeResult

FORMAT = "hoteltv-bundle/1"
MANIFEST = "manifest.json"
CHANGES = "changes.json"
MAX_ENTRIES = 100_000
MAX_CHANGES_BYTES = 512 * 1024 * 1024
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
_SHA_NAME = re.compile(r"^photos/([0-9a-f]{64})$")
_DEVICE = re.compile(r"^[0-9A-Za-z_-]{1,36}$")  # protocol.DeviceId


class BundleRefused(HoteltvError):
    """The bundle was refused as a whole; nothing was changed."""


@dataclass(frozen=True)
class BundleExport:
    path: Path
    changes: int
    photos: int
    bytes: int
    sha256: str


@dataclass
class Bundle:
    """A bundle read and verified in full (nothing applied yet)."""

    path: Path
    device_id: str
    created_at: str
    changes: list[Change]
    photos: dict[str, bytes]
    sha256: str


@dataclass
class BundleImport:
    results: list[ChangeResult] = field(default_factory=list)
    photos: int = 0
    already: bool = False

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


def _file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


# --- export ------------------------------------------------------------------------------------------------


def _photo_hashes(db: Database, collected: Collected) -> list[str]:
    ids = [c.id for c in collected.changes if c.entity == "photos" and not c.values.get("deleted")]
    hashes: set[str] = set()
    with db.reading() as s:
        for i in range(0, len(ids), 500):
            hashes.update(s.scalars(select(Photo.sha256).where(Photo.id.in_(ids[i : i + 500]))))
    return sorted(hashes)


def export_bundle(db: Database, store: PhotoStore, path: Path) -> BundleExport:
    """Write the unsent changes and their photos to ``path`` (atomically). The changes stay unsent here:
    the next online sync sends them again and the server recognises them (no duplicates)."""
    collected = collect_changes(db)
    hashes = _photo_hashes(db, collected)
    missing = [h for h in hashes if not store.exists(h)]
    if missing:
        raise HoteltvError(
            f"{len(missing)} 张照片文件在本机缺失,未导出;请运行 hoteltv check "
            f"({len(missing)} photo files are missing here; nothing was written)"
        )
    log_id = sync_state.start_log(db, "export", str(path))
    changes_bytes = json.dumps(
        {"device_id": db.device_id, "changes": [c.model_dump(mode="json") for c in collected.changes]},
        ensure_ascii=False,
    ).encode("utf-8")
    entries: dict[str, dict[str, Any]] = {
        CHANGES: {"sha256": hashlib.sha256(changes_bytes).hexdigest(), "size": len(changes_bytes)}
    }
    for sha in hashes:
        entries[f"photos/{sha}"] = {"sha256": sha, "size": store.size(sha) or 0}
    manifest = {
        "format": FORMAT,
        "device_id": db.device_id,
        "created_at": clock.now().isoformat(),
        "changes": len(collected.changes),
        "photos": len(hashes),
        "entries": entries,
    }
    with atomic_output(Path(path)) as fh, zipfile.ZipFile(fh, "w") as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1), zipfile.ZIP_DEFLATED)
        zf.writestr(CHANGES, changes_bytes, zipfile.ZIP_DEFLATED)
        for sha in hashes:
            zf.write(store.path(sha), f"photos/{sha}", zipfile.ZIP_STORED)
    size = Path(path).stat().st_size
    result = BundleExport(Path(path), len(collected.changes), len(hashes), size, _file_sha(Path(path)))
    sync_state.finish_log(
        db, log_id, True, {"changes": result.changes, "photos": result.photos, "bytes": size}, ""
    )
    return result


# --- reading and verifying ------------------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    if not name or len(name) > 200 or "\\" in name or "\x00" in name:
        return False
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    if info.file_size > limit:
        raise BundleRefused(f"{info.filename}: 条目过大 (entry larger than {limit} bytes)")
    with zf.open(info) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise BundleRefused(f"{info.filename}: 条目过大 (entry larger than {limit} bytes)")
    return data


def read_bundle(path: Path) -> Bundle:
    """Open and verify a bundle completely; raises :class:`BundleRefused` with the reason."""
    path = Path(path)
    name = path.name
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BundleRefused(f"{name}: 文件不存在 (no such file)") from None
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BundleRefused(
            f"{name}: 文件已损坏或不完整,未导入任何内容 (damaged or truncated bundle: {exc})"
        ) from exc
    try:
        with zf:
            return _verify(zf, path)
    except BundleRefused:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, zlib.error) as exc:
        # zlib.error: compressed data damaged in a way the zip's own checks did not notice first.
        raise BundleRefused(f"{name}: 文件已损坏,未导入任何内容 (damaged bundle: {exc})") from exc


def _verify(zf: zipfile.ZipFile, path: Path) -> Bundle:
    name = path.name
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise BundleRefused(f"{name}: 条目过多 (more than {MAX_ENTRIES} entries)")
    seen: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if not _safe_name(info.filename):
            raise BundleRefused(
                f"{name}: 含有不安全的路径 {info.filename!r},整个文件被拒绝 (unsafe entry name; bundle refused)"
            )
        if info.filename in seen:
            raise BundleRefused(f"{name}: 条目重复 {info.filename!r} (duplicate entry)")
        if info.flag_bits & 0x1:
            raise BundleRefused(f"{name}: 条目 {info.filename!r} 已加密,无法读取 (encrypted entry; refused)")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise BundleRefused(
                f"{name}: 条目 {info.filename!r} 的压缩方式不受支持 "
                f"(compression method {info.compress_type} not used by hoteltv; refused)"
            )
        seen[info.filename] = info
    if MANIFEST not in seen:
        raise BundleRefused(f"{name}: 不是 hoteltv 数据包(缺少 manifest.json)(not a hoteltv bundle)")
    try:
        manifest = json.loads(_read(zf, seen[MANIFEST], MAX_MANIFEST_BYTES).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleRefused(f"{name}: manifest.json 无法解析 (unreadable manifest: {exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleRefused(f"{name}: 不支持的数据包格式 (not a {FORMAT} bundle)")
    entries = manifest.get("entries")
    device_id = manifest.get("device_id")
    if not isinstance(entries, dict) or not isinstance(device_id, str) or not device_id:
        raise BundleRefused(f"{name}: manifest.json 内容不完整 (manifest lacks entries or device)")
    if not _DEVICE.match(device_id):
        raise BundleRefused(f"{name}: manifest.json 的设备编号无效 (invalid device id in the manifest)")
    listed = set(entries)
    present = set(seen) - {MANIFEST}
    if present - listed:
        raise BundleRefused(
            f"{name}: 含有清单外的条目 {sorted(present - listed)[:3]} (entries not in the manifest; refused)"
        )
    if listed - present:
        raise BundleRefused(
            f"{name}: 缺少条目 {sorted(listed - present)[:3]},文件不完整 (entries missing: truncated bundle)"
        )
    if CHANGES not in listed:
        raise BundleRefused(f"{name}: 缺少 changes.json (no changes in bundle)")
    photos: dict[str, bytes] = {}
    changes_raw = b""
    for entry, meta in entries.items():
        if not isinstance(meta, dict) or not isinstance(meta.get("sha256"), str):
            raise BundleRefused(f"{name}: 清单条目 {entry!r} 无校验值 (manifest entry without SHA-256)")
        info = seen[entry]
        m = _SHA_NAME.match(entry)
        if entry != CHANGES and m is None:
            raise BundleRefused(f"{name}: 未知条目 {entry!r} (unknown entry)")
        limit = MAX_CHANGES_BYTES if entry == CHANGES else MAX_PHOTO_BYTES
        if meta.get("size") != info.file_size:
            raise BundleRefused(
                f"{name}: {entry} 大小与清单不符,文件被改动或不完整 (size differs from manifest)"
            )
        data = _read(zf, info, limit)
        digest = hashlib.sha256(data).hexdigest()
        if digest != meta["sha256"] or (m is not None and digest != m.group(1)):
            raise BundleRefused(
                f"{name}: {entry} 的内容与校验值不符,文件被改动或损坏,未导入任何内容 "
                f"(content does not match its SHA-256: tampered or damaged; nothing imported)"
            )
        if entry == CHANGES:
            changes_raw = data
        else:
            photos[digest] = data
    try:
        body = json.loads(changes_raw.decode("utf-8"))
        if not isinstance(body, dict) or body.get("device_id") != device_id:
            raise BundleRefused(f"{name}: changes.json 与清单的设备不符 (device mismatch)")
        if not isinstance(body.get("changes"), list):
            raise BundleRefused(f"{name}: changes.json 没有变更列表 (no list of changes)")
        changes = [Change.model_validate(c) for c in body["changes"]]
    except (UnicodeDecodeError, json.JSONDecodeError, PydanticError) as exc:
        raise BundleRefused(f"{name}: changes.json 内容无效 (invalid changes: {str(exc)[:300]})") from exc
    # The counts are written by every export: a different number means the manifest was edited.
    for key, actual in (("changes", len(changes)), ("photos", len(photos))):
        if manifest.get(key) != actual or isinstance(manifest.get(key), bool):
            raise BundleRefused(
                f"{name}: 清单中的 {key} 数目与内容不符,文件被改动 (manifest {key} count does not match)"
            )
    return Bundle(path, device_id, str(manifest.get("created_at", "")), changes, photos, _file_sha(path))


# --- importing --------------------------------------------------------------------------------------------------


def import_local(db: Database, store: PhotoStore, path: Path) -> BundleImport:
    """Verify a bundle, then apply it to this laptop's database (one transaction) and photo store."""
    bundle = read_bundle(path)
    with db.reading() as s:
        for row in s.scalars(select(SyncLog).where(SyncLog.kind == "import", SyncLog.ok.is_(True))):
            if (row.summary or {}).get("sha256") == bundle.sha256:
                return BundleImport(already=True)
    if bundle.device_id == db.device_id:
        raise BundleRefused(
            f"{Path(path).name}: 这是本机导出的数据包,无需导入 (this bundle was written by this computer)"
        )
    log_id = sync_state.start_log(db, "import", str(path))
    # Blobs first: a crash after this leaves only unused files (collected by 'hoteltv check --gc'),
    # never a record pointing at a missing photo. Files this import added and no record uses in the end
    # (the import refused, or their photo records were) are taken away again.
    added = [sha for sha in bundle.photos if not store.exists(sha)]
    for sha, data in bundle.photos.items():
        store.put_bytes(data, sha)
    try:
        applied = apply_changes_locally(db, bundle.changes, bundle.device_id)
    except (DanglingReference, IntegrityError) as exc:
        _remove_unused(db, store, added, keep=False)
        raise BundleRefused(
            f"{Path(path).name}: 数据包中的记录引用了本机和数据包里都没有的记录,未导入任何内容 "
            f"(records refer to records that are neither here nor in the bundle; nothing imported: "
            f"{str(exc)[:300]})"
        ) from exc
    except Exception as exc:
        _remove_unused(db, store, added, keep=False)
        sync_state.finish_log(db, log_id, False, {"sha256": bundle.sha256}, str(exc))
        raise
    _remove_unused(db, store, added, keep=True)
    out = BundleImport(results=applied.results, photos=len(bundle.photos))
    sync_state.finish_log(
        db,
        log_id,
        True,
        {
            "sha256": bundle.sha256,
            "device_id": bundle.device_id,
            "applied": out.count("applied"),
            "unchanged": out.count("unchanged"),
            "conflict": out.count("conflict"),
            "refused": out.count("refused"),
            "photos": out.photos,
        },
        "",
    )
    return out


def _remove_unused(db: Database, store: PhotoStore, added: list[str], *, keep: bool) -> None:
    """Remove the photo files an import added: all of them (``keep`` False), or those no photo record
    here uses (``keep`` True)."""
    used: set[str] = set()
    if keep:
        with db.reading() as s:
            for i in range(0, len(added), 500):
                used.update(s.scalars(select(Photo.sha256).where(Photo.sha256.in_(added[i : i + 500]))))
    for sha in added:
        if sha not in used:
            store.remove(sha)
