"""The 新版本可用 notice of the sync panel: a newer hoteltv on the bureau's server, a button to download
it into the Downloads folder (checked against its SHA-256 by :mod:`hoteltv.sync.updates`), then a button
to open the downloaded installer. Nothing is installed by itself: the user runs the installer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ui.context import AppContext
from ui.messages import fill
from ui.ops import NetworkOp


class UpdateNotice(QWidget):
    """Hidden until :meth:`show_update` is given a newer release."""

    sig_downloaded = Signal(str)
    """The installer was downloaded and its SHA-256 matched: its path."""
    sig_failed = Signal(str)
    """The download failed or did not match (nothing was kept): the reason."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("updateNotice")
        self.info: Any = None
        self.server_url = ""
        self.transport: Any = None
        # Where downloads go (None: the user's Downloads folder, else Documents).
        self.download_folder: Path | None = None
        self.path: Path | None = None
        self.label = QLabel()
        self.label.setObjectName("updateLabel")
        self.label.setWordWrap(True)
        self.download_button = QPushButton(self.tr("下载新版本"))
        self.download_button.setObjectName("updateButton")
        self.open_button = QPushButton(self.tr("打开安装程序"))
        self.open_button.setObjectName("openUpdateButton")
        self.open_button.setVisible(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.download_button)
        row.addWidget(self.open_button)
        self.download_button.clicked.connect(self.download)
        self.open_button.clicked.connect(self.open_installer)
        self.setVisible(False)

    def show_update(self, info: Any, server_url: str, transport: Any = None) -> None:
        """Show ``info`` (an :class:`~hoteltv.sync.updates.UpdateInfo`), or hide the notice for None."""
        self.info, self.server_url, self.transport = info, server_url, transport
        if info is None:
            self.setVisible(False)
            return
        if self.path is not None and self.path.name == Path(info.filename).name and self.path.is_file():
            return  # already downloaded in this session: keep offering to open it
        text = fill(self.tr("新版本可用:%1(%2 MB)"), info.version, f"{info.size / 1e6:.1f}")
        if info.notes:
            text += " — " + info.notes
        self.label.setText(text)
        self.download_button.setEnabled(True)
        self.download_button.setVisible(True)
        self.open_button.setVisible(False)
        self.path = None
        self.setVisible(True)

    def download(self) -> None:
        if self.info is None:
            return
        info, url, transport, folder, home = (
            self.info,
            self.server_url,
            self.transport,
            self.download_folder,
            self.ctx.home,
        )
        device_id = self.ctx.db.device_id  # tokens are kept per data folder (its device id)
        self.download_button.setEnabled(False)
        self.label.setText(self.tr("正在下载新版本 %1…").replace("%1", info.version))

        def job(progress: Any) -> Path:
            import httpx

            from hoteltv.errors import HoteltvError
            from hoteltv.sync.credentials import load_token
            from hoteltv.sync.updates import download_update

            token = load_token(home, url, device_id)
            if not token:
                raise HoteltvError("请先同步一次并填写令牌 (sync once with your token first)")
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=url, headers=headers, transport=transport, timeout=60.0) as http:
                return download_update(http, info, folder, progress)

        (
            NetworkOp(self.ctx, job, label=self.tr("下载新版本"), parent=self)
            .success(self._downloaded)
            .failure(self._failed)
            .progress(self._progress)
            .run()
        )

    def _progress(self, done: int, total: int, _text: str) -> None:
        percent = int(100 * done / max(total, 1))
        self.label.setText(fill(self.tr("正在下载新版本 %1… %2%"), self.info.version, str(percent)))

    def _downloaded(self, path: Path) -> None:
        self.path = Path(path)
        self.label.setText(
            fill(
                self.tr("新版本 %1 已下载并通过校验:%2。关闭本程序后运行它即可安装。"),
                self.info.version,
                str(self.path),
            )
        )
        self.download_button.setVisible(False)
        self.open_button.setVisible(True)
        self.sig_downloaded.emit(str(self.path))

    def _failed(self, exc: Exception) -> None:
        self.download_button.setEnabled(True)
        self.label.setText(str(exc))
        self.sig_failed.emit(str(exc))

    def open_installer(self) -> None:
        """Hand the checked installer to the system (the user then goes through the installer)."""
        if self.path is not None and self.path.is_file():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path)))
