"""The demo lives apart from real data: its own folder beside the real one, its database marked demo."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoteltv.errors import HoteltvError
from hoteltv.services import hotels as hotel_service
from hoteltv.services.demo import demo_home, is_demo, prepare_demo_home
from hoteltv.services.setup import open_home


def test_demo_home_is_a_sibling_named_after_the_real_folder(tmp_path: Path) -> None:
    assert demo_home(tmp_path / "hoteltv") == tmp_path / "hoteltv-demo"
    assert demo_home(tmp_path / "hoteltv-demo") == tmp_path / "hoteltv-demo"  # already the demo's


def test_prepare_fills_and_marks_the_demo_folder_only(tmp_path: Path) -> None:
    real = tmp_path / "home"
    db = open_home(real)[0]
    db.close()
    folder = prepare_demo_home(real)
    assert folder == tmp_path / "home-demo"
    db = open_home(folder)[0]
    try:
        assert is_demo(db) and len(hotel_service.list_hotels(db)) == 40
    finally:
        db.close()
    assert prepare_demo_home(real) == folder  # used as it is the second time
    db = open_home(real)[0]
    try:
        assert not is_demo(db) and hotel_service.list_hotels(db) == []
    finally:
        db.close()


def test_a_folder_of_that_name_with_real_records_is_refused(tmp_path: Path) -> None:
    db, _settings, divisions = open_home(tmp_path / "home-demo")
    try:
        hotel_service.create_hotel(
            db, hotel_service.HotelInput(name="真实酒店", division_code="530502"), divisions
        )
    finally:
        db.close()
    with pytest.raises(HoteltvError, match="already holds 1 hotels"):
        prepare_demo_home(tmp_path / "home")
    db = open_home(tmp_path / "home-demo")[0]
    try:
        assert not is_demo(db) and len(hotel_service.list_hotels(db)) == 1  # nothing changed
    finally:
        db.close()


def test_cli_demo_marks_the_folder_and_stays_refused_on_real_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hoteltv.cli import main

    home = tmp_path / "fresh"
    assert main(["--home", str(home), "demo"]) == 0
    db = open_home(home)[0]
    try:
        assert is_demo(db)
    finally:
        db.close()
    capsys.readouterr()
    assert main(["--home", str(home), "demo"]) == 1
    assert "already holds 40 hotels" in capsys.readouterr().err
