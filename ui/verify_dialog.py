"""Verify a paper copy: type or paste the code printed under its QR code and see whether it matches the record.

The check (``hoteltv.reports.verification.verify_code``) runs on a worker thread; the answer comes back
as a ``VerifyResult`` and is put into words here: a coloured headline (matches / superseded / does not
match / not found) and the facts to compare with the paper — record number, unit, date, version, result,
and every fact sealed with the record (address, times, inspectors, authority; a notice's deadline).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hoteltv.domain import lifecycle
from hoteltv.reports import verification as v
from ui.context import AppContext
from ui.messages import show_error

_COLOURS = {
    v.VALID: ("#e3f4e1", "#1d6b1a"),
    v.SUPERSEDED: ("#fff3d6", "#8a5a00"),
    v.DRAFT: ("#fff3d6", "#8a5a00"),
}
_BAD = ("#fbe3e1", "#9b1c12")


class VerifyDialog(QDialog):
    """Type or paste a verification code; the dialog says whether the paper matches the stored record."""

    sig_verified = Signal(object)
    """A code was checked: the ``VerifyResult``."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result_value: v.VerifyResult | None = None
        self.setWindowTitle(self.tr("核验纸质文书"))
        self.resize(560, 380)

        intro = QLabel(
            self.tr("输入或粘贴现场检查记录、整改通知书页脚二维码下方的校验码（也可用扫码枪扫描二维码）:")
        )
        intro.setWordWrap(True)
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText(self.tr("例如 J-7F3A9C12-V1-5E8B2D41C0"))
        self.code_edit.setClearButtonEnabled(True)
        self.paste_button = QPushButton(self.tr("粘贴"))
        self.verify_button = QPushButton(self.tr("核验"))
        self.verify_button.setDefault(True)
        row = QHBoxLayout()
        row.addWidget(self.code_edit, 1)
        row.addWidget(self.paste_button)
        row.addWidget(self.verify_button)

        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setMargin(8)
        self.headline.hide()
        self.details = QFrame()
        self.details_form = QFormLayout(self.details)
        self.details.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.headline)
        layout.addWidget(self.details)
        layout.addStretch(1)
        layout.addWidget(buttons)

        self.paste_button.clicked.connect(self.paste)
        self.verify_button.clicked.connect(self.verify)
        self.code_edit.returnPressed.connect(self.verify)
        self.code_edit.textChanged.connect(lambda text: self.verify_button.setEnabled(bool(text.strip())))
        self.verify_button.setEnabled(False)

    def paste(self) -> None:
        """Paste the clipboard's text into the code field and check it."""
        text = QGuiApplication.clipboard().text().strip()
        if text:
            self.code_edit.setText(text)
            self.verify()

    def verify(self) -> None:
        """Check the code in the field (in the background)."""
        code = self.code_edit.text().strip()
        if not code:
            return
        self.verify_button.setEnabled(False)
        db = self.ctx.db
        self.ctx.runner.submit(
            lambda _progress: v.verify_code(db, code),
            on_done=self._show,
            on_error=self._failed,
            label=self.tr("核验"),
            write=False,
        )

    def _failed(self, exc: Exception) -> None:
        self.verify_button.setEnabled(True)
        show_error(self, exc, self.tr("核验"))

    def _show(self, result: v.VerifyResult) -> None:
        self.verify_button.setEnabled(True)
        self.result_value = result
        background, foreground = _COLOURS.get(result.status, _BAD)
        self.headline.setText(self.headline_text(result))
        self.headline.setStyleSheet(
            f"QLabel {{ background: {background}; color: {foreground}; border-radius: 4px; font-weight: bold; }}"
        )
        self.headline.show()
        while self.details_form.rowCount():
            self.details_form.removeRow(0)
        for label, value in self.detail_rows(result):
            field = QLabel(value)
            field.setWordWrap(True)
            self.details_form.addRow(label, field)
        self.details.setVisible(self.details_form.rowCount() > 0)
        self.sig_verified.emit(result)

    def headline_text(self, r: v.VerifyResult) -> str:
        texts = {
            v.VALID: self.tr("一致：纸质件与存档记录相符，是现行有效的版本。"),
            v.SUPERSEDED: self.tr("与存档记录相符，但此版本已被更正，请以新版本为准。"),
            v.MISMATCH: self.tr("不一致：纸质件与存档记录不符，可能被改动或校验码抄错。"),
            v.TAMPERED: self.tr("不一致：该记录定稿（下发）后在数据库中被改动，封存校验失败，不能据此认定。"),
            v.DRAFT: self.tr("这是草稿的校验码：草稿不是正式记录。"),
            v.NOT_FOUND: self.tr("未找到与此校验码对应的记录（请核对校验码，或先同步数据）。"),
            v.INVALID: self.tr("校验码格式不正确，应类似 J-7F3A9C12-V1-5E8B2D41C0。"),
        }
        return texts.get(r.status, r.status)

    def detail_rows(self, r: v.VerifyResult) -> list[tuple[str, str]]:
        if r.record_id is None:
            return []
        kind = self.tr("现场检查记录") if r.kind == v.KIND_INSPECTION else self.tr("整改通知书")
        rows = [(self.tr("文书"), f"{kind} {r.number or ''}"), (self.tr("被检查单位"), r.hotel_name or "")]
        if r.record_date:
            rows.append((self.tr("日期"), r.record_date.isoformat()))
        if r.kind == v.KIND_INSPECTION:
            rows.append(
                (self.tr("版本"), self.tr("第 {0} 版（共 {1} 版）").format(r.version, r.latest_version))
            )
            if r.result:
                rows.append((self.tr("检查结论"), lifecycle.result_label(r.result)))
        elif r.record_status:
            status = {
                "open": self.tr("整改中"),
                "closed": self.tr("已复查合格，已关闭"),
                "superseded": self.tr("已被新的整改通知取代"),
            }.get(r.record_status, r.record_status)
            rows.append((self.tr("通知状态"), status))
        if r.superseded_by_number or r.superseded_by_id:
            rows.append((self.tr("新版本"), r.superseded_by_number or (r.superseded_by_id or "")[:8]))
        if r.problem:
            rows.append((self.tr("原因"), r.problem))
        # The facts sealed when the record was finalized (issued), to compare line by line with the paper;
        # labelled as the paper labels them.
        shown = {label for label, _ in rows}
        rows.extend((label, text) for label, text in r.sealed if label not in shown and label != "被检查单位")
        rows.append((self.tr("校验码"), r.code))
        return rows
