"""Regressions found by fuzzing the API from its OpenAPI document (tests/fuzz/test_fuzz_api.py): answers a
client can rely on (4xx with a reason, never a 500), and a document that lists what the server really does."""

from __future__ import annotations

import json

import pytest

from hoteltv.sync.protocol import Change, batch_key
from hoteltv.sync.server.models import Record
from hoteltv.sync.values import value_problem

BIG = 2**70


def _push(http, change: dict, device: str = "fuzz-device"):
    key = batch_key(device, [Change.model_validate(change)]) if _valid(change) else "0" * 64
    return http.post("/api/v1/sync/push", json={"device_id": device, "key": key, "changes": [change]})


def _valid(change: dict) -> bool:
    try:
        Change.model_validate(change)
    except ValueError:
        return False
    return True


def _inspector(**values):
    return {
        "entity": "inspectors",
        "id": "fuzz-inspector-1",
        "seq": 1,
        "version": 1,
        "created": True,
        "fields": sorted(values),
        "values": values,
    }


@pytest.mark.parametrize(
    "method, url, body",
    [
        ("GET", f"/api/v1/sync/pull?since={BIG}", None),
        ("DELETE", f"/api/v1/tokens/{BIG}", None),
        ("DELETE", f"/api/v1/tokens/-{BIG}", None),
        ("POST", f"/api/v1/conflicts/{BIG}/resolve", {"choice": "server"}),
    ],
)
def test_numbers_too_large_for_the_database_are_refused_not_a_500(server, method, url, body) -> None:
    """Were 500 (SQLite: "Python int too large to convert to SQLite INTEGER")."""
    with server.http("admin") as http:
        assert http.request(method, url, json=body).status_code == 422


@pytest.mark.parametrize("field", ["seq", "version"])
def test_pushed_sequence_numbers_and_versions_are_bounded(server, field) -> None:
    """A change with seq or version 2**70 was a 500; one over 2**31-1 fails a PostgreSQL integer column."""
    change = _inspector(name="张明", enforcement_id="53050219001")
    with server.http("office") as http:
        for value in (BIG, 2**31):
            r = _push(http, {**change, field: value})
            assert r.status_code == 422, r.text
        assert _push(http, {**change, field: 2**31 - 1}).status_code == 200


def test_values_that_do_not_fit_their_columns_are_refused_per_change(server) -> None:
    """The server stored any JSON for any field and passed it on to every laptop, whose pull then failed on
    it (a poison record); NaN was stored as NaN (SQLite) and would fail on PostgreSQL."""
    bad = [
        {"name": 123, "enforcement_id": "53050219001"},
        {"name": "张明", "enforcement_id": ["x"]},
        {"name": None, "enforcement_id": "53050219001"},
        {"name": "张明", "enforcement_id": "53050219001", "deleted": "yes"},
        {"name": "张明", "enforcement_id": "53050219001", "version": 1.5},
        {"name": "张明", "enforcement_id": "53050219001", "created_at": "yesterday"},
        {"name": "张\x00明", "enforcement_id": "53050219001"},
    ]
    with server.http("office") as http:
        for i, values in enumerate(bad):
            r = _push(http, {**_inspector(**values), "id": f"bad-{i}"})
            assert r.status_code == 200, r.text
            (result,) = r.json()["results"]
            assert (result["status"], result["code"]) == ("refused", 422), values
            assert "invalid value" in result["reason"]
        body = json.dumps(
            {
                "device_id": "fuzz-device",
                "key": "1" * 64,
                "changes": [{**_inspector(name=float("nan"), enforcement_id="5305"), "id": "nan"}],
            }
        )
        r = http.post("/api/v1/sync/push", content=body, headers={"content-type": "application/json"})
        assert r.json()["results"][0]["status"] == "refused"
    with server.db.read() as s:
        assert s.get(Record, ("inspectors", "nan")) is None
        assert all(s.get(Record, ("inspectors", f"bad-{i}")) is None for i in range(len(bad)))


def test_account_errors_have_their_own_status(server) -> None:
    """Were all 400: a missing user or token is 404, an existing or disabled user 409."""
    with server.http("admin") as http:
        assert http.post("/api/v1/users/nobody/tokens").status_code == 404
        assert http.patch("/api/v1/users/nobody", json={"active": False}).status_code == 404
        assert http.delete("/api/v1/tokens/999999").status_code == 404
        assert http.post("/api/v1/users", json={"name": "ly", "role": "office"}).status_code == 409
        assert http.patch("/api/v1/users/tc", json={"active": False}).status_code == 200
        assert http.post("/api/v1/users/tc/tokens").status_code == 409
        # Still 400: a rule the schema cannot state.
        assert http.post("/api/v1/users", json={"name": "x", "role": "inspector"}).status_code == 400


def test_user_patch_is_validated_like_a_new_user(server) -> None:
    """PATCH accepted any role text (refused later, 400) and any division text (stored as it was)."""
    with server.http("admin") as http:
        assert http.patch("/api/v1/users/ly", json={"role": "boss"}).status_code == 422
        assert http.patch("/api/v1/users/ly", json={"divisions": ["not-a-code"]}).status_code == 422
        assert http.patch("/api/v1/users/ly", json={"divisions": ["530581"]}).status_code == 200
        assert http.post("/api/v1/users", json={"name": "a\x00b", "role": "office"}).status_code == 422


def test_an_unparsable_body_is_a_documented_400(server) -> None:
    with server.http("office") as http:
        r = http.post(
            "/api/v1/photos/missing", content=b"\xff\xfe{", headers={"content-type": "application/json"}
        )
        assert r.status_code == 400  # not UTF-8: FastAPI cannot even decode it
        doc = http.get("/openapi.json").json()
        assert "400" in doc["paths"]["/api/v1/photos/missing"]["post"]["responses"]


def test_the_openapi_document_lists_auth_and_refusals(server) -> None:
    with server.http("office") as http:
        doc = http.get("/openapi.json").json()
    assert doc["security"] == [{"bearer": []}]
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            assert "401" in op["responses"], (method, path)
    photo = doc["paths"]["/api/v1/photos/{sha256}"]
    assert "application/octet-stream" in photo["get"]["responses"]["200"]["content"]
    assert "application/octet-stream" in photo["put"]["requestBody"]["content"]
    values = doc["components"]["schemas"]["Change"]["properties"]["values"]
    assert values["propertyNames"]["pattern"] == "^[a-z_][a-z0-9_]*$"


def test_numbers_and_flags_are_not_converted_from_other_types(server) -> None:
    """pydantic turned 0/1 into false/true and "5" into 5 where the document says boolean or integer, so
    requests the document calls invalid were applied."""
    change = _inspector(name="张明", enforcement_id="53050219001")
    with server.http("admin") as http:
        for wrong in ({"created": 0}, {"created": "true"}, {"seq": "5"}, {"version": "1"}):
            body = {"device_id": "fuzz-device", "key": "2" * 64, "changes": [{**change, **wrong}]}
            assert http.post("/api/v1/sync/push", json=body).status_code == 422, wrong
        assert http.patch("/api/v1/users/ly", json={"active": 0}).status_code == 422
        # but 5.0 is an integer to JSON Schema (the long fuzz profile found it refused once this was strict)
        body = {
            "device_id": "fuzz-device",
            "key": "3" * 64,
            "changes": [{**change, "seq": 5.0, "version": 1.0}],
        }
        r = http.post("/api/v1/sync/push", json=body)
        assert r.status_code == 200 and r.json()["results"][0]["status"] == "applied", r.text


def test_method_not_allowed_names_every_method_of_the_path(server) -> None:
    """Starlette's 405 listed only the first route's method (one route per method): ``Allow: GET`` for
    /users, which also takes POST."""
    with server.http("admin") as http:
        r = http.request("OPTIONS", "/api/v1/users")
        assert r.status_code == 405 and r.headers["allow"] == "GET, POST"
        r = http.delete(f"/api/v1/photos/{'a' * 64}")
        assert r.status_code == 405 and r.headers["allow"] == "GET, PUT"


def test_references_longer_than_their_server_columns_are_refused(server) -> None:
    """A hotel whose division_id is 37 characters was stored on SQLite (which does not enforce lengths)
    into a 36-character column PostgreSQL enforces (a 500 there); a photo hash likewise."""
    hotel = {
        "entity": "hotels",
        "id": "long-ref-hotel",
        "seq": 1,
        "version": 1,
        "created": True,
        "fields": ["name"],
        "values": {"name": "长引用酒店", "division_id": "x" * 37},
    }
    with server.http("office") as http:
        (result,) = _push(http, hotel).json()["results"]
        assert (result["status"], result["code"]) == ("refused", 422) and "division_id" in result["reason"]
    # A photo record is refused for its missing inspection first; the hash rule itself:
    assert "sha256" in (value_problem("photos", {"sha256": "a" * 65}) or "")
    assert value_problem("photos", {"sha256": "a" * 64}) is None
