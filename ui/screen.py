"""Sizing windows for the laptops inspectors use (often 1366×768 with a taskbar: a 1366×705 work area for
a maximized window), and putting a remembered window back where it fits."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QPoint, QRect, Qt
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

#: Room left for a window's title bar (and a little air) when a dialog is sized to the work area.
FRAME_ALLOWANCE = 48
#: Work areas up to this size are a laptop's: main windows open maximized there.
SMALL_SCREEN = (1440, 820)


def screen_of(widget: QWidget) -> QScreen | None:
    """The screen ``widget`` (or its parent) is on, else the primary screen."""
    parent = widget.parentWidget()
    return (
        widget.screen()
        or (parent.screen() if parent is not None else None)
        or QGuiApplication.primaryScreen()
    )


def available(widget: QWidget) -> QRect | None:
    """The work area (without taskbar) of the screen ``widget`` is on."""
    screen = screen_of(widget)
    return screen.availableGeometry() if screen is not None else None


def is_small(area: QRect) -> bool:
    """A laptop-size work area (1366×705, 1280×680…)."""
    return area.width() <= SMALL_SCREEN[0] or area.height() <= SMALL_SCREEN[1]


def resize_to_fit(widget: QWidget, width: int, height: int, margin: int = FRAME_ALLOWANCE) -> None:
    """Resize to ``width``×``height``, or less where the screen's free area is smaller."""
    free = available(widget)
    if free is not None:
        width = min(width, free.width() - margin)
        height = min(height, free.height() - margin)
    widget.resize(max(width, 320), max(height, 240))


def clamp_to_screen(widget: QWidget) -> None:
    """Pull a (restored) window onto the work area of the screen it is on, shrinking it if needed."""
    if widget.windowState() & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
        return  # the window system fits it
    screens = [
        s for s in QGuiApplication.screens() if s.availableGeometry().contains(widget.geometry().center())
    ]
    screen = screens[0] if screens else QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    frame = widget.frameGeometry()
    extra_w = max(0, frame.width() - widget.width())
    extra_h = max(0, frame.height() - widget.height())
    width = min(widget.width(), area.width() - extra_w)
    height = min(widget.height(), area.height() - extra_h)
    width, height = max(width, widget.minimumWidth()), max(height, widget.minimumHeight())
    left = min(max(frame.left(), area.left()), area.right() + 1 - width - extra_w)
    top = min(max(frame.top(), area.top()), area.bottom() + 1 - height - extra_h)
    if (width, height) != (widget.width(), widget.height()):
        widget.resize(width, height)
    if QPoint(left, top) != frame.topLeft():
        widget.move(max(left, area.left()), max(top, area.top()))


def restore_geometry(widget: QWidget, saved: object) -> bool:
    """Put ``widget`` where :meth:`QWidget.saveGeometry` left it, within today's screens (True if restored)."""
    if not isinstance(saved, QByteArray | bytes) or not widget.restoreGeometry(QByteArray(saved)):
        return False
    clamp_to_screen(widget)
    return True
