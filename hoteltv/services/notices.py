"""Rectification notices (整改通知书): issue after a failed inspection, re-inspect, close.

The notice lists each failed item with the rule it breaks and where it was seen; the deadline defaults
to the ``notice_deadline_days`` setting (7 days). A re-inspection starts from the notice; finalizing it
closes the notice when the result is 合格 or 基本合格 (see :func:`hoteltv.services.inspections.finalize`),
otherwise a new notice can be issued from the re-inspection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoteltv.db.engine import Database
from hoteltv.db.models import Inspection, RectificationNotice, new_id, utcnow
from hoteltv.domain import lifecycle
from hoteltv.errors import NotFoundError, Problem, ValidationError
from hoteltv.services import inspections as insp_service


@dataclass(frozen=True)
class NoticeItem:
    """One problem to fix: the checklist item, where it was seen, the rule, what must be done."""

    item_key: str
    room: str | None
    label: str
    rule: str
    value: Any
    fix: str


@dataclass(frozen=True)
class NoticeView:
    id: str
    number: str
    inspection_id: str
    inspection_record_number: str
    hotel_id: str
    hotel_name: str
    division_name: str
    issued_at: datetime
    deadline: date
    reinspection_date: date | None
    items: tuple[NoticeItem, ...]
    authority: str | None
    status: str
    reinspection_id: str | None
    closed_at: datetime | None
    overdue: bool
    version: int
    supersedes_id: str | None = None  # the version this one replaces (延期/更正)
    change_reason: str | None = None  # "延期：…" / "更正：…"


def _view(session: Session, n: RectificationNotice, today: date | None = None) -> NoticeView:
    insp = session.get(Inspection, n.inspection_id)
    return NoticeView(
        id=n.id,
        number=n.number,
        inspection_id=n.inspection_id,
        inspection_record_number=insp.record_number if insp else "",
        hotel_id=n.hotel_id,
        hotel_name=n.hotel.name,
        division_name=n.hotel.division.name,
        issued_at=n.issued_at,
        deadline=n.deadline,
        reinspection_date=n.reinspection_date,
        items=tuple(NoticeItem(**item) for item in n.items),
        authority=n.authority,
        status=n.status,
        reinspection_id=n.reinspection_id,
        closed_at=n.closed_at,
        overdue=lifecycle.is_overdue(n.deadline, n.status, today or date.today()),
        version=n.version,
        supersedes_id=n.supersedes_id,
        change_reason=n.change_reason,
    )


def default_items(view: insp_service.InspectionView) -> list[NoticeItem]:
    """The failed items of an inspection, as a notice lists them (prefilled for editing)."""
    return [
        NoticeItem(
            item_key=f.item_key,
            room=f.room_label,
            label=f.label_zh,
            rule=f.rule_zh,
            value=f.value,
            fix=f"按要求整改：{f.rule_zh}",
        )
        for f in view.verdict.failed
    ]


def _notice_number(session: Session, device_id: str, day: date) -> str:
    stem = f"ZG-{day:%Y%m%d}-{device_id[:4].upper()}-"
    existing = session.scalars(
        select(RectificationNotice.number).where(RectificationNotice.number.like(stem + "%"))
    ).all()
    numbers = [int(n[len(stem) :]) for n in existing if n[len(stem) :].isdigit()]
    return f"{stem}{max(numbers, default=0) + 1:02d}"


def issue_notice(
    db: Database,
    inspection_id: str,
    *,
    deadline: date | None = None,
    deadline_days: int = lifecycle.DEFAULT_DEADLINE_DAYS,
    reinspection_date: date | None = None,
    items: Sequence[NoticeItem] | None = None,
    authority: str | None = None,
    today: date | None = None,
    actor: str = "",
) -> NoticeView:
    """Issue a notice for a finalized inspection whose result is not 合格."""
    with db.transaction(actor) as s:
        insp = s.get(Inspection, inspection_id)
        if insp is None or insp.deleted:
            raise NotFoundError(f"没有这条检查记录 (no inspection {inspection_id})")
        if insp.status != "finalized":
            raise ValidationError("检查记录定稿后才能下发整改通知 (finalize the inspection first)")
        if insp.result == "pass":
            raise ValidationError("检查结果为合格,无需整改通知 (the inspection passed; nothing to rectify)")
        already = insp_service.issued_notice_id(s, insp)
        if already:
            number = s.get(RectificationNotice, already).number  # type: ignore[union-attr]
            raise ValidationError(
                f"该检查（或其更正前的版本）已下发整改通知 {number}，无需再次下发 "
                f"(notice {number} was already issued for this record or the version it corrects)"
            )
        view = insp_service.view_of(s, insp)
        chosen = list(items) if items is not None else default_items(view)
        if not chosen:
            raise ValidationError("整改通知至少要有一项问题 (a notice needs at least one problem)")
        issued = today or date.today()
        deadline = deadline or lifecycle.default_deadline(issued, deadline_days)
        if deadline < issued:
            raise ValidationError(
                "整改期限不能早于下发日期 (deadline before the issue date)",
                [Problem("deadline", "too early", deadline)],
            )
        if reinspection_date is not None and reinspection_date < deadline:
            raise ValidationError(
                "复查日期应在整改期限之后 (re-inspection date before the deadline)",
                [Problem("reinspection_date", "before deadline", reinspection_date)],
            )
        # An earlier open notice for this hotel is superseded by the new one.
        for older in s.scalars(
            select(RectificationNotice).where(
                RectificationNotice.hotel_id == insp.hotel_id, RectificationNotice.status == "open"
            )
        ):
            older.status = "superseded"
            older.reinspection_id = older.reinspection_id or insp.id
        notice = RectificationNotice(
            number=_notice_number(s, db.device_id, issued),
            inspection_id=insp.id,
            hotel_id=insp.hotel_id,
            hotel=insp.hotel,
            issued_at=utcnow() if today is None else _at(issued),
            deadline=deadline,
            reinspection_date=reinspection_date or deadline,
            items=[asdict(i) for i in chosen],
            authority=authority,
            status="open",
        )
        notice.id = new_id()
        s.add(notice)
        from hoteltv.services import seal

        seal.seal_notice(s, notice, authority or seal.default_authority(db))
        s.flush()
        insp_service.refresh_hotel(s, insp.hotel)
        s.flush()
        return _view(s, notice)


def _at(day: date) -> datetime:
    """The issue time of a notice dated ``day`` (a back-dated one keeps the time of day it was entered)."""
    now = datetime.now().astimezone()
    return datetime.combine(day, now.timetz()).astimezone(UTC)


def get_notice(db: Database, id_or_number: str) -> NoticeView:
    with db.reading() as s:
        n = (
            s.get(RectificationNotice, id_or_number)
            or s.scalars(
                select(RectificationNotice)
                .where(RectificationNotice.number == id_or_number, RectificationNotice.deleted.is_(False))
                .order_by(RectificationNotice.issued_at.desc())
            ).first()
        )
        if n is None or n.deleted:
            raise NotFoundError(f"没有这份整改通知 (no notice {id_or_number})")
        return _view(s, n)


def list_notices(
    db: Database,
    *,
    hotel_id: str | None = None,
    open_only: bool = False,
    overdue_only: bool = False,
    today: date | None = None,
) -> list[NoticeView]:
    with db.reading() as s:
        stmt = select(RectificationNotice).where(RectificationNotice.deleted.is_(False))
        if hotel_id:
            stmt = stmt.where(RectificationNotice.hotel_id == hotel_id)
        if open_only or overdue_only:
            stmt = stmt.where(RectificationNotice.status == "open")
        views = [_view(s, n, today) for n in s.scalars(stmt.order_by(RectificationNotice.deadline))]
    return [v for v in views if v.overdue] if overdue_only else views


def start_reinspection(
    db: Database,
    notice_id: str,
    inspector_ids: Sequence[str],
    *,
    started_at: datetime | None = None,
    actor: str = "",
) -> insp_service.InspectionView:
    """Open a re-inspection draft linked to an open notice, with the earlier rooms ready to re-check."""
    with db.reading() as s:
        notice = s.get(RectificationNotice, notice_id)
        if notice is None or notice.deleted:
            raise NotFoundError(f"没有这份整改通知 (no notice {notice_id})")
        if notice.status != "open":
            raise ValidationError("整改通知已关闭,不能再复查 (the notice is no longer open)")
        earlier = s.get(Inspection, notice.inspection_id)
        assert earlier is not None
        hotel_id = notice.hotel_id
        earlier_rooms = [(r.room_number, r.floor, r.room_type) for r in earlier.rooms if not r.deleted]
        hotel_answers = {
            k: v for k, v in earlier.hotel_answers.items() if k in ("system_type", "provider", "tv_mode")
        }
    view = insp_service.start_inspection(
        db,
        hotel_id,
        inspector_ids,
        kind="reinspection",
        notice_id=notice_id,
        started_at=started_at,
        actor=actor,
    )
    for number, floor, room_type in earlier_rooms:
        view = insp_service.add_room(db, view.id, number, floor=floor, room_type=room_type, actor=actor)
    for key, value in hotel_answers.items():
        view = insp_service.set_hotel_answer(db, view.id, key, value, actor=actor)
    return view


def earlier_failures(db: Database, reinspection_id: str) -> list[NoticeItem]:
    """For a re-inspection: the problems of the notice it answers (shown beside the new answers)."""
    with db.reading() as s:
        insp = s.get(Inspection, reinspection_id)
        if insp is None or not insp.notice_id:
            return []
        notice = s.get(RectificationNotice, insp.notice_id)
        return [] if notice is None else [NoticeItem(**i) for i in notice.items]


def view_of(session: Session, n: RectificationNotice, today: date | None = None) -> NoticeView:
    """A notice as plain values (for a caller holding a session, e.g. sealing in the issuing transaction)."""
    return _view(session, n, today)


CHANGE_KINDS = {"extend": "延期", "correct": "更正"}


def extend_notice(
    db: Database,
    id_or_number: str,
    *,
    deadline: date,
    reason: str,
    reinspection_date: date | None = None,
    kind: str = "extend",
    authority: str | None = None,
    actor: str = "",
) -> NoticeView:
    """A new version of an open notice with a later deadline (延期) — never an edit of the issued one.

    The new version keeps the number, the problems and the inspection, carries its own seal and code and
    names the version it replaces and why; the old one becomes ``superseded``.
    """
    reason = (reason or "").strip()
    if kind not in CHANGE_KINDS:
        raise ValidationError(f"unknown change {kind!r} (extend or correct)")
    if not reason:
        raise ValidationError(
            f"{CHANGE_KINDS[kind]}须写明理由 (a reason is required)", [Problem("reason", "required")]
        )
    with db.transaction(actor) as s:
        old = (
            s.get(RectificationNotice, id_or_number)
            or s.scalars(
                select(RectificationNotice)
                .where(RectificationNotice.number == id_or_number, RectificationNotice.deleted.is_(False))
                .order_by(RectificationNotice.issued_at.desc())
            ).first()
        )
        if old is None or old.deleted:
            raise NotFoundError(f"没有这份整改通知 (no notice {id_or_number})")
        if old.status != "open":
            raise ValidationError(
                f"整改通知 {old.number} 已{'关闭' if old.status == 'closed' else '被取代'}，不能{CHANGE_KINDS[kind]} "
                f"(only an open notice, the version in force, can be extended)"
            )
        from hoteltv.services import seal

        problem = seal.notice_seal_problem(old)
        if problem:
            raise ValidationError(f"{problem}；不能在被改动的记录上{CHANGE_KINDS[kind]}")
        if deadline <= old.deadline and kind == "extend":
            raise ValidationError(
                f"延期后的期限须晚于原期限 {old.deadline.isoformat()} (the new deadline must be later)",
                [Problem("deadline", "not later than the current deadline", deadline)],
            )
        reinspect = reinspection_date or max(deadline, old.reinspection_date or deadline)
        if reinspect < deadline:
            raise ValidationError(
                "复查日期应在整改期限之后 (re-inspection date before the deadline)",
                [Problem("reinspection_date", "before deadline", reinspect)],
            )
        new = RectificationNotice(
            number=old.number,
            inspection_id=old.inspection_id,
            hotel_id=old.hotel_id,
            hotel=old.hotel,
            issued_at=utcnow(),
            deadline=deadline,
            reinspection_date=reinspect,
            items=[dict(i) for i in old.items],
            authority=old.authority,
            status="open",
            supersedes_id=old.id,
            change_reason=f"{CHANGE_KINDS[kind]}：{reason}",
        )
        new.id = new_id()
        s.add(new)
        seal.seal_notice(s, new, authority or old.authority or seal.default_authority(db))
        old.status = "superseded"
        s.flush()
        # Re-inspections that answer the old version answer the new one.
        for insp in s.scalars(
            select(Inspection).where(Inspection.notice_id == old.id, Inspection.status == "draft")
        ):
            insp.notice_id = new.id
        insp_service.refresh_hotel(s, new.hotel)
        s.flush()
        return _view(s, new)


def notice_versions(db: Database, notice_id: str) -> list[NoticeView]:
    """Every version of a notice (the original, then each 延期/更正), oldest first."""
    with db.reading() as s:
        n = s.get(RectificationNotice, notice_id)
        if n is None:
            raise NotFoundError(f"没有这份整改通知 (no notice {notice_id})")
        return [_view(s, v) for v in notice_chain(s, n)]


def notice_chain(session: Session, n: RectificationNotice) -> list[RectificationNotice]:
    first, seen = n, {n.id}
    while first.supersedes_id:
        older = session.get(RectificationNotice, first.supersedes_id)
        if older is None or older.id in seen:
            break
        seen.add(older.id)
        first = older
    chain = [first]
    while True:
        newer = session.scalars(
            select(RectificationNotice)
            .where(RectificationNotice.supersedes_id == chain[-1].id, RectificationNotice.deleted.is_(False))
            .order_by(RectificationNotice.issued_at)
        ).first()
        if newer is None or newer.id in {c.id for c in chain}:
            return chain
        chain.append(newer)
