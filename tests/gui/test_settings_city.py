"""The settings dialog chooses the city whose counties the laptop works in: Baoshan (shipped default) or any
city of the shipped Yunnan list; the choice is saved for the next start, a file set by hand is kept."""

# ruff: noqa: F811 (the workflow tests' fixtures are imported by name)

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialogButtonBox

from hoteltv.services.setup import division_list
from tests.gui.test_inspection_workflow import click, ctx  # noqa: F401 (fixtures)
from ui.context import AppContext
from ui.settings_dialog import SettingsDialog


def _choose(dialog: SettingsDialog, name: str) -> None:
    index = dialog.city.findText(name)
    assert index >= 0, [dialog.city.itemText(i) for i in range(dialog.city.count())]
    dialog.city.setCurrentIndex(index)


def test_a_laptop_moves_to_another_city_of_the_province_and_back(qtbot: Any, ctx: AppContext) -> None:
    dialog = SettingsDialog(ctx)
    assert dialog.city.currentText() == "保山市" and dialog.city.count() == 16  # Baoshan once, 15 others
    _choose(dialog, "大理白族自治州")
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    qtbot.waitUntil(lambda: ctx.settings.get("division_city") == "532900")
    assert ctx.settings.get("division_file") == "yunnan"
    assert division_list(ctx.settings).find("大理市") is not None  # what the next start loads

    again = SettingsDialog(ctx)
    assert again.city.currentText() == "大理白族自治州"
    _choose(again, "保山市")
    click(qtbot, again.buttons.button(QDialogButtonBox.StandardButton.Ok))
    qtbot.waitUntil(lambda: ctx.settings.get("division_file") == "")
    assert ctx.settings.get("division_city") == ""


def test_a_division_file_set_by_hand_is_offered_and_kept(qtbot: Any, ctx: AppContext) -> None:
    ctx.settings.set("division_file", "D:/区划/某市.json")
    dialog = SettingsDialog(ctx)
    assert dialog.city.currentText() == "D:/区划/某市.json"
    dialog.authority.setText("某市文化和旅游局")
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    qtbot.waitUntil(lambda: ctx.settings.get("authority") == "某市文化和旅游局")
    assert ctx.settings.get("division_file") == "D:/区划/某市.json"
