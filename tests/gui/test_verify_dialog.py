"""The verify dialog: a typed or pasted code is checked against the records and the answer shown."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from hoteltv.reports import verification as v
from hoteltv.services.inspections import list_inspections
from ui.context import AppContext
from ui.verify_dialog import VerifyDialog


def _code(ctx: AppContext) -> tuple[str, str]:
    insp = next(i for i in list_inspections(ctx.db) if i.result == "fail")
    return v.inspection_code(ctx.db, insp.id).code, insp.id


def _form_text(dialog: VerifyDialog) -> str:
    form = dialog.details_form
    return "\n".join(
        form.itemAt(row, form.ItemRole.FieldRole).widget().text() for row in range(form.rowCount())
    )


def test_typed_genuine_code_is_accepted(qtbot: Any, demo_ctx: AppContext) -> None:
    dialog = VerifyDialog(demo_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    code, _ = _code(demo_ctx)
    assert not dialog.verify_button.isEnabled()
    qtbot.keyClicks(dialog.code_edit, code.lower())
    with qtbot.waitSignal(dialog.sig_verified) as got:
        qtbot.keyClick(dialog.code_edit, Qt.Key.Key_Return)
    result = got.args[0]
    assert result.status == v.VALID
    assert dialog.headline.isVisible() and dialog.headline.text().startswith("一致")
    details = _form_text(dialog)
    assert result.number in details and "第 1 版（共 1 版）" in details and "不合格" in details
    # The sealed facts, to compare with the paper.
    assert len(result.sealed) >= 8
    assert all(text in details for _label, text in result.sealed if text)


def test_pasted_code_of_an_altered_record_is_rejected(qtbot: Any, demo_ctx: AppContext) -> None:
    code, inspection_id = _code(demo_ctx)
    with demo_ctx.db.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE room_checks SET answers = json_set(answers, '$.boot_seconds', 20) WHERE inspection_id = :id"
            ),
            {"id": inspection_id},
        )
    dialog = VerifyDialog(demo_ctx)
    qtbot.addWidget(dialog)
    QGuiApplication.clipboard().setText(f"  {code}\n")
    with qtbot.waitSignal(dialog.sig_verified) as got:
        dialog.paste_button.click()
    assert dialog.code_edit.text() == code
    assert got.args[0].status == v.TAMPERED
    assert "改动" in dialog.headline.text() and dialog.headline.text().startswith("不一致")
    assert got.args[0].problem and got.args[0].problem in _form_text(dialog)


def test_unknown_and_malformed_codes_are_explained(qtbot: Any, demo_ctx: AppContext) -> None:
    dialog = VerifyDialog(demo_ctx)
    qtbot.addWidget(dialog)
    dialog.code_edit.setText("J-00000000-V1-0000000000")
    dialog.verify_button.click()
    assert "未找到" in dialog.headline.text()
    assert not dialog.details.isVisibleTo(dialog)
    dialog.code_edit.setText("hello")
    dialog.verify_button.click()
    assert "格式不正确" in dialog.headline.text()
