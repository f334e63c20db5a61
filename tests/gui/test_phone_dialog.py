"""手机拍照 through the widgets: the inspection window's button opens the QR dialog, a phone (httpx on
another thread, as a phone is another machine) posts a photo to the URL the dialog shows, and the photo
appears in the right room's strip; the link dies with the window."""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from hoteltv.photos import phone_upload
from hoteltv.services import inspections as insp_service
from hoteltv.services import photos as photo_service
from tests.core import photo_fixtures as fx
from ui.context import AppContext
from ui.inspection import InspectionWindow, open_inspection_window, set_photo_strip_factory
from ui.photos import PhotoStrip, install
from ui.photos.phone_dialog import PhoneUploadDialog


@pytest.fixture
def strips() -> Iterator[None]:
    install()
    yield
    set_photo_strip_factory(None)


@pytest.fixture
def draft(ctx: AppContext) -> insp_service.InspectionView:
    return fx.draft_inspection(ctx.db, ctx.divisions)  # rooms 301 and 502


def photo(seed: int) -> bytes:
    buf = io.BytesIO()
    fx.two_tone((80, 60), seed).save(
        buf,
        "JPEG",
        quality=92,
        exif=fx.exif(taken="2026:12:05 09:15:00", offset="+08:00", gps=(25.11, 98.49)),
    )
    return buf.getvalue()


def open_window(qtbot: Any, ctx: AppContext, iid: str) -> InspectionWindow:
    window = open_inspection_window(ctx, iid)
    assert isinstance(window, InspectionWindow)
    qtbot.waitUntil(lambda: window.view is not None, timeout=5000)
    return window


def room_strip(window: InspectionWindow, room_id: str) -> PhotoStrip:
    page = window.room_pages[room_id]
    window.tabs.setCurrentWidget(page)
    strips = [s for s in page.findChildren(PhotoStrip) if s.item_key is None]
    assert len(strips) == 1
    return strips[0]


def phone_post(url: str, name: str, data: bytes, target: str) -> dict[str, Any]:
    """What the page's script sends, from a thread of its own (the GUI thread must keep running)."""
    answer: dict[str, Any] = {}

    def run() -> None:
        try:
            response = httpx.post(
                url + "upload",
                params={"js": "1"},
                data={"target": target},
                files=[("photos", (name, data, "image/jpeg"))],
                timeout=30,
            )
            answer["status"] = response.status_code
            answer["json"] = response.json()
        except Exception as exc:  # reported by the test, not lost in the thread
            answer["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    answer["thread"] = thread
    return answer


def test_a_photo_uploaded_through_the_phone_page_lands_in_the_right_room(
    qtbot: Any, ctx: AppContext, draft: insp_service.InspectionView, strips: None, tmp_path: Path
) -> None:
    room301, room502 = (next(r for r in draft.rooms if r.room_number == n) for n in ("301", "502"))
    window = open_window(qtbot, ctx, draft.id)
    strip301 = room_strip(window, room301.id)
    strip502 = room_strip(window, room502.id)  # 502 is now the room on screen
    assert window.phone_button.isVisible() and window.phone_button.text() == "手机拍照…"
    qtbot.mouseClick(window.phone_button, Qt.MouseButton.LeftButton)
    dialogs = window.findChildren(PhoneUploadDialog)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert dialog.isVisible() and dialog.server is not None and dialog.server.active()
    url = dialog.url_label.text().splitlines()[0]
    assert url == dialog.url() and url.startswith("http://") and url.endswith(f"/p/{dialog.server.token}/")
    assert dialog.count_label.text() == "已收到 0 张照片"
    if shutil.which("zbarimg"):  # the QR code on screen says the same URL
        pixmap = dialog.qr_label.pixmap()
        pixmap.save(str(tmp_path / "qr.png"))
        read = subprocess.run(
            ["zbarimg", "-q", "--raw", str(tmp_path / "qr.png")], capture_output=True, text=True
        )
        assert read.stdout.strip() == url

    page = httpx.get(url, timeout=10).text  # served off the GUI thread: no event loop needed
    assert f'value="room:{room502.id}" selected' in page, "the room on screen is preselected"
    assert dialog.default_label.text() == "手机页面默认放到：502 房"

    sent = phone_post(url, "IMG_0502.JPG", photo(1), phone_upload.room_target_key(room502.id))
    qtbot.waitUntil(lambda: [p.original_name for p in strip502.photos()] == ["IMG_0502.JPG"], timeout=15000)
    sent["thread"].join(10)
    assert "error" not in sent and sent["status"] == 200
    assert [(r["status"], r["text"]) for r in sent["json"]["results"]] == [("ok", "已保存")]
    assert strip502.title.text() == "照片 (1)" and strip301.photos() == []
    assert dialog.count_label.text() == "已收到 1 张照片" and dialog.received == 1
    assert "IMG_0502.JPG：已保存到 502 房" in dialog.results_label.text()
    (stored,) = photo_service.list_photos(ctx.db, draft.id)
    assert stored.room_check_id == room502.id and stored.gps == pytest.approx((25.11, 98.49), abs=1e-4)
    assert stored.taken_at is not None and stored.taken_at.isoformat() == "2026-12-05T01:15:00+00:00"

    bad = phone_post(url, "readme.jpg", b"not a photo", phone_upload.room_target_key(room301.id))
    qtbot.waitUntil(lambda: not bad["thread"].is_alive(), timeout=15000)
    assert bad["json"]["results"][0]["status"] == "refused"
    assert "不是图片" in dialog.results_label.text() and dialog.received == 1 and strip301.photos() == []

    # The button again brings the same dialog forward rather than a second link.
    qtbot.mouseClick(window.phone_button, Qt.MouseButton.LeftButton)
    assert window.findChildren(PhoneUploadDialog) == [dialog]

    server = dialog.server
    window.close()
    assert not server.active(), "closing the inspection window revokes the link at once"
    try:
        late = httpx.get(url, timeout=5)
    except httpx.TransportError:
        pass  # the server is gone
    else:
        assert late.status_code == 404
    QApplication.processEvents()


def test_closing_the_dialog_stops_the_link_and_a_finalized_record_has_no_button(
    qtbot: Any, ctx: AppContext, draft: insp_service.InspectionView, strips: None
) -> None:
    window = open_window(qtbot, ctx, draft.id)
    dialog = window.open_phone_photos()
    assert isinstance(dialog, PhoneUploadDialog) and dialog.server is not None
    server, url = dialog.server, dialog.url()
    assert httpx.get(url, timeout=10).status_code == 200
    dialog.close()
    assert not server.active()
    window.close()

    with ctx.db.transaction() as s:
        from hoteltv.db.models import Inspection

        insp = s.get(Inspection, draft.id)
        assert insp is not None
        insp.status = "finalized"
    window = open_window(qtbot, ctx, draft.id)
    assert not window.phone_button.isVisible() and window.open_phone_photos() is None
    window.close()


def test_the_failed_item_with_the_focus_is_preselected(
    qtbot: Any, ctx: AppContext, draft: insp_service.InspectionView, strips: None
) -> None:
    room301 = next(r for r in draft.rooms if r.room_number == "301")
    insp_service.set_room_answer(ctx.db, room301.id, "boot_seconds", 65)
    window = open_window(qtbot, ctx, draft.id)
    window.show()
    window.activateWindow()
    room_strip(window, room301.id)
    row = window.room_pages[room301.id].form.rows["boot_seconds"]
    assert row.failed()
    dialog = window.open_phone_photos()
    assert isinstance(dialog, PhoneUploadDialog) and dialog.server is not None
    row.input.focus_input()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=3000)
    key = phone_upload.item_target_key(room301.id, "boot_seconds")
    qtbot.waitUntil(lambda: dialog.server is not None and dialog.server.default_target == key, timeout=3000)
    assert f'value="{key}" selected' in httpx.get(dialog.url(), timeout=10).text
    assert dialog.default_label.text() == "手机页面默认放到：301 房 · 开机至直播画面时间（秒）"
    window.activateWindow()  # the inspector clicks back into the inspection window
    window.tabs.setCurrentIndex(0)  # the hotel page, nothing failed there: the whole inspection
    window.hotel_form.rows[next(iter(window.hotel_form.rows))].input.focus_input()
    qtbot.waitUntil(lambda: dialog.server is not None and dialog.server.default_target == "", timeout=3000)
    assert dialog.default_label.text() == "手机页面默认放到：整个检查（不指定房间）"
    window.close()


def test_an_expired_link_says_so_and_a_new_qr_code_replaces_it(
    qtbot: Any, ctx: AppContext, draft: insp_service.InspectionView
) -> None:
    now = [1000.0]
    dialog = PhoneUploadDialog(ctx, draft.id, clock=lambda: now[0])  # deletes itself when closed
    dialog.show()
    assert dialog.server is not None
    old_server, old_url = dialog.server, dialog.url()
    assert httpx.get(old_url, timeout=10).status_code == 200
    assert dialog.expiry_label.text().startswith("链接有效至 ") and not dialog.renew_button.isVisible()
    now[0] += phone_upload.TOKEN_LIFETIME + 1
    dialog.update_expiry()
    assert dialog.expiry_label.text() == "链接已过期。需要继续上传时，请点“重新生成二维码”。"
    assert dialog.renew_button.isVisible()
    assert httpx.get(old_url, timeout=10).status_code == 404
    qtbot.mouseClick(dialog.renew_button, Qt.MouseButton.LeftButton)
    assert dialog.server is not old_server and dialog.url() != old_url
    assert httpx.get(dialog.url(), timeout=10).status_code == 200 and not dialog.renew_button.isVisible()
    assert dialog.url_label.text().splitlines()[0] == dialog.url()
    dialog.close()
