"""The list model behind a photo strip: one row per :class:`PhotoView`, thumbnails filled in as they arrive.

Rows are plain values from the core; thumbnails are ``QPixmap`` s keyed by hash (one photo file shown in
several strips is decoded once per strip). Updates are partial (``dataChanged`` for a thumbnail or an
edited photo), so the view never resets while an import adds rows. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QPixmap

from hoteltv.services.photos import PhotoView
from ui.photos import texts

PhotoRole = Qt.ItemDataRole.UserRole + 1
"""The row's :class:`PhotoView`."""
IdRole = Qt.ItemDataRole.UserRole + 2
FlaggedRole = Qt.ItemDataRole.UserRole + 3
AnnotatedRole = Qt.ItemDataRole.UserRole + 4
HasThumbnailRole = Qt.ItemDataRole.UserRole + 5

ICON = QSize(112, 112)

_Index = QModelIndex | QPersistentModelIndex


class PhotoListModel(QAbstractListModel):
    """Photos of one strip in order, with their thumbnails (a grey placeholder until loaded)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[PhotoView] = []
        self._thumbs: dict[str, QPixmap] = {}
        self._icons: dict[tuple[str, bool, bool], QPixmap] = {}
        self._placeholder: QPixmap | None = None

    # --- Qt model interface ---------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        p = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return p.caption or p.original_name or p.sha256[:8]
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icon(p)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(p)
        if role == PhotoRole:
            return p
        if role == IdRole:
            return p.id
        if role == FlaggedRole:
            return p.flagged_time
        if role == AnnotatedRole:
            return p.annotated
        if role == HasThumbnailRole:
            return p.sha256 in self._thumbs
        return None

    # --- changes ----------------------------------------------------------------------------------------
    def photos(self) -> list[PhotoView]:
        return list(self._rows)

    def set_photos(self, photos: Sequence[PhotoView]) -> None:
        """Show exactly ``photos``: rows that stay keep their place (no reset, no flicker)."""
        wanted = {p.id: p for p in photos}
        for row in reversed(range(len(self._rows))):
            if self._rows[row].id not in wanted:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
        for target, p in enumerate(photos):
            current = self.row_of(p.id)
            if current is None:
                self.beginInsertRows(QModelIndex(), target, target)
                self._rows.insert(target, p)
                self.endInsertRows()
                continue
            if current != target:
                self.beginMoveRows(
                    QModelIndex(), current, current, QModelIndex(), target if target < current else target + 1
                )
                self._rows.insert(target, self._rows.pop(current))
                self.endMoveRows()
            if self._rows[target] != p:
                self._rows[target] = p
                idx = self.index(target)
                self.dataChanged.emit(idx, idx)

    def add_photo(self, photo: PhotoView) -> None:
        if self.row_of(photo.id) is not None:
            self.update_photo(photo)
            return
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(photo)
        self.endInsertRows()

    def update_photo(self, photo: PhotoView) -> None:
        row = self.row_of(photo.id)
        if row is not None:
            self._rows[row] = photo
            idx = self.index(row)
            self.dataChanged.emit(idx, idx)

    def remove_photo(self, photo_id: str) -> None:
        row = self.row_of(photo_id)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def set_thumbnail(self, sha256: str, pixmap: QPixmap) -> None:
        self._thumbs[sha256] = pixmap
        for key in [k for k in self._icons if k[0] == sha256]:
            del self._icons[key]
        for row, p in enumerate(self._rows):
            if p.sha256 == sha256:
                idx = self.index(row)
                self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DecorationRole, HasThumbnailRole])

    def has_thumbnail(self, sha256: str) -> bool:
        return sha256 in self._thumbs

    def missing_thumbnails(self) -> list[str]:
        return list(dict.fromkeys(p.sha256 for p in self._rows if p.sha256 not in self._thumbs))

    def row_of(self, photo_id: str) -> int | None:
        for row, p in enumerate(self._rows):
            if p.id == photo_id:
                return row
        return None

    # --- drawing ----------------------------------------------------------------------------------------
    def _icon(self, p: PhotoView) -> QPixmap:
        thumb = self._thumbs.get(p.sha256)
        key = (p.sha256, p.flagged_time, p.annotated)
        if thumb is None:
            return self._placeholder_pixmap()
        cached = self._icons.get(key)
        if cached is not None:
            return cached
        canvas = QPixmap(ICON)
        canvas.fill(Qt.GlobalColor.transparent)
        painter = QPainter(canvas)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scaled = thumb.scaled(
            ICON, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        painter.drawPixmap(
            (ICON.width() - scaled.width()) // 2, (ICON.height() - scaled.height()) // 2, scaled
        )
        if p.flagged_time:
            _badge(painter, QRectF(ICON.width() - 26, 4, 22, 22), QColor("#f57c00"), "!")
        if p.annotated:
            _badge(painter, QRectF(4, 4, 22, 22), QColor("#e53935"), "✎")
        painter.end()
        self._icons[key] = canvas
        return canvas

    def _placeholder_pixmap(self) -> QPixmap:
        if self._placeholder is None:
            pm = QPixmap(ICON)
            pm.fill(QColor("#e0e0e0"))
            self._placeholder = pm
        return self._placeholder

    @staticmethod
    def _tooltip(p: PhotoView) -> str:
        lines = [p.original_name or p.sha256[:12]]
        if p.caption:
            lines.append(p.caption)
        room = p.room_number and texts.translate("photos", "%1 房").replace("%1", p.room_number)
        where = " · ".join(x for x in (room, p.item_label) if x)
        if where:
            lines.append(where)
        lines.append(texts.local_time(p.taken_at))
        if p.flagged_time:
            lines.append("⚠ " + texts.time_flag_text(p.time_flag))
        return "\n".join(lines)


def _badge(painter: QPainter, rect: QRectF, color: QColor, text: str) -> None:
    painter.setPen(QPen(QColor("white"), 1.5))
    painter.setBrush(QBrush(color))
    painter.drawEllipse(rect)
    font = QFont(painter.font())
    font.setBold(True)
    font.setPixelSize(int(rect.height() * 0.65))
    painter.setFont(font)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
