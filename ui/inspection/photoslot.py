"""Where photo evidence plugs into the inspection window (the photo widgets live in ``ui/photos/``).

The window leaves a slot per room (below its items) and per item (shown when the item fails, since a
failed item needs a photo as evidence). ``ui.photos`` registers a factory once at start::

    from ui.inspection import set_photo_strip_factory
    set_photo_strip_factory(lambda ctx, inspection_id, room_id, item_key, parent: PhotoStrip(...))

``room_id`` is None for hotel-level items and the hotel page; ``item_key`` is None for a room's own
strip. A strip that has ``set_editable(bool)`` is told when the record becomes read-only (finalized).
Without a factory the item slot shows a plain reminder that a photo is needed, and the room slot stays
empty.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from ui.context import AppContext

PhotoStripFactory = Callable[[AppContext, str, "str | None", "str | None", QWidget], QWidget]

_factory: PhotoStripFactory | None = None


def set_photo_strip_factory(factory: PhotoStripFactory | None) -> None:
    """Register (or with None remove) the widget factory for photo strips."""
    global _factory
    _factory = factory


def make_photo_strip(
    ctx: AppContext, inspection_id: str, room_id: str | None, item_key: str | None, parent: QWidget
) -> QWidget | None:
    """A photo strip for this place, or None when no photo widget is registered."""
    return None if _factory is None else _factory(ctx, inspection_id, room_id, item_key, parent)
