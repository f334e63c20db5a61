"""Every request is authenticated, and nobody reads or writes outside their scope (each refusal proven)."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import select

from hoteltv.sync.server import admin
from hoteltv.sync.server.models import Record
from tests.sync.helpers import make_hotel, make_inspection


def _setup(laptop, tmp_path: Path):
    office = laptop("office", "office")
    ly_hotel = make_hotel(office.db, "隆阳酒店", division="隆阳区")
    tc_hotel = make_hotel(office.db, "腾冲酒店", division="腾冲市")
    tc_insp = make_inspection(office.db, tc_hotel, photos=1, folder=tmp_path / "tc", seed=5)
    assert office.sync().ok
    return office, ly_hotel, tc_hotel, tc_insp


def test_requests_without_a_valid_token_are_refused(server) -> None:
    plain = httpx.Client(base_url="http://testserver", transport=server.transport)
    assert plain.get("/api/v1/hello").status_code == 401
    assert plain.get("/api/v1/sync/pull", headers={"Authorization": "Bearer nope"}).status_code == 401
    token = server.tokens["ly"]
    admin.revoke_token(server.db, token=token)
    assert plain.get("/api/v1/hello", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    admin.update_user(server.db, "tc", active=False)
    assert (
        plain.get("/api/v1/hello", headers={"Authorization": f"Bearer {server.tokens['tc']}"}).status_code
        == 401
    )


def test_inspector_reads_only_own_divisions(laptop, server, tmp_path: Path) -> None:
    office, ly_hotel, tc_hotel, tc_insp = _setup(laptop, tmp_path)
    with server.http("ly") as http:
        assert http.get(f"/api/v1/records/hotels/{ly_hotel}").status_code == 200
        assert http.get(f"/api/v1/records/hotels/{tc_hotel}").status_code == 404
        assert http.get(f"/api/v1/records/inspections/{tc_insp}").status_code == 404
        pulled = http.get("/api/v1/sync/pull").json()["records"]
        ids = {r["id"] for r in pulled}
        assert ly_hotel in ids and tc_hotel not in ids and tc_insp not in ids
        fetched = http.post("/api/v1/sync/fetch", json={"entity": "hotels", "ids": [tc_hotel]}).json()
        assert fetched == []
        with server.db.read() as s:
            sha = s.scalars(select(Record.data).where(Record.entity == "photos")).first()["sha256"]
        # Another division's photo file is answered exactly like a file nobody has (issue 13: a 403 told
        # that it exists).
        unknown = "0" * 64
        for path in (f"/api/v1/photos/{sha}", f"/api/v1/photos/{sha}/upload"):
            theirs, nobodys = http.get(path), http.get(path.replace(sha, unknown))
            assert theirs.status_code == nobodys.status_code == 404, path
            assert theirs.json() == nobodys.json()
        put = {"params": {"offset": 0, "total": 3}, "content": b"abc"}
        theirs = http.put(f"/api/v1/photos/{sha}", **put)
        nobodys = http.put(f"/api/v1/photos/{unknown}", **put)
        assert theirs.status_code == nobodys.status_code == 404
        assert theirs.json() == nobodys.json()
        missing = http.post("/api/v1/photos/missing", json={"sha256": [sha]}).json()
        assert missing == {"missing": [], "unknown": [sha]}
        status = http.post("/api/v1/sync/status", json={"inspection_ids": [tc_insp]}).json()
        assert status == {"inspections": {}}
    with server.http("tc") as http:
        assert http.get(f"/api/v1/records/hotels/{tc_hotel}").status_code == 200
        assert http.get(f"/api/v1/records/hotels/{ly_hotel}").status_code == 404
    # A laptop of the Longyang inspector receives its division only, and the check still passes.
    ly = laptop("ly", "ly")
    report = ly.sync()
    assert report.ok and report.check_ok
    from hoteltv.services import hotels as hotel_service

    assert [h.name for h in hotel_service.list_hotels(ly.db)] == ["隆阳酒店"]


def test_inspector_writes_only_own_divisions(laptop, server, tmp_path: Path) -> None:
    ly = laptop("ly", "ly")
    mine = make_hotel(ly.db, "我的酒店", division="隆阳区")
    theirs = make_hotel(ly.db, "别人的酒店", division="腾冲市")
    report = ly.sync()
    states = {o.id: o for o in report.outcomes}
    assert mine in states and theirs in states, (report.message, report.outcomes)
    assert states[mine].state == "sent"
    assert states[theirs].state == "failed" and "超出权限范围" in states[theirs].reason
    with server.http("office") as http:
        assert http.get(f"/api/v1/records/hotels/{theirs}").status_code == 404
    # The refused record stays queued here (nothing lost) and is reported again next time.
    again = ly.sync()
    assert [o.id for o in again.outcomes if o.state == "failed"] == [theirs]
    # Moving a visible hotel into another division is refused too.
    office = laptop("office", "office")
    assert office.sync().ok
    from tests.sync.helpers import edit_hotel

    edit_hotel(ly.db, mine, division_code="腾冲市")
    report = ly.sync()
    assert [o.state for o in report.outcomes if o.id == mine] == ["failed"]
    with server.http("office") as http:
        assert http.get(f"/api/v1/records/hotels/{mine}").json()["values"]["name"] == "我的酒店"


def test_roles_guard_administration_and_conflict_resolution(server) -> None:
    for user in ("ly", "office"):
        with server.http(user) as http:
            assert http.get("/api/v1/users").status_code == 403
            assert http.post("/api/v1/users", json={"name": "x", "role": "admin"}).status_code == 403
            assert http.post("/api/v1/users/ly/tokens").status_code == 403
            assert http.get("/api/v1/devices").status_code == 403
    with server.http("ly") as http:
        assert http.post("/api/v1/conflicts/1/resolve", json={"choice": "server"}).status_code == 403
    with server.http("admin") as http:
        r = http.post("/api/v1/users", json={"name": "new", "role": "inspector", "divisions": ["530523"]})
        assert r.status_code == 201
        token = http.post("/api/v1/users/new/tokens").json()["token"]
        assert token.startswith("htv_")
        assert http.get("/api/v1/users").status_code == 200
        assert http.get("/api/v1/devices").status_code == 200


def test_inputs_are_bounded(server) -> None:
    with server.http("office") as http:
        too_many = {"device_id": "d", "key": "0" * 64, "changes": [{"entity": "hotels"}] * 501}
        assert http.post("/api/v1/sync/push", json=too_many).status_code == 422
        bad_entity = {
            "device_id": "d",
            "key": "0" * 64,
            "changes": [{"entity": "users", "id": "x", "seq": 1, "version": 1, "fields": [], "values": {}}],
        }
        assert http.post("/api/v1/sync/push", json=bad_entity).status_code == 422
        assert http.get("/api/v1/sync/pull", params={"limit": 10**6}).status_code == 422
        assert http.post("/api/v1/photos/missing", json={"sha256": ["../../etc/passwd"]}).status_code == 422
        assert http.get("/api/v1/photos/notahash").status_code == 422
        huge = b"{" + b" " * (33 * 1024 * 1024) + b"}"
        assert http.post("/api/v1/sync/push", content=huge).status_code == 413
        assert http.get("/openapi.json").status_code == 200
