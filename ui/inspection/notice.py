"""Issuing a rectification notice (整改通知书) after a failed inspection, and extending its deadline.

The failed items come prefilled (``notices.default_items``): each can be unticked, and its "what to fix"
edited. The deadline defaults to today + the ``notice_deadline_days`` setting, the re-inspection date to
the deadline, the authority to the ``authority`` setting; all are editable. The notice takes its 文号,
legal basis and review bodies from the settings (``NoticeTerms``). When it is handed over on the spot, how
it was served can be recorded at once: the name of who signed the receipt, or a refusal with the witness
(留置送达; prefilled when the hotel already refused to sign the sheet). The core checks the dates and
issues the notice; its refusal is shown in the dialog, which stays open.

An issued notice is sealed and never edited: :class:`ExtendNoticeDialog` (延期) asks for the new deadline
and the reason and has the core issue a new version with its own code (``notices.extend_notice``); the
new version keeps the 文号 and the terms, and its own delivery is recorded when it is served.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hoteltv.domain import clock
from hoteltv.services import notices as notice_service
from hoteltv.services.inspections import InspectionView
from hoteltv.services.notices import NoticeItem, NoticeView
from ui.context import AppContext
from ui.dialog_parts import error_line, ok_cancel
from ui.inspection.texts import answer_text, error_text, lang_of, place_text
from ui.qtdates import py_date


class NoticeDialog(QDialog):
    """Review the problems, dates and authority, then issue the notice."""

    COL_TICK, COL_PLACE, COL_ITEM, COL_SEEN, COL_RULE, COL_FIX = range(6)

    def __init__(self, ctx: AppContext, view: InspectionView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view = view
        self.notice: NoticeView | None = None
        self.setWindowTitle(self.tr("下发整改通知书 — %1").replace("%1", view.hotel_name))
        lang = lang_of(ctx.language)
        template = view.template
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr("检查记录 %1 的不合格项已列出。取消勾选不列入通知的项目，可修改每项的整改要求。").replace(
                "%1", view.record_number
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.items = notice_service.default_items(view)
        self.table = QTableWidget(len(self.items), 6, self)
        self.table.setHorizontalHeaderLabels(
            [
                "",
                self.tr("位置"),
                self.tr("检查项目"),
                self.tr("检查情况"),
                self.tr("违反的规定"),
                self.tr("整改要求"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.ticks: list[QCheckBox] = []
        self.fixes: list[QLineEdit] = []
        for row, item in enumerate(self.items):
            tick = QCheckBox(self.table)
            tick.setChecked(True)
            tick.setToolTip(self.tr("列入整改通知"))
            holder = QWidget(self.table)
            hl = QHBoxLayout(holder)
            hl.setContentsMargins(6, 0, 0, 0)
            hl.addWidget(tick)
            self.table.setCellWidget(row, self.COL_TICK, holder)
            self.ticks.append(tick)
            checklist_item = template.item(item.item_key) if template.has_item(item.item_key) else None
            seen = answer_text(checklist_item, item.value, lang) if checklist_item else str(item.value)
            label = checklist_item.label.get(lang) if checklist_item else item.label
            for col, text in (
                (self.COL_PLACE, place_text(item.room)),
                (self.COL_ITEM, label),
                (self.COL_SEEN, seen),
                (self.COL_RULE, item.rule),
            ):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, col, cell)
            fix = QLineEdit(item.fix, self.table)
            fix.setToolTip(self.tr("整改要求（可修改）"))
            self.table.setCellWidget(row, self.COL_FIX, fix)
            self.fixes.append(fix)
            tick.toggled.connect(fix.setEnabled)
            tick.toggled.connect(self._update)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.COL_TICK, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(self.COL_TICK, 34)
        for col, width in (
            (self.COL_PLACE, 70),
            (self.COL_ITEM, 190),
            (self.COL_SEEN, 70),
            (self.COL_RULE, 240),
        ):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(self.COL_FIX, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        layout.addWidget(self.table, 1)

        form = QFormLayout()
        today = clock.today()
        dates = notice_service.default_dates(ctx.settings, today)  # the core's default, from the settings
        days = dates.days
        self.deadline = QDateEdit(QDate(dates.deadline), self)
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy-MM-dd")
        self.deadline.setMinimumDate(QDate(today))
        self.reinspection = QDateEdit(QDate(dates.reinspection), self)
        self.reinspection.setCalendarPopup(True)
        self.reinspection.setDisplayFormat("yyyy-MM-dd")
        self.reinspection.setMinimumDate(self.deadline.date())
        self.deadline.dateChanged.connect(self._deadline_changed)
        self.authority = QLineEdit(str(ctx.settings.get("authority")), self)
        self.authority.setMaximumWidth(420)
        form.addRow(
            self.tr("整改期限"),
            self._with_hint(self.deadline, self.tr("默认 %1 天").replace("%1", str(days))),
        )
        form.addRow(self.tr("复查日期"), self._with_hint(self.reinspection, self.tr("不早于整改期限")))
        form.addRow(self.tr("下发机关"), self.authority)
        # Served on the spot (optional: left blank, the receipt is filled in by hand or recorded later).
        self.recipient = QLineEdit(self)
        self.recipient.setPlaceholderText(self.tr("当场签收的，填写签收人姓名"))
        self.recipient.setMaximumWidth(260)
        self.refused = QCheckBox(self.tr("拒绝签收（留置送达）"), self)
        self.witness = QLineEdit(self)
        self.witness.setPlaceholderText(self.tr("见证人姓名及身份"))
        self.witness.setMaximumWidth(260)
        if view.refusal is not None:  # the hotel refused to sign the sheet: likely the receipt too
            self.refused.setChecked(True)
            self.witness.setText(view.refusal.witness)
        self.refused.toggled.connect(self._refused_toggled)
        self._refused_toggled(self.refused.isChecked())
        served = QWidget(self)
        served_row = QHBoxLayout(served)
        served_row.setContentsMargins(0, 0, 0, 0)
        served_row.addWidget(self.recipient)
        served_row.addSpacing(12)
        served_row.addWidget(self.refused)
        served_row.addWidget(self.witness)
        served_row.addStretch(1)
        form.addRow(self.tr("送达"), served)
        layout.addLayout(form)

        self.error = error_line(self)
        layout.addWidget(self.error)
        self.buttons, self.issue_button = ok_cancel(self, self.tr("下发通知"), self._issue)
        layout.addWidget(self.buttons)
        self.resize(1000, 480)
        self._update()

    def _with_hint(self, widget: QWidget, hint: str) -> QWidget:
        holder = QWidget(self)
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(widget)
        note = QLabel(hint, holder)
        note.setObjectName("hintText")
        row.addWidget(note)
        row.addStretch(1)
        return holder

    def _refused_toggled(self, refused: bool) -> None:
        self.witness.setEnabled(refused)
        self.recipient.setEnabled(not refused)

    def delivery(self) -> notice_service.Delivery | None:
        """How the notice is served on the spot, as typed (None: not recorded now)."""
        if self.refused.isChecked():
            return notice_service.Delivery(True, "", self.witness.text().strip(), None)
        name = self.recipient.text().strip()
        return notice_service.Delivery(False, name, "", None) if name else None

    def _deadline_changed(self, day: QDate) -> None:
        self.reinspection.setMinimumDate(day)  # a re-inspection comes after the deadline

    def _update(self, *_args: object) -> None:
        self.issue_button.setEnabled(any(t.isChecked() for t in self.ticks))

    def chosen_items(self) -> list[NoticeItem]:
        return [
            replace(item, fix=fix.text().strip() or item.fix)
            for item, tick, fix in zip(self.items, self.ticks, self.fixes, strict=True)
            if tick.isChecked()
        ]

    def _issue(self) -> None:
        db, actor, iid = self.ctx.db, self.ctx.actor, self.view.id
        items = self.chosen_items()
        deadline = py_date(self.deadline.date())
        reinspection = py_date(self.reinspection.date())
        authority = self.authority.text().strip() or None
        delivery = self.delivery()
        terms = notice_service.NoticeTerms.from_settings(self.ctx.settings)
        self.issue_button.setEnabled(False)

        def issue(_progress: object) -> NoticeView:
            return notice_service.issue_notice(
                db,
                iid,
                deadline=deadline,
                reinspection_date=reinspection,
                items=items,
                authority=authority,
                terms=terms,
                delivery=delivery,
                actor=actor,
            )

        self.ctx.runner.submit(issue, on_done=self._issued, on_error=self._failed, label="issue notice")

    def _issued(self, notice: NoticeView) -> None:
        self.notice = notice
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.issue_button.setEnabled(True)
        self.error.setText(error_text(exc))
        self.error.show()


class ExtendNoticeDialog(QDialog):
    """延期: a new version of an open notice with a later deadline and the reason (never an edit)."""

    def __init__(self, ctx: AppContext, notice: NoticeView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.old = notice
        self.notice: NoticeView | None = None
        self.setWindowTitle(self.tr("整改通知延期 — %1").replace("%1", notice.number))
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "已下发的整改通知书不能修改。延期将生成该通知书的新版本（新的校验码），"
                "原版本作废并保留在记录中。原整改期限：%1"
            ).replace("%1", f"{notice.deadline:%Y-%m-%d}"),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        first = QDate(notice.deadline).addDays(1)
        self.deadline = QDateEdit(QDate(notice.deadline).addDays(7), self)
        self.deadline.setObjectName("extendDeadline")
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy-MM-dd")
        self.deadline.setMinimumDate(first)
        self.reinspection = QDateEdit(self.deadline.date(), self)
        self.reinspection.setCalendarPopup(True)
        self.reinspection.setDisplayFormat("yyyy-MM-dd")
        self.reinspection.setMinimumDate(self.deadline.date())
        self.deadline.dateChanged.connect(self._deadline_changed)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("extendReason")
        self.reason.setPlaceholderText(self.tr("例如：酒店申请，设备到货延迟"))
        self.reason.textChanged.connect(self._update)
        form.addRow(self.tr("新的整改期限"), self.deadline)
        form.addRow(self.tr("复查日期"), self.reinspection)
        form.addRow(self.tr("延期理由"), self.reason)
        layout.addLayout(form)
        self.error = error_line(self)
        layout.addWidget(self.error)
        self.buttons, self.extend_button = ok_cancel(self, self.tr("生成延期通知"), self._extend)
        layout.addWidget(self.buttons)
        self._update()

    def _deadline_changed(self, day: QDate) -> None:
        self.reinspection.setMinimumDate(day)

    def _update(self, *_args: object) -> None:
        self.extend_button.setEnabled(bool(self.reason.text().strip()))

    def _extend(self) -> None:
        db, actor, notice_id = self.ctx.db, self.ctx.actor, self.old.id
        deadline = py_date(self.deadline.date())
        reinspection = py_date(self.reinspection.date())
        reason = self.reason.text().strip()
        self.extend_button.setEnabled(False)

        def extend(_progress: object) -> NoticeView:
            return notice_service.extend_notice(
                db, notice_id, deadline=deadline, reinspection_date=reinspection, reason=reason, actor=actor
            )

        self.ctx.runner.submit(extend, on_done=self._extended, on_error=self._failed, label="extend notice")

    def _extended(self, notice: NoticeView) -> None:
        self.notice = notice
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self._update()
        self.error.setText(error_text(exc))
        self.error.show()
