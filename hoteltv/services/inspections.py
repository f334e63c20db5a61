"""Inspection use cases: start, edit (every edit its own transaction), evaluate, finalize, correct.

A draft is edited one answer at a time: each call commits at once, so nothing typed is lost to a crash.
Finalizing checks the record is complete, freezes it (``hoteltv.db.tracking`` refuses later changes),
stores the result and a content hash, and moves the hotel's mode and remediation status on. A correction
is a new draft that supersedes the finalized one; both stay in the history.

Two facts let a record be finalized honestly when the visit does not go by the book: a **refusal to
sign** (the hotel's representative will not sign; the inspectors record a witness and the time, and the
sheet prints 拒绝签字 with the witness instead of a signatory), and an **evidence note** (a failed item the
template marks ``photo_on_fail`` needs a photo linked to it, or the inspector's written reason why there
is none, printed on the sheet): :func:`evidence_gaps` lists what still lacks both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoteltv.db.chains import version_chain
from hoteltv.db.engine import Database
from hoteltv.db.models import (
    AuditEvent,
    Hotel,
    Inspection,
    InspectionInspector,
    Inspector,
    Photo,
    RectificationNotice,
    RoomCheck,
    carried,
    live,
    utcnow,
)
from hoteltv.domain import clock, lifecycle
from hoteltv.domain.checklist import ChecklistTemplate, coerce_answer, latest_template, load_template
from hoteltv.domain.lifecycle import Blocker
from hoteltv.domain.rooms import room_type_key
from hoteltv.domain.rules import RoomAnswers, Verdict, evaluate
from hoteltv.errors import NotFoundError, Problem, RecordFinalizedError, TemplateError, ValidationError
from hoteltv.io.inspection_json import content_hash, hotel_snapshot


@dataclass(frozen=True)
class InspectorView:
    id: str
    name: str
    enforcement_id: str
    division_id: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class RoomView:
    id: str
    position: int
    room_number: str
    floor: str | None
    room_type: str | None
    answers: dict[str, Any]


@dataclass(frozen=True)
class InspectionView:
    """An inspection with its team, rooms, answers and the verdict computed from them."""

    id: str
    record_number: str
    hotel_id: str
    hotel_name: str
    division_name: str
    template_id: str
    template_version: int
    kind: str
    status: str
    owner_device_id: str
    started_at: datetime | None
    ended_at: datetime | None
    ids_shown: bool
    inspectors: tuple[InspectorView, ...]
    hotel_answers: dict[str, Any]
    rooms: tuple[RoomView, ...]
    findings: str | None
    hotel_opinion: str | None
    hotel_signatory: str | None
    contact_on_site: str | None
    contact_phone: str | None
    result: str | None
    finalized_at: datetime | None
    content_hash: str | None
    supersedes_id: str | None
    #: The finalized correction that replaced this record (see :func:`superseded_ids`).
    superseded_by_id: str | None
    notice_id: str | None
    version: int
    updated_at: datetime
    signatures: dict[str, Any]
    verdict: Verdict
    issued_notice_id: str | None = None
    #: The hotel's refusal to sign (None: no refusal recorded).
    refusal: Refusal | None = None
    #: Written reasons why a failed item has no photo evidence.
    evidence_notes: tuple[EvidenceNote, ...] = ()
    #: (room label or None, item key) of every item some photo of this inspection is linked to.
    evidence_photos: frozenset[tuple[str | None, str]] = frozenset()
    #: Its correction, a draft or finalized (there is at most one; a second is refused).
    correction_id: str | None = None

    @property
    def editable(self) -> bool:
        return self.status == "draft"

    def evidence_note(self, item_key: str, room_label: str | None) -> str:
        """The written reason for missing photo evidence of one item ("" when none)."""
        for note in self.evidence_notes:
            if note.item_key == item_key and note.room_label == room_label:
                return note.reason
        return ""

    @property
    def template(self) -> ChecklistTemplate:
        return load_template(self.template_id, self.template_version)


@dataclass(frozen=True)
class Refusal:
    """The hotel's representative refused to sign the sheet: who witnessed it and when."""

    witness: str
    at: datetime | None
    note: str = ""

    @classmethod
    def from_stored(cls, data: Mapping[str, Any] | None) -> Refusal | None:
        if not data:
            return None
        at = data.get("at")
        return cls(
            witness=str(data.get("witness") or ""),
            at=datetime.fromisoformat(at) if isinstance(at, str) and at else None,
            note=str(data.get("note") or ""),
        )


@dataclass(frozen=True)
class EvidenceNote:
    """Why a failed item has no photo linked to it (the inspector's words, printed on the sheet)."""

    item_key: str
    room_label: str | None
    reason: str


@dataclass(frozen=True)
class EvidenceGap:
    """A failed item that needs photo evidence and has neither a linked photo nor a written reason."""

    item_key: str
    room_label: str | None
    label_zh: str
    label_en: str

    def text(self) -> str:
        return f"{finding_place(self.room_label)}“{self.label_zh}”不合格，须拍照取证或写明未拍照的理由"


def finding_place(room_label: str | None, site: str = "酒店") -> str:
    """Where a finding is, as the papers word it: "101房间", or ``site`` for a hotel-level item."""
    return f"{room_label}房间" if room_label else site


@dataclass(frozen=True)
class InspectionSummary:
    """One line of an inspection list."""

    id: str
    record_number: str
    hotel_id: str
    hotel_name: str
    division_name: str
    kind: str
    status: str
    started_at: datetime | None
    result: str | None
    superseded: bool
    rooms: int


@dataclass
class HeaderFields:
    """Header fields of a draft that a form edits; ``None`` leaves a field as it is."""

    started_at: datetime | None = None
    ended_at: datetime | None = None
    ids_shown: bool | None = None
    findings: str | None = None
    hotel_opinion: str | None = None
    hotel_signatory: str | None = None
    contact_on_site: str | None = None
    contact_phone: str | None = None
    signatures: dict[str, Any] | None = field(default=None)


# --- reading -----------------------------------------------------------------------------------------


def load_inspection(session: Session, inspection_id: str) -> Inspection:
    """The live inspection ``inspection_id`` (``NotFoundError`` when there is none or it is deleted)."""
    return live(session, Inspection, inspection_id, f"检查记录不存在 (no inspection with id {inspection_id})")


def _live_rooms(insp: Inspection) -> list[RoomCheck]:
    return [r for r in insp.rooms if not r.deleted]


def verdict_of(insp: Inspection) -> Verdict:
    template = load_template(insp.template_id, insp.template_version)
    rooms = [RoomAnswers(r.room_number, dict(r.answers)) for r in _live_rooms(insp)]
    return evaluate(template, dict(insp.hotel_answers), rooms)


def view_of(session: Session, insp: Inspection) -> InspectionView:
    team = [t for t in insp.team if not t.deleted]
    correction = _correction_of(session, insp.id)
    issued = issued_notice_id(session, insp)
    return InspectionView(
        **carried(
            insp,
            "id record_number hotel_id template_id template_version kind status owner_device_id started_at "
            "ended_at ids_shown hotel_answers findings hotel_opinion hotel_signatory contact_on_site "
            "contact_phone result finalized_at content_hash supersedes_id notice_id version updated_at signatures",
        ),
        hotel_name=insp.hotel.name,
        division_name=insp.hotel.division.name,
        inspectors=tuple(_inspector_view(t.inspector) for t in team),
        rooms=tuple(
            RoomView(r.id, r.position, r.room_number, r.floor, r.room_type, dict(r.answers))
            for r in _live_rooms(insp)
        ),
        superseded_by_id=correction.id
        if correction is not None and correction.status == "finalized"
        else None,
        correction_id=correction.id if correction is not None else None,
        verdict=verdict_of(insp),
        issued_notice_id=issued,
        refusal=Refusal.from_stored(insp.refusal),
        evidence_notes=evidence_notes_of(insp),
        evidence_photos=_evidence_photos(session, insp),
    )


def evidence_notes_of(insp: Inspection) -> tuple[EvidenceNote, ...]:
    """The stored reasons for missing photo evidence as a view shows them (blank reasons left out)."""
    return tuple(
        EvidenceNote(str(n.get("item_key")), n.get("room"), str(n.get("reason") or ""))
        for n in (insp.evidence_notes or [])
        if isinstance(n, dict) and n.get("item_key") and str(n.get("reason") or "").strip()
    )


def version_ids(session: Session, insp: Inspection) -> list[str]:
    """The ids of ``insp`` and of every version it corrects (newest first)."""
    ids = [insp.id]
    older = insp
    while older.supersedes_id and older.supersedes_id not in ids:
        found = session.get(Inspection, older.supersedes_id)
        if found is None:
            break
        older = found
        ids.append(older.id)
    return ids


def issued_notice_id(session: Session, insp: Inspection) -> str | None:
    """The notice issued from this record — or from a version it corrects: a correction of a failed
    inspection refers to the notice already issued and never needs a second one. When the notice has
    new versions (延期/更正), the newest."""
    return session.scalars(
        select(RectificationNotice.id)
        .where(
            RectificationNotice.inspection_id.in_(version_ids(session, insp)),
            RectificationNotice.deleted.is_(False),
        )
        .order_by(RectificationNotice.issued_at.desc())
    ).first()


def _evidence_photos(session: Session, insp: Inspection) -> frozenset[tuple[str | None, str]]:
    # A photo of no room is hotel-level (label None); one of a removed room counts for nothing.
    labels: dict[str | None, str | None] = {r.id: r.room_number for r in _live_rooms(insp)} | {None: None}
    linked = session.execute(
        select(Photo.room_check_id, Photo.item_key).where(
            Photo.inspection_id == insp.id, Photo.deleted.is_(False)
        )
    )
    return frozenset(
        (labels[room_id], key) for room_id, key in linked if key is not None and room_id in labels
    )


def _inspector_view(i: Inspector) -> InspectorView:
    return InspectorView(i.id, i.name, i.enforcement_id, i.division_id, i.phone)


def get_inspection(db: Database, inspection_id: str) -> InspectionView:
    with db.reading() as s:
        return view_of(s, load_inspection(s, inspection_id))


def find_inspection(db: Database, id_or_number: str) -> InspectionView:
    """By id, or by record number (the newest version when a number has corrections)."""
    with db.reading() as s:
        insp = s.get(Inspection, id_or_number)
        if insp is None:
            insp = s.scalars(
                select(Inspection)
                .where(Inspection.record_number == id_or_number, Inspection.deleted.is_(False))
                .order_by(Inspection.created_at.desc())
            ).first()
        if insp is None or insp.deleted:
            raise NotFoundError(f"没有这条检查记录 (no inspection {id_or_number})")
        return view_of(s, insp)


def list_inspections(
    db: Database, *, hotel_id: str | None = None, status: str | None = None, include_superseded: bool = True
) -> list[InspectionSummary]:
    """Inspections, newest first."""
    with db.reading() as s:
        stmt = select(Inspection).where(Inspection.deleted.is_(False))
        if hotel_id:
            stmt = stmt.where(Inspection.hotel_id == hotel_id)
        if status:
            stmt = stmt.where(Inspection.status == status)
        stmt = stmt.order_by(Inspection.started_at.desc(), Inspection.created_at.desc())
        replaced = superseded_ids(s)
        return [
            _summary(insp, insp.id in replaced)
            for insp in s.scalars(stmt)
            if include_superseded or insp.id not in replaced
        ]


def _correction_of(session: Session, inspection_id: str) -> Inspection | None:
    """The live correction of a record, a draft or finalized (a record has at most one)."""
    return session.scalars(
        select(Inspection).where(Inspection.supersedes_id == inspection_id, Inspection.deleted.is_(False))
    ).first()


def replacing(chain: Sequence[Inspection], position: int) -> Inspection | None:
    """The version that replaces ``chain[position]`` in its chain of versions (oldest first): the first
    finalized one after it. A correction still a draft replaces nothing yet (see :func:`superseded_ids`)."""
    return next((c for c in chain[position + 1 :] if c.status == "finalized"), None)


def superseded_ids(session: Session) -> set[str]:
    """The ids of the records a finalized correction in force replaces. A correction still a draft, or
    discarded, replaces nothing: the record it would correct is the one in force (the rule of
    :func:`hoteltv.domain.lifecycle.hotel_state`, for lists, exports, counts and reports alike)."""
    return set(
        session.scalars(
            select(Inspection.supersedes_id).where(
                Inspection.supersedes_id.is_not(None),
                Inspection.deleted.is_(False),
                Inspection.status == "finalized",
            )
        )
    )


def _summary(insp: Inspection, superseded: bool) -> InspectionSummary:
    return InspectionSummary(
        **carried(insp, "id record_number hotel_id kind status started_at result"),
        hotel_name=insp.hotel.name,
        division_name=insp.hotel.division.name,
        superseded=superseded,
        rooms=len(_live_rooms(insp)),
    )


# --- inspectors ----------------------------------------------------------------------------------------


def list_inspectors(db: Database) -> list[InspectorView]:
    with db.reading() as s:
        return [
            _inspector_view(i)
            for i in s.scalars(select(Inspector).where(Inspector.deleted.is_(False)).order_by(Inspector.name))
        ]


def add_inspector(
    db: Database,
    name: str,
    enforcement_id: str,
    *,
    division_id: str | None = None,
    phone: str | None = None,
    actor: str = "",
) -> InspectorView:
    problems = []
    if not name.strip():
        problems.append(Problem("name", "姓名不能为空 (name is required)"))
    if not enforcement_id.strip():
        problems.append(Problem("enforcement_id", "执法证号不能为空 (enforcement ID is required)"))
    if problems:
        raise ValidationError("检查人员信息不完整 (inspector not saved)", problems)
    with db.transaction(actor) as s:
        if s.scalars(
            select(Inspector).where(
                Inspector.enforcement_id == enforcement_id.strip(), Inspector.deleted.is_(False)
            )
        ).first():
            raise ValidationError(
                "执法证号已存在 (an inspector with this enforcement ID exists)",
                [Problem("enforcement_id", "duplicate", enforcement_id)],
            )
        i = Inspector(
            name=name.strip(), enforcement_id=enforcement_id.strip(), division_id=division_id, phone=phone
        )
        s.add(i)
        s.flush()
        return _inspector_view(i)


def last_team(db: Database) -> list[str]:
    """Inspector ids of the most recently started inspection (offered again for the next one)."""
    with db.reading() as s:
        insp = s.scalars(
            select(Inspection).where(Inspection.deleted.is_(False)).order_by(Inspection.created_at.desc())
        ).first()
        return [] if insp is None else [t.inspector_id for t in insp.team if not t.deleted]


# --- starting and editing -----------------------------------------------------------------------------


def next_record_number(session: Session, device_id: str, day: date) -> str:
    """``JC-20261127-3F2A-01``: date, the device's short id, the device's count that day.

    Unique across devices without asking a server, readable on paper.
    """
    stem = f"JC-{day:%Y%m%d}-{device_id[:4].upper()}-"
    existing = session.scalars(
        select(Inspection.record_number).where(Inspection.record_number.like(stem + "%"))
    ).all()
    numbers = [int(n[len(stem) : len(stem) + 2]) for n in existing if n[len(stem) : len(stem) + 2].isdigit()]
    return f"{stem}{max(numbers, default=0) + 1:02d}"


def _set_team(session: Session, insp: Inspection, inspector_ids: Sequence[str]) -> None:
    ids = list(dict.fromkeys(inspector_ids))
    for iid in ids:
        inspector = session.get(Inspector, iid)
        if inspector is None or inspector.deleted:
            raise ValidationError(
                "未知的检查人员 (unknown inspector)", [Problem("inspectors", "not found", iid)]
            )
    current = {t.inspector_id: t for t in insp.team if not t.deleted}
    for iid, member in current.items():
        if iid not in ids:
            member.deleted = True
    revived = {t.inspector_id: t for t in insp.team if t.deleted and t.inspector_id in ids}
    for pos, iid in enumerate(ids):
        found = current.get(iid) or revived.get(iid)
        if found is None:
            insp.team.append(InspectionInspector(inspector_id=iid, position=pos))
        else:
            if found.deleted:
                found.deleted = False
            if found.position != pos:
                found.position = pos


def new_draft(
    session: Session,
    hotel: Hotel,
    template: ChecklistTemplate,
    device_id: str,
    started_at: datetime,
    record_number: str | None = None,
    **columns: Any,
) -> Inspection:
    """A new draft of ``hotel`` owned by ``device_id``, added to ``session``; without a ``record_number``
    it gets the next of this device's series (never two records with one number). ``columns``: the rest."""
    insp = Inspection(
        record_number=record_number or next_record_number(session, device_id, clock.bureau_date(started_at)),
        hotel_id=hotel.id,
        hotel=hotel,
        template_id=template.id,
        template_version=template.version,
        status="draft",
        owner_device_id=device_id,
        started_at=started_at,
        **columns,
    )
    session.add(insp)
    return insp


def start_inspection(
    db: Database,
    hotel_id: str,
    inspector_ids: Sequence[str],
    *,
    kind: str = "first",
    notice_id: str | None = None,
    template: ChecklistTemplate | None = None,
    started_at: datetime | None = None,
    actor: str = "",
) -> InspectionView:
    """Open a new draft for a hotel on this device, with the current template version."""
    template = template or latest_template()
    if kind not in lifecycle.KINDS:
        raise ValidationError(f"unknown inspection kind {kind!r}")
    untrue = clock.span_problems(started_at, None)
    if untrue:
        raise ValidationError("开始时间不能在将来 (the start time is in the future)", untrue)
    with db.transaction(actor) as s:
        hotel = live(s, Hotel, hotel_id, f"酒店不存在 (no hotel with id {hotel_id})")
        insp = new_draft(
            s,
            hotel,
            template,
            db.device_id,
            started_at or utcnow(),
            kind=kind,
            notice_id=notice_id,
            hotel_answers={},
            contact_on_site=hotel.contact_name,
            contact_phone=hotel.contact_phone,
        )
        _set_team(s, insp, inspector_ids)
        s.flush()
        return view_of(s, insp)


def _draft(session: Session, inspection_id: str) -> Inspection:
    insp = load_inspection(session, inspection_id)
    if insp.status != "draft":
        raise RecordFinalizedError(
            f"检查记录 {insp.record_number} 已定稿,不能修改 (finalized; use Correct… to make a new version)"
        )
    return insp


def set_team(
    db: Database, inspection_id: str, inspector_ids: Sequence[str], actor: str = ""
) -> InspectionView:
    with db.transaction(actor) as s:
        insp = _draft(s, inspection_id)
        _set_team(s, insp, inspector_ids)
        s.flush()
        return view_of(s, insp)


def update_header(db: Database, inspection_id: str, changes: HeaderFields, actor: str = "") -> InspectionView:
    with db.transaction(actor) as s:
        insp = _draft(s, inspection_id)
        for key in HeaderFields.__dataclass_fields__:
            value = getattr(changes, key)
            if value is not None and getattr(insp, key) != value:
                setattr(insp, key, value)
        s.flush()
        return view_of(s, insp)


def set_hotel_answer(
    db: Database, inspection_id: str, item_key: str, raw: object, actor: str = ""
) -> InspectionView:
    """Record one hotel-level answer (``raw`` as typed: "是", "35秒", None to clear)."""
    with db.transaction(actor) as s:
        insp = _draft(s, inspection_id)
        insp.hotel_answers = _answered(insp, insp.hotel_answers, "hotel", item_key, raw)
        s.flush()
        return view_of(s, insp)


def _answered(
    insp: Inspection, answers: dict[str, Any], scope: str, item_key: str, raw: object
) -> dict[str, Any]:
    """A new answers dict with one answer set (validated against the inspection's template) or cleared."""
    template = load_template(insp.template_id, insp.template_version)
    item = _item(template, item_key, scope)
    value = None if raw is None or raw == "" else coerce_answer(item, raw)
    updated = dict(answers)  # a new dict, so the change is seen (and audited) as a change
    if value is None:
        updated.pop(item_key, None)
    else:
        updated[item_key] = value
    return updated


def _item(template: ChecklistTemplate, key: str, scope: str) -> Any:
    if not template.has_item(key):
        raise ValidationError(
            f"检查表中没有项目 {key} (no item {key!r} in template {template.id} v{template.version})"
        )
    item = template.item(key)
    if item.scope != scope:
        raise ValidationError(
            f"项目 {key} 属于 {item.scope} 级,不是 {scope} 级 (item {key} is a {item.scope} item)"
        )
    return item


def add_room(
    db: Database,
    inspection_id: str,
    room_number: str,
    *,
    floor: str | None = None,
    room_type: str | None = None,
    answers: Mapping[str, object] | None = None,
    actor: str = "",
) -> InspectionView:
    with db.transaction(actor) as s:
        insp = _draft(s, inspection_id)
        room_number = _room_number(insp, room_number)
        template = load_template(insp.template_id, insp.template_version)
        clean = {
            key: coerce_answer(_item(template, key, "room"), raw)
            for key, raw in (answers or {}).items()
            if raw is not None and raw != ""
        }
        position = max((r.position for r in insp.rooms), default=-1) + 1
        insp.rooms.append(
            RoomCheck(
                room_number=room_number,
                floor=(floor or "").strip() or None,
                room_type=room_type_key(room_type),
                position=position,
                answers=clean,
            )
        )
        s.flush()
        return view_of(s, insp)


def _room_number(insp: Inspection, text: str | None, room_id: str | None = None) -> str:
    """A room number as typed, refused when blank or already sampled (by a room other than ``room_id``)."""
    number = (text or "").strip()
    if not number:
        raise ValidationError(
            "房间号不能为空 (room number is required)", [Problem("room_number", "required")]
        )
    if any(r.room_number == number and r.id != room_id for r in _live_rooms(insp)):
        raise ValidationError(
            f"房间 {number} 已在抽查列表中 (room {number} is already sampled)",
            [Problem("room_number", "duplicate", number)],
        )
    return number


def _room(session: Session, room_id: str) -> RoomCheck:
    room = live(session, RoomCheck, room_id, f"没有这个房间记录 (no room check {room_id})")
    _draft(session, room.inspection_id)
    return room


def update_room(
    db: Database,
    room_id: str,
    *,
    room_number: str | None = None,
    floor: str | None = None,
    room_type: str | None = None,
    actor: str = "",
) -> InspectionView:
    with db.transaction(actor) as s:
        room = _room(s, room_id)
        if room_number is not None:
            insp = room.inspection
            number = _room_number(insp, room_number, room.id)
            if number != room.room_number and any(
                n.get("room") == room.room_number for n in insp.evidence_notes or []
            ):  # the written reasons follow the room
                insp.evidence_notes = [
                    {**n, "room": number} if n.get("room") == room.room_number else n
                    for n in insp.evidence_notes
                ]
            room.room_number = number
        if floor is not None:
            room.floor = floor.strip() or None
        if room_type is not None:
            room.room_type = room_type_key(room_type)
        s.flush()
        return view_of(s, room.inspection)


def remove_room(db: Database, room_id: str, actor: str = "") -> InspectionView:
    with db.transaction(actor) as s:
        room = _room(s, room_id)
        room.deleted = True
        s.flush()
        return view_of(s, room.inspection)


def set_room_answer(
    db: Database, room_id: str, item_key: str, raw: object, actor: str = ""
) -> InspectionView:
    """Record one per-room answer (``raw`` as typed; None or "" clears it)."""
    with db.transaction(actor) as s:
        room = _room(s, room_id)
        insp = room.inspection
        room.answers = _answered(insp, room.answers, "room", item_key, raw)
        s.flush()
        return view_of(s, insp)


@dataclass(frozen=True)
class AnswerChange:
    """One change of one answer, read from the audit trail: when, by whom (actor, device), to what."""

    at: datetime
    actor: str
    device_id: str
    value: Any
    """The value from then on (None: cleared)."""


def answer_history(
    db: Database, inspection_id: str, item_key: str, room_id: str | None = None
) -> list[AnswerChange]:
    """Every change of one answer (hotel-level, or of the room ``room_id``), oldest first.

    Read from :class:`AuditEvent`, which records each write's old and new answers; nothing is stored twice.
    """
    with db.reading() as s:
        insp = load_inspection(s, inspection_id)
        if room_id is None:
            entity, entity_id, column = "inspections", insp.id, "hotel_answers"
        else:
            room = s.get(RoomCheck, room_id)
            if room is None or room.inspection_id != insp.id:
                raise NotFoundError(f"没有这个房间记录 (no room check {room_id})")
            entity, entity_id, column = "room_checks", room.id, "answers"
        events = s.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
        out: list[AnswerChange] = []
        current: Any = None
        for event in events:
            change = (event.changes or {}).get(column)
            if not isinstance(change, list) or len(change) != 2:
                continue
            new = (change[1] or {}).get(item_key) if isinstance(change[1], dict) else None
            if new != current:
                out.append(AnswerChange(event.at, event.actor, event.device_id, new))
                current = new
        return out


def set_refusal(
    db: Database,
    inspection_id: str,
    refused: bool,
    *,
    witness: str = "",
    at: datetime | None = None,
    note: str = "",
    actor: str = "",
) -> InspectionView:
    """Record (or withdraw) the hotel's refusal to sign, with the witness's name and the time.

    While the witness is still blank the refusal is kept (a draft fills up field by field); finalizing
    then asks for the witness. The time is kept from the first record unless ``at`` is given.
    """
    if at is not None and at.tzinfo is None:
        raise ValidationError("拒签时间须带时区 (the refusal time needs a time zone)")
    with db.transaction(actor) as s:
        insp = _draft(s, inspection_id)
        if not refused:
            if insp.refusal:
                insp.refusal = {}
        else:
            old = dict(insp.refusal or {})
            when = (
                at.isoformat(timespec="seconds")
                if at
                else old.get("at") or utcnow().isoformat(timespec="seconds")
            )
            new = {"witness": witness.strip(), "at": when, "note": note.strip()}
            if new != old:
                insp.refusal = new
        s.flush()
        return view_of(s, insp)


def set_evidence_reason(
    db: Database,
    inspection_id: str,
    item_key: str,
    reason: str,
    *,
    room_id: str | None = None,
    actor: str = "",
) -> InspectionView:
    """Write (or, with a blank ``reason``, clear) why a failed item has no photo evidence."""
    with db.transaction(actor) as s:
        insp = _draft(s, inspection_id)
        template = load_template(insp.template_id, insp.template_version)
        room_label: str | None = None
        if room_id is not None:
            room = _room(s, room_id)
            if room.inspection_id != insp.id:
                raise ValidationError("房间不属于这条检查记录 (the room belongs to another inspection)")
            room_label = room.room_number
        _item(template, item_key, "room" if room_id is not None else "hotel")
        reason = reason.strip()
        notes = [
            n
            for n in (insp.evidence_notes or [])
            if not (n.get("item_key") == item_key and n.get("room") == room_label)
        ]
        if reason:
            notes.append({"room": room_label, "item_key": item_key, "reason": reason})
        if notes != list(insp.evidence_notes or []):
            insp.evidence_notes = notes
        s.flush()
        return view_of(s, insp)


def evidence_gaps(view: InspectionView) -> list[EvidenceGap]:
    """Failed items the template wants photographed that have no linked photo and no written reason."""
    return [
        EvidenceGap(f.item_key, f.room_label, f.label_zh, f.label_en)
        for f in view.verdict.failed
        if f.photo_on_fail
        and (f.room_label, f.item_key) not in view.evidence_photos
        and not view.evidence_note(f.item_key, f.room_label).strip()
    ]


def discard_draft(db: Database, inspection_id: str, actor: str = "") -> None:
    """Throw away a draft (tombstoned, kept in the audit trail)."""
    with db.transaction(actor) as s:
        insp = _draft(s, inspection_id)
        insp.deleted = True


# --- finalizing and correcting -----------------------------------------------------------------------


def finalize_problems(view: InspectionView, ended_at: datetime | None = None) -> list[Problem]:
    """Everything that still stops a draft from being finalized (empty list: it can be finalized).

    Each problem's ``code`` is a :class:`Blocker`; ``where`` is the field it concerns (``inspectors``,
    ``ids_shown``, ``rooms``, ``evidence``, ``refusal_witness``, ``hotel_opinion``, ``hotel_signatory``,
    ``started_at``, ``ended_at``) or, for an unanswered item, its place and key ("room 101: tv_on").
    ``ended_at``: the end time finalizing is given; without one (and none stored) the record ends now.
    """
    problems: list[Problem] = [
        replace(p, code=Blocker.UNTRUE_TIME)
        for p in clock.span_problems(view.started_at, ended_at or view.ended_at or clock.now())
    ]

    def need(ok: bool, where: str, message: str, code: Blocker, value: object = None) -> None:
        if not ok:
            problems.append(Problem(where, message, value, code))

    least, v = lifecycle.MIN_INSPECTORS, view.verdict
    text = f"至少需要{least}名检查人员 (at least {least} inspectors)"
    need(len(view.inspectors) >= least, "inspectors", text, Blocker.TOO_FEW_INSPECTORS, least)
    text = "须勾选已出示执法证件 (tick that enforcement IDs were shown)"
    need(view.ids_shown, "ids_shown", text, Blocker.IDS_NOT_SHOWN)
    text = f"还需抽查{v.rooms_short}间客房 (sample {v.rooms_short} more room(s))"
    need(v.rooms_short <= 0, "rooms", text, Blocker.ROOMS_SHORT, v.rooms_short)
    for m in v.missing:
        where = f"room {m.room_label}" if m.room_label else "hotel"
        problems.append(
            Problem(f"{where}: {m.item_key}", f"未填写: {m.label_zh} (unanswered)", m, Blocker.UNANSWERED)
        )
    for gap in evidence_gaps(view):
        text = gap.text() + " (photo evidence or a reason is required)"
        problems.append(Problem("evidence", text, gap, Blocker.EVIDENCE_MISSING))
    if view.refusal is not None:
        # A refusal stands in for the hotel's signature and opinion; the witness makes it a record.
        text = "拒绝签字须填写见证人姓名 (a refusal needs a witness's name)"
        need(bool(view.refusal.witness.strip()), "refusal_witness", text, Blocker.WITNESS_MISSING)
        return problems
    text = "须填写被检查单位意见 (the hotel's opinion is required)"
    need(bool((view.hotel_opinion or "").strip()), "hotel_opinion", text, Blocker.OPINION_MISSING)
    text = "须填写被检查单位签字人 (name who signs for the hotel)"
    need(bool((view.hotel_signatory or "").strip()), "hotel_signatory", text, Blocker.SIGNATORY_MISSING)
    return problems


def finalize(
    db: Database,
    inspection_id: str,
    *,
    ended_at: datetime | None = None,
    actor: str = "",
    seal: bool = True,
) -> InspectionView:
    """Freeze a complete draft: result, content hash and seal stored; the hotel's mode and status follow.

    The sheet's 检查单位 is the data folder's ``authority`` setting; ``seal=False`` exists only for the
    benchmark that measures what sealing costs.
    """
    from hoteltv.services import seal as sealing

    with db.transaction(actor) as s:
        insp = _draft(s, inspection_id)
        view = view_of(s, insp)
        problems = finalize_problems(view, ended_at)
        if problems:
            raise ValidationError(
                "记录不完整或有误,不能定稿 (the record is not complete or not right)", problems
            )
        insp.ended_at = ended_at or insp.ended_at or utcnow()
        insp.result = view.verdict.result
        insp.finalized_at = utcnow()
        if not insp.findings:
            insp.findings = default_findings(view.verdict)
        insp.hotel_snapshot = hotel_snapshot(insp.hotel)
        insp.content_hash = content_hash(s, insp)
        insp.status = "finalized"
        if seal:
            sealing.seal_inspection(s, insp, sealing.default_authority(db))
        s.flush()
        if insp.supersedes_id:
            # A correction stands in for the record it supersedes in every notice that pointed at it.
            for notice in s.scalars(
                select(RectificationNotice).where(RectificationNotice.reinspection_id == insp.supersedes_id)
            ):
                notice.reinspection_id = insp.id
        if insp.kind == "reinspection" and insp.notice_id:
            answered = s.get(RectificationNotice, insp.notice_id)
            if answered is not None and answered.status == "open":
                answered.reinspection_id = insp.id
                if lifecycle.notice_closes(insp.result or ""):
                    answered.status = "closed"
                    answered.closed_at = utcnow()
        refresh_hotel(s, insp.hotel)
        s.flush()
        return view_of(s, insp)


def default_findings(verdict: Verdict) -> str:
    """The findings text written when the inspectors wrote none: each failed item and its rule."""
    if not verdict.failed:
        return "抽查客房电视各项均符合要求。"
    return (
        "；".join(
            f"{finding_place(f.room_label)}：{f.label_zh}不符合要求（{f.rule_zh}）" for f in verdict.failed
        )
        + "。"
    )


def correct(db: Database, inspection_id: str, actor: str = "") -> InspectionView:
    """Make a new draft that supersedes a finalized inspection (the original stays unchanged)."""
    with db.transaction(actor) as s:
        old = load_inspection(s, inspection_id)
        if old.status != "finalized":
            raise ValidationError(
                "只有已定稿的记录需要更正;草稿可直接修改 (only a finalized record is corrected)"
            )
        if _correction_of(s, old.id) is not None:
            raise ValidationError(
                "这条记录已有更正版本 (this record already has a correction; correct the newest)"
            )
        new = Inspection(
            **carried(
                old,
                "record_number hotel_id hotel template_id template_version kind started_at ended_at ids_shown "
                "hotel_answers findings hotel_opinion hotel_signatory contact_on_site contact_phone notice_id",
            ),
            status="draft",
            owner_device_id=db.device_id,
            supersedes_id=old.id,
            signatures={},
            refusal=dict(old.refusal or {}),
            evidence_notes=list(old.evidence_notes or []),
        )
        s.add(new)
        for r in _live_rooms(old):
            new.rooms.append(RoomCheck(**carried(r, "room_number floor room_type position answers")))
        _set_team(s, new, [t.inspector_id for t in old.team if not t.deleted])
        s.flush()
        from hoteltv.services.photos import copy_photos  # photos are evidence of the corrected record too

        copy_photos(s, old.id, new.id)
        s.flush()
        return view_of(s, new)


def history(db: Database, inspection_id: str) -> list[InspectionSummary]:
    """The chain of versions an inspection belongs to, oldest first."""
    with db.reading() as s:
        chain = version_chain(s, load_inspection(s, inspection_id), Inspection.created_at)
        return [_summary(i, replacing(chain, n) is not None) for n, i in enumerate(chain)]


# --- hotel state -----------------------------------------------------------------------------------------


def drives_status(insp: Mapping[str, Any] | None) -> bool:
    """Does this inspection (column values; None: not here) speak for its hotel's TV remediation? Only
    checklists that say so (``site_status``) do: a satellite-facilities check at a hotel does not."""
    if insp is None:
        return True
    try:
        return load_template(insp["template_id"], insp["template_version"]).site_status
    except TemplateError:
        return True


def refresh_hotel(session: Session, hotel: Hotel) -> None:
    """Recompute a hotel's current mode and remediation status from its history
    (:func:`hoteltv.domain.lifecycle.hotel_state`)."""
    inspections = [
        {c: getattr(i, c) for c in _STATE_COLUMNS}
        for i in session.scalars(select(Inspection).where(Inspection.hotel_id == hotel.id))
    ]
    notices = [
        {"inspection_id": n.inspection_id, "status": n.status, "deleted": n.deleted, "issued_at": n.issued_at}
        for n in session.scalars(select(RectificationNotice).where(RectificationNotice.hotel_id == hotel.id))
    ]
    mode, status = lifecycle.hotel_state(inspections, notices, drives_status)
    if hotel.remediation_status != status:
        hotel.remediation_status = status
    if mode and hotel.current_mode != mode:
        hotel.current_mode = mode


#: The columns of an inspection that its hotel's state is worked out from.
_STATE_COLUMNS = (
    "id",
    "status",
    "deleted",
    "supersedes_id",
    "started_at",
    "finalized_at",
    "template_id",
    "template_version",
    "result",
    "hotel_answers",
)


def inspections_as_table(db: Database) -> tuple[list[str], list[list[Any]]]:
    """Every inspection as spreadsheet rows, one per inspection, with its failed items spelled out."""
    headers = [
        "记录编号",
        "酒店",
        "县区",
        "类型",
        "状态",
        "开始时间",
        "结束时间",
        "检查人员",
        "抽查房间数",
        "结果",
        "不合格项",
        "已被更正",
        "记录ID",
    ]
    rows: list[list[Any]] = []
    with db.reading() as s:
        superseded = superseded_ids(s)
        stmt = select(Inspection).where(Inspection.deleted.is_(False)).order_by(Inspection.started_at)
        for insp in s.scalars(stmt):
            verdict = verdict_of(insp)
            failed = ";".join(
                (f"{f.room_label}房 " if f.room_label else "") + f.label_zh for f in verdict.failed
            )
            rows.append(
                [
                    insp.record_number,
                    insp.hotel.name,
                    insp.hotel.division.name,
                    lifecycle.KINDS[insp.kind][0],
                    "已定稿" if insp.status == "finalized" else "草稿",
                    clock.fmt(insp.started_at),
                    clock.fmt(insp.ended_at),
                    "、".join(t.inspector.name for t in insp.team if not t.deleted),
                    len(_live_rooms(insp)),
                    lifecycle.result_label(insp.result) if insp.result else "",
                    failed,
                    "是" if insp.id in superseded else "",
                    insp.id,
                ]
            )
    return headers, rows
