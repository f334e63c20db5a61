"""A conflict has one id everywhere — the server's number — and a resolved one shows the value in force
(issue 13, item 5)."""

from __future__ import annotations

import json

from sqlalchemy import select

from hoteltv.sync import state as sync_state
from hoteltv.sync.bundle import export_bundle, import_local
from hoteltv.sync.server.models import Conflict
from tests.sync.helpers import edit_hotel, make_hotel
from tests.sync.test_sync_cli import run


def test_one_conflict_id_on_every_laptop_and_the_value_in_force_after_resolution(laptop, server) -> None:
    a = laptop("a", "office")
    b = laptop("b", "office")
    c = laptop("c", "office")
    hotel = make_hotel(a.db, "腾越酒店", division="腾冲市", rooms=50)
    assert a.sync().ok and b.sync().ok and c.sync().ok
    edit_hotel(a.db, hotel, rooms=60)
    edit_hotel(b.db, hotel, rooms=70)
    # c learns of b's edit by USB stick first: a conflict found here, before any server knew it.
    stick = b.home.parent / "b.zip"
    export_bundle(b.db, b.store, stick)
    assert a.sync().ok
    assert c.sync().ok
    assert import_local(c.db, c.store, stick).count("conflict") == 1
    assert b.sync().ok and a.sync().ok and c.sync().ok
    with server.db.read() as s:
        (cid,) = s.scalars(select(Conflict.id)).all()
    for lap in (a, b, c):
        listed = sync_state.list_conflicts(lap.db)
        assert [v.ref for v in listed] == [str(cid)], lap.name  # the same number on every laptop
        rc, out = run("--home", str(lap.home), "conflicts", "list", "--json")
        assert rc == 0 and [v["ref"] for v in json.loads(out)] == [str(cid)]
    # Resolved on laptop a by the number everyone sees: the value in force is 65 everywhere.
    rc, out = run("--home", str(a.home), "conflicts", "resolve", str(cid), "--value", "65")
    assert rc == 0 and str(cid) in out
    assert a.sync().ok and b.sync().ok and c.sync().ok
    for lap in (a, b, c):
        assert sync_state.list_conflicts(lap.db) == [], lap.name
        (view,) = sync_state.list_conflicts(lap.db, include_resolved=True)
        assert view.status == "resolved" and view.in_force == 65, (lap.name, view)
        rc, out = run("--home", str(lap.home), "conflicts", "list", "--all")
        row = next(line for line in out.splitlines() if line.startswith(str(cid)))
        assert " 65 " in f" {row} " and "resolved" in row, row
