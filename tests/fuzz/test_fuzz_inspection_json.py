"""Fuzzing the inspection JSON importer with random and hostile documents.

Whatever the file holds — random JSON, an exported document with random parts replaced or removed,
``NaN``/``Infinity``, deep nesting, bytes that are not UTF-8 — :func:`import_inspections` either imports
it or raises a ``HoteltvError`` (``ValidationError`` naming the problems); nothing else escapes, and a
refused file writes nothing: no inspection, room, team member, inspector, audit or outbox row.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from hoteltv.db.engine import Database
from hoteltv.db.models import Inspection
from hoteltv.domain.divisions import default_divisions
from hoteltv.errors import HoteltvError
from hoteltv.io.inspection_json import inspection_document
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from hoteltv.services.inspection_import import import_inspections
from hoteltv.services.setup import ensure_divisions
from tests.core.conftest import fill_inspection
from tests.fuzz.profile import fuzz

TABLES = ("inspections", "room_checks", "inspection_inspectors", "inspectors", "audit_events", "outbox")


def _db_with_hotel() -> Database:
    db = Database.in_memory()
    divisions = default_divisions()
    ensure_divisions(db, divisions)
    hotel_service.create_hotel(
        db,
        hotel_service.HotelInput(name="永昌测试酒店", division_code="隆阳区", credit_code=None, pilot=True),
        divisions,
    )
    return db


@pytest.fixture(scope="module")
def documents() -> list[dict[str, Any]]:
    """A finalized and a draft inspection, exported from a database of their own."""
    db = _db_with_hotel()
    try:
        hotel = hotel_service.list_hotels(db)[0]
        team = [
            insp_service.add_inspector(db, "张明", "53050219001").id,
            insp_service.add_inspector(db, "李华", "53050219002").id,
        ]
        final = insp_service.start_inspection(db, hotel.id, team)
        fill_inspection(db, final.id)
        insp_service.finalize(db, final.id)
        draft = insp_service.start_inspection(db, hotel.id, team)
        insp_service.add_room(db, draft.id, "808")
        insp_service.set_hotel_answer(db, draft.id, "tv_mode", "welcome")
        with db.reading() as s:
            return [inspection_document(s.get(Inspection, i)) for i in (final.id, draft.id)]  # type: ignore[arg-type]
    finally:
        db.close()


@pytest.fixture(scope="module")
def target() -> Iterator[Database]:
    db = _db_with_hotel()
    yield db
    db.close()


def _fingerprint(db: Database) -> tuple[int, ...]:
    with db.engine.connect() as conn:
        return tuple(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES)


def check_import(db: Database, data: bytes) -> None:
    """The property: imported, or refused with a HoteltvError and nothing written."""
    before = _fingerprint(db)
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "inspections.json"
        path.write_bytes(data)
        try:
            report = import_inspections(db, path)
        except HoteltvError as exc:
            assert str(exc)
            assert _fingerprint(db) == before, "a refused file wrote something"
            return
    assert report.created or report.unchanged or _fingerprint(db) == before
    assert db.integrity_problems() == []


json_scalars = st.one_of(
    st.none(),
    st.sampled_from([float("inf"), float("-inf"), float("nan"), 1e308, 10**30, -1, 0, True, False]),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        [
            "hotel_tv",
            "hoteltv-inspection/1",
            "hoteltv-inspections/1",
            "finalized",
            "draft",
            "reinspection",
            "2026-11-27T09:30:00+08:00",
            "2026-11-27T09:30:00",
            "2026-02-30T09:30:00Z",
            "9999-12-31T23:59:59-23:59",
            "../../../etc/passwd",
            "yes",
            "是",
            "35秒",
            "welcome",
            "",
        ]
    ),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def _slots(node: Any, depth: int = 0) -> Iterator[tuple[Any, Any, int]]:
    """Every (container, key, depth) in a JSON tree, to pick one to change."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield node, k, depth
            yield from _slots(v, depth + 1)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield node, i, depth
            yield from _slots(v, depth + 1)


@st.composite
def mutated(draw: st.DrawFn, documents: list[dict[str, Any]]) -> Any:
    doc = copy.deepcopy(draw(st.sampled_from(documents)))
    if draw(st.booleans()):
        doc["id"] = str(uuid.UUID(int=draw(st.integers(0, 2**128 - 1))))  # a new record: the creating path
    for _ in range(draw(st.integers(1, 4))):
        slots = list(_slots(doc))
        if draw(st.booleans()):  # half the time a field of the document or of its hotel/template/rooms
            slots = [
                slot for slot in slots if slot[2] <= 1 or (slot[2] == 2 and not isinstance(slot[0], dict))
            ] or slots
        parent, key, _depth = draw(st.sampled_from(slots))
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "replace":
            parent[key] = draw(json_values)
        elif action == "delete":
            del parent[key]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = draw(json_values)
        else:
            parent.append(draw(json_values))
    if draw(st.booleans()):
        return doc
    more = draw(st.lists(st.sampled_from(documents), max_size=2))
    return {"format": "hoteltv-inspections/1", "inspections": [doc, *more]}


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")  # NaN/Infinity as JSON's loose dialect


@given(data=st.data())
@fuzz(120)
def test_mutated_documents_are_imported_or_refused_without_writing(
    data: st.DataObject, documents: list[dict[str, Any]], target: Database
) -> None:
    check_import(target, _dump(data.draw(mutated(documents))))


@given(value=json_values)
@fuzz(60)
def test_random_json_is_refused_without_writing(value: Any, target: Database) -> None:
    check_import(target, _dump(value))
    check_import(
        target,
        _dump({"format": "hoteltv-inspection/1", **(value if isinstance(value, dict) else {"x": value})}),
    )


@given(
    raw=st.one_of(
        st.binary(max_size=300),
        st.sampled_from(
            [
                b"[" * 100_000,
                b"\xef\xbb\xbf{}",
                b'{"format": "hoteltv-inspections/1", "inspections": [' + b"{}," * 5 + b"{}]}",
            ]
        ),
    )
)
@fuzz(40)
def test_hostile_bytes_are_refused(raw: bytes, target: Database) -> None:
    check_import(target, raw)


def test_valid_documents_round_trip(documents: list[dict[str, Any]], target: Database) -> None:
    check_import(target, _dump({"format": "hoteltv-inspections/1", "inspections": documents}))
    with target.reading() as s:
        assert s.get(Inspection, documents[0]["id"]) is not None


@pytest.mark.parametrize(
    "template",
    [
        {"id": "hotel_tv", "version": float("inf")},  # OverflowError escaped from int(inf)
        {
            "id": "hotel_tv",
            "version": 1e308,
        },  # a 309-digit version: the file name made is_file() raise OSError
        {"id": "a" * 400, "version": 1},  # the same through the template id
    ],
)
def test_absurd_template_references_are_refused_not_a_crash(
    template: dict[str, Any], documents: list[dict[str, Any]], target: Database
) -> None:
    """Regression (found by the long fuzz profile): these ended in OverflowError / OSError."""
    doc = {**copy.deepcopy(documents[1]), "id": str(uuid.uuid4()), "template": template}
    before = _fingerprint(target)
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "absurd.json"
        path.write_bytes(_dump(doc))
        with pytest.raises(HoteltvError, match="unknown checklist template"):
            import_inspections(target, path)
    assert _fingerprint(target) == before


def test_an_empty_supersedes_names_no_inspection(documents: list[dict[str, Any]], target: Database) -> None:
    """Long fuzz: a finalized document under a new id with ``"supersedes": ""`` was written with "" as the
    reference to the inspection it corrects, and SQLite refused the row (FOREIGN KEY constraint failed) —
    an IntegrityError out of the import instead of a record or a refusal."""
    doc = {**copy.deepcopy(documents[0]), "id": str(uuid.UUID(int=7)), "supersedes": ""}
    check_import(target, _dump(doc))  # refused: its seal is of the record under its first id
    with target.reading() as s:
        assert s.get(Inspection, doc["id"]) is None
    for key in ("seal", "seal_hash", "content_hash"):
        del doc[key]
    check_import(target, _dump(doc))  # imported, sealed here
    with target.reading() as s:
        imported = s.get(Inspection, doc["id"])
        assert imported is not None and imported.supersedes_id is None
