"""One place for each rule (issue 12, point 7): the minimum team is one domain constant, what stops a draft
from being finalized carries a structured code (programs never parse the message), and a new notice's
deadline default comes from the core and the data folder's settings."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hoteltv.config import Settings, default_of
from hoteltv.db.engine import Database
from hoteltv.domain import lifecycle
from hoteltv.domain.lifecycle import Blocker
from hoteltv.domain.rules import MissingItem
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from hoteltv.services import notices as notice_service
from hoteltv.services.inspections import EvidenceGap


def test_an_empty_draft_with_one_inspector_lists_every_blocker_by_code(
    db: Database, hotel: hotel_service.HotelView, team: list[str]
) -> None:
    view = insp_service.start_inspection(db, hotel.id, team[:1])
    problems = insp_service.finalize_problems(view)
    codes = [p.code for p in problems]
    assert set(codes) == {
        Blocker.TOO_FEW_INSPECTORS,
        Blocker.IDS_NOT_SHOWN,
        Blocker.ROOMS_SHORT,
        Blocker.UNANSWERED,
        Blocker.OPINION_MISSING,
        Blocker.SIGNATORY_MISSING,
    }
    by_code = {p.code: p for p in problems}
    assert by_code[Blocker.TOO_FEW_INSPECTORS].value == lifecycle.MIN_INSPECTORS == 2
    assert by_code[Blocker.TOO_FEW_INSPECTORS].where == "inspectors"
    assert by_code[Blocker.ROOMS_SHORT].value == view.verdict.rooms_short > 0
    unanswered = [p.value for p in problems if p.code == Blocker.UNANSWERED]
    assert unanswered == list(view.verdict.missing)
    assert all(isinstance(m, MissingItem) for m in unanswered)


def test_the_team_rule_follows_the_domain_constant(
    db: Database, hotel: hotel_service.HotelView, team: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    view = insp_service.start_inspection(db, hotel.id, team)
    assert Blocker.TOO_FEW_INSPECTORS not in {p.code for p in insp_service.finalize_problems(view)}
    monkeypatch.setattr(lifecycle, "MIN_INSPECTORS", 3)  # a bureau that sends three: the one constant decides
    problem = next(p for p in insp_service.finalize_problems(view) if p.where == "inspectors")
    assert problem.code == Blocker.TOO_FEW_INSPECTORS and problem.value == 3
    assert "至少需要3名检查人员" in problem.message


def test_evidence_and_refusal_blockers_carry_their_codes(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any
) -> None:
    view = insp_service.start_inspection(db, hotel.id, team)
    view = fill(
        db, view.id, rooms={"301": {"boot_seconds": 58}, "502": {}, "718": {}}, explain_evidence=False
    )
    view = insp_service.set_refusal(db, view.id, True)
    problems = insp_service.finalize_problems(view)
    assert [p.code for p in problems] == [Blocker.EVIDENCE_MISSING, Blocker.WITNESS_MISSING]
    assert isinstance(problems[0].value, EvidenceGap) and problems[0].value.room_label == "301"


def test_the_deadline_default_comes_from_the_settings_through_the_core(tmp_path: Path) -> None:
    today = date(2026, 12, 5)
    assert default_of("notice_deadline_days") == lifecycle.DEFAULT_DEADLINE_DAYS
    plain = notice_service.default_dates(None, today)
    assert (plain.days, plain.deadline, plain.reinspection) == (7, date(2026, 12, 12), date(2026, 12, 12))
    settings = Settings(tmp_path)
    settings.set("notice_deadline_days", 15)
    assert notice_service.default_dates(settings, today).deadline == date(2026, 12, 20)
    settings.set("notice_deadline_days", 0)  # nonsense falls back to the domain's default
    assert notice_service.default_dates(settings, today).days == lifecycle.DEFAULT_DEADLINE_DAYS
