"""Printing from the GUI with rare characters (issue 11 point 6): a blank form for a hotel named with
CJK extension characters previews; one with a character no bundled font has is refused with a message
naming the character and the field, in the interface language."""

from __future__ import annotations

from typing import Any

import pytest

from hoteltv.reports.fonts import UnprintableCharacter
from hoteltv.services import hotels as hotel_service
from ui import print_preview, printing
from ui.context import AppContext
from ui.messages import error_texts


def _hotel(ctx: AppContext, name: str) -> hotel_service.HotelView:
    return hotel_service.create_hotel(
        ctx.db, hotel_service.HotelInput(name=name, division_code="530502"), ctx.divisions
    )


def test_a_form_with_extension_characters_previews(qtbot: Any, ctx: AppContext) -> None:
    hotel = _hotel(ctx, "䶮\U00020000\U0002cc56客栈")
    dialog = printing.preview_field_form(ctx, hotel.id, hotel.name, 2)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.ready, timeout=10_000)
    assert dialog.document.pageCount() >= 1


def test_a_character_no_font_has_is_refused_and_named(
    qtbot: Any, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[BaseException] = []
    monkeypatch.setattr(print_preview, "show_error", lambda parent, exc, context="": shown.append(exc))
    hotel = _hotel(ctx, "永昌\U000f0001酒店")
    dialog = printing.preview_field_form(ctx, hotel.id, hotel.name, 2)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert not dialog.ready
    assert isinstance(shown[0], UnprintableCharacter)
    _, text, _ = error_texts(shown[0])
    assert "U+F0001" in text and "酒店名称" in text and "未生成文件" in text
    assert "cannot print" not in text  # the Chinese half only, in a Chinese interface
