"""Refused changes in the sync panel: what the server refused at the last sync and is still queued here,
with the server's reason, and a button to give a change up ("放弃修改").

A refused change is sent again at every sync until it passes (its hotel arrived, the account's divisions
were widened) or is given up here: then the record stays on this computer as it is, is no longer sent,
and is left out of the sync check; editing it again queues it anew (:func:`hoteltv.sync.state.drop_refused`,
the same as ``hoteltv sync --drop ID``). Reads and the drop run through ``ctx.runner``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hoteltv.sync.state import RefusedChange
from ui.context import AppContext
from ui.list_model import ListTableModel, list_view, selected_row
from ui.messages import ask

translate = QCoreApplication.translate


def record_kind_text(entity: str) -> str:
    """What a synced table's records are called ("hotels" → 酒店); an unknown table by its own name.

    Also the sync panel's record list (:class:`ui.sync_panel.RecordStatesModel`)."""
    return {
        "hotels": translate("RefusedModel", "酒店"),
        "inspections": translate("RefusedModel", "检查记录"),
        "room_checks": translate("RefusedModel", "抽查房间"),
        "photos": translate("RefusedModel", "照片"),
        "inspection_inspectors": translate("RefusedModel", "检查组"),
        "inspectors": translate("RefusedModel", "检查人员"),
        "rectification_notices": translate("RefusedModel", "整改通知"),
        "divisions": translate("RefusedModel", "县区"),
    }.get(entity, entity)


class RefusedModel(ListTableModel):
    """One row per refused change: the record, its kind, the server's reason."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows = []

    def headers(self) -> tuple[str, ...]:
        return (self.tr("记录"), self.tr("类型"), self.tr("服务器拒绝的原因"))

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        c: RefusedChange = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (c.label or c.id, record_kind_text(c.entity), c.reason)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return c.reason if index.column() == 2 else c.id
        return None


class RefusedChanges(QWidget):
    """The list and its drop button (see module docstring)."""

    sig_dropped = Signal(list)
    """Changes were given up: the :class:`~hoteltv.sync.state.RefusedChange` rows dropped."""
    sig_loaded = Signal(int)
    """The list was re-read: how many refused changes there are."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("refusedChanges")
        self.model = RefusedModel(self)
        self.view = list_view(self.model, "refused")
        self.view.setWordWrap(True)
        self.drop_button = QPushButton(self.tr("放弃所选修改"))
        self.drop_button.setObjectName("dropButton")
        self.drop_button.setEnabled(False)
        self.message = QLabel()
        self.message.setObjectName("refusedMessage")
        self.message.setWordWrap(True)
        note = QLabel(
            self.tr(
                "服务器拒绝的修改会在每次同步时再次发送，直到被接受；放弃后，记录按现状留在本机，不再发送，"
                "以后再修改会重新发送。"
            )
        )
        note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.drop_button)
        row.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.drop_button.clicked.connect(self.drop_selected)
        # Asks before a change is given up; tests replace it.
        self.confirm = self._confirm

    # --- reading ------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        ctx = self.ctx

        def job(_progress: Any) -> list[RefusedChange]:
            from hoteltv.sync.state import refused_changes

            return refused_changes(ctx.db)

        ctx.runner.submit(job, on_done=self._show, label=self.tr("读取被拒绝的修改"), write=False)

    def _show(self, rows: list[RefusedChange]) -> None:
        self.model.set_rows(rows)
        self._selection_changed()
        self.sig_loaded.emit(len(rows))

    def selected(self) -> RefusedChange | None:
        change: RefusedChange | None = selected_row(self.view, self.model)
        return change

    def _selection_changed(self, *_args: Any) -> None:
        self.drop_button.setEnabled(self.selected() is not None)

    # --- dropping -----------------------------------------------------------------------------------------
    def _confirm(self, change: RefusedChange) -> bool:
        return ask(
            self,
            self.tr("放弃修改"),
            self.tr("放弃这条被拒绝的修改？记录按现状留在本机，不再发送到服务器。"),
            self.tr("放弃修改"),
            self.tr("保留"),
            icon=QMessageBox.Icon.Warning,
            yes_role=QMessageBox.ButtonRole.DestructiveRole,
            default=False,
            informative=f"{change.label or change.id}\n{change.reason}",
        )

    def drop_selected(self) -> None:
        change = self.selected()
        if change is None:
            self.message.setText(self.tr("请先在列表中选择一条修改。"))
            return
        if not self.confirm(change):
            return
        ctx = self.ctx

        def job(_progress: Any) -> list[RefusedChange]:
            from hoteltv.sync.state import drop_refused

            return drop_refused(ctx.db, change.id, actor=ctx.actor)

        def done(dropped: list[RefusedChange]) -> None:
            self.message.setText(self.tr("已放弃 %n 条修改，不再发送。", "", len(dropped)))
            self.sig_dropped.emit(dropped)
            self.refresh()

        def failed(exc: Exception) -> None:
            self.message.setText(str(exc))

        ctx.runner.submit(job, on_done=done, on_error=failed, label=self.tr("放弃修改"))
