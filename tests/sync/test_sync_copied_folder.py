"""A data folder copied by hand shares its device id with the folder it was copied from. Its edits were
taken by the server for ones it had seen ("unchanged") and lost without a word, and what the other copy
wrote was skipped in its pulls. Now the copy that syncs second takes a new device id before it sends or
pulls anything, and nothing either copy typed is lost (hoteltv.sync.lineage)."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from sqlalchemy import select

from hoteltv.db.engine import Database
from hoteltv.db.models import Inspection
from hoteltv.photos.store import PhotoStore
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from hoteltv.services import numbering
from hoteltv.sync.client import SyncError
from hoteltv.sync.lineage import KEEP, Lineage
from hoteltv.sync.outbox import collect_changes
from hoteltv.sync.protocol import (
    LINEAGE_ADOPT,
    LINEAGE_HEADER,
    LINEAGE_NEXT_HEADER,
    MAX_LINEAGE,
    PushRequest,
    batch_key_of_texts,
    lineage_tokens,
)
from hoteltv.sync.server.models import Device
from tests.sync.conftest import Laptop
from tests.sync.helpers import edit_hotel, make_hotel, make_inspection, snapshot, team


def _copy(lap: Laptop, name: str) -> Laptop:
    """The laptop's data folder copied by hand (as a file manager would, the database closed)."""
    lap.db.close()
    home = lap.home.parent / name
    shutil.copytree(lap.home, home)
    lap.db = Database.open(lap.home)
    return Laptop(name, home, Database.open(home), PhotoStore.for_home(home), lap.server, lap.user)


def _server_values(server: Any, entity: str, rid: str) -> dict[str, Any]:
    with server.http("office") as http:
        answer = http.get(f"/api/v1/records/{entity}/{rid}")
    assert answer.status_code == 200, answer.text
    return dict(answer.json()["values"])


def test_both_copies_edits_reach_the_server_and_the_copy_takes_a_new_device_id(laptop, server) -> None:
    a = laptop("a", "office")
    hotel = make_hotel(a.db, "复制文件夹宾馆")
    numbering.add_block(a.db, 2026, 1, 50)  # 文号 numbers the office gave this laptop
    assert a.sync().ok
    b = _copy(a, "b")
    try:
        assert b.db.device_id == a.db.device_id
        edit_hotel(a.db, hotel, contact_phone="0875-1111111")
        new_on_a = make_hotel(a.db, "原文件夹新宾馆")
        edit_hotel(b.db, hotel, contact_phone="0875-2222222", address="副本路2号")
        first = a.sync()
        assert first.ok and first.new_device_id == ""
        second = b.sync()
        assert second.ok and second.check_ok, second.message
        assert second.new_device_id and b.db.device_id == second.new_device_id != a.db.device_id
        # Both folders held the same block of 文号 numbers: the copy gives its up (two laptops must never
        # print one number), the folder that kept the id keeps it.
        assert second.blocks_given_up == 1 and "号段" in second.message
        assert [b.remaining for b in numbering.list_blocks(b.db)] == [0]
        assert [b.remaining for b in numbering.list_blocks(a.db)] == [50]
        # The copy's edits were not taken as seen before: the address it alone changed is on the server,
        # its phone number (the other copy changed it too) is a conflict, with the other copy's in force.
        values = _server_values(server, "hotels", hotel)
        assert values["address"] == "副本路2号"
        assert values["contact_phone"] == "0875-1111111"
        assert second.conflicts == 1, second.outcomes
        # What the other copy wrote under the shared id reached the copy (it was skipped as its own).
        assert hotel_service.get_hotel(b.db, new_on_a).name == "原文件夹新宾馆"
        again = a.sync()
        assert again.ok and again.new_device_id == ""  # the folder that pushed first keeps its id
        assert b.sync().ok
        assert snapshot(a.db) == snapshot(b.db)
        assert hotel_service.get_hotel(a.db, hotel).address == "副本路2号"
        with server.http("office") as http:
            conflicts = http.get("/api/v1/conflicts").json()
        assert [(c["field"], c["client"]) for c in conflicts] == [("contact_phone", "0875-2222222")]
    finally:
        b.db.close()


def test_a_draft_started_on_the_copy_goes_under_its_new_id_and_stays_editable(laptop, server) -> None:
    a = laptop("a", "office")
    team(a.db)
    hotel = make_hotel(a.db, "草稿副本酒店")
    assert a.sync().ok
    b = _copy(a, "b")
    try:
        draft = make_inspection(b.db, hotel, finalize=False)
        edit_hotel(a.db, hotel, contact_phone="0875-3333333")
        assert a.sync().ok
        report = b.sync()
        assert report.ok and report.new_device_id, report.message
        with b.db.reading() as s:
            assert s.get(Inspection, draft).owner_device_id == report.new_device_id
        assert _server_values(server, "inspections", draft)["owner_device_id"] == report.new_device_id
        insp_service.finalize(b.db, draft)  # still this laptop's own draft: it may go on
        final = b.sync()
        assert final.ok and final.failed == 0, final.outcomes
        assert _server_values(server, "inspections", draft)["status"] == "finalized"
    finally:
        b.db.close()


def test_a_lost_push_answer_is_not_taken_for_a_copy(laptop, server) -> None:
    a = laptop("a", "office")
    hotel = make_hotel(a.db, "丢失应答宾馆")
    assert a.sync().ok
    device = a.db.device_id
    edit_hotel(a.db, hotel, contact_phone="0875-5555555")
    server.plan.add("POST", "/sync/push", "after", times=4)  # applied each time, never answered
    with pytest.raises(SyncError):
        a.sync()
    edit_hotel(a.db, hotel, address="应答路5号")
    report = a.sync()
    assert report.ok and report.new_device_id == "" and a.db.device_id == device, report.message
    values = _server_values(server, "hotels", hotel)
    assert (values["contact_phone"], values["address"]) == ("0875-5555555", "应答路5号")


def test_a_push_from_a_copy_that_slipped_past_its_hello_is_refused_whole(laptop, server) -> None:
    """Two copies syncing at the same moment: both hellos pass, one push lands first, and the other names
    only the token the server held before: refused (409) with nothing taken."""
    a = laptop("a", "office")
    hotel = make_hotel(a.db, "同时同步宾馆")
    assert a.sync().ok
    edit_hotel(a.db, hotel, contact_phone="0875-8888888")
    texts = [c.model_dump_json() for c in collect_changes(a.db).changes]
    device = a.db.device_id
    changes = ",".join(texts)
    body = PushRequest.model_validate_json(
        f'{{"device_id":"{device}","key":"{batch_key_of_texts(device, texts)}","changes":[{changes}]}}'
    ).model_dump(mode="json")
    with server.http("office") as http:
        with server.db.read() as s:
            held = s.scalar(select(Device.lineage).where(Device.device_id == device))
        assert held  # the first sync's push left its token
        other = "f" * 32
        headers = {"X-Hoteltv-Device": device, LINEAGE_HEADER: "0" * 32, LINEAGE_NEXT_HEADER: other}
        refused = http.post("/api/v1/sync/push", json=body, headers=headers)
        assert refused.status_code == 409, refused.text
        assert "设备编号" in refused.json()["detail"]
        assert _server_values(server, "hotels", hotel)["contact_phone"] != "0875-8888888"
        hello = http.get("/api/v1/hello", headers={"X-Hoteltv-Device": device, LINEAGE_HEADER: "0" * 32})
        assert hello.headers[LINEAGE_HEADER] == "copied"
        # Naming the token the server holds (the laptop that pushed), the same push is taken.
        headers[LINEAGE_HEADER] = f"{'0' * 32},{held}"
        taken = http.post("/api/v1/sync/push", json=body, headers=headers)
        assert taken.status_code == 200, taken.text
        hello = http.get("/api/v1/hello", headers={"X-Hoteltv-Device": device, LINEAGE_HEADER: other})
        assert hello.headers[LINEAGE_HEADER] == "same"


def test_the_lineage_header_names_the_asked_servers_tokens_first_and_stays_within_what_a_server_reads() -> (
    None
):
    """A laptop that synced with many servers (pushes failing meanwhile keep several tokens each) still
    sends a hello every server takes: the header is cut to what the server reads, this server's first."""
    kept = Lineage({f"server-{i}": [f"{i:02d}{k:030d}" for k in range(KEEP)] for i in range(10)}, adopt=True)
    named = kept.header("server-7").split(",")
    assert len(named) == MAX_LINEAGE
    assert named[0] == LINEAGE_ADOPT and named[1 : KEEP + 1] == kept.servers["server-7"]
    assert lineage_tokens(",".join(named)) == named
    assert Lineage.parse(kept.dumps()) == kept
    assert Lineage.parse("{not json") == Lineage()
