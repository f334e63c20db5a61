"""Importing inspection JSON files (``hoteltv-inspection/1``, see :mod:`hoteltv.io.inspection_json`).

Import validates everything first and writes all or nothing; every problem is named with its JSON path.
Times that cannot be true (in the future, an end before the start: :func:`hoteltv.domain.clock.span_problems`)
refuse the file as the app refuses them when finalizing.
A document already present unchanged is skipped; a claimed content hash must match the recomputed one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from hoteltv.db.engine import Database
from hoteltv.db.models import (
    Division,
    Hotel,
    Inspection,
    InspectionInspector,
    Inspector,
    RectificationNotice,
    RoomCheck,
)
from hoteltv.domain import clock, lifecycle
from hoteltv.domain.checklist import coerce_answer, load_template
from hoteltv.domain.rules import RoomAnswers, evaluate
from hoteltv.errors import HoteltvError, Problem, TemplateError, ValidationError, shorten
from hoteltv.io.inspection_json import (
    FORMAT_MANY,
    FORMAT_ONE,
    InspectionDocument,
    content_hash,
    document_problems,
    hash_document,
    inspection_document,
)
from hoteltv.services import seal
from hoteltv.services.inspections import new_draft, refresh_hotel
from hoteltv.services.seal import default_authority

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_INSPECTIONS = 20_000


@dataclass
class InspectionImportReport:
    created: list[str] = field(default_factory=list)  # record numbers
    unchanged: list[str] = field(default_factory=list)


def read_json_file(path: Path) -> Any:
    """Parse a JSON file with size (``MAX_FILE_BYTES``) and nesting limits; refuse with a message naming
    the file."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise HoteltvError(f"{path.name}: 文件过大 ({size} bytes > {MAX_FILE_BYTES}); refused")
        raw = path.read_bytes()
    except OSError as exc:
        raise HoteltvError(f"{path.name}: 无法读取 (cannot read: {exc.strerror or exc})") from exc
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise HoteltvError(f"{path.name}: 不是UTF-8文本 (not UTF-8 text at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise HoteltvError(
            f"{path.name}: JSON格式错误,第{exc.lineno}行第{exc.colno}列 (invalid JSON: {exc.msg})"
        ) from exc
    except RecursionError as exc:
        raise HoteltvError(f"{path.name}: JSON嵌套过深 (nested too deeply)") from exc


def _documents(data: Any, problems: list[Problem]) -> list[Any]:
    if isinstance(data, dict) and data.get("format") == FORMAT_MANY:
        docs = data.get("inspections")
        if not isinstance(docs, list):
            problems.append(Problem("$.inspections", "must be a list"))
            return []
        if len(docs) > MAX_INSPECTIONS:
            problems.append(Problem("$.inspections", f"more than {MAX_INSPECTIONS} inspections in one file"))
            return []
        return docs
    if isinstance(data, dict) and data.get("format") == FORMAT_ONE:
        return [data]
    problems.append(
        Problem(
            "$.format",
            f"not a hoteltv inspection file (expected {FORMAT_ONE!r} or {FORMAT_MANY!r})",
            data.get("format") if isinstance(data, dict) else type(data).__name__,
        )
    )
    return []


def _answers(
    problems: list[Problem], raw: dict[str, Any] | None, template: Any, scope: str, where: str
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in (raw or {}).items():
        if not template.has_item(key):
            problems.append(
                Problem(f"{where}.{key}", f"not an item of template {template.id} v{template.version}")
            )
            continue
        item = template.item(key)
        if item.scope != scope:
            problems.append(Problem(f"{where}.{key}", f"is a {item.scope}-level item, not {scope}-level"))
            continue
        if value is None:
            continue
        try:
            out[key] = coerce_answer(item, value)
        except ValidationError as exc:
            reason = exc.problems[0].message if exc.problems else exc.message
            problems.append(Problem(f"{where}.{key}", reason, shorten(value)))
    return out


def import_inspections(db: Database, path: Path, actor: str = "") -> InspectionImportReport:
    """Validate a JSON file of inspections and write them all in one transaction (or nothing)."""
    data = read_json_file(path)
    problems: list[Problem] = []
    docs = _documents(data, problems)
    report = InspectionImportReport()

    authority = default_authority(db)
    with db.transaction(actor) as s:
        for n, doc in enumerate(docs):
            where = (
                f"$.inspections[{n}]"
                if len(docs) > 1 or isinstance(data, dict) and "inspections" in data
                else "$"
            )
            _import_one(s, doc, where, problems, report, authority)
        if problems:
            raise ValidationError(f"{path.name}: 检查记录未导入,文件有误 (nothing was imported)", problems)
    return report


def _import_one(
    s: Session,
    raw: Any,
    where: str,
    problems: list[Problem],
    report: InspectionImportReport,
    authority: str = "",
) -> None:
    if not isinstance(raw, dict):
        problems.append(Problem(where, "must be an object"))
        return
    try:
        doc = InspectionDocument.model_validate(raw)
    except PydanticValidationError as exc:
        problems.extend(document_problems(exc, where))
        return
    before = len(problems)
    try:
        template = load_template(str(doc.template.get("id")), int(doc.template.get("version")))  # type: ignore[arg-type]
    except (TemplateError, TypeError, ValueError, OverflowError) as exc:  # Overflow: "version": Infinity
        problems.append(
            Problem(f"{where}.template", f"unknown checklist template ({exc})", shorten(doc.template))
        )
        return
    hotel = _resolve_hotel(s, doc.hotel, where, problems)
    hotel_answers = _answers(problems, doc.hotel_answers, template, "hotel", f"{where}.hotel_answers")
    rooms: list[tuple[str, str | None, str | None, dict[str, Any]]] = []
    seen_rooms: set[str] = set()
    for i, r in enumerate(doc.rooms or []):
        number = str(r.room_number)
        if number in seen_rooms:
            problems.append(Problem(f"{where}.rooms[{i}].room_number", "duplicate room", r.room_number))
        seen_rooms.add(number)
        answers = _answers(problems, r.answers, template, "room", f"{where}.rooms[{i}].answers")
        rooms.append((number, None if r.floor is None else str(r.floor), r.room_type, answers))
    team = [(t.name.strip(), t.enforcement_id.strip()) for t in doc.inspectors if t.name and t.enforcement_id]
    texts = {
        k: getattr(doc, k)
        for k in ("findings", "hotel_opinion", "hotel_signatory", "contact_on_site", "contact_phone")
    }
    kind, status, started, ended = doc.kind or "first", doc.status or "draft", doc.started_at, doc.ended_at
    record_number, insp_id, notice_id = doc.record_number, doc.id, doc.notice_id
    supersedes = doc.supersedes or None  # "" names no inspection (it was stored as a reference to none)
    if len(problems) > before or hotel is None:
        return
    verdict = evaluate(template, hotel_answers, [RoomAnswers(n, a) for n, _, _, a in rooms])
    if status == "finalized":
        if not verdict.complete:
            problems.append(Problem(where, "finalized but incomplete (unanswered items or too few rooms)"))
        if len(team) < lifecycle.MIN_INSPECTORS:
            problems.append(
                Problem(
                    f"{where}.inspectors",
                    f"a finalized inspection needs at least {lifecycle.MIN_INSPECTORS} inspectors",
                    len(team),
                    lifecycle.Blocker.TOO_FEW_INSPECTORS,
                )
            )
        if doc.result is not None and doc.result != verdict.result:
            problems.append(
                Problem(
                    f"{where}.result",
                    f"says {doc.result!r} but the answers give {verdict.result!r}",
                    doc.result,
                )
            )
    if insp_id:
        existing = s.get(Inspection, insp_id)
        if existing is not None:
            doc_hash = hash_document(raw)
            sealed = (doc.seal, doc.seal_hash)
            if doc.seal is not None and sealed != (existing.seal_json, existing.seal_hash):
                problems.append(
                    Problem(
                        f"{where}.seal",
                        "differs from the seal of the record already here (与本机已有记录的封存不同); "
                        "not overwritten",
                        shorten(doc.seal_hash),
                    )
                )
            elif hash_document(inspection_document(existing)) == doc_hash:
                report.unchanged.append(existing.record_number)
            else:
                problems.append(
                    Problem(
                        f"{where}.id",
                        "an inspection with this id exists with different content; not overwritten",
                        insp_id,
                    )
                )
            return
    # A record already here unchanged was taken in before; one to be written must have times that can be true.
    untrue = clock.span_problems(started, ended, (f"{where}.started_at", f"{where}.ended_at"))
    if untrue:
        problems.extend(untrue)
        return
    if supersedes and s.get(Inspection, supersedes) is None:
        problems.append(
            Problem(f"{where}.supersedes", "names an inspection that is not in this database", supersedes)
        )
        return
    inspectors = [_inspector(s, name, enf) for name, enf in team]
    insp = new_draft(
        s,
        hotel,
        template,
        str(s.info.get("device_id", "")),
        started,
        record_number,  # none given: the same series as drafts made here
        kind=kind,
        ended_at=ended,
        ids_shown=bool(doc.ids_shown),
        hotel_answers=hotel_answers,
        supersedes_id=supersedes,
        notice_id=notice_id if notice_id and s.get(RectificationNotice, notice_id) is not None else None,
        **texts,
    )
    if insp_id:
        insp.id = insp_id
    insp.refusal = doc.refusal_facts
    insp.evidence_notes = [n.model_dump() for n in doc.evidence_notes or ()]
    for pos, (number, floor, room_type, answers) in enumerate(rooms):
        insp.rooms.append(
            RoomCheck(room_number=number, floor=floor, room_type=room_type, answers=answers, position=pos)
        )
    for pos, inspector in enumerate(inspectors):
        insp.team.append(InspectionInspector(inspector=inspector, inspector_id=inspector.id, position=pos))
    s.flush()
    if status == "finalized":
        insp.hotel_snapshot = {k: doc.hotel.get(k) for k in ("name", "credit_code", "division")}
        insp.result = verdict.result
        insp.finalized_at = doc.finalized_at or ended or started
        computed = content_hash(s, insp)
        if doc.content_hash is not None and doc.content_hash != computed:
            problems.append(
                Problem(
                    f"{where}.content_hash",
                    "does not match the record's content: the file was altered",
                    doc.content_hash,
                )
            )
            return
        insp.content_hash = computed
        insp.status = "finalized"

        if doc.seal is not None:
            # The seal made where the record was finalized travels with it: the same paper, the same code.
            insp.seal_json, insp.seal_hash = doc.seal, doc.seal_hash
            try:
                facts = seal.sheet_facts_from_seal(insp)
            except seal.SealError as exc:
                problems.append(Problem(f"{where}.seal", f"does not hold: {exc.message}"))
                return
            differ = seal.unheld_differences(facts, hotel, authority)
            if differ:
                problems.append(
                    Problem(
                        f"{where}.seal",
                        "states facts that differ from this data folder's hotel and authority "
                        f"(封存的事实与本机登记不符): {', '.join(differ)}",
                    )
                )
                return
        else:
            # Sealed from the file's facts (the hotel as the file names it) and the data at hand.
            seal.seal_inspection(s, insp, authority, sealed_by=seal.BY_IMPORT)

        s.flush()
        refresh_hotel(s, hotel)
    report.created.append(insp.record_number)


def _resolve_hotel(s: Session, ref: dict[str, Any], where: str, problems: list[Problem]) -> Hotel | None:
    hotel_id, credit, name, division = (ref.get(k) for k in ("id", "credit_code", "name", "division"))
    hotel = s.get(Hotel, hotel_id) if isinstance(hotel_id, str) else None
    if hotel is not None and hotel.merged_into_id:
        # Merged into another since the file was written (the same hotel typed in twice): the one that
        # stays, as a sync stores such an inspection.
        from hoteltv.services.hotel_merge import surviving_ids

        live = surviving_ids(s, {hotel.id: hotel.merged_into_id}).get(hotel.id)
        hotel = s.get(Hotel, live) if live else hotel
    if hotel is None and isinstance(credit, str) and credit:
        hotel = s.scalars(
            select(Hotel).where(Hotel.credit_code == credit.upper(), Hotel.deleted.is_(False))
        ).first()
    if hotel is None and isinstance(name, str) and isinstance(division, str):
        hotel = s.scalars(
            select(Hotel)
            .join(Division)
            .where(
                Hotel.name == name,
                Hotel.deleted.is_(False),
                (Division.code == division) | (Division.name == division),
            )
        ).first()
    if hotel is None or hotel.deleted:
        problems.append(
            Problem(
                f"{where}.hotel", "no such hotel in this database (import the hotel list first)", shorten(ref)
            )
        )
        return None
    return hotel


def _inspector(s: Session, name: str, enforcement_id: str) -> Inspector:
    found = s.scalars(
        select(Inspector).where(Inspector.enforcement_id == enforcement_id, Inspector.deleted.is_(False))
    ).first()
    if found is None:
        found = Inspector(name=name, enforcement_id=enforcement_id)
        s.add(found)
        s.flush()
    return found
