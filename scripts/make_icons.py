"""Render the application icon's SVG into the raster files installers need (run again after editing it).

Usage (from the repository root)::

    QT_QPA_PLATFORM=offscreen python scripts/make_icons.py

Writes ``resources/icons/hoteltv.ico`` (16, 20, 24, 32, 40, 48, 64, 128 and 256 pixels, each rendered from
the SVG at that size by Qt, so the small ones are drawn small rather than shrunk; 20 and 40 are what
Windows uses at 125 % scaling) for the Windows installer and shortcuts, and ``hoteltv-256.png`` for a
Linux ``.desktop`` file. The GUI itself loads the SVG.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)


def render(svg: Path, size: int) -> Image.Image:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return Image.open(io.BytesIO(bytes(data.data()))).convert("RGBA")


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    svg = ICONS / "hoteltv.svg"
    images = [render(svg, size) for size in SIZES]
    largest = images[-1]
    largest.save(ICONS / "hoteltv.ico", sizes=[(s, s) for s in SIZES], append_images=images[:-1])
    largest.save(ICONS / "hoteltv-256.png", optimize=True)
    print(f"wrote {ICONS / 'hoteltv.ico'} and {ICONS / 'hoteltv-256.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
