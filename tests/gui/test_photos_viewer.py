"""The viewer and the annotation editor driven as a user: arrow keys, zoom, caption, move, confirm the time,
remove, draw marks, undo, save, and edit them again later."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from hoteltv.domain import clock
from hoteltv.photos.store import PhotoStore
from hoteltv.services import inspections as insp_service
from hoteltv.services import photos as photo_service
from tests.core import photo_fixtures as fx
from ui.context import AppContext
from ui.photos import AnnotationEditor, PhotoStrip, PhotoViewer

STARTED = datetime(2025, 6, 10, 2, 0, tzinfo=UTC)


@pytest.fixture
def strip(qtbot: Any, ctx: AppContext, tmp_path: Path) -> PhotoStrip:
    view = fx.draft_inspection(ctx.db, ctx.divisions, started=STARTED)
    files = [
        fx.jpeg(
            tmp_path / "boot.jpg",
            (1200, 800),
            seed=1,
            ex=fx.exif(taken="2025:06:10 02:30:00", offset="+00:00", gps=(25.02, 98.49)),
        ),
        fx.jpeg(tmp_path / "remote.jpg", (900, 600), seed=2, ex=fx.exif(orientation=6)),
        fx.jpeg(
            tmp_path / "old.jpg", (600, 400), seed=3, ex=fx.exif(taken="2024:01:01 09:00:00", offset="+08:00")
        ),
    ]
    s = PhotoStrip(ctx, view.id)
    qtbot.addWidget(s)
    s.show()
    with qtbot.waitSignal(s.sig_import_finished):
        s.add_files(files)
    assert s.model.rowCount() == 3
    return s


def open_viewer(qtbot: Any, strip: PhotoStrip, row: int = 0) -> PhotoViewer:
    viewer = strip.open_viewer(row)
    assert isinstance(viewer, PhotoViewer)  # a child of the strip: closed with it (deletes itself on close)
    with qtbot.waitActive(viewer):
        viewer.activateWindow()
    return viewer


def test_step_with_arrow_keys_and_see_time_and_gps(qtbot: Any, strip: PhotoStrip) -> None:
    viewer = open_viewer(qtbot, strip)
    assert viewer.position_label.text() == "1 / 3" and viewer.name_label.text() == "boot.jpg"
    assert viewer.display_image() is not None and viewer.display_image().size().width() == 1200
    assert viewer.gps_label.text() == "25.02000°N, 98.49000°E"
    assert viewer.time_label.text() == clock.bureau_time(datetime(2025, 6, 10, 2, 30, tzinfo=UTC)).strftime(
        "%Y-%m-%d %H:%M:%S"
    )
    assert not viewer.flag_box.isVisibleTo(viewer)
    qtbot.keyClick(viewer.view, Qt.Key.Key_Right)
    assert viewer.position_label.text() == "2 / 3" and viewer.name_label.text() == "remote.jpg"
    image = viewer.display_image()
    assert image is not None and (image.width(), image.height()) == (600, 900), "EXIF orientation applied"
    assert viewer.gps_label.text() == "无"
    qtbot.keyClick(viewer.view, Qt.Key.Key_Right)
    qtbot.keyClick(viewer.view, Qt.Key.Key_Right)  # stays on the last one
    assert viewer.position_label.text() == "3 / 3" and not viewer.next_button.isEnabled()
    qtbot.keyClick(viewer.view, Qt.Key.Key_Left)
    assert viewer.position_label.text() == "2 / 3"


def test_zoom_with_keys_wheel_and_fit(qtbot: Any, strip: PhotoStrip) -> None:
    viewer = open_viewer(qtbot, strip)
    viewer.resize(1000, 700)
    fitted = viewer.view.zoom()
    assert 0 < fitted < 1 and viewer.view.fitting
    qtbot.keyClick(viewer.view, Qt.Key.Key_Plus)
    assert viewer.view.zoom() == pytest.approx(fitted * 1.25) and not viewer.view.fitting
    qtbot.keyClick(viewer.view, Qt.Key.Key_Minus)
    qtbot.keyClick(viewer.view, Qt.Key.Key_Minus)
    assert viewer.view.zoom() == pytest.approx(fitted / 1.25)
    qtbot.keyClick(viewer.view, Qt.Key.Key_1)
    assert viewer.view.zoom() == pytest.approx(1.0)
    center = QPointF(viewer.view.viewport().rect().center())
    wheel = QWheelEvent(
        center,
        viewer.view.viewport().mapToGlobal(center),
        QPoint(0, 0),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewer.view.viewport(), wheel)
    assert viewer.view.zoom() == pytest.approx(1.5625)
    qtbot.keyClick(viewer.view, Qt.Key.Key_0)
    assert viewer.view.fitting and viewer.view.zoom() == pytest.approx(fitted, rel=0.05)


def test_caption_move_and_confirm_time(
    qtbot: Any, strip: PhotoStrip, ctx: AppContext, type_text: Any
) -> None:
    viewer = open_viewer(qtbot, strip)
    changed: list[str] = []
    viewer.sig_changed.connect(changed.append)
    viewer.caption_edit.setFocus()
    type_text(viewer.caption_edit, "开机广告 15s")
    qtbot.keyClick(viewer.caption_edit, Qt.Key.Key_Return)
    first = viewer.current()
    assert first is not None and first.caption == "开机广告 15s" and changed == [first.id]
    assert photo_service.get_photo(ctx.db, first.id).caption == "开机广告 15s"
    qtbot.waitUntil(lambda: strip.model.index(0).data() == "开机广告 15s")

    # Move it to room 502, item "ads seen".
    viewer.room_combo.setCurrentIndex(viewer.room_combo.findText("502"))
    viewer.item_combo.setCurrentIndex(viewer.item_combo.findData("ads_seen"))
    assert viewer.item_combo.findData("machine_room_safe") == -1, "only room items for a room"
    qtbot.mouseClick(viewer.move_button, Qt.MouseButton.LeftButton)
    moved = photo_service.get_photo(ctx.db, first.id)
    assert (moved.room_number, moved.item_key) == ("502", "ads_seen")
    assert "502" in viewer.place_label.text()

    # The photo taken long before is flagged; the inspector confirms it.
    qtbot.keyClick(viewer.view, Qt.Key.Key_End)  # not a shortcut: nothing happens
    viewer.step(2)
    assert viewer.name_label.text() == "old.jpg"
    assert viewer.flag_box.isVisibleTo(viewer) and "早于" in viewer.flag_label.text()
    qtbot.mouseClick(viewer.confirm_button, Qt.MouseButton.LeftButton)
    assert not viewer.flag_box.isVisibleTo(viewer)
    assert photo_service.get_photo(ctx.db, viewer.current().id).time_confirmed  # type: ignore[union-attr]


def test_remove_from_the_viewer(qtbot: Any, strip: PhotoStrip, ctx: AppContext) -> None:
    viewer = open_viewer(qtbot, strip, row=1)
    box = viewer.remove_current()
    assert isinstance(box, QMessageBox)
    with qtbot.waitSignal(viewer.sig_changed):
        box.button(QMessageBox.StandardButton.Yes).click()
    assert [p.original_name for p in viewer.photos] == ["boot.jpg", "old.jpg"]
    assert viewer.position_label.text() == "2 / 2"
    qtbot.waitUntil(lambda: strip.model.rowCount() == 2)
    assert len(photo_service.list_photos(ctx.db, strip.inspection_id)) == 2


def _drag(qtbot: Any, canvas: Any, a: tuple[float, float], b: tuple[float, float]) -> None:
    """Drag with the left button from a to b (normalised image coordinates)."""
    start, end = canvas.to_widget(*a).toPoint(), canvas.to_widget(*b).toPoint()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    mid = QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2)
    qtbot.mouseMove(canvas, mid)
    qtbot.mouseMove(canvas, end)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=end)


def test_annotate_undo_save_and_edit_later(
    qtbot: Any, strip: PhotoStrip, ctx: AppContext, type_text: Any, tmp_path: Path
) -> None:
    viewer = open_viewer(qtbot, strip)
    viewer.resize(1100, 720)
    photo = viewer.current()
    assert photo is not None
    store = PhotoStore.for_home(ctx.home)
    original = store.path(photo.sha256).read_bytes()
    qtbot.mouseClick(viewer.annotate_button, Qt.MouseButton.LeftButton)
    editor = viewer.editor
    assert isinstance(editor, AnnotationEditor)
    editor.resize(1000, 700)
    with qtbot.waitActive(editor):
        editor.activateWindow()
    canvas = editor.canvas
    assert not canvas.image_rect().isEmpty(), "the viewer's picture is reused"

    _drag(qtbot, canvas, (0.15, 0.8), (0.45, 0.45))  # arrow (the default tool)
    qtbot.keyClick(editor, Qt.Key.Key_E)  # ellipse
    _drag(qtbot, canvas, (0.5, 0.2), (0.85, 0.6))
    qtbot.keyClick(editor, Qt.Key.Key_R)
    _drag(qtbot, canvas, (0.05, 0.05), (0.3, 0.25))
    editor.set_color("#fdd835")
    qtbot.keyClick(editor, Qt.Key.Key_T)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=canvas.to_widget(0.55, 0.68).toPoint())
    assert canvas.text_edit.isVisible()
    type_text(canvas.text_edit, "开机广告")
    qtbot.keyClick(canvas.text_edit, Qt.Key.Key_Return)
    assert [s.kind for s in canvas.shapes] == ["arrow", "ellipse", "rect", "text"]
    assert canvas.shapes[3].text == "开机广告" and canvas.shapes[3].color == "#fdd835"
    assert canvas.shapes[0].x1 == pytest.approx(0.15, abs=0.01) and canvas.shapes[0].y2 == pytest.approx(
        0.45, abs=0.01
    )
    assert "未保存" in editor.status.text()

    qtbot.keyClick(
        editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
    )  # undo the rectangle? no: the text
    assert [s.kind for s in canvas.shapes] == ["arrow", "ellipse", "rect"]
    # Right-click on the rectangle's edge deletes it; undo brings it back.
    qtbot.mouseClick(canvas, Qt.MouseButton.RightButton, pos=canvas.to_widget(0.175, 0.05).toPoint())
    assert [s.kind for s in canvas.shapes] == ["arrow", "ellipse"]
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [s.kind for s in canvas.shapes] == ["arrow", "ellipse", "rect"]
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=canvas.to_widget(0.55, 0.68).toPoint())
    type_text(canvas.text_edit, "遥控器")
    qtbot.keyClick(canvas.text_edit, Qt.Key.Key_Return)

    with qtbot.waitSignal(viewer.sig_changed):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    saved = photo_service.get_photo(ctx.db, photo.id)
    assert [s["kind"] for s in saved.annotation["shapes"]] == ["arrow", "ellipse", "rect", "text"]
    assert saved.annotation["shapes"][3]["text"] == "遥控器"
    assert store.path(photo.sha256).read_bytes() == original and store.verify(photo.sha256), (
        "original untouched"
    )
    assert viewer.view.overlay.annotation.to_dict() == saved.annotation, "the viewer shows the marks"
    qtbot.waitUntil(lambda: strip.photos()[0].annotated)

    # A report copy has the marks drawn in.
    copy = store.report_copy(saved.sha256, saved.annotation)
    assert copy.is_file()

    _screenshot(viewer, tmp_path)

    # Later: the editor opens with the saved marks; closing with changes asks first.
    again = viewer.edit_annotation()
    assert [s.kind for s in again.canvas.shapes] == ["arrow", "ellipse", "rect", "text"]
    again.canvas.set_shapes(again.canvas.shapes[:1])
    again.reject()
    box = again.findChild(QMessageBox, "confirmDiscard")
    assert box is not None and again.isVisible()
    box.button(QMessageBox.StandardButton.Discard).click()
    assert not again.isVisible()
    assert len(photo_service.get_photo(ctx.db, photo.id).annotation["shapes"]) == 4


def _screenshot(viewer: PhotoViewer, tmp_path: Path) -> None:
    """Keep a picture of the viewer with its annotation (HOTELTV_SCREENSHOTS=dir to look at it)."""
    folder = Path(os.environ.get("HOTELTV_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    assert viewer.grab().save(str(folder / "photo-viewer-annotated.png"))


def test_finalized_after_opening_refuses_edits_with_a_message(
    qtbot: Any, strip: PhotoStrip, ctx: AppContext, type_text: Any
) -> None:
    from tests.core.conftest import fill_inspection

    viewer = open_viewer(qtbot, strip)
    fill_inspection(ctx.db, strip.inspection_id)
    insp_service.update_header(
        ctx.db, strip.inspection_id, insp_service.HeaderFields(ended_at=STARTED + timedelta(hours=1))
    )
    insp_service.finalize(ctx.db, strip.inspection_id)
    viewer.caption_edit.setFocus()
    type_text(viewer.caption_edit, "late")
    qtbot.keyClick(viewer.caption_edit, Qt.Key.Key_Return)
    box = viewer.findChild(QMessageBox, "errorBox")
    assert box is not None and "定稿" in box.text()
    box.close()
