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

import json
import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticError
from pydantic import field_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hoteltv import archive
from hoteltv.chunks import chunked
from hoteltv.db.engine import Database
from hoteltv.db.models import Photo, SyncLog
from hoteltv.domain import clock
from hoteltv.errors import HoteltvError
from hoteltv.io.files import atomic_output
from hoteltv.photos.store import PhotoStore
from hoteltv.sync import state as sync_state
from hoteltv.sync.apply import DanglingReference, apply_changes_locally
from hoteltv.sync.outbox import Collected, collect_changes
from hoteltv.sync.protocol import MAX_PHOTO_BYTES, Change, ChangeResult

FORMAT = "hoteltv-bundle/1"
MANIFEST = archive.MANIFEST
CHANGES = "changes.json"
MAX_ENTRIES = 100_000
MAX_CHANGES_BYTES = 512 * 1024 * 1024
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 8 * 1024 * 1024 * 1024
_SHA_NAME = re.compile(r"^photos/([0-9a-f]{64})$")
_DEVICE = re.compile(r"^[0-9A-Za-z_-]{1,36}$")  # protocol.DeviceId

log = logging.getLogger(__name__)


class BundleRefused(HoteltvError):
    """The bundle was refused as a whole; nothing was changed."""


class BundleManifest(archive.Manifest):
    """``manifest.json`` of a bundle; ``changes`` and ``photos`` are the counts the export wrote (checked
    against the content, as written: any other value means the manifest was edited)."""

    FORMAT = FORMAT
    ENTRIES_AS_MAP = True

    format: str = FORMAT
    device_id: str
    changes: Any = None
    photos: Any = None

    @field_validator("device_id")
    @classmethod
    def _device(cls, value: str) -> str:
        if not _DEVICE.match(value):
            raise ValueError("invalid device id in the manifest")
        return value

    def layout_problem(self) -> str | None:
        for e in self.entries:
            m = _SHA_NAME.match(e.path)
            if e.path != CHANGES and m is None:
                return f"unknown entry {e.path[:80]!r}"
            if m is not None and m.group(1) != e.sha256:
                return f"entry {e.path}: named for another hash"
        return None if any(e.path == CHANGES for e in self.entries) else "no changes.json in the bundle"


_KIND = archive.Kind(
    BundleManifest,
    "数据包",
    "bundle",
    BundleRefused,
    archive.ZipLimits(members=MAX_ENTRIES, total=MAX_TOTAL_BYTES, ratio=1000, ratio_from=16 << 20),
    lambda entry: {MANIFEST: MAX_MANIFEST_BYTES, CHANGES: MAX_CHANGES_BYTES}.get(entry, MAX_PHOTO_BYTES),
)


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


# --- export ------------------------------------------------------------------------------------------------


def _photo_hashes(db: Database, collected: Collected) -> list[str]:
    ids = [c.id for c in collected.changes if c.entity == "photos" and not c.values.get("deleted")]
    hashes: set[str] = set()
    with db.reading() as s:
        for chunk in chunked(ids, 500):
            hashes.update(s.scalars(select(Photo.sha256).where(Photo.id.in_(chunk))))
    return sorted(hashes)


def export_bundle(db: Database, store: PhotoStore, path: Path) -> BundleExport:
    """Write the unsent changes and their photos to ``path`` (atomically; a file there is replaced). The
    changes stay unsent here: the next online sync sends them again and the server recognises them (no
    duplicates). A demo data folder is refused, as its sync is: a bundle carries records to a server."""
    from hoteltv.sync.client import refuse_demo

    refuse_demo(db)
    collected = collect_changes(db)
    hashes = _photo_hashes(db, collected)
    missing = [h for h in hashes if not store.exists(h)]
    if missing:
        raise HoteltvError(
            f"{len(missing)} 张照片文件在本机缺失,未导出;请运行 hoteltv check "
            f"({len(missing)} photo files are missing here; nothing was written)"
        )
    log_id = sync_state.start_log("export", str(path))
    changes_bytes = json.dumps(
        {"device_id": db.device_id, "changes": [c.model_dump(mode="json") for c in collected.changes]},
        ensure_ascii=False,
    ).encode("utf-8")
    with atomic_output(Path(path)) as fh, archive.ArchiveWriter(fh) as out:
        out.add_bytes(changes_bytes, CHANGES)
        for sha in hashes:
            out.add_file(store.path(sha), f"photos/{sha}", zipfile.ZIP_STORED)
        out.finish(
            BundleManifest(
                device_id=db.device_id,
                created_at=clock.now().isoformat(),
                changes=len(collected.changes),
                photos=len(hashes),
                entries=tuple(out.entries),
            )
        )
    size = Path(path).stat().st_size
    result = BundleExport(
        Path(path), len(collected.changes), len(hashes), size, archive.file_sha256(Path(path))
    )
    sync_state.finish_log(
        db, log_id, True, {"changes": result.changes, "photos": result.photos, "bytes": size}, ""
    )
    return result


# --- reading and verifying ------------------------------------------------------------------------------------


def read_bundle(path: Path) -> Bundle:
    """Open and verify a bundle completely; raises :class:`BundleRefused` with the reason."""
    path = Path(path)
    with archive.open_archive(path, _KIND) as reader:
        manifest: BundleManifest = reader.manifest
        photos: dict[str, bytes] = {}
        changes_raw = b""
        for entry in manifest.entries:
            data = reader.read(entry)
            if entry.path == CHANGES:
                changes_raw = data
            else:
                photos[entry.sha256] = data
    name = path.name
    try:
        body = json.loads(changes_raw.decode("utf-8"))
        if not isinstance(body, dict) or body.get("device_id") != manifest.device_id:
            raise BundleRefused(f"{name}: changes.json 与清单的设备不符 (device mismatch)")
        if not isinstance(body.get("changes"), list):
            raise BundleRefused(f"{name}: changes.json 没有变更列表 (no list of changes)")
        changes = [Change.model_validate(c) for c in body["changes"]]
    except (UnicodeDecodeError, json.JSONDecodeError, PydanticError) as exc:
        raise BundleRefused(f"{name}: changes.json 内容无效 (invalid changes: {str(exc)[:300]})") from exc
    # The counts are written by every export: a different number means the manifest was edited.
    for key, actual in (("changes", len(changes)), ("photos", len(photos))):
        value = getattr(manifest, key)
        if value != actual or isinstance(value, bool):
            raise BundleRefused(
                f"{name}: 清单中的 {key} 数目与内容不符,文件被改动 (manifest {key} count does not match)"
            )
    return Bundle(path, manifest.device_id, manifest.created_at, changes, photos, archive.file_sha256(path))


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
    log_id = sync_state.start_log("import", str(path))
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
        log.warning("bundle %s refused whole (a dangling reference): %s", Path(path).name, exc)
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
    for r in applied.results:
        if r.status == "refused":  # a dangling reference, a value that does not fit, an unsent edit here …
            log.info("bundle %s: %s %s refused (%s): %s", Path(path).name, r.entity, r.id, r.code, r.reason)
    out = BundleImport(results=applied.results, photos=len(bundle.photos))
    sync_state.finish_log(
        db,
        log_id,
        True,
        {
            "sha256": bundle.sha256,
            "device_id": bundle.device_id,
            **{status: out.count(status) for status in ("applied", "unchanged", "conflict", "refused")},
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
            for chunk in chunked(added, 500):
                used.update(s.scalars(select(Photo.sha256).where(Photo.sha256.in_(chunk))))
    for sha in added:
        if sha not in used:
            store.remove(sha)
