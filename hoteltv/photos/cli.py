"""``hoteltv photos add|list``: attach photos to an inspection and list them from the command line.

Registered through the CLI's extension hook (``hoteltv.cli._extensions`` calls :func:`register`).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections import Counter
from dataclasses import asdict
from typing import Any

from hoteltv.cli_support import EXIT_REFUSED, Context, find_inspection_arg
from hoteltv.domain import clock
from hoteltv.errors import HoteltvError


def register(sub: Any, add: Any) -> None:
    photos = sub.add_parser("photos", help="photos attached to inspections").add_subparsers(
        dest="sub", metavar="ACTION", required=True
    )
    sp = add(photos, "add", cmd_photos_add, "attach photo files (or folders of photos) to an inspection")
    sp.add_argument(
        "inspection", metavar="INSPECTION_ID", help="inspection id (or its first characters) or record number"
    )
    sp.add_argument(
        "files", metavar="FILE", nargs="+", help="JPEG, PNG, HEIC, … files, or folders holding them"
    )
    sp.add_argument("--room", help="room number (or room id) of the inspection the photos show")
    sp.add_argument("--item", metavar="KEY", help="checklist item key the photos are evidence for")
    sp.add_argument("--caption", metavar="TEXT", help="caption given to every photo added")
    sp = add(photos, "list", cmd_photos_list, "list the photos of an inspection")
    sp.add_argument(
        "inspection", metavar="INSPECTION_ID", help="inspection id (or its first characters) or record number"
    )
    sp.add_argument("--json", action="store_true", help="print JSON")


def _room_id(ctx: Context, inspection_id: str, text: str | None) -> str | None:
    if not text:
        return None
    from hoteltv.services.photos import photo_targets

    targets = photo_targets(ctx.db, inspection_id)
    for rid, number in targets.rooms:
        if text in (rid, number):
            return rid
    known = ", ".join(number for _, number in targets.rooms) or "无 (none)"
    raise HoteltvError(f"这次检查没有房间 {text!r} (no such room in this inspection; rooms: {known})")


def cmd_photos_add(ctx: Context, args: argparse.Namespace) -> int:
    from hoteltv.photos.store import PhotoStore
    from hoteltv.services.photos import AttachOutcome, attach_files, expand_inputs

    inspection_id = find_inspection_arg(ctx, args.inspection).id
    room_id = _room_id(ctx, inspection_id, args.room)
    paths = expand_inputs(args.files)
    if not paths:
        raise HoteltvError("没有找到照片文件 (no photo files found in what was given)")
    store = PhotoStore.for_home(ctx.home)

    def show(outcome: AttachOutcome) -> None:
        mark = {"ok": "+", "duplicate": "=", "cancelled": "-"}.get(outcome.status, "!")
        stream = ctx.out if outcome.status != "refused" else sys.stderr
        print(f"{mark} {outcome.message}", file=stream)

    from PIL import Image

    with warnings.catch_warnings():
        # Our own pixel limit applies (ingest.MAX_PIXELS); Pillow's early warning would only be noise here.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        outcomes = attach_files(
            ctx.db,
            store,
            inspection_id,
            paths,
            room_id=room_id,
            item_key=args.item,
            caption=args.caption,
            on_outcome=show,
            actor="cli",
        )
    counts = Counter(o.status for o in outcomes)
    added, dup, refused = counts["ok"], counts["duplicate"], counts["refused"]
    ctx.print(
        f"已添加 {added} 张, 已存在 {dup} 张, 拒绝 {refused} 张 (added {added}, already there {dup}, refused {refused})"
    )
    return EXIT_REFUSED if refused else 0


def cmd_photos_list(ctx: Context, args: argparse.Namespace) -> int:
    from hoteltv.services.photos import list_photos

    photos = list_photos(ctx.db, find_inspection_arg(ctx, args.inspection).id)
    return ctx.records(
        args.json,
        photos,
        ["#", "房间", "检查项", "说明", "文件", "拍摄时间", "GPS", "尺寸", "标注", "SHA-256"],
        lambda p: [
            p.position + 1,
            p.room_number or "",
            p.item_label or p.item_key or "",
            p.caption or "",
            p.original_name or "",
            clock.fmt(p.taken_at) + (" (时间待确认)" if p.flagged_time else ""),
            "" if p.gps is None else f"{p.gps[0]:.5f},{p.gps[1]:.5f}",
            f"{p.width}×{p.height}" if p.width and p.height else "",
            "是" if p.annotated else "",
            p.sha256[:12],
        ],
        data=lambda p: asdict(p) | {"annotated": p.annotated},
        total=f"共 {len(photos)} 张 ({len(photos)} photos)",
    )
