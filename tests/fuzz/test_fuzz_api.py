"""Fuzzing the sync server's HTTP API from its own OpenAPI document (schemathesis).

The server (:func:`hoteltv.sync.server.app.create_app` over a SQLite database in a temporary folder) holds
users of every role with tokens and the records and photos of a real field laptop's bundle. Schemathesis
reads ``/openapi.json`` and, for every operation, sends

* random requests, valid and invalid ones, each as an admin, an office user, an inspector, with no token,
  a malformed header, an unknown token or a revoked one (25 per operation in CI, 500 in the long profile);
* its deterministic cases as the admin: the document's examples, each parameter at its limits and just
  past them, missing and wrong-typed values, other methods on each path (about 40 per operation), plus
  5 random ones (100 in the long profile).

Every answer must pass schemathesis's checks: no 5xx, a status code the document lists, a body, headers
and content type its schema allows, invalid requests refused, valid ones not refused for their shape, no
data without a valid token. The few checks left out, and why, are next to ``_excluded``. After the run
the database must pass ``PRAGMA integrity_check`` and every blob row must have its whole file.

    pytest tests/fuzz/test_fuzz_api.py                          # CI: bounded, derandomized (~40 s)
    HYPOTHESIS_PROFILE=long pytest tests/fuzz/test_fuzz_api.py  # by hand: 20x the random cases (~12 min)

Requests that change accounts (``PATCH /users/…``, ``DELETE /tokens/…``) may disable or revoke the test's
own users; they are put back after each such request so the rest of the run keeps its roles.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import checks as st_checks
from schemathesis.core.parameters import ParameterLocation
from sqlalchemy import select, text

from hoteltv.db.engine import Database, sqlite_url
from hoteltv.domain.divisions import default_divisions
from hoteltv.photos.store import PhotoStore
from hoteltv.services.setup import ensure_divisions
from hoteltv.sync.bundle import export_bundle
from hoteltv.sync.protocol import UserIn
from hoteltv.sync.server import admin
from hoteltv.sync.server.app import create_app
from hoteltv.sync.server.auth import authenticate
from hoteltv.sync.server.bundle_import import import_to_server
from hoteltv.sync.server.models import Blob, ChangeLog, ServerState
from tests.fuzz.profile import fuzz
from tests.sync.helpers import make_hotel, make_inspection

#: (name, role, division codes) of the server's accounts; ``ly`` is an inspector of 隆阳区.
ACCOUNTS: tuple[tuple[str, str, list[str]], ...] = (
    ("admin", "admin", []),
    ("office", "office", []),
    ("ly", "inspector", ["530502"]),
)
#: Who sends a request: an account's token, or one of the ways to have none.
CALLERS = ("admin", "office", "ly", "no-header", "not-bearer", "unknown-token", "revoked-token")

# The schema is read from the app itself, so it is loaded when this module is: the app lives in a folder
# of its own for the whole session.
_HOME = Path(tempfile.mkdtemp(prefix="hoteltv-api-fuzz-"))
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
APP = create_app(
    sqlite_url(_HOME / "server.db").render_as_string(hide_password=False), _HOME / "server-photos"
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
TOKENS: dict[str, str] = {}


def _seed(home: Path) -> None:
    """Accounts with tokens, and a field laptop's hotel, finalized inspection and photos (by bundle)."""
    db = APP.state.db
    for name, role, divisions in ACCOUNTS:
        admin.add_user(db, UserIn(name=name, role=role, divisions=divisions))  # type: ignore[arg-type]
        TOKENS[name] = _issue(name)
    revoked = admin.issue_token(db, "office")
    admin.revoke_token(db, revoked.id)
    TOKENS["revoked-token"] = str(revoked.token)
    laptop = Database.open(home / "laptop")
    try:
        ensure_divisions(laptop, default_divisions())
        hotel = make_hotel(laptop, "模糊测试酒店")
        make_inspection(laptop, hotel, photos=2, folder=home / "pics", seed=7)
        bundle = home / "seed.hoteltv.zip"
        export_bundle(laptop, PhotoStore.for_home(home / "laptop"), bundle)
        result = import_to_server(db, APP.state.blobs, bundle, "ly")
        assert result.count("refused") == 0 and result.photos == 2
    finally:
        laptop.close()


def _issue(name: str) -> str:
    token = admin.issue_token(APP.state.db, name).token
    assert token is not None
    return token


def _keep_accounts() -> None:
    """Undo what a fuzzed request did to the test's own accounts (disabled, demoted, token revoked)."""
    db = APP.state.db
    for name, role, divisions in ACCOUNTS:
        admin.update_user(db, name, role=role, divisions=divisions, active=True)
        with db.read() as s:
            valid = authenticate(s, TOKENS[name]) is not None
        if not valid:
            TOKENS[name] = _issue(name)


@pytest.fixture(scope="module", autouse=True)
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    _seed(tmp_path_factory.mktemp("api-seed"))
    yield


def _headers(who: str, case: Any) -> dict[str, str]:
    if who == "no-header" or _negates_the_token(case):
        return {}
    if who == "not-bearer":
        return {"Authorization": "Basic YWRtaW46YWRtaW4="}
    if who == "unknown-token":
        return {"Authorization": "Bearer htv_" + "x" * 43}
    return {"Authorization": f"Bearer {TOKENS[who]}"}


#: The manifest answers a list of ``[id, version, deleted]`` (``prefixItems`` in the document, OpenAPI
#: 3.1). Schemathesis 4.32 rewrites the nested ``prefixItems`` into a draft-4 tuple ``items: [...]`` and
#: then rejects its own rewrite as an invalid schema, so its response-schema check cannot run on this one
#: operation; the answer is validated here against the document with a Draft 2020-12 validator instead.
_MANIFEST = ("GET", "/api/v1/sync/manifest/{entity}")
#: Photo bytes travel as ``application/octet-stream`` in frames (batch) or against a SHA-256 in the path
#: (PUT): the document can say "binary" but not "frames" or "hashes to the path", so random bytes that
#: the schema allows are rightly refused (422) — not a "valid request rejected".
_BINARY_BODIES = {("POST", "/api/v1/photos/batch"), ("PUT", "/api/v1/photos/{sha256}")}


#: "An inspector account needs at least one division" is a rule across two fields that the document cannot
#: state (pydantic writes no if/then), so a schema-valid inspector without divisions is rightly a 400; so is
#: a well-formed code of a county the server does not have (the document cannot list the database's).
#: Schemathesis's "valid data accepted" check is replaced for these two operations by the same check that
#: lets exactly these refusals through (``_only_the_division_rule``).
_ACCOUNTS = {("POST", "/api/v1/users"), ("PATCH", "/api/v1/users/{name}")}
_DIVISION_RULES = ("an inspector needs at least one division code", "no such division on this server")


#: ``/photos/missing`` and ``/photos/batch`` sit beside ``/photos/{sha256}``. OpenAPI matches a concrete path
#: before a templated one, so schemathesis expects PUT/GET there to be a 405 with ``Allow: POST``; the
#: server (Starlette) routes them to ``/photos/{sha256}`` with the hash "missing" or "batch" and answers
#: 422 for the hash, and its 405 for other methods honestly allows GET and PUT too. Harmless (no client
#: sends those), and only the two method checks are left out there.
_BESIDE_SHA = {"/api/v1/photos/missing", "/api/v1/photos/batch"}


#: Publishing a release: the version must be a PEP 440 version, and the platform is named or follows from
#: the installer's file name (``.exe`` → windows, ``.deb`` → linux) — rules across fields and formats the
#: document cannot state, so a schema-valid ``?version=0&filename=0`` is rightly a 400 with the reason
#: (each refusal is tested in tests/sync/test_releases.py, storing nothing).
_RELEASES = {("POST", "/api/v1/releases")}


def _excluded(method: str, path: str, case: Any) -> list[Any]:
    out = []
    if path in _BESIDE_SHA:  # whatever method schemathesis tries there
        out += [st_checks.unsupported_method, st_checks.allow_header_conformance]
    if "" in (case.query or {}):
        # Schemathesis 4.32 counts an extra query parameter with an empty name (``?limit=1&=0``) as
        # invalid data and expects a refusal; OpenAPI does not forbid undeclared query parameters and the
        # server ignores them, as it ignores any other unknown one (which schemathesis accepts).
        out.append(st_checks.negative_data_rejection)
    if (method, path) == _MANIFEST:
        out.append(st_checks.response_schema_conformance)
    if (method, path) in _BINARY_BODIES | _ACCOUNTS | _RELEASES:
        out.append(st_checks.positive_data_acceptance)
    if isinstance(case.body, dict) and case.body.get("demo") is True:
        # A push marked as coming from a demo data folder is refused (422, "演示数据不能上传"): the field
        # is a plain boolean in the document so that older servers accept pushes without it.
        out.append(st_checks.positive_data_acceptance)
    return out


def _only_the_division_rule(case: Any, response: Any, who: str) -> None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or who != "admin":
        return
    if response.status_code < 300 or response.status_code in (401, 403, 404, 409):
        return
    assert response.status_code == 400 and any(r in response.json()["detail"] for r in _DIVISION_RULES), (
        f"valid data refused: {response.status_code} {response.text[:300]}"
    )


def _check_manifest_answer(response: Any) -> None:
    if response.status_code != 200:
        return
    doc = APP.openapi()
    answer = doc["paths"]["/api/v1/sync/manifest/{entity}"]["get"]["responses"]["200"]
    validator = jsonschema_rs.Draft202012Validator(answer["content"]["application/json"]["schema"])
    validator.validate(response.json())


def _negates_the_token(case: Any) -> bool:
    """Schemathesis reads the bearer scheme as a required ``Authorization`` header and makes invalid cases
    of it (left out, or garbage). Those go as generated: a token added here would turn them into valid
    requests that schemathesis still expects to be refused."""
    data = case.meta.phase.data if case.meta is not None else None
    targets = [(m.parameter_location, m.parameter) for m in getattr(data, "mutations", None) or []]
    if getattr(data, "parameter", None) is not None:
        targets.append((getattr(data, "parameter_location", None), data.parameter))  # type: ignore[union-attr]
    return any(
        where == ParameterLocation.HEADER and str(name).lower() == "authorization" for where, name in targets
    )


def _run(case: Any, who: str) -> None:
    method, path = case.method.upper(), case.path
    response = case.call_and_validate(
        headers=_headers(who, case), excluded_checks=_excluded(method, path, case)
    )
    if (method, path) == _MANIFEST:
        _check_manifest_answer(response)
    if (method, path) in _ACCOUNTS:
        _only_the_division_rule(case, response, who)
    if path.startswith(("/api/v1/users", "/api/v1/tokens")) and method in ("PATCH", "DELETE", "POST"):
        _keep_accounts()


@schema.parametrize()
@schema.given(who=st.sampled_from(CALLERS))
@fuzz(25)
def test_api_operations_answer_as_documented(case: Any, who: str) -> None:
    """Random valid and invalid requests, from every kind of caller."""
    _run(case, who)


@schema.parametrize()
@fuzz(5)
def test_api_boundary_cases_answer_as_documented(case: Any) -> None:
    """Schemathesis's deterministic cases too (the document's examples, each parameter at its limits and
    just past them, missing and wrong-typed values, other methods on each path), as the admin: they run
    only without ``given``."""
    _run(case, "admin")


def test_zz_server_database_and_blobs_are_sound_after_the_run() -> None:
    """After every request above: SQLite's checks pass, the sequence counter covers the change log, and
    each blob row has its file, whole, under its hash (no partial upload was taken for a photo)."""
    db = APP.state.db
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
    with db.read() as s:
        head = s.get(ServerState, "seq")
        assert head is not None
        last = s.scalar(select(ChangeLog.seq).order_by(ChangeLog.seq.desc()).limit(1)) or 0
        assert last <= head.value
        blobs = list(s.scalars(select(Blob)))
    store = APP.state.blobs.store
    for blob in blobs:
        data = store.path(blob.sha256).read_bytes()
        assert hashlib.sha256(data).hexdigest() == blob.sha256 and len(data) == blob.size
    assert len(blobs) >= 2  # the seed's photos at least
