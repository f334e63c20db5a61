"""A horizontal strip of photo thumbnails for an inspection, a room or a checklist item.

Embed it anywhere::

    strip = PhotoStrip(ctx, inspection_id, room_id=None, item_key=None, parent=None)
    strip.sig_changed.connect(...)   # photos of this scope were added, edited, moved or removed

It lists the photos of its scope (``room_id``/``item_key`` None means "any", so the strip of a room also
shows that room's item photos) and attaches new ones to exactly that scope. Photos come in by drag and
drop of files, by paste (Ctrl+V: copied files or a copied image) and through "添加照片…"; they are
imported in the background through ``ctx.runner`` with progress and cancel, each thumbnail appearing as
soon as its file is stored. Refused files are listed under the strip with their reason. Double-click
opens the :class:`~ui.photos.viewer.PhotoViewer`. A finalized inspection makes the strip read-only
(``read_only``; the inspection window may also call ``set_editable(False)``).

Strips of the same inspection refresh each other (a photo added in an item's strip appears in its
room's strip) through the module's change hub.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QImage,
    QKeySequence,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QMessageBox,
    QProgressBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hoteltv.photos.store import PhotoStore
from hoteltv.services import photos as photo_service
from hoteltv.services.photos import AttachOutcome, PhotoView
from ui.context import AppContext
from ui.messages import ask_later, fill, localize, show_error, show_info
from ui.photos import texts
from ui.photos.model import ICON, PhotoListModel
from ui.worker import Job

log = logging.getLogger(__name__)


class _Hub(QObject):
    """Tells every strip that the photos of an inspection changed (GUI thread)."""

    sig_photos_changed = Signal(str, object)
    """(inspection id, the strip that made the change)"""


_hub: _Hub | None = None


def hub() -> _Hub:
    global _hub
    if _hub is None:
        _hub = _Hub()
    return _hub


class _Relay(QObject):
    """Carries per-item results of a running job to the GUI thread (queued signal)."""

    sig_item = Signal(object)


class PhotoStrip(QWidget):
    """Thumbnails of the photos of one scope, with add / drop / paste and an inline list of refusals."""

    sig_changed = Signal()
    """Photos of this strip's scope were added, edited, moved or removed (GUI thread)."""
    sig_import_finished = Signal(object)
    """An import ended; the argument lists the :class:`AttachOutcome` of every file ([] when the job failed)."""
    sig_loaded = Signal()
    """The list of photos was (re)loaded from the database (thumbnails may still be on their way)."""

    def __init__(
        self,
        ctx: AppContext,
        inspection_id: str,
        room_id: str | None = None,
        item_key: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.inspection_id = inspection_id
        self.room_id = room_id
        self.item_key = item_key
        self.store = PhotoStore.for_home(ctx.home)
        self._editable_record = True  # what the database says (draft)
        self._locked = False  # what the embedding window says (set_editable)
        self._import_job: Job | None = None
        self._importing = False
        self._thumb_job_running = False
        self._refusals: list[AttachOutcome] = []
        self._viewer: Any = None

        self.model = PhotoListModel(self)
        self._relay_import = _Relay(self)
        self._relay_import.sig_item.connect(self._on_outcome)
        self._relay_thumbs = _Relay(self)
        self._relay_thumbs.sig_item.connect(self._on_thumbnail)

        self.setAcceptDrops(True)
        self.setObjectName("photoStrip")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)

        head = QHBoxLayout()
        self.title = QLabel(self)
        self.add_button = QToolButton(self)
        self.add_button.setText(self.tr("添加照片…"))
        self.add_button.setToolTip(self.tr("选择照片文件（可多选）；也可把照片拖到这里，或按 Ctrl+V 粘贴"))
        self.add_button.clicked.connect(self.choose_files)
        self.hint = QLabel(self.tr("可拖放或粘贴照片"), self)
        self.hint.setStyleSheet("color: #777;")
        head.addWidget(self.title)
        head.addWidget(self.add_button)
        head.addWidget(self.hint)
        head.addStretch(1)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QToolButton(self)
        self.cancel_button.setText(self.tr("取消"))
        self.cancel_button.clicked.connect(self.cancel_import)
        self.cancel_button.hide()
        head.addWidget(self.progress)
        head.addWidget(self.cancel_button)
        layout.addLayout(head)

        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setFlow(QListView.Flow.LeftToRight)
        self.view.setWrapping(False)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setIconSize(ICON)
        self.view.setGridSize(QSize(ICON.width() + 16, ICON.height() + 34))
        self.view.setUniformItemSizes(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)
        self.view.setAcceptDrops(False)  # drops go to the strip itself
        self.view.viewport().setAcceptDrops(False)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.view.setFixedHeight(ICON.height() + 58)
        self.view.activated.connect(lambda index: self.open_viewer(index.row()))
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        layout.addWidget(self.view)

        msg_row = QHBoxLayout()
        self.messages = QLabel(self)
        self.messages.setObjectName("photoRefusals")
        self.messages.setWordWrap(True)
        self.messages.setTextFormat(Qt.TextFormat.PlainText)
        self.messages.setStyleSheet("color: #b71c1c;")
        self.dismiss_button = QToolButton(self)
        self.dismiss_button.setText("×")
        self.dismiss_button.setToolTip(self.tr("关闭提示"))
        self.dismiss_button.clicked.connect(self.clear_messages)
        msg_row.addWidget(self.messages, 1)
        msg_row.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(msg_row)
        self.messages.hide()
        self.dismiss_button.hide()

        self.paste_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Paste), self)
        self.paste_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.paste_shortcut.activated.connect(self.paste_from_clipboard)
        self.delete_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.view)
        self.delete_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_shortcut.activated.connect(self.remove_selected)

        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            signal.connect(self._update_title)
        hub().sig_photos_changed.connect(self._on_hub)
        self._update_title()
        self._apply_editable()
        self.refresh()

    def _show_error(self, exc: Exception) -> None:
        show_error(self, exc)

    # --- state -----------------------------------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        """True when photos cannot be added or changed (a finalized record, or the window said so)."""
        return self._locked or not self._editable_record

    @read_only.setter
    def read_only(self, value: bool) -> None:
        self._locked = bool(value)
        self._apply_editable()

    def set_editable(self, editable: bool) -> None:
        """Called by the inspection window when the record becomes read-only (or editable again)."""
        self.read_only = not editable

    def photos(self) -> list[PhotoView]:
        return self.model.photos()

    def busy(self) -> bool:
        return self._importing

    def _apply_editable(self) -> None:
        editable = not self.read_only
        self.add_button.setVisible(editable)
        self.hint.setVisible(editable)
        self.paste_shortcut.setEnabled(editable)
        self.delete_shortcut.setEnabled(editable)

    def _update_title(self) -> None:
        count = self.model.rowCount()
        self.title.setText(self.tr("照片 (%1)").replace("%1", str(count)))
        # An empty strip is one line (title, add button, hint), not an empty 200-px box.
        self.view.setVisible(count > 0)

    # --- loading ---------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the list from the database (in the background); thumbnails follow."""
        db, iid, room, item = self.ctx.db, self.inspection_id, self.room_id, self.item_key

        def load(progress: Any) -> tuple[list[PhotoView], bool]:
            targets = photo_service.photo_targets(db, iid)
            return photo_service.list_photos(db, iid, room_id=room, item_key=item), targets.editable

        self.ctx.runner.submit(load, on_done=self._loaded, label=self.tr("读取照片"), write=False)

    def _loaded(self, result: tuple[list[PhotoView], bool]) -> None:
        photos, editable = result
        self._editable_record = editable
        self._apply_editable()
        self.model.set_photos(photos)
        self._update_title()
        self.sig_loaded.emit()
        self._load_thumbnails()

    def _load_thumbnails(self) -> None:
        if self._thumb_job_running:
            return
        missing = self.model.missing_thumbnails()
        if not missing:
            return
        store, relay = self.store, self._relay_thumbs
        self._thumb_job_running = True

        def build(progress: Any) -> None:
            for sha in missing:
                try:
                    image = QImage(str(store.thumbnail(sha)))
                except Exception as exc:  # a missing or unreadable original: leave the placeholder
                    log.warning("no thumbnail for %s: %s", sha[:12], exc)
                    continue
                relay.sig_item.emit((sha, image))

        def finished(_: object = None) -> None:
            self._thumb_job_running = False
            if self.model.missing_thumbnails() != missing and self.model.missing_thumbnails():
                QTimer.singleShot(0, self._load_thumbnails)  # rows arrived meanwhile

        self.ctx.runner.submit(
            build, on_done=finished, on_error=lambda exc: finished(), label=self.tr("缩略图"), write=False
        )

    def _on_thumbnail(self, item: tuple[str, QImage]) -> None:
        sha, image = item
        if not image.isNull():
            self.model.set_thumbnail(sha, QPixmap.fromImage(image))

    def _on_hub(self, inspection_id: str, source: object) -> None:
        if inspection_id == self.inspection_id and source is not self:
            self.refresh()

    def _announce(self) -> None:
        self.sig_changed.emit()
        hub().sig_photos_changed.emit(self.inspection_id, self)

    # --- adding ----------------------------------------------------------------------------------------
    def choose_files(self) -> None:
        """The "添加照片…" dialog (multi-select)."""
        if self.read_only:
            return
        files, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("添加照片"),
            "",
            self.tr(
                "照片 (*.jpg *.jpeg *.png *.heic *.heif *.webp *.tif *.tiff *.gif *.bmp *.avif);;所有文件 (*)"
            ),
        )
        if files:
            self.add_files([Path(f) for f in files])

    def add_files(self, paths: Sequence[Path | str]) -> Job | None:
        """Import files (folders: the photos directly inside them) in the background."""
        if self.read_only or not paths:
            return None
        items = [Path(p) for p in paths]
        return self._start_import(lambda: photo_service.expand_inputs(items))

    def add_image(self, image: QImage, name: str | None = None) -> Job | None:
        """Import an image that is not a file yet (a pasted screenshot): saved as PNG, then attached."""
        if self.read_only or image.isNull():
            return None
        copy = QImage(image)  # implicitly shared; the worker only reads it
        stem = name or f"剪贴板-{datetime.now():%Y%m%d-%H%M%S}"

        def paths() -> list[Path]:
            folder = Path(tempfile.mkdtemp(prefix="hoteltv-paste-"))
            path = folder / f"{stem}.png"
            if not copy.save(str(path)):
                raise OSError(f"cannot write {path}")
            return [path]

        return self._start_import(paths, cleanup=True)

    def paste_from_clipboard(self) -> Job | None:
        """Ctrl+V: files copied in a file manager, or an image copied from anywhere."""
        if self.read_only:
            return None
        mime = QApplication.clipboard().mimeData()
        if mime is None:
            return None
        files = _local_files(mime.urls()) if mime.hasUrls() else []
        if files:
            return self.add_files(files)
        if mime.hasImage():
            image = QApplication.clipboard().image()
            return self.add_image(image)
        return None

    def _start_import(self, make_paths: Any, cleanup: bool = False) -> Job | None:
        if self._importing:
            show_info(self, self.tr("请稍候"), self.tr("正在导入照片，请等当前导入完成后再添加。"))
            return None
        db, store, iid = self.ctx.db, self.store, self.inspection_id
        room, item, actor, relay = self.room_id, self.item_key, self.ctx.actor, self._relay_import

        def run(progress: Any) -> list[AttachOutcome]:
            paths = make_paths()

            def send(outcome: AttachOutcome) -> None:
                image = QImage(str(outcome.thumbnail)) if outcome.ok and outcome.thumbnail else None
                relay.sig_item.emit((outcome, image))

            try:
                return photo_service.attach_files(
                    db,
                    store,
                    iid,
                    paths,
                    room_id=room,
                    item_key=item,
                    progress=progress,
                    on_outcome=send,
                    actor=actor,
                )
            finally:
                if cleanup:
                    for p in paths:
                        _remove_quietly(p)

        self.clear_messages()
        self._importing = True
        self.progress.setRange(0, 0)
        self.progress.setFormat(self.tr("正在导入…"))
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        job = self.ctx.runner.submit(
            run,
            on_done=self._import_done,
            on_error=self._import_failed,
            on_progress=self._import_progress,
            label=self.tr("导入照片"),
        )
        if self._importing:  # not finished yet (a synchronous runner has already run it)
            self._import_job = job
        return job

    def cancel_import(self) -> None:
        if self._import_job is not None:
            self._import_job.cancel()
            self.cancel_button.setEnabled(False)
            self.progress.setFormat(self.tr("正在取消…"))

    def _import_progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress.setFormat(fill(self.tr("%1 / %2 张"), str(done), str(total)))

    def _on_outcome(self, item: tuple[AttachOutcome, QImage | None]) -> None:
        outcome, image = item
        if outcome.ok and outcome.photo is not None:
            if _in_scope(outcome.photo, self.room_id, self.item_key):
                self.model.add_photo(outcome.photo)
                if image is not None and not image.isNull():
                    self.model.set_thumbnail(outcome.photo.sha256, QPixmap.fromImage(image))
                self._update_title()
        elif outcome.status == "refused":
            self._refusals.append(outcome)
            self._show_refusals()

    def _import_done(self, outcomes: list[AttachOutcome]) -> None:
        self._end_import()
        if any(o.ok for o in outcomes):
            self._announce()
        dup = [o for o in outcomes if o.status == "duplicate"]
        if dup:
            self._refusals += dup
            self._show_refusals()
        self.sig_import_finished.emit(outcomes)

    def _import_failed(self, exc: Exception) -> None:
        self._end_import()
        show_error(self, exc, self.tr("照片未能导入"))
        self.refresh()
        self.sig_import_finished.emit([])

    def _end_import(self) -> None:
        self._importing = False
        self._import_job = None
        self.progress.hide()
        self.cancel_button.hide()

    def _show_refusals(self) -> None:
        lines = [f"{o.name}:{texts.reason_text(o.reason)}" for o in self._refusals[:20]]
        if len(self._refusals) > 20:
            lines.append(self.tr("……另有 %1 个文件").replace("%1", str(len(self._refusals) - 20)))
        head = self.tr("%1 个文件未添加：").replace("%1", str(len(self._refusals)))
        self.messages.setText("\n".join([head, *lines]))
        self.messages.setToolTip("\n".join(localize(o.message) for o in self._refusals[:50]))
        self.messages.show()
        self.dismiss_button.show()

    def refusal_lines(self) -> list[str]:
        """The refused files now listed under the strip, one "name:reason" line each."""
        return [f"{o.name}:{texts.reason_text(o.reason)}" for o in self._refusals]

    def clear_messages(self) -> None:
        self._refusals = []
        self.messages.clear()
        self.messages.hide()
        self.dismiss_button.hide()

    # --- drag and drop ---------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._accept_drag(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self._accept_drag(event)

    def _accept_drag(self, event: QDragEnterEvent | QDragMoveEvent) -> None:
        mime = event.mimeData()
        if not self.read_only and (_local_files(mime.urls()) or mime.hasImage()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        if self.read_only:
            event.ignore()
            return
        mime = event.mimeData()
        files = _local_files(mime.urls())
        if files:
            self.add_files(files)
        elif mime.hasImage():
            image = mime.imageData()
            self.add_image(image if isinstance(image, QImage) else QImage(image))
        else:
            event.ignore()
            return
        event.acceptProposedAction()

    # --- viewing and editing ---------------------------------------------------------------------------
    def open_viewer(self, row: int = 0) -> Any:
        """Open the viewer on a row (non-modal); returns the dialog."""
        from ui.photos.viewer import PhotoViewer

        photos = self.model.photos()
        if not photos:
            return None
        viewer = PhotoViewer(
            self.ctx,
            photos,
            max(0, min(row, len(photos) - 1)),
            read_only=self.read_only,
            parent=self.window(),
        )
        viewer.sig_changed.connect(self._viewer_changed)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.open()
        self._viewer = viewer
        return viewer

    def _viewer_changed(self, photo_id: str) -> None:
        self._announce()
        self.refresh()

    def _context_menu(self, pos: Any) -> None:
        index = self.view.indexAt(pos)
        menu = QMenu(self)
        if index.isValid():
            open_action = QAction(self.tr("查看…"), menu)
            open_action.triggered.connect(lambda: self.open_viewer(index.row()))
            menu.addAction(open_action)
            if not self.read_only:
                remove = QAction(self.tr("从记录中删除"), menu)
                remove.triggered.connect(self.remove_selected)
                menu.addAction(remove)
        if not self.read_only:
            add = QAction(self.tr("添加照片…"), menu)
            add.triggered.connect(self.choose_files)
            paste = QAction(self.tr("粘贴"), menu)
            paste.triggered.connect(self.paste_from_clipboard)
            menu.addActions([add, paste])
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def remove_selected(self) -> QMessageBox | None:
        """Ask, then remove the selected photos from the record (non-blocking box; returns it)."""
        if self.read_only:
            return None
        rows = sorted({i.row() for i in self.view.selectionModel().selectedIndexes()})
        photos = [self.model.photos()[r] for r in rows]
        if not photos:
            return None
        return ask_later(
            self,
            "confirmRemove",
            self.tr("删除照片"),
            self.tr("从检查记录中删除选中的 %1 张照片？").replace("%1", str(len(photos))),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
            lambda: self._remove([p.id for p in photos]),
        )

    def _remove(self, ids: list[str]) -> None:
        db, actor = self.ctx.db, self.ctx.actor

        def run(progress: Any) -> list[str]:
            for pid in ids:
                photo_service.remove_photo(db, pid, actor=actor)
            return ids

        def done(removed: list[str]) -> None:
            for pid in removed:
                self.model.remove_photo(pid)
            self._update_title()
            self._announce()

        self.ctx.runner.submit(run, on_done=done, on_error=self._show_error, label=self.tr("删除照片"))


def _in_scope(photo: PhotoView, room_id: str | None, item_key: str | None) -> bool:
    return (room_id is None or photo.room_check_id == room_id) and (
        item_key is None or photo.item_key == item_key
    )


def _local_files(urls: Sequence[QUrl]) -> list[Path]:
    return [Path(u.toLocalFile()) for u in urls if u.isLocalFile() and u.toLocalFile()]


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
        path.parent.rmdir()
    except OSError:
        pass
