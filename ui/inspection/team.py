"""Choosing the inspection team: at least the minimum (``lifecycle.MIN_INSPECTORS``), the last team ticked again, new
ones added inline."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hoteltv.domain import lifecycle
from hoteltv.domain.checklist import ChecklistTemplate, latest_template, template_ids
from hoteltv.services import inspections as insp_service
from hoteltv.services.inspections import InspectionSummary, InspectorView
from ui.context import AppContext
from ui.dialog_parts import error_line, ok_cancel
from ui.inspection.texts import error_text, local_time
from ui.messages import confirm_discard, fill


class TeamDialog(QDialog):
    """Tick the inspectors of this visit (order of ticking = order on the record)."""

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        title: str = "",
        selected: list[str] | None = None,
        hotel_id: str | None = None,
    ) -> None:
        """``hotel_id``: offer to continue a draft of this hotel instead of starting another one."""
        super().__init__(parent)
        self.ctx = ctx
        self.hotel_id = hotel_id
        self.resume_id: str | None = None
        """Set when the user chose to continue an existing draft (the dialog is accepted)."""
        self.setWindowTitle(title or self.tr("选择检查人员"))
        self._order: list[str] = []
        self._preselect = selected
        layout = QVBoxLayout(self)

        self.draft_box = QFrame(self)
        self.draft_box.setObjectName("draftBox")
        self.draft_box.setStyleSheet("#draftBox { background: #fff7e6; border: 1px solid #f0c36d; }")
        draft_row = QHBoxLayout(self.draft_box)
        self.draft_label = QLabel(self.draft_box)
        self.draft_label.setWordWrap(True)
        draft_row.addWidget(self.draft_label, 1)
        self.resume_button = QPushButton(self.tr("继续草稿"), self.draft_box)
        self.resume_button.setObjectName("resumeDraft")
        self.resume_button.clicked.connect(self._resume)
        draft_row.addWidget(self.resume_button)
        self.discard_button = QPushButton(self.tr("放弃草稿…"), self.draft_box)
        self.discard_button.setObjectName("discardDraft")
        self.discard_button.setAutoDefault(False)
        self.discard_button.clicked.connect(self._discard)
        draft_row.addWidget(self.discard_button)
        self.draft_box.hide()
        layout.addWidget(self.draft_box)
        self._draft_id: str | None = None

        # A first inspection may use any shipped checklist (hotel TV, satellite facilities, …).
        self.template_combo = QComboBox(self)
        self.template_combo.setObjectName("templateCombo")
        lang = "zh" if ctx.language.startswith("zh") else "en"
        for tid in template_ids():
            tpl = latest_template(tid)
            self.template_combo.addItem(tpl.title.get(lang), tid)
        self.template_combo.setCurrentIndex(max(0, self.template_combo.findData("hotel_tv")))
        template_row = QHBoxLayout()
        template_row.addWidget(QLabel(self.tr("检查表"), self))
        template_row.addWidget(self.template_combo, 1)
        layout.addLayout(template_row)
        if hotel_id is None or self.template_combo.count() < 2:
            self.template_combo.hide()
            for i in range(template_row.count()):
                item = template_row.itemAt(i)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.hide()

        intro = QLabel(
            self.tr("勾选本次参加检查的执法人员（至少 %1 名）。").replace(
                "%1", str(lifecycle.MIN_INSPECTORS)
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget(self)
        self.list.setMinimumHeight(180)
        self.list.setStyleSheet("QListWidget::item { padding: 5px 2px; }")
        self.list.itemChanged.connect(self._item_changed)
        # A click anywhere on a row ticks it (the check box alone is a small target on a touchpad).
        self.list.itemPressed.connect(self._pressed)
        self.list.itemClicked.connect(self._clicked)
        self._state_at_press: Qt.CheckState | None = None
        layout.addWidget(self.list, 1)
        self.count_label = QLabel(self)
        layout.addWidget(self.count_label)

        box = QGroupBox(self.tr("新增检查人员"), self)
        grid = QGridLayout(box)
        self.new_name = QLineEdit(box)
        self.new_name.setPlaceholderText(self.tr("姓名"))
        self.new_id = QLineEdit(box)
        self.new_id.setPlaceholderText(self.tr("执法证号"))
        self.add_button = QPushButton(self.tr("添加"), box)
        self.add_button.clicked.connect(self._add)
        self.new_id.returnPressed.connect(self._add)
        grid.addWidget(QLabel(self.tr("姓名"), box), 0, 0)
        grid.addWidget(self.new_name, 0, 1)
        grid.addWidget(QLabel(self.tr("执法证号"), box), 0, 2)
        grid.addWidget(self.new_id, 0, 3)
        grid.addWidget(self.add_button, 0, 4)
        self.add_error = error_line(box)
        grid.addWidget(self.add_error, 1, 0, 1, 5)
        layout.addWidget(box)

        self.buttons, self.ok_button = ok_cancel(self, self.tr("开始检查"), self.accept)
        layout.addWidget(self.buttons)
        self.resize(560, 460)
        self._update()
        self._load()

    def selected_template(self) -> ChecklistTemplate | None:
        """The checklist picked for a first inspection (``None``: the service's default)."""
        tid = self.template_combo.currentData()
        return latest_template(tid) if self.template_combo.isVisibleTo(self) and tid else None

    # --- loading ----------------------------------------------------------------------------------
    def _load(self) -> None:
        db = self.ctx.db
        preselect = self._preselect

        hotel_id = self.hotel_id

        def read(_progress: object) -> tuple[list[InspectorView], list[str], list[InspectionSummary]]:
            team = preselect if preselect is not None else insp_service.last_team(db)
            drafts = insp_service.list_inspections(db, hotel_id=hotel_id, status="draft") if hotel_id else []
            return insp_service.list_inspectors(db), team, drafts

        self.ctx.runner.submit(
            read, on_done=self._loaded, on_error=self._failed, label="inspectors", write=False
        )

    def _loaded(self, result: tuple[list[InspectorView], list[str], list[InspectionSummary]]) -> None:
        inspectors, team, drafts = result
        if drafts:
            draft = drafts[0]
            self._draft_id = draft.id
            self.draft_label.setText(
                fill(
                    self.tr("这家酒店已有未定稿的检查记录 %1（开始于 %2）。可以继续填写，不必另起一份。"),
                    draft.record_number,
                    local_time(draft.started_at),
                )
            )
            self.draft_box.show()
            # Continuing is what the inspector almost always wants: Enter does that, not a second draft.
            self.ok_button.setDefault(False)
            self.ok_button.setAutoDefault(False)
            self.ok_button.setText(self.tr("另起新检查"))
            self.resume_button.setDefault(True)
            self.resume_button.setFocus()
        self.list.blockSignals(True)
        self.list.clear()
        for inspector in inspectors:
            self._append(inspector, inspector.id in team)
        self.list.blockSignals(False)
        self._order = [i for i in team if any(v.id == i for v in inspectors)]
        self._update()
        if not inspectors:
            self.new_name.setFocus()

    def _append(self, inspector: InspectorView, checked: bool) -> QListWidgetItem:
        item = QListWidgetItem(fill(self.tr("%1    执法证号 %2"), inspector.name, inspector.enforcement_id))
        item.setData(Qt.ItemDataRole.UserRole, inspector.id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.addItem(item)
        return item

    def _failed(self, exc: Exception) -> None:
        self.add_error.setText(error_text(exc))
        self.add_error.show()

    # --- editing ----------------------------------------------------------------------------------
    def _item_changed(self, item: QListWidgetItem) -> None:
        iid = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked and iid not in self._order:
            self._order.append(iid)
        elif item.checkState() != Qt.CheckState.Checked and iid in self._order:
            self._order.remove(iid)
        self._update()

    def _pressed(self, item: QListWidgetItem) -> None:
        self._state_at_press = item.checkState()

    def _clicked(self, item: QListWidgetItem) -> None:
        if item.checkState() == self._state_at_press:  # the click was not on the check box itself
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
        self._state_at_press = None

    def _update(self) -> None:
        n = len(self._order)
        self.count_label.setText(self.tr("已选 %1 名").replace("%1", str(n)))
        self.ok_button.setEnabled(n >= lifecycle.MIN_INSPECTORS)

    def _add(self) -> None:
        name, enforcement_id = self.new_name.text().strip(), self.new_id.text().strip()
        db, actor = self.ctx.db, self.ctx.actor
        self.add_button.setEnabled(False)

        def add(_progress: object) -> InspectorView:
            return insp_service.add_inspector(db, name, enforcement_id, actor=actor)

        self.ctx.runner.submit(add, on_done=self._added, on_error=self._add_failed, label="add inspector")

    def _added(self, inspector: InspectorView) -> None:
        self.add_button.setEnabled(True)
        self.add_error.hide()
        self.new_name.clear()
        self.new_id.clear()
        item = self._append(inspector, True)  # itemChanged is not emitted by addItem: record the tick here
        if inspector.id not in self._order:
            self._order.append(inspector.id)
        self.list.scrollToItem(item)
        self._update()
        self.new_name.setFocus()

    def _add_failed(self, exc: Exception) -> None:
        self.add_button.setEnabled(True)
        self._failed(exc)

    def _discard(self) -> None:
        """放弃草稿 (confirmed): the draft is tombstoned (and the tombstone syncs); a new one can start."""
        draft_id = self._draft_id
        if draft_id is None or not confirm_discard(self, self.draft_label.text()):
            return
        db, actor = self.ctx.db, self.ctx.actor

        def discarded(_result: object) -> None:
            self._draft_id = None
            self.draft_box.hide()
            self.ok_button.setText(self.tr("开始检查"))
            self.ok_button.setAutoDefault(True)
            self.ok_button.setDefault(True)

        self.ctx.runner.submit(
            lambda _p: insp_service.discard_draft(db, draft_id, actor=actor),
            on_done=discarded,
            on_error=self._failed,
            label="discard draft",
        )

    def _resume(self) -> None:
        self.resume_id = self._draft_id
        self.accept()

    def selected_ids(self) -> list[str]:
        """Inspector ids in the order they were ticked (the last team first, in its order)."""
        return list(self._order)
