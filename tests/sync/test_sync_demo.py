"""Demo records never reach a server: the client refuses to send from a demo data folder, and the server
refuses a push flagged as demo."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hoteltv.services.demo import is_demo, mark_demo
from hoteltv.sync.client import SyncError, SyncReport
from hoteltv.sync.outbox import collect_changes
from hoteltv.sync.server.models import Record
from tests.sync.helpers import make_hotel, unsent


def test_a_demo_folder_never_sends(laptop, server) -> None:
    lap = laptop("demo", "office")
    make_hotel(lap.db, "演示酒店", division="隆阳区")
    mark_demo(lap.db)
    assert is_demo(lap.db)
    waiting = unsent(lap.db)
    assert waiting > 0
    with pytest.raises(SyncError) as caught:
        lap.sync()
    assert "演示数据" in caught.value.message and "never sent" in caught.value.message
    with lap.client() as client, pytest.raises(SyncError):
        client.push(collect_changes(lap.db), SyncReport())
    assert unsent(lap.db) == waiting  # still queued, never sent
    with server.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Record).where(Record.entity == "hotels")) == 0


def test_a_real_folder_still_syncs(laptop, server) -> None:
    lap = laptop("real", "office")
    make_hotel(lap.db, "正式酒店", division="隆阳区")
    assert not is_demo(lap.db)
    assert lap.sync().ok and unsent(lap.db) == 0


def test_the_server_refuses_a_push_flagged_demo(server) -> None:
    with server.http("office") as http:
        flagged = {"device_id": "d", "key": "0" * 64, "changes": [], "demo": True}
        response = http.post("/api/v1/sync/push", json=flagged)
        assert response.status_code == 422 and "演示数据" in response.text
        plain = {"device_id": "d", "key": "0" * 64, "changes": []}
        assert http.post("/api/v1/sync/push", json=plain).status_code == 200
