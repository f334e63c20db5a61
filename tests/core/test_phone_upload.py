"""The phone upload page, driven over real HTTP with httpx's multipart client against the running server:
photos land in the chosen room or item with their EXIF time and GPS; a wrong, expired or revoked token
reaches nothing; bad files are refused on the phone page and leave nothing behind."""

from __future__ import annotations

import io
import random
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from PIL import Image

from hoteltv.db.engine import Database
from hoteltv.domain.divisions import DivisionList
from hoteltv.photos import phone_upload as phone
from hoteltv.photos.store import PhotoStore
from hoteltv.services import inspections as insp_service
from hoteltv.services import photos as photo_service
from tests.core import photo_fixtures as fx


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> PhotoStore:
    return PhotoStore(tmp_path / "home" / "photos")


@pytest.fixture
def view(file_db: Database, divisions: DivisionList) -> insp_service.InspectionView:
    """A draft with rooms 301 and 502; 301's boot time (65 s) fails."""
    draft = fx.draft_inspection(file_db, divisions)
    room = next(r for r in draft.rooms if r.room_number == "301")
    return insp_service.set_room_answer(file_db, room.id, "boot_seconds", 65)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def start(db: Database, store: PhotoStore, iid: str, clock: Clock, **kw: object) -> phone.PhoneUploadServer:
    server = phone.PhoneUploadServer(
        lambda: phone.upload_plan(db, iid),
        lambda path, room, item: photo_service.attach_files(
            db, store, iid, [path], room_id=room, item_key=item
        )[0],
        clock=clock,
        host="127.0.0.1",
        **kw,  # type: ignore[arg-type]
    )
    server.start()
    return server


@pytest.fixture
def server(
    file_db: Database, store: PhotoStore, view: insp_service.InspectionView, clock: Clock
) -> Iterator[phone.PhoneUploadServer]:
    srv = start(file_db, store, view.id, clock)
    yield srv
    srv.stop(wait=True)


def page_url(server: phone.PhoneUploadServer) -> str:
    return server.url("127.0.0.1")


def post(
    server: phone.PhoneUploadServer,
    files: list[tuple[str, bytes, str]],
    target: str = phone.WHOLE,
    js: bool = True,
    url: str | None = None,
) -> httpx.Response:
    return httpx.post(
        (url or page_url(server)) + "upload",
        params={"js": "1"} if js else None,
        data={"target": target},
        files=[("photos", f) for f in files],
        timeout=30,
    )


def photo_bytes(seed: int = 0, **exif: object) -> bytes:
    buf = io.BytesIO()
    fx.two_tone((80, 60), seed).save(buf, "JPEG", quality=92, exif=fx.exif(**exif))  # type: ignore[arg-type]
    return buf.getvalue()


def noise_jpeg(side: int) -> bytes:
    rng = random.Random(side)
    im = Image.frombytes("RGB", (side, side), bytes(rng.randrange(256) for _ in range(side * side * 3)))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=95)
    return buf.getvalue()


def stored(db: Database, iid: str) -> list[photo_service.PhotoView]:
    return photo_service.list_photos(db, iid)


def test_the_page_offers_rooms_and_failed_items_with_the_window_selection_preselected(
    server: phone.PhoneUploadServer, view: insp_service.InspectionView
) -> None:
    room301 = next(r for r in view.rooms if r.room_number == "301")
    server.default_target = phone.room_target_key(room301.id)
    page = httpx.get(page_url(server), timeout=10)
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    text = page.text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    assert 'accept="image/*" capture="environment" multiple' in text
    assert 'method="post" action="upload" enctype="multipart/form-data"' in text
    assert "http://" not in text and "https://" not in text, "nothing from outside (no CDN)"
    assert view.record_number in text and "和顺测试酒店" in text
    options = [line for line in text.split("<option")[1:]]
    labels = [o.split(">", 1)[1].split("<", 1)[0] for o in options]
    assert labels == [
        "整个检查（不指定房间）",
        "301 房",
        "301 房 · 不合格：开机至直播画面时间（秒）",
        "502 房",
    ]
    assert [o for o in options if " selected" in o.split(">", 1)[0]] == [
        f' value="room:{room301.id}" selected>301 房</option>'
    ]
    assert page.headers["cache-control"] == "no-store"


def test_a_photo_lands_in_the_chosen_item_with_its_exif_time_and_gps(
    server: phone.PhoneUploadServer, file_db: Database, view: insp_service.InspectionView
) -> None:
    room301 = next(r for r in view.rooms if r.room_number == "301")
    data = photo_bytes(1, taken="2026:12:05 10:20:30", offset="+08:00", gps=(25.1234, 98.4321))
    response = post(
        server, [("IMG_0001.JPG", data, "image/jpeg")], phone.item_target_key(room301.id, "boot_seconds")
    )
    assert response.status_code == 200
    body = response.json()
    assert body["received"] == 1
    assert [(r["name"], r["status"], r["text"]) for r in body["results"]] == [
        ("IMG_0001.JPG", "ok", "已保存")
    ]
    (photo,) = stored(file_db, view.id)
    assert photo.id == body["results"][0]["photo_id"]
    assert (photo.room_check_id, photo.room_number, photo.item_key) == (room301.id, "301", "boot_seconds")
    assert photo.original_name == "IMG_0001.JPG" and photo.mime == "image/jpeg"
    assert photo.taken_at == datetime(2026, 12, 5, 2, 20, 30, tzinfo=UTC)
    assert photo.gps is not None and photo.gps == pytest.approx((25.1234, 98.4321), abs=1e-4)
    import hashlib

    assert photo.sha256 == hashlib.sha256(data).hexdigest() and photo.byte_size == len(data)
    assert server.received == 1


def test_the_form_without_javascript_sends_all_photos_at_once_and_gets_a_page_back(
    server: phone.PhoneUploadServer, file_db: Database, view: insp_service.InspectionView
) -> None:
    room502 = next(r for r in view.rooms if r.room_number == "502")
    files = [
        ("微信图片_1.jpg", photo_bytes(2), "image/jpeg"),
        ("IMG_2.jpg", photo_bytes(3), "image/jpeg"),
        ("", b"", "application/octet-stream"),  # the second input, left empty
    ]
    response = post(server, files, phone.room_target_key(room502.id), js=False)
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    assert response.text.count('<li class="ok">') == 2 and "微信图片_1.jpg" in response.text
    assert "<form" in response.text, "the page comes back ready for the next photos"
    assert f'value="room:{room502.id}" selected' in response.text, "still the room the inspector chose"
    photos = stored(file_db, view.id)
    assert [(p.original_name, p.room_number, p.item_key) for p in photos] == [
        ("微信图片_1.jpg", "502", None),
        ("IMG_2.jpg", "502", None),
    ]
    nameless = post(server, [("..", photo_bytes(9), "image/jpeg")], phone.WHOLE).json()["results"]
    assert [(r["name"], r["status"]) for r in nameless] == [("手机照片-1.jpg", "ok")]
    again = post(server, [("again.jpg", photo_bytes(2), "image/jpeg")], phone.WHOLE)
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"]
    assert again.json()["results"][0]["text"] == "这张照片已在本次检查中"
    assert len(stored(file_db, view.id)) == 3 and server.received == 3


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/p/",
        "/p/{wrong}/",
        "/p/{wrong}/upload",
        "/p/{token}",
        "/p/{token}/x",
        "/p/{token}/../",
        "/favicon.ico",
    ],
)
def test_anything_but_the_page_with_the_token_is_404(server: phone.PhoneUploadServer, path: str) -> None:
    url = f"http://127.0.0.1:{server.port}" + path.format(token=server.token, wrong="A" * len(server.token))
    response = httpx.get(url, timeout=10)
    assert response.status_code == 404 and "链接无效或已过期" in response.text
    assert server.token not in response.text


def test_wrong_token_methods_and_listing_reach_nothing_and_store_nothing(
    server: phone.PhoneUploadServer, file_db: Database, store: PhotoStore, view: insp_service.InspectionView
) -> None:
    base = f"http://127.0.0.1:{server.port}"
    wrong = f"{base}/p/{server.token[:-1]}{'x' if server.token[-1] != 'x' else 'y'}/"
    refused = post(server, [("a.jpg", photo_bytes(4), "image/jpeg")], url=wrong)
    assert refused.status_code == 404
    assert httpx.post(page_url(server), timeout=10).status_code == 404, "POST to the page itself"
    assert httpx.get(page_url(server) + "upload", timeout=10).status_code == 404, "GET of the upload URL"
    for method in ("HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"):
        assert httpx.request(method, page_url(server), timeout=10).status_code == 404, method
    assert stored(file_db, view.id) == [] and list(store.blobs()) == []


def test_the_link_expires_after_30_minutes_and_when_stopped(
    server: phone.PhoneUploadServer,
    file_db: Database,
    store: PhotoStore,
    view: insp_service.InspectionView,
    clock: Clock,
) -> None:
    assert server.lifetime == phone.TOKEN_LIFETIME == 30 * 60
    clock.now += 30 * 60 - 1
    assert httpx.get(page_url(server), timeout=10).status_code == 200
    assert 0 < server.remaining() <= 1
    clock.now += 2
    assert not server.active()
    assert httpx.get(page_url(server), timeout=10).status_code == 404
    assert post(server, [("late.jpg", photo_bytes(5), "image/jpeg")]).status_code == 404
    assert stored(file_db, view.id) == [] and list(store.blobs()) == []


def test_stop_revokes_the_token_at_once(
    file_db: Database, store: PhotoStore, view: insp_service.InspectionView, clock: Clock
) -> None:
    srv = start(file_db, store, view.id, clock)
    url = page_url(srv)
    assert httpx.get(url, timeout=10).status_code == 200
    srv.stop(wait=True)
    assert srv.remaining() == 0 and not srv.valid(srv.token)
    with pytest.raises(httpx.TransportError):
        httpx.get(url, timeout=5)


def test_non_images_corrupt_and_oversized_files_are_refused_on_the_phone_and_nothing_is_stored(
    file_db: Database, store: PhotoStore, view: insp_service.InspectionView, clock: Clock
) -> None:
    big = noise_jpeg(160)
    limit = len(big) - 1
    srv = start(file_db, store, view.id, clock, max_bytes=limit)
    try:
        good = photo_bytes(6)
        files = [
            ("notes.jpg", "这不是照片".encode(), "image/jpeg"),  # a name that lies
            ("cut.jpg", good[: len(good) // 2], "image/jpeg"),
            ("big.jpg", big, "image/jpeg"),
            ("empty.jpg", b"", "image/jpeg"),
        ]
        response = post(srv, files, js=False)
        assert response.status_code == 200
        for name, reason in [
            ("notes.jpg", "不是图片，或格式不受支持"),
            ("cut.jpg", "图片文件已损坏"),  # half a JPEG: its data ends mid-scan
            ("big.jpg", f"文件过大（每张上限 {limit / 1e3:.0f} kB）"),
            ("empty.jpg", "文件为空"),
        ]:
            item = response.text.split(f'<div class="n">{name}</div>', 1)[1].split("</li>", 1)[0]
            assert reason in item, (name, item)
        assert response.text.count('<li class="refused">') == 4
        js = post(srv, [("notes.txt", b"%PDF-1.4 not an image", "image/png")]).json()
        assert js["results"][0]["status"] == "refused" and "不是图片" in js["results"][0]["text"]
        too_much = post(srv, [("huge.jpg", b"\xff" * (limit + phone.REQUEST_OVERHEAD + 1), "image/jpeg")])
        assert too_much.status_code == 413 and "太大" in too_much.json()["error"]
        page = post(
            srv, [("huge.jpg", b"\xff" * (limit + phone.REQUEST_OVERHEAD + 1), "image/jpeg")], js=False
        )
        assert page.status_code == 413 and "一次上传的照片太大" in page.text
        assert httpx.post(page_url(srv) + "upload", content=b"x", timeout=10).status_code == 400
        assert stored(file_db, view.id) == [] and list(store.blobs()) == [] and srv.received == 0
    finally:
        srv.stop(wait=True)


def test_a_finalized_record_takes_no_photos(
    server: phone.PhoneUploadServer, file_db: Database, store: PhotoStore, view: insp_service.InspectionView
) -> None:
    with file_db.transaction() as s:
        from hoteltv.db.models import Inspection

        insp = s.get(Inspection, view.id)
        assert insp is not None
        insp.status = "finalized"
    assert "此记录已定稿，不能再添加照片" in httpx.get(page_url(server), timeout=10).text
    result = post(server, [("a.jpg", photo_bytes(7), "image/jpeg")]).json()["results"][0]
    assert result["status"] == "refused" and "已定稿" in result["text"]
    assert list(store.blobs()) == []


def test_a_target_that_no_longer_exists_is_refused(
    server: phone.PhoneUploadServer, file_db: Database, view: insp_service.InspectionView
) -> None:
    result = post(server, [("a.jpg", photo_bytes(8), "image/jpeg")], "room:no-such-room").json()["results"][0]
    assert result == {
        "name": "a.jpg",
        "status": "refused",
        "text": "所选位置已不存在，请刷新页面后重新选择",
        "photo_id": None,
    }
    assert stored(file_db, view.id) == []


def test_file_names_from_the_phone_are_made_safe() -> None:
    assert phone._safe_name("../../etc/passwd") == "passwd"
    assert phone._safe_name("C:\\Users\\a\\IMG 1.jpg") == "IMG 1.jpg"
    assert phone._safe_name("CON.jpg") == "_CON.jpg"
    assert phone._safe_name('a<b>:"|?*\x00.jpg') == "ab.jpg"
    assert phone._safe_name("..") == ""


def test_qr_matrix_is_a_qr_code() -> None:
    url = "http://192.168.137.1:54321/p/" + "x" * 32 + "/"
    matrix = phone.qr_matrix(url)
    n = len(matrix)
    assert n >= 21 and (n - 17) % 4 == 0 and all(len(row) == n for row in matrix)
    finder = [
        [r in (0, 6) or c in (0, 6) or (2 <= r <= 4 and 2 <= c <= 4) for c in range(7)] for r in range(7)
    ]
    for top, left in ((0, 0), (0, n - 7), (n - 7, 0)):
        assert [row[left : left + 7] for row in matrix[top : top + 7]] == finder
    assert phone.qr_matrix(url) == matrix and phone.qr_matrix(url + "a") != matrix


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="needs zbarimg (zbar-tools)")
def test_qr_matrix_reads_back_with_a_qr_reader(tmp_path: Path) -> None:
    url = "http://192.168.137.1:54321/p/" + "Ab-_9" * 6 + "/"
    matrix = phone.qr_matrix(url)
    n, scale, quiet = len(matrix), 6, 4
    image = Image.new("L", ((n + 2 * quiet) * scale,) * 2, 255)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                x, y = (c + quiet) * scale, (r + quiet) * scale
                image.paste(0, (x, y, x + scale, y + scale))
    image.save(tmp_path / "qr.png")
    read = subprocess.run(
        ["zbarimg", "-q", "--raw", str(tmp_path / "qr.png")], capture_output=True, text=True
    )
    assert read.stdout.strip() == url


def test_lan_addresses_are_usable_ipv4() -> None:
    import ipaddress

    for text in phone.lan_addresses():
        address = ipaddress.IPv4Address(text)
        assert not (address.is_loopback or address.is_link_local or address.is_unspecified)


def test_the_phone_reads_the_chinese_half_of_core_messages() -> None:
    assert (
        phone.chinese("检查记录 X 已定稿,照片不能再添加 (inspection X is finalized)")
        == "检查记录 X 已定稿,照片不能再添加"
    )
    assert phone.chinese("文件过大(12 MB)(file too large)") == "文件过大(12 MB)"
    assert phone.chinese("plain English") == "plain English"
