"""The inspection window's header: hotel, record number, kind, status, notices, the team, IDs shown, the
on-site contact and the start and end times.

Edits go out through the ``save`` function the window gives (``save(contact_on_site="…")``, the fields of
:class:`hoteltv.services.inspections.HeaderFields`); "更改…" asks the window to change the team.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hoteltv.domain import clock
from hoteltv.services.inspections import InspectionView
from hoteltv.services.notices import NoticeView
from ui.inspection.fields import Fields
from ui.inspection.texts import kind_text, local_time
from ui.messages import fill
from ui.qtdates import py_datetime

#: What an empty time field holds (shown as its special text: 未填 / 定稿时自动填写).
NO_END_TIME = QDateTime.fromString("2000-01-01T00:00:00", Qt.DateFormat.ISODate)


class InspectionHeader(QFrame):
    """The two header lines above the form."""

    sig_change_team = Signal()
    """The inspector asked to change the team (更改…)."""

    def __init__(
        self, parent: QWidget, fields: Fields, save: Callable[..., None], editable: Callable[[], bool]
    ) -> None:
        super().__init__(parent)
        self.setObjectName("inspectionHeader")
        self._save = save
        self._editable = editable
        self.view: InspectionView | None = None
        self._fields = fields
        rows = QVBoxLayout(self)
        rows.setContentsMargins(10, 5, 10, 5)
        rows.setSpacing(3)

        # Three short lines rather than two long ones: at the window's minimum width (and in English)
        # the team's names and the end time must stay whole.
        line = QHBoxLayout()
        self.hotel_title = QLabel(self)
        self.hotel_title.setObjectName("hotelTitle")
        line.addWidget(self.hotel_title)
        self.record_label = QLabel(self)
        self.record_label.setObjectName("recordNumber")
        self.record_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        line.addSpacing(12)
        line.addWidget(self.record_label)
        self.kind_label = QLabel(self)
        line.addSpacing(8)
        line.addWidget(self.kind_label)
        self.status_badge = QLabel(self)
        self.status_badge.setObjectName("statusBadge")
        line.addSpacing(8)
        line.addWidget(self.status_badge)
        self.notice_label = QLabel(self)
        self.notice_label.setObjectName("noticeInfo")
        self.notice_label.setWordWrap(True)  # two notices (a re-inspection that issued one) may wrap
        line.addSpacing(12)
        line.addWidget(self.notice_label, 1)
        rows.addLayout(line)

        line = QHBoxLayout()
        line.addWidget(QLabel(self.tr("检查人员："), self))
        self.team_label = QLabel(self)
        self.team_label.setObjectName("teamNames")
        self.team_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        line.addWidget(self.team_label)
        self.team_button = QToolButton(self)
        self.team_button.setText(self.tr("更改…"))
        self.team_button.clicked.connect(self.sig_change_team)
        line.addWidget(self.team_button)
        line.addSpacing(12)
        self.ids_shown = QCheckBox(self.tr("已出示执法证件"), self)
        self.ids_shown.clicked.connect(lambda checked: self._save(ids_shown=checked))
        line.addWidget(self.ids_shown)
        line.addStretch(1)
        rows.addLayout(line)

        line = QHBoxLayout()
        self.contact_edit = QLineEdit(self)
        self.contact_edit.setPlaceholderText(self.tr("未填"))
        self.contact_edit.setFixedWidth(110)
        self.phone_edit = QLineEdit(self)
        self.phone_edit.setPlaceholderText(self.tr("未填"))
        self.phone_edit.setFixedWidth(130)
        for caption, edit in ((self.tr("现场联系人"), self.contact_edit), (self.tr("电话"), self.phone_edit)):
            label = QLabel(caption, self)
            label.setBuddy(edit)
            line.addWidget(label)
            line.addWidget(edit)
            line.addSpacing(8)
        fields.watch(self.contact_edit, lambda text: self._save(contact_on_site=text))
        fields.watch(self.phone_edit, lambda text: self._save(contact_phone=text))
        line.addSpacing(4)
        self.start_edit = self._datetime_edit(self.tr("未填"))
        self.end_edit = self._datetime_edit(self.tr("定稿时自动填写"))
        self.start_edit.editingFinished.connect(lambda: self._time_edited(self.start_edit, "started_at"))
        self.end_edit.editingFinished.connect(lambda: self._time_edited(self.end_edit, "ended_at"))
        for caption, time_edit in ((self.tr("开始"), self.start_edit), (self.tr("结束"), self.end_edit)):
            label = QLabel(caption, self)
            label.setBuddy(time_edit)
            line.addWidget(label)
            line.addWidget(time_edit)
            line.addSpacing(8)
        line.addStretch(1)
        rows.addLayout(line)

    def _datetime_edit(self, empty_text: str) -> QDateTimeEdit:
        edit = QDateTimeEdit(self)
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        edit.setMinimumDateTime(NO_END_TIME)
        edit.setSpecialValueText(empty_text)
        edit.setCalendarPopup(True)
        edit.setMinimumWidth(150)
        return edit

    # --- showing ---------------------------------------------------------------------------------
    def fill(self, view: InspectionView) -> None:
        """Put the stored contact and times into their fields (on load, not after each save)."""
        self._fields.show(self.contact_edit, view.contact_on_site)
        self._fields.show(self.phone_edit, view.contact_phone)
        for edit, value in ((self.start_edit, view.started_at), (self.end_edit, view.ended_at)):
            edit.blockSignals(True)
            edit.setDateTime(
                QDateTime(clock.bureau_time(value).replace(tzinfo=None)) if value else NO_END_TIME
            )
            edit.blockSignals(False)

    def show_view(
        self, view: InspectionView, language: str, notices: tuple[NoticeView | None, NoticeView | None]
    ) -> None:
        """Show the record's titles, status, team and notices (``notices``: answered, issued)."""
        self.view = view
        self.hotel_title.setText(f"{view.hotel_name}  ·  {view.division_name}")
        version = ""
        if view.supersedes_id:
            version = self.tr("（更正版）")
        self.record_label.setText(self.tr("记录编号 %1").replace("%1", view.record_number) + version)
        self.kind_label.setText(kind_text(view.kind, language))
        if view.superseded_by_id:
            status, text = "superseded", self.tr("已定稿，已被更正")
        elif view.editable:
            status, text = "draft", self.tr("草稿 · 自动保存")
        else:
            status, text = "finalized", self.tr("已定稿 %1").replace("%1", local_time(view.finalized_at))
        self.status_badge.setText(text)
        self.status_badge.setProperty("status", status)
        self.status_badge.style().unpolish(self.status_badge)
        self.status_badge.style().polish(self.status_badge)
        self.team_label.setText(
            self.tr("、").join(  # list separator
                fill(self.tr("%1（%2）"), i.name, i.enforcement_id) for i in view.inspectors
            )
            or self.tr("未选")
        )
        self.ids_shown.setChecked(view.ids_shown)
        answered, issued = notices
        shown = []
        if answered:
            shown.append(self.tr("复查整改通知 %1").replace("%1", self._notice_text(answered)))
        if issued:
            shown.append(self.tr("已下发整改通知 %1").replace("%1", self._notice_text(issued)))
        self.notice_label.setText("    ".join(shown))

    def _notice_text(self, notice: NoticeView) -> str:
        status = {
            "open": self.tr("整改中"),
            "closed": self.tr("已关闭"),
            "superseded": self.tr("已被新通知取代"),
        }.get(notice.status, notice.status)
        return fill(self.tr("%1（期限 %2，%3）"), notice.number, f"{notice.deadline:%Y-%m-%d}", status)

    def set_editable(self, editable: bool) -> None:
        for edit in (self.contact_edit, self.phone_edit):
            edit.setReadOnly(not editable)
        for dt in (self.start_edit, self.end_edit):
            dt.setReadOnly(not editable)
            dt.setCalendarPopup(editable)
        self.ids_shown.setEnabled(editable)
        self.team_button.setVisible(editable)

    def focus_field(self, key: str) -> None:
        """Put the cursor in a header field (``ids_shown``, ``inspectors``, a time or a contact field)."""
        target: QWidget = {
            "ids_shown": self.ids_shown,
            "inspectors": self.team_button,
            "started_at": self.start_edit,
            "ended_at": self.end_edit,
        }.get(key, self.contact_edit)
        target.setFocus()

    # --- saving ----------------------------------------------------------------------------------
    def _time_edited(self, edit: QDateTimeEdit, name: str) -> None:
        if not self._editable() or edit.dateTime() == NO_END_TIME:
            return
        local = py_datetime(edit.dateTime())  # naive, in the bureau's time zone
        value = local.replace(tzinfo=clock.zone())
        current: Any = getattr(self.view, name, None)
        if current is not None and abs((current - value).total_seconds()) < 60:
            return  # same minute as stored: nothing changed
        self._save(**{name: value})
