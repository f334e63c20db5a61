"""Photo use cases: attach files to an inspection, list, caption, move, remove, annotate, confirm the time;
check the store against the database and collect unreferenced blobs.

Each edit is one transaction and returns plain :class:`PhotoView` values. Attaching is one transaction
*per file*, after the file's blob is safely in the store: a refused or failed file never stops the
others, and the database never points at a missing or partial blob (at worst a crash leaves a blob no
record uses, which ``hoteltv check --gc`` removes). Every change to a finalized inspection's photos is
refused (here with a clear message, and again by :mod:`hoteltv.db.tracking`).

Functions here run on any thread but the GUI's (they touch the disk and the database).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hoteltv.db.engine import Database
from hoteltv.db.models import Inspection, Photo, RoomCheck, carried, live, utcnow
from hoteltv.domain.checklist import ChecklistTemplate, load_template
from hoteltv.errors import HoteltvError, Problem, RecordFinalizedError, ValidationError
from hoteltv.photos import ingest
from hoteltv.photos.annotate import Annotation
from hoteltv.photos.store import PhotoStore, StoreError
from hoteltv.services.inspections import load_inspection

log = logging.getLogger(__name__)

#: A photo taken more than this before the inspection started is flagged for the inspector to confirm.
EARLY_LIMIT = timedelta(days=1)
#: Clock difference allowed between camera and laptop after the inspection ended.
LATE_GRACE = timedelta(minutes=30)
#: Blobs younger than this are never collected (an import may be between writing the blob and the row).
GC_MIN_AGE = 3600.0
MAX_CAPTION = 500

Progress = Callable[[int, int, str], "bool | None"]
Status = Literal["ok", "duplicate", "refused", "cancelled"]


@dataclass(frozen=True)
class PhotoView:
    """One photo of an inspection, as the GUI, CLI and reports see it."""

    id: str
    inspection_id: str
    sha256: str
    room_check_id: str | None
    room_number: str | None
    item_key: str | None
    item_label: str | None
    caption: str | None
    original_name: str | None
    mime: str | None
    taken_at: datetime | None
    gps: tuple[float, float] | None
    width: int | None
    height: int | None
    byte_size: int
    annotation: dict[str, Any]
    flagged_time: bool
    time_flag: Literal["before", "after"] | None
    time_confirmed: bool
    position: int
    editable: bool
    created_at: datetime | None = None

    @property
    def annotated(self) -> bool:
        return bool(self.annotation.get("shapes"))

    @property
    def display_name(self) -> str:
        return self.caption or self.original_name or self.sha256[:12]


@dataclass(frozen=True)
class AttachOutcome:
    """What happened to one file of a batch. ``message`` names the file and, if refused, the reason."""

    path: str
    name: str
    status: Status
    message: str
    reason: str | None = None
    photo: PhotoView | None = None
    thumbnail: Path | None = None
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class TargetItem:
    key: str
    label: str
    scope: str


@dataclass(frozen=True)
class PhotoTargets:
    """Where photos of an inspection can go (for "move to…" choices) and whether it can still change."""

    inspection_id: str
    record_number: str
    editable: bool
    started_at: datetime | None
    ended_at: datetime | None
    rooms: tuple[tuple[str, str], ...]
    items: tuple[TargetItem, ...]


# --- helpers ------------------------------------------------------------------------------------------


def _refuse_if_final(insp: Inspection, what: str) -> None:
    if insp.status != "draft":
        raise RecordFinalizedError(
            f"检查记录 {insp.record_number} 已定稿,照片不能再{what};如需更正请新建更正版本 "
            f"(inspection {insp.record_number} is finalized: its photos cannot change; make a correction)"
        )


def _photo(session: Session, photo_id: str) -> Photo:
    return live(session, Photo, photo_id, f"照片不存在 (no photo with id {photo_id})")


def _template(insp: Inspection) -> ChecklistTemplate | None:
    try:
        return load_template(insp.template_id, insp.template_version)
    except HoteltvError:
        return None


def _check_target(session: Session, insp: Inspection, room_id: str | None, item_key: str | None) -> None:
    problems: list[Problem] = []
    if room_id is not None:
        room = session.get(RoomCheck, room_id)
        if room is None or room.deleted or room.inspection_id != insp.id:
            problems.append(
                Problem("room", "不是这次检查抽查的房间 (not a room of this inspection)", room_id)
            )
    if item_key is not None:
        template = _template(insp)
        if template is None or not template.has_item(item_key):
            problems.append(
                Problem("item", f"检查表中没有项目 {item_key} (no such checklist item)", item_key)
            )
        elif template.item(item_key).scope == "room" and room_id is None:
            problems.append(
                Problem(
                    "item", f"项目 {item_key} 是客房项目,请同时选择房间 (a room item: choose the room too)"
                )
            )
        elif template.item(item_key).scope == "hotel" and room_id is not None:
            problems.append(
                Problem("item", f"项目 {item_key} 是酒店项目,不属于某个房间 (a hotel item: no room)")
            )
    if problems:
        raise ValidationError("照片位置无效 (invalid place for the photo)", problems)


def _time_flag(photo: Photo, insp: Inspection) -> Literal["before", "after"] | None:
    taken = photo.taken_at
    if taken is None:
        return None
    if insp.started_at is not None and taken < insp.started_at - EARLY_LIMIT:
        return "before"
    if insp.ended_at is not None and taken > insp.ended_at + LATE_GRACE:
        return "after"
    if insp.ended_at is None and taken > utcnow() + LATE_GRACE:  # in the future: a camera clock is wrong
        return "after"
    return None


def _view(
    photo: Photo, insp: Inspection, rooms: Mapping[str, str], template: ChecklistTemplate | None
) -> PhotoView:
    flag = _time_flag(photo, insp)
    label = None
    if photo.item_key and template is not None and template.has_item(photo.item_key):
        label = template.item(photo.item_key).label.get("zh")
    gps = (photo.gps_lat, photo.gps_lon) if photo.gps_lat is not None and photo.gps_lon is not None else None
    return PhotoView(
        **carried(
            photo,
            "id inspection_id sha256 room_check_id item_key caption original_name mime taken_at width height "
            "byte_size time_confirmed position created_at",
        ),
        room_number=rooms.get(photo.room_check_id) if photo.room_check_id else None,
        item_label=label,
        gps=gps,
        annotation=dict(photo.annotation or {}),
        flagged_time=flag is not None and not photo.time_confirmed,
        time_flag=flag,
        editable=insp.status == "draft",
    )


def _rooms(session: Session, inspection_id: str) -> dict[str, str]:
    return dict(
        session.execute(
            select(RoomCheck.id, RoomCheck.room_number).where(RoomCheck.inspection_id == inspection_id)
        ).all()
    )


def _view_of(session: Session, photo: Photo) -> PhotoView:
    insp = load_inspection(session, photo.inspection_id)
    return _view(photo, insp, _rooms(session, insp.id), _template(insp))


# --- reading ------------------------------------------------------------------------------------------


def list_photos(
    db: Database, inspection_id: str, *, room_id: str | None = None, item_key: str | None = None
) -> list[PhotoView]:
    """Photos of an inspection in their order; ``room_id``/``item_key`` narrow it (None: any)."""
    with db.reading() as s:
        return photo_views(s, inspection_id, room_id=room_id, item_key=item_key)


def photo_views(
    session: Session, inspection_id: str, *, room_id: str | None = None, item_key: str | None = None
) -> list[PhotoView]:
    """:func:`list_photos` inside a session the caller holds (finalizing seals them in its transaction)."""
    insp = load_inspection(session, inspection_id)
    stmt = select(Photo).where(Photo.inspection_id == insp.id, Photo.deleted.is_(False))
    if room_id is not None:
        stmt = stmt.where(Photo.room_check_id == room_id)
    if item_key is not None:
        stmt = stmt.where(Photo.item_key == item_key)
    rooms = _rooms(session, insp.id)
    template = _template(insp)
    photos = session.scalars(stmt.order_by(Photo.position, Photo.created_at))
    return [_view(p, insp, rooms, template) for p in photos]


def get_photo(db: Database, photo_id: str) -> PhotoView:
    with db.reading() as s:
        return _view_of(s, _photo(s, photo_id))


def photo_targets(db: Database, inspection_id: str) -> PhotoTargets:
    """The rooms and checklist items a photo of this inspection can be attached to."""
    with db.reading() as s:
        insp = load_inspection(s, inspection_id)
        rooms = tuple(
            (r.id, r.room_number)
            for r in s.scalars(
                select(RoomCheck)
                .where(RoomCheck.inspection_id == insp.id, RoomCheck.deleted.is_(False))
                .order_by(RoomCheck.position)
            )
        )
        template = _template(insp)
        items = (
            tuple(TargetItem(i.key, i.label.get("zh"), i.scope) for i in template.items) if template else ()
        )
        return PhotoTargets(
            insp.id, insp.record_number, insp.status == "draft", insp.started_at, insp.ended_at, rooms, items
        )


def expand_inputs(paths: Iterable[Path | str]) -> list[Path]:
    """Paths as a user gave them, with each folder replaced by the image files directly inside it."""
    suffixes = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp", ".tif", ".tiff", ".gif", ".bmp", ".avif"}
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            # Names starting with "." are hidden files (e.g. "._IMG_0001.JPG" a Mac leaves on a card).
            out += sorted(
                c
                for c in p.iterdir()
                if c.is_file() and c.suffix.lower() in suffixes and not c.name.startswith(".")
            )
        else:
            out.append(p)
    return out


# --- attaching ----------------------------------------------------------------------------------------


def attach_files(
    db: Database,
    store: PhotoStore,
    inspection_id: str,
    paths: Sequence[Path | str],
    room_id: str | None = None,
    item_key: str | None = None,
    caption: str | None = None,
    progress: Progress | None = None,
    *,
    on_outcome: Callable[[AttachOutcome], None] | None = None,
    actor: str = "",
) -> list[AttachOutcome]:
    """Attach files as photos; returns one outcome per path, in order.

    ``progress(done, total, text)`` is called before each file and at the end; when it returns False
    the remaining files are left out (status ``cancelled``). ``on_outcome`` gets each outcome as soon as
    its file is done (the GUI shows the thumbnail at once). Raises before touching anything when the
    inspection is finalized or the room/item is not valid.
    """
    caption = _clean_caption(caption)
    with db.reading() as s:
        insp = load_inspection(s, inspection_id)
        _refuse_if_final(insp, "添加")
        _check_target(s, insp, room_id, item_key)
    total = len(paths)
    outcomes: list[AttachOutcome] = []
    cancelled = False
    for done, raw in enumerate(paths):
        path = Path(raw)
        name = path.name or str(path)
        if not cancelled and progress is not None and progress(done, total, name) is False:
            cancelled = True
        if cancelled:
            outcome = AttachOutcome(str(raw), name, "cancelled", f"{name}: 已取消 (cancelled)", "cancelled")
        else:
            outcome = _attach_one(db, store, inspection_id, path, room_id, item_key, caption, actor)
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    if progress is not None:
        progress(total, total, "")
    return outcomes


def _attach_one(
    db: Database,
    store: PhotoStore,
    inspection_id: str,
    path: Path,
    room_id: str | None,
    item_key: str | None,
    caption: str | None,
    actor: str,
) -> AttachOutcome:
    name = path.name or str(path)
    try:
        got = ingest.ingest_file(store, path)
    except ingest.ImageRefused as exc:
        return AttachOutcome(str(path), name, "refused", f"{name}: {exc.detail}", exc.reason)
    except StoreError as exc:
        return AttachOutcome(str(path), name, "refused", f"{name}: {exc.message}", exc.reason)
    except Exception as exc:  # one odd file must not stop the batch
        log.exception("importing %s failed", path)
        return AttachOutcome(str(path), name, "refused", f"{name}: 导入失败 (import failed: {exc})", "error")
    info = got.info
    try:
        with db.transaction(actor) as s:
            insp = load_inspection(s, inspection_id)
            _refuse_if_final(insp, "添加")
            existing = s.scalars(
                select(Photo).where(
                    Photo.inspection_id == insp.id, Photo.sha256 == got.sha256, Photo.deleted.is_(False)
                )
            ).first()
            if existing is not None:
                view = _view_of(s, existing)
                return AttachOutcome(
                    str(path),
                    name,
                    "duplicate",
                    f"{name}: 这张照片已在本次检查中 (already attached as {existing.original_name or existing.id[:8]})",
                    "duplicate",
                    view,
                    got.thumbnail,
                    info.notes,
                )
            position = s.scalar(select(func.max(Photo.position)).where(Photo.inspection_id == insp.id))
            photo = Photo(
                sha256=got.sha256,
                inspection_id=insp.id,
                room_check_id=room_id,
                item_key=item_key,
                caption=caption,
                original_name=name[:260],
                mime=info.mime,
                byte_size=got.byte_size,
                width=info.width,
                height=info.height,
                taken_at=info.taken_at,
                gps_lat=info.gps[0] if info.gps else None,
                gps_lon=info.gps[1] if info.gps else None,
                annotation={},
                time_confirmed=False,
                position=(position + 1) if position is not None else 0,
            )
            s.add(photo)
            s.flush()
            view = _view_of(s, photo)
    except HoteltvError as exc:  # finalized meanwhile, database full or locked …
        return AttachOutcome(str(path), name, "refused", f"{name}: {exc}", "database")
    message = f"{name}: 已添加 (added)" + ("" if not info.notes else " — " + ";".join(info.notes))
    return AttachOutcome(str(path), name, "ok", message, None, view, got.thumbnail, info.notes)


# --- editing ------------------------------------------------------------------------------------------


def _editable_photo(session: Session, photo_id: str, what: str) -> tuple[Photo, Inspection]:
    photo = _photo(session, photo_id)
    insp = load_inspection(session, photo.inspection_id)
    _refuse_if_final(insp, what)
    return photo, insp


def _clean_caption(caption: str | None) -> str | None:
    if caption is None:
        return None
    text = " ".join(caption.split())
    if len(text) > MAX_CAPTION:
        raise ValidationError(
            f"说明过长(最多 {MAX_CAPTION} 字)(caption too long: at most {MAX_CAPTION} characters)",
            [Problem("caption", "too long", len(text))],
        )
    return text or None


def _edit(
    db: Database, photo_id: str, what: str, actor: str, *, moved: bool = False, **values: Any
) -> PhotoView:
    """Set ``values`` on a photo of a draft (the words ``what`` name the edit in a refusal); a value that
    is already so is not written. ``moved``: ``values`` are a new room and item, checked first."""
    with db.transaction(actor) as s:
        photo, insp = _editable_photo(s, photo_id, what)
        if moved:
            _check_target(s, insp, values["room_check_id"], values["item_key"])
        for name, value in values.items():
            if getattr(photo, name) != value:
                setattr(photo, name, value)
        s.flush()
        return _view_of(s, photo)


def set_caption(db: Database, photo_id: str, caption: str | None, actor: str = "") -> PhotoView:
    return _edit(db, photo_id, "修改说明", actor, caption=_clean_caption(caption))


def move_photo(
    db: Database, photo_id: str, room_id: str | None, item_key: str | None, actor: str = ""
) -> PhotoView:
    """Attach a photo to another room and/or checklist item of the same inspection (None: none)."""
    return _edit(db, photo_id, "移动", actor, moved=True, room_check_id=room_id, item_key=item_key)


def remove_photo(db: Database, photo_id: str, actor: str = "") -> None:
    """Remove a photo from the record (a tombstone: the audit trail keeps it; the blob stays until --gc)."""
    with db.transaction(actor) as s:
        photo, _ = _editable_photo(s, photo_id, "删除")
        photo.deleted = True


def set_annotation(
    db: Database, photo_id: str, annotation: Annotation | Mapping[str, Any] | None, actor: str = ""
) -> PhotoView:
    """Store the annotation data of a photo (validated); the original file is not touched."""
    raw = annotation.to_dict() if isinstance(annotation, Annotation) else annotation
    data = Annotation.from_dict(raw).to_dict()  # validated however it was built
    return _edit(db, photo_id, "标注", actor, annotation=data)


def confirm_time(db: Database, photo_id: str, actor: str = "") -> PhotoView:
    """The inspector confirms a photo whose time lies outside the inspection is right to keep."""
    return _edit(db, photo_id, "确认时间", actor, time_confirmed=True)


def copy_photos(session: Session, from_inspection_id: str, to_inspection_id: str) -> None:
    """Copy the live photos of one inspection onto another in the same transaction (for a correction:
    rooms are matched by room number). The blobs are shared."""
    rooms_old = _rooms(session, from_inspection_id)
    by_number = {
        number: rid
        for rid, number in session.execute(
            select(RoomCheck.id, RoomCheck.room_number).where(
                RoomCheck.inspection_id == to_inspection_id, RoomCheck.deleted.is_(False)
            )
        ).all()
    }
    for p in session.scalars(
        select(Photo)
        .where(Photo.inspection_id == from_inspection_id, Photo.deleted.is_(False))
        .order_by(Photo.position)
    ):
        room = by_number.get(rooms_old.get(p.room_check_id, "")) if p.room_check_id else None
        session.add(
            Photo(
                **carried(
                    p,
                    "sha256 item_key caption original_name mime byte_size width height taken_at gps_lat gps_lon "
                    "time_confirmed position",
                ),
                inspection_id=to_inspection_id,
                room_check_id=room,
                annotation=dict(p.annotation or {}),
            )
        )


# --- store check and garbage --------------------------------------------------------------------------


@dataclass(frozen=True)
class BlobProblem:
    """A referenced blob that is missing or whose content no longer matches its hash."""

    sha256: str
    problem: Literal["missing", "mismatch"]
    photos: tuple[str, ...]  # "record number / file name" of each photo that uses it


@dataclass(frozen=True)
class StoreReport:
    checked: int
    problems: tuple[BlobProblem, ...]
    unreferenced: int

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Garbage:
    """What a garbage collection would remove: unreferenced blobs and leftovers of interrupted writes."""

    blobs: tuple[tuple[str, int], ...]
    leftovers: tuple[Path, ...] = ()

    @property
    def total_bytes(self) -> int:
        return sum(size for _, size in self.blobs) + sum(_size(p) for p in self.leftovers)

    @property
    def empty(self) -> bool:
        return not self.blobs and not self.leftovers


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _referenced(db: Database) -> dict[str, list[str]]:
    """Hash → "record number / file name" of every live photo row (tombstoned photos do not count)."""
    with db.reading() as s:
        rows = s.execute(
            select(Photo.sha256, Inspection.record_number, Photo.original_name, Photo.id)
            .join(Inspection, Inspection.id == Photo.inspection_id)
            .where(Photo.deleted.is_(False))
        ).all()
    out: dict[str, list[str]] = {}
    for sha, number, name, pid in rows:
        out.setdefault(sha, []).append(f"{number} / {name or pid[:8]}")
    return out


def check_store(db: Database, store: PhotoStore) -> StoreReport:
    """Verify every blob a live photo uses: present, and its content still hashes to its name."""
    refs = _referenced(db)
    problems = []
    for sha, users in sorted(refs.items()):
        if not store.exists(sha):
            problems.append(BlobProblem(sha, "missing", tuple(users)))
        elif not store.verify(sha):
            problems.append(BlobProblem(sha, "mismatch", tuple(users)))
    unreferenced = sum(1 for sha in store.blobs() if sha not in refs)
    return StoreReport(len(refs), tuple(problems), unreferenced)


def garbage(db: Database, store: PhotoStore, min_age: float = GC_MIN_AGE) -> Garbage:
    """Blobs no live photo uses (and interrupted writes), older than ``min_age`` seconds. Removes nothing."""
    refs = _referenced(db)
    blobs = tuple(
        sorted(
            (sha, store.size(sha) or 0)
            for sha in store.blobs()
            if sha not in refs and store.age(sha) >= min_age
        )
    )
    return Garbage(blobs, tuple(store.leftovers(min_age)))


def collect_garbage(db: Database, store: PhotoStore, found: Garbage, min_age: float = GC_MIN_AGE) -> int:
    """Remove what :func:`garbage` found, re-checking each blob is still unused and old enough at that
    moment (an import may have started using it since). Returns how many files were removed."""
    refs = _referenced(db)
    removed = 0
    for sha, _ in found.blobs:
        if sha in refs or store.age(sha) < min_age:
            continue
        store.remove(sha)
        removed += 1
    for part in found.leftovers:
        store.remove_leftover(part)
        removed += 1
    return removed
