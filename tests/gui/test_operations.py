"""The operations layer through the widgets, with the real threaded runner (the point is the threads):
saves go on while a sync hangs on a server that never answers; closing a window or the data folder does
not wait for that sync; the change signal refreshes the registry after a write made elsewhere; a save
that fails after its window closed is shown to the user with what was typed."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from hoteltv.db.tracking import Changes
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from tests.core.conftest import fill_inspection
from tests.sync.conftest import NO_WAIT
from ui.context import AppContext
from ui.inspection import open_inspection_window, open_windows
from ui.inspection.window import InspectionWindow
from ui.main_window import MainWindow
from ui.ops import NetworkOp, ReadOp, WriteOp
from ui.registry import RegistryPage
from ui.sync_panel import SyncPanel
from ui.worker import JobRunner

#: Bounds for waiting on background work (generous: the test machine is shared and slow at times).
WAIT_MS = 15_000


@contextmanager
def silent_server() -> Iterator[tuple[str, list[socket.socket]]]:
    """A server on loopback that accepts connections and never answers (bad Wi-Fi, a stuck proxy).
    Yields its URL and the connections it accepted; closing them at the end lets the client fail."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    port = listener.getsockname()[1]
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}", accepted
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
        for conn in accepted:
            conn.close()


@pytest.fixture
def threaded_ctx(home: Path, qapp: QApplication, qtbot: Any) -> Iterator[AppContext]:
    """A data folder opened with the real threaded runner: a writer, readers, network threads."""
    runner = JobRunner()
    ctx = AppContext.open(home, runner)
    ctx.actor = "test"
    yield ctx
    for window in open_windows():
        window.close()
    # a sync left hanging ends once its server goes (the silent server is closed by then)
    qtbot.waitUntil(lambda: not runner.network_jobs(), timeout=WAIT_MS)
    ctx.close()


@pytest.fixture
def draft(threaded_ctx: AppContext) -> insp_service.InspectionView:
    ctx = threaded_ctx
    hotel = hotel_service.create_hotel(
        ctx.db,
        hotel_service.HotelInput(name="永昌大酒店", division_code="530502", pilot=True),
        ctx.divisions,
    )
    team = [
        insp_service.add_inspector(ctx.db, "张明", "53050219001").id,
        insp_service.add_inspector(ctx.db, "李华", "53050219002").id,
    ]
    return insp_service.start_inspection(ctx.db, hotel.id, team)


def open_window(qtbot: Any, ctx: AppContext, inspection_id: str) -> InspectionWindow:
    window = open_inspection_window(ctx, inspection_id)
    assert isinstance(window, InspectionWindow)
    qtbot.waitUntil(lambda: window.view is not None, timeout=WAIT_MS)
    return window


def start_hanging_sync(qtbot: Any, ctx: AppContext, url: str, accepted: list[socket.socket]) -> SyncPanel:
    panel = SyncPanel(ctx)
    panel.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    panel.retry_policy = NO_WAIT
    panel.show()
    panel.server.setText(url)
    qtbot.keyClicks(panel.token, "a-token")
    qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(accepted) >= 1, timeout=WAIT_MS)  # the request went out; no answer comes
    assert panel.cancel_button.isEnabled()
    return panel


def stored_findings(ctx: AppContext, inspection_id: str) -> str | None:
    return insp_service.get_inspection(ctx.db, inspection_id).findings


def test_autosave_completes_while_a_sync_hangs(
    qtbot: Any, threaded_ctx: AppContext, draft: insp_service.InspectionView, type_text: Callable[..., None]
) -> None:
    ctx = threaded_ctx
    window = open_window(qtbot, ctx, draft.id)
    with silent_server() as (url, accepted):
        panel = start_hanging_sync(qtbot, ctx, url, accepted)
        window.activateWindow()
        window.findings_edit.setFocus()
        type_text(window.findings_edit, "电视机顶盒未按要求设置")
        window.autosaver.flush(wait=False)
        qtbot.waitUntil(lambda: stored_findings(ctx, draft.id) == "电视机顶盒未按要求设置", timeout=WAIT_MS)
        qtbot.waitUntil(lambda: window.save_label.text().startswith("已保存"), timeout=WAIT_MS)
        assert panel.cancel_button.isEnabled() and ctx.runner.network_jobs()  # the sync still hangs
        panel.close()  # closing the panel does not wait for its sync either


def test_closing_the_window_and_the_folder_never_wait_on_a_hanging_sync(
    qtbot: Any, threaded_ctx: AppContext, draft: insp_service.InspectionView, type_text: Callable[..., None]
) -> None:
    ctx = threaded_ctx
    window = open_window(qtbot, ctx, draft.id)
    with silent_server() as (url, accepted):
        panel = start_hanging_sync(qtbot, ctx, url, accepted)
        window.findings_edit.setFocus()
        type_text(window.findings_edit, "遥控器缺失")
        started = time.monotonic()
        window.close()  # the typed text is saved first; the sync is not waited for
        closed_in = time.monotonic() - started
        assert closed_in < 3.0, f"closing took {closed_in:.1f} s"
        assert stored_findings(ctx, draft.id) == "遥控器缺失"
        assert ctx.runner.network_jobs()  # the sync still hangs
        started = time.monotonic()
        ctx.close()  # quitting: the sync is cancelled and left behind, the writes were waited for
        assert time.monotonic() - started < 3.0
        assert all(job.cancelled for job in ctx.runner.network_jobs())
        panel.close()


def test_change_signal_refreshes_the_registry_after_a_write_made_elsewhere(
    qtbot: Any, threaded_ctx: AppContext
) -> None:
    ctx = threaded_ctx
    hotel = hotel_service.create_hotel(
        ctx.db, hotel_service.HotelInput(name="和顺客栈", division_code="530581"), ctx.divisions
    )
    page = RegistryPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: page.model.row_of(hotel.id) is not None, timeout=WAIT_MS)
    heard: list[Changes] = []
    ctx.changes.sig_changed.connect(heard.append)

    def elsewhere() -> None:  # another thread writes, as a sync or the phone upload server does
        hotel_service.update_hotel(
            ctx.db,
            hotel.id,
            hotel_service.HotelInput(name="和顺古镇客栈", division_code="530581", rooms=12),
            ctx.divisions,
        )
        hotel_service.create_hotel(
            ctx.db, hotel_service.HotelInput(name="界头驿站", division_code="530581"), ctx.divisions
        )

    writer = threading.Thread(target=elsewhere)
    writer.start()
    writer.join(timeout=WAIT_MS / 1000)
    qtbot.waitUntil(lambda: len(page.model.hotels()) == 2, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: page.model.hotels()[page.model.row_of(hotel.id) or 0].name == "和顺古镇客栈", timeout=WAIT_MS
    )
    assert heard and heard[0].touches("hotels", hotel.id)
    assert page.count_label.text() == "共 2 家酒店"


def test_a_save_that_fails_after_its_window_closed_is_shown(
    qtbot: Any, threaded_ctx: AppContext, draft: insp_service.InspectionView, type_text: Callable[..., None]
) -> None:
    ctx = threaded_ctx
    main = MainWindow(ctx)
    qtbot.addWidget(main)
    main.show()
    window = open_window(qtbot, ctx, draft.id)
    # Meanwhile the record is finished and finalized elsewhere (another program on this data folder).
    fill_inspection(ctx.db, draft.id)
    insp_service.finalize(ctx.db, draft.id)
    window.findings_edit.setFocus()
    window.findings_edit.clear()
    type_text(window.findings_edit, "补充：走廊电视无信号")
    window.close()  # the edit is sent as the window goes; the core refuses it
    shown: list[QMessageBox] = []

    def box_shown() -> bool:
        shown[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "lostSaveBox"
        ]
        return bool(shown) and shown[0].isVisible()

    qtbot.waitUntil(box_shown, timeout=WAIT_MS)
    text = shown[0].text()
    assert "永昌大酒店" in text and draft.record_number in text
    assert "补充：走廊电视无信号" in text  # what was typed is not lost
    assert "定稿" in text  # the core's reason
    shown[0].close()


def test_operations_run_where_they_belong_and_report_back(qtbot: Any, threaded_ctx: AppContext) -> None:
    ctx = threaded_ctx
    threads: dict[str, str] = {}
    results: list[object] = []

    def where(name: str, value: object) -> Callable[[Any], object]:
        def fn(_progress: Any) -> object:
            threads[name] = threading.current_thread().name
            if isinstance(value, Exception):
                raise value
            return value

        return fn

    WriteOp(ctx, where("write", 1)).success(results.append).run()
    ReadOp(ctx, where("read", 2)).success(results.append).run()
    NetworkOp(ctx, where("network", ValueError("no route"))).failure(results.append).run()
    qtbot.waitUntil(lambda: len(results) == 3, timeout=WAIT_MS)
    assert 1 in results and 2 in results
    assert any(isinstance(r, ValueError) for r in results)
    assert threads["network"].startswith("network")
    assert len(set(threads.values())) == 3  # three different threads
    assert threading.main_thread().name not in threads.values()


def test_the_sync_panel_and_the_drafts_list_follow_writes_made_elsewhere(
    qtbot: Any, threaded_ctx: AppContext, draft: insp_service.InspectionView
) -> None:
    from ui.main_window import DraftsDialog

    ctx = threaded_ctx
    panel = SyncPanel(ctx)
    qtbot.addWidget(panel)
    drafts = DraftsDialog(ctx)
    qtbot.addWidget(drafts)
    qtbot.waitUntil(lambda: drafts.list.topLevelItemCount() == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: panel.pending.text() != "", timeout=WAIT_MS)
    before = panel.pending.text()
    hotel = hotel_service.create_hotel(
        ctx.db, hotel_service.HotelInput(name="界头驿站", division_code="530581", pilot=True), ctx.divisions
    )
    insp_service.start_inspection(ctx.db, hotel.id, [i.id for i in draft.inspectors])
    qtbot.waitUntil(lambda: drafts.list.topLevelItemCount() == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: panel.pending.text() != before, timeout=WAIT_MS)  # more records to send
    insp_service.discard_draft(ctx.db, draft.id)
    qtbot.waitUntil(lambda: drafts.list.topLevelItemCount() == 1, timeout=WAIT_MS)
    assert drafts.list.topLevelItem(0).text(1) == "界头驿站"


def test_one_sync_at_a_time_even_after_its_panel_closed(qtbot: Any, threaded_ctx: AppContext) -> None:
    ctx = threaded_ctx
    with silent_server() as (url, accepted):
        first = start_hanging_sync(qtbot, ctx, url, accepted)
        first.close()  # the sync goes on in the background
        second = SyncPanel(ctx)
        qtbot.addWidget(second)
        second.server.setText(url)
        qtbot.keyClicks(second.token, "a-token")
        qtbot.mouseClick(second.sync_button, Qt.MouseButton.LeftButton)
        assert "仍在进行" in second.message.text()
        assert second.sync_button.isEnabled() and not second.cancel_button.isEnabled()
        assert len(ctx.runner.network_jobs()) == 1


def test_a_job_answering_after_its_window_was_deleted_touches_nothing(
    qtbot: Any, threaded_ctx: AppContext
) -> None:
    """A reader job started by a panel (its list of refused changes) finished after the panel was closed and
    deleted: its answer went to the deleted list ("already deleted", a flaky failure here). The runner drops
    an answer whose window is gone, and the next job runs as usual."""
    from PySide6.QtWidgets import QLabel

    release = threading.Event()
    label = QLabel()
    answered: list[str] = []

    class Panel(QLabel):
        def show_rows(self, rows: str) -> None:
            label.setText(rows)
            answered.append(rows)

    panel = Panel()
    threaded_ctx.runner.submit(lambda _p: release.wait(10) and "rows", on_done=panel.show_rows, write=False)
    shiboken6.delete(panel)  # closed with WA_DeleteOnClose: the C++ side is gone, the Python one is not
    release.set()
    qtbot.waitUntil(lambda: not threaded_ctx.runner.busy(), timeout=WAIT_MS)
    assert answered == []
    done: list[str] = []
    threaded_ctx.runner.submit(lambda _p: "next", on_done=done.append, write=False)
    qtbot.waitUntil(lambda: done == ["next"], timeout=WAIT_MS)
