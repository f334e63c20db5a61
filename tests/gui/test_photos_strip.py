"""The photo strip driven as a user drives it: the file dialog, drag and drop, paste, refusals, read-only."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtCore import QMimeData, QModelIndex, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from hoteltv.services import inspections as insp_service
from hoteltv.services import photos as photo_service
from tests.core import photo_fixtures as fx
from ui.context import AppContext
from ui.photos import PhotoStrip
from ui.photos.model import HasThumbnailRole, PhotoListModel


@pytest.fixture
def inspection(ctx: AppContext) -> insp_service.InspectionView:
    return fx.draft_inspection(ctx.db, ctx.divisions)


def make_strip(qtbot: Any, ctx: AppContext, inspection_id: str, **kw: Any) -> PhotoStrip:
    strip = PhotoStrip(ctx, inspection_id, **kw)
    qtbot.addWidget(strip)
    strip.resize(700, 260)
    strip.show()
    return strip


def test_add_files_through_the_dialog(
    qtbot: Any,
    ctx: AppContext,
    inspection: insp_service.InspectionView,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = [fx.jpeg(tmp_path / f"IMG_{i}.jpg", seed=i) for i in range(3)]
    bad = tmp_path / "readme.jpg"
    bad.write_text("not a photo")
    asked: list[str] = []

    def fake_dialog(parent: Any, caption: str, folder: str, filters: str) -> tuple[list[str], str]:
        asked.append(filters)
        return [str(f) for f in [*files, bad]], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", fake_dialog)
    strip = make_strip(qtbot, ctx, inspection.id)
    assert strip.model.rowCount() == 0 and strip.title.text() == "照片 (0)"
    changed: list[bool] = []
    strip.sig_changed.connect(lambda: changed.append(True))
    with qtbot.waitSignal(strip.sig_import_finished) as finished:
        qtbot.mouseClick(strip.add_button, Qt.MouseButton.LeftButton)
    assert asked and "*.heic" in asked[0]
    outcomes = finished.args[0]
    assert [o.status for o in outcomes] == ["ok", "ok", "ok", "refused"]
    assert strip.model.rowCount() == 3 and strip.title.text() == "照片 (3)" and changed
    assert all(strip.model.index(r).data(HasThumbnailRole) for r in range(3)), "thumbnails shown at once"
    assert strip.messages.isVisible()
    assert "readme.jpg" in strip.messages.text() and "不是图片" in strip.messages.text()
    assert not strip.progress.isVisible()
    assert [p.original_name for p in photo_service.list_photos(ctx.db, inspection.id)] == [
        f.name for f in files
    ]
    qtbot.mouseClick(strip.dismiss_button, Qt.MouseButton.LeftButton)
    assert not strip.messages.isVisible()


def _drop(widget: Any, mime: QMimeData) -> QDropEvent:
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    enter = QDragEnterEvent(
        pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, drop)
    return drop


def test_drop_files_onto_a_room_item_strip(
    qtbot: Any, ctx: AppContext, inspection: insp_service.InspectionView, tmp_path: Path
) -> None:
    room = inspection.rooms[0]
    item_strip = make_strip(qtbot, ctx, inspection.id, room_id=room.id, item_key="ads_seen")
    room_strip = make_strip(qtbot, ctx, inspection.id, room_id=room.id)
    other_room = make_strip(qtbot, ctx, inspection.id, room_id=inspection.rooms[1].id)
    folder = tmp_path / "card"
    folder.mkdir()
    fx.jpeg(folder / "a.jpg", seed=1)
    fx.png(folder / "b.png", seed=2)
    mime = QMimeData()
    mime.setUrls(
        [QUrl.fromLocalFile(str(folder)), QUrl.fromLocalFile(str(fx.jpeg(tmp_path / "c.jpg", seed=3)))]
    )
    with qtbot.waitSignal(item_strip.sig_import_finished):
        drop = _drop(item_strip, mime)
    assert drop.isAccepted()
    assert [p.original_name for p in item_strip.photos()] == ["a.jpg", "b.png", "c.jpg"]
    photos = photo_service.list_photos(ctx.db, inspection.id)
    assert {(p.room_check_id, p.item_key) for p in photos} == {(room.id, "ads_seen")}
    qtbot.waitUntil(lambda: room_strip.model.rowCount() == 3)  # the room's strip follows
    assert other_room.model.rowCount() == 0


def test_drop_of_non_files_is_refused(
    qtbot: Any, ctx: AppContext, inspection: insp_service.InspectionView
) -> None:
    strip = make_strip(qtbot, ctx, inspection.id)
    mime = QMimeData()
    mime.setText("hello")
    enter = QDragEnterEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(strip, enter)
    assert not enter.isAccepted()


def test_paste_an_image_and_copied_files(
    qtbot: Any, ctx: AppContext, inspection: insp_service.InspectionView, tmp_path: Path
) -> None:
    strip = make_strip(qtbot, ctx, inspection.id)
    image = QImage(320, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366cc"))
    QApplication.clipboard().setImage(image)
    with qtbot.waitActive(strip):
        strip.activateWindow()
    strip.view.setFocus()
    with qtbot.waitSignal(strip.sig_import_finished) as finished:
        qtbot.keyClick(strip.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    [outcome] = finished.args[0]
    assert outcome.ok and outcome.name.startswith("剪贴板-") and outcome.name.endswith(".png")
    assert not Path(outcome.path).exists(), "the temporary file is cleaned up; the store keeps the photo"
    assert (outcome.photo.width, outcome.photo.height) == (320, 200)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(fx.jpeg(tmp_path / "copied.jpg", seed=7)))])
    QApplication.clipboard().setMimeData(mime)
    with qtbot.waitSignal(strip.sig_import_finished):
        strip.paste_from_clipboard()
    assert [p.original_name for p in strip.photos()][-1] == "copied.jpg"


def test_background_import_keeps_the_window_live_and_can_be_cancelled(
    qtbot: Any, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a real worker thread: thumbnails arrive one by one; cancel stops the rest."""
    from hoteltv.photos import ingest
    from tests.gui.conftest import open_context

    context = open_context(home)
    context.runner.synchronous = False
    try:
        view = fx.draft_inspection(context.db, context.divisions)
        strip = make_strip(qtbot, context, view.id)
        qtbot.waitUntil(lambda: not context.runner.busy(), timeout=5000)
        files = [fx.jpeg(tmp_path / f"{i}.jpg", (800, 600), seed=i) for i in range(12)]
        counts: list[int] = []
        strip.model.rowsInserted.connect(lambda *a: counts.append(strip.model.rowCount()))
        with qtbot.waitSignal(strip.sig_import_finished, timeout=30000) as finished:
            strip.add_files(files)
            assert strip.busy() and strip.progress.isVisible()
        assert counts == list(range(1, 13)), "each thumbnail appeared on its own"
        assert all(o.ok for o in finished.args[0])

        more = [fx.jpeg(tmp_path / f"m{i}.jpg", (800, 600), seed=100 + i) for i in range(30)]
        real_ingest = ingest.ingest_file

        def slow_ingest(*args: Any, **kwargs: Any) -> Any:
            time.sleep(0.05)  # like a photo from a slow card: leaves time to press Cancel
            return real_ingest(*args, **kwargs)

        monkeypatch.setattr(ingest, "ingest_file", slow_ingest)
        with qtbot.waitSignal(strip.sig_import_finished, timeout=30000) as finished:
            strip.add_files(more)
            qtbot.waitUntil(lambda: strip.model.rowCount() >= 13, timeout=10000)
            qtbot.mouseClick(strip.cancel_button, Qt.MouseButton.LeftButton)
        statuses = [o.status for o in finished.args[0]]
        assert "cancelled" in statuses and statuses.count("ok") < 30
        assert strip.model.rowCount() == 12 + statuses.count("ok")
    finally:
        context.runner.wait()
        context.close()


def test_finalized_inspection_makes_the_strip_read_only(
    qtbot: Any,
    ctx: AppContext,
    inspection: insp_service.InspectionView,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hoteltv.photos.store import PhotoStore
    from tests.core.conftest import fill_inspection

    photo_service.attach_files(
        ctx.db, PhotoStore.for_home(ctx.home), inspection.id, [fx.jpeg(tmp_path / "a.jpg")]
    )
    fill_inspection(ctx.db, inspection.id)
    insp_service.finalize(ctx.db, inspection.id)
    strip = make_strip(qtbot, ctx, inspection.id)
    assert strip.read_only and not strip.add_button.isVisible()
    assert strip.model.rowCount() == 1
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a: pytest.fail("no dialog when read-only"))
    strip.choose_files()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(fx.jpeg(tmp_path / "b.jpg", seed=3)))])
    enter = QDragEnterEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(strip, enter)
    assert not enter.isAccepted()
    viewer = strip.open_viewer(0)
    assert viewer.read_only and not viewer.annotate_button.isVisible() and viewer.caption_edit.isReadOnly()
    assert not viewer.remove_button.isEnabled()


def test_set_editable_from_the_inspection_window(
    qtbot: Any, ctx: AppContext, inspection: insp_service.InspectionView
) -> None:
    strip = make_strip(qtbot, ctx, inspection.id)
    assert not strip.read_only
    strip.set_editable(False)
    assert strip.read_only and not strip.add_button.isVisible()
    strip.set_editable(True)
    assert not strip.read_only and strip.add_button.isVisible()


def test_remove_selected_asks_first(
    qtbot: Any, ctx: AppContext, inspection: insp_service.InspectionView, tmp_path: Path
) -> None:
    strip = make_strip(qtbot, ctx, inspection.id)
    with qtbot.waitSignal(strip.sig_import_finished):
        strip.add_files([fx.jpeg(tmp_path / f"{i}.jpg", seed=i) for i in range(2)])
    strip.view.setCurrentIndex(strip.model.index(0))
    box = strip.remove_selected()
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.No).click()
    assert strip.model.rowCount() == 2
    strip.view.setCurrentIndex(strip.model.index(0))
    box = strip.remove_selected()
    assert box is not None
    with qtbot.waitSignal(strip.sig_changed):
        box.button(QMessageBox.StandardButton.Yes).click()
    assert [p.original_name for p in strip.photos()] == ["1.jpg"]
    assert len(photo_service.list_photos(ctx.db, inspection.id)) == 1


def test_install_registers_the_strip_factory(
    qtbot: Any, ctx: AppContext, inspection: insp_service.InspectionView
) -> None:
    from ui.inspection import photoslot
    from ui.photos import install

    install()
    try:
        from PySide6.QtWidgets import QWidget

        parent = QWidget()
        qtbot.addWidget(parent)
        strip = photoslot.make_photo_strip(ctx, inspection.id, None, "machine_room_safe", parent)
        assert isinstance(strip, PhotoStrip) and strip.item_key == "machine_room_safe"
    finally:
        photoslot.set_photo_strip_factory(None)


def test_model_without_a_widget(
    tmp_path: Path, ctx: AppContext, inspection: insp_service.InspectionView
) -> None:
    from hoteltv.photos.store import PhotoStore

    store = PhotoStore.for_home(ctx.home)
    photo_service.attach_files(
        ctx.db, store, inspection.id, [fx.jpeg(tmp_path / f"{i}.jpg", seed=i) for i in range(3)]
    )
    views = photo_service.list_photos(ctx.db, inspection.id)
    model = PhotoListModel()
    events: list[str] = []
    model.rowsInserted.connect(lambda *a: events.append("insert"))
    model.rowsRemoved.connect(lambda *a: events.append("remove"))
    model.modelReset.connect(lambda *a: events.append("reset"))
    model.set_photos(views)
    assert model.rowCount() == 3 and events == ["insert"] * 3
    assert model.index(0).data() == "0.jpg" and "0.jpg" in model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    assert not model.index(0).data(HasThumbnailRole) and model.missing_thumbnails() == [
        v.sha256 for v in views
    ]
    events.clear()
    model.set_photos([views[2], views[0]])
    assert [p.id for p in model.photos()] == [views[2].id, views[0].id] and "reset" not in events
    changed: list[QModelIndex] = []
    model.dataChanged.connect(lambda a, b, roles=(): changed.append(a))
    from PySide6.QtGui import QPixmap

    model.set_thumbnail(views[0].sha256, QPixmap(10, 10))
    assert [i.row() for i in changed] == [1] and model.index(1).data(HasThumbnailRole)
