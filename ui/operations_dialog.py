"""执法行动 (enforcement operations): the list with its totals, and a form to record one.

The form asks what the half-year report counts: date, division, lead and joint departments (more than one
department makes it 联合执法), officers (人次), vehicles (车次), the sites checked (ticked from the registry
of that division, all kinds) and the site checks (个次, at least the sites ticked). The inspection records
made at the ticked sites on that day are linked to the operation when it is saved. The core
(``hoteltv.services.operations``) checks everything again: a refusal is shown under the form and nothing
is written.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hoteltv.domain import clock, sites
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from hoteltv.services import operations as op_service
from ui.context import AppContext
from ui.inspection.texts import error_text
from ui.messages import fill
from ui.qtdates import py_date, qt_date

SPIN_MAX = op_service.MAX_COUNT


def _inspections_on(ctx: AppContext, site_ids: list[str], day: date) -> list[str]:
    """Ids of the inspections started at these sites on ``day`` (bureau time)."""
    wanted = set(site_ids)
    return [
        i.id
        for i in insp_service.list_inspections(ctx.db)
        if i.hotel_id in wanted and i.started_at is not None and clock.bureau_date(i.started_at) == day
    ]


class OperationsDialog(QDialog):
    """The operations recorded on this laptop (synced ones included) and a form for a new one."""

    sig_changed = Signal()
    """An operation was saved or deleted (the dashboard's figures changed)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.lang = "zh" if ctx.language.startswith("zh") else "en"
        self.setWindowTitle(self.tr("执法行动"))
        self.resize(1180, 640)
        self._ops: list[op_service.OperationView] = []

        self.table = QTableWidget(0, 8, self)
        self.table.setObjectName("operationsTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("日期"),
                self.tr("县区"),
                self.tr("牵头部门"),
                self.tr("联合部门"),
                self.tr("人次"),
                self.tr("车次"),
                self.tr("检查个次"),
                self.tr("检查记录"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.totals = QLabel(self)
        self.totals.setObjectName("operationsTotals")
        self.totals.setWordWrap(True)
        self.delete_button = QPushButton(self.tr("删除选中…"), self)
        self.delete_button.clicked.connect(self.delete_selected)

        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addWidget(self.totals)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.delete_button)
        left.addLayout(row)

        box = QGroupBox(self.tr("记录一次执法行动"), self)
        form = QFormLayout(box)
        self.date_edit = QDateEdit(self)
        self.date_edit.setObjectName("opDate")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        today = clock.today()
        self.date_edit.setDate(qt_date(today))
        self.division = QComboBox(self)
        self.division.setObjectName("opDivision")
        for d in ctx.divisions.divisions:
            self.division.addItem(d.name, d.code)
        self.division.currentIndexChanged.connect(self._load_sites)
        self.lead = QLineEdit(self)
        self.lead.setObjectName("opLead")
        self.lead.setPlaceholderText(self.tr("如 腾冲市文化和旅游局"))
        self.joint = QLineEdit(self)
        self.joint.setObjectName("opJoint")
        self.joint.setPlaceholderText(self.tr("多个部门用顿号分开，如 公安局、市场监管局"))
        self.officers = self._spin("opOfficers")
        self.vehicles = self._spin("opVehicles")
        self.site_checks = self._spin("opSiteChecks")
        self.sites = QListWidget(self)
        self.sites.setObjectName("opSites")
        self.sites.setMinimumHeight(150)
        self.sites.itemChanged.connect(self._sites_changed)
        self.notes = QLineEdit(self)
        self.notes.setObjectName("opNotes")
        form.addRow(self.tr("日期"), self.date_edit)
        form.addRow(self.tr("县区"), self.division)
        form.addRow(self.tr("牵头部门 *"), self.lead)
        form.addRow(self.tr("联合部门"), self.joint)
        form.addRow(self.tr("出动执法人员（人次）"), self.officers)
        form.addRow(self.tr("出动车辆（车次）"), self.vehicles)
        form.addRow(self.tr("检查的场所"), self.sites)
        form.addRow(self.tr("检查场所（个次）"), self.site_checks)
        form.addRow(self.tr("备注"), self.notes)
        self.error = QLabel(self)
        self.error.setObjectName("errorText")
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        self.error.hide()
        form.addRow(self.error)
        self.save_button = QPushButton(self.tr("保存执法行动"), self)
        self.save_button.setObjectName("saveOperation")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        form.addRow(self.save_button)

        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addWidget(box, 2)
        self.reload()
        self._load_sites()

    def _spin(self, name: str) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setObjectName(name)
        spin.setRange(0, SPIN_MAX)
        return spin

    # --- loading --------------------------------------------------------------------------------
    def reload(self) -> None:
        db = self.ctx.db
        self.ctx.runner.submit(
            lambda _p: op_service.list_operations(db),
            on_done=self._loaded,
            on_error=self._failed,
            label=self.tr("读取执法行动"),
            write=False,
        )

    def _loaded(self, ops: list[op_service.OperationView]) -> None:
        self._ops = ops
        self.table.setRowCount(len(ops))
        for r, o in enumerate(ops):
            cells = [
                o.op_date.isoformat(),
                o.division_name,
                o.lead_department,
                "、".join(o.joint_departments),
                str(o.officers),
                str(o.vehicles),
                str(o.site_checks),
                str(len(o.inspection_ids)),
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c >= 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.totals.setText(
            fill(
                self.tr("共 %1 次，其中联合执法 %2 次；出动执法人员 %3 人次、车辆 %4 车次，检查场所 %5 个次"),
                str(len(ops)),
                str(sum(o.joint for o in ops)),
                str(sum(o.officers for o in ops)),
                str(sum(o.vehicles for o in ops)),
                str(sum(o.site_checks for o in ops)),
            )
        )

    def _load_sites(self) -> None:
        db, code = self.ctx.db, self.division.currentData()
        self.ctx.runner.submit(
            lambda _p: hotel_service.list_hotels(db, division=code, site_kind=None),
            on_done=self._sites_loaded,
            on_error=self._failed,
            label=self.tr("读取场所"),
            write=False,
        )

    def _sites_loaded(self, views: list[hotel_service.HotelView]) -> None:
        self.sites.blockSignals(True)
        self.sites.clear()
        for h in views:
            item = QListWidgetItem(f"{h.name}（{sites.site_kind_label(h.site_kind, self.lang)}）")
            item.setData(Qt.ItemDataRole.UserRole, h.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.sites.addItem(item)
        self.sites.blockSignals(False)

    def checked_sites(self) -> list[str]:
        return [
            self.sites.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.sites.count())
            if self.sites.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _sites_changed(self, _item: Any) -> None:
        # Each site ticked is at least one check.
        self.site_checks.setValue(max(self.site_checks.value(), len(self.checked_sites())))

    # --- saving ---------------------------------------------------------------------------------
    def value(self) -> op_service.OperationInput:
        return op_service.OperationInput(
            op_date=py_date(self.date_edit.date()),
            division_code=self.division.currentData() or "",
            lead_department=self.lead.text(),
            joint_departments=(self.joint.text(),),
            officers=self.officers.value(),
            vehicles=self.vehicles.value(),
            site_checks=self.site_checks.value(),
            site_ids=tuple(self.checked_sites()),
            notes=self.notes.text(),
        )

    def save(self) -> None:
        data = self.value()
        ctx, actor = self.ctx, self.ctx.actor

        def job(_p: Any) -> op_service.OperationView:
            linked = _inspections_on(ctx, list(data.site_ids), data.op_date)
            return op_service.add_operation(
                ctx.db, replace(data, inspection_ids=tuple(linked)), ctx.divisions, actor=actor
            )

        self.save_button.setEnabled(False)
        self.ctx.runner.submit(
            job, on_done=self._saved, on_error=self._refused, label=self.tr("保存执法行动")
        )

    def _saved(self, _view: op_service.OperationView) -> None:
        self.save_button.setEnabled(True)
        self.error.hide()
        for widget in (self.officers, self.vehicles, self.site_checks):
            widget.setValue(0)
        self.notes.clear()
        self._load_sites()
        self.reload()
        self.sig_changed.emit()

    def _refused(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        self.error.setText(error_text(exc))
        self.error.show()

    def _failed(self, exc: Exception) -> None:
        self.error.setText(error_text(exc))
        self.error.show()

    def delete_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        if not rows:
            return
        answer = QMessageBox.question(
            self,
            self.tr("删除执法行动"),
            self.tr("删除选中的 %1 次执法行动？").replace("%1", str(len(rows))),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        ids = [self._ops[r].id for r in rows]
        ctx, actor = self.ctx, self.ctx.actor

        def job(_p: Any) -> None:
            for op_id in ids:
                op_service.delete_operation(ctx.db, op_id, actor=actor)

        self.ctx.runner.submit(job, on_done=lambda _r: self._saved_delete(), on_error=self._failed)

    def _saved_delete(self) -> None:
        self.reload()
        self.sig_changed.emit()
