"""Enforcement operations and site kinds sync like other records, within the same division scopes."""

from __future__ import annotations

from datetime import date

from hoteltv.domain.divisions import default_divisions
from hoteltv.services import hotels as hotel_service
from hoteltv.services import operations as op_service
from tests.sync.helpers import make_hotel


def _op(division: str, site_ids: tuple[str, ...] = (), **kw: object) -> op_service.OperationInput:
    return op_service.OperationInput(
        op_date=date(2026, 11, 3),
        division_code=division,
        lead_department="文化和旅游局",
        joint_departments=("公安局",),
        officers=6,
        vehicles=2,
        site_checks=4,
        site_ids=site_ids,
        **kw,  # type: ignore[arg-type]
    )


def test_operations_and_site_kinds_travel_between_laptops_within_scope(laptop, server) -> None:
    ly = laptop("ly", "ly")
    market = make_hotel(ly.db, "青华农贸市场", division="隆阳区", site_kind="market")
    mine = op_service.add_operation(ly.db, _op("隆阳区", (market,)), default_divisions()).id
    theirs = op_service.add_operation(ly.db, _op("腾冲市"), default_divisions()).id
    report = ly.sync()
    states = {o.id: o for o in report.outcomes}
    assert states[mine].state == "sent", report.outcomes
    assert states[theirs].state == "failed" and "超出权限范围" in states[theirs].reason

    office = laptop("office", "office")
    assert office.sync().ok
    (got,) = op_service.list_operations(office.db)
    assert got.id == mine
    assert (got.officers, got.vehicles, got.site_checks, got.joint) == (6, 2, 4, True)
    assert got.site_names == ("青华农贸市场",)
    assert hotel_service.get_hotel(office.db, market).site_kind == "market"
    assert hotel_service.list_hotels(office.db) == []  # the default view is hotels

    # A deletion at the office comes back to the inspector's laptop; the Tengchong inspector never sees it.
    op_service.delete_operation(office.db, mine)
    assert office.sync().ok
    assert ly.sync().ok
    assert mine not in [o.id for o in op_service.list_operations(ly.db)]
    tc = laptop("tc", "tc")
    assert tc.sync().ok
    assert op_service.list_operations(tc.db) == []
