"""Bundle files: round trip by USB stick, and damaged, tampered, truncated or path-traversal bundles
refused whole with nothing changed."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hoteltv.sync.bundle import BundleRefused, export_bundle, import_local, read_bundle
from hoteltv.sync.server.bundle_import import import_to_server
from hoteltv.sync.server.models import ChangeLog
from tests.sync.helpers import edit_hotel, make_hotel, make_inspection, snapshot, unsent


def _field_laptop(laptop, tmp_path: Path):
    a = laptop("border", "ly")
    hotel = make_hotel(a.db, "边境酒店")
    make_inspection(a.db, hotel, photos=2, folder=tmp_path / "pics", seed=4)
    return a, hotel


def test_bundle_round_trip_to_a_laptop_and_the_server(laptop, server, tmp_path: Path) -> None:
    a, hotel = _field_laptop(laptop, tmp_path)
    path = tmp_path / "stick" / "border.hoteltv.zip"
    exported = export_bundle(a.db, a.store, path)
    assert exported.changes > 0 and exported.photos == 2
    assert unsent(a.db) > 0  # still queued: the next online sync sends it again, harmlessly

    office = laptop("office", "office")
    result = import_local(office.db, office.store, path)
    assert result.count("refused") == 0 and result.count("applied") > 0
    assert snapshot(office.db)["hotels"][hotel] == snapshot(a.db)["hotels"][hotel]
    assert sorted(office.store.blobs()) == sorted(a.store.blobs())
    assert import_local(office.db, office.store, path).already  # same file again: no-op

    # On the server (an admin applies it as the inspector's account would be checked).
    srv = import_to_server(server.db, server.app.state.blobs, path, "ly")
    assert srv.count("refused") == 0 and srv.photos == 2
    with server.db.read() as s:
        logged = s.scalar(select(func.count()).select_from(ChangeLog))
    again = import_to_server(server.db, server.app.state.blobs, path, "ly")
    assert again.results == srv.results  # the same batches: the stored answers, nothing applied twice
    with server.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ChangeLog)) == logged
    # The field laptop comes online later: nothing is duplicated, everything converges.
    report = a.sync()
    assert report.ok and report.photos_up == 0
    with server.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ChangeLog)) == logged
    assert office.sync().ok
    assert snapshot(a.db) == snapshot(office.db)


def test_bundle_import_conflict_keeps_local_value_and_lists_it(laptop, tmp_path: Path) -> None:
    a = laptop("a", "office")
    b = laptop("b", "office")
    hotel = make_hotel(a.db, "同名酒店", rooms=10)
    first = tmp_path / "1.zip"
    export_bundle(a.db, a.store, first)
    assert import_local(b.db, b.store, first).count("applied") > 0
    edit_hotel(a.db, hotel, rooms=20)
    edit_hotel(b.db, hotel, rooms=30)
    second = tmp_path / "2.zip"
    export_bundle(a.db, a.store, second)
    result = import_local(b.db, b.store, second)
    assert result.count("conflict") == 1
    from hoteltv.services.hotels import get_hotel
    from hoteltv.sync.state import list_conflicts

    assert get_hotel(b.db, hotel).rooms == 30
    (c,) = list_conflicts(b.db)
    assert (c.kept, c.other) == (30, 20)


def test_a_record_refused_for_a_dangling_reference_is_logged(laptop, tmp_path: Path, caplog) -> None:
    a, hotel = _field_laptop(laptop, tmp_path)
    from hoteltv.db.models import OutboxEntry
    from hoteltv.sync.outbox import mark_sent

    with a.db.reading() as s:  # the hotel went by sync: the bundle carries its inspection, not the hotel
        mark_sent(a.db, list(s.scalars(select(OutboxEntry.seq).where(OutboxEntry.entity == "hotels"))))
    path = export_bundle(a.db, a.store, tmp_path / "no-hotel.zip").path
    office = laptop("office", "office")
    with caplog.at_level("INFO", logger="hoteltv.sync.bundle"):
        result = import_local(office.db, office.store, path)
    (insp,) = [r for r in result.results if r.entity == "inspections"]
    assert insp.status == "refused" and "neither here nor in the bundle" in (insp.reason or "")
    lines = [r.getMessage() for r in caplog.records if f"inspections {insp.id} refused" in r.getMessage()]
    assert lines == [f"bundle no-hotel.zip: inspections {insp.id} refused (422): {insp.reason}"]


def _rewrite(src: Path, dest: Path, edit) -> Path:
    with zipfile.ZipFile(src) as zin:
        entries = {i.filename: zin.read(i) for i in zin.infolist()}
    entries = edit(entries)
    with zipfile.ZipFile(dest, "w") as zout:
        for name, data in entries.items():
            zout.writestr(name, data)
    return dest


def _tamper_photo(entries):
    name = next(n for n in entries if n.startswith("photos/"))
    entries[name] = entries[name][:-1] + bytes([entries[name][-1] ^ 1])
    return entries


def _tamper_changes(entries):
    body = json.loads(entries["changes.json"])
    body["changes"][0]["values"]["name"] = "篡改"
    entries["changes.json"] = json.dumps(body).encode()
    return entries


def _traversal(entries):
    entries["../../evil.txt"] = b"x"
    return entries


def _absolute(entries):
    entries["/etc/evil"] = b"x"
    return entries


def _unlisted(entries):
    entries["photos/" + "0" * 64] = b"extra"
    return entries


def _missing(entries):
    del entries[next(n for n in entries if n.startswith("photos/"))]
    return entries


@pytest.mark.parametrize(
    "edit, words",
    [
        (_tamper_photo, "被改动"),
        (_tamper_changes, "被改动"),
        (_traversal, "不安全"),
        (_absolute, "不安全"),
        (_unlisted, "清单外"),
        (_missing, "缺少条目"),
    ],
)
def test_bad_bundles_are_refused_whole(laptop, tmp_path: Path, edit, words: str) -> None:
    a, _ = _field_laptop(laptop, tmp_path)
    good = tmp_path / "good.zip"
    export_bundle(a.db, a.store, good)
    bad = _rewrite(good, tmp_path / "bad.zip", edit)
    office = laptop("office", "office")
    before = snapshot(office.db)
    blobs = sorted(office.store.blobs())
    with pytest.raises(BundleRefused) as err:
        import_local(office.db, office.store, bad)
    assert words in str(err.value)
    assert snapshot(office.db) == before and sorted(office.store.blobs()) == blobs


def test_truncated_bundle_is_refused(laptop, tmp_path: Path) -> None:
    a, _ = _field_laptop(laptop, tmp_path)
    good = tmp_path / "good.zip"
    export_bundle(a.db, a.store, good)
    data = good.read_bytes()
    office = laptop("office", "office")
    before = snapshot(office.db)
    for cut in (len(data) // 3, len(data) - 30):
        bad = tmp_path / f"cut{cut}.zip"
        bad.write_bytes(data[:cut])
        with pytest.raises(BundleRefused):
            import_local(office.db, office.store, bad)
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"not a zip at all")
    with pytest.raises(BundleRefused):
        read_bundle(garbage)
    assert snapshot(office.db) == before
