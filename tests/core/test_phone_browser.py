"""The phone page in a real browser engine: headless Chromium (when installed) at a phone's size opens the
page, its script takes over the form, photos are given to the "从相册选择" input as a phone's file picker
would, and the script uploads them one by one and shows each result; the photos are then in the record.

Chromium is driven over the DevTools protocol through ``--remote-debugging-pipe`` (JSON messages ending
in NUL on file descriptors 3 and 4), so no driver or WebSocket package is needed. Set
``HOTELTV_PHONE_SHOT=/path.png`` to keep a screenshot of the page after the upload.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hoteltv.db.engine import Database
from hoteltv.domain.divisions import DivisionList
from hoteltv.photos import phone_upload as phone
from hoteltv.photos.store import PhotoStore
from hoteltv.services import inspections as insp_service
from hoteltv.services import photos as photo_service
from tests.core import photo_fixtures as fx

CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None
)
FONTS = Path(__file__).resolve().parents[2] / "resources" / "fonts"

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (Debian: apt-get install chromium)"),
    pytest.mark.skipif(
        sys.platform == "win32", reason="the DevTools pipe is set up with POSIX file descriptors"
    ),
]


class Browser:
    """Just enough of the DevTools protocol: commands to one page, answers matched by id."""

    def __init__(self, home: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        fonts = home / "fonts.conf"  # the program's own CJK font, so a screenshot shows Chinese
        fonts.write_text(
            '<?xml version="1.0"?><fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
            f"<dir>{FONTS}</dir><cachedir>{home / 'fc-cache'}</cachedir></fontconfig>"
        )

        def wire() -> None:  # in the child: the protocol's fixed descriptors 3 (in) and 4 (out)
            a, b = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        assert CHROMIUM is not None
        self.proc = subprocess.Popen(
            [
                CHROMIUM,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--hide-scrollbars",
                "--remote-debugging-pipe",
                f"--user-data-dir={home / 'profile'}",
                "about:blank",
            ],
            preexec_fn=wire,  # noqa: PLW1509 (no threads are started in between)
            close_fds=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "FONTCONFIG_FILE": str(fonts)},
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next = 0
        self.session = ""

    def _read(self, timeout: float) -> dict[str, Any]:
        end = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = end - time.monotonic()
            ready, _, _ = select.select([self._from_browser], [], [], max(0.0, left))
            if not ready:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise EOFError("Chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return dict(json.loads(message))

    def call(self, method: str, timeout: float = 20, **params: Any) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._read(timeout)
            if answer.get("id") == self._next:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return dict(answer.get("result", {}))

    def evaluate(self, expression: str) -> Any:
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def close(self) -> None:
        with contextlib.suppress(Exception):  # it may be gone already
            self.call("Browser.close", timeout=5)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    folder = tmp_path / "chromium"
    folder.mkdir()
    b = Browser(folder)
    try:
        target = b.call("Target.createTarget", url="about:blank")["targetId"]
        b.session = b.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        b.call("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=1, mobile=True)
        yield b
    finally:
        b.close()


def test_the_page_uploads_photos_in_a_real_browser(
    browser: Browser, file_db: Database, divisions: DivisionList, tmp_path: Path
) -> None:
    draft = fx.draft_inspection(file_db, divisions)
    room = next(r for r in draft.rooms if r.room_number == "502")
    draft = insp_service.set_room_answer(file_db, room.id, "boot_seconds", 65)
    store = PhotoStore(tmp_path / "home" / "photos")
    server = phone.PhoneUploadServer(
        lambda: phone.upload_plan(file_db, draft.id),
        lambda path, room, item: photo_service.attach_files(
            file_db, store, draft.id, [path], room_id=room, item_key=item
        )[0],
        host="127.0.0.1",
    )
    server.default_target = phone.room_target_key(room.id)
    server.start()
    try:
        photos = []
        for i in range(2):
            path = tmp_path / f"IMG_10{i}.JPG"
            buf = io.BytesIO()
            fx.two_tone((120, 90), seed=i).save(
                buf, "JPEG", quality=92, exif=fx.exif(taken=f"2026:12:05 11:0{i}:00", gps=(25.1, 98.5))
            )
            path.write_bytes(buf.getvalue())
            photos.append(path)
        fake = tmp_path / "报告.jpg"
        fake.write_text("这不是照片")

        browser.call("Page.navigate", url=server.url("127.0.0.1"))
        deadline = time.monotonic() + 20
        while browser.evaluate("document.readyState") != "complete":
            assert time.monotonic() < deadline, "the page did not load"
            time.sleep(0.1)
        assert browser.evaluate("document.documentElement.className") == "js", "the script took over the form"
        assert browser.evaluate("document.getElementById('target').value") == f"room:{room.id}"
        assert browser.evaluate("getComputedStyle(document.querySelector('button.send')).display") == "none"

        root = browser.call("DOM.getDocument")["root"]["nodeId"]
        album = browser.call("DOM.querySelector", nodeId=root, selector="input[type=file]:not([capture])")
        browser.call("DOM.setFileInputFiles", nodeId=album["nodeId"], files=[str(p) for p in [*photos, fake]])

        rows = "Array.from(document.querySelectorAll('#list li')).map(function(li){return [li.className, li.querySelector('.n').textContent, li.querySelector('.s').textContent]})"
        deadline = time.monotonic() + 30
        while True:
            shown = browser.evaluate(rows)
            if shown and all(cls in ("ok", "refused", "duplicate") for cls, _, _ in shown):
                break
            assert time.monotonic() < deadline, f"uploads did not finish: {shown}"
            time.sleep(0.1)
        assert sorted(shown) == [
            ["ok", "IMG_100.JPG", "已保存"],
            ["ok", "IMG_101.JPG", "已保存"],
            ["refused", "报告.jpg", "不是图片，或格式不受支持（可用 JPEG、PNG、HEIC、WebP）"],
        ]
        stored = photo_service.list_photos(file_db, draft.id)
        assert sorted((p.original_name, p.room_number, p.gps is not None) for p in stored) == [
            ("IMG_100.JPG", "502", True),
            ("IMG_101.JPG", "502", True),
        ]
        shot = os.environ.get("HOTELTV_PHONE_SHOT")
        if shot:
            data = browser.call("Page.captureScreenshot", format="png")["data"]
            Path(shot).write_bytes(base64.b64decode(data))
    finally:
        server.stop(wait=True)
