"""Rectification notices (整改通知书): issue after a failed inspection, re-inspect, close.

The notice lists each failed item with the rule it breaks and where it was seen; the deadline defaults
to the ``notice_deadline_days`` setting (7 days). A re-inspection starts from the notice; finalizing it
closes the notice when the result is 合格 or 基本合格 (see :func:`hoteltv.services.inspections.finalize`),
otherwise a new notice can be issued from the re-inspection.

Issuing gives the notice its 文号 from this laptop's blocks (:mod:`hoteltv.services.numbering`) and fixes
its terms (general legal basis, the bodies for 行政复议 and 行政诉讼) so a reprint says what the paper
said. Each item carries its own legal basis, from the template sources its checklist item cites. How the
notice was served (送达: signed for, or refused and left with a witness: 留置送达) is recorded with
:func:`record_delivery`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoteltv.config import default_of
from hoteltv.db.chains import version_chain
from hoteltv.db.engine import Database
from hoteltv.db.models import Inspection, RectificationNotice, carried, live, new_id, utcnow
from hoteltv.domain import clock, lifecycle
from hoteltv.domain.checklist import ChecklistTemplate
from hoteltv.errors import NotFoundError, Problem, ValidationError
from hoteltv.services import inspections as insp_service
from hoteltv.services import numbering


@dataclass(frozen=True)
class NoticeItem:
    """One problem to fix: the checklist item, where it was seen, the rule, what must be done."""

    item_key: str
    room: str | None
    label: str
    rule: str
    value: Any
    fix: str
    #: The documents the broken rule comes from (the template's sources for the item; "" when it cites
    #: none, and the notice's general basis applies).
    basis: str = ""


@dataclass(frozen=True)
class NoticeTerms:
    """What a notice states beside its items, from the settings at the moment it is issued."""

    legal_basis: str = str(default_of("notice_legal_basis"))
    review_body: str = str(default_of("review_body"))
    court: str = str(default_of("litigation_court"))
    number_prefix: str = str(default_of("notice_number_prefix"))
    device_tag: str = str(default_of("notice_device_tag"))

    @classmethod
    def from_settings(cls, settings: Any) -> NoticeTerms:
        """From a :class:`hoteltv.config.Settings` (blank values fall back to the declared defaults)."""
        if settings is None:
            return cls()
        keys = {
            "legal_basis": "notice_legal_basis",
            "review_body": "review_body",
            "court": "litigation_court",
            "number_prefix": "notice_number_prefix",
            "device_tag": "notice_device_tag",
        }
        values = {}
        for name, key in keys.items():
            value = str(settings.get(key) or "").strip()
            values[name] = value or str(default_of(key))
        return cls(**values)

    def stored(self) -> dict[str, str]:
        """The part a notice keeps (its number is kept in its own column)."""
        return {"legal_basis": self.legal_basis, "review_body": self.review_body, "court": self.court}


@dataclass(frozen=True)
class NoticeDates:
    """The dates a new notice proposes: the deadline and the re-inspection (the same day)."""

    days: int
    deadline: date
    reinspection: date


def default_dates(settings: Any, today: date | None = None) -> NoticeDates:
    """The deadline and re-inspection date a notice issued ``today`` gets unless the inspector changes
    them (the notice dialog proposes them and passes them to :func:`issue_notice`).

    The days given to rectify are the ``notice_deadline_days`` setting of a :class:`hoteltv.config.Settings`
    (``None``, blank or not a positive number: the domain's default)."""
    try:
        days = int(settings.get("notice_deadline_days")) if settings is not None else 0
    except (TypeError, ValueError):
        days = 0
    days = days if days > 0 else lifecycle.DEFAULT_DEADLINE_DAYS
    deadline = lifecycle.default_deadline(today or clock.today(), days)
    return NoticeDates(days, deadline, deadline)


@dataclass(frozen=True)
class Delivery:
    """How a notice was served: signed for by ``recipient``, or refused and left (留置送达) before
    ``witness``; ``at`` is when (aware)."""

    refused: bool
    recipient: str
    witness: str
    at: datetime | None

    @property
    def method(self) -> str:
        return "left" if self.refused else "direct"

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> Delivery | None:
        if not data:
            return None
        at = data.get("at")
        return cls(
            refused=bool(data.get("refused")),
            recipient=str(data.get("recipient") or ""),
            witness=str(data.get("witness") or ""),
            at=datetime.fromisoformat(at) if isinstance(at, str) and at else None,
        )


def check_delivery(delivery: Delivery, issued: datetime | date | None = None) -> Delivery:
    """A delivery record as it may be kept: names trimmed; a refusal needs a witness, a signature a name;
    its time (``at``, default now) neither in the future (:func:`hoteltv.domain.clock.future_problem`) nor
    on a day before ``issued`` (the notice's date: a receipt dated before its notice is untrue, and a
    delivery is recorded only once)."""
    recipient, witness = delivery.recipient.strip(), delivery.witness.strip()
    if delivery.refused and not witness:
        raise ValidationError(
            "拒绝签收须记录见证人姓名 (a refusal needs the name of a witness)",
            [Problem("witness", "required")],
        )
    if not delivery.refused and not recipient:
        raise ValidationError(
            "须填写签收人姓名 (name who signed for the notice)", [Problem("recipient", "required")]
        )
    if delivery.at is not None and delivery.at.tzinfo is None:
        raise ValidationError("送达时间须带时区 (the delivery time needs a time zone)")
    at = delivery.at or utcnow()
    future = clock.future_problem(at, "at", "送达时间 (the delivery time)")
    if future is not None:
        raise ValidationError("送达时间不能在将来 (the delivery time is in the future)", [future])
    if issued is not None and clock.bureau_date(at) < clock.bureau_date(issued):
        day = f"{clock.bureau_date(issued):%Y-%m-%d}"
        raise ValidationError(
            f"送达时间 {clock.fmt(at)} 早于整改通知书的日期 {day} (the delivery is before the notice's date)",
            [Problem("at", f"早于 {day} (before the notice was issued on {day})", clock.fmt(at))],
        )
    return Delivery(delivery.refused, recipient, witness, at)


def _stored_delivery(delivery: Delivery) -> dict[str, Any]:
    assert delivery.at is not None
    return {
        "method": delivery.method,
        "refused": delivery.refused,
        "recipient": delivery.recipient,
        "witness": delivery.witness,
        "at": delivery.at.isoformat(timespec="seconds"),
    }


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
    terms: NoticeTerms = NoticeTerms()
    delivery: Delivery | None = None
    supersedes_id: str | None = None  # the version this one replaces (延期/更正)
    change_reason: str | None = None  # "延期：…" / "更正：…"


def terms_of(stored: dict[str, Any]) -> NoticeTerms:
    """A notice's stored terms; a notice issued before terms were kept gets today's defaults."""
    defaults = NoticeTerms().stored()
    return NoticeTerms(**{key: str(stored.get(key) or default) for key, default in defaults.items()})


def view_of(session: Session, n: RectificationNotice, today: date | None = None) -> NoticeView:
    """A notice as plain values (for a caller holding a session, e.g. sealing in the issuing transaction)."""
    insp = session.get(Inspection, n.inspection_id)
    return NoticeView(
        **carried(
            n,
            "id number inspection_id hotel_id issued_at deadline reinspection_date authority status "
            "reinspection_id closed_at version supersedes_id change_reason",
        ),
        inspection_record_number=insp.record_number if insp else "",
        hotel_name=n.hotel.name,
        division_name=n.hotel.division.name,
        items=tuple(NoticeItem(**item) for item in n.items),
        overdue=lifecycle.is_overdue(n.deadline, n.status, today or clock.today()),
        terms=terms_of(dict(n.terms or {})),
        delivery=Delivery.from_stored(dict(n.delivery or {})),
    )


def item_basis(template: ChecklistTemplate, item_key: str) -> str:
    """The documents a checklist item's rule comes from, as a notice cites them ("" when none)."""
    if not template.has_item(item_key):
        return ""
    names = {s.key: s.zh for s in template.sources}
    return "；".join(names[key] for key in template.item(item_key).sources if key in names)


def default_items(view: insp_service.InspectionView) -> list[NoticeItem]:
    """The failed items of an inspection, as a notice lists them (prefilled for editing)."""
    template = view.template
    return [
        NoticeItem(
            item_key=f.item_key,
            room=f.room_label,
            label=f.label_zh,
            rule=f.rule_zh,
            value=f.value,
            fix=f.rule_zh,  # shown as "整改要求：<rule>" — not "整改要求：按要求整改：…"
            basis=item_basis(template, f.item_key),
        )
        for f in view.verdict.failed
    ]


def issue_notice(
    db: Database,
    inspection_id: str,
    *,
    deadline: date | None = None,
    reinspection_date: date | None = None,
    items: Sequence[NoticeItem] | None = None,
    authority: str | None = None,
    today: date | None = None,
    terms: NoticeTerms | None = None,
    delivery: Delivery | None = None,
    actor: str = "",
) -> NoticeView:
    """Issue a notice for a finalized inspection whose result is not 合格.

    The notice takes the next 文号 of this laptop (a block number, else its fallback series) in the same
    transaction, and keeps ``terms`` (the settings' legal basis and review bodies). ``delivery`` records
    at once how it was served, when that is known on the spot.
    """
    terms = terms or NoticeTerms()
    if delivery is not None:
        delivery = check_delivery(delivery, today or clock.today())
    with db.transaction(actor) as s:
        insp = live(s, Inspection, inspection_id, f"没有这条检查记录 (no inspection {inspection_id})")
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
        if view.template.wording.legal_basis is not None:  # the checklist's own rules, not hotel TV's
            terms = replace(terms, legal_basis=view.template.wording.legal_basis.zh)
        chosen = list(items) if items is not None else default_items(view)
        if not chosen:
            raise ValidationError("整改通知至少要有一项问题 (a notice needs at least one problem)")
        issued = today or clock.today()
        deadline = deadline or lifecycle.default_deadline(issued)
        if deadline < issued:
            raise ValidationError(
                "整改期限不能早于下发日期 (deadline before the issue date)",
                [Problem("deadline", "too early", deadline)],
            )
        if reinspection_date is not None:
            _check_reinspection(reinspection_date, deadline)
        # An earlier open notice for this hotel, from the same checklist, is superseded by the new one (a
        # satellite-facilities notice leaves an open hotel-TV notice alone, and the other way round).
        for older in s.scalars(
            select(RectificationNotice)
            .join(Inspection, Inspection.id == RectificationNotice.inspection_id)
            .where(
                RectificationNotice.hotel_id == insp.hotel_id,
                RectificationNotice.status == "open",
                Inspection.template_id == insp.template_id,
            )
        ):
            older.status = "superseded"
            older.reinspection_id = older.reinspection_id or insp.id
        tag = numbering.device_tag(terms.device_tag, db.device_id)
        allocated = numbering.allocate(s, year=issued.year, prefix=terms.number_prefix, tag=tag)
        notice = RectificationNotice(
            number=allocated.number,
            inspection_id=insp.id,
            hotel_id=insp.hotel_id,
            hotel=insp.hotel,
            issued_at=utcnow() if today is None else _at(issued),
            deadline=deadline,
            reinspection_date=reinspection_date or deadline,
            items=[asdict(i) for i in chosen],
            authority=authority,
            status="open",
            terms=terms.stored(),
            delivery=_stored_delivery(delivery) if delivery is not None else {},
            receipt_signed_by=(delivery.recipient or None) if delivery is not None else None,
        )
        notice.id = new_id()
        s.add(notice)
        from hoteltv.services import seal

        seal.seal_notice(s, notice, authority or seal.default_authority(db))
        s.flush()
        insp_service.refresh_hotel(s, insp.hotel)
        s.flush()
        return view_of(s, notice)


def _check_reinspection(reinspection_date: date, deadline: date) -> None:
    if reinspection_date < deadline:
        raise ValidationError(
            "复查日期应在整改期限之后 (re-inspection date before the deadline)",
            [Problem("reinspection_date", "before deadline", reinspection_date)],
        )


def record_delivery(db: Database, notice_id: str, delivery: Delivery, actor: str = "") -> NoticeView:
    """Record how a notice was served (once): signed for, or refused and left with a witness (留置送达),
    at a time from the notice's date (this version's) to now (see :func:`check_delivery`)."""
    with db.transaction(actor) as s:
        n = live(s, RectificationNotice, notice_id, f"没有这份整改通知 (no notice {notice_id})")
        if n.delivery:
            raise ValidationError(
                "该通知的送达情况已记录，不能修改 (the delivery of this notice is already recorded)"
            )
        delivery = check_delivery(delivery, n.issued_at)
        n.delivery = _stored_delivery(delivery)
        n.receipt_signed_by = delivery.recipient or None
        s.flush()
        return view_of(s, n)


def _at(day: date) -> datetime:
    """The issue time of a notice dated ``day`` (a back-dated one keeps the time of day it was entered)."""
    now = clock.now()
    return datetime.combine(day, now.timetz()).astimezone(UTC)


_SHORT_NUMBER = re.compile(r"^(\d{4})[-/](?:([A-Za-z0-9]{1,8})-)?(\d{1,4})$")


def _newest(s: Session, condition: Any) -> RectificationNotice | None:
    """The newest live notice meeting ``condition`` (a 文号's versions share it)."""
    return s.scalars(
        select(RectificationNotice)
        .where(condition, RectificationNotice.deleted.is_(False))
        .order_by(RectificationNotice.issued_at.desc())
    ).first()


def _by_id_or_number(s: Session, id_or_number: str) -> RectificationNotice | None:
    """A notice by id, else the version of this 文号 issued last (may be deleted when found by id)."""
    return s.get(RectificationNotice, id_or_number) or _newest(s, RectificationNotice.number == id_or_number)


def get_notice(db: Database, id_or_number: str) -> NoticeView:
    """A notice by id, by its 文号, or by the 文号's year and number (``2026-017``, ``2026-D3-017``)."""
    with db.reading() as s:
        n = _by_id_or_number(s, id_or_number)
        short = _SHORT_NUMBER.match(id_or_number.strip())
        if n is None and short:  # "2026-017" or "2026-D3-017": the 文号 without its prefix
            year, tag, serial = short.group(1), short.group(2), int(short.group(3))
            ending = f"〔{year}〕第{tag.upper() + '-' if tag else ''}{serial:03d}号"
            n = _newest(s, RectificationNotice.number.like(f"%{ending}"))
        if n is None or n.deleted:
            raise NotFoundError(f"没有这份整改通知 (no notice {id_or_number})")
        return view_of(s, n)


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
        views = [view_of(s, n, today) for n in s.scalars(stmt.order_by(RectificationNotice.deadline))]
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
        notice = live(s, RectificationNotice, notice_id, f"没有这份整改通知 (no notice {notice_id})")
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

    The new version keeps the 文号, the problems, the inspection and the terms (legal basis, review bodies),
    carries its own seal and code and names the version it replaces and why; the old one becomes
    ``superseded``. The old version's delivery record stays with it; the new one is served anew.
    """
    reason = (reason or "").strip()
    if kind not in CHANGE_KINDS:
        raise ValidationError(f"unknown change {kind!r} (extend or correct)")
    if not reason:
        raise ValidationError(
            f"{CHANGE_KINDS[kind]}须写明理由 (a reason is required)", [Problem("reason", "required")]
        )
    with db.transaction(actor) as s:
        old = _by_id_or_number(s, id_or_number)
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
        _check_reinspection(reinspect, deadline)
        new = RectificationNotice(
            **carried(old, "number inspection_id hotel_id hotel authority"),
            issued_at=utcnow(),
            deadline=deadline,
            reinspection_date=reinspect,
            items=[dict(i) for i in old.items],
            status="open",
            # The terms the notice stated stay; its delivery does not: the new version is a new paper,
            # served (and recorded with record_delivery) when it is handed over.
            terms=dict(old.terms or {}) or NoticeTerms().stored(),
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
        return view_of(s, new)


def notice_versions(db: Database, notice_id: str) -> list[NoticeView]:
    """Every version of a notice (the original, then each 延期/更正), oldest first."""
    with db.reading() as s:
        n = s.get(RectificationNotice, notice_id)
        if n is None:
            raise NotFoundError(f"没有这份整改通知 (no notice {notice_id})")
        return [view_of(s, v) for v in notice_chain(s, n)]


def notice_chain(session: Session, n: RectificationNotice) -> list[RectificationNotice]:
    """Every version of the notice ``n`` belongs to (extensions, corrections), oldest first."""
    return version_chain(session, n, RectificationNotice.issued_at)
