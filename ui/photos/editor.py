"""The annotation editor: draw arrows, ellipses, rectangles and short text on a photo, undo, save as data.

The picture is the upright display copy; marks are kept in normalised coordinates (see
:mod:`hoteltv.photos.annotate`) and saved with :func:`hoteltv.services.photos.set_annotation` — the
original file is never changed, and opening the editor again continues from the saved marks.

Mouse: drag to draw with the current tool; with the text tool click where the text goes, type, Enter.
Right-click a mark to delete it. Keys: A arrow, E ellipse, R rectangle, T text, Ctrl+Z undo,
Ctrl+S save, Esc close (asks first when something is unsaved).
"""

from __future__ import annotations

import math
from functools import partial

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from hoteltv.errors import ValidationError
from hoteltv.photos.annotate import MAX_TEXT, MIN_EXTENT, PALETTE, Annotation, Shape, text_px
from hoteltv.photos.store import PhotoStore
from hoteltv.services import photos as photo_service
from hoteltv.services.photos import PhotoView
from ui.context import AppContext
from ui.icons import painted_icon
from ui.messages import ask_later, show_error
from ui.photos.display import load_display_image
from ui.photos.painting import paint_annotation
from ui.screen import resize_to_fit

TOOLS = ("arrow", "ellipse", "rect", "text")


class AnnotationCanvas(QWidget):
    """The picture fitted into the widget, the marks over it, and the mouse handling that makes marks."""

    sig_shapes_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image = QImage()
        self._pixmap = QPixmap()
        self.shapes: list[Shape] = []
        self.history: list[list[Shape]] = []
        self.tool = "arrow"
        self.color = PALETTE["red"]
        self._start: QPointF | None = None
        self._preview: Shape | None = None
        self.text_edit = QLineEdit(self)
        self.text_edit.setMaxLength(MAX_TEXT)
        self.text_edit.setPlaceholderText(self.tr("输入文字，回车确定"))
        self.text_edit.hide()
        self.text_edit.returnPressed.connect(self.commit_text)
        self._text_at: QPointF | None = None
        self.setMouseTracking(False)
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)

    # --- content ---------------------------------------------------------------------------------------
    def set_image(self, image: QImage) -> None:
        self.image = image
        self._pixmap = QPixmap.fromImage(image) if not image.isNull() else QPixmap()
        self.update()

    def set_shapes(self, shapes: list[Shape], record: bool = True) -> None:
        if record:
            self.history.append(list(self.shapes))
        self.shapes = list(shapes)
        self.update()
        self.sig_shapes_changed.emit()

    def annotation(self) -> Annotation:
        return Annotation(tuple(self.shapes))

    def undo(self) -> None:
        if self.history:
            self.shapes = self.history.pop()
            self.update()
            self.sig_shapes_changed.emit()

    def image_rect(self) -> QRectF:
        """Where the picture is drawn: fitted into the widget, centred, aspect kept."""
        if self.image.isNull():
            return QRectF()
        iw, ih = self.image.width(), self.image.height()
        scale = min(self.width() / iw, self.height() / ih)
        w, h = iw * scale, ih * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def to_norm(self, pos: QPointF) -> QPointF:
        r = self.image_rect()
        if r.isEmpty():
            return QPointF()
        x = min(1.0, max(0.0, (pos.x() - r.x()) / r.width()))
        y = min(1.0, max(0.0, (pos.y() - r.y()) / r.height()))
        return QPointF(x, y)

    def to_widget(self, x: float, y: float) -> QPointF:
        r = self.image_rect()
        return QPointF(r.x() + x * r.width(), r.y() + y * r.height())

    # --- painting --------------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#303030"))
        rect = self.image_rect()
        if rect.isEmpty():
            painter.setPen(QColor("white"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("正在加载…"))
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawPixmap(rect, self._pixmap, QRectF(self._pixmap.rect()))
        paint_annotation(painter, self.annotation(), rect, self._preview)
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.text_edit.hide()

    # --- mouse -----------------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.image.isNull() or not self.image_rect().contains(event.position()):
            return
        if event.button() == Qt.MouseButton.RightButton:
            self.delete_at(self.to_norm(event.position()))
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if self.text_edit.isVisible():
            self.commit_text()
        self._start = self.to_norm(event.position())
        if self.tool == "text":
            self.begin_text(self._start)
            self._start = None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._start is None:
            return
        self._preview = self._shape(self._start, self.to_norm(event.position()))
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._start is None or event.button() != Qt.MouseButton.LeftButton:
            return
        shape = self._shape(self._start, self.to_norm(event.position()))
        self._start = None
        self._preview = None
        if shape is not None:
            self.set_shapes([*self.shapes, shape])
        self.update()

    def _shape(self, a: QPointF, b: QPointF) -> Shape | None:
        if self.tool == "arrow":
            if math.dist((a.x(), a.y()), (b.x(), b.y())) < MIN_EXTENT * 3:
                return None
            return Shape.arrow(a.x(), a.y(), b.x(), b.y(), color=self.color)
        if abs(b.x() - a.x()) < MIN_EXTENT * 3 or abs(b.y() - a.y()) < MIN_EXTENT * 3:
            return None
        make = Shape.ellipse if self.tool == "ellipse" else Shape.rect
        return make(a.x(), a.y(), b.x(), b.y(), color=self.color)

    # --- text ------------------------------------------------------------------------------------------
    def begin_text(self, at: QPointF) -> None:
        """Show the inline text box at a normalised point (what a click with the text tool does)."""
        self._text_at = at
        pos = self.to_widget(at.x(), at.y())
        r = self.image_rect()
        size = text_px(Shape.label(0, 0, "x"), int(r.width()), int(r.height()))
        self.text_edit.setFixedWidth(max(160, int(r.width() * 0.4)))
        self.text_edit.setMinimumHeight(max(24, size))
        self.text_edit.move(int(min(pos.x(), self.width() - self.text_edit.width())), int(pos.y()))
        self.text_edit.clear()
        self.text_edit.show()
        self.text_edit.setFocus()

    def commit_text(self) -> None:
        text = self.text_edit.text().strip()
        at = self._text_at
        self.text_edit.hide()
        self._text_at = None
        if text and at is not None:
            self.set_shapes([*self.shapes, Shape.label(at.x(), at.y(), text, color=self.color)])
        self.setFocus()

    # --- deleting ----------------------------------------------------------------------------------------
    def delete_at(self, p: QPointF) -> bool:
        """Delete the topmost mark near a normalised point; True if one was deleted."""
        for i in reversed(range(len(self.shapes))):
            if _near(self.shapes[i], p.x(), p.y(), self.image_rect()):
                self.set_shapes(self.shapes[:i] + self.shapes[i + 1 :])
                return True
        return False


def _near(s: Shape, x: float, y: float, rect: QRectF) -> bool:
    tol = 0.02
    if s.kind == "text":
        width = len(s.text) * s.size * max(rect.width(), rect.height()) / max(1.0, rect.width())
        height = s.size * max(rect.width(), rect.height()) / max(1.0, rect.height())
        return s.x1 - tol <= x <= s.x1 + width + tol and s.y1 - tol <= y <= s.y1 + height + tol
    if s.kind == "arrow":
        ax, ay, bx, by = s.x1, s.y1, s.x2, s.y2
        length2 = (bx - ax) ** 2 + (by - ay) ** 2 or 1e-9
        t = max(0.0, min(1.0, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / length2))
        return math.dist((x, y), (ax + t * (bx - ax), ay + t * (by - ay))) <= tol
    if s.kind == "rect":
        inside = s.x1 - tol <= x <= s.x2 + tol and s.y1 - tol <= y <= s.y2 + tol
        deep = s.x1 + tol < x < s.x2 - tol and s.y1 + tol < y < s.y2 - tol
        return inside and not deep
    cx, cy, rx, ry = (
        (s.x1 + s.x2) / 2,
        (s.y1 + s.y2) / 2,
        (s.x2 - s.x1) / 2 or 1e-9,
        (s.y2 - s.y1) / 2 or 1e-9,
    )
    d = math.sqrt(((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2)
    return abs(d - 1) * min(rx, ry) <= tol


def _fill_swatch(colour: QColor, painter: QPainter, rect: QRectF) -> None:
    """Paint a colour swatch (the palette's icons)."""
    painter.fillRect(rect, colour)


class AnnotationEditor(QDialog):
    """Edits the annotation of one photo; emits ``sig_saved`` with the saved :class:`PhotoView`."""

    sig_saved = Signal(object)
    """The annotation was saved; the argument is the photo as stored now."""

    def __init__(
        self, ctx: AppContext, photo: PhotoView, image: QImage | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.photo = photo
        self.saved_annotation = Annotation.from_dict(photo.annotation)
        self.setWindowTitle(
            self.tr("标注照片 — %1").replace("%1", photo.caption or photo.original_name or "")
        )
        resize_to_fit(self, 1100, 760)

        self.canvas = AnnotationCanvas(self)
        self.canvas.set_shapes(list(self.saved_annotation.shapes), record=False)
        self.toolbar = QToolBar(self)
        self.toolbar.setIconSize(QSize(18, 18))
        group = QActionGroup(self)
        self.tool_actions: dict[str, QAction] = {}
        names = {
            "arrow": self.tr("箭头"),
            "ellipse": self.tr("圆圈"),
            "rect": self.tr("方框"),
            "text": self.tr("文字"),
        }
        keys = {"arrow": "A", "ellipse": "E", "rect": "R", "text": "T"}
        for tool in TOOLS:
            action = QAction(names[tool], self)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(keys[tool]))
            action.setToolTip(f"{names[tool]} ({keys[tool]})")
            action.triggered.connect(lambda checked=False, t=tool: self.set_tool(t))
            group.addAction(action)
            self.toolbar.addAction(action)
            self.tool_actions[tool] = action
        self.tool_actions["arrow"].setChecked(True)
        self.toolbar.addSeparator()
        self.color_actions: dict[str, QAction] = {}
        color_group = QActionGroup(self)
        color_names = {
            "red": self.tr("红"),
            "yellow": self.tr("黄"),
            "green": self.tr("绿"),
            "blue": self.tr("蓝"),
            "white": self.tr("白"),
        }
        for key, hex_color in PALETTE.items():
            swatch = painted_icon(18, partial(_fill_swatch, QColor(hex_color)))
            action = QAction(swatch, color_names[key], self)
            action.setCheckable(True)
            action.triggered.connect(lambda checked=False, c=hex_color: self.set_color(c))
            color_group.addAction(action)
            self.toolbar.addAction(action)
            self.color_actions[hex_color] = action
        self.color_actions[PALETTE["red"]].setChecked(True)
        self.toolbar.addSeparator()
        self.undo_action = QAction(self.tr("撤销"), self)
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.undo_action.triggered.connect(self.canvas.undo)
        self.toolbar.addAction(self.undo_action)
        self.clear_action = QAction(self.tr("全部清除"), self)
        self.clear_action.triggered.connect(lambda: self.canvas.set_shapes([]))
        self.toolbar.addAction(self.clear_action)

        self.status = QLabel(self)
        self.status.setStyleSheet("color: #555;")
        self.save_button = QPushButton(self.tr("保存标注"), self)
        self.save_button.setDefault(False)
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        save_action = QAction(self)
        save_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        save_action.triggered.connect(self.save)
        self.addAction(save_action)
        self.close_button = QPushButton(self.tr("关闭"), self)
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(bottom)
        self.canvas.sig_shapes_changed.connect(self._update_status)
        self._update_status()

        if image is not None and not image.isNull():
            self.canvas.set_image(image)
        else:
            store = PhotoStore.for_home(ctx.home)
            sha = photo.sha256
            ctx.runner.submit(
                lambda progress: load_display_image(store, sha),
                on_done=self.canvas.set_image,
                on_error=self._show_error,
                label=self.tr("读取照片"),
                write=False,
            )

    def _show_error(self, exc: Exception) -> None:
        show_error(self, exc)

    # --- tools -----------------------------------------------------------------------------------------
    def set_tool(self, tool: str) -> None:
        if self.canvas.text_edit.isVisible():
            self.canvas.commit_text()
        self.canvas.tool = tool
        self.tool_actions[tool].setChecked(True)

    def set_color(self, color: str) -> None:
        self.canvas.color = color
        if color in self.color_actions:
            self.color_actions[color].setChecked(True)

    def annotation(self) -> Annotation:
        return self.canvas.annotation()

    def dirty(self) -> bool:
        return self.canvas.annotation() != self.saved_annotation

    def _update_status(self) -> None:
        n = len(self.canvas.shapes)
        text = self.tr("%1 个标注").replace("%1", str(n))
        if self.dirty():
            text += self.tr("（未保存）")
        self.status.setText(text + self.tr(" · 右键点击标注可删除 · 原图不会被修改"))
        self.undo_action.setEnabled(bool(self.canvas.history))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """The tool keys, should their shortcuts not fire (the window not active)."""
        tools = {Qt.Key.Key_A: "arrow", Qt.Key.Key_E: "ellipse", Qt.Key.Key_R: "rect", Qt.Key.Key_T: "text"}
        if event.key() in tools and not event.modifiers():
            self.set_tool(tools[Qt.Key(event.key())])
        elif event.matches(QKeySequence.StandardKey.Undo):
            self.canvas.undo()
        elif event.matches(QKeySequence.StandardKey.Save):
            self.save()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # --- saving ----------------------------------------------------------------------------------------
    def save(self) -> None:
        """Validate the marks and store them (in the background); closes the editor when saved."""
        if self.canvas.text_edit.isVisible():
            self.canvas.commit_text()
        try:
            annotation = Annotation.of(self.canvas.shapes)
        except ValidationError as exc:
            show_error(self, exc)
            return
        db, actor, pid = self.ctx.db, self.ctx.actor, self.photo.id
        self.save_button.setEnabled(False)

        def done(view: PhotoView) -> None:
            self.saved_annotation = Annotation.from_dict(view.annotation)
            self.photo = view
            self.save_button.setEnabled(True)
            self.sig_saved.emit(view)
            self.accept()

        def failed(exc: Exception) -> None:
            self.save_button.setEnabled(True)
            show_error(self, exc, self.tr("标注未保存"))

        self.ctx.runner.submit(
            lambda progress: photo_service.set_annotation(db, pid, annotation, actor=actor),
            on_done=done,
            on_error=failed,
            label=self.tr("保存标注"),
        )

    def reject(self) -> None:
        """Close; with unsaved marks, ask first (non-blocking box)."""
        if not self.dirty():
            super().reject()
            return
        ask_later(
            self,
            "confirmDiscard",
            self.tr("未保存的标注"),
            self.tr("标注还没有保存。放弃这些修改吗？"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Discard,
            lambda: QDialog.reject(self),
        )
