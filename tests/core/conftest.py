"""Fixtures for core tests (no Qt): databases with the Baoshan divisions, demo data, a builder for
complete inspections."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hoteltv.db.engine import Database
from hoteltv.domain.divisions import DivisionList, default_divisions
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from hoteltv.services.demo import good_hotel, good_room, load_demo
from hoteltv.services.setup import ensure_divisions


@pytest.fixture
def divisions() -> DivisionList:
    return default_divisions()


@pytest.fixture
def db(divisions: DivisionList) -> Iterator[Database]:
    database = Database.in_memory()
    ensure_divisions(database, divisions)
    yield database
    database.close()


@pytest.fixture
def file_db(tmp_path: Path, divisions: DivisionList) -> Iterator[Database]:
    database = Database.open(tmp_path / "home")
    ensure_divisions(database, divisions)
    yield database
    database.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the demo loaded once; tests copy it (loading takes seconds)."""
    home = tmp_path_factory.mktemp("demo-home")
    database = Database.open(home)
    divs = default_divisions()
    ensure_divisions(database, divs)
    load_demo(database, divs)
    database.close()
    return home


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Iterator[Database]:
    import shutil

    home = tmp_path / "demo"
    shutil.copytree(demo_template, home)
    database = Database.open(home)
    yield database
    database.close()


@pytest.fixture
def hotel(db: Database, divisions: DivisionList) -> hotel_service.HotelView:
    return hotel_service.create_hotel(
        db,
        hotel_service.HotelInput(
            name="永昌测试酒店",
            division_code="隆阳区",
            pilot=True,
            current_mode="direct_live",
            contact_name="段丽",
            contact_phone="0875-2123456",
        ),
        divisions,
    )


@pytest.fixture
def team(db: Database) -> list[str]:
    return [
        insp_service.add_inspector(db, "张明", "53050219001").id,
        insp_service.add_inspector(db, "李华", "53050219002").id,
    ]


@pytest.fixture
def fill() -> Any:
    """The :func:`fill_inspection` builder, as a fixture."""
    return fill_inspection


def fill_inspection(
    db: Database,
    inspection_id: str,
    mode: str = "direct_live",
    rooms: dict[str, dict[str, Any]] | None = None,
    hotel_overrides: dict[str, Any] | None = None,
    explain_evidence: bool = True,
) -> insp_service.InspectionView:
    """Answer everything (passing unless overridden) and fill the header so the draft can be finalized
    (each failed item that needs a photo gets a written reason instead, unless ``explain_evidence`` is
    False)."""
    answers = good_hotel(mode) | {"responsible_person": "杨建华"} | (hotel_overrides or {})
    view = insp_service.get_inspection(db, inspection_id)
    for key, value in answers.items():
        view = insp_service.set_hotel_answer(db, inspection_id, key, value)
    rooms = rooms if rooms is not None else {"301": {}, "502": {}, "718": {}}
    for number, overrides in rooms.items():
        existing = {r.room_number: r for r in view.rooms}
        if number not in existing:
            view = insp_service.add_room(db, inspection_id, number, floor=number[:-2], room_type="标准间")
        room = next(r for r in view.rooms if r.room_number == number)
        for key, value in (good_room(mode) | overrides).items():
            view = insp_service.set_room_answer(db, room.id, key, value)
    view = insp_service.update_header(
        db,
        inspection_id,
        insp_service.HeaderFields(ids_shown=True, hotel_opinion="无异议", hotel_signatory="段丽"),
    )
    if explain_evidence:
        view = explain_missing_evidence(db, view)
    return view


def explain_missing_evidence(
    db: Database, view: insp_service.InspectionView, reason: str = "测试记录，未拍照"
) -> insp_service.InspectionView:
    """Write a reason for every failed item that still lacks photo evidence (so the draft can be finalized)."""
    rooms = {r.room_number: r.id for r in view.rooms}
    for gap in insp_service.evidence_gaps(view):
        room_id = rooms[gap.room_label] if gap.room_label else None
        view = insp_service.set_evidence_reason(db, view.id, gap.item_key, reason, room_id=room_id)
    return view
