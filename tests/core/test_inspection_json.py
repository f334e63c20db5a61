"""The inspection JSON format: lossless round trip, all-or-nothing import, precise refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from hoteltv.db.engine import Database
from hoteltv.db.models import AuditEvent, Inspection
from hoteltv.domain.divisions import DivisionList
from hoteltv.errors import HoteltvError, ValidationError
from hoteltv.io.inspection_json import export_inspections
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from hoteltv.services.inspection_import import import_inspections
from hoteltv.services.setup import ensure_divisions


def _docs(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "hoteltv-inspections/1"
    return list(data["inspections"])


def _target(divisions: DivisionList, source: Database) -> Database:
    """A second database holding the same sites (as another office would after importing the list)."""
    target = Database.in_memory()
    ensure_divisions(target, divisions)
    for h in hotel_service.list_hotels(source, site_kind=None):
        hotel_service.create_hotel(target, h.as_input(), divisions)
    return target


def test_round_trip_is_lossless(demo_db: Database, divisions: DivisionList, tmp_path: Path) -> None:
    out = tmp_path / "all.json"
    assert export_inspections(demo_db, out) == 8  # 4 hotel-TV records, 4 satellite checks
    target = _target(divisions, demo_db)
    report = import_inspections(target, out)
    assert len(report.created) == 8
    again = tmp_path / "again.json"
    export_inspections(target, again)
    strip = ("hotel", "notice_id")  # hotel ids differ between the two databases; notices were not exported
    a = [{k: v for k, v in d.items() if k not in strip} for d in _docs(out)]
    b = [{k: v for k, v in d.items() if k not in strip} for d in _docs(again)]
    assert a == b
    assert [d["content_hash"] for d in _docs(again)] == [d["content_hash"] for d in _docs(out)]
    # importing the same file again changes nothing
    report = import_inspections(target, out)
    assert report.created == [] and len(report.unchanged) == 8


def _one(demo_db: Database, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "x.json"
    export_inspections(demo_db, out)
    # A passed hotel-TV first inspection (with rooms; the demo's satellite checks have none).
    return next(d for d in _docs(out) if d["result"] == "pass" and d["kind"] == "first" and d["rooms"])


def _write(tmp_path: Path, doc: Any, name: str = "in.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d["rooms"][0]["answers"].update(boot_seconds="fast"), "rooms[0].answers.boot_seconds"),
        (lambda d: d["hotel_answers"].update(no_such_item="yes"), "hotel_answers.no_such_item"),
        (lambda d: d.update(started_at="yesterday"), "started_at"),
        (lambda d: d.update(started_at="2026-11-01T09:00:00"), "started_at"),
        (lambda d: d.update(result="fail"), "result"),
        (lambda d: d.update(content_hash="0" * 64), "content_hash"),
        (lambda d: d.update(hotel={"name": "不存在的酒店", "division": "530502"}), "hotel"),
        (lambda d: d.update(template={"id": "hotel_tv", "version": 99}), "template"),
        (lambda d: d.update(inspectors=d["inspectors"][:1]), "inspectors"),
        (lambda d: d.update(rooms=d["rooms"][:2]), "$"),
        (lambda d: d.update(kind="surprise"), "kind"),
        (lambda d: d["rooms"].append(dict(d["rooms"][0])), "room_number"),
        (lambda d: d.update(findings=["not", "text"]), "findings"),
        (lambda d: d["rooms"][0].update(floor=1.5), "$.inspections[1].rooms[0].floor"),
        (lambda d: d["inspectors"][1].pop("enforcement_id"), "$.inspections[1].inspectors[1].enforcement_id"),
        (lambda d: d.update(evidence_notes=[{"reason": "x"}]), "$.inspections[1].evidence_notes[0].item_key"),
    ],
)
def test_bad_documents_are_refused_whole(demo_db: Database, tmp_path: Path, mutate: Any, where: str) -> None:
    doc = _one(demo_db, tmp_path)
    doc["id"] = "11111111-2222-3333-4444-555555555555"
    good = dict(doc, id="66666666-2222-3333-4444-555555555555", rooms=[dict(r) for r in doc["rooms"]])
    mutate(doc)
    path = _write(tmp_path, {"format": "hoteltv-inspections/1", "inspections": [good, doc]})
    with demo_db.reading() as s:
        before = (len(s.scalars(select(Inspection)).all()), len(s.scalars(select(AuditEvent)).all()))
    with pytest.raises(ValidationError) as err:
        import_inspections(demo_db, path)
    assert any(where in p.where for p in err.value.problems), err.value.problems
    with demo_db.reading() as s:
        after = (len(s.scalars(select(Inspection)).all()), len(s.scalars(select(AuditEvent)).all()))
    assert after == before  # the good document was not imported either


def test_same_id_with_other_content_is_not_overwritten(demo_db: Database, tmp_path: Path) -> None:
    doc = _one(demo_db, tmp_path)
    doc["findings"] = "改过的结论"
    with pytest.raises(ValidationError, match="nothing was imported") as err:
        import_inspections(demo_db, _write(tmp_path, doc))
    assert "different content" in str(err.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "invalid JSON"),
        (b"{not json", "invalid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"format": "something-else"}', "not a hoteltv inspection file"),
        (b"[1, 2, 3]", "not a hoteltv inspection file"),
        (b'{"format": "hoteltv-inspections/1", "inspections": {"a": 1}}', "must be a list"),
        (b'{"format": "hoteltv-inspections/1", "inspections": [42]}', "must be an object"),
    ],
)
def test_hostile_files_get_a_clear_message(
    db: Database, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "hostile.json"
    path.write_bytes(content)
    with pytest.raises(HoteltvError, match=message):
        import_inspections(db, path)


def test_oversized_file_is_refused_before_reading(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hoteltv.services.inspection_import as mod

    monkeypatch.setattr(mod, "MAX_FILE_BYTES", 10)
    path = _write(tmp_path, {"format": "hoteltv-inspections/1", "inspections": []})
    with pytest.raises(HoteltvError, match="过大"):
        import_inspections(db, path)


def test_import_of_finalized_sets_hotel_state(
    demo_db: Database, divisions: DivisionList, tmp_path: Path
) -> None:
    out = tmp_path / "all.json"
    export_inspections(demo_db, out)
    target = _target(divisions, demo_db)
    import_inspections(target, out)
    statuses = sorted(h.remediation_status for h in hotel_service.list_hotels(target) if h.last_result)
    # The hotel the satellite campaign checked has a last result, but no TV remediation status from it.
    assert statuses == ["compliant", "failed", "not_inspected", "rectified"] or statuses == [
        "compliant",
        "compliant",
        "failed",
        "not_inspected",
    ]
    assert len(insp_service.list_inspections(target)) == 8


def test_a_file_naming_a_hotel_merged_since_finds_the_hotel_that_stays(
    demo_db: Database, divisions: DivisionList, tmp_path: Path
) -> None:
    """Found from outside: a file exported before its hotel was merged into another (the same hotel typed
    in twice) was refused ("no such hotel"), though the inspection was even here already."""
    from dataclasses import replace

    from hoteltv.services.hotel_merge import merge_hotels

    doc = _one(demo_db, tmp_path)
    merged = hotel_service.get_hotel(demo_db, doc["hotel"]["id"])
    keep = hotel_service.create_hotel(
        demo_db, replace(merged.as_input(), name=merged.name + "(总店)", credit_code=None), divisions
    )
    merge_hotels(demo_db, keep.id, merged.id)
    report = import_inspections(demo_db, _write(tmp_path, doc))
    assert report.unchanged == [doc["record_number"]] and report.created == []
