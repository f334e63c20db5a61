"""The hotel registry as a Qt table model, and the proxy that searches and filters it.

:class:`HotelTableModel` holds the plain ``HotelView`` values that ``hoteltv.services.hotels.list_hotels``
returns: one row per hotel, named columns (``COL_*``) and roles (``HOTEL_ROLE`` gives the ``HotelView``,
``SORT_ROLE`` a value of the right type for sorting, ``ID_ROLE`` the hotel id). Overdue hotels stand out
through ``ForegroundRole``/``BackgroundRole``. One changed hotel is replaced with :meth:`upsert`, which
emits ``dataChanged`` for that row only.

:class:`HotelFilterProxy` does search-as-you-type (name, address, contact, phone, credit code) and the
division / TV mode / remediation status filters (status ``"overdue"`` = an open notice past its
deadline) in memory, so typing never waits for the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from hoteltv.domain import clock, lifecycle, sites
from hoteltv.domain.hotel import HotelView
from hoteltv.domain.modes import mode_catalog
from ui.messages import fill

translate = QCoreApplication.translate

(
    COL_DIVISION,
    COL_NAME,
    COL_PILOT,
    COL_TV_SYSTEM,
    COL_TARGET_MODE,
    COL_CURRENT_MODE,
    COL_STATUS,
    COL_LAST_INSPECTION,
    COL_NEXT_DEADLINE,
) = range(9)
COLUMN_COUNT = 9

HOTEL_ROLE = Qt.ItemDataRole.UserRole + 1
"""The row's ``HotelView``."""
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
"""A str or int that sorts the column correctly (dates as ISO text, modes and statuses in catalog order)."""
ID_ROLE = Qt.ItemDataRole.UserRole + 3
"""The hotel id (str)."""
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 4
"""True when the hotel has an open rectification notice past its deadline."""

_HEADERS = (
    QT_TRANSLATE_NOOP("HotelTableModel", "县区"),
    QT_TRANSLATE_NOOP("HotelTableModel", "酒店名称"),
    QT_TRANSLATE_NOOP("HotelTableModel", "试点"),
    QT_TRANSLATE_NOOP("HotelTableModel", "电视系统"),
    QT_TRANSLATE_NOOP("HotelTableModel", "目标模式"),
    QT_TRANSLATE_NOOP("HotelTableModel", "当前模式"),
    QT_TRANSLATE_NOOP("HotelTableModel", "整改状态"),
    QT_TRANSLATE_NOOP("HotelTableModel", "最近检查"),
    QT_TRANSLATE_NOOP("HotelTableModel", "整改期限"),
)

OVERDUE_FOREGROUND = QColor("#a1160a")
OVERDUE_BACKGROUND = QColor("#fde7e4")

_MODE_ORDER = {key: i for i, key in enumerate(mode_catalog().keys())}
_STATUS_ORDER = {key: i for i, key in enumerate(lifecycle.STATUSES)}


def core_language(language: str) -> str:
    """The language code the core's label functions take ("zh" or "en")."""
    return "en" if language == "en" else "zh"


def mode_label(key: str | None, language: str) -> str:
    """A TV mode's label in the interface language ("" for no mode)."""
    if not key:
        return ""
    try:
        return mode_catalog().get(key).label(core_language(language))
    except KeyError:
        return key


def _search_text(h: HotelView) -> str:
    parts = (h.name, h.address, h.contact_name, h.contact_phone, h.credit_code, h.person_in_charge)
    return "\n".join(p for p in parts if p).casefold()


class HotelTableModel(QAbstractTableModel):
    """Hotels as rows, ``COL_*`` as columns. GUI thread only; fill it with :meth:`set_hotels`."""

    def __init__(
        self, language: str = "zh_CN", parent: QObject | None = None, today: date | None = None
    ) -> None:
        super().__init__(parent)
        self.language = language
        self.today = today
        self._hotels: list[HotelView] = []
        self._row_of: dict[str, int] = {}
        self._search: list[str] = []

    # --- filling -------------------------------------------------------------------------------

    def set_hotels(self, hotels: Iterable[HotelView]) -> None:
        """Replace every row (a full reload)."""
        self.beginResetModel()
        self._hotels = list(hotels)
        self._reindex()
        self.endResetModel()

    def upsert(self, hotel: HotelView) -> int:
        """Replace the row of ``hotel`` (``dataChanged`` for that row, none when nothing differs) or append
        it; returns its row."""
        row = self._row_of.get(hotel.id)
        if row is None:
            row = len(self._hotels)
            self.beginInsertRows(QModelIndex(), row, row)
            self._hotels.append(hotel)
            self._row_of[hotel.id] = row
            self._search.append(_search_text(hotel))
            self.endInsertRows()
            return row
        if self._hotels[row] == hotel:
            return row  # already shown (the change signal re-reads a hotel its own form just saved)
        self._hotels[row] = hotel
        self._search[row] = _search_text(hotel)
        self.dataChanged.emit(self.index(row, 0), self.index(row, COLUMN_COUNT - 1))
        return row

    def remove(self, hotel_id: str) -> None:
        """Drop the row of a deleted hotel (nothing happens when it is not shown)."""
        row = self._row_of.get(hotel_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._hotels[row]
        self._reindex()
        self.endRemoveRows()

    def _reindex(self) -> None:
        self._row_of = {h.id: i for i, h in enumerate(self._hotels)}
        self._search = [_search_text(h) for h in self._hotels]

    # --- access --------------------------------------------------------------------------------

    def hotels(self) -> Sequence[HotelView]:
        return tuple(self._hotels)

    def hotel_at(self, row: int) -> HotelView | None:
        return self._hotels[row] if 0 <= row < len(self._hotels) else None

    def row_of(self, hotel_id: str) -> int | None:
        return self._row_of.get(hotel_id)

    def search_text(self, row: int) -> str:
        """Lower-cased name, address, contact, phone and credit code of a row (what search matches)."""
        return self._search[row]

    # --- Qt model API --------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._hotels)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < COLUMN_COUNT
        ):
            return translate("HotelTableModel", str(_HEADERS[section]))
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hotels):
            return None
        h = self._hotels[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(h, col)
        if role == SORT_ROLE:
            return self._sort_value(h, col)
        if role == HOTEL_ROLE:
            return h
        if role == ID_ROLE:
            return h.id
        if role == OVERDUE_ROLE:
            return h.overdue
        if role == Qt.ItemDataRole.ForegroundRole and h.overdue:
            return QBrush(OVERDUE_FOREGROUND)
        if role == Qt.ItemDataRole.BackgroundRole and h.overdue:
            return QBrush(OVERDUE_BACKGROUND)
        if role == Qt.ItemDataRole.FontRole and h.overdue and col in (COL_STATUS, COL_NEXT_DEADLINE):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(h, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_PILOT:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _display(self, h: HotelView, col: int) -> str:
        lang = core_language(self.language)
        if col == COL_DIVISION:
            return h.division_name
        if col == COL_NAME:
            return h.name
        if col == COL_PILOT:
            return translate("HotelTableModel", "是") if h.pilot else ""
        if col == COL_TV_SYSTEM:
            return h.tv_system or ""
        if col == COL_TARGET_MODE:
            return mode_label(h.target_mode, self.language)
        if col == COL_CURRENT_MODE:
            return mode_label(h.current_mode, self.language)
        if col == COL_STATUS:
            label = lifecycle.status_label(h.remediation_status, lang)
            return translate("HotelTableModel", "%1（已逾期）").replace("%1", label) if h.overdue else label
        if col == COL_LAST_INSPECTION:
            if h.last_inspection_at is None:
                return ""
            day = clock.fmt(h.last_inspection_at, "%Y-%m-%d")
            return f"{day} {lifecycle.result_label(h.last_result, lang)}" if h.last_result else day
        if col == COL_NEXT_DEADLINE:
            if h.next_deadline is None:
                return ""
            if h.overdue:
                days = ((self.today or clock.today()) - h.next_deadline).days
                return fill(
                    translate("HotelTableModel", "%1 逾期%2天"), h.next_deadline.isoformat(), str(days)
                )
            return h.next_deadline.isoformat()
        return ""

    @staticmethod
    def _sort_value(h: HotelView, col: int) -> str | int:
        if col == COL_DIVISION:
            return h.division_code
        if col == COL_NAME:
            return h.name
        if col == COL_PILOT:
            return int(h.pilot)
        if col == COL_TV_SYSTEM:
            return h.tv_system or ""
        if col == COL_TARGET_MODE:
            return _MODE_ORDER.get(h.target_mode or "", len(_MODE_ORDER))
        if col == COL_CURRENT_MODE:
            return _MODE_ORDER.get(h.current_mode, len(_MODE_ORDER))
        if col == COL_STATUS:
            # Overdue first among the rectifying: what needs a visit sorts together.
            return _STATUS_ORDER.get(h.remediation_status, len(_STATUS_ORDER)) * 2 + (0 if h.overdue else 1)
        if col == COL_LAST_INSPECTION:
            return h.last_inspection_at.isoformat() if h.last_inspection_at else ""
        if col == COL_NEXT_DEADLINE:
            return h.next_deadline.isoformat() if h.next_deadline else ""
        return ""

    def _tooltip(self, h: HotelView, col: int) -> str | None:
        if col == COL_NAME:
            return "\n".join(p for p in (h.name, h.address, h.contact_name, h.contact_phone) if p)
        if col == COL_NEXT_DEADLINE and h.overdue:
            return translate("HotelTableModel", "整改期限已过，需要复查")
        return None


class HotelFilterProxy(QSortFilterProxyModel):
    """Search and filters over a :class:`HotelTableModel`; sorts by ``SORT_ROLE``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._terms: list[str] = []
        self._division: str | None = None
        self._mode: str | None = None
        self._status: str | None = None
        self._pilot: bool | None = None
        self._kind: str | None = sites.DEFAULT  # the registry shows hotels unless asked otherwise
        self.setSortRole(SORT_ROLE)
        self.setSortLocaleAware(True)
        self.setDynamicSortFilter(True)

    # Every setter re-filters only when something changed, so typing the same text costs nothing.

    def _change(self, attribute: str, value: object) -> None:
        if getattr(self, attribute) == value:
            return
        self.beginFilterChange()
        setattr(self, attribute, value)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_search(self, text: str) -> None:
        """Rows whose name, address, contact, phone or credit code contain every word of ``text``."""
        self._change("_terms", text.casefold().split())

    def set_division(self, code: str | None) -> None:
        """A division code, or None for every division."""
        self._change("_division", code or None)

    def set_mode(self, key: str | None) -> None:
        """Current TV mode key, or None for every mode."""
        self._change("_mode", key or None)

    def set_status(self, status: str | None) -> None:
        """A remediation status key, ``"overdue"``, or None for every status."""
        self._change("_status", status or None)

    def set_pilot(self, pilot: bool | None) -> None:
        """Pilot hotels only (True), the others (False), or all (None)."""
        self._change("_pilot", pilot)

    def set_site_kind(self, kind: str | None) -> None:
        """Sites of one kind (a ``hoteltv.domain.sites`` key; hotels by default), or all (None)."""
        self._change("_kind", kind or None)

    def is_filtered(self) -> bool:
        return (
            bool(self._terms)
            or any(v is not None for v in (self._division, self._mode, self._status, self._pilot))
            or self._kind != sites.DEFAULT
        )

    def hotel(self, proxy_index: QModelIndex) -> HotelView | None:
        return proxy_index.data(HOTEL_ROLE) if proxy_index.isValid() else None

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, HotelTableModel):
            return True
        h = model.hotel_at(source_row)
        if h is None:
            return False
        if self._division is not None and h.division_code != self._division:
            return False
        if self._mode is not None and h.current_mode != self._mode:
            return False
        if self._status is not None:
            if self._status == "overdue":
                if not h.overdue:
                    return False
            elif h.remediation_status != self._status:
                return False
        if self._pilot is not None and h.pilot != self._pilot:
            return False
        if self._kind is not None and h.site_kind != self._kind:
            return False
        if self._terms:
            text = model.search_text(source_row)
            return all(term in text for term in self._terms)
        return True
