"""The sync panel's 新版本可用 notice: shown after a sync when the server offers a newer release, the
download lands in the chosen folder only when its SHA-256 matches, and the installer is opened only when
the user asks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402

from hoteltv.sync.protocol import API_PREFIX  # noqa: E402
from tests.sync.conftest import Server  # noqa: E402
from ui.context import AppContext  # noqa: E402
from ui.sync_panel import SyncPanel  # noqa: E402
from ui.worker import JobRunner  # noqa: E402


@pytest.fixture
def gui_ctx(tmp_path: Path, qapp):
    runner = JobRunner()
    runner.synchronous = True
    ctx = AppContext.open(tmp_path / "gui-home", runner)
    yield ctx
    ctx.close()


def _publish(server: Server, data: bytes, version: str) -> dict:
    with server.http("admin") as http:
        r = http.post(
            f"{API_PREFIX}/releases",
            params={"version": version, "filename": f"hoteltv_{version}_amd64.deb", "notes": "新版说明"},
            content=data,
        )
    assert r.status_code == 201, r.text
    return r.json()


def _sync(qtbot, panel: SyncPanel, token: str) -> None:
    panel.server.setText("http://testserver")
    panel.token.setText(token)
    with qtbot.waitSignal(panel.sig_synced) as sig:
        qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    assert sig.args[0].ok


def test_a_newer_release_is_offered_downloaded_checked_and_opened_on_request(
    qtbot, gui_ctx, server: Server, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr("hoteltv.sync.updates.this_platform", lambda: "linux")
    data = b"new hoteltv package " * 4000
    _publish(server, data, "99.0.0")
    opened: list[str] = []
    monkeypatch.setattr(
        "ui.update_notice.QDesktopServices.openUrl", lambda url: opened.append(url.toLocalFile())
    )
    panel = SyncPanel(gui_ctx, transport=server.transport)
    qtbot.addWidget(panel)
    notice = panel.update_notice
    assert not notice.isVisibleTo(panel)
    _sync(qtbot, panel, server.tokens["ly"])
    assert notice.isVisibleTo(panel)
    assert "新版本可用" in notice.label.text() and "99.0.0" in notice.label.text()
    assert "新版说明" in notice.label.text()
    assert not notice.open_button.isVisibleTo(panel) and opened == []  # nothing runs by itself

    notice.download_folder = tmp_path / "下载"
    with qtbot.waitSignal(notice.sig_downloaded) as sig:
        qtbot.mouseClick(notice.download_button, Qt.MouseButton.LeftButton)
    path = Path(sig.args[0])
    assert path.parent == tmp_path / "下载"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == hashlib.sha256(data).hexdigest()
    assert "通过校验" in notice.label.text() and notice.open_button.isVisibleTo(panel)
    assert opened == []
    qtbot.mouseClick(notice.open_button, Qt.MouseButton.LeftButton)
    assert opened == [str(path)]


def test_a_damaged_download_is_refused_and_not_kept(
    qtbot, gui_ctx, server: Server, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr("hoteltv.sync.updates.this_platform", lambda: "linux")
    body = _publish(server, b"package " * 1000, "99.0.0")
    (tmp_path / "releases" / body["sha256"]).write_bytes(b"something else " * 500)
    panel = SyncPanel(gui_ctx, transport=server.transport)
    qtbot.addWidget(panel)
    _sync(qtbot, panel, server.tokens["office"])
    panel.update_notice.download_folder = tmp_path / "dl"
    with qtbot.waitSignal(panel.update_notice.sig_failed):
        qtbot.mouseClick(panel.update_notice.download_button, Qt.MouseButton.LeftButton)
    assert "校验不符" in panel.update_notice.label.text()
    assert list((tmp_path / "dl").iterdir()) == []
    assert not panel.update_notice.open_button.isVisibleTo(panel)


def test_no_notice_when_the_server_has_nothing_newer(qtbot, gui_ctx, server: Server, monkeypatch) -> None:
    monkeypatch.setattr("hoteltv.sync.updates.this_platform", lambda: "linux")
    _publish(server, b"old package", "0.0.1")
    panel = SyncPanel(gui_ctx, transport=server.transport)
    qtbot.addWidget(panel)
    _sync(qtbot, panel, server.tokens["office"])
    assert not panel.update_notice.isVisibleTo(panel)
