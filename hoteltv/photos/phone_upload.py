"""Photos from the inspector's phone: a small web page the laptop serves for one inspection.

The laptop's camera is poor; the inspector's phone is not. :class:`PhoneUploadServer` serves, on the
laptop's own Wi-Fi or hotspot address, one page behind a one-time token (``secrets.token_urlsafe`` in
the URL). A phone opens it from a QR code (:func:`qr_matrix`) — no app to install; the page works in
WeChat's built-in browser, Safari and Chrome: a plain HTML form (a multipart POST that works without
JavaScript) with a little vanilla JavaScript for per-photo progress. The inspector chooses on the phone
where the photos go: the whole inspection, a room, or a failed item (:func:`upload_plan`), by default what
the inspection window has selected (:attr:`PhoneUploadServer.default_target`).

Each uploaded file is streamed to a temporary file (``python-multipart`` parses the body; per file the
photo size limit of :mod:`hoteltv.photos.ingest` applies) and handed to ``attach(path, room_id,
item_key)`` — in the GUI a bridge that runs :func:`hoteltv.services.photos.attach_files` on the
database writer. So a phone photo is checked by
content, hashed, stored, and gets its EXIF time and GPS exactly like any other photo. The phone sees
each photo's result (saved, already there, or why it was refused) in Chinese.

The token expires after 30 minutes (:data:`TOKEN_LIFETIME`) or when :meth:`PhoneUploadServer.stop` is
called (the window closed). Without the valid token every path answers 404, and there is nothing else
to find: no directory listing, no static files.

Nothing here imports Qt; the server's threads never touch the GUI.
"""

from __future__ import annotations

import contextlib
import html
import ipaddress
import json
import logging
import re
import secrets
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import parse_qs, urlsplit

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from hoteltv.db.engine import Database
from hoteltv.errors import HoteltvError
from hoteltv.photos import ingest
from hoteltv.services import inspections as insp_service
from hoteltv.services.photos import AttachOutcome

log = logging.getLogger(__name__)

#: How long a phone link stays valid after the dialog opened it (seconds).
TOKEN_LIFETIME = 30 * 60.0
#: Extra bytes a request may carry beyond the photos (boundaries, part headers, the target field).
REQUEST_OVERHEAD = 256 * 1024
#: Largest form field (the target key) kept; anything longer is not ours.
MAX_FIELD_BYTES = 512
#: Files one request may carry (the form without JavaScript sends every chosen photo at once).
MAX_FILES = 50
CHUNK = 64 * 1024
#: A refused request's body is read (and dropped) up to this size so the phone gets to see the answer:
#: a server that closes on unread data makes browsers report a reset connection instead of the page.
DRAIN_LIMIT = 32 * 1024 * 1024

#: Target key of "the inspection as a whole" (no room, no item).
WHOLE = ""

Attach = Callable[[Path, "str | None", "str | None"], AttachOutcome]


# --- where a photo can go -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadTarget:
    """One choice on the phone: ``key`` is what the form sends, ``label`` what the inspector reads."""

    key: str
    label: str
    room_id: str | None = None
    item_key: str | None = None


@dataclass(frozen=True)
class UploadPlan:
    """What the phone page offers: the record it is for, whether it still takes photos, the targets."""

    record_number: str
    hotel_name: str
    editable: bool
    targets: tuple[UploadTarget, ...]

    def target(self, key: str) -> UploadTarget | None:
        return next((t for t in self.targets if t.key == key), None)


def room_target_key(room_id: str) -> str:
    return f"room:{room_id}"


def item_target_key(room_id: str | None, item_key: str) -> str:
    return f"item:{room_id or ''}:{item_key}"


def upload_plan(db: Database, inspection_id: str) -> UploadPlan:
    """The inspection's rooms and failed items as upload targets (read fresh for every page)."""
    view = insp_service.get_inspection(db, inspection_id)

    def failed(room_label: str | None, where: str, room_id: str | None) -> list[UploadTarget]:
        """The failed items of the hotel (``room_label`` None) or of one room, as targets."""
        return [
            UploadTarget(
                item_target_key(room_id, f.item_key), f"{where} · 不合格：{f.label_zh}", room_id, f.item_key
            )
            for f in view.verdict.failed
            if f.room_label == room_label
        ]

    targets = [UploadTarget(WHOLE, "整个检查（不指定房间）"), *failed(None, "酒店", None)]
    for room in sorted(view.rooms, key=lambda r: r.position):
        where = f"{room.room_number} 房"
        targets += [
            UploadTarget(room_target_key(room.id), where, room.id),
            *failed(room.room_number, where, room.id),
        ]
    return UploadPlan(view.record_number, view.hotel_name, view.editable, tuple(targets))


# --- the laptop's addresses and the QR code -------------------------------------------------------------


def lan_addresses() -> list[str]:
    """IPv4 addresses a phone on the same Wi-Fi or on this laptop's hotspot may reach, best first.

    First the address of the default route (connecting a UDP socket sends no packet, it only picks the
    route), then every address the host name resolves to (on Windows that includes the hotspot's
    192.168.137.1). Loopback and link-local (169.254.*: no DHCP) addresses are left out.
    """
    found: list[str] = []
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 1))
        found.append(probe.getsockname()[0])
    with contextlib.suppress(OSError):
        found += [str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
    usable = []
    for text in dict.fromkeys(found):
        try:
            address = ipaddress.IPv4Address(text)
        except ValueError:
            continue
        if not (
            address.is_loopback or address.is_link_local or address.is_unspecified or address.is_multicast
        ):
            usable.append(text)
    # The default route's address stays first; after it, private (home, office, hotspot) addresses.
    return usable[:1] + sorted(usable[1:], key=lambda a: not ipaddress.IPv4Address(a).is_private)


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR code of ``text`` as rows of dark (True) modules, without the quiet zone.

    Made by reportlab's QR encoder, the one :mod:`hoteltv.reports.verification` prints with.
    """
    from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

    code = QRCode(None, QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    n = code.getModuleCount()
    return [[bool(code.isDark(r, c)) for c in range(n)] for r in range(n)]


# --- results as the phone shows them --------------------------------------------------------------------


@dataclass(frozen=True)
class UploadResult:
    """One file's result, in the words the phone page shows."""

    name: str
    status: str  # "ok", "duplicate" or "refused"
    text: str
    photo_id: str | None = None


def _reason_text(reason: str | None, max_bytes: int) -> str:
    texts = {
        ingest.MISSING: "无法读取该文件",
        ingest.UNREADABLE: "无法读取该文件",
        ingest.EMPTY: "文件为空",
        ingest.FILE_TOO_BIG: f"文件过大（每张上限 {_mb(max_bytes)}）",
        ingest.NOT_IMAGE: "不是图片，或格式不受支持（可用 JPEG、PNG、HEIC、WebP）",
        ingest.HEIC_UNSUPPORTED: "电脑无法读取 HEIC 照片：请在 iPhone“设置 › 相机 › 格式”中选“兼容性最佳”",
        ingest.TOO_MANY_PIXELS: "图片像素过多",
        ingest.CORRUPT: "图片文件已损坏",
        ingest.TRUNCATED: "图片不完整（可能没有传完），请重新上传",
        ingest.DISK_FULL: "电脑磁盘已满，未保存",
        ingest.WRITE_FAILED: "电脑保存照片失败",
        "duplicate": "这张照片已在本次检查中",
        "database": "电脑未能保存这张照片",
    }
    return texts.get(reason or "", "未能保存这张照片")


def _mb(n: int) -> str:
    return f"{n / 1e6:.0f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


# "中文说明 (english)": the phone page is Chinese, so it keeps the Chinese half of a core message.
_BILINGUAL = re.compile(r"^(?P<zh>.*[\u3400-\u9fff].*?)\s*\((?P<en>[^()\u3400-\u9fff]+)\)\s*$", re.S)


def chinese(text: str) -> str:
    """The Chinese half of a bilingual core message (the text itself when it is not bilingual)."""
    match = _BILINGUAL.match(text)
    return match["zh"].strip() if match else text


def _result(name: str, outcome: AttachOutcome, max_bytes: int) -> UploadResult:
    if outcome.status == "ok":
        return UploadResult(name, "ok", "已保存", outcome.photo.id if outcome.photo else None)
    if outcome.status == "duplicate":
        return UploadResult(name, "duplicate", _reason_text("duplicate", max_bytes))
    if outcome.reason == "database":  # the record was finalized meanwhile, the database is locked …
        return UploadResult(name, "refused", chinese(outcome.message.split(": ", 1)[-1]))
    return UploadResult(name, "refused", _reason_text(outcome.reason, max_bytes))


# --- the server -----------------------------------------------------------------------------------------


@dataclass
class _Part:
    """One part of a multipart body while it streams in."""

    headers: dict[str, bytes] = field(default_factory=dict)
    name: str = ""
    filename: str | None = None  # None: a form field; "" never (a nameless file gets a made-up name)
    named: bool = False  # the phone sent a file name (an empty file input sends neither name nor bytes)
    size: int = 0
    too_big: bool = False
    data: bytearray = field(default_factory=bytearray)
    path: Path | None = None
    handle: BinaryIO | None = None


class _Refused(Exception):
    """The request as a whole is refused: ``status`` and the Chinese ``text`` for the phone."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text


class PhoneUploadServer:
    """The phone page of one inspection, on a background thread. Start with :meth:`start`.

    ``plan()`` gives the page's record and targets (it runs on a server thread: it must only read);
    ``attach(path, room_id, item_key)`` stores one photo and returns its outcome (also on a server
    thread; it may wait for another thread to do the work). ``clock`` is injectable for tests.
    """

    def __init__(
        self,
        plan: Callable[[], UploadPlan],
        attach: Attach,
        *,
        max_bytes: int = ingest.MAX_FILE_BYTES,
        lifetime: float = TOKEN_LIFETIME,
        clock: Callable[[], float] = time.monotonic,
        host: str = "0.0.0.0",
        port: int = 0,
    ) -> None:
        self.plan = plan
        self.attach = attach
        self.max_bytes = max_bytes
        self.lifetime = lifetime
        self.clock = clock
        self.token = secrets.token_urlsafe(24)
        #: Target key the page preselects (the GUI keeps it on what the inspection window shows).
        self.default_target = WHOLE
        self._host = host
        self._port = port
        self._lock = threading.Lock()
        self._revoked = False
        self._expires_at = clock() + lifetime
        self._received = 0
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- life ---------------------------------------------------------------------------------------
    def start(self) -> None:
        """Bind (a free port unless one was given) and serve on a daemon thread. Raises ``OSError``."""
        handler = type("PhoneHandler", (_Handler,), {"app": self})
        httpd = ThreadingHTTPServer((self._host, self._port), handler)
        httpd.daemon_threads = True
        self._httpd = httpd
        self._expires_at = self.clock() + self.lifetime
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.2}, name="phone-upload", daemon=True
        )
        self._thread.start()
        log.info("phone upload page serving on port %d", self.port)

    def stop(self, wait: bool = False) -> None:
        """Revoke the token at once and close the server (``wait``: until its thread ended).

        Without ``wait`` the closing runs on a helper thread, so the GUI thread never waits for the
        server's poll interval.
        """
        with self._lock:
            self._revoked = True
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return

        def close() -> None:
            httpd.shutdown()
            httpd.server_close()

        if wait:
            close()
            if self._thread is not None:
                self._thread.join(5)
        else:
            threading.Thread(target=close, name="phone-upload-stop", daemon=True).start()

    @property
    def port(self) -> int:
        if self._httpd is None:
            return self._port
        return int(self._httpd.server_address[1])

    @property
    def path(self) -> str:
        """The page's path: everything the phone can reach lies below it."""
        return f"/p/{self.token}/"

    def url(self, address: str) -> str:
        """The page's address as the phone opens it, for one of :func:`lan_addresses`."""
        return f"http://{address}:{self.port}{self.path}"

    def remaining(self) -> float:
        """Seconds until the link expires (0 once expired or stopped)."""
        if self._revoked:
            return 0.0
        return max(0.0, self._expires_at - self.clock())

    def active(self) -> bool:
        return self.remaining() > 0

    @property
    def received(self) -> int:
        """Photos stored through this page so far."""
        with self._lock:
            return self._received

    def valid(self, token: str) -> bool:
        return self.active() and secrets.compare_digest(token.encode(), self.token.encode())

    # --- one request's work (called by the handler threads) --------------------------------------------
    def store_files(self, parts: Sequence[_Part], target_key: str) -> list[UploadResult]:
        """Attach each received file to the chosen target; refusals name the reason."""
        plan = self.plan()
        target = plan.target(target_key)
        results: list[UploadResult] = []
        for part in parts:
            name = part.filename or ""
            if part.too_big:
                results.append(
                    UploadResult(name, "refused", _reason_text(ingest.FILE_TOO_BIG, self.max_bytes))
                )
                continue
            if not plan.editable:
                results.append(UploadResult(name, "refused", "此记录已定稿，不能再添加照片"))
                continue
            if target is None:
                results.append(UploadResult(name, "refused", "所选位置已不存在，请刷新页面后重新选择"))
                continue
            if not self.active():
                results.append(UploadResult(name, "refused", "链接已失效，请在电脑上重新打开二维码"))
                continue
            assert part.path is not None
            try:
                outcome = self.attach(part.path, target.room_id, target.item_key)
            except HoteltvError as exc:
                results.append(UploadResult(name, "refused", chinese(str(exc))))
                continue
            except Exception:  # a handler thread must answer the phone whatever happened
                log.exception("phone upload of %s failed", name)
                results.append(UploadResult(name, "refused", _reason_text(None, self.max_bytes)))
                continue
            result = _result(name, outcome, self.max_bytes)
            if result.status == "ok":
                with self._lock:
                    self._received += 1
            results.append(result)
        return results


class _Handler(BaseHTTPRequestHandler):
    """Answers the phone. Every path but the page and its upload URL, with the valid token, is 404."""

    app: PhoneUploadServer
    _unread = 0  # bytes of the request body not read yet
    server_version = "hoteltv"
    sys_version = ""
    timeout = 120  # seconds a phone may stall mid-request before its thread gives up

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        # Never the path: it holds the token.
        log.debug("phone %s %s", self.command, args[1] if len(args) > 1 else "")

    def _route(self) -> str | None:
        """ "page" or "upload" when the path is ours with a valid token, else None."""
        parts = urlsplit(self.path).path.split("/")
        if len(parts) != 4 or parts[0] != "" or parts[1] != "p" or not self.app.valid(parts[2]):
            return None
        return {"": "page", "upload": "upload"}.get(parts[3])

    # --- methods ------------------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 (stdlib API)
        if self._route() != "page":
            self._not_found()
            return
        self._page(200, [])

    def do_POST(self) -> None:  # noqa: N802 (stdlib API)
        if self._route() != "upload":
            self._not_found()
            return
        wants_json = "1" in parse_qs(urlsplit(self.path).query).get("js", [])
        self._unread = 0
        self._chosen: str | None = None
        try:
            results = self._receive()
        except _Refused as exc:
            self.close_connection = True
            self._drain()
            if wants_json:
                self._json(exc.status, {"error": exc.text, "results": []})
            else:
                self._page(exc.status, [], error=exc.text)
            return
        if wants_json:
            self._json(200, {"results": [asdict(r) for r in results], "received": self.app.received})
        else:
            self._page(200, results, chosen=self._chosen)

    def do_HEAD(self) -> None:  # noqa: N802 (stdlib API)
        self._not_found(body=False)

    def _other(self) -> None:
        self._not_found()

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _other  # noqa: N815 (stdlib API)

    # --- receiving ----------------------------------------------------------------------------------
    def _drain(self) -> None:
        left = self._unread if self._unread <= DRAIN_LIMIT else 0
        with contextlib.suppress(OSError):
            while left > 0:
                chunk = self.rfile.read(min(CHUNK, left))
                if not chunk:
                    break
                left -= len(chunk)
        self._unread = 0

    def _receive(self) -> list[UploadResult]:
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            raise _Refused(411, "手机浏览器没有说明上传大小，请换一个浏览器再试")
        try:
            length = int(length_text)
        except ValueError:
            raise _Refused(400, "请求格式不对，请用本页的按钮上传照片") from None
        self._unread = max(0, length)
        ctype, params = parse_options_header(self.headers.get("Content-Type", ""))
        boundary = params.get(b"boundary")
        if ctype != b"multipart/form-data" or not boundary:
            raise _Refused(400, "请求格式不对，请用本页的按钮上传照片")
        if length < 0 or length > self.app.max_bytes + REQUEST_OVERHEAD:
            raise _Refused(413, f"一次上传的照片太大（上限 {_mb(self.app.max_bytes)}），请少选几张分次上传")
        folder = Path(tempfile.mkdtemp(prefix="hoteltv-phone-"))
        try:
            parts, fields = self._parse(boundary, folder)
            files = [p for p in parts if p.filename is not None and (p.named or p.size)]
            if not files:
                raise _Refused(400, "没有收到照片，请先拍照或选择照片")
            if len(files) > MAX_FILES:
                raise _Refused(413, f"一次最多上传 {MAX_FILES} 张照片，请分次上传")
            self._chosen = fields.get("target", WHOLE)
            return self.app.store_files(files, self._chosen)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _parse(self, boundary: bytes, folder: Path) -> tuple[list[_Part], dict[str, str]]:
        """Stream the body through python-multipart: files to ``folder``, fields (small) in memory."""
        parts: list[_Part] = []
        fields: dict[str, str] = {}
        current: list[_Part] = []
        header: dict[str, bytearray] = {"field": bytearray(), "value": bytearray()}
        max_bytes = self.app.max_bytes

        def part_begin() -> None:
            current[:] = [_Part()]

        def header_field(data: bytes, start: int, end: int) -> None:
            header["field"] += data[start:end]

        def header_value(data: bytes, start: int, end: int) -> None:
            header["value"] += data[start:end]

        def header_end() -> None:
            current[0].headers[header["field"].decode("latin-1").lower()] = bytes(header["value"])
            header["field"], header["value"] = bytearray(), bytearray()

        def headers_finished() -> None:
            part = current[0]
            _, options = parse_options_header(part.headers.get("content-disposition", b""))
            part.name = options.get(b"name", b"").decode("utf-8", "replace")
            if b"filename" in options:
                given = options[b"filename"].decode("utf-8", "replace")
                part.named = bool(given)
                part.filename = _safe_name(given) or f"手机照片-{len(parts) + 1}.jpg"
                sub = folder / str(len(parts))
                sub.mkdir()
                part.path = sub / part.filename
                part.handle = open(part.path, "wb")  # noqa: SIM115 (closed in part_end or below)

        def part_data(data: bytes, start: int, end: int) -> None:
            part = current[0]
            part.size += end - start
            if part.handle is not None:
                if part.size > max_bytes:
                    part.too_big = True
                    part.handle.close()
                    part.handle = None
                    assert part.path is not None
                    part.path.unlink(missing_ok=True)
                else:
                    part.handle.write(data[start:end])
            elif part.filename is None and part.size <= MAX_FIELD_BYTES:
                part.data += data[start:end]

        def part_end() -> None:
            part = current[0]
            if part.handle is not None:
                part.handle.close()
                part.handle = None
            if part.filename is None:
                if part.size <= MAX_FIELD_BYTES:
                    fields[part.name] = part.data.decode("utf-8", "replace")
            else:
                parts.append(part)

        parser = MultipartParser(
            boundary,
            {
                "on_part_begin": part_begin,
                "on_header_field": header_field,
                "on_header_value": header_value,
                "on_header_end": header_end,
                "on_headers_finished": headers_finished,
                "on_part_data": part_data,
                "on_part_end": part_end,
            },
        )
        try:
            while self._unread > 0:
                chunk = self.rfile.read(min(CHUNK, self._unread))
                if not chunk:
                    self._unread = 0
                    raise _Refused(400, "上传中断，请重新上传")
                self._unread -= len(chunk)
                parser.write(chunk)
            parser.finalize()
        except FormParserError:
            raise _Refused(400, "上传的数据不完整或格式不对，请重新上传") from None
        except TimeoutError:
            raise _Refused(408, "上传超时，请检查网络后重新上传") from None
        finally:
            for part in [*current, *parts]:
                if part.handle is not None:
                    part.handle.close()
                    part.handle = None
        return parts, fields

    # --- answering ----------------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
            "connect-src 'self'; form-action 'self'; img-src data:",
        )
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _not_found(self, body: bool = True) -> None:
        self.close_connection = True
        self._send(404, NOT_FOUND_PAGE.encode() if body else b"", "text/html; charset=utf-8")

    def _json(self, status: int, data: dict[str, Any]) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    def _page(
        self, status: int, results: Sequence[UploadResult], error: str = "", chosen: str | None = None
    ) -> None:
        """The page; after an upload without JavaScript, with its results and its target still chosen."""
        try:
            plan = self.app.plan()
        except Exception:  # the record could not be read: say so rather than drop the connection
            log.exception("phone page: the inspection could not be read")
            plan = None
        target = chosen if chosen is not None else self.app.default_target
        body = render_page(plan, target, results, error, self.app.max_bytes, self.app.remaining())
        self._send(status, body.encode(), "text/html; charset=utf-8")


_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def _safe_name(raw: str) -> str:
    """A file name from the phone, safe as a file name on this computer (may come back empty)."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    if name.split(".", 1)[0].upper() in _RESERVED:
        name = "_" + name
    return name[-120:]


# --- the page -------------------------------------------------------------------------------------------

NOT_FOUND_PAGE = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>链接无效</title></head>'
    '<body style="font-family:sans-serif;padding:1.5em;line-height:1.6">'
    '<h1 style="font-size:1.3em">链接无效或已过期</h1>'
    "<p>请在电脑的检查窗口中点“手机拍照”，重新扫描二维码。</p></body></html>"
)

_STYLE = """
*{box-sizing:border-box}
body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
 background:#f3f5f8;color:#1f2937;line-height:1.5;font-size:16px}
header{background:#1f4fbf;color:#fff;padding:14px 16px}
h1{font-size:20px;margin:0}
.rec{font-size:14px;opacity:.9;margin-top:2px;word-break:break-all}
main{padding:14px 16px 28px}
label.t{display:block;font-weight:bold;margin:4px 0 6px}
select{width:100%;font-size:17px;padding:10px;border:1px solid #b8bec8;border-radius:8px;background:#fff}
.pick{display:block;text-align:center;font-size:18px;font-weight:bold;padding:16px;margin:14px 0 0;
 border-radius:10px;border:0;width:100%}
.cam{background:#2d6cdf;color:#fff}.lib{background:#fff;color:#2d6cdf;border:2px solid #2d6cdf}
.pick input{display:block;margin:8px auto 0;font-size:14px;max-width:100%}
.js .pick input{position:absolute;left:-9999px;width:1px;height:1px;opacity:0}
button.send{display:block;width:100%;margin-top:14px;font-size:18px;padding:14px;border-radius:10px;
 border:0;background:#1d7a3a;color:#fff;font-weight:bold}
.js button.send{display:none}
ul{list-style:none;padding:0;margin:18px 0 0}
li{background:#fff;border-radius:8px;padding:10px 12px;margin-bottom:8px;border-left:5px solid #b8bec8}
li.ok{border-left-color:#1d7a3a}li.refused{border-left-color:#c0262d}li.duplicate{border-left-color:#8a4b00}
.n{font-size:14px;color:#5f6670;word-break:break-all}.s{font-weight:bold}
li.ok .s{color:#1d7a3a}li.refused .s{color:#c0262d}li.duplicate .s{color:#8a4b00}
.bar{height:6px;background:#e5e7eb;border-radius:3px;margin-top:6px;overflow:hidden}
.bar i{display:block;height:100%;width:0;background:#2d6cdf}
.err{background:#fdecea;color:#8c1c22;border-radius:8px;padding:10px 12px;margin-bottom:12px}
.note{font-size:13px;color:#5f6670;margin-top:18px}
"""

# ES5 only (old Android WebViews, WeChat): XMLHttpRequest with upload progress, one photo per request.
_SCRIPT = """
(function(){
 if(!window.FormData||!window.XMLHttpRequest){return;}
 var d=document;d.documentElement.className='js';
 var form=d.getElementById('f'),list=d.getElementById('list'),sel=d.getElementById('target');
 var max=parseInt(form.getAttribute('data-max'),10),queue=[],busy=false;
 function row(name){var li=d.createElement('li');
  li.innerHTML='<div class="n"></div><div class="s">等待上传…</div><div class="bar"><i></i></div>';
  li.querySelector('.n').textContent=name;list.insertBefore(li,list.firstChild);return li;}
 function done(li,status,text){li.className=status;li.querySelector('.s').textContent=text;
  var b=li.querySelector('.bar');if(b){b.parentNode.removeChild(b);}}
 function next(){if(busy||!queue.length){return;}busy=true;var job=queue.shift(),li=job.li;
  var fd=new FormData();fd.append('target',job.target);fd.append('photos',job.file,job.file.name||'photo.jpg');
  var x=new XMLHttpRequest();x.open('POST','upload?js=1');
  x.upload.onprogress=function(e){if(e.lengthComputable){
   li.querySelector('.bar i').style.width=Math.round(100*e.loaded/e.total)+'%';
   li.querySelector('.s').textContent='上传中 '+Math.round(100*e.loaded/e.total)+'%';}};
  x.onload=function(){var r=null;try{r=JSON.parse(x.responseText);}catch(err){}
   if(r&&r.results&&r.results.length){done(li,r.results[0].status,r.results[0].text);}
   else if(r&&r.error){done(li,'refused',r.error);}
   else if(x.status==404){done(li,'refused','链接已失效，请在电脑上重新打开二维码');}
   else{done(li,'refused','上传失败（'+x.status+'），请重试');}
   busy=false;next();};
  x.onerror=function(){done(li,'refused','连接中断：请确认手机和电脑在同一网络，然后重试');busy=false;next();};
  x.send(fd);}
 function picked(input){var files=input.files;for(var i=0;i<files.length;i++){var f=files[i],li=row(f.name||'照片');
   if(f.size>max){done(li,'refused','文件过大（每张上限 '+Math.round(max/1e6)+' MB）');continue;}
   queue.push({file:f,li:li,target:sel?sel.value:''});}
  input.value='';next();}
 var inputs=form.querySelectorAll('input[type=file]');
 for(var i=0;i<inputs.length;i++){inputs[i].onchange=function(){picked(this);};}
 form.onsubmit=function(e){e.preventDefault();};
})();
"""


def render_page(
    plan: UploadPlan | None,
    default_target: str,
    results: Sequence[UploadResult],
    error: str,
    max_bytes: int,
    remaining: float,
) -> str:
    """The phone page: the target choice, "拍照" and "从相册选择", and the results of the last upload."""
    esc = html.escape
    items = "".join(
        f'<li class="{esc(r.status)}"><div class="n">{esc(r.name)}</div><div class="s">{esc(r.text)}</div></li>'
        for r in results
    )
    head = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer"><meta name="format-detection" content="telephone=no">'
        f"<title>上传检查照片</title><style>{_STYLE}</style></head><body>"
    )
    if plan is None:
        return (
            head
            + '<main><div class="err">电脑暂时无法读取这条检查记录，请稍后刷新。</div></main></body></html>'
        )
    banner = (
        f'<header><h1>上传检查照片</h1><div class="rec">{esc(plan.hotel_name)} · 记录编号 '
        f"{esc(plan.record_number)}</div></header><main>"
    )
    if error:
        banner += f'<div class="err">{esc(error)}</div>'
    if not plan.editable:
        return head + banner + '<div class="err">此记录已定稿，不能再添加照片。</div></main></body></html>'
    chosen = default_target if plan.target(default_target) else WHOLE
    options = "".join(
        f'<option value="{esc(t.key)}"{" selected" if t.key == chosen else ""}>{esc(t.label)}</option>'
        for t in plan.targets
    )
    minutes = max(1, round(remaining / 60))
    form = (
        f'<form id="f" method="post" action="upload" enctype="multipart/form-data" data-max="{max_bytes}">'
        f'<label class="t" for="target">照片放到</label><select id="target" name="target">{options}</select>'
        '<label class="pick cam">拍照'
        '<input type="file" name="photos" accept="image/*" capture="environment" multiple></label>'
        '<label class="pick lib">从相册选择'
        '<input type="file" name="photos" accept="image/*" multiple></label>'
        '<button class="send" type="submit">上传</button></form>'
        f'<ul id="list">{items}</ul>'
        f'<p class="note">照片直接传到检查电脑，并保存到这条检查记录中；每张不超过 {_mb(max_bytes)}。'
        f"本链接约 {minutes} 分钟内有效，电脑上关闭检查窗口后立即失效。</p>"
    )
    return head + banner + form + f"</main><script>{_SCRIPT}</script></body></html>"
