"""The JSON format of inspections (``hoteltv-inspection/1``): the document, its export and content hash.

A file holds one inspection document or a list ``{"format": "hoteltv-inspections/1", "inspections": [...]}``.
The shape is documented in ``docs/json-formats.md``. Export → import round-trips without loss: ids, record
numbers, times, team, answers and results come back as they were. The validated import, which writes to
the database through the services, is :mod:`hoteltv.services.inspection_import`.

:class:`InspectionDocument` is the shape of one document as a pydantic model (what an import accepts);
:func:`document_problems` names each way a document misses it by its JSON path (``$.rooms[0].floor``).

The content hash (SHA-256 over the canonical JSON of the fields that make the record, without
bookkeeping such as version or device) is stored when an inspection is finalized and printed on paper,
so a copy can be checked against the record.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError
from sqlalchemy import select
from sqlalchemy.orm import Session

from hoteltv.db.engine import Database
from hoteltv.db.models import Hotel, Inspection
from hoteltv.domain import clock
from hoteltv.errors import Problem, pydantic_problems
from hoteltv.hashing import canonical_sha256

FORMAT_ONE = "hoteltv-inspection/1"
FORMAT_MANY = "hoteltv-inspections/1"
HASHED_FIELDS = (
    "id",
    "record_number",
    "hotel",
    "template",
    "kind",
    "started_at",
    "ended_at",
    "inspectors",
    "ids_shown",
    "hotel_answers",
    "rooms",
    "findings",
    "hotel_opinion",
    "hotel_signatory",
    "contact_on_site",
    "contact_phone",
    "result",
)


MAX_ROOMS = 200
MAX_TEXT = 20_000


def iso_time(dt: datetime | None) -> str | None:
    """A time as the document writes it (ISO 8601, UTC as ``Z``)."""
    return None if dt is None else dt.isoformat().replace("+00:00", "Z")


# --- the shape of a document ---------------------------------------------------------------------------


def _time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise PydanticCustomError("wrong_type", "has the wrong type ({kind})", {"kind": type(value).__name__})
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise PydanticCustomError("not_iso", "is not an ISO 8601 time") from None
    if dt.tzinfo is None:
        raise PydanticCustomError("naive", "needs a time zone (e.g. 2026-11-27T09:30:00+08:00)")
    return dt


_Text = Annotated[StrictStr, StringConstraints(max_length=MAX_TEXT)]
_Time = Annotated[datetime, BeforeValidator(_time)]


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Inspector(_Part):
    name: _Text
    enforcement_id: _Text


class _Room(_Part):
    room_number: _Text | StrictInt
    floor: _Text | StrictInt | None = None
    room_type: _Text | None = None
    answers: dict[str, Any] | None = None


class _Refusal(_Part):
    model_config = ConfigDict(extra="allow")
    witness: StrictStr = ""
    at: StrictStr = ""
    note: StrictStr = ""


class _EvidenceNote(_Part):
    item_key: StrictStr
    reason: StrictStr
    room: StrictStr | None = None


class InspectionDocument(_Part):
    """One ``hoteltv-inspection/1`` document as an import reads it (fields it does not know are ignored).

    What the shape cannot say (the template and hotel exist, answers fit the template, the stated result
    and hash agree with the content) is checked by :mod:`hoteltv.services.inspection_import`."""

    format: Literal["hoteltv-inspection/1"] = "hoteltv-inspection/1"
    id: _Text | None = None
    record_number: _Text | None = None
    hotel: dict[str, Any]
    template: dict[str, Any]
    kind: Literal["first", "reinspection"] | None = None
    status: Literal["draft", "finalized"] | None = None
    started_at: _Time
    ended_at: _Time | None = None
    finalized_at: _Time | None = None
    inspectors: list[_Inspector]
    ids_shown: StrictBool | None = None
    hotel_answers: dict[str, Any] | None = None
    rooms: Annotated[list[_Room], Field(max_length=MAX_ROOMS)] | None = None
    findings: _Text | None = None
    hotel_opinion: _Text | None = None
    hotel_signatory: _Text | None = None
    contact_on_site: _Text | None = None
    contact_phone: _Text | None = None
    result: _Text | None = None
    content_hash: _Text | None = None
    seal: _Text | None = None
    seal_hash: _Text | None = None
    supersedes: _Text | None = None
    notice_id: _Text | None = None
    refusal: _Refusal | None = None
    evidence_notes: list[_EvidenceNote] | None = None

    @property
    def refusal_facts(self) -> dict[str, Any]:
        """The refusal to sign as stored: empty unless the document says anything about one."""
        r = self.refusal
        return (
            {}
            if r is None or not (r.model_fields_set or r.model_extra)
            else r.model_dump(exclude=set(r.model_extra or ()))
        )


_MESSAGES = {
    "missing": "is required",
    "string_too_long": f"text longer than {MAX_TEXT} characters",
    "too_long": f"more than {MAX_ROOMS} rooms",
}


def document_problems(error: PydanticValidationError, base: str) -> list[Problem]:
    """Each way a document misses :class:`InspectionDocument`, named by its JSON path under ``base``."""
    return pydantic_problems(error, base, _MESSAGES)


def hotel_snapshot(hotel: Hotel) -> dict[str, Any]:
    """How a record names the inspected unit (frozen into the record when it is finalized)."""
    return {"name": hotel.name, "credit_code": hotel.credit_code, "division": hotel.division.code}


def hotel_identity(insp: Inspection) -> dict[str, Any]:
    """How a record names its hotel (the facts frozen when it was finalized, else the hotel's now), no id."""
    return dict(insp.hotel_snapshot or hotel_snapshot(insp.hotel))


def inspection_document(insp: Inspection) -> dict[str, Any]:
    """The JSON document of one inspection (as exported)."""
    team = sorted((t for t in insp.team if not t.deleted), key=lambda t: t.position)
    rooms = sorted((r for r in insp.rooms if not r.deleted), key=lambda r: r.position)
    return {
        "format": FORMAT_ONE,
        "id": insp.id,
        "record_number": insp.record_number,
        "hotel": {"id": insp.hotel.id, **hotel_identity(insp)},
        "template": {"id": insp.template_id, "version": insp.template_version},
        "kind": insp.kind,
        "status": insp.status,
        "started_at": iso_time(insp.started_at),
        "ended_at": iso_time(insp.ended_at),
        "inspectors": [
            {"name": t.inspector.name, "enforcement_id": t.inspector.enforcement_id} for t in team
        ],
        "ids_shown": insp.ids_shown,
        "hotel_answers": dict(sorted(insp.hotel_answers.items())),
        "rooms": [
            {
                "room_number": r.room_number,
                "floor": r.floor,
                "room_type": r.room_type,
                "answers": dict(sorted(r.answers.items())),
            }
            for r in rooms
        ],
        "findings": insp.findings,
        "hotel_opinion": insp.hotel_opinion,
        "hotel_signatory": insp.hotel_signatory,
        "contact_on_site": insp.contact_on_site,
        "contact_phone": insp.contact_phone,
        "result": insp.result,
        "finalized_at": iso_time(insp.finalized_at),
        "content_hash": insp.content_hash,
        "seal": insp.seal_json,
        "seal_hash": insp.seal_hash,
        "supersedes": insp.supersedes_id,
        "notice_id": insp.notice_id,
        **conduct_facts(insp),
    }


#: Facts of how the visit went that a record carries only when they happened: the hotel's refusal to
#: sign (with its witness) and the reasons for missing photo evidence. Absent, they are left out of the
#: document and its hash, so records made before they existed keep their hashes.
OPTIONAL_HASHED_FIELDS = ("refusal", "evidence_notes")


def conduct_facts(insp: Inspection) -> dict[str, Any]:
    """The refusal and evidence notes of a record as its document holds them (absent when none)."""
    out: dict[str, Any] = {}
    if insp.refusal:
        out["refusal"] = dict(sorted(insp.refusal.items()))
    if insp.evidence_notes:
        out["evidence_notes"] = [dict(sorted(n.items())) for n in insp.evidence_notes]
    return out


def hashed_content(doc: dict[str, Any]) -> dict[str, Any]:
    """The fields of a document that make the record (what :func:`hash_document` hashes)."""
    content = {k: doc.get(k) for k in HASHED_FIELDS}
    content |= {k: doc[k] for k in OPTIONAL_HASHED_FIELDS if doc.get(k)}
    # The hotel is named by what identifies it on paper, not by a database id that differs between copies.
    content["hotel"] = {k: v for k, v in (doc.get("hotel") or {}).items() if k != "id"}
    return content


def hash_document(doc: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of the fields that make an inspection record."""
    return canonical_sha256(hashed_content(doc))


def content_hash(session: Session, insp: Inspection) -> str:
    session.flush()
    return hash_document(inspection_document(insp))


# --- export --------------------------------------------------------------------------------------------


def export_inspections(db: Database, path: Path, *, hotel_id: str | None = None) -> int:
    """Write every (or one hotel's) inspection to a JSON file; returns the count."""
    with db.reading() as s:
        stmt = select(Inspection).where(Inspection.deleted.is_(False))
        if hotel_id:
            stmt = stmt.where(Inspection.hotel_id == hotel_id)
        docs = [
            inspection_document(i)
            for i in s.scalars(stmt.order_by(Inspection.started_at, Inspection.created_at))
        ]
    data = {"format": FORMAT_MANY, "exported_at": iso_time(clock.now()), "inspections": docs}
    from hoteltv.io.files import atomic_write_text

    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2))
    return len(docs)
