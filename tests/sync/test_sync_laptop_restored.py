"""A laptop restored from an older backup of its own data folder (or moved to a new laptop by backup and
restore after the old one synced again): the edits made after the restore reach the server and are kept
here; the laptop gets back what the server took from it after the backup. They were dropped as changes
the server had seen before (the restored laptop numbered them as it had numbered the later ones)."""

from __future__ import annotations

from hoteltv.backup import create_backup, restore_backup
from hoteltv.db.engine import Database
from hoteltv.services import hotels as hotel_service
from tests.sync.helpers import edit_hotel, make_hotel, snapshot


def _restore(lap, backup, home=None) -> None:  # type: ignore[no-untyped-def]
    lap.db.close()
    lap.home = home or lap.home
    restore_backup(lap.home, backup, force=True)
    lap.db = Database.open(lap.home)


def test_edits_made_after_restoring_an_older_backup_reach_the_server(laptop, server, tmp_path) -> None:
    a = laptop("a", "office")
    hotel = make_hotel(a.db, "恢复后宾馆")
    edit_hotel(a.db, hotel, contact_phone="0875-0000000")
    assert a.sync().ok
    create_backup(a.home, tmp_path / "a.zip")  # the daily backup
    edit_hotel(a.db, hotel, contact_phone="0875-1111111")
    edit_hotel(a.db, hotel, address="旧路1号")
    assert a.sync().ok
    _restore(a, tmp_path / "a.zip")
    edit_hotel(a.db, hotel, contact_phone="0875-2222222")
    device = a.db.device_id
    report = a.sync()
    assert report.ok and report.check_ok, report.message
    # The same laptop's backup: not taken for a copy of another data folder (hoteltv.sync.lineage).
    assert report.new_device_id == "" and a.db.device_id == device
    with server.http("office") as http:
        values = http.get(f"/api/v1/records/hotels/{hotel}").json()["values"]
    assert values["contact_phone"] == "0875-2222222"
    assert values["address"] == "旧路1号"  # taken after the backup, kept on the server
    here = hotel_service.get_hotel(a.db, hotel)
    assert (here.contact_phone, here.address) == ("0875-2222222", "旧路1号")
    b = laptop("b", "office")
    assert b.sync().ok and a.sync().ok
    assert snapshot(a.db) == snapshot(b.db)


def test_moved_to_a_new_laptop_from_a_backup_older_than_the_last_sync(laptop, server, tmp_path) -> None:
    old = laptop("old", "office")
    hotel = make_hotel(old.db, "搬家宾馆")
    assert old.sync().ok
    create_backup(old.home, tmp_path / "move.zip")
    for phone in ("0875-3333331", "0875-3333332", "0875-3333333"):  # the old laptop goes on a while
        edit_hotel(old.db, hotel, contact_phone=phone)
    assert old.sync().ok
    new = laptop("new", "office")
    _restore(new, tmp_path / "move.zip")  # an empty folder: no database of the same laptop to look at
    new_hotel = make_hotel(new.db, "新电脑上的宾馆")
    edit_hotel(new.db, hotel, address="新路8号")
    report = new.sync()
    assert report.ok and report.check_ok, report.message
    with server.http("office") as http:
        assert http.get(f"/api/v1/records/hotels/{new_hotel}").status_code == 200
        values = http.get(f"/api/v1/records/hotels/{hotel}").json()["values"]
    assert (values["contact_phone"], values["address"]) == ("0875-3333333", "新路8号")
    assert report.new_device_id == ""  # the restored folder takes over the device lineage
    # The old laptop goes on too: the two now share a device id, so the one that syncs second takes a
    # new one, and its edit is not taken for one the server has seen.
    edit_hotel(old.db, hotel, address="旧电脑路9号")
    later = old.sync()
    assert later.ok and later.new_device_id and old.db.device_id != new.db.device_id, later.message
    assert later.conflicts == 1, later.outcomes  # both changed the address since the backup
    edit_hotel(old.db, new_hotel, contact_phone="0875-3333334")
    assert old.sync().ok
    with server.http("office") as http:
        assert (
            http.get(f"/api/v1/records/hotels/{new_hotel}").json()["values"]["contact_phone"]
            == "0875-3333334"
        )
