"""One clock (issue 11 point 7): printed and displayed times are the bureau's (Asia/Shanghai unless the
``time_zone`` setting says otherwise), whatever the computer's zone; a visit near midnight keeps its date."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hoteltv.cli import main
from hoteltv.config import Settings
from hoteltv.db.engine import Database
from hoteltv.domain import clock
from hoteltv.errors import HoteltvError
from hoteltv.reports.batch import select_inspections
from hoteltv.reports.common import ReportOptions, cn_date, cn_datetime
from hoteltv.reports.inspection_sheet import write_inspection_sheet
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from hoteltv.services.setup import open_home
from tests.core.report_fixtures import compact, pdf_text

#: 00:30 on 4 May in Beijing; still 3 May in UTC and in New York.
START = datetime(2026, 5, 3, 16, 30, tzinfo=UTC)
END = datetime(2026, 5, 3, 17, 10, tzinfo=UTC)


@pytest.fixture(params=["UTC", "America/New_York"])
def computer_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The computer's own zone set to UTC or New York for the test (the bureau's stays Beijing)."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    assert START.astimezone().date() == date(2026, 5, 3)  # the machine's zone really is another day
    yield request.param
    monkeypatch.undo()
    time.tzset()
    clock.set_bureau_zone(None)


def midnight_visit(db: Database, hotel_id: str, team: list[str], fill: Any) -> insp_service.InspectionView:
    view = insp_service.start_inspection(db, hotel_id, team)
    fill(db, view.id)
    return insp_service.update_header(db, view.id, insp_service.HeaderFields(started_at=START, ended_at=END))


def test_bureau_time_ignores_the_computers_zone(computer_zone: str) -> None:
    assert clock.bureau_time(START).strftime("%Y-%m-%d %H:%M") == "2026-05-04 00:30"
    assert clock.bureau_date(START) == date(2026, 5, 4)
    assert clock.fmt(START) == "2026-05-04 00:30"
    assert clock.fmt(START.replace(tzinfo=None)) == "2026-05-04 00:30"  # naive: stored UTC
    assert clock.fmt(START, zone_name="UTC") == "2026-05-03 16:30"
    assert cn_datetime(START) == "2026年5月4日 00:30"
    assert cn_date(START) == "2026年5月4日"
    # Today (deadlines, overdue, a notice's date) is the bureau's day too.
    assert clock.today() == datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date()


def test_sheet_printed_on_a_utc_or_new_york_computer_keeps_the_beijing_date(
    computer_zone: str,
    db: Database,
    hotel: hotel_service.HotelView,
    team: list[str],
    fill: Any,
    tmp_path: Path,
) -> None:
    view = midnight_visit(db, hotel.id, team, fill)
    out = write_inspection_sheet(db, view.id, tmp_path / "sheet.pdf", ReportOptions(home=tmp_path))
    text = compact(pdf_text(out))
    assert "2026年5月4日00:30至01:10" in text
    assert "2026年5月3日" not in text
    assert clock.bureau_date(view.started_at) == date(2026, 5, 4)
    # A batch of 4 May finds it; one of 3 May does not.
    assert [
        i.id
        for i in select_inspections(db, since=date(2026, 5, 4), until=date(2026, 5, 4), include_drafts=True)
    ] == [view.id]
    assert select_inspections(db, since=date(2026, 5, 3), until=date(2026, 5, 3), include_drafts=True) == []


def test_the_time_zone_setting_moves_every_time_and_is_checked(
    computer_zone: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], divisions: Any, fill: Any
) -> None:
    home = tmp_path / "home"
    db, settings, _ = open_home(home)
    try:
        hotel = hotel_service.create_hotel(
            db, hotel_service.HotelInput(name="永昌测试酒店", division_code="隆阳区"), divisions
        )
        team = [insp_service.add_inspector(db, "张明", "53050219001").id]
        view = midnight_visit(db, hotel.id, team, fill)
        with pytest.raises(HoteltvError, match="未知的时区"):
            settings.set("time_zone", "Asia/Beijing")  # not an IANA zone: refused, nothing saved
        assert Settings(home).get("time_zone") == "Asia/Shanghai"
    finally:
        db.close()
    # The CLI reads the setting when it opens the data folder.
    assert main(["--home", str(home), "inspections", "show", view.record_number]) == 0
    assert "开始: 2026-05-04 00:30  结束: 2026-05-04 01:10" in capsys.readouterr().out
    Settings(home).set("time_zone", "UTC")
    assert main(["--home", str(home), "inspections", "show", view.record_number]) == 0
    assert "开始: 2026-05-03 16:30" in capsys.readouterr().out


def test_an_unknown_zone_written_into_settings_json_by_hand_names_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    open_home(home)[0].close()
    (home / "settings.json").write_text('{"time_zone": "Asia/Beijing"}', encoding="utf-8")
    try:
        assert main(["--home", str(home), "hotels", "list"]) == 1
        err = capsys.readouterr().err
        assert (
            "settings.json: time_zone" in err and "未知的时区 'Asia/Beijing'" in err and "改正或删去" in err
        )
    finally:
        clock.set_bureau_zone(None)
