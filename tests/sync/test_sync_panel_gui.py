"""The sync panel, driven as a person would: type server and token, sync, read per-record states,
settle a conflict with a button; an unreachable server is retried automatically."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402

from hoteltv.services import hotels as hotel_service  # noqa: E402
from tests.sync.conftest import NO_WAIT  # noqa: E402
from tests.sync.helpers import edit_hotel, make_hotel  # noqa: E402
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


def _states(panel: SyncPanel) -> dict[str, str]:
    m = panel.states_model
    return {
        m.data(m.index(r, m.RECORD)): m.data(m.index(r, m.STATE), Qt.ItemDataRole.UserRole)
        for r in range(m.rowCount())
    }


def test_panel_syncs_shows_states_and_resolves_a_conflict(qtbot, gui_ctx, server, laptop) -> None:
    other = laptop("other", "office")
    hotel = make_hotel(gui_ctx.db, "面板酒店", contact_phone="0875-2111111")
    panel = SyncPanel(gui_ctx, transport=server.transport)
    qtbot.addWidget(panel)
    assert "1" in panel.pending.text() or "6" in panel.pending.text()
    qtbot.keyClicks(panel.server, "http://testserver")
    qtbot.keyClicks(panel.token, server.tokens["office"])
    with qtbot.waitSignal(panel.sig_synced) as sig:
        qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    assert sig.args[0].ok
    assert _states(panel)["面板酒店"] == "sent"
    assert panel.token.text() == ""  # remembered, not left on screen

    assert other.sync().ok
    edit_hotel(other.db, hotel, contact_phone="0875-2222222")
    assert other.sync().ok
    edit_hotel(gui_ctx.db, hotel, contact_phone="0875-2333333")
    with qtbot.waitSignal(panel.sig_synced):
        qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)  # token from the keyring/file now
    assert _states(panel)["面板酒店"] == "conflict"
    assert panel.conflicts_model.rowCount() == 1
    kept = panel.conflicts_model.data(panel.conflicts_model.index(0, panel.conflicts_model.KEPT))
    other_value = panel.conflicts_model.data(panel.conflicts_model.index(0, panel.conflicts_model.OTHER))
    assert "0875-2222222" in kept and "0875-2333333" in other_value
    panel.conflicts_view.selectRow(0)
    qtbot.mouseClick(panel.other_button, Qt.MouseButton.LeftButton)
    # Settled with the other value (待下次同步): it is in force, from here; the value given up is shown.
    kept = panel.conflicts_model.data(panel.conflicts_model.index(0, panel.conflicts_model.KEPT))
    other_value = panel.conflicts_model.data(panel.conflicts_model.index(0, panel.conflicts_model.OTHER))
    assert kept.startswith("0875-2333333") and "本机" in kept, kept
    assert other_value.startswith("0875-2222222") and "服务器" in other_value, other_value
    with qtbot.waitSignal(panel.sig_synced):
        qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    assert panel.conflicts_model.rowCount() == 0
    assert other.sync().ok
    assert hotel_service.get_hotel(other.db, hotel).contact_phone == "0875-2333333"


def test_unreachable_server_is_retried_with_backoff(qtbot, gui_ctx, server) -> None:
    server.plan.add("GET", "/hello", "before", times=100)
    panel = SyncPanel(gui_ctx, transport=server.transport)
    qtbot.addWidget(panel)
    panel.server.setText("http://testserver")
    panel.token.setText(server.tokens["office"])
    panel.retry_policy = NO_WAIT
    with qtbot.waitSignal(panel.sig_failed) as sig:
        qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    assert "无法连接" in sig.args[0] and "30" in sig.args[0]
    assert panel.retry_timer.isActive() and panel.retry_timer.interval() == 30_000
    server.plan.faults.clear()
    with qtbot.waitSignal(panel.sig_synced):
        panel.retry_timer.timeout.emit()
    assert not panel.retry_timer.isActive()


def test_a_mistyped_address_is_refused_and_none_replaces_the_saved_one_before_the_server_accepts(
    qtbot, gui_ctx, server
) -> None:
    panel = SyncPanel(gui_ctx, transport=server.transport)
    qtbot.addWidget(panel)
    panel.retry_policy = NO_WAIT
    qtbot.keyClicks(panel.server, "http://testserver")
    qtbot.keyClicks(panel.token, server.tokens["office"])
    with qtbot.waitSignal(panel.sig_synced):
        qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    assert gui_ctx.settings.get("server_url") == "http://testserver"
    panel.server.setText("http://[::1")  # a typo: refused at once, naming it
    with qtbot.waitSignal(panel.sig_failed) as sig:
        qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    assert "http://[::1" in sig.args[0]
    panel.server.setText("http://testserver/other")  # answers, but not with our account's token
    panel.token.setText("not-a-token")
    with qtbot.waitSignal(panel.sig_failed):
        qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    assert gui_ctx.settings.get("server_url") == "http://testserver"
    assert panel.server.text() == "http://testserver/other"  # what was typed stays on screen


def test_a_copied_data_folder_syncs_from_the_panel_and_is_told_so(
    qtbot, qapp, server, laptop, tmp_path
) -> None:
    """An office clerk copied a laptop's data folder and opened the copy in the program: its first sync
    from the panel takes a new device id (hoteltv.sync.lineage), sends its edit and says what happened."""
    import shutil

    from hoteltv.db.engine import Database

    a = laptop("a", "office")
    hotel = make_hotel(a.db, "副本面板酒店")
    assert a.sync().ok
    a.db.close()
    home = tmp_path / "复制的 数据"
    shutil.copytree(a.home, home)
    a.db = Database.open(a.home)
    edit_hotel(a.db, hotel, address="原件路1号")
    assert a.sync().ok
    runner = JobRunner()
    runner.synchronous = True
    ctx = AppContext.open(home, runner)
    try:
        device = ctx.db.device_id
        edit_hotel(ctx.db, hotel, contact_phone="0875-2444444")
        panel = SyncPanel(ctx, transport=server.transport)
        qtbot.addWidget(panel)
        qtbot.keyClicks(panel.server, "http://testserver")
        qtbot.keyClicks(panel.token, server.tokens["office"])
        with qtbot.waitSignal(panel.sig_synced) as sig:
            qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
        report = sig.args[0]
        assert report.ok and report.new_device_id and ctx.db.device_id == report.new_device_id != device
        assert "新的设备编号" in panel.message.text()
        assert _states(panel)["副本面板酒店"] == "sent"
        here = hotel_service.get_hotel(ctx.db, hotel)
        assert (here.contact_phone, here.address) == ("0875-2444444", "原件路1号")  # both copies' edits
    finally:
        ctx.close()


def test_the_conflicts_tab_shows_the_value_in_force_and_an_inspector_leaves_them_to_the_office(
    qtbot, gui_ctx, server, laptop
) -> None:
    """Found from outside: the tab showed the value the conflict found, not the one an edit since put in
    force; and an inspector's laptop offered the buttons, wrote the choice as an edit, and the server's
    refusal (only the office settles) left the conflict 待下次同步 for good."""
    office = laptop("office", "office")
    hotel = make_hotel(office.db, "面板酒店", division="隆阳区", contact_phone="0875-1110000")
    assert office.sync().ok
    panel = SyncPanel(gui_ctx, transport=server.transport)
    qtbot.addWidget(panel)
    panel.server.setText("http://testserver")
    panel.token.setText(server.tokens["ly"])
    with qtbot.waitSignal(panel.sig_synced):
        qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    edit_hotel(office.db, hotel, contact_phone="0875-2222222")
    assert office.sync().ok
    edit_hotel(gui_ctx.db, hotel, contact_phone="0875-3333333")
    with qtbot.waitSignal(panel.sig_synced):
        qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    model = panel.conflicts_model
    assert model.rowCount() == 1
    edit_hotel(gui_ctx.db, hotel, contact_phone="0875-4444444")  # edited since, here
    panel.refresh()
    in_force = model.data(model.index(0, model.KEPT))
    assert in_force.startswith("0875-4444444") and "冲突时" in in_force and "0875-2222222" in in_force
    # An inspector's account: the buttons are off, saying why; the core refuses too, changing nothing.
    assert not panel.keep_button.isEnabled() and not panel.other_button.isEnabled()
    assert "办公室" in panel.keep_button.toolTip() and "检查员账号只能查看" in panel.conflicts_hint.text()
    from hoteltv.errors import HoteltvError
    from hoteltv.sync import state as sync_state

    (conflict,) = sync_state.list_conflicts(gui_ctx.db)
    with pytest.raises(HoteltvError, match="办公室"):
        sync_state.resolve_conflict(gui_ctx.db, conflict.id, "other")
    assert hotel_service.get_hotel(gui_ctx.db, hotel).contact_phone == "0875-4444444"
    assert sync_state.list_conflicts(gui_ctx.db)[0].status == "open"
    # A conflict found by a bundle import (no server holds it yet) is this laptop's to settle.
    from hoteltv.sync.bundle import export_bundle, import_local

    edit_hotel(office.db, hotel, address="正阳路1号")
    edit_hotel(gui_ctx.db, hotel, address="正阳路2号")
    stick = office.home.parent / "office.zip"
    export_bundle(office.db, office.store, stick)
    import_local(gui_ctx.db, office.store.__class__.for_home(gui_ctx.home), stick)
    panel.refresh()
    rows = {c.field: n for n, c in enumerate(model.rows)}
    assert set(rows) == {"contact_phone", "address"}
    panel.conflicts_view.selectRow(rows["address"])
    assert panel.keep_button.isEnabled() and panel.other_button.isEnabled()
    panel.conflicts_view.selectRow(rows["contact_phone"])
    assert not panel.keep_button.isEnabled()
