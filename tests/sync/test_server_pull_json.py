"""The pull answer the app sends (JSON made from the database's own JSON text on PostgreSQL) is exactly
the :class:`PullResponse` the service's model path gives: every page, the echo of the caller's own
device left out, other divisions left out, Chinese text and nested values intact."""

from __future__ import annotations

import json

from sqlalchemy import select

from benchmarks.sync_sim import SimLaptop
from hoteltv.sync.protocol import PullResponse
from hoteltv.sync.server import service
from hoteltv.sync.server.auth import Caller
from hoteltv.sync.server.models import User
from tests.sync.conftest import LONGYANG, TENGCHONG, Server
from tests.sync.test_server_push_concurrency import _request


def test_pull_json_is_the_pull_model(server: Server) -> None:
    db = server.app.state.db
    ly = SimLaptop(0, "", LONGYANG, inspections=3, photos_each=2, photo_bytes=500, large_photo_bytes=0)
    tc = SimLaptop(1, "", TENGCHONG, inspections=2, photos_each=1, photo_bytes=500, large_photo_bytes=0)
    for lap in (ly, tc):
        lap.build()
    with db.read() as s:
        ids = {u.name: u.id for u in s.scalars(select(User))}
    ly_caller = Caller(ids["ly"], "ly", "inspector", frozenset([LONGYANG]))
    tc_caller = Caller(ids["tc"], "tc", "inspector", frozenset([TENGCHONG]))
    office = Caller(ids["office"], "office", "office", frozenset())
    service.push(db, ly_caller, _request(ly))
    service.push(db, tc_caller, _request(tc))
    compared = 0
    for caller, device in ((ly_caller, ly.device_id), (ly_caller, ""), (tc_caller, ""), (office, "other")):
        since = 0
        while True:
            want = service.pull(db, caller, device, since, 7)
            got = service.pull_json(db, caller, device, since, 7)
            assert PullResponse.model_validate_json(got.body) == want
            assert json.loads(got.body)["records"] == [r.model_dump(mode="json") for r in want.records]
            assert (got.count, got.more, got.next) == (len(want.records), want.more, want.next)
            compared += len(want.records)
            if not want.more:
                break
            since = want.next
    assert compared > 40
    names = [
        r.values.get("name") for r in service.pull(db, office, "", 0, 2000).records if r.entity == "hotels"
    ]
    assert any(isinstance(n, str) and "模拟酒店" in n for n in names)
