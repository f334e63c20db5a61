"""Two laptops and a server: offline edits on both, sync, convergence."""

from __future__ import annotations

from pathlib import Path

from tests.sync.helpers import edit_hotel, make_hotel, make_inspection, snapshot, unsent


def test_two_laptops_converge(laptop, tmp_path: Path) -> None:
    a = laptop("a", "office")
    b = laptop("b", "office")
    h1 = make_hotel(a.db, "永昌酒店")
    make_inspection(a.db, h1, photos=2, folder=tmp_path / "pa", seed=1)
    h2 = make_hotel(b.db, "腾越酒店", division="腾冲市")
    make_inspection(b.db, h2, photos=1, folder=tmp_path / "pb", seed=2, finalize=False)
    ra = a.sync()
    assert ra.ok, ra.message
    rb = b.sync()
    assert rb.ok, rb.message
    ra2 = a.sync()
    assert ra2.ok, ra2.message
    assert snapshot(a.db) == snapshot(b.db)
    assert unsent(a.db) == 0 and unsent(b.db) == 0
    # photos travelled both ways
    assert sorted(a.store.blobs()) == sorted(b.store.blobs())
    # offline edits on both to different fields of the same hotel merge
    edit_hotel(a.db, h1, address="保山市隆阳区正阳路1号")
    edit_hotel(b.db, h1, contact_phone="0875-2123456")
    assert a.sync().ok and b.sync().ok and a.sync().ok
    assert snapshot(a.db) == snapshot(b.db)
