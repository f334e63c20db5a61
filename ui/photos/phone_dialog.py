"""手机拍照: the dialog that shows the QR code of an inspection's phone upload page.

The page itself is :class:`hoteltv.photos.phone_upload.PhoneUploadServer` (no Qt). This dialog starts it,
shows its address as a QR code and as text (a choice when the laptop has several addresses: Wi-Fi,
hotspot, cable), counts the photos received and stops the server when it closes — and it closes with
its inspection window, so the link dies with the window (or after 30 minutes). On Windows the first
start makes Windows Firewall ask whether hoteltv may accept connections: "private networks" is enough.

Threads: the server calls ``attach`` on one of its own threads. That call only emits a Qt signal and
waits; on the GUI thread the dialog hands the work to ``ctx.runner`` (the one database writer, like
every photo import), whose result comes back on the GUI thread, answers the waiting server thread and
tells every photo strip of the inspection to reload (:func:`ui.photos.strip.hub`). No widget is touched
off the GUI thread, and the GUI thread never waits for the network or the disk.

The photos go where the inspector chooses on the phone; the page preselects what the inspection
window shows (the room on screen, or the failed item with the keyboard focus), kept current here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hoteltv.errors import HoteltvError
from hoteltv.photos import phone_upload
from hoteltv.photos.phone_upload import PhoneUploadServer
from hoteltv.photos.store import PhotoStore
from hoteltv.services.photos import AttachOutcome, attach_files
from ui.context import AppContext
from ui.messages import fill
from ui.photos import texts
from ui.photos.strip import hub

log = logging.getLogger(__name__)

# How long a server thread waits for the writer to store one photo before telling the phone to retry.
ATTACH_TIMEOUT = 300.0
QR_EDGE = 264


@dataclass
class _Pending:
    """One phone photo on its way from a server thread to the database writer."""

    path: Path
    room_id: str | None
    item_key: str | None
    future: Future[AttachOutcome]


class _Bridge(QObject):
    """Carries uploads from the server's threads to the GUI thread (a queued signal)."""

    sig_upload = Signal(object)


def qr_image(text: str, edge: int = QR_EDGE) -> QImage:
    """``text`` as a black-on-white QR code with its quiet zone, about ``edge`` pixels square."""
    matrix = phone_upload.qr_matrix(text)
    quiet = 4
    modules = len(matrix) + 2 * quiet
    scale = max(2, edge // modules)
    image = QImage(modules * scale, modules * scale, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                painter.fillRect((c + quiet) * scale, (r + quiet) * scale, scale, scale, QColor("black"))
    painter.end()
    return image


def selected_target(window: QWidget | None) -> tuple[str, str] | None:
    """The upload target the inspection window shows, as (key, words): the failed item with the focus,
    else the room on screen, else the whole inspection; None when the focus is elsewhere (keep what was
    chosen before)."""
    if window is None:
        return None
    from ui.inspection.items import ItemRow

    focus = QApplication.focusWidget()
    if focus is not None and focus.window() is not window:
        return None
    current_room = getattr(window, "current_room", lambda: None)()
    room_words = (
        QCoreApplication.translate("PhoneUploadDialog", "%1 房").replace("%1", current_room.room_number)
        if current_room
        else ""
    )
    widget: QWidget | None = focus
    while widget is not None and not isinstance(widget, ItemRow):
        widget = widget.parentWidget()
    if isinstance(widget, ItemRow) and widget.failed():
        key, label = widget.item.key, widget.item.label.get(widget.lang)
        if current_room is not None and current_room.built and current_room.form.rows.get(key) is widget:
            return phone_upload.item_target_key(current_room.room_id, key), f"{room_words} · {label}"
        hotel_form = getattr(window, "hotel_form", None)
        if hotel_form is not None and hotel_form.rows.get(key) is widget:
            return phone_upload.item_target_key(None, key), QCoreApplication.translate(
                "PhoneUploadDialog", "酒店"
            ) + f" · {label}"
    if current_room is not None:
        return phone_upload.room_target_key(current_room.room_id), room_words
    return phone_upload.WHOLE, QCoreApplication.translate("PhoneUploadDialog", "整个检查（不指定房间）")


class PhoneUploadDialog(QDialog):
    """The QR code of one inspection's phone page; the page lives as long as this dialog."""

    sig_received = Signal(object)
    """A phone photo was handled: its :class:`AttachOutcome` (stored, duplicate or refused; GUI thread)."""

    def __init__(
        self,
        ctx: AppContext,
        inspection_id: str,
        parent: QWidget | None = None,
        *,
        host: str = "0.0.0.0",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("phoneUploadDialog")
        self.setWindowTitle(self.tr("手机拍照"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.ctx = ctx
        self.inspection_id = inspection_id
        self.store = PhotoStore.for_home(ctx.home)
        self.server: PhoneUploadServer | None = None
        self.received = 0
        self._host = host
        self._clock = clock
        self._closed = False
        self._shut_down = False
        self._results: list[str] = []
        self._window = parent.window() if parent is not None else None
        self._bridge = _Bridge(self)
        self._bridge.sig_upload.connect(self._on_upload)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.qr_label = QLabel(self)
        self.qr_label.setObjectName("phoneQr")
        self.qr_label.setFixedSize(QR_EDGE + 8, QR_EDGE + 8)
        self.qr_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_label.setStyleSheet("background: white; border: 1px solid #d9dde3;")
        top.addWidget(self.qr_label, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

        side = QVBoxLayout()
        steps = QLabel(
            self.tr(
                "1. 手机连接与本电脑相同的 Wi-Fi，或连接本电脑的移动热点。\n"
                "2. 用手机相机或微信“扫一扫”扫描左侧二维码，打开上传页面（无需安装应用）。\n"
                "3. 在手机上选择照片放到哪个房间或不合格项，点“拍照”或“从相册选择”，照片会自动上传。"
            ),
            self,
        )
        steps.setWordWrap(True)
        steps.setMinimumWidth(340)  # else the wrapped text gets a narrow column and the dialog grows tall
        side.addWidget(steps)
        address_row = QHBoxLayout()
        self.address_caption = QLabel(self.tr("电脑地址"), self)
        self.address_combo = QComboBox(self)
        self.address_combo.setToolTip(
            self.tr("电脑有多个网络时，选手机所连的那个（移动热点通常是 192.168.137.1）")
        )
        self.address_combo.currentIndexChanged.connect(self._show_address)
        self.address_caption.setBuddy(self.address_combo)
        address_row.addWidget(self.address_caption)
        address_row.addWidget(self.address_combo, 1)
        side.addLayout(address_row)
        self.url_label = QLabel(self)
        self.url_label.setObjectName("phoneUrl")
        self.url_label.setWordWrap(True)
        self.url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.url_label.setStyleSheet("font-family: monospace; color: #1f4fbf;")
        side.addWidget(self.url_label)
        self.default_label = QLabel(self)
        self.default_label.setObjectName("phoneDefault")
        self.default_label.setWordWrap(True)
        side.addWidget(self.default_label)
        self.expiry_label = QLabel(self)
        self.expiry_label.setObjectName("hintText")
        self.expiry_label.setWordWrap(True)
        side.addWidget(self.expiry_label)
        self.renew_button = QPushButton(self.tr("重新生成二维码"), self)
        self.renew_button.clicked.connect(self.restart)
        self.renew_button.hide()
        side.addWidget(self.renew_button, 0, Qt.AlignmentFlag.AlignLeft)
        side.addStretch(1)
        top.addLayout(side, 1)
        layout.addLayout(top)

        self.count_label = QLabel(self)
        self.count_label.setObjectName("phoneCount")
        self.count_label.setStyleSheet("font-size: 15px; font-weight: bold;")
        layout.addWidget(self.count_label)
        self.results_label = QLabel(self)
        self.results_label.setObjectName("phoneResults")
        self.results_label.setWordWrap(True)
        self.results_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.results_label)
        note = QLabel(
            self.tr(
                "手机打不开页面时：确认手机和电脑在同一网络（酒店 Wi-Fi 若隔离设备，请改用电脑的移动热点）；"
                "Windows 第一次询问防火墙时，请允许“专用网络”。"
            ),
            self,
        )
        note.setObjectName("hintText")
        note.setWordWrap(True)
        note.setStyleSheet("color: #6b7280;")
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)

        self._timer = QTimer(self)
        self._timer.setInterval(15_000)
        self._timer.timeout.connect(self.update_expiry)
        self._timer.start()
        if self._window is not None:
            self._window.installEventFilter(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)
        self._update_count()
        self.start()
        self.resize(660, self.sizeHint().height())

    @classmethod
    def open_for(cls, ctx: AppContext, inspection_id: str, window: QWidget) -> PhoneUploadDialog:
        """The window's phone dialog, made and shown if it has none open (non-modal)."""
        for child in window.findChildren(PhoneUploadDialog):
            if child.inspection_id == inspection_id and not child._closed:
                child.raise_()
                child.activateWindow()
                return child
        dialog = cls(ctx, inspection_id, window)
        dialog.show()
        return dialog

    # --- the server ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the page with a fresh token (on a free port); errors are shown in the dialog."""
        db, iid = self.ctx.db, self.inspection_id
        server = PhoneUploadServer(
            lambda: phone_upload.upload_plan(db, iid), self._attach, host=self._host, clock=self._clock
        )
        self.server = server
        whole = (phone_upload.WHOLE, self.tr("整个检查（不指定房间）"))
        self._set_default(selected_target(self._window) or whole)
        try:
            server.start()
        except OSError as exc:
            log.warning("phone upload server did not start: %s", exc)
            self.server = None
            self.url_label.setText(self.tr("无法启动上传服务：%1").replace("%1", str(exc)))
            self.qr_label.clear()
            return
        self.server = server
        self._expires = datetime.now() + timedelta(seconds=server.lifetime)
        addresses = phone_upload.lan_addresses()
        self.address_combo.blockSignals(True)
        self.address_combo.clear()
        self.address_combo.addItems(addresses or ["127.0.0.1"])
        self.address_combo.blockSignals(False)
        self.address_combo.setVisible(len(addresses) > 1)
        self.address_caption.setVisible(len(addresses) > 1)
        self._no_network = not addresses
        self.renew_button.hide()
        self._show_address()
        self.update_expiry()

    def restart(self) -> None:
        """A new link (the old token dies at once)."""
        self.stop()
        self._closed = False
        self.start()

    def stop(self) -> None:
        """Revoke the token and close the server (without waiting on the GUI thread). A photo already
        handed to the writer is still stored, and its phone told so; later ones are refused."""
        self._closed = True
        if self.server is not None:
            self.server.stop()

    def url(self) -> str:
        """The page's address as shown (and in the QR code)."""
        if self.server is None:
            return ""
        return self.server.url(self.address_combo.currentText() or "127.0.0.1")

    def _show_address(self) -> None:
        if self.server is None:
            return
        url = self.url()
        self.qr_label.setPixmap(QPixmap.fromImage(qr_image(url)))
        text = url
        if self._no_network:
            text += "\n" + self.tr(
                "未找到局域网地址：请先连接 Wi-Fi 或打开电脑的移动热点，然后点“重新生成二维码”。"
            )
            self.renew_button.show()
        self.url_label.setText(text)

    def update_expiry(self) -> None:
        """Say until when the link works, or that it expired (the dialog's timer calls this every 15 s)."""
        if self.server is None:
            return
        if self.server.active():
            self.expiry_label.setText(
                self.tr("链接有效至 %1（30 分钟）；关闭此窗口或检查窗口后立即失效。").replace(
                    "%1", f"{self._expires:%H:%M}"
                )
            )
        else:
            self.expiry_label.setText(self.tr("链接已过期。需要继续上传时，请点“重新生成二维码”。"))
            self.renew_button.show()

    def _focus_changed(self, _old: QWidget | None, _new: QWidget | None) -> None:
        if self.server is not None and not self._closed:
            target = selected_target(self._window)
            if target is not None:
                self._set_default(target)

    def _set_default(self, target: tuple[str, str]) -> None:
        """What the phone page preselects (read by the server's threads: a plain string swap)."""
        key, words = target
        if self.server is not None:
            self.server.default_target = key
        self.default_label.setText(self.tr("手机页面默认放到：%1").replace("%1", words) if words else "")

    # --- uploads ------------------------------------------------------------------------------------
    def _attach(self, path: Path, room_id: str | None, item_key: str | None) -> AttachOutcome:
        """Runs on a server thread: hand the photo to the GUI thread and wait for the writer's outcome."""
        future: Future[AttachOutcome] = Future()
        self._bridge.sig_upload.emit(_Pending(path, room_id, item_key, future))
        try:
            return future.result(timeout=ATTACH_TIMEOUT)
        except FutureTimeout:
            raise HoteltvError(
                "电脑正忙,照片未能及时保存,请稍后重试 (the laptop is busy: try again)"
            ) from None

    def _on_upload(self, pending: _Pending) -> None:
        """GUI thread: store the photo through the job runner's writer, like every photo import."""
        if self._closed:
            if not pending.future.done():
                pending.future.set_exception(HoteltvError("链接已关闭 (the phone link was closed)"))
            return
        db, store, iid, actor = self.ctx.db, self.store, self.inspection_id, self.ctx.actor

        def run(_progress: Any) -> AttachOutcome:
            outcomes = attach_files(
                db,
                store,
                iid,
                [pending.path],
                room_id=pending.room_id,
                item_key=pending.item_key,
                actor=actor,
            )
            return outcomes[0]

        def done(outcome: AttachOutcome) -> None:
            if not pending.future.done():
                pending.future.set_result(outcome)
            if outcome.ok:
                hub().sig_photos_changed.emit(iid, self)
            if not self._closed:
                self._record(outcome)
                self.sig_received.emit(outcome)

        def failed(exc: Exception) -> None:
            if not pending.future.done():
                pending.future.set_exception(exc)

        self.ctx.runner.submit(run, on_done=done, on_error=failed, label=self.tr("手机照片"))

    def _record(self, outcome: AttachOutcome) -> None:
        if outcome.ok:
            self.received += 1
            place = outcome.photo.room_number if outcome.photo is not None else None
            line = (
                fill(self.tr("%1：已保存到 %2 房"), outcome.name, place)
                if place
                else fill(self.tr("%1：已保存到本次检查"), outcome.name)
            )
        else:
            line = fill(self.tr("%1：未保存（%2）"), outcome.name, texts.reason_text(outcome.reason))
        self._results.insert(0, line)
        del self._results[5:]
        self._update_count()

    def _update_count(self) -> None:
        self.count_label.setText(self.tr("已收到 %1 张照片").replace("%1", str(self.received)))
        self.results_label.setText("\n".join(self._results))
        self.results_label.setVisible(bool(self._results))

    # --- closing ------------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self._window and event.type() == QEvent.Type.Close and not self._closed:
            self.close()  # the inspection window closes: the link dies with it
        return super().eventFilter(watched, event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self._shut()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self._shut()
        super().done(result)

    def _shut(self) -> None:
        if self._shut_down:
            return
        self._shut_down = True
        if self._window is not None:
            self._window.removeEventFilter(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.disconnect(self._focus_changed)
        self._timer.stop()
        self.stop()
