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


def test_keep_keeps_the_value_in_force_and_does_not_undo_a_later_edit(laptop, server) -> None:
    # A conflict on the phone (kept 4444444); later an ordinary edit (6666666) is accepted. A laptop that
    # has not pulled that edit yet resolves with --keep: it set the hotel back to 4444444 everywhere.
    a = laptop("a", "office")
    b = laptop("b", "office")
    c = laptop("c", "office")
    hotel = make_hotel(a.db, "太保大酒店")
    assert a.sync().ok and b.sync().ok and c.sync().ok
    edit_hotel(a.db, hotel, contact_phone="0875-4444444")
    edit_hotel(b.db, hotel, contact_phone="0875-5555555")
    assert a.sync().ok and b.sync().conflicts == 1
    assert c.sync().ok  # c sees the conflict, and 4444444 in force
    edit_hotel(a.db, hotel, contact_phone="0875-6666666")
    assert a.sync().ok
    (view,) = sync_state.list_conflicts(c.db)
    rc, out = run("--home", str(c.home), "conflicts", "resolve", view.ref, "--keep")
    assert rc == 0, out
    assert c.sync().ok and a.sync().ok and b.sync().ok
    with server.http("office") as http:
        assert http.get(f"/api/v1/records/hotels/{hotel}").json()["values"]["contact_phone"] == "0875-6666666"
    for lap in (a, b, c):
        assert sync_state.list_conflicts(lap.db) == [], lap.name
        from hoteltv.services import hotels as hotel_service

        assert hotel_service.get_hotel(lap.db, hotel).contact_phone == "0875-6666666", lap.name


def _bundle_conflict(laptop, **edits: tuple[str, str]):  # type: ignore[no-untyped-def]
    """Two office laptops edit one field of a synced hotel differently (``field=(a's value, b's value)``);
    b imports a's bundle and finds the conflict there, before the server meets it."""
    a = laptop("a", "office")
    b = laptop("b", "office")
    hotel = make_hotel(a.db, "和顺客栈", division="腾冲市")
    assert a.sync().ok and b.sync().ok
    edit_hotel(a.db, hotel, **{name: values[0] for name, values in edits.items()})
    edit_hotel(b.db, hotel, **{name: values[1] for name, values in edits.items()})
    stick = a.home.parent / "a.zip"
    export_bundle(a.db, a.store, stick)
    assert import_local(b.db, b.store, stick).count("conflict") == 1
    return a, b, hotel


def test_a_conflict_found_by_a_bundle_is_the_one_the_push_then_meets(laptop, server) -> None:
    # b takes a's bundle (a conflict found here, no number yet), then b's own push meets the same
    # disagreement on the server: it was listed twice, with opposite values in force, the local one open.
    a, b, _hotel = _bundle_conflict(laptop, contact_phone=("0875-1111111", "0875-2222222"))
    assert a.sync().ok
    assert b.sync().conflicts == 1
    listed = sync_state.list_conflicts(b.db, include_resolved=True)
    assert len(listed) == 1 and listed[0].server_id is not None, listed
    assert listed[0].kept == "0875-1111111" == listed[0].in_force


def test_a_value_that_does_not_fit_the_field_is_refused_and_the_conflict_stays_open(laptop, server) -> None:
    # Text in the rooms column was written, refused by the server at every sync after.
    a = laptop("a", "office")
    b = laptop("b", "office")
    hotel = make_hotel(a.db, "腾越酒店", division="腾冲市", rooms=50)
    assert a.sync().ok and b.sync().ok
    edit_hotel(a.db, hotel, rooms=60)
    edit_hotel(b.db, hotel, rooms=70)
    assert a.sync().ok and b.sync().conflicts == 1
    (view,) = sync_state.list_conflicts(b.db)
    rc, out = run("--home", str(b.home), "conflicts", "resolve", view.ref, "--value", "x")
    assert rc == 1
    import pytest

    from hoteltv.errors import HoteltvError

    with pytest.raises(HoteltvError, match="应为整数"):
        sync_state.resolve_conflict(b.db, view.id, "value", "x")
    assert [v.status for v in sync_state.list_conflicts(b.db)] == ["open"]
    rc, out = run("--home", str(b.home), "conflicts", "resolve", view.ref, "--value", "65")
    assert rc == 0, out
    assert b.sync().ok and a.sync().ok
    from hoteltv.services import hotels as hotel_service

    assert hotel_service.get_hotel(a.db, hotel).rooms == 65


def test_a_bundle_conflict_settled_here_before_the_server_met_it_is_settled_there_the_same_way(
    laptop, server
) -> None:
    # b settled the conflict its bundle import found (keeping its own address); the server then met the
    # same disagreement and kept a's value, and b listed two entries: its own settled one and the server's.
    a, b, hotel = _bundle_conflict(laptop, address=("午路一号", "午路二号"))
    (local,) = sync_state.list_conflicts(b.db)
    rc, out = run("--home", str(b.home), "conflicts", "resolve", local.ref, "--keep")
    assert rc == 0, out
    assert a.sync().ok and b.sync().ok and a.sync().ok
    listed = sync_state.list_conflicts(b.db, include_resolved=True)
    assert len(listed) == 1 and listed[0].server_id is not None and listed[0].status == "resolved", listed
    from hoteltv.services import hotels as hotel_service

    for lap in (a, b):
        assert hotel_service.get_hotel(lap.db, hotel).address == "午路二号", lap.name
        assert sync_state.list_conflicts(lap.db) == [], lap.name
