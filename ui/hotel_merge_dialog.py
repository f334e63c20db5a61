"""Merging 疑似重复 hotels: the pairs that look like one hotel typed in twice (the same credit code, or the
same name in the same division with a code missing), and for the selected pair which one stays.

The merge is :func:`hoteltv.services.hotel_merge.merge_hotels` (the same as ``hoteltv hotels merge KEEP
OTHER``): both histories kept, the other hotel's inspections and notices moved to the one that stays, the
merge synced as a change. Reads and the merge run through ``ctx.runner``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hoteltv.services.hotel_merge import DuplicatePair, MergeResult
from ui.context import AppContext
from ui.list_model import ListTableModel, list_view, selected_row
from ui.messages import ask, fill


class PairsModel(ListTableModel):
    """One row per suspected duplicate pair."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows = []

    def headers(self) -> tuple[str, ...]:
        return (self.tr("酒店一"), self.tr("酒店二"), self.tr("县区"), self.tr("为何疑似重复"))

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        p: DuplicatePair = self.rows[index.row()]
        return (p.first_name, p.second_name, p.division, p.reason)[index.column()]


class HotelMergeDialog(QDialog):
    """The pairs and two buttons: keep the first and merge the second into it, or the other way round."""

    sig_merged = Signal(object)
    """A merge was made: the :class:`~hoteltv.services.hotel_merge.MergeResult`."""
    sig_loaded = Signal(int)
    """The pairs were (re-)read: how many there are."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("hotelMergeDialog")
        self.setWindowTitle(self.tr("合并疑似重复的酒店"))
        self.resize(820, 420)
        self.model = PairsModel(self)
        self.view = list_view(self.model, "pairs")
        self.keep_first = QPushButton(self.tr("保留酒店一，并入酒店二"))
        self.keep_first.setObjectName("keepFirst")
        self.keep_second = QPushButton(self.tr("保留酒店二，并入酒店一"))
        self.keep_second.setObjectName("keepSecond")
        self.message = QLabel()
        self.message.setObjectName("mergeMessage")
        self.message.setWordWrap(True)
        note = QLabel(
            self.tr(
                "同一家酒店被录入了两次时，选择保留哪一条：另一条的检查记录和整改通知归入保留的酒店，"
                "两者的历史都保留，合并会在下次同步时发送。"
            )
        )
        note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.keep_first)
        buttons.addWidget(self.keep_second)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.keep_first.clicked.connect(lambda: self.merge_selected(keep_first=True))
        self.keep_second.clicked.connect(lambda: self.merge_selected(keep_first=False))
        # Asks before two hotels become one; tests replace it.
        self.confirm = self._confirm
        self._selection_changed()
        self.refresh()

    def refresh(self) -> None:
        ctx = self.ctx

        def job(_progress: Any) -> list[DuplicatePair]:
            from hoteltv.services.hotel_merge import find_duplicates

            return find_duplicates(ctx.db)

        ctx.runner.submit(job, on_done=self._show, label=self.tr("查找疑似重复的酒店"), write=False)

    def _show(self, pairs: list[DuplicatePair]) -> None:
        self.model.set_rows(pairs)
        self._selection_changed()
        if not pairs and not self.message.text():
            self.message.setText(self.tr("没有疑似重复的酒店。"))
        self.sig_loaded.emit(len(pairs))

    def selected(self) -> DuplicatePair | None:
        pair: DuplicatePair | None = selected_row(self.view, self.model)
        return pair

    def _selection_changed(self, *_args: Any) -> None:
        chosen = self.selected() is not None
        self.keep_first.setEnabled(chosen)
        self.keep_second.setEnabled(chosen)

    def _confirm(self, keep: str, other: str) -> bool:
        return ask(
            self,
            self.tr("合并酒店"),
            fill(self.tr("把“%1”并入“%2”？"), other, keep),
            self.tr("合并"),
            self.tr("取消"),
            default=False,
        )

    def merge_selected(self, *, keep_first: bool) -> None:
        pair = self.selected()
        if pair is None:
            self.message.setText(self.tr("请先在列表中选择一对酒店。"))
            return
        keep_id, keep_name, other_id, other_name = (
            (pair.first_id, pair.first_name, pair.second_id, pair.second_name)
            if keep_first
            else (pair.second_id, pair.second_name, pair.first_id, pair.first_name)
        )
        if not self.confirm(keep_name, other_name):
            return
        ctx = self.ctx

        def job(_progress: Any) -> MergeResult:
            from hoteltv.services.hotel_merge import merge_hotels

            return merge_hotels(ctx.db, keep_id, other_id, actor=ctx.actor)

        def done(result: MergeResult) -> None:
            self.message.setText(
                fill(
                    self.tr("已把“%1”并入“%2”：检查记录 %3 条，整改通知 %4 份归入保留的酒店。"),
                    other_name,
                    keep_name,
                    str(result.inspections),
                    str(result.notices),
                )
            )
            self.sig_merged.emit(result)
            self.refresh()

        def failed(exc: Exception) -> None:
            self.message.setText(str(exc))

        ctx.runner.submit(job, on_done=done, on_error=failed, label=self.tr("合并酒店"))
