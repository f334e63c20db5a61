"""Merging 疑似重复 hotels: the pairs that look like one hotel typed in twice (the same credit code, or the
same name in the same division with a code missing), and for the selected pair which one stays.

The two records often have the same name: each side of the selected pair is shown with what tells it apart
(short id, county, address, credit code, how many inspections and notices it has), its button under it,
and the question before the merge names the one that stays and what moves to it.

The merge is :func:`hoteltv.services.hotel_merge.merge_hotels` (the same as ``hoteltv hotels merge KEEP
OTHER``): both histories kept, the other hotel's inspections and notices moved to the one that stays, the
merge synced as a change. Reads and the merge run through ``ctx.runner``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hoteltv.services.hotel_merge import DuplicatePair, MergeResult, PairedHotel
from ui.context import AppContext
from ui.list_model import ListTableModel, list_view, selected_row
from ui.messages import ask, error_texts, fill, localize


def short_id(hotel: PairedHotel) -> str:
    """The first 8 characters of the hotel's id, as ``hoteltv hotels list`` shows them."""
    return hotel.id[:8]


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
        named = self.tr("%1（%2）")
        return (
            fill(named, p.first.name, short_id(p.first)),
            fill(named, p.second.name, short_id(p.second)),
            p.division,
            localize(p.reason),
        )[index.column()]


class HotelSide(QGroupBox):
    """One hotel of the selected pair: what tells it from the other, and the button that keeps it."""

    def __init__(self, title: str, keep_text: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setObjectName(name)
        form = QFormLayout()
        # The facts shown, by key (also each label's object name).
        self.values: dict[str, QLabel] = {}
        for key, text in (
            ("name", self.tr("名称")),
            ("id", self.tr("ID")),
            ("division", self.tr("县区")),
            ("address", self.tr("地址")),
            ("credit_code", self.tr("统一社会信用代码")),
            ("records", self.tr("记录")),
        ):
            value = QLabel()
            value.setObjectName(key)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(text, value)
            self.values[key] = value
        self.keep = QPushButton(keep_text)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.keep)

    def show_hotel(self, hotel: PairedHotel | None) -> None:
        """Show ``hotel``'s facts (None: nothing selected, empty and its button off)."""
        none = self.tr("无")
        texts = (
            {
                "name": hotel.name,
                "id": short_id(hotel),
                "division": hotel.division,
                "address": hotel.address or none,
                "credit_code": hotel.credit_code or none,
                "records": fill(self.tr("检查记录 %1 份，整改通知 %2 份"), hotel.inspections, hotel.notices),
            }
            if hotel is not None
            else {}
        )
        for key, label in self.values.items():
            label.setText(texts.get(key, ""))
        self.keep.setEnabled(hotel is not None)


class HotelMergeDialog(QDialog):
    """The pairs, and the selected pair side by side, each hotel with the button that keeps it (and merges the
    other into it)."""

    sig_merged = Signal(object)
    """A merge was made: the :class:`~hoteltv.services.hotel_merge.MergeResult`."""
    sig_loaded = Signal(int)
    """The pairs were (re-)read: how many there are."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("hotelMergeDialog")
        self.setWindowTitle(self.tr("合并疑似重复的酒店"))
        self.resize(860, 560)
        self.model = PairsModel(self)
        self.view = list_view(self.model, "pairs")
        self.first_side = HotelSide(self.tr("酒店一"), self.tr("保留酒店一，并入酒店二"), "firstHotel")
        self.second_side = HotelSide(self.tr("酒店二"), self.tr("保留酒店二，并入酒店一"), "secondHotel")
        self.keep_first = self.first_side.keep
        self.keep_first.setObjectName("keepFirst")
        self.keep_second = self.second_side.keep
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
        sides = QHBoxLayout()
        sides.addWidget(self.first_side, 1)
        sides.addWidget(self.second_side, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.view, 1)
        layout.addLayout(sides)
        layout.addWidget(self.message)
        self.view.selectionModel().selectionChanged.connect(self._user_selected)
        self.keep_first.clicked.connect(lambda: self.merge_selected(keep_first=True))
        self.keep_second.clicked.connect(lambda: self.merge_selected(keep_first=False))
        # Asks before two hotels become one (the hotel that stays, then the other); tests replace it.
        self.confirm: Callable[[PairedHotel, PairedHotel], bool] = self._confirm
        self._selection_changed()
        # Hotels changed elsewhere (a sync, the registry, another window): the pairs are looked up again.
        ctx.changes.sig_changed.connect(self._data_changed)
        self.refresh()

    def _data_changed(self, changes: Any) -> None:
        if "hotels" in changes.tables:
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

    def _user_selected(self, *_args: Any) -> None:
        """Another pair picked: what was said about the last one (a refusal) no longer applies."""
        self.message.clear()
        self._selection_changed()

    def _selection_changed(self, *_args: Any) -> None:
        pair = self.selected()
        self.first_side.show_hotel(pair.first if pair is not None else None)
        self.second_side.show_hotel(pair.second if pair is not None else None)

    def question(self, keep: PairedHotel, other: PairedHotel) -> tuple[str, str]:
        """(question, what follows) asked before ``other`` is merged into ``keep``: which one stays, by its
        short id and address, and what moves to it."""
        none = self.tr("无地址")
        return (
            fill(
                self.tr("保留“%1”（%2，%3），把“%4”（%5，%6）并入它？"),
                keep.name,
                short_id(keep),
                keep.address or none,
                other.name,
                short_id(other),
                other.address or none,
            ),
            fill(
                self.tr(
                    "“%1”（%2）的检查记录 %3 份、整改通知 %4 份将归入保留的酒店，它的登记信息只补充保留的酒店"
                    "缺少的项目，然后作为已合并的记录留存。合并在下次同步时发送。"
                ),
                other.name,
                short_id(other),
                other.inspections,
                other.notices,
            ),
        )

    def _confirm(self, keep: PairedHotel, other: PairedHotel) -> bool:
        text, informative = self.question(keep, other)
        return ask(
            self,
            self.tr("合并酒店"),
            text,
            self.tr("合并"),
            self.tr("取消"),
            default=False,
            informative=informative,
        )

    def merge_selected(self, *, keep_first: bool) -> None:
        pair = self.selected()
        if pair is None:
            self.message.setText(self.tr("请先在列表中选择一对酒店。"))
            return
        keep, other = (pair.first, pair.second) if keep_first else (pair.second, pair.first)
        # Two counties: the core refuses it and says why; no question first about a merge that cannot be.
        if keep.division == other.division and not self.confirm(keep, other):
            return
        ctx = self.ctx

        def job(_progress: Any) -> MergeResult:
            from hoteltv.services.hotel_merge import merge_hotels

            return merge_hotels(ctx.db, keep.id, other.id, actor=ctx.actor)

        def done(result: MergeResult) -> None:
            self.message.setText(
                fill(
                    self.tr("已把“%1”（%2）并入“%3”（%4）：检查记录 %5 份，整改通知 %6 份归入保留的酒店。"),
                    other.name,
                    short_id(other),
                    keep.name,
                    short_id(keep),
                    result.inspections,
                    result.notices,
                )
            )
            self.sig_merged.emit(result)
            self.refresh()

        def failed(exc: Exception) -> None:
            # A refusal (two counties, two credit codes) in the interface's language; nothing was merged.
            # The pairs are looked up again: one merged or deleted meanwhile is no pair any more.
            self.message.setText(error_texts(exc)[1])
            self.refresh()

        ctx.runner.submit(job, on_done=done, on_error=failed, label=self.tr("合并酒店"))
