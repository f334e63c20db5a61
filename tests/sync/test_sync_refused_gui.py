"""Refused changes in the sync panel (issue 13): a change the server refused is listed with its reason
under 被拒绝的修改, stays queued until given up with the button, and is not sent after that."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402

from tests.sync.helpers import make_hotel  # noqa: E402
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


def test_refused_change_is_listed_and_given_up(qtbot, gui_ctx, server) -> None:
    make_hotel(gui_ctx.db, "我的酒店", division="隆阳区")
    make_hotel(gui_ctx.db, "别人的酒店", division="腾冲市")  # outside the Longyang inspector's divisions
    panel = SyncPanel(gui_ctx, transport=server.transport)
    qtbot.addWidget(panel)
    panel.server.setText("http://testserver")
    panel.token.setText(server.tokens["ly"])
    with qtbot.waitSignal(panel.sig_synced) as sig:
        qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    assert sig.args[0].failed == 1
    # Said in words (found from outside: only a count, and 上次同步 said 成功).
    assert "1 条修改被服务器拒绝" in panel.message.text() and "被拒绝的修改" in panel.message.text()
    assert "部分修改被拒绝" in panel.last.text() and "成功" not in panel.last.text()

    refused = panel.refused
    model = refused.model
    assert model.rowCount() == 1
    assert model.data(model.index(0, 0)) == "别人的酒店"
    assert model.data(model.index(0, 1)) == "酒店"
    assert "超出权限范围" in model.data(model.index(0, 2))
    assert panel.tabs.tabText(2).endswith("(1)")

    assert not refused.drop_button.isEnabled()  # nothing selected yet
    refused.view.selectRow(0)
    assert refused.drop_button.isEnabled()
    asked: list[str] = []
    refused.confirm = lambda change: asked.append(change.label) is not None  # answers "keep it"
    qtbot.mouseClick(refused.drop_button, Qt.MouseButton.LeftButton)
    assert asked == ["别人的酒店"] and model.rowCount() == 1  # kept

    refused.confirm = lambda change: True
    with qtbot.waitSignal(refused.sig_dropped) as dropped:
        qtbot.mouseClick(refused.drop_button, Qt.MouseButton.LeftButton)
    assert [c.label for c in dropped.args[0]] == ["别人的酒店"]
    assert model.rowCount() == 0 and panel.tabs.tabText(2).endswith("(0)")
    assert "1" in refused.message.text()

    with qtbot.waitSignal(panel.sig_synced) as sig:  # given up: not sent again, nothing refused
        qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    report = sig.args[0]
    assert report.ok and report.failed == 0 and report.pushed == 0
    assert model.rowCount() == 0


def test_drop_without_a_selection_says_so(qtbot, gui_ctx) -> None:
    panel = SyncPanel(gui_ctx)
    qtbot.addWidget(panel)
    panel.refused.drop_selected()
    assert panel.refused.message.text() != ""
