"""Drawing an annotation with QPainter, the screen twin of :func:`hoteltv.photos.annotate.render`.

Both use the geometry helpers of the core (stroke width and text size as fractions of the long edge,
the same arrow head, the same contrasting outline), so what the inspector draws is what the report
prints. GUI thread only (QPainter on widgets).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF

from hoteltv.photos.annotate import (
    Annotation,
    Shape,
    arrow_head,
    arrow_shaft_end,
    halo_color,
    stroke_px,
    text_px,
)

#: The bundled CJK font (registered by ``ui.app.load_cjk_font``); the report renderer uses the same file.
FONT_FAMILY = "WenQuanYi Micro Hei"


def paint_annotation(
    painter: QPainter, annotation: Annotation, rect: QRectF, extra: Shape | None = None
) -> None:
    """Draw ``annotation`` (and an ``extra`` shape being drawn) over the image shown in ``rect``."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for shape in annotation.shapes:
        paint_shape(painter, shape, rect)
    if extra is not None:
        paint_shape(painter, extra, rect)
    painter.restore()


def _color(hex_color: str, alpha: int = 255) -> QColor:
    c = QColor(hex_color)
    c.setAlpha(alpha)
    return c


def paint_shape(painter: QPainter, s: Shape, rect: QRectF) -> None:
    w, h = max(1, int(rect.width())), max(1, int(rect.height()))
    color = _color(s.color)
    halo = QColor(*halo_color(s.color), 170)

    def pt(x: float, y: float) -> QPointF:
        return QPointF(rect.x() + x * rect.width(), rect.y() + y * rect.height())

    if s.kind == "text":
        font = QFont(FONT_FAMILY)
        font.setPixelSize(text_px(s, w, h))
        path = QPainterPath()
        origin = pt(s.x1, s.y1)
        path.addText(QPointF(origin.x(), origin.y() + QFontMetricsF(font).ascent()), font, s.text)
        outline = max(1.0, text_px(s, w, h) / 12)
        painter.strokePath(
            path,
            QPen(
                halo, 2 * outline, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin
            ),
        )
        painter.fillPath(path, color)
        return
    sw = stroke_px(s, w, h)
    edge = max(1.0, sw * 0.35)
    if s.kind == "arrow":
        a, b = pt(s.x1, s.y1), pt(s.x2, s.y2)
        head = QPolygonF([QPointF(x, y) for x, y in arrow_head(a.x(), a.y(), b.x(), b.y(), sw)])
        end = QPointF(*arrow_shaft_end(a.x(), a.y(), b.x(), b.y(), sw))
        for pen_color, extra in ((halo, 2 * edge), (color, 0.0)):
            painter.setPen(QPen(pen_color, sw + extra, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawLine(a, end)
            painter.setPen(
                QPen(
                    pen_color,
                    max(0.5, extra),
                    Qt.PenStyle.SolidLine,
                    Qt.PenCapStyle.RoundCap,
                    Qt.PenJoinStyle.RoundJoin,
                )
                if extra
                else Qt.PenStyle.NoPen
            )
            painter.setBrush(pen_color)
            painter.drawPolygon(head)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        return
    box = QRectF(pt(s.x1, s.y1), pt(s.x2, s.y2)).normalized()
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for pen_color, extra in ((halo, 2 * edge), (color, 0.0)):
        painter.setPen(QPen(pen_color, sw + extra))
        if s.kind == "ellipse":
            painter.drawEllipse(box)
        else:
            painter.drawRect(box)
