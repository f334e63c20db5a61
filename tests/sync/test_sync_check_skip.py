"""A sync with nothing to move skips the record-by-record check (its cost grows with the data) only when
nothing changed since a check that passed — or, for an account that reads everything, when the only
changes were its own, each held by the server exactly as sent: another laptop's push, an inspector's
edit, a changed scope or ``--full`` make it check again."""

from __future__ import annotations

from hoteltv.sync.server import admin
from tests.sync.conftest import TENGCHONG
from tests.sync.helpers import edit_hotel, make_hotel


def _checks(server) -> int:
    return sum(1 for method, path in server.plan.requests if method == "GET" and path.endswith("/sync/check"))


def test_check_is_skipped_only_when_nothing_moved(laptop, server) -> None:
    office = laptop("office", "office")
    other = laptop("other", "ly")
    hotel = make_hotel(office.db, "核对酒店")
    assert office.sync().ok

    before = _checks(server)
    report = office.sync()
    assert report.ok and report.check_ok and _checks(server) == before  # nothing moved: no check

    # A local edit the server takes exactly as sent (an echo): the pull after the push finds nothing
    # else moved, which proves the two sides still agree for an account that reads everything.
    edit_hotel(office.db, hotel, contact_phone="0875-1234567")
    assert office.sync().check_ok and _checks(server) == before
    edit_hotel(office.db, hotel, contact_phone="0875-1234568")
    with office.client() as c:
        assert c.sync(full=True).check_ok  # and a full check agrees
    before = _checks(server)

    assert other.sync().ok  # another laptop syncs (its first sync checks)
    edit_hotel(other.db, hotel, contact_phone="0875-7654321")
    n = _checks(server)
    assert other.sync().ok and _checks(server) == n + 1  # an inspector's own edit is still checked
    n = _checks(server)
    assert office.sync().check_ok and _checks(server) == n + 1  # it pulled the other laptop's change

    n = _checks(server)
    with office.client() as c:
        assert c.sync(full=True).check_ok
    assert _checks(server) == n + 1  # --full always checks

    n = _checks(server)
    assert other.sync().ok and _checks(server) == n  # the inspector: nothing moved
    admin.update_user(server.db, "ly", divisions=["530502", TENGCHONG])  # scope widened, head unchanged
    assert other.sync().ok and _checks(server) == n + 1


def test_idle_sync_is_one_request_until_something_changes(laptop, server) -> None:
    """Nothing to send and nothing new there: the whole sync is the hello (issue 13: no-change sync
    ≤ 5 ms). A conflict settled on the server without moving its head still reaches the laptop."""
    from hoteltv.sync import state as sync_state
    from hoteltv.sync.protocol import ResolveRequest
    from hoteltv.sync.server import service
    from hoteltv.sync.server.auth import Caller
    from hoteltv.sync.server.store import ServerDB

    a = laptop("a", "office")
    b = laptop("b", "office")
    hotel = make_hotel(a.db, "空闲酒店", contact_phone="0875-1111111")
    assert a.sync().ok and b.sync().ok and a.sync().ok

    def requests_of(lap) -> list[tuple[str, str]]:
        start = len(server.plan.requests)
        report = lap.sync()
        assert report.ok and report.check_ok, report.message
        return server.plan.requests[start:]

    assert requests_of(a) == [("GET", "/api/v1/hello")]
    # A conflict made on the server by two offline edits: the next sync of ``a`` is a whole one.
    edit_hotel(a.db, hotel, contact_phone="0875-2222222")
    edit_hotel(b.db, hotel, contact_phone="0875-3333333")
    assert a.sync().ok and b.sync().conflicts == 1
    assert len(requests_of(a)) > 1
    assert [c.field for c in sync_state.list_conflicts(a.db)] == ["contact_phone"]
    assert requests_of(a) == [("GET", "/api/v1/hello")]
    # Settled on the server keeping its value: the head does not move, the conflict stamp does.
    admin_caller = Caller(0, "admin", "admin", frozenset())
    with server.db.read() as s:
        head = ServerDB.head(s)
    (conflict,) = service.list_conflicts(server.db, admin_caller)
    service.resolve_conflict(server.db, admin_caller, conflict.id, ResolveRequest(choice="server"))
    with server.db.read() as s:
        assert ServerDB.head(s) == head
    assert len(requests_of(a)) > 1
    assert sync_state.list_conflicts(a.db) == []
    assert requests_of(a) == [("GET", "/api/v1/hello")]
    # A local edit: sent, of course.
    edit_hotel(a.db, hotel, address="正阳路2号")
    assert ("POST", "/api/v1/sync/push") in requests_of(a)


def test_pull_is_skipped_only_when_every_new_number_is_this_sync_own_echo(laptop, server) -> None:
    """An office laptop's own edits, each echoed with the next sequence numbers after its last passing
    check: the push answer proves nothing else moved, so no pull (issue 13: 10 hotels changed ≤ 20 ms).
    Another laptop's change numbered in between (a gap) and the usual pull runs and brings it."""
    from hoteltv.services import hotels as hotel_service

    a = laptop("a", "office")
    b = laptop("b", "office")
    one = make_hotel(a.db, "推送酒店一")
    two = make_hotel(a.db, "推送酒店二")
    assert a.sync().ok and b.sync().ok and a.sync().ok

    def requests_of(lap) -> list[tuple[str, str]]:
        start = len(server.plan.requests)
        report = lap.sync()
        assert report.ok and report.check_ok, report.message
        return server.plan.requests[start:]

    edit_hotel(a.db, one, contact_phone="0875-1000001")
    edit_hotel(a.db, two, contact_phone="0875-1000002")
    sent = requests_of(a)
    assert ("POST", "/api/v1/sync/push") in sent
    assert not any(path.endswith(("/sync/pull", "/sync/check")) for _m, path in sent), sent
    assert requests_of(a) == [("GET", "/api/v1/hello")]  # and the next sync is idle

    edit_hotel(b.db, two, address="正阳路9号")  # another laptop's change lands first
    assert b.sync().ok
    edit_hotel(a.db, one, contact_phone="0875-1000003")
    sent = requests_of(a)
    assert ("GET", "/api/v1/sync/pull") in sent
    assert hotel_service.get_hotel(a.db, two).address == "正阳路9号"
    with a.client() as c:
        assert c.sync(full=True).check_ok  # a full check agrees
    assert requests_of(a) == [("GET", "/api/v1/hello")]


def test_idle_check_knows_unconfirmed_photos_by_the_marker(laptop, server, tmp_path) -> None:
    """The idle sync does not scan every photo: the database keeps a marker that is set whenever a live
    photo may lack the server's confirmation (a new one, its confirmation forgotten) and that a sync clears
    only when none does. A file the server has not taken keeps every sync a whole one."""
    from sqlalchemy import select

    from hoteltv.db.models import Photo
    from hoteltv.sync.photo_transfer import META_PHOTOS_UNCONFIRMED, clear_unconfirmed_marker
    from tests.sync.helpers import make_inspection

    a = laptop("a", "office")
    hotel = make_hotel(a.db, "照片标记酒店")
    assert a.db.get_meta(META_PHOTOS_UNCONFIRMED) == "1"  # a new database: looked at once
    assert a.sync().ok and a.db.get_meta(META_PHOTOS_UNCONFIRMED) is None

    def requests_of(lap) -> list[tuple[str, str]]:
        start = len(server.plan.requests)
        report = lap.sync()
        assert report.ok and report.check_ok, report.message
        return server.plan.requests[start:]

    assert requests_of(a) == [("GET", "/api/v1/hello")]
    make_inspection(a.db, hotel, photos=2, folder=tmp_path / "pics", seed=41)
    assert a.db.get_meta(META_PHOTOS_UNCONFIRMED) == "1"
    report = a.sync()
    assert report.ok and report.photos_up == 2, report.message
    assert a.db.get_meta(META_PHOTOS_UNCONFIRMED) is None
    assert requests_of(a) == [("GET", "/api/v1/hello")]

    # A confirmation forgotten here (as for another server): the marker is set, the files are offered
    # again, and the marker cleared once the server says it holds them.
    with a.db.reading() as s:
        sha = s.scalars(select(Photo.sha256)).first()
    with a.db.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM sync_blobs WHERE sha256 = ?", (sha,))
    assert a.db.get_meta(META_PHOTOS_UNCONFIRMED) == "1"
    assert ("POST", "/api/v1/photos/missing") in requests_of(a)
    assert a.db.get_meta(META_PHOTOS_UNCONFIRMED) is None

    # A file that cannot be confirmed keeps the marker: it is never cleared while a live photo waits.
    with a.db.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM sync_blobs WHERE sha256 = ?", (sha,))
        conn.exec_driver_sql("INSERT INTO sync_blobs (sha256, confirmed_at) VALUES ('x', '2026-01-01')")
    assert clear_unconfirmed_marker(a.db) is False and a.db.get_meta(META_PHOTOS_UNCONFIRMED) == "1"
