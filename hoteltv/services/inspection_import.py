"""Importing inspection JSON files (``hoteltv-inspection/1``, see :mod:`hoteltv.io.inspection_json`).

Import validates everything first and writes all or nothing; every problem is named with its JSON path.
A document already present unchanged is skipped; a claimed content hash must match the recomputed one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoteltv.db.engine import Database
from hoteltv.db.models import Division, Hotel, Inspection, InspectionInspector, Inspector, RoomCheck
from hoteltv.domain import clock
from hoteltv.domain.checklist import coerce_answer, load_template
from hoteltv.domain.rules import RoomAnswers, evaluate
from hoteltv.errors import HoteltvError, Problem, TemplateError, ValidationError
from hoteltv.io.inspection_json import (
    FORMAT_MANY,
    FORMAT_ONE,
    content_hash,
    hash_document,
    inspection_document,
)
from hoteltv.services import seal
from hoteltv.services.inspections import next_record_number, refresh_hotel
from hoteltv.services.seal import default_authority

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_INSPECTIONS = 20_000
MAX_ROOMS = 200
MAX_TEXT = 20_000


@dataclass
class InspectionImportReport:
    created: list[str] = field(default_factory=list)  # record numbers
    unchanged: list[str] = field(default_factory=list)


def read_json_file(path: Path, max_bytes: int | None = None) -> Any:
    """Parse a JSON file with size and nesting limits; refuse with a message naming the file."""
    max_bytes = MAX_FILE_BYTES if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise HoteltvError(f"{path.name}: 文件过大 ({size} bytes > {max_bytes}); refused")
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


class _Check:
    def __init__(self, problems: list[Problem], base: str) -> None:
        self.problems, self.base = problems, base

    def get(
        self, obj: dict[str, Any], key: str, types: type | tuple[type, ...], *, required: bool = False
    ) -> Any:
        value = obj.get(key)
        if value is None:
            if required:
                self.problems.append(Problem(f"{self.base}.{key}", "is required"))
            return None
        if (
            not isinstance(value, types)
            or isinstance(value, bool)
            and bool not in (types if isinstance(types, tuple) else (types,))
        ):
            self.problems.append(
                Problem(f"{self.base}.{key}", f"has the wrong type ({type(value).__name__})", _short(value))
            )
            return None
        if isinstance(value, str) and len(value) > MAX_TEXT:
            self.problems.append(Problem(f"{self.base}.{key}", f"text longer than {MAX_TEXT} characters"))
            return None
        return value

    def time(self, obj: dict[str, Any], key: str, *, required: bool = False) -> datetime | None:
        text = self.get(obj, key, str, required=required)
        if text is None:
            return None
        try:
            dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self.problems.append(Problem(f"{self.base}.{key}", "is not an ISO 8601 time", text))
            return None
        if dt.tzinfo is None:
            self.problems.append(
                Problem(f"{self.base}.{key}", "needs a time zone (e.g. 2026-11-27T09:30:00+08:00)", text)
            )
            return None
        return dt


def _short(value: Any) -> Any:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _answers(check: _Check, raw: Any, template: Any, scope: str, where: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        check.problems.append(Problem(where, "must be an object of item key → answer"))
        return {}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not template.has_item(key):
            check.problems.append(
                Problem(f"{where}.{key}", f"not an item of template {template.id} v{template.version}")
            )
            continue
        item = template.item(key)
        if item.scope != scope:
            check.problems.append(
                Problem(f"{where}.{key}", f"is a {item.scope}-level item, not {scope}-level")
            )
            continue
        if value is None:
            continue
        try:
            out[key] = coerce_answer(item, value)
        except ValidationError as exc:
            reason = exc.problems[0].message if exc.problems else exc.message
            check.problems.append(Problem(f"{where}.{key}", reason, _short(value)))
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
    doc: Any,
    where: str,
    problems: list[Problem],
    report: InspectionImportReport,
    authority: str = "",
) -> None:
    if not isinstance(doc, dict):
        problems.append(Problem(where, "must be an object"))
        return
    before = len(problems)
    c = _Check(problems, where)
    if doc.get("format", FORMAT_ONE) != FORMAT_ONE:
        problems.append(Problem(f"{where}.format", f"expected {FORMAT_ONE!r}", doc.get("format")))
    insp_id = c.get(doc, "id", str)
    tpl = c.get(doc, "template", dict, required=True) or {}
    template = None
    if tpl:
        try:
            template = load_template(str(tpl.get("id")), int(tpl.get("version")))  # type: ignore[arg-type]
        except (TemplateError, TypeError, ValueError, OverflowError) as exc:  # Overflow: "version": Infinity
            problems.append(Problem(f"{where}.template", f"unknown checklist template ({exc})", _short(tpl)))
    hotel = _resolve_hotel(s, c, doc)
    kind = c.get(doc, "kind", str) or "first"
    if kind not in ("first", "reinspection"):
        problems.append(Problem(f"{where}.kind", "must be 'first' or 'reinspection'", kind))
    status = c.get(doc, "status", str) or "draft"
    if status not in ("draft", "finalized"):
        problems.append(Problem(f"{where}.status", "must be 'draft' or 'finalized'", status))
    started = c.time(doc, "started_at", required=True)
    ended = c.time(doc, "ended_at")
    team_raw = c.get(doc, "inspectors", list, required=True) or []
    hotel_answers = (
        _answers(c, doc.get("hotel_answers"), template, "hotel", f"{where}.hotel_answers") if template else {}
    )
    rooms_raw = c.get(doc, "rooms", list) or []
    if len(rooms_raw) > MAX_ROOMS:
        problems.append(Problem(f"{where}.rooms", f"more than {MAX_ROOMS} rooms"))
        rooms_raw = []
    rooms: list[tuple[str, str | None, str | None, dict[str, Any]]] = []
    seen_rooms: set[str] = set()
    for i, r in enumerate(rooms_raw):
        rc = _Check(problems, f"{where}.rooms[{i}]")
        if not isinstance(r, dict):
            problems.append(Problem(rc.base, "must be an object"))
            continue
        number = rc.get(r, "room_number", (str, int), required=True)
        if number is not None and str(number) in seen_rooms:
            problems.append(Problem(f"{rc.base}.room_number", "duplicate room", number))
        seen_rooms.add(str(number))
        answers = _answers(rc, r.get("answers"), template, "room", f"{rc.base}.answers") if template else {}
        floor = rc.get(r, "floor", (str, int))
        rooms.append(
            (str(number), None if floor is None else str(floor), rc.get(r, "room_type", str), answers)
        )
    team: list[tuple[str, str]] = []
    for i, t in enumerate(team_raw):
        tc = _Check(problems, f"{where}.inspectors[{i}]")
        if not isinstance(t, dict):
            problems.append(Problem(tc.base, "must be an object with name and enforcement_id"))
            continue
        name, enf = tc.get(t, "name", str, required=True), tc.get(t, "enforcement_id", str, required=True)
        if name and enf:
            team.append((name.strip(), enf.strip()))
    texts = {
        k: c.get(doc, k, str)
        for k in ("findings", "hotel_opinion", "hotel_signatory", "contact_on_site", "contact_phone")
    }
    ids_shown = bool(c.get(doc, "ids_shown", bool))
    refusal, evidence_notes = _conduct_of(c, doc, f"{where}")
    record_number = c.get(doc, "record_number", str)
    claimed_result = c.get(doc, "result", str)
    claimed_hash = c.get(doc, "content_hash", str)
    claimed_seal = c.get(doc, "seal", str)
    claimed_seal_hash = c.get(doc, "seal_hash", str)
    supersedes = c.get(doc, "supersedes", str)
    notice_id = c.get(doc, "notice_id", str)
    if len(problems) > before or template is None or hotel is None or started is None:
        return
    verdict = evaluate(template, hotel_answers, [RoomAnswers(n, a) for n, _, _, a in rooms])
    if status == "finalized":
        if not verdict.complete:
            problems.append(Problem(where, "finalized but incomplete (unanswered items or too few rooms)"))
        if len(team) < 2:
            problems.append(
                Problem(f"{where}.inspectors", "a finalized inspection needs at least 2 inspectors")
            )
        if claimed_result is not None and claimed_result != verdict.result:
            problems.append(
                Problem(
                    f"{where}.result",
                    f"says {claimed_result!r} but the answers give {verdict.result!r}",
                    claimed_result,
                )
            )
    if insp_id:
        existing = s.get(Inspection, insp_id)
        if existing is not None:
            doc_hash = hash_document(doc)
            if hash_document(inspection_document(existing)) == doc_hash:
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
    if supersedes and s.get(Inspection, supersedes) is None:
        problems.append(
            Problem(f"{where}.supersedes", "names an inspection that is not in this database", supersedes)
        )
        return
    inspectors = [_inspector(s, name, enf) for name, enf in team]
    if not record_number:
        # The same series as drafts made here: JC-date-device-count, never two records with one number.

        record_number = next_record_number(s, str(s.info.get("device_id", "")), clock.bureau_date(started))
    insp = Inspection(
        record_number=record_number,
        hotel_id=hotel.id,
        hotel=hotel,
        template_id=template.id,
        template_version=template.version,
        kind=kind,
        status="draft",
        owner_device_id=s.info.get("device_id", ""),
        started_at=started,
        ended_at=ended,
        ids_shown=ids_shown,
        hotel_answers=hotel_answers,
        supersedes_id=supersedes,
        notice_id=notice_id if notice_id and _notice_exists(s, notice_id) else None,
        **texts,
    )
    if insp_id:
        insp.id = insp_id
    insp.refusal, insp.evidence_notes = refusal, evidence_notes
    for pos, (number, floor, room_type, answers) in enumerate(rooms):
        insp.rooms.append(
            RoomCheck(room_number=number, floor=floor, room_type=room_type, answers=answers, position=pos)
        )
    for pos, inspector in enumerate(inspectors):
        insp.team.append(InspectionInspector(inspector=inspector, inspector_id=inspector.id, position=pos))
    s.add(insp)
    s.flush()
    if status == "finalized":
        named = doc.get("hotel") or {}
        insp.hotel_snapshot = {k: named.get(k) for k in ("name", "credit_code", "division")}
        insp.result = verdict.result
        finalized_at = c.time(doc, "finalized_at") or ended or started
        insp.finalized_at = finalized_at
        computed = content_hash(s, insp)
        if claimed_hash is not None and claimed_hash != computed:
            problems.append(
                Problem(
                    f"{where}.content_hash",
                    "does not match the record's content: the file was altered",
                    claimed_hash,
                )
            )
            return
        insp.content_hash = computed
        insp.status = "finalized"

        if claimed_seal is not None:
            # The seal made where the record was finalized travels with it: the same paper, the same code.
            insp.seal_json, insp.seal_hash = claimed_seal, claimed_seal_hash
            try:
                seal.sheet_facts_from_seal(insp)
            except seal.SealError as exc:
                problems.append(Problem(f"{where}.seal", f"does not hold: {exc.message}"))
                return
        else:
            # Sealed from the file's facts (the hotel as the file names it) and the data at hand.
            seal.seal_inspection(s, insp, authority, sealed_by=seal.BY_IMPORT)

        s.flush()
        refresh_hotel(s, hotel)
    report.created.append(insp.record_number)


def _conduct_of(c: _Check, doc: dict[str, Any], where: str) -> tuple[dict[str, Any], list[Any]]:
    """The refusal to sign and the evidence notes of an imported document, checked (see :func:`_conduct`)."""
    refusal: dict[str, Any] = {}
    raw = c.get(doc, "refusal", dict)
    if raw:
        if not all(isinstance(raw.get(k, ""), str) for k in ("witness", "at", "note")):
            c.problems.append(Problem(f"{where}.refusal", "witness, at and note must be text"))
        else:
            refusal = {k: raw.get(k, "") for k in ("witness", "at", "note")}
    notes: list[Any] = []
    for i, n in enumerate(c.get(doc, "evidence_notes", list) or []):
        ok = (
            isinstance(n, dict)
            and isinstance(n.get("item_key"), str)
            and isinstance(n.get("reason"), str)
            and (n.get("room") is None or isinstance(n.get("room"), str))
        )
        if not ok:
            c.problems.append(
                Problem(
                    f"{where}.evidence_notes[{i}]", "needs item_key and reason (text), room (text or null)"
                )
            )
            continue
        notes.append({"item_key": n["item_key"], "reason": n["reason"], "room": n.get("room")})
    return refusal, notes


def _notice_exists(s: Session, notice_id: str) -> bool:
    from hoteltv.db.models import RectificationNotice

    return s.get(RectificationNotice, notice_id) is not None


def _resolve_hotel(s: Session, c: _Check, doc: dict[str, Any]) -> Hotel | None:
    ref = c.get(doc, "hotel", dict, required=True)
    if ref is None:
        return None
    hotel_id, credit, name, division = (ref.get(k) for k in ("id", "credit_code", "name", "division"))
    hotel = s.get(Hotel, hotel_id) if isinstance(hotel_id, str) else None
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
        c.problems.append(
            Problem(
                f"{c.base}.hotel", "no such hotel in this database (import the hotel list first)", _short(ref)
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
