"""Parts the small dialogs share: the OK/取消 row, its OK button named for what it does (下发通知, 添加,
预览…), and the hidden line that shows why the action failed (object name ``errorText``)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QWidget

translate = QCoreApplication.translate


def ok_cancel(
    dialog: QDialog,
    ok_text: str,
    on_ok: Callable[[], object],
    *,
    name_cancel: bool = True,
    parented: bool = True,
) -> tuple[QDialogButtonBox, QPushButton]:
    """(the row, its OK button): OK reads ``ok_text`` and calls ``on_ok``, Cancel rejects ``dialog`` and
    reads 取消 (with ``name_cancel=False``, Qt's own word). The row is a child of ``dialog`` from the
    start, or (``parented=False``) once laid out, which puts it after the form in the Tab order."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
        dialog if parented else None,
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    if name_cancel:
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(translate("Dialog", "取消"))
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok


def error_line(parent: QWidget, *, wrap: bool = True) -> QLabel:
    """A hidden label for an error text (styled by its object name ``errorText``)."""
    label = QLabel(parent)
    label.setObjectName("errorText")
    label.setWordWrap(wrap)
    label.hide()
    return label
