"""A route whose body is parsed in one pass (hoteltv.sync.server.bodies) answers every request exactly
as FastAPI's ordinary parsing does: the same model for a good body, the same status and details for a bad
one, whatever the bytes and the content type."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from fastapi import FastAPI
from starlette.requests import Request

from hoteltv.sync.protocol import PushRequest
from hoteltv.sync.server.bodies import parsed_body_route

KEY = "a" * 64


def _app() -> FastAPI:
    """The same endpoint twice: ``/plain`` parsed by FastAPI, ``/fast`` in one pass."""
    app = FastAPI()

    async def echo(req: PushRequest) -> dict[str, Any]:
        return {"type": type(req).__name__, "req": repr(req.model_dump())}  # repr: lone surrogates too

    app.router.add_api_route("/plain", echo, methods=["POST"])
    app.router.add_api_route(
        "/fast", echo, methods=["POST"], route_class_override=parsed_body_route(PushRequest)
    )
    return app


def _body(value: bytes) -> bytes:
    change = b'{"entity":"hotels","id":"h1","seq":1,"version":1,"fields":["name"],"values":{"name":@}}'
    text = b'{"device_id":"dev1","key":"' + KEY.encode() + b'","changes":[' + change + b"]}"
    return text.replace(b"@", value)


BODIES = {
    "good": _body(b'"x"'),
    "nan": _body(b"NaN"),
    "big number": _body(b"1e400"),
    "huge integer": _body(b"1" * 5000),
    "lone surrogate": _body(b'"\\ud800"'),
    "encoded surrogate": _body(b'"\xed\xa0\x80"'),
    "control character": _body(b'"a\x01b"'),
    "invalid utf-8": _body(b'"\xff"'),
    "deep": _body(b"[" * 300 + b"]" * 300),
    "bom": b"\xef\xbb\xbf" + _body(b'"x"'),
    "utf-16": _body(b'"x"').decode().encode("utf-16"),
    "trailing garbage": _body(b'"x"') + b"x",
    "bad field": _body(b'"x"').replace(b'"seq":1', b'"seq":-1'),
    "unknown field": _body(b'"x"').replace(b'"seq":1', b'"seq":1,"colour":2'),
    "missing field": _body(b'"x"').replace(b'"device_id":"dev1",', b""),
    "not an object": b"[1, 2]",
    "null": b"null",
    "empty": b"",
}
CONTENT_TYPES = ["application/json", "application/vnd.x+json; charset=utf-8", "text/plain", None]


def test_one_pass_parse_answers_as_fastapi_does() -> None:
    async def run() -> None:
        transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)  # a 500 is an answer too
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            for name, body in BODIES.items():
                for ctype in CONTENT_TYPES:
                    headers = {"content-type": ctype} if ctype else {}
                    plain = await http.post("/plain", content=body, headers=headers)
                    fast = await http.post("/fast", content=body, headers=headers)
                    assert (fast.status_code, fast.content) == (plain.status_code, plain.content), (
                        name,
                        ctype,
                    )
        assert json.loads(BODIES["good"])["device_id"] == "dev1"

    asyncio.run(run())


def test_a_good_body_is_not_parsed_twice(monkeypatch: Any) -> None:
    """The one-pass parse is the one used: FastAPI's ``json.loads`` of the body never runs for it."""

    async def refuse(_self: Any) -> Any:
        raise AssertionError("parsed the ordinary way")

    monkeypatch.setattr(Request, "json", refuse)

    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await http.post(
                "/fast", content=BODIES["good"], headers={"content-type": "application/json"}
            )

    answer = asyncio.run(run())
    assert answer.status_code == 200
    assert answer.json()["type"] == "PushRequest"
