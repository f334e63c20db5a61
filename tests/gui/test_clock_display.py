"""One clock in the GUI (issue 11 point 7): a visit at 00:30 Beijing time shows 4 May on a computer set to
UTC or New York, in the inspection window and in the registry's list, and an edited time is the bureau's."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from PySide6.QtCore import QDateTime

from hoteltv.domain import clock
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from ui.context import AppContext
from ui.inspection import open_inspection_window, open_windows
from ui.inspection.texts import local_time
from ui.inspection.window import InspectionWindow

START = datetime(2026, 5, 3, 16, 30, tzinfo=UTC)


@pytest.fixture(params=["UTC", "America/New_York"])
def computer_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    for window in open_windows():
        window.close()
    monkeypatch.undo()
    time.tzset()
    clock.set_bureau_zone(None)


def test_the_inspection_window_shows_and_takes_the_bureaus_time(
    computer_zone: str, qtbot, ctx: AppContext
) -> None:
    hotel = hotel_service.create_hotel(
        ctx.db, hotel_service.HotelInput(name="永昌大酒店", division_code="530502"), ctx.divisions
    )
    team = [insp_service.add_inspector(ctx.db, "张明", "53050219001").id]
    view = insp_service.start_inspection(ctx.db, hotel.id, team)
    insp_service.update_header(ctx.db, view.id, insp_service.HeaderFields(started_at=START))
    assert local_time(START) == "2026-05-04 00:30"
    window = open_inspection_window(ctx, view.id)
    assert isinstance(window, InspectionWindow)
    qtbot.addWidget(window)
    assert window.start_edit.dateTime().toString("yyyy-MM-dd HH:mm") == "2026-05-04 00:30"
    # The inspector types 01:15 (Beijing): stored as 17:15 UTC on 3 May, whatever the computer's zone.
    window.start_edit.setDateTime(QDateTime.fromString("2026-05-04 01:15", "yyyy-MM-dd HH:mm"))
    window.start_edit.editingFinished.emit()
    stored = insp_service.get_inspection(ctx.db, view.id).started_at
    assert stored is not None and stored.astimezone(UTC) == datetime(2026, 5, 3, 17, 15, tzinfo=UTC)
