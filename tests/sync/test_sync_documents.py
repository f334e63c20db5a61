"""Inspections are documents: drafts change only on their owner device, finalized ones never change."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from hoteltv.db.models import Inspection, OutboxEntry
from hoteltv.errors import RecordFinalizedError
from hoteltv.services import inspections as insp_service
from hoteltv.sync.outbox import collect_changes
from hoteltv.sync.protocol import PushRequest, batch_key
from tests.sync.helpers import make_hotel, make_inspection, snapshot


def _push(server, user: str, device: str, changes) -> list[dict]:
    req = PushRequest(device_id=device, key=batch_key(device, changes), changes=changes)
    with server.http(user) as http:
        r = http.post("/api/v1/sync/push", json=req.model_dump(mode="json"))
    assert r.status_code == 200, r.text
    return r.json()["results"]


def _change_of(lap, insp_id: str):
    """The inspection as a change set, as if its outbox entries were sent again."""
    with lap.db.transaction() as s:
        for e in s.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == insp_id)):
            e.sent_at = None
    return next(c for c in collect_changes(lap.db).changes if c.id == insp_id)


def test_finalized_inspection_resent_same_content_is_a_noop(laptop, server, tmp_path: Path) -> None:
    a = laptop("a", "office")
    insp = make_inspection(a.db, make_hotel(a.db, "定稿酒店"))
    assert a.sync().ok
    change = _change_of(a, insp)
    again = change.model_copy(update={"seq": change.seq + 1000})  # not caught by the duplicate guard
    (result,) = _push(server, "office", a.db.device_id, [again])
    assert result["status"] == "unchanged" and result["code"] == 200


def test_finalized_inspection_with_different_content_is_refused_409(laptop, server) -> None:
    a = laptop("a", "office")
    insp = make_inspection(a.db, make_hotel(a.db, "定稿酒店"))
    assert a.sync().ok
    change = _change_of(a, insp)
    values = dict(change.values, findings="被改过的结论")
    altered = change.model_copy(update={"seq": change.seq + 1000, "values": values})
    (result,) = _push(server, "office", a.db.device_id, [altered])
    assert result["status"] == "refused" and result["code"] == 409
    assert "已定稿" in result["reason"]
    with server.http("office") as http:
        stored = http.get(f"/api/v1/records/inspections/{insp}").json()
    assert stored["values"]["findings"] != "被改过的结论"
    # The same refusal reaches the person through the client's report, and is never overwritten.
    with a.db.transaction() as s:
        s.info["applying_remote"] = True
        s.get(Inspection, insp).findings = "本机被改过"
        s.add(OutboxEntry(entity="inspections", entity_id=insp, version=99, fields=["findings"], base={}))
    report = a.sync()
    failed = [o for o in report.outcomes if o.state == "failed"]
    assert [o.id for o in failed] == [insp] and "已定稿" in failed[0].reason
    with server.http("office") as http:
        assert http.get(f"/api/v1/records/inspections/{insp}").json()["values"]["findings"] != "本机被改过"


def test_draft_changes_only_on_its_owner_device(laptop, server) -> None:
    a = laptop("a", "office")
    b = laptop("b", "office")
    insp = make_inspection(a.db, make_hotel(a.db, "草稿酒店"), finalize=False)
    assert a.sync().ok and b.sync().ok
    with pytest.raises(RecordFinalizedError):
        insp_service.update_header(b.db, insp, insp_service.HeaderFields(findings="别的设备改的"))
    change = _change_of(a, insp)
    forged = change.model_copy(update={"values": dict(change.values, findings="别的设备改的"), "seq": 10_000})
    (result,) = _push(server, "office", b.db.device_id, [forged])
    assert result["status"] == "refused" and result["code"] == 403
    # The owner keeps editing and finalizing; the other laptop follows.
    insp_service.update_header(a.db, insp, insp_service.HeaderFields(findings="车主改的"))
    insp_service.finalize(a.db, insp)
    assert a.sync().ok and b.sync().ok
    assert insp_service.get_inspection(b.db, insp).status == "finalized"
    assert snapshot(a.db) == snapshot(b.db)
