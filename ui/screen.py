"""Sizing windows for the laptops inspectors use (often 1366×768 with a taskbar)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def resize_to_fit(widget: QWidget, width: int, height: int, margin: int = 48) -> None:
    """Resize to ``width``×``height``, or less where the screen's free area is smaller."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        free = screen.availableGeometry()
        width = min(width, free.width() - margin)
        height = min(height, free.height() - margin)
    widget.resize(max(width, 320), max(height, 240))
