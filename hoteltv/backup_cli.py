"""``hoteltv backup FILE`` and ``hoteltv restore FILE``: a whole data folder in one verified zip file.

Registered through the CLI's extension hook (``hoteltv.cli._extensions`` calls :func:`register`). Both
commands work on the data folder's files directly: they never open (and so never upgrade) the database
through :class:`hoteltv.db.engine.Database`. See :mod:`hoteltv.backup` for the format and the steps.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from hoteltv.backup import create_backup, restore_backup, verify_backup
from hoteltv.cli_support import EXIT_REFUSED, Context, warn


def register(sub: Any, add: Any) -> None:
    sp = add(
        sub,
        "backup",
        cmd_backup,
        "write the database, settings and photo originals into one zip file, with SHA-256 for each",
    )
    sp.add_argument(
        "file", metavar="FILE", help="the backup to write (.zip); replaced atomically if it exists"
    )
    sp.add_argument(
        "--no-photos", action="store_true", help="database and settings only (the photo store is not copied)"
    )
    sp = add(
        sub,
        "restore",
        cmd_restore,
        "restore a backup into the data folder after verifying every file in it (the current data is kept aside)",
    )
    sp.add_argument(
        "file", metavar="FILE", help="a backup written by 'hoteltv backup' (or backups/daily-*.zip)"
    )
    sp.add_argument(
        "--force",
        action="store_true",
        help="replace the data folder's current database (it is moved to before-restore-…/, not deleted)",
    )
    sp.add_argument("--check", action="store_true", help="only verify the file; change nothing")


def cmd_backup(ctx: Context, args: argparse.Namespace) -> int:
    report = create_backup(ctx.home, Path(args.file), include_photos=not args.no_photos)
    m = report.manifest
    photos = len(m.photo_entries)
    ctx.print(
        f"已备份到 {report.path} ({report.byte_size / 1e6:.1f} MB): 数据库, "
        + (f"{photos} 个照片文件" if m.photos_included else "不含照片")
        + f" (backed up the database{f' and {photos} photo files' if m.photos_included else ', no photos'})"
    )
    if report.problems:
        warn(
            *report.problems,
            f"备份已写入,但有 {len(report.problems)} 张照片未能备份;请运行 'hoteltv check' "
            f"(backup written, but {len(report.problems)} photos could not be included; run 'hoteltv check')",
        )
        return EXIT_REFUSED
    return 0


def _describe(m: Any) -> str:
    counts = m.counts
    return (
        f"{m.created_at} 由 hoteltv {m.hoteltv_version} 写入, 数据库版本 {m.db_schema}, "
        f"{counts.get('hotels', 0)} 家酒店, {counts.get('inspections', 0)} 次检查, "
        f"{len(m.photo_entries)} 个照片文件{'' if m.photos_included else '(仅数据库 database only)'}"
    )


def cmd_restore(ctx: Context, args: argparse.Namespace) -> int:
    path = Path(args.file)
    if args.check:
        manifest = verify_backup(path)
        ctx.print(f"备份完好 (backup verified, every SHA-256 matches): {path}")
        ctx.print(f"  {_describe(manifest)}")
        return 0
    report = restore_backup(ctx.home, path, force=args.force)
    ctx.print(f"已恢复到 {ctx.home} (restored): {_describe(report.manifest)}")
    if report.aside is not None:
        ctx.print(
            f"原来的数据库和设置已保留在 {report.aside} (the previous database and settings are kept there)"
        )
    if report.photos_added:
        ctx.print(f"照片库新增 {report.photos_added} 个文件 (photo files added to the store)")
    if report.device_changed:
        ctx.print(
            "注意:恢复的数据库来自另一台设备;这台电脑现在以那台设备的身份同步,不要两台同时使用 "
            "(note: the restored database belongs to another device; this computer now syncs as that device)"
        )
    if report.photos_missing:
        warn(
            f"有 {len(report.photos_missing)} 张照片的文件既不在备份中也不在照片库中;运行 'hoteltv check' 查看 "
            f"({len(report.photos_missing)} photos are in neither the backup nor the store; see 'hoteltv check')"
        )
        return EXIT_REFUSED
    return 0
