"""A sync with nothing to move skips the record-by-record check (its cost grows with the data) only when
nothing changed since a check that passed: a local edit, another laptop's push, a changed scope or
``--full`` make it check again."""

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

    edit_hotel(office.db, hotel, contact_phone="0875-1234567")  # a local edit
    assert office.sync().check_ok and _checks(server) == before + 1

    assert other.sync().ok  # another laptop syncs (its first sync checks)
    edit_hotel(other.db, hotel, contact_phone="0875-7654321")
    assert other.sync().ok
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
