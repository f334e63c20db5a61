"""Seals: every fact a finalized inspection sheet or an issued notice prints, frozen into the record.

A seal is the serialized form of the data a paper is drawn from — :class:`SheetFacts` for the
现场检查记录, :class:`NoticeFacts` for the 整改通知书 — dumped generically (pydantic's ``TypeAdapter`` over
the dataclasses), so a field added to those data classes later is sealed without anyone listing it here.
It is stored as canonical JSON text (``seal_json``) beside its SHA-256 (``seal_hash``) when an inspection is
finalized or a notice issued; the verification code's hash part is the seal hash.

Finalized sheets and issued notices print **only** from the seal (:func:`sheet_facts_from_seal`,
:func:`notice_facts_from_seal`): a hotel renamed or moved later, a template file edited, an inspector's
id changed — none of it changes a reprint. :func:`seal_problem` says whether a stored seal is intact
(its hash, and the record's own content hash sealed inside it); printing refuses a broken seal, ``verify``
says 不一致 and ``hoteltv check`` lists the record. See ``docs/seal.md``.

What is not sealed, because it comes later and has its own paper and code: the notice issued from a
sheet, the version that supersedes it, a notice's status (closed / superseded / extended), and how a
notice was served (its delivery record, the 送达回证's facts: recorded once, after issue, and never
changed — see :func:`hoteltv.services.notices.record_delivery`).
"""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import MISSING, dataclass, fields, replace
from datetime import UTC, datetime
from functools import cache
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from hoteltv.db.models import Hotel, Inspection, RectificationNotice
from hoteltv.domain.checklist import ChecklistTemplate, load_template
from hoteltv.errors import HoteltvError, TemplateError
from hoteltv.hashing import canonical_json, canonical_sha256, text_sha256
from hoteltv.io.inspection_json import (
    HASHED_FIELDS,
    conduct_facts,
    hash_document,
    hashed_content,
    hotel_identity,
    inspection_document,
    iso_time,
)
from hoteltv.services import inspections as insp_service
from hoteltv.services import notices as notice_service
from hoteltv.services.hotel_merge import surviving_ids
from hoteltv.services.photos import PhotoView, photo_views

SEAL_FORMAT = "hoteltv-seal/1"
BY_FINALIZE = "finalize"  # sealed when the record was finalized / the notice issued
BY_MIGRATION = "migration"  # sealed by the schema upgrade from the data at hand (records made before seals)
BY_IMPORT = "import"  # sealed when a finalized record was imported from a JSON file
DRAFT = "draft"  # the facts of a draft, gathered to print it with a 草稿 watermark; never stored


class SealError(HoteltvError):
    """A stored seal is missing or does not match its hash: the record was changed behind the program."""


@dataclass(frozen=True)
class SealedHotel:
    """The inspected unit as the paper names it."""

    name: str
    division_code: str
    division_name: str
    address: str | None
    credit_code: str | None
    person_in_charge: str | None
    contact_name: str | None
    contact_phone: str | None


@dataclass(frozen=True)
class SealedTemplate:
    """The checklist template a record was made with: identity, title and a hash of its whole content.

    The sheet's item labels and requirement texts come from the template file of that id and version; the
    hash makes sure the file a reprint reads is the one the record was sealed with (the rule texts the
    verdict used are sealed in the verdict itself).
    """

    id: str
    version: int
    title_zh: str
    sha256: str


@dataclass(frozen=True)
class SheetFacts:
    """Everything a 现场检查记录 prints: the seal of a finalized inspection."""

    view: insp_service.InspectionView
    hotel: SealedHotel
    template: SealedTemplate
    #: The record's content hash (answers, rooms, team, result…) when sealed: ties the seal to the record.
    record_hash: str
    earlier: tuple[notice_service.NoticeItem, ...]
    answered_notice_number: str | None
    photos: tuple[PhotoView, ...]
    authority: str
    sealed_by: str = BY_FINALIZE
    format: str = SEAL_FORMAT


@dataclass(frozen=True)
class NoticeFacts:
    """Everything a 整改通知书 and its 送达回证 print: the seal of an issued notice."""

    notice: notice_service.NoticeView
    inspection: insp_service.InspectionView | None
    hotel: SealedHotel
    template: SealedTemplate | None
    photos: tuple[PhotoView, ...]
    authority: str
    sealed_by: str = BY_FINALIZE
    format: str = SEAL_FORMAT


@cache
def _adapter(cls: type) -> TypeAdapter[Any]:
    return TypeAdapter(cls)


# --- serializing ----------------------------------------------------------------------------------------


#: Fields holding sets (dumped as lists): sorted, so the same facts always give the same text and hash.
_SET_FIELDS = frozenset({"evidence_photos"})


def _settled(node: Any) -> Any:
    """JSON data with the lists dumped from sets in a fixed order (a set's order varies between runs)."""
    if isinstance(node, dict):
        return {
            k: sorted(v, key=canonical_json) if k in _SET_FIELDS and isinstance(v, list) else _settled(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_settled(v) for v in node]
    return node


def dump(facts: SheetFacts | NoticeFacts) -> tuple[str, str]:
    """``(seal_json, seal_hash)`` of sheet or notice facts."""
    cls: type = type(facts)
    text = canonical_json(_settled(_adapter(cls).dump_python(facts, mode="json")))
    return text, text_sha256(text)


def _load(cls: type, seal_json: str | None, seal_hash: str | None, what: str) -> Any:
    if not seal_json or not seal_hash:
        raise SealError(f"{what}未封存，不能打印 ({what} has no seal)")
    if text_sha256(seal_json) != seal_hash:
        raise SealError(
            f"{what}的封存内容与校验值不符，记录在定稿后被改动，拒绝打印 "
            f"(the sealed content does not match its hash: changed behind the program; not printed)"
        )
    try:
        return _adapter(cls).validate_python(json.loads(seal_json))
    except ValueError as exc:
        raise SealError(f"{what}的封存内容无法读取 (the seal cannot be read: {exc})") from exc


def sheet_facts_from_seal(insp: Inspection) -> SheetFacts:
    """The facts a finalized sheet prints, read back from its seal (never from live tables)."""
    what = f"检查记录 {insp.record_number} "
    facts: SheetFacts = _load(SheetFacts, insp.seal_json, insp.seal_hash, what)
    if facts.view.id != insp.id or facts.record_hash != insp.content_hash:
        raise SealError(
            f"{what}的封存内容与记录不符，拒绝打印 (the seal does not belong to this record's content)"
        )
    differ = _disagreement(facts.view, facts.hotel, facts.template, insp)
    session = object_session(insp)
    answered = (
        session.get(RectificationNotice, insp.notice_id) if session is not None and insp.notice_id else None
    )
    if answered is not None:  # a re-inspection prints the problems of the notice it answers
        sealed = (facts.answered_notice_number, _json_of(facts.earlier))
        if sealed != (answered.number, _json_of(_notice_items(answered))):
            differ.append("earlier")
    _refuse_disagreement(what, differ)
    _check_template(facts.template)
    return facts


def notice_facts_from_seal(n: RectificationNotice) -> NoticeFacts:
    what = f"整改通知书 {n.number} "
    facts: NoticeFacts = _load(NoticeFacts, n.seal_json, n.seal_hash, what)
    if facts.notice.id != n.id:
        raise SealError(f"{what}的封存内容与记录不符，拒绝打印 (the seal belongs to another notice)")
    live = _notice_record(n)
    sealed = _notice_record_of(facts.notice)
    if live["hotel_id"] != sealed["hotel_id"] and _merged_into(n, sealed["hotel_id"], live["hotel_id"]):
        live["hotel_id"] = sealed["hotel_id"]  # the hotel was merged: the same unit, as sealed
    if live != sealed:
        changed = sorted(k for k in live if live[k] != sealed.get(k))
        raise SealError(
            f"{what}的记录与封存内容不一致（{'、'.join(changed)}），记录在下发后被改动，拒绝打印；"
            f"延期或更正请用“延期/更正”生成新版本 (the notice was changed after it was issued: {', '.join(changed)}; "
            f"use 'hoteltv notices extend' for a new version)"
        )
    printed = {  # what the paper prints, where the seal holds it twice: both must say the same
        "authority": (facts.authority, n.authority or facts.authority),
        "hotel_name": (facts.notice.hotel_name, facts.hotel.name),
        "division_name": (facts.notice.division_name, facts.hotel.division_name),
    }
    differ = [k for k, (shown, held) in printed.items() if shown != held]
    _refuse_disagreement(what, differ + _followed_inspection_disagreement(n, facts))
    if facts.template is not None:
        _check_template(facts.template)
    return facts


def _followed_inspection_disagreement(n: RectificationNotice, facts: NoticeFacts) -> list[str]:
    """Where the inspection a notice's seal shows is not the finalized record it was issued from, as held
    (``inspection.<field>``; empty: it is, or that record is not here)."""
    session = object_session(n)
    insp = session.get(Inspection, n.inspection_id) if session is not None else None
    if facts.inspection is None or facts.template is None or insp is None:
        return []
    if facts.inspection.id != insp.id:
        return ["inspection"]
    if insp.status != "finalized" or not insp.content_hash:
        return []
    return [f"inspection.{k}" for k in _disagreement(facts.inspection, facts.hotel, facts.template, insp)]


# --- does a seal show the record it belongs to ---------------------------------------------------------


def _json_of(value: Any) -> str:
    """Canonical JSON of any sealed value (dataclasses, tuples, times), to compare a seal with a record."""
    return canonical_json(_settled(_adapter(object).dump_python(value, mode="json")))


def _notice_items(n: RectificationNotice) -> tuple[notice_service.NoticeItem, ...]:
    return tuple(notice_service.NoticeItem(**i) for i in n.items)


def _sealed_content(
    view: insp_service.InspectionView, hotel: SealedHotel, template: SealedTemplate, insp: Inspection
) -> dict[str, Any]:
    """The record content a sealed view shows, in the shape :func:`hash_document` hashes: what the
    record's own content hash is computed over, read from the seal instead of the record's rows.

    The hotel is named as the record names it (its keys), with the seal's values. The view holds the
    refusal and the evidence notes reshaped: the record's stored form is taken when it shows the same,
    else they are written back from the view (as :func:`hoteltv.services.inspections.set_refusal` and the
    evidence reasons store them)."""
    named = {"name": hotel.name, "credit_code": hotel.credit_code, "division": hotel.division_code}
    conduct = conduct_facts(insp)
    if _json_of(insp_service.Refusal.from_stored(insp.refusal)) != _json_of(view.refusal):
        r = view.refusal
        at = r.at.isoformat(timespec="seconds") if r and r.at else ""
        conduct["refusal"] = {"at": at, "note": r.note, "witness": r.witness} if r else None
    if _json_of(insp_service.evidence_notes_of(insp)) != _json_of(view.evidence_notes):
        conduct["evidence_notes"] = [
            {"item_key": n.item_key, "reason": n.reason, "room": n.room_label} for n in view.evidence_notes
        ]
    return {
        **{k: getattr(view, k) for k in HASHED_FIELDS if hasattr(view, k)},
        "hotel": {k: named.get(k) for k in hotel_identity(insp)},
        "template": {"id": template.id, "version": template.version},
        "started_at": iso_time(view.started_at),
        "ended_at": iso_time(view.ended_at),
        "inspectors": [{"name": i.name, "enforcement_id": i.enforcement_id} for i in view.inspectors],
        "rooms": [
            {"room_number": r.room_number, "floor": r.floor, "room_type": r.room_type, "answers": r.answers}
            for r in view.rooms
        ],
        **conduct,
    }


def _disagreement(
    view: insp_service.InspectionView, hotel: SealedHotel, template: SealedTemplate, insp: Inspection
) -> list[str]:
    """What a sealed view (with the sealed hotel and template) shows otherwise than the finalized record
    ``insp`` holds, by field name (empty: the seal shows the record).

    Everything the record's content hash covers is compared through that hash (cheap: no rows are read);
    the fields named are then found by comparing with the record's document. The facts the record holds
    outside its content hash are compared as they are: status, finalization time, the version corrected,
    and the drawn signatures when the record holds any (an imported record does not: a JSON file does not
    carry them). The hotel name, division and template the view holds beside the seal's own must agree
    with them (the sheet prints the view's)."""
    differ: list[str] = []
    sealed = _sealed_content(view, hotel, template, insp)
    if hash_document(sealed) != insp.content_hash:
        held = hashed_content(inspection_document(insp))
        mine = hashed_content(sealed)
        differ += [k for k in held if canonical_json(held[k]) != canonical_json(mine.get(k))] or ["content"]
    pairs: dict[str, tuple[Any, Any]] = {
        # The seal with itself: the sheet prints the view's hotel name and division, and the template's items.
        "hotel_name": (view.hotel_name, hotel.name),
        "division_name": (view.division_name, hotel.division_name),
        "template": ((view.template_id, view.template_version), (template.id, template.version)),
        "status": (view.status, insp.status),
        "finalized_at": (iso_time(view.finalized_at), iso_time(insp.finalized_at)),
        "supersedes_id": (view.supersedes_id, insp.supersedes_id),
    }
    if insp.signatures:
        pairs["signatures"] = (view.signatures, insp.signatures)
    differ += [k for k, (a, b) in pairs.items() if k not in differ and _json_of(a) != _json_of(b)]
    return differ


def _refuse_disagreement(what: str, differ: list[str]) -> None:
    if differ:
        raise SealError(
            f"{what}的封存内容与记录本身不一致（{'、'.join(differ)}），封存被改动，拒绝打印 "
            f"(the seal does not show the record it belongs to: {', '.join(differ)}; not printed)"
        )


def _merged_into(n: RectificationNotice, sealed_id: str, live_id: str) -> bool:
    """Whether hotel ``sealed_id`` (the one notice ``n`` was issued to) was merged into ``live_id``, directly
    or along a chain of merges: its notices then point at ``live_id`` (see
    :mod:`hoteltv.services.hotel_merge`), and the notice still names the unit it was sealed with."""
    session = object_session(n)
    merged = session.get(Hotel, sealed_id) if session is not None else None
    if session is None or merged is None or not merged.merged_into_id:
        return False
    return surviving_ids(session, {sealed_id: merged.merged_into_id}).get(sealed_id) == live_id


def _check_template(t: SealedTemplate) -> None:
    try:
        template = load_template(t.id, t.version)
    except TemplateError as exc:
        raise SealError(f"找不到记录所用的检查表 (template of the sealed record: {exc})") from exc
    if template_hash(template) != t.sha256:
        raise SealError(
            f"检查表 {t.id} 第{t.version}版的内容与封存时不同，拒绝打印 "
            f"(template {t.id} v{t.version} differs from the one sealed)"
        )


def unheld_differences(facts: SheetFacts, hotel: Hotel, authority: str) -> list[str]:
    """The sealed facts that name the unit and the issuer but no record holds — the hotel's address and
    division name, the authority — where they differ from this data folder's hotel (when it knows them)
    and ``authority`` setting (empty: they agree).

    Nothing in the record can confirm them, so a seal arriving in an import file must agree with what this
    folder knows. The hotel's people (负责人, contact, phone) are not compared: they change and are
    corrected on site, and a folder's registry may not have them (see ``docs/seal.md``: what a seal binds).
    """
    here = sealed_hotel(hotel)
    differ = [
        f"hotel.{k}"
        for k in ("address", "division_name")
        if getattr(here, k) and getattr(facts.hotel, k) != getattr(here, k)
    ]
    return differ + (["authority"] if facts.authority != authority else [])


def default_authority(db: Any) -> str:
    """The ``authority`` setting of the data folder ``db`` lives in (the inspecting / issuing body)."""
    from hoteltv.config import Settings, default_of

    path = getattr(db, "path", None)
    if path is not None:
        with suppress(HoteltvError):
            return str(Settings(path.parent).get("authority"))
    return str(default_of("authority"))


# --- building --------------------------------------------------------------------------------------------


@cache
def template_hash(template: ChecklistTemplate) -> str:
    return canonical_sha256(_adapter(ChecklistTemplate).dump_python(template, mode="json"))


def sealed_template(template_id: str, version: int) -> SealedTemplate:
    template = load_template(template_id, version)
    return SealedTemplate(template.id, template.version, template.title.zh, template_hash(template))


def sealed_hotel(hotel: Hotel, snapshot: dict[str, Any] | None = None) -> SealedHotel:
    """The hotel's printed facts (``snapshot``: the name/credit code frozen by revision 0003, if any)."""
    snap = snapshot or {}
    return SealedHotel(
        name=snap.get("name") or hotel.name,
        division_code=snap.get("division") or hotel.division.code,
        division_name=hotel.division.name,
        address=hotel.address,
        credit_code=snap.get("credit_code", hotel.credit_code),
        person_in_charge=hotel.person_in_charge,
        contact_name=hotel.contact_name,
        contact_phone=hotel.contact_phone,
    )


def _steady_view(view: insp_service.InspectionView, hotel: SealedHotel) -> insp_service.InspectionView:
    """The view with what moves on after sealing (links, bookkeeping) set to fixed values."""
    return replace(
        view,
        hotel_name=hotel.name,
        superseded_by_id=None,
        issued_notice_id=None,
        content_hash=None,
        version=0,
        updated_at=view.finalized_at or view.updated_at,
    )


def _steady_photos(views: list[PhotoView]) -> tuple[PhotoView, ...]:
    return tuple(replace(p, editable=False) for p in views)


def build_sheet_facts(
    session: Session, insp: Inspection, authority: str, *, sealed_by: str = BY_FINALIZE
) -> SheetFacts:
    """The facts of an inspection as they stand in the database now (what a seal freezes).

    Reads without flushing: finalizing seals the record in the same flush that marks it finalized.
    """
    with session.no_autoflush:
        hotel = sealed_hotel(insp.hotel, insp.hotel_snapshot if sealed_by != BY_FINALIZE else None)
        view = _steady_view(insp_service.view_of(session, insp), hotel)
        earlier: tuple[notice_service.NoticeItem, ...] = ()
        answered_number = None
        if insp.kind == "reinspection" and insp.notice_id:
            answered = session.get(RectificationNotice, insp.notice_id)
            if answered is not None:
                earlier = _notice_items(answered)
                answered_number = answered.number
        return SheetFacts(
            view=view,
            hotel=hotel,
            template=sealed_template(insp.template_id, insp.template_version),
            record_hash=insp.content_hash or "",
            earlier=earlier,
            answered_notice_number=answered_number,
            photos=_steady_photos(photo_views(session, insp.id)),
            authority=authority,
            sealed_by=sealed_by,
        )


def seal_inspection(
    session: Session, insp: Inspection, authority: str, *, sealed_by: str = BY_FINALIZE
) -> None:
    """Store the seal of a finalized inspection (in the caller's transaction)."""
    insp.seal_json, insp.seal_hash = dump(build_sheet_facts(session, insp, authority, sealed_by=sealed_by))


def build_notice_facts(
    session: Session, n: RectificationNotice, authority: str, *, sealed_by: str = BY_FINALIZE
) -> NoticeFacts:
    """The facts of a notice now (reads without flushing: a new notice is sealed before its first flush,
    so it is written, audited and sent once, seal included)."""
    with session.no_autoflush:
        insp = session.get(Inspection, n.inspection_id)
        inspection_facts: SheetFacts | None = None
        if insp is not None and insp.seal_json and insp.seal_hash:
            with suppress(SealError):  # a broken seal: the notice is sealed from the data at hand
                inspection_facts = sheet_facts_from_seal(insp)
        if inspection_facts is not None:
            # The notice names the unit and the team as the sealed sheet does.
            hotel = inspection_facts.hotel
            view: insp_service.InspectionView | None = inspection_facts.view
            template: SealedTemplate | None = inspection_facts.template
            photos = inspection_facts.photos
        else:
            hotel = sealed_hotel(n.hotel)
            view = _steady_view(insp_service.view_of(session, insp), hotel) if insp is not None else None
            template = sealed_template(insp.template_id, insp.template_version) if insp is not None else None
            photos = _steady_photos(photo_views(session, insp.id)) if insp is not None else ()
        notice = replace(
            notice_service.view_of(session, n),
            hotel_name=hotel.name,
            division_name=hotel.division_name,
            status="open",
            reinspection_id=None,
            closed_at=None,
            overdue=False,
            version=0,
            delivery=None,  # served later, with its own paper (the 送达回证): not part of the notice's seal
        )
        return NoticeFacts(
            notice=notice,
            inspection=view,
            hotel=hotel,
            template=template,
            photos=photos,
            authority=n.authority or authority,
            sealed_by=sealed_by,
        )


def seal_notice(
    session: Session, n: RectificationNotice, authority: str, *, sealed_by: str = BY_FINALIZE
) -> None:
    n.seal_json, n.seal_hash = dump(build_notice_facts(session, n, authority, sealed_by=sealed_by))


# --- checking ----------------------------------------------------------------------------------------------

#: The notice columns its paper states; a change to any of them after issue breaks the seal.
NOTICE_RECORD_FIELDS = (
    "number",
    "inspection_id",
    "hotel_id",
    "issued_at",
    "deadline",
    "reinspection_date",
    "items",
    "authority",
    "terms",
)


def _plain(value: Any) -> Any:
    """A column value as its seal holds it: times in UTC, dates and times as ISO text."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
    return value.isoformat() if hasattr(value, "isoformat") else value


def _notice_record(n: RectificationNotice) -> dict[str, Any]:
    out = {k: getattr(n, k) for k in NOTICE_RECORD_FIELDS}
    # Items stored before a field was added lack it; the view (and so the seal) holds its default.
    defaults = {f.name: f.default for f in fields(notice_service.NoticeItem) if f.default is not MISSING}
    out["items"] = [dict(sorted((defaults | dict(i)).items())) for i in out["items"]]
    out["terms"] = notice_service.terms_of(dict(n.terms or {})).stored()
    return {k: _plain(v) for k, v in out.items()}


def _notice_record_of(view: notice_service.NoticeView) -> dict[str, Any]:
    out: dict[str, Any] = {k: getattr(view, k) for k in NOTICE_RECORD_FIELDS if k not in ("items", "terms")}
    out["items"] = [
        dict(sorted(_adapter(notice_service.NoticeItem).dump_python(i).items())) for i in view.items
    ]
    out["terms"] = view.terms.stored()
    return {k: _plain(v) for k, v in out.items()}


def inspection_seal_problem(insp: Inspection) -> str | None:
    """Why a finalized inspection's seal does not hold (None: intact). Drafts have no seal."""
    if insp.status != "finalized":
        return None

    if insp.content_hash and hash_document(inspection_document(insp)) != insp.content_hash:
        return "记录内容与定稿时的内容校验值不符 (record content does not match its content hash)"
    try:
        sheet_facts_from_seal(insp)
    except SealError as exc:
        return exc.message
    return None


def notice_seal_problem(n: RectificationNotice) -> str | None:
    try:
        notice_facts_from_seal(n)
    except SealError as exc:
        return exc.message
    return None


def broken_seals(session: Session) -> list[tuple[str, str, str]]:
    """Every finalized inspection and issued notice whose seal does not hold: (kind, number, why)."""
    out: list[tuple[str, str, str]] = []
    for insp in session.scalars(
        select(Inspection).where(Inspection.status == "finalized", Inspection.deleted.is_(False))
    ):
        why = inspection_seal_problem(insp)
        if why:
            out.append(("inspection", f"{insp.record_number}（{insp.id[:8]}）", why))
    for n in session.scalars(select(RectificationNotice).where(RectificationNotice.deleted.is_(False))):
        why = notice_seal_problem(n)
        if why:
            out.append(("notice", n.number, why))
    return out
