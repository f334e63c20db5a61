"""The photo viewer: one photo large, with zoom, stepping, caption, move, remove, time/GPS and annotation.

Keys: ←/→ (and PgUp/PgDn) step through the photos, + / − zoom, 0 or F fits the photo to the window,
1 shows it at 100 %, the mouse wheel zooms around the pointer. The picture shown is an upright copy of
the original (long edge :data:`ui.photos.display.DISPLAY_EDGE`, cached in the store) with the annotation drawn on top as
an overlay, so the original file is only ever read. Every change goes through the core services via
``ctx.runner``; ``sig_changed(photo_id)`` tells the strip.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QAction, QImage, QKeyEvent, QKeySequence, QPainter, QPixmap, QWheelEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGraphicsItem,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStyleOptionGraphicsItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hoteltv.photos.annotate import Annotation
from hoteltv.photos.store import PhotoStore
from hoteltv.services import photos as photo_service
from hoteltv.services.photos import PhotoTargets, PhotoView
from ui.context import AppContext
from ui.messages import ask_later, localize, show_error
from ui.photos import texts
from ui.photos.display import load_display_image
from ui.photos.editor import AnnotationEditor
from ui.photos.painting import paint_annotation
from ui.screen import resize_to_fit

ZOOM_STEP = 1.25
ZOOM_MIN, ZOOM_MAX = 0.02, 8.0


class AnnotationOverlay(QGraphicsItem):
    """Draws a photo's annotation over the picture item (same size as the picture)."""

    def __init__(self, parent: QGraphicsItem | None = None) -> None:
        super().__init__(parent)
        self.annotation = Annotation()
        self._rect = QRectF()

    def set(self, annotation: Annotation, rect: QRectF) -> None:
        self.prepareGeometryChange()
        self.annotation = annotation
        self._rect = QRectF(rect)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if not self._rect.isEmpty():
            paint_annotation(painter, self.annotation, self._rect)


class ImageView(QGraphicsView):
    """A zoomable picture: wheel zooms around the pointer; "fit" follows the window until zoomed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.pixmap_item = QGraphicsPixmapItem()
        self.pixmap_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self.pixmap_item)
        self.overlay = AnnotationOverlay()
        self.scene().addItem(self.overlay)
        self.message = self.scene().addText("")
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setBackgroundBrush(Qt.GlobalColor.darkGray)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.fitting = True
        self.passed_keys: set[int] = set()

    def show_image(self, pixmap: QPixmap | None, text: str = "") -> None:
        self.pixmap_item.setPixmap(pixmap or QPixmap())
        self.message.setPlainText(text)
        self.message.setDefaultTextColor(Qt.GlobalColor.white)
        rect = QRectF(self.pixmap_item.boundingRect()) if pixmap else self.message.boundingRect()
        self.scene().setSceneRect(rect)
        if self.fitting:
            self.fit()

    def set_annotation(self, annotation: Annotation) -> None:
        self.overlay.set(annotation, QRectF(self.pixmap_item.boundingRect()))

    def zoom(self) -> float:
        return float(self.transform().m11())

    def set_zoom(self, factor: float) -> None:
        factor = max(ZOOM_MIN, min(ZOOM_MAX, factor))
        self.fitting = False
        current = self.zoom() or 1.0
        self.scale(factor / current, factor / current)

    def zoom_by(self, step: float) -> None:
        self.set_zoom(self.zoom() * step)

    def fit(self) -> None:
        self.fitting = True
        if not self.scene().sceneRect().isEmpty():
            self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in self.passed_keys:
            event.ignore()  # stepping and zooming belong to the viewer, not to scrolling
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(ZOOM_STEP**steps)
        event.accept()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.fitting:
            self.fit()


class PhotoViewer(QDialog):
    """One photo at a time from a list, large. Non-modal: open it with ``open()`` or ``show()``."""

    sig_changed = Signal(str)
    """A photo was edited (caption, place, annotation, time confirmed) or removed: its id."""

    def __init__(
        self,
        ctx: AppContext,
        photos: Sequence[PhotoView],
        index: int = 0,
        read_only: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.store = PhotoStore.for_home(ctx.home)
        self.photos: list[PhotoView] = list(photos)
        self.index = max(0, min(index, len(self.photos) - 1))
        self.read_only = read_only or not all(p.editable for p in self.photos)
        self._images: OrderedDict[str, QImage] = OrderedDict()
        self._loading: set[str] = set()
        self._targets: PhotoTargets | None = None
        self.editor: Any = None
        self.setWindowTitle(self.tr("照片"))
        resize_to_fit(self, 1180, 760)

        self.view = ImageView(self)
        side = QWidget(self)
        side.setFixedWidth(320)
        form = QFormLayout(side)
        self.name_label = QLabel(side)
        self.name_label.setWordWrap(True)
        self.name_label.setStyleSheet("font-weight: bold;")
        form.addRow(self.name_label)
        self.time_label = QLabel(side)
        form.addRow(self.tr("拍摄时间"), self.time_label)
        self.flag_box = QFrame(side)
        self.flag_box.setObjectName("timeFlag")
        self.flag_box.setStyleSheet("#timeFlag { background: #fff3e0; border: 1px solid #f57c00; }")
        flag_layout = QVBoxLayout(self.flag_box)
        self.flag_label = QLabel(self.flag_box)
        self.flag_label.setWordWrap(True)
        self.confirm_button = QPushButton(self.tr("确认"), self.flag_box)
        self.confirm_button.setToolTip(self.tr("确认这张照片属于本次检查"))
        self.confirm_button.clicked.connect(self.confirm_time)
        flag_layout.addWidget(self.flag_label)
        flag_layout.addWidget(self.confirm_button, 0, Qt.AlignmentFlag.AlignRight)
        form.addRow(self.flag_box)
        self.gps_label = QLabel(side)
        self.gps_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("位置 (GPS)"), self.gps_label)
        self.size_label = QLabel(side)
        form.addRow(self.tr("尺寸"), self.size_label)
        self.place_label = QLabel(side)
        self.place_label.setWordWrap(True)
        form.addRow(self.tr("所属"), self.place_label)
        self.caption_edit = QLineEdit(side)
        self.caption_edit.setPlaceholderText(self.tr("照片说明，例如：开机出现广告"))
        self.caption_edit.setMaxLength(photo_service.MAX_CAPTION)
        self.caption_edit.editingFinished.connect(self.save_caption)
        form.addRow(self.tr("说明"), self.caption_edit)
        self.room_combo = QComboBox(side)
        self.room_combo.currentIndexChanged.connect(self._fill_items)
        self.item_combo = QComboBox(side)
        self.move_button = QPushButton(self.tr("移动"), side)
        self.move_button.clicked.connect(self.move_current)
        form.addRow(self.tr("移到房间"), self.room_combo)
        form.addRow(self.tr("检查项"), self.item_combo)
        form.addRow("", self.move_button)
        self.annotate_button = QPushButton(self.tr("标注…"), side)
        self.annotate_button.setToolTip(self.tr("在照片上画箭头、圆圈、方框或文字（原图不变）"))
        self.annotate_button.clicked.connect(self.edit_annotation)
        self.remove_button = QPushButton(self.tr("从记录中删除"), side)
        self.remove_button.clicked.connect(self.remove_current)
        buttons = QHBoxLayout()
        buttons.addWidget(self.annotate_button)
        buttons.addWidget(self.remove_button)
        form.addRow(buttons)

        nav = QHBoxLayout()
        self.prev_button = QToolButton(self)
        self.prev_button.setText("◀")
        self.prev_button.setToolTip(self.tr("上一张 (←)"))
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.position_label = QLabel(self)
        self.next_button = QToolButton(self)
        self.next_button.setText("▶")
        self.next_button.setToolTip(self.tr("下一张 (→)"))
        self.next_button.clicked.connect(lambda: self.step(1))
        zoom_out = QToolButton(self)
        zoom_out.setText("−")
        zoom_out.setToolTip(self.tr("缩小 (−)"))
        zoom_out.clicked.connect(lambda: self.view.zoom_by(1 / ZOOM_STEP))
        zoom_in = QToolButton(self)
        zoom_in.setText("+")
        zoom_in.setToolTip(self.tr("放大 (+)"))
        zoom_in.clicked.connect(lambda: self.view.zoom_by(ZOOM_STEP))
        fit = QToolButton(self)
        fit.setText(self.tr("适应窗口"))
        fit.setToolTip(self.tr("适应窗口 (0)"))
        fit.clicked.connect(self.view.fit)
        actual = QToolButton(self)
        actual.setText("100%")
        actual.clicked.connect(lambda: self.view.set_zoom(1.0))
        nav.addWidget(self.prev_button)
        nav.addWidget(self.position_label)
        nav.addWidget(self.next_button)
        nav.addStretch(1)
        for b in (zoom_out, zoom_in, fit, actual):
            nav.addWidget(b)

        left = QVBoxLayout()
        left.addWidget(self.view, 1)
        left.addLayout(nav)
        outer = QHBoxLayout(self)
        outer.addLayout(left, 1)
        outer.addWidget(side)

        # Keys work as window shortcuts (whatever has focus, except while typing a caption) and, should
        # the shortcut not fire, through keyPressEvent (the picture passes them up instead of scrolling).
        self._keys: dict[int, Any] = {
            Qt.Key.Key_Right: lambda: self.step(1),
            Qt.Key.Key_PageDown: lambda: self.step(1),
            Qt.Key.Key_Left: lambda: self.step(-1),
            Qt.Key.Key_PageUp: lambda: self.step(-1),
            Qt.Key.Key_Plus: lambda: self.view.zoom_by(ZOOM_STEP),
            Qt.Key.Key_Equal: lambda: self.view.zoom_by(ZOOM_STEP),
            Qt.Key.Key_Minus: lambda: self.view.zoom_by(1 / ZOOM_STEP),
            Qt.Key.Key_0: self.view.fit,
            Qt.Key.Key_F: self.view.fit,
            Qt.Key.Key_1: lambda: self.view.set_zoom(1.0),
        }
        self.view.passed_keys = set(self._keys)
        for key, slot in self._keys.items():
            action = QAction(self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
        for standard, slot in (
            (QKeySequence.StandardKey.ZoomIn, self._keys[Qt.Key.Key_Plus]),
            (QKeySequence.StandardKey.ZoomOut, self._keys[Qt.Key.Key_Minus]),
        ):
            action = QAction(self)
            action.setShortcuts(standard)
            action.triggered.connect(slot)
            self.addAction(action)

        self._apply_read_only()
        self._load_targets()
        self._show()

    def _show_error(self, exc: Exception) -> None:
        show_error(self, exc)

    # --- navigation ------------------------------------------------------------------------------------
    def current(self) -> PhotoView | None:
        return self.photos[self.index] if self.photos else None

    def step(self, delta: int) -> None:
        if not self.photos:
            return
        new = max(0, min(len(self.photos) - 1, self.index + delta))
        if new != self.index:
            self.save_caption()
            self.index = new
            self._show()

    def _show(self) -> None:
        p = self.current()
        if p is None:
            self.view.show_image(None, self.tr("没有照片"))
            self.position_label.setText("0 / 0")
            return
        self.position_label.setText(f"{self.index + 1} / {len(self.photos)}")
        self.prev_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < len(self.photos) - 1)
        self.name_label.setText(p.original_name or p.sha256[:12])
        self.time_label.setText(texts.local_time(p.taken_at))
        self.flag_box.setVisible(p.flagged_time)
        self.flag_label.setText("⚠ " + texts.time_flag_text(p.time_flag))
        self.confirm_button.setVisible(p.flagged_time and not self.read_only)
        self.gps_label.setText(texts.gps_text(p.gps))
        self.size_label.setText(texts.size_text(p.width, p.height, p.byte_size))
        where = [
            x for x in (p.room_number and self.tr("%1 房间").replace("%1", p.room_number), p.item_label) if x
        ]
        self.place_label.setText(" · ".join(where) or self.tr("整个检查"))
        if self.caption_edit.text() != (p.caption or ""):
            self.caption_edit.setText(p.caption or "")
        self._select_place(p)
        image = self._images.get(p.sha256)
        self.view.fitting = True
        if image is not None:
            self.view.show_image(QPixmap.fromImage(image))
        else:
            self.view.show_image(None, self.tr("正在加载…"))
            self._request(p.sha256)
        self.view.set_annotation(Annotation.from_dict(p.annotation) if image is not None else Annotation())
        for n in (self.index + 1, self.index - 1):  # the neighbours, so stepping feels instant
            if 0 <= n < len(self.photos):
                self._request(self.photos[n].sha256)

    def _request(self, sha: str) -> None:
        if sha in self._images or sha in self._loading:
            return
        self._loading.add(sha)
        store = self.store

        def failed(exc: Exception) -> None:
            self._loading.discard(sha)
            p = self.current()
            if p is not None and p.sha256 == sha:
                self.view.show_image(None, self.tr("无法显示照片：") + localize(str(exc)))

        self.ctx.runner.submit(
            lambda progress: (sha, load_display_image(store, sha)),
            on_done=self._loaded,
            on_error=failed,
            label=self.tr("读取照片"),
            write=False,
        )

    def _loaded(self, result: tuple[str, QImage]) -> None:
        sha, image = result
        self._loading.discard(sha)
        self._images[sha] = image
        while len(self._images) > 6:
            self._images.popitem(last=False)
        p = self.current()
        if p is not None and p.sha256 == sha:
            self.view.show_image(QPixmap.fromImage(image))
            self.view.set_annotation(Annotation.from_dict(p.annotation))

    def display_image(self) -> QImage | None:
        """The picture now shown (None while loading)."""
        p = self.current()
        return None if p is None else self._images.get(p.sha256)

    # --- read-only ---------------------------------------------------------------------------------------
    def _apply_read_only(self) -> None:
        editable = not self.read_only
        self.caption_edit.setReadOnly(not editable)
        for w in (self.room_combo, self.item_combo, self.move_button, self.remove_button):
            w.setEnabled(editable)
        self.annotate_button.setVisible(editable)

    # --- place (room / item) -------------------------------------------------------------------------
    def _load_targets(self) -> None:
        p = self.current()
        if p is None:
            return
        db = self.ctx.db
        self.ctx.runner.submit(
            lambda progress: photo_service.photo_targets(db, p.inspection_id),
            on_done=self._targets_loaded,
            label=self.tr("读取房间"),
            write=False,
        )

    def _targets_loaded(self, targets: PhotoTargets) -> None:
        self._targets = targets
        if not targets.editable and not self.read_only:
            self.read_only = True
            self._apply_read_only()
            self._show()
        self.room_combo.blockSignals(True)
        self.room_combo.clear()
        self.room_combo.addItem(self.tr("— 不属于房间 —"), None)
        for rid, number in targets.rooms:
            self.room_combo.addItem(number, rid)
        self.room_combo.blockSignals(False)
        p = self.current()
        if p is not None:
            self._select_place(p)

    def _fill_items(self) -> None:
        if self._targets is None:
            return
        room = self.room_combo.currentData()
        scope = "room" if room else "hotel"
        keep = self.item_combo.currentData()
        self.item_combo.clear()
        self.item_combo.addItem(self.tr("— 不指定检查项 —"), None)
        for item in self._targets.items:
            if item.scope == scope:
                self.item_combo.addItem(item.label, item.key)
        i = self.item_combo.findData(keep)
        self.item_combo.setCurrentIndex(max(0, i))

    def _select_place(self, p: PhotoView) -> None:
        if self._targets is None:
            return
        self.room_combo.setCurrentIndex(max(0, self.room_combo.findData(p.room_check_id)))
        self._fill_items()
        self.item_combo.setCurrentIndex(max(0, self.item_combo.findData(p.item_key)))

    # --- edits ------------------------------------------------------------------------------------------
    def _run(self, fn: Any, label: str, on_done: Any = None) -> None:
        self.ctx.runner.submit(
            lambda progress: fn(),
            on_done=on_done or self._replace_current,
            on_error=self._show_error,
            label=label,
        )

    def _replace_current(self, view: PhotoView) -> None:
        for i, p in enumerate(self.photos):
            if p.id == view.id:
                self.photos[i] = view
        self._show()
        self.sig_changed.emit(view.id)

    def save_caption(self) -> None:
        p = self.current()
        if p is None or self.read_only:
            return
        text = " ".join(self.caption_edit.text().split()) or None
        if text == (p.caption or None):
            return
        db, actor = self.ctx.db, self.ctx.actor
        self.photos[self.index] = replace(p, caption=text)  # shown at once; the saved view follows
        self._run(lambda: photo_service.set_caption(db, p.id, text, actor=actor), self.tr("保存说明"))

    def move_current(self) -> None:
        p = self.current()
        if p is None or self.read_only:
            return
        room, item = self.room_combo.currentData(), self.item_combo.currentData()
        db, actor = self.ctx.db, self.ctx.actor
        self._run(lambda: photo_service.move_photo(db, p.id, room, item, actor=actor), self.tr("移动照片"))

    def confirm_time(self) -> None:
        p = self.current()
        if p is None or self.read_only:
            return
        db, actor = self.ctx.db, self.ctx.actor
        self._run(lambda: photo_service.confirm_time(db, p.id, actor=actor), self.tr("确认拍摄时间"))

    def remove_current(self) -> QMessageBox | None:
        """Ask (non-blocking box, returned), then remove the photo from the record."""
        p = self.current()
        if p is None or self.read_only:
            return None

        def remove() -> None:
            db, actor = self.ctx.db, self.ctx.actor
            self._run(
                lambda: photo_service.remove_photo(db, p.id, actor=actor),
                self.tr("删除照片"),
                on_done=lambda _: self._removed(p.id),
            )

        return ask_later(
            self,
            "confirmRemove",
            self.tr("删除照片"),
            self.tr("从检查记录中删除“%1”？原始文件仍保留在照片库中，直到清理。").replace(
                "%1", p.caption or p.original_name or ""
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
            remove,
        )

    def _removed(self, photo_id: str) -> None:
        self.photos = [p for p in self.photos if p.id != photo_id]
        self.index = max(0, min(self.index, len(self.photos) - 1))
        self.sig_changed.emit(photo_id)
        if not self.photos:
            self.accept()
            return
        self._show()

    def edit_annotation(self) -> Any:
        """Open the annotation editor on the current photo (non-modal); returns it."""
        p = self.current()
        if p is None or self.read_only:
            return None
        editor = AnnotationEditor(self.ctx, p, self.display_image(), parent=self)
        editor.sig_saved.connect(self._replace_current)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.open()
        self.editor = editor
        return editor

    def keyPressEvent(self, event: QKeyEvent) -> None:
        slot = (
            self._keys.get(event.key())
            if not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            else None
        )
        if slot is not None:
            slot()
            event.accept()
            return
        super().keyPressEvent(event)

    def done(self, result: int) -> None:
        self.save_caption()
        super().done(result)
