"""The settings dialog edits what an enforcement notice states: 文号 prefix, this laptop's fallback tag,
general basis, review bodies. A tag no notice could be numbered with is refused and nothing is saved."""

# ruff: noqa: F811 (the workflow tests' fixtures are imported by name)

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from tests.gui.test_inspection_workflow import click, ctx, retype  # noqa: F401 (fixtures)
from ui.context import AppContext
from ui.settings_dialog import SettingsDialog


def test_notice_settings_are_saved_and_a_bad_tag_is_refused(qtbot: Any, ctx: AppContext) -> None:
    dialog = SettingsDialog(ctx)
    fields = dialog.notice_fields
    assert fields["review_body"].text() == "保山市人民政府"
    assert fields["litigation_court"].text() == "保山市隆阳区人民法院"
    assert fields["notice_device_tag"].text() == ""  # blank: made from the device id

    retype(qtbot, fields["notice_device_tag"], "17", enter=False)  # digits only: reads as a block number
    retype(qtbot, fields["review_body"], "腾冲市人民政府", enter=False)
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    box = dialog.findChild(QMessageBox, "errorBox")
    assert box is not None and "设备标识" in box.text()
    assert ctx.settings.get("notice_device_tag") == "" and ctx.settings.get("review_body") == "保山市人民政府"
    box.close()

    retype(qtbot, fields["notice_device_tag"], "D3", enter=False)
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    assert ctx.settings.get("notice_device_tag") == "D3"
    assert ctx.settings.get("review_body") == "腾冲市人民政府"
    assert ctx.settings.get("notice_number_prefix") == "保文旅广电整改"  # untouched fields keep defaults
