"""Backups of a data folder: ``hoteltv backup FILE``, ``hoteltv restore FILE`` and the daily rotation.

A backup is an archive of :mod:`hoteltv.archive` (format ``hoteltv-backup/1``)::

    hoteltv.db                    the database, copied with SQLite's online backup API, so it is a
                                  consistent snapshot even while the program keeps writing
    settings.json                 the data folder's settings, when there are any
    photos/originals/ab/abcd…     every photo original of the store (left out of database-only backups)
    manifest.json                 format, time, program version, schema revision, device id, counts, and
                                  every entry's path, size and SHA-256

The file is written beside its final name and renamed into place after it was flushed to disk, so a
crash or a full disk never leaves half a backup under the real name. The sync token is never included
(a backup on a USB stick must not carry the key to the server).

Restoring verifies the archive (names, sizes, every entry's SHA-256) and the database's own integrity
check *before* anything in the data folder changes; a foreign, truncated or altered file is refused with a message and
the folder is left as it was. Then, in this order, so that a crash at any point leaves a usable folder:

1. the backup's photo originals are added to the store (content-addressed and immutable, so adding
   blobs never changes what an existing record shows; blobs only the current data uses stay and become
   unreferenced, for ``hoteltv check --gc``);
2. the current database and settings are put aside in ``before-restore-YYYYMMDD-HHMMSS/`` inside the
   data folder (a hard link where the file system allows it, so nothing is copied);
3. the restored database replaces the current one with one atomic rename: the commit point;
4. the restored settings take the place of the current ones.

The restored database numbers its next changes well past any number it could have used after the backup
was made (:func:`_number_past_the_backup`): the sync server remembers which change numbers of this
laptop it has taken, and would otherwise take an edit made after the restore for one it already had
(the laptop kept working and syncing after the backup) and drop it without a word.

A restore refuses to touch a database another program has open (close hoteltv first), and replaces an
existing database only when asked (``force``).

The daily rotation (:func:`ensure_daily_backup`) writes ``backups/daily-YYYYMMDD.zip`` once a day when a
data folder is opened and keeps the newest seven. Those are database-only: photo originals never change
and are never deleted except by an explicit ``check --gc``, so seven copies of them in the same folder
would cost seven times the disk and protect against nothing the originals themselves don't survive.
Restoring a database-only backup keeps the current photo store.

Functions here touch the disk for seconds and must not run on the GUI thread.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import re
import shutil
import sqlite3
import stat
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import Field

from hoteltv import __version__, archive
from hoteltv.db.meta_keys import META_LINEAGE
from hoteltv.db.revision import DB_FILENAME, stored_revision
from hoteltv.db.sqlite_copy import connect_readonly, copy_database
from hoteltv.domain import clock
from hoteltv.errors import HoteltvError
from hoteltv.io.files import FileInUseError, fsync_dir, replace_file, umask
from hoteltv.photos.store import PhotoStore
from hoteltv.sync.lineage import Lineage

FORMAT = "hoteltv-backup/1"
MANIFEST = archive.MANIFEST
DB_ENTRY = "hoteltv.db"
SETTINGS_ENTRY = "settings.json"
PHOTO_PREFIX = "photos/originals/"
DAILY_KEEP = 7
DAILY_RE = re.compile(r"^daily-(\d{8})\.zip$")
ASIDE_PREFIX = "before-restore-"
STAGING_PREFIX = ".restore-"

_FREE_MARGIN = 1 << 20
#: How far a restored database's change numbers jump past the backup's newest (and past the replaced
#: database's, when it is the same laptop's): more changes than a laptop makes between a backup and its
#: restore, and room for hundreds of restores within the server's 32-bit numbers.
RESTORE_SEQ_JUMP = 10_000_000
#: The outbox entry that holds a restored database's jump (sent already, so no sync ever collects it).
RESTORED_ENTITY = "restored"
_MAX_MANIFEST_BYTES = 100 * 1024 * 1024
_PHOTO_RE = re.compile(r"^photos/originals/([0-9a-f]{2})/([0-9a-f]{64})$")
_SQLITE_MAGIC = b"SQLite format 3\x00"

Progress = Callable[[int, int, str], "bool | None"]


class BackupError(HoteltvError):
    """A backup could not be written, or a backup file was refused; nothing was changed."""


# --- manifest -------------------------------------------------------------------------------------------


class Manifest(archive.Manifest):
    """What a backup holds (``manifest.json``)."""

    FORMAT = FORMAT

    format: str = FORMAT
    hoteltv_version: str = ""
    db_schema: str | None = Field(default=None, alias="schema")
    photos_included: bool = False
    counts: dict[str, int] = Field(default_factory=dict)

    def layout_problem(self) -> str | None:
        for e in self.entries:
            m = _PHOTO_RE.match(e.path)
            if e.path not in (DB_ENTRY, SETTINGS_ENTRY) and m is None:
                return f"unexpected entry {e.path[:80]!r}"
            if m and (m.group(2) != e.sha256 or not e.sha256.startswith(m.group(1))):
                return f"entry {e.path}: named for another hash"
        return None if any(e.path == DB_ENTRY for e in self.entries) else "it holds no database"

    @property
    def photo_entries(self) -> list[archive.Entry]:
        return [e for e in self.entries if e.path.startswith(PHOTO_PREFIX)]


# --- small file helpers -----------------------------------------------------------------------------------


def _explain(exc: OSError, zh: str, en: str) -> BackupError:
    detail = exc.strerror or str(exc)
    if getattr(exc, "winerror", None) in (32, 33):  # Windows: sharing or lock violation, not a permission
        return BackupError(
            f"文件正被其他程序占用(Excel/WPS、杀毒软件或 OneDrive 同步),{zh}失败,未做任何更改 "
            f"(a file is held open by another program — Excel/WPS, an antivirus or OneDrive: {en} failed: "
            f"{detail}; nothing was changed)"
        )
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return BackupError(f"磁盘已满,{zh}失败,未做任何更改 (disk full: {en} failed; nothing was changed)")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return BackupError(
            f"没有写入权限,{zh}失败,未做任何更改 (not writable: {en} failed: {detail}; nothing was changed)"
        )
    return BackupError(f"{zh}失败 ({en} failed: {detail}); {archive.NOTHING_CHANGED}")


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _rmtree(path: Path) -> None:
    """Remove a folder even when it holds read-only files (stored photo originals are read-only)."""
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            with contextlib.suppress(OSError):
                os.chmod(os.path.join(root, name), stat.S_IRWXU)
    shutil.rmtree(path, ignore_errors=True)


class _Mismatch(Exception):
    """A photo original's bytes are not those its name promises."""


# --- the database snapshot --------------------------------------------------------------------------------


def _snapshot_database(src: Path, dest: Path) -> None:
    """A consistent copy of a live database (SQLite online backup), read-only on the source."""
    try:
        try:
            copy_database(src, dest, immutable=False)
        except sqlite3.OperationalError:
            wal = src.with_name(src.name + "-wal")
            if os.access(src.parent, os.W_OK) or (wal.exists() and wal.stat().st_size > 0):
                raise
            # A read-only data folder (a read-only mount, a CD): SQLite cannot make its -shm file there.
            # With no WAL left to fold in, nobody can be writing, so the file is read as it is.
            _remove_database(dest)
            copy_database(src, dest, immutable=True)
    except sqlite3.DatabaseError as exc:
        if "full" in str(exc) or "disk I/O" in str(exc):
            raise BackupError(
                f"磁盘已满或无法写入,备份未写入 (disk full or not writable: {exc}; no backup was written)"
            ) from exc
        raise BackupError(f"{src}: 数据库无法复制 (the database cannot be copied: {exc})") from exc


def _database_facts(path: Path) -> tuple[str | None, str | None, dict[str, int], set[str]]:
    """Schema revision, device id, record counts and the photo hashes live records use."""
    with contextlib.closing(connect_readonly(path)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}

        def one(sql: str) -> Any:
            row = conn.execute(sql).fetchone()
            return None if row is None else row[0]

        schema = stored_revision(conn)
        device = one("SELECT value FROM meta WHERE key='device_id'") if "meta" in tables else None
        counts: dict[str, int] = {}
        for table in ("hotels", "inspections", "photos", "rectification_notices"):
            if table in tables:
                counts[table] = int(one(f"SELECT count(*) FROM {table} WHERE deleted = 0") or 0)
        shas: set[str] = set()
        if "photos" in tables:
            shas = {r[0] for r in conn.execute("SELECT DISTINCT sha256 FROM photos WHERE deleted = 0")}
        return schema, device, counts, shas


# --- writing a backup -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupReport:
    """A written backup: where, what it holds, and photos that could not be included (with why)."""

    path: Path
    manifest: Manifest
    byte_size: int
    problems: tuple[str, ...] = ()


def create_backup(
    home: Path, dest: Path, *, include_photos: bool = True, progress: Progress | None = None
) -> BackupReport:
    """Write a backup of the data folder ``home`` to ``dest`` (a ``.zip``), atomically.

    Raises :class:`BackupError` when there is no database, the destination cannot be written (disk full,
    read-only) or ``progress`` returned False (cancelled); ``dest`` is then left as it was. Photos whose
    original is missing or no longer matches its hash are left out and listed in ``problems``.
    """
    home, dest = Path(home), Path(dest)
    db_path = home / DB_FILENAME
    if not db_path.is_file():
        raise BackupError(
            f"{home}: 没有数据库,无需备份 (no database in this data folder; nothing to back up)"
        )
    try:
        if dest.resolve().is_relative_to((home / "photos").resolve()):
            raise BackupError(
                f"{dest}: 不能把备份写进照片库 (a backup cannot be written into the photo store)"
            )
        dest.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_parts(dest.parent, f".{glob.escape(dest.name)}.*.part*")
        fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    except OSError as exc:
        raise _explain(exc, f"写入备份 {dest}", f"writing the backup {dest}") from exc
    tmp = Path(tmp_name)
    snapshot = tmp.with_name(tmp.name[: -len(".part")] + ".db.part")
    problems: list[str] = []
    try:
        with os.fdopen(fd, "w+b") as raw:
            _snapshot_database(db_path, snapshot)
            schema, device, counts, used = _database_facts(snapshot)
            store = PhotoStore.for_home(home)
            blobs = [(sha, store.path(sha)) for sha in sorted(store.blobs())] if include_photos else []
            total = 1 + len(blobs)
            created = datetime.now(UTC)
            local = clock.bureau_time(created)
            stamp = (local.year, local.month, local.day, local.hour, local.minute, local.second)
            with archive.ArchiveWriter(raw, stamp) as out:

                def add(path: Path, arcname: str, compress: int, expect: str | None = None) -> None:
                    if expect is not None and archive.file_sha256(path) != expect:
                        raise _Mismatch(expect)  # checked before: a zip entry cannot be taken back
                    written = out.add_file(path, arcname, compress)
                    if expect is not None and written.sha256 != expect:
                        raise BackupError(
                            f"照片 {expect[:16]}… 在备份时被改动,请重试 (a photo changed meanwhile; try again)"
                        )

                _tick(progress, 0, total, DB_ENTRY)
                add(snapshot, DB_ENTRY, zipfile.ZIP_DEFLATED)
                _remove_database(snapshot)
                settings = home / "settings.json"
                if settings.is_file():
                    add(settings, SETTINGS_ENTRY, zipfile.ZIP_DEFLATED)
                stored: set[str] = set()
                for i, (sha, path) in enumerate(blobs, start=1):
                    _tick(progress, i, total, sha[:12])
                    try:
                        # JPEG/HEIC do not compress; storing them keeps a backup fast.
                        add(path, f"{PHOTO_PREFIX}{sha[:2]}/{sha}", zipfile.ZIP_STORED, expect=sha)
                        stored.add(sha)
                    except _Mismatch:
                        problems.append(
                            f"照片 {sha[:16]}… 内容与校验值不符,未备份 (damaged original left out)"
                        )
                    except FileNotFoundError:
                        continue  # removed by a garbage collection meanwhile
                if include_photos:
                    for sha in sorted(used - stored):
                        if not any(p.startswith(f"照片 {sha[:16]}") for p in problems):
                            problems.append(
                                f"照片 {sha[:16]}… 缺失,未备份 (missing original, not in the backup)"
                            )
                manifest = Manifest(
                    created_at=created.isoformat(timespec="seconds"),
                    hoteltv_version=__version__,
                    schema=schema,
                    device_id=device,
                    photos_included=include_photos,
                    entries=tuple(out.entries),
                    counts=counts,
                )
                out.finish(manifest)
            raw.flush()
            os.fsync(raw.fileno())
        _tick(progress, total, total, "")
        os.chmod(tmp, 0o644 & ~umask())
        replace_file(tmp, dest)
        fsync_dir(dest.parent)
    except OSError as exc:
        raise _explain(exc, f"写入备份 {dest.name}", f"writing the backup {dest.name}") from exc
    except FileInUseError as exc:
        raise BackupError(f"{exc.message}; 备份未写入 (no backup was written)") from exc
    except sqlite3.Error as exc:  # the snapshot could not be read back
        raise BackupError(
            f"{db_path}: 数据库无法读取,备份未写入 (the database cannot be read: {exc}; "
            "no backup was written)"
        ) from exc
    finally:  # after success only leftovers of the snapshot remain: the archive was renamed into place
        _remove(tmp)
        _remove_database(snapshot)
    return BackupReport(dest, manifest, dest.stat().st_size, tuple(problems))


def _remove_database(path: Path) -> None:
    """A database file and the journal, WAL and shared-memory files SQLite may have left beside it."""
    for file in (path, *(path.with_name(path.name + x) for x in ("-journal", "-wal", "-shm"))):
        _remove(file)


def _tick(progress: Progress | None, done: int, total: int, text: str) -> None:
    if progress is not None and progress(done, total, text) is False:
        raise BackupError("已取消,未做任何更改 (cancelled; nothing was changed)")


# --- reading and verifying --------------------------------------------------------------------------------

_KIND = archive.Kind(
    Manifest,
    "备份文件",
    "backup",
    BackupError,
    # Photos are stored, the database deflates a few times: only a run of zeros inflates 1000-fold.
    archive.ZipLimits(members=10_000_000, total=1 << 44, ratio=1000, ratio_from=16 << 20),
    lambda entry: _MAX_MANIFEST_BYTES if entry == MANIFEST else 1 << 44,
)


def verify_backup(path: Path, progress: Progress | None = None) -> Manifest:
    """Check every entry of a backup against its manifest (size and SHA-256); returns the manifest.

    Raises :class:`BackupError` naming the first problem. Writes nothing.
    """
    with archive.open_archive(Path(path), _KIND) as reader:
        reader.verify(lambda done, total, text: _tick(progress, done, total, text))
        _tick(progress, len(reader.manifest.entries), len(reader.manifest.entries), "")
    return reader.manifest


# --- restoring --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreReport:
    """What a restore did."""

    manifest: Manifest
    aside: Path | None  # where the previous database and settings were put (None: there were none)
    photos_added: int
    photos_missing: tuple[str, ...]  # hashes the restored records use that are in neither backup nor store
    device_changed: bool  # the restored database belongs to another device than the one it replaced


def _schema_problem(path: Path, name: str) -> None:
    """Refuse a staged database that is damaged or newer than this program."""
    with path.open("rb") as fh:
        if fh.read(16) != _SQLITE_MAGIC:
            raise _KIND.refuse(
                name, "备份中的数据库不是 SQLite 文件", "the database in the backup is not SQLite"
            )
    try:
        with contextlib.closing(connect_readonly(path)) as conn:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            revision = stored_revision(conn)
    except sqlite3.DatabaseError as exc:
        raise _KIND.refuse(
            name, "备份中的数据库已损坏", f"the database in the backup is damaged: {exc}"
        ) from exc
    if result != ["ok"]:
        raise _KIND.refuse(
            name,
            "备份中的数据库未通过完整性检查",
            f"the database in the backup fails its integrity check: {'; '.join(result[:3])}",
        )
    if revision is None:
        raise _KIND.refuse(
            name, "备份中的数据库不是 hoteltv 数据库", "the database in the backup is not a hoteltv database"
        )
    from hoteltv.db.engine import known_revisions  # Alembic only when a backup is restored

    if revision not in known_revisions():
        raise _KIND.refuse(
            name,
            f"此备份由更新版本的 hoteltv 创建 (schema {revision}),请升级程序后再恢复",
            "written by a newer hoteltv; upgrade this program first",
        )


def _quiesce(db_path: Path) -> None:
    """Fold the current database's WAL into it and make sure no other program has it open."""
    try:
        with contextlib.closing(sqlite3.connect(str(db_path), timeout=2, isolation_level=None)) as conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise _in_use(db_path) from exc
        return  # unreadable (damaged, read-only …): it is put aside as it is
    except sqlite3.DatabaseError:
        return  # a damaged database is exactly what a restore replaces
    for suffix in ("-wal", "-shm"):
        # SQLite removes both when its last connection closes: if they are still here, someone else has
        # the database open and would go on writing into the file we are about to put aside.
        if db_path.with_name(db_path.name + suffix).exists():
            raise _in_use(db_path)


def _in_use(db_path: Path) -> BackupError:
    return BackupError(
        f"{db_path}: 数据库正被其他程序使用,请先关闭 hoteltv 再恢复 (the database is open in another program; "
        f"close hoteltv first); {archive.NOTHING_CHANGED}"
    )


def _clean_staging(home: Path) -> None:
    """Remove the staging folders of restores that were interrupted (never holding the only copy)."""
    with contextlib.suppress(OSError):
        for entry in home.iterdir():
            if entry.name.startswith(STAGING_PREFIX) and entry.is_dir():
                _rmtree(entry)


def restore_backup(
    home: Path, path: Path, *, force: bool = False, progress: Progress | None = None
) -> RestoreReport:
    """Restore the backup ``path`` into the data folder ``home`` (see the module docstring for the steps).

    Raises :class:`BackupError`, with the folder unchanged, when the file is not a hoteltv backup, is
    truncated or altered, holds a damaged database or one newer than this program, when the folder
    already holds a database and ``force`` is False, or when another program has that database open.
    """
    home, path = Path(home), Path(path)
    name = path.name
    db_path = home / DB_FILENAME
    with archive.open_archive(path, _KIND) as reader:
        manifest = reader.manifest
        if db_path.exists() and not force:
            raise BackupError(
                f"{home} 中已有数据;加 --force 恢复(当前数据会移到 {ASIDE_PREFIX}… 文件夹保留) "
                f"(the data folder already holds a database; add --force to restore, the current data is moved "
                f"aside into {home / (ASIDE_PREFIX + '…')}); {archive.NOTHING_CHANGED}"
            )
        try:
            home.mkdir(parents=True, exist_ok=True)
            _clean_staging(home)
            free = shutil.disk_usage(home).free
            if manifest.total_bytes + _FREE_MARGIN > free:
                raise BackupError(
                    f"磁盘空间不足:恢复需要 {manifest.total_bytes / 1e6:.0f} MB,只剩 {free / 1e6:.0f} MB "
                    f"(not enough disk space to restore); {archive.NOTHING_CHANGED}"
                )
            staging = Path(tempfile.mkdtemp(dir=home, prefix=STAGING_PREFIX))
        except OSError as exc:
            raise _explain(exc, f"恢复到 {home}", f"restoring into {home}") from exc
        try:
            total = len(manifest.entries)
            staged_blobs: list[tuple[str, Path]] = []
            for i, entry in enumerate(manifest.entries):
                _tick(progress, i, total, entry.path)
                target = staging / entry.path
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("wb") as out:
                    reader.copy(entry, out)
                    out.flush()
                    os.fsync(out.fileno())
                if entry.path.startswith(PHOTO_PREFIX):
                    staged_blobs.append((entry.sha256, target))
            _schema_problem(staging / DB_ENTRY, name)
            if db_path.exists():
                _quiesce(db_path)
            _, new_device, _, used = _database_facts(staging / DB_ENTRY)
            old_device = _device_of(db_path)
            _number_past_the_backup(staging / DB_ENTRY, db_path if old_device == new_device else None)
            added = _add_blobs(home, staged_blobs)
            aside = _put_aside(home, db_path)
            replace_file(staging / DB_ENTRY, db_path)  # the commit point
            fsync_dir(home)
        except OSError as exc:
            raise _explain(exc, f"恢复到 {home}", f"restoring into {home}") from exc
        except FileInUseError as exc:
            raise BackupError(f"{exc.message}; {archive.NOTHING_CHANGED}") from exc
        except sqlite3.Error as exc:
            raise _KIND.damaged(name, exc) from exc
        else:
            settings = home / "settings.json"
            with contextlib.suppress(OSError, FileInUseError):  # the records are back; settings have defaults
                if (staging / SETTINGS_ENTRY).exists():
                    replace_file(staging / SETTINGS_ENTRY, settings)
                elif aside is not None:
                    settings.unlink(missing_ok=True)
                fsync_dir(home)
            if progress is not None:
                progress(total, total, "")
        finally:
            _rmtree(staging)
    originals = home / "photos" / "originals"
    missing = tuple(sorted(sha for sha in used if not (originals / sha[:2] / sha).is_file()))
    return RestoreReport(
        manifest,
        aside,
        added,
        missing,
        device_changed=old_device is not None and new_device is not None and old_device != new_device,
    )


def _newest_change(path: Path) -> int:
    with contextlib.closing(connect_readonly(path)) as conn:
        return int(conn.execute("SELECT coalesce(max(seq), 0) FROM outbox").fetchone()[0])


def _number_past_the_backup(staged: Path, replaced: Path | None) -> None:
    """Make the staged database number its next changes :data:`RESTORE_SEQ_JUMP` past its newest (and past
    ``replaced``'s, the same laptop's database it replaces): an outbox entry marked sent at that number
    (the outbox numbers its entries from the highest one there is). The jump is taken once per restore;
    the entry is never collected (its entity names no table) and never sent. The database is also marked to
    take over the device lineage the server holds at its next sync (:mod:`hoteltv.sync.lineage`)."""
    newest = _newest_change(staged)
    if replaced is not None:
        with contextlib.suppress(sqlite3.Error):
            newest = max(newest, _newest_change(replaced))
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    with contextlib.closing(sqlite3.connect(staged)) as conn, conn:
        conn.execute(
            "INSERT INTO outbox (seq, entity, entity_id, version, at, fields, base, sent_at) "
            "VALUES (?, ?, '', 0, ?, '[]', '{}', ?)",
            (newest + RESTORE_SEQ_JUMP, RESTORED_ENTITY, stamp, stamp),
        )
        # The backup is this laptop's: its next sync takes over the device lineage the server holds
        # (see hoteltv.sync.lineage), which a sync after the backup moved past the tokens kept in it.
        with contextlib.suppress(sqlite3.OperationalError):  # a database too old to have a meta table
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                (META_LINEAGE, Lineage(adopt=True).dumps()),
            )
    with open(staged, "rb+") as fh:
        os.fsync(fh.fileno())


def _device_of(db_path: Path) -> str | None:
    if not db_path.is_file():
        return None
    try:
        return _database_facts(db_path)[1]
    except sqlite3.Error:
        return None


def _add_blobs(home: Path, staged: list[tuple[str, Path]]) -> int:
    """Move verified originals into the store where it lacks them (or holds a damaged copy)."""
    originals = home / "photos" / "originals"
    added = 0
    touched: set[Path] = set()
    for sha, src in staged:
        target = originals / sha[:2] / sha
        try:
            if target.stat().st_size == src.stat().st_size:
                os.utime(target)  # keep a running garbage collection off it
                continue
        except FileNotFoundError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(src, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        if target.exists():  # a damaged blob of the wrong size: the verified one replaces it
            with contextlib.suppress(OSError):
                os.chmod(target, stat.S_IRUSR | stat.S_IWUSR)
        replace_file(src, target)
        touched.add(target.parent)
        added += 1
    for folder in touched:
        fsync_dir(folder)
    return added


def _put_aside(home: Path, db_path: Path) -> Path | None:
    """Keep the current database and settings in ``before-restore-…/`` (hard links where possible)."""
    if not db_path.exists():
        return None
    aside = home / f"{ASIDE_PREFIX}{datetime.now():%Y%m%d-%H%M%S}"
    n = 1
    while aside.exists():
        n += 1
        aside = home / f"{ASIDE_PREFIX}{datetime.now():%Y%m%d-%H%M%S}-{n}"
    aside.mkdir()
    _link_or_copy(db_path, aside / DB_FILENAME)
    for suffix in ("-wal", "-shm"):  # only left by a damaged database _quiesce could not open
        side = db_path.with_name(db_path.name + suffix)
        if side.exists():
            os.replace(side, aside / side.name)
    settings = home / "settings.json"
    if settings.exists():
        shutil.copy2(settings, aside / "settings.json")
    fsync_dir(aside)
    return aside


def _link_or_copy(src: Path, dest: Path) -> None:
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)
        with open(dest, "rb") as fh:
            os.fsync(fh.fileno())


# --- the daily rotation -----------------------------------------------------------------------------------


def daily_backups(home: Path) -> list[Path]:
    """The daily backups of a data folder, oldest first."""
    folder = Path(home) / "backups"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if DAILY_RE.match(p.name) and p.is_file())


def ensure_daily_backup(home: Path, keep: int = DAILY_KEEP, *, today: date | None = None) -> Path | None:
    """Write today's ``backups/daily-YYYYMMDD.zip`` (database and settings) unless it exists; keep the
    newest ``keep`` daily backups. Returns the new file, or None when there was nothing to do.

    Call it when a data folder has been opened (the CLI's and the GUI's start-up), off the GUI thread; it
    takes well under a second for a typical database. Raises :class:`BackupError` (disk full, read-only
    folder): show it as a warning, it must not stop the program from starting.
    """
    home = Path(home)
    if not (home / DB_FILENAME).is_file():
        return None
    day = today or date.today()
    folder = home / "backups"
    target = folder / f"daily-{day:%Y%m%d}.zip"
    made: Path | None = None
    if not target.exists():
        create_backup(home, target, include_photos=False)
        made = target
    for old in daily_backups(home)[: -max(1, keep)]:
        _remove(old)
    _remove_stale_parts(folder)
    return made


def _remove_stale_parts(folder: Path, pattern: str = ".daily-*.part*", older_than: float = 3600.0) -> None:
    """Temporary files of backups a crash interrupted (old enough not to be in progress)."""
    now = time.time()
    with contextlib.suppress(OSError):
        for part in folder.glob(pattern):
            with contextlib.suppress(OSError):
                if now - part.stat().st_mtime >= older_than:
                    part.unlink()
