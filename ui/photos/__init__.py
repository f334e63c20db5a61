"""Photo evidence in the GUI: the thumbnail strip, the viewer and the annotation editor.

* :class:`PhotoStrip` — ``PhotoStrip(ctx, inspection_id, room_id=None, item_key=None, parent=None)``,
  signal ``sig_changed``; embed one per inspection, room or checklist item.
* :class:`PhotoViewer` — one photo large (zoom, ←/→, caption, move, remove, time/GPS, time check).
* :class:`AnnotationEditor` — arrows, ellipses, rectangles and text saved as data beside the original.
* :func:`install` — registers the strip with the inspection window (call once at start-up).
"""

from __future__ import annotations

from ui.photos.editor import AnnotationEditor
from ui.photos.strip import PhotoStrip
from ui.photos.viewer import PhotoViewer

__all__ = ["AnnotationEditor", "PhotoStrip", "PhotoViewer", "install"]


def install() -> None:
    """Let the inspection window make photo strips (``ui.inspection.set_photo_strip_factory``)."""
    from ui.inspection import set_photo_strip_factory

    set_photo_strip_factory(
        lambda ctx, inspection_id, room_id, item_key, parent: PhotoStrip(
            ctx, inspection_id, room_id, item_key, parent
        )
    )
