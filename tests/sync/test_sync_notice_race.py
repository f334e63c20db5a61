"""A re-inspection and an extension of one notice made offline on two laptops: the version in force ends
closed everywhere, whichever reached the server first (the hotel passed its re-inspection; an open newer
version would wait for a re-inspection that already happened, and turn overdue)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hoteltv.db.models import RectificationNotice
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from hoteltv.services import notices as notice_service
from hoteltv.services.seal import broken_seals
from tests.core.conftest import fill_inspection
from tests.core.report_fixtures import failed_inspection
from tests.sync.helpers import make_hotel, snapshot, team


@pytest.mark.parametrize("first", ["reinspected", "extended"])
def test_an_extension_racing_a_reinspection_leaves_the_version_in_force_closed(laptop, server, first) -> None:
    a = laptop("a", "office")
    b = laptop("b", "office")
    hotel = make_hotel(a.db, "延期宾馆")
    insp = failed_inspection(a.db, hotel, team(a.db), fill_inspection)
    notice = notice_service.issue_notice(a.db, insp.id)
    assert a.sync().ok and b.sync().ok
    again = notice_service.start_reinspection(b.db, notice.id, team(b.db))  # b re-inspects: it passes
    fill_inspection(b.db, again.id)
    insp_service.finalize(b.db, again.id)
    assert notice_service.get_notice(b.db, notice.id).status == "closed"
    later = date.today() + timedelta(days=30)
    newer = notice_service.extend_notice(
        a.db, notice.id, deadline=later, reason="设备到货延迟"
    ).id  # a, offline
    order = (b, a) if first == "reinspected" else (a, b)
    for lap in (*order, *order):
        assert lap.sync().ok, lap.name
    for lap in (a, b):
        with lap.db.reading() as s:
            row = s.get(RectificationNotice, newer)
            assert row is not None and row.status == "closed" and row.reinspection_id == again.id, lap.name
            assert not [n for n in s.scalars(select(RectificationNotice)) if n.status == "open"]
            assert broken_seals(s) == []
        assert hotel_service.get_hotel(lap.db, hotel).remediation_status == "rectified", lap.name
    assert snapshot(a.db) == snapshot(b.db)
