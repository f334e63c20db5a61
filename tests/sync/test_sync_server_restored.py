"""A server restored from an older backup, or a laptop pointed at another server and back: what the server
lacks of the laptop's own writing is sent again, and the laptop's newer values are never overwritten by
the server's older ones (they were lost: marked sent, the sync reported success and the check passed)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from hoteltv.services import hotels as hotel_service
from hoteltv.sync import state as sync_state
from tests.sync.helpers import edit_hotel, make_hotel, make_inspection, snapshot, team


def _database(server) -> str:  # type: ignore[no-untyped-def]
    if not server.db.is_sqlite:
        pytest.skip("the restore is copied with SQLite's backup API")
    return str(make_url(server.db.url).database)


def _copy(source: str, target: str) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def test_a_server_restored_from_an_older_backup_gets_again_what_it_lost(
    laptop, server, tmp_path: Path
) -> None:
    path = _database(server)
    a = laptop("a", "office")
    team(a.db)
    hotel = make_hotel(a.db, "恢复宾馆")
    assert a.sync().ok
    saved = str(tmp_path / "backup.db")
    _copy(path, saved)  # the nightly backup
    edit_hotel(a.db, hotel, contact_phone="0875-1234567")
    insp = make_inspection(a.db, hotel)
    assert a.sync().ok and a.sync().ok  # sent, and in step
    _copy(saved, path)  # the server is restored from last night's backup
    report = a.sync()
    assert report.ok and report.check_ok, report.message
    assert report.requeued >= 2 and "已重新发送" in report.message
    with server.http("office") as http:
        assert http.get(f"/api/v1/records/hotels/{hotel}").json()["values"]["contact_phone"] == "0875-1234567"
        assert http.get(f"/api/v1/records/inspections/{insp}").status_code == 200
    assert hotel_service.get_hotel(a.db, hotel).contact_phone == "0875-1234567"
    b = laptop("b", "office")
    assert b.sync().ok
    assert snapshot(a.db) == snapshot(b.db)
    again = a.sync()
    assert again.ok and again.requeued == 0


def test_back_from_another_server_the_edit_it_took_and_the_open_conflicts_are_here_again(
    laptop, server, tmp_path: Path
) -> None:
    path = _database(server)
    a = laptop("a", "office")
    b = laptop("b", "office")
    hotel = make_hotel(a.db, "西邑客栈")
    assert a.sync().ok and b.sync().ok
    edit_hotel(a.db, hotel, contact_phone="0875-1111111")
    edit_hotel(b.db, hotel, contact_phone="0875-2222222")
    assert a.sync().ok and b.sync().conflicts == 1
    live = str(tmp_path / "first-server.db")
    _copy(path, live)
    with server.db.write() as s:  # "another server": the same database under another server id
        from hoteltv.sync.server.models import ServerState

        state = s.get(ServerState, "server_id")
        assert state is not None
        state.text = "another-server"
    edit_hotel(b.db, hotel, address="西邑路9号")  # queued, then taken by the other server
    assert b.sync().ok
    _copy(live, path)  # back to the first server (its own id, without that edit)
    report = b.sync()
    assert report.ok and report.check_ok, report.message
    with server.http("office") as http:
        assert http.get(f"/api/v1/records/hotels/{hotel}").json()["values"]["address"] == "西邑路9号"
    assert [c.field for c in sync_state.list_conflicts(b.db)] == ["contact_phone"]


def test_an_inspector_whose_divisions_were_narrowed_keeps_syncing(laptop, server) -> None:
    # Every sync failed its check for good ('records here differ'): the laptop compared every row it
    # holds with what the server now shows the account.
    from hoteltv.sync.server import admin
    from tests.sync.conftest import LONGYANG, TENGCHONG

    admin.update_user(server.db, "ly", divisions=[LONGYANG, TENGCHONG])
    office = laptop("office", "office")
    here = make_hotel(office.db, "隆阳宾馆", division="隆阳区")
    there = make_hotel(office.db, "腾冲宾馆", division="腾冲市")
    assert office.sync().ok
    field = laptop("wang", "ly")
    assert field.sync().ok
    make_inspection(field.db, there)
    assert field.sync().ok
    admin.update_user(server.db, "ly", divisions=[LONGYANG])
    report = field.sync()
    assert report.ok and report.check_ok, report.message
    assert hotel_service.get_hotel(field.db, there).name == "腾冲宾馆"  # kept here, not deleted
    edit_hotel(office.db, here, contact_phone="0875-3333333")
    assert office.sync().ok
    again = field.sync()
    assert (
        again.ok
        and again.check_ok
        and hotel_service.get_hotel(field.db, here).contact_phone == "0875-3333333"
    )
