"""The inspection window's 结论与签字 page: findings, the hotel's opinion and signatory, a refusal to sign
with its witness, and the signatures (one row per inspector and one for the hotel or the witness).

Text fields are saved through the window's ``save`` (header fields); the refusal through ``save_refusal``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hoteltv.services.inspections import InspectionView
from ui.inspection.fields import Fields
from ui.inspection.signature import SignatureDialog, SignaturePreview
from ui.inspection.texts import local_time


class SignatureSlot(NamedTuple):
    """The widgets of one signer's row on the conclusion page."""

    label: QLabel
    preview: SignaturePreview
    sign_button: QPushButton
    clear_button: QPushButton


class ConclusionPage(QScrollArea):
    """The conclusion tab (scrolls when the window is short)."""

    def __init__(
        self,
        parent: QWidget,
        fields: Fields,
        save: Callable[..., None],
        save_refusal: Callable[[bool, str], None],
    ) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._fields = fields
        self._save = save
        self._save_refusal = save_refusal
        self.view: InspectionView | None = None
        page = QWidget(self)
        column = QVBoxLayout(page)
        column.setContentsMargins(12, 10, 12, 10)
        form = QFormLayout()
        column.addLayout(form)
        column.addStretch(1)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.findings_edit = QPlainTextEdit(page)
        self.findings_edit.setPlaceholderText(
            self.tr("检查发现的问题和情况说明。留空则定稿时按不合格项自动生成。")
        )
        self.findings_edit.setTabChangesFocus(True)
        self.findings_edit.setFixedHeight(96)
        self.opinion_edit = QPlainTextEdit(page)
        self.opinion_edit.setPlaceholderText(self.tr("被检查单位对检查结果的意见"))
        self.opinion_edit.setTabChangesFocus(True)
        self.opinion_edit.setFixedHeight(64)
        self.no_objection = QPushButton(self.tr("填入“无异议”"), page)
        self.no_objection.setToolTip(
            self.tr("填入“对检查结果无异议。”；有不合格项时为“对检查结果无异议，将按要求整改。”")
        )
        self.no_objection.clicked.connect(self.fill_no_objection)
        opinion_row = QHBoxLayout()
        opinion_row.addWidget(self.opinion_edit, 1)
        opinion_row.addWidget(self.no_objection, 0, Qt.AlignmentFlag.AlignTop)
        self.signatory_edit = QLineEdit(page)
        self.signatory_edit.setPlaceholderText(self.tr("被检查单位在场负责人姓名"))
        self.signatory_edit.setMaximumWidth(260)
        form.addRow(self.tr("检查情况"), self.findings_edit)
        form.addRow(self.tr("被检查单位意见"), opinion_row)
        form.addRow(self.tr("被检查单位签字人"), self.signatory_edit)
        fields.watch(self.findings_edit, lambda text: self._save(findings=text))
        fields.watch(self.opinion_edit, lambda text: self._save(hotel_opinion=text))
        fields.watch(self.signatory_edit, lambda text: self._save(hotel_signatory=text))

        # The hotel's representative may refuse to sign: a witness then stands in (no name is faked).
        refusal_row = QHBoxLayout()
        self.refused_check = QCheckBox(self.tr("被检查单位拒绝签字"), page)
        self.refused_check.setToolTip(
            self.tr("被检查单位负责人拒绝签字时勾选，并记录见证人；检查记录将注明“拒绝签字”")
        )
        self.refused_check.clicked.connect(self._refusal_clicked)
        self.witness_edit = QLineEdit(page)
        self.witness_edit.setPlaceholderText(self.tr("见证人姓名及身份（必填）"))
        self.witness_edit.setMaximumWidth(260)
        self.refusal_time = QLabel(page)
        self.refusal_time.setObjectName("hintText")
        witness_label = QLabel(self.tr("见证人"), page)
        witness_label.setBuddy(self.witness_edit)
        refusal_row.addWidget(self.refused_check)
        refusal_row.addSpacing(12)
        refusal_row.addWidget(witness_label)
        refusal_row.addWidget(self.witness_edit, 1)
        refusal_row.addWidget(self.refusal_time)
        refusal_row.addStretch(1)
        form.addRow(self.tr("拒绝签字"), refusal_row)
        fields.watch(self.witness_edit, lambda text: self.save_refusal(text))

        self.signature_box = QGroupBox(self.tr("签名"), page)
        box = QVBoxLayout(self.signature_box)
        note = QLabel(
            self.tr(
                "默认在打印的检查记录上纸质签字（一式两份）。有手写笔、触摸屏或触摸板时，也可在此签名，签名随记录保存。"
            ),
            self.signature_box,
        )
        note.setObjectName("hintText")
        note.setWordWrap(True)
        box.addWidget(note)
        self.signature_grid = QGridLayout()
        box.addLayout(self.signature_grid)
        form.addRow(self.signature_box)
        self.signature_slots: dict[str, SignatureSlot] = {}
        self.setWidget(page)

    # --- showing ---------------------------------------------------------------------------------
    def fill(self, view: InspectionView) -> None:
        """Put the stored texts into their fields (on load, not after each save)."""
        self._fields.show(self.findings_edit, view.findings)
        self._fields.show(self.opinion_edit, view.hotel_opinion)
        self._fields.show(self.signatory_edit, view.hotel_signatory)
        self._fields.show(self.witness_edit, view.refusal.witness if view.refusal else "")
        self.show_refusal(view)

    def show_view(self, view: InspectionView) -> None:
        """Show the refusal and the signatures of a saved view."""
        self.view = view
        self.show_refusal(view)
        self._update_signatures(view)

    def show_refusal(self, view: InspectionView) -> None:
        refused = view.refusal is not None
        if self.refused_check.isChecked() != refused:
            self.refused_check.setChecked(refused)
        when = view.refusal.at if view.refusal is not None else None
        self.refusal_time.setText(self.tr("记录时间 %1").replace("%1", local_time(when)) if when else "")

    def _update_signatures(self, view: InspectionView) -> None:
        """One row per inspector and one for the hotel's signatory: name, signature (or 纸质签字), buttons."""
        wanted = [
            (f"inspector:{i.id}", self.tr("检查人员 %1").replace("%1", i.name)) for i in view.inspectors
        ]
        if view.refusal is not None:  # the witness signs where the hotel refused to
            wanted.append(("witness", self.tr("见证人 %1").replace("%1", view.refusal.witness)))
        else:
            wanted.append(("hotel", self.tr("被检查单位 %1").replace("%1", view.hotel_signatory or "")))
        if [k for k, _ in wanted] != list(self.signature_slots):
            for slot in self.signature_slots.values():
                for widget in slot:
                    self.signature_grid.removeWidget(widget)
                    widget.deleteLater()
            self.signature_slots = {}
            for row, (key, _who) in enumerate(wanted):
                slot = SignatureSlot(
                    QLabel(self.signature_box),
                    SignaturePreview(self.signature_box),
                    QPushButton(self.tr("手写签名…"), self.signature_box),
                    QPushButton(self.tr("清除"), self.signature_box),
                )
                slot.sign_button.clicked.connect(lambda _c=False, k=key: self.sign(k))
                slot.clear_button.clicked.connect(lambda _c=False, k=key: self._set_signature(k, None))
                for column, part in enumerate(slot):
                    self.signature_grid.addWidget(part, row, column)
                self.signature_slots[key] = slot
            self.signature_grid.setColumnStretch(4, 1)
        for key, who in wanted:
            slot = self.signature_slots[key]
            slot.label.setText(who)
            slot.preview.set_data(view.signatures.get(key))
            slot.sign_button.setVisible(view.editable)
            slot.clear_button.setVisible(view.editable and key in view.signatures)

    def set_editable(self, editable: bool) -> None:
        for edit in (self.signatory_edit, self.witness_edit):
            edit.setReadOnly(not editable)
        self.refused_check.setEnabled(editable)
        for text_edit in (self.findings_edit, self.opinion_edit):
            text_edit.setReadOnly(not editable)
        self.no_objection.setVisible(editable)

    def focus_field(self, key: str) -> None:
        """Put the cursor in a conclusion field (``findings``, ``hotel_opinion``, ``refusal_witness``…)."""
        target: QWidget = {
            "findings": self.findings_edit,
            "hotel_opinion": self.opinion_edit,
            "refusal_witness": self.witness_edit,
        }.get(key, self.signatory_edit)
        target.setFocus()

    # --- editing ---------------------------------------------------------------------------------
    def sign(self, key: str) -> None:
        if self.view is None:
            return
        who = dict(
            [(f"inspector:{i.id}", i.name) for i in self.view.inspectors]
            + [("hotel", self.view.hotel_signatory or self.tr("被检查单位"))]
            + [("witness", self.view.refusal.witness if self.view.refusal else self.tr("见证人"))]
        ).get(key, key)
        dialog = SignatureDialog(who, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and not dialog.pad.is_empty():
            self._set_signature(key, dialog.pad.to_data(who))

    def _set_signature(self, key: str, data: dict[str, Any] | None) -> None:
        if self.view is None:
            return
        signatures = dict(self.view.signatures)
        if data is None:
            signatures.pop(key, None)
        else:
            signatures[key] = data
        self._save(signatures=signatures)

    def fill_no_objection(self) -> None:
        """The hotel's usual words; it promises to rectify only when there is something to rectify."""
        failed = self.view is not None and self.view.verdict.result in ("fail", "basic")
        self.opinion_edit.setPlainText(
            self.tr("对检查结果无异议，将按要求整改。") if failed else self.tr("对检查结果无异议。")
        )
        self._fields.flush(self.opinion_edit)
        self.signatory_edit.setFocus()

    def _refusal_clicked(self, checked: bool) -> None:
        self.save_refusal(self.witness_edit.text(), refused=checked)
        if checked:
            self.witness_edit.setFocus()

    def save_refusal(self, witness: str, refused: bool | None = None) -> None:
        refused = self.refused_check.isChecked() if refused is None else refused
        if not refused and (self.view is None or self.view.refusal is None):
            return  # a witness typed without the tick: nothing to record yet
        self._save_refusal(refused, witness)
