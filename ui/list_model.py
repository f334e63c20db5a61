"""A read-only table model over a Python list, with one header label per column, and the table view that
lists one (:func:`list_view`, :func:`selected_row`).

Subclasses set ``rows`` and implement ``headers()`` (translated in their own context) and ``data()``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QHeaderView, QTableView


class ListTableModel(QAbstractTableModel):
    """Rows from ``self.rows``; columns and header texts from ``headers()``."""

    rows: list[Any]

    def headers(self) -> tuple[str, ...]:
        raise NotImplementedError

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers())

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None


def list_view(model: ListTableModel, name: str) -> QTableView:
    """A table of ``model`` named ``name``: whole rows, one at a time, columns fitted, no row numbers."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().setVisible(False)
    return view


def selected_row(view: QTableView, model: ListTableModel) -> Any | None:
    """The row object selected in ``view`` (a :func:`list_view` of ``model``), or None."""
    rows = view.selectionModel().selectedRows()
    return model.rows[rows[0].row()] if rows else None
