"""Icons that stay sharp on high-DPI screens (Windows at 125 %, 150 %, 200 % scaling).

The application icon is an SVG (``resources/icons/hoteltv.svg``, drawn by Qt's SVG plugin at whatever
size a title bar, the taskbar or Alt-Tab asks for). Small icons the GUI paints itself (status dots,
colour swatches) are painted once per device-pixel ratio, so Qt never enlarges a 12-pixel drawing.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources as importlib_resources

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap

from hoteltv.resources import resource

#: Device-pixel ratios painted icons are drawn for: 100 %, 125 %, 150 %, 175 %, 200 % and 300 % scaling.
SCALES = (1.0, 1.25, 1.5, 1.75, 2.0, 3.0)


def app_icon() -> QIcon:
    """The application's icon (a television with a check mark), from its SVG."""
    node = resource("icons", "hoteltv.svg")
    with importlib_resources.as_file(node) as path:
        return QIcon(str(path))


def painted_icon(size: int, paint: Callable[[QPainter, QRectF], None]) -> QIcon:
    """An icon of ``size`` logical pixels: ``paint(painter, rect)`` draws it in logical coordinates, once for
    each of :data:`SCALES`, on a transparent pixmap of that many device pixels."""
    icon = QIcon()
    for scale in SCALES:
        pixmap = QPixmap(round(size * scale), round(size * scale))
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint(painter, QRectF(0, 0, size, size))
        painter.end()
        icon.addPixmap(pixmap)
    return icon
