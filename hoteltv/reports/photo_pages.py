"""Photo evidence in printed documents: downscaled copies prepared in parallel, numbered, laid out two by three.

Photos are numbered in the order ``hoteltv.services.photos.list_photos`` gives them; the inspection sheet
and the rectification notice use the same numbers ("照片3"), so a notice can point at the sheet's
attachment. The copies come from ``PhotoStore.report_copy`` (Pillow draft-mode decoding, EXIF orientation
applied, annotation drawn, cached): the first print of a sheet makes them, later prints reuse them.
A photo whose file is missing prints as a marked empty frame instead of failing the whole sheet.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image

from hoteltv.chunks import chunked
from hoteltv.db.engine import Database
from hoteltv.domain.checklist import ChecklistTemplate
from hoteltv.domain.rules import Verdict
from hoteltv.errors import HoteltvError
from hoteltv.reports.common import (
    MARK_FAIL,
    Progress,
    ReportCancelled,
    ReportOptions,
    cn_datetime,
    para,
    report_progress,
)
from hoteltv.reports.fonts import FONT
from hoteltv.reports.styles import FRAME_WIDTH, GREY_TEXT, styled_table
from hoteltv.services.photos import PhotoView, list_photos

#: A printed photo is at most 80 mm wide: 1200 px is ~380 dpi there, sharp enough to read a TV screen,
#: and keeps a sheet with 12 photos around 3 MB. The settings' copy size applies when it is smaller.
REPORT_LONG_EDGE = 1200
REPORT_QUALITY = 75
PHOTOS_PER_ROW = 2
IMAGE_BOX_W = 80 * mm
IMAGE_BOX_H = 55 * mm


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo ready to print: its number on the sheet, what it shows, and the downscaled copy (or None)."""

    number: int
    photo: PhotoView
    path: Path | None
    size: tuple[int, int] | None
    problem: str | None = None

    @property
    def room_number(self) -> str | None:
        return self.photo.room_number

    @property
    def item_key(self) -> str | None:
        return self.photo.item_key


def prepare_photos(
    db: Database,
    inspection_id: str,
    options: ReportOptions,
    progress: Progress | None = None,
    *,
    views: Sequence[PhotoView] | None = None,
) -> list[PreparedPhoto]:
    """Make (or reuse) the downscaled copy of every photo of an inspection, several at a time.

    ``views``: the photos to print (a sealed record's, by hash); default: the inspection's photos now.
    """
    views = list_photos(db, inspection_id) if views is None else list(views)
    if not views:
        return []
    if options.home is None:
        return [PreparedPhoto(n, v, None, None, "未指定数据目录") for n, v in enumerate(views, 1)]
    from PIL import Image as PILImage

    from hoteltv.photos.store import PhotoStore

    store = PhotoStore.for_home(options.home)

    def copy(view: Any) -> tuple[Path | None, tuple[int, int] | None, str | None]:
        try:
            path = store.report_copy(
                view.sha256,
                view.annotation,
                long_edge=min(options.photo_long_edge, REPORT_LONG_EDGE),
                quality=min(options.photo_quality, REPORT_QUALITY),
            )
            with PILImage.open(path) as im:
                return path, im.size, None
        except (HoteltvError, OSError, ValueError) as exc:
            return None, None, str(exc) or type(exc).__name__

    def copy_key(view: PhotoView) -> tuple[str, str]:
        return view.sha256, json.dumps(view.annotation or {}, sort_keys=True)

    # Identical photo + annotation is copied once (two threads must not write the same cache file).
    unique = {copy_key(v): v for v in views}
    results: dict[tuple[str, str], tuple[Path | None, tuple[int, int] | None, str | None]] = {}
    workers = max(1, min(len(unique), os.cpu_count() or 2, 4))
    report_progress(progress, 0, len(unique), "准备照片 (preparing photos)")
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="report-photo") as pool:
        futures = {key: pool.submit(copy, v) for key, v in unique.items()}
        for done, (key, future) in enumerate(futures.items(), 1):
            results[key] = future.result()
            if progress is not None and progress(done, len(unique), "准备照片 (preparing photos)") is False:
                for f in futures.values():
                    f.cancel()
                raise ReportCancelled()
    return [PreparedPhoto(n, v, *results[copy_key(v)]) for n, v in enumerate(views, 1)]


def photo_refs(photos: Sequence[PreparedPhoto]) -> dict[tuple[str | None, str | None], list[int]]:
    """Photo numbers by (room number, item key); (None, key) for hotel-level items."""
    refs: dict[tuple[str | None, str | None], list[int]] = {}
    for p in photos:
        refs.setdefault((p.room_number, p.item_key), []).append(p.number)
    return refs


def refs_text(numbers: Sequence[int]) -> str:
    """``照片1、4、7`` (empty for no photos)."""
    return "照片" + "、".join(str(n) for n in numbers) if numbers else ""


def _caption(p: PreparedPhoto, template: ChecklistTemplate, verdict: Verdict | None) -> str:
    where = f"{p.room_number}房间" if p.room_number else "酒店"
    parts = [f"照片{p.number}", where]
    if p.item_key and template.has_item(p.item_key):
        label = template.item(p.item_key).label.zh
        failed = False
        if verdict is not None:
            try:
                failed = verdict.outcome(p.item_key, p.room_number).passed is False
            except KeyError:
                failed = False
        parts.append(f"证明项目：{label}" + (f"（{MARK_FAIL} 不合格）" if failed else ""))
    lines = [" · ".join(parts)]
    if p.photo.caption:
        lines.append(f"说明：{p.photo.caption}")
    if p.photo.taken_at:
        lines.append(f"拍摄时间：{cn_datetime(p.photo.taken_at)}")
    return "\n".join(lines)


class _MissingPhoto(Flowable):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = IMAGE_BOX_W, IMAGE_BOX_H
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setStrokeColor(GREY_TEXT)
        c.setDash(3, 3)
        c.rect(0, 0, self.width, self.height)
        c.setFillColor(GREY_TEXT)
        c.setFont(FONT, 9)
        c.drawCentredString(self.width / 2, self.height / 2, self.text)
        c.restoreState()


def _image(p: PreparedPhoto) -> Flowable:
    if p.path is None or p.size is None:
        return _MissingPhoto("照片文件缺失，无法打印")
    w, h = p.size
    scale = min(IMAGE_BOX_W / w, IMAGE_BOX_H / h)
    img = Image(str(p.path), width=w * scale, height=h * scale)
    img.hAlign = "CENTER"
    return img


def photo_grid(
    photos: Sequence[PreparedPhoto], template: ChecklistTemplate, verdict: Verdict | None
) -> list[Flowable]:
    """Rows of two photos with their captions (one table row per pair, so pages break between rows)."""
    col_w = FRAME_WIDTH / PHOTOS_PER_ROW
    out: list[Flowable] = []
    for chunk in chunked(photos, PHOTOS_PER_ROW):
        row: list[Any] = [[_image(p), para(_caption(p, template, verdict), "cell_small")] for p in chunk]
        row += [""] * (PHOTOS_PER_ROW - len(row))
        commands = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ]
        out.append(styled_table([row], [col_w] * PHOTOS_PER_ROW, commands))
    return out
