"""Optional on-screen signatures: a pad that records pen, touch or mouse strokes as vector points.

Paper signatures on the printed sheet stay the default. Where the laptop has a pen, a touch screen or a
touchpad, each inspector and the hotel's signatory can also sign here. A signature is stored in the
inspection's ``signatures`` as JSON-able data::

    {"strokes": [[[x, y], …], …], "w": 600, "h": 200, "signed_at": "2026-05-01T10:12:00+08:00",
     "name": "张明"}

with points in pad pixels (``w`` × ``h``), so a report can scale it to any size.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen, QTabletEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from hoteltv.domain import clock
from ui.dialog_parts import ok_cancel

Stroke = list[list[float]]


def _paint_strokes(painter: QPainter, strokes: list[Stroke], scale: float, dx: float, dy: float) -> None:
    for stroke in strokes:
        if not stroke:
            continue
        path = QPainterPath(QPointF(stroke[0][0] * scale + dx, stroke[0][1] * scale + dy))
        if len(stroke) == 1:  # a dot
            path.lineTo(stroke[0][0] * scale + dx + 0.5, stroke[0][1] * scale + dy)
        for x, y in stroke[1:]:
            path.lineTo(x * scale + dx, y * scale + dy)
        painter.drawPath(path)


class SignaturePad(QWidget):
    """Captures strokes from a mouse/touchpad, a pen (tablet events) or a finger (touch events)."""

    sig_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signaturePad")
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents, True)
        self.setMinimumSize(480, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.strokes: list[Stroke] = []
        self._drawing = False

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(640, 220)

    # --- input ------------------------------------------------------------------------------------
    def begin_stroke(self, pos: QPointF) -> None:
        self._drawing = True
        self.strokes.append([[round(pos.x(), 1), round(pos.y(), 1)]])
        self.update()

    def extend_stroke(self, pos: QPointF) -> None:
        if self._drawing and self.strokes:
            point = [round(pos.x(), 1), round(pos.y(), 1)]
            if self.strokes[-1][-1] != point:
                self.strokes[-1].append(point)
                self.update()

    def end_stroke(self) -> None:
        if self._drawing:
            self._drawing = False
            self.sig_changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if event.button() == Qt.MouseButton.LeftButton:
            self.begin_stroke(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        self.extend_stroke(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        self.end_stroke()

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802 (Qt API)
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self.begin_stroke(event.position())
        elif kind == QEvent.Type.TabletMove:
            self.extend_stroke(event.position())
        elif kind == QEvent.Type.TabletRelease:
            self.end_stroke()
        event.accept()

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd):
            points = event.points()  # type: ignore[attr-defined]
            if points:
                pos = points[0].position()
                if kind == QEvent.Type.TouchBegin:
                    self.begin_stroke(pos)
                else:
                    self.extend_stroke(pos)
                if kind == QEvent.Type.TouchEnd:
                    self.end_stroke()
            event.accept()
            return True
        return super().event(event)

    # --- data -------------------------------------------------------------------------------------
    def clear(self) -> None:
        self.strokes = []
        self.update()
        self.sig_changed.emit()

    def is_empty(self) -> bool:
        return not any(self.strokes)

    def to_data(self, name: str = "") -> dict[str, Any]:
        return {
            "strokes": [list(map(list, s)) for s in self.strokes if s],
            "w": self.width(),
            "h": self.height(),
            "signed_at": clock.now().isoformat(timespec="seconds"),
            "name": name,
        }

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        painter.setPen(QPen(QColor("#c8ccd2"), 1, Qt.PenStyle.DashLine))
        baseline = self.height() * 0.75
        painter.drawLine(QPointF(16, baseline), QPointF(self.width() - 16, baseline))
        painter.setPen(
            QPen(
                QColor("#10214a"),
                2.4,
                Qt.PenStyle.SolidLine,
                Qt.PenCapStyle.RoundCap,
                Qt.PenJoinStyle.RoundJoin,
            )
        )
        _paint_strokes(painter, self.strokes, 1.0, 0.0, 0.0)


class SignaturePreview(QWidget):
    """Draws stored signature data scaled into its own rectangle (or "未签" when there is none)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signaturePreview")
        self.setFixedSize(180, 60)
        self.data: dict[str, Any] | None = None

    def set_data(self, data: dict[str, Any] | None) -> None:
        self.data = data
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        painter.setPen(QPen(QColor("#c8ccd2"), 1))
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        strokes = (self.data or {}).get("strokes") or []
        if not strokes:
            painter.setPen(QColor("#8a9099"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("纸质签字"))
            return
        w = float((self.data or {}).get("w") or 1)
        h = float((self.data or {}).get("h") or 1)
        scale = min((self.width() - 8) / w, (self.height() - 8) / h)
        dx = (self.width() - w * scale) / 2
        dy = (self.height() - h * scale) / 2
        painter.setPen(
            QPen(
                QColor("#10214a"),
                1.4,
                Qt.PenStyle.SolidLine,
                Qt.PenCapStyle.RoundCap,
                Qt.PenJoinStyle.RoundJoin,
            )
        )
        _paint_strokes(painter, strokes, scale, dx, dy)


class SignatureDialog(QDialog):
    """Sign on the pad; OK keeps the strokes, 清除 starts again."""

    def __init__(self, who: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("手写签名：%1").replace("%1", who))
        layout = QVBoxLayout(self)
        hint = QLabel(
            self.tr("请 %1 在下方框内签名（手写笔、触摸屏或触摸板均可）。").replace("%1", who), self
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.pad = SignaturePad(self)
        layout.addWidget(self.pad, 1)
        row = QHBoxLayout()
        clear = QPushButton(self.tr("清除重签"), self)
        clear.clicked.connect(self.pad.clear)
        row.addWidget(clear)
        row.addStretch(1)
        self.buttons, _ok = ok_cancel(self, self.tr("确认签名"), self.accept)
        row.addWidget(self.buttons)
        layout.addLayout(row)
        self.pad.sig_changed.connect(self._update_ok)
        self._update_ok()
        self.resize(680, 340)

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not self.pad.is_empty())
