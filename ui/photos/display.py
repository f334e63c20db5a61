"""The display copy of a stored photo as a QImage, shared by the viewer and the annotation editor.

The copy (long edge :data:`DISPLAY_EDGE`) is made and cached by the core's photo store; loading it runs
on a worker thread (QImage, unlike QPixmap, is safe there).
"""

from __future__ import annotations

from PySide6.QtGui import QImage

from hoteltv.photos.store import PhotoStore

#: Long edge of the picture the viewer and the annotation editor show.
DISPLAY_EDGE = 2560
DISPLAY_QUALITY = 90


def load_display_image(store: PhotoStore, sha256: str) -> QImage:
    """The upright display copy as a QImage (runs on a worker thread)."""
    path = store.report_copy(sha256, None, long_edge=DISPLAY_EDGE, quality=DISPLAY_QUALITY)
    image = QImage(str(path))
    if image.isNull():
        raise OSError(f"cannot read {path}")
    return image
