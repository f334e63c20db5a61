"""The phone upload page is reachable by anything on the hotel's Wi-Fi: a damaged or hostile upload request
(bytes flipped anywhere in a real multipart body, headers included, or cut short) gets an answer — the
photos it still carries saved, or the reason on the phone's page — and the server goes on serving. It never
drops the connection without an answer, never stores a photo it did not report as saved, and leaves no
temporary files behind.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoteltv.db.engine import Database
from hoteltv.domain.divisions import default_divisions
from hoteltv.photos import phone_upload as phone
from hoteltv.photos.store import PhotoStore
from hoteltv.services import photos as photo_service
from hoteltv.services.setup import ensure_divisions
from tests.core import photo_fixtures as fx
from tests.fuzz.profile import fuzz


def _jpeg(seed: int) -> bytes:
    buf = io.BytesIO()
    fx.two_tone((40, 30), seed).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _body() -> tuple[bytes, str]:
    """A real upload from the page: the target field, two photos and an empty second file input."""
    request = httpx.Request(
        "POST",
        "http://phone/upload",
        data={"target": phone.WHOLE},
        files=[
            ("photos", ("微信图片_1.jpg", _jpeg(1), "image/jpeg")),
            ("photos", ("IMG_2.jpg", _jpeg(2), "image/jpeg")),
            ("photos", ("", b"", "application/octet-stream")),
        ],
    )
    return request.read(), request.headers["Content-Type"]


BODY, CONTENT_TYPE = _body()


@pytest.fixture(scope="module")
def running(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[phone.PhoneUploadServer, Database, str]]:
    home = tmp_path_factory.mktemp("fuzz-phone") / "home"
    db = Database.open(home)
    divisions = default_divisions()
    ensure_divisions(db, divisions)
    iid = fx.draft_inspection(db, divisions).id
    store = PhotoStore.for_home(home)
    server = phone.PhoneUploadServer(
        lambda: phone.upload_plan(db, iid),
        lambda path, room, item: photo_service.attach_files(
            db, store, iid, [path], room_id=room, item_key=item
        )[0],
        host="127.0.0.1",
    )
    server.start()
    yield server, db, iid
    server.stop(wait=True)
    db.close()


def _leftovers() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("hoteltv-phone-*"))


@given(
    flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=8),
    keep=st.one_of(st.none(), st.floats(0.0, 1.0)),
    header=st.sampled_from(["as sent", "flipped", "no boundary"]),
)
@fuzz(40)
def test_a_damaged_upload_gets_an_answer_and_stores_only_what_it_reports(
    running: tuple[phone.PhoneUploadServer, Database, str],
    flips: list[tuple[int, int]],
    keep: float | None,
    header: str,
) -> None:
    server, db, iid = running
    body = bytearray(BODY)
    for position, value in flips:
        body[position % len(body)] = value
    if keep is not None:
        body = body[: int(len(body) * keep)]
    content_type = CONTENT_TYPE
    if header == "flipped" and flips:
        position, value = flips[0]
        chars = list(content_type)
        chars[position % len(chars)] = "abz09;=/- "[value % 10]  # what a header may carry
        content_type = "".join(chars).strip() or "x"
    elif header == "no boundary":
        content_type = "multipart/form-data"
    before = len(photo_service.list_photos(db, iid))
    left = _leftovers()
    answer = httpx.post(
        server.url("127.0.0.1") + "upload",
        params={"js": "1"},
        content=bytes(body),
        headers={"Content-Type": content_type},
        timeout=30,
    )
    assert answer.status_code in (200, 400, 413), answer.text
    results = answer.json()["results"]
    saved = [r for r in results if r["status"] == "ok"]
    assert all(r["text"] for r in results)
    if answer.status_code != 200:
        assert answer.json()["error"] and not results
    assert len(photo_service.list_photos(db, iid)) == before + len(saved)
    assert _leftovers() <= left  # the request's temporary folder is gone
    assert httpx.get(server.url("127.0.0.1"), timeout=30).status_code == 200  # and the page still answers
