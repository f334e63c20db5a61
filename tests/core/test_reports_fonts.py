"""Every character prints (issue 11 point 6): rare characters of the CJK extension blocks come from the
bundled fallback fonts, in the text layer too; a character no bundled font has refuses the print, named."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from hoteltv.db.engine import Database
from hoteltv.domain.divisions import DivisionList
from hoteltv.photos.store import PhotoStore
from hoteltv.reports import fonts
from hoteltv.reports.common import ReportOptions
from hoteltv.reports.field_form import write_field_form
from hoteltv.reports.inspection_sheet import write_inspection_sheet
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from hoteltv.services.photos import attach_files
from tests.core.report_fixtures import compact, font_problems, pdf_text, write_photo

#: 䶮 U+4DAE (Ext A), 𠀀 U+20000 (Ext B), 𬱖 U+2CC56 (Ext E), 𪜀 U+2A700 (Ext C), 𫝀 U+2B740 (Ext D),
#: 𬺰 U+2CEB0 (Ext F).
RARE = "䶮𠀀𬱖"
MORE = "𪜀𫝀𬺰"
#: A private-use character: no font has it.
NO_FONT = "\U000f0001"


def poppler_text(pdf: Path) -> str:
    """The text layer as pdftotext reads it (pypdf where poppler is missing), without whitespace."""
    exe = shutil.which("pdftotext")
    if exe is None:  # pragma: no cover - poppler missing
        return compact(pdf_text(pdf))
    out = subprocess.run([exe, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout
    return compact(out.decode("utf-8"))


def rare_hotel(db: Database, divisions: DivisionList, name: str = f"{RARE}客栈") -> hotel_service.HotelView:
    return hotel_service.create_hotel(
        db,
        hotel_service.HotelInput(
            name=name,
            division_code="隆阳区",
            address=f"保山市隆阳区{MORE}路{RARE}巷8号",
            person_in_charge=f"王{RARE[1]}",
            contact_name="段丽",
            contact_phone="0875-2123456",
        ),
        divisions,
    )


@pytest.mark.parametrize("char", [*RARE, *MORE, "\u9fa5", "\uf900"])
def test_every_extension_block_has_a_bundled_font(char: str) -> None:
    assert fonts.font_for(char) is not None, f"U+{ord(char):04X}"


def test_runs_split_text_by_font_and_refuse_a_character_no_font_has() -> None:
    assert fonts.runs("永昌酒店") == [(fonts.FONT, "永昌酒店")]
    parts = fonts.runs(f"王{RARE}店")
    assert "".join(run for _, run in parts) == f"王{RARE}店"
    assert parts[0] == (fonts.FONT, "王") and parts[-1] == (fonts.FONT, "店")
    assert all(font != fonts.FONT for font, _ in parts[1:-1])
    # Invisible format characters never refuse (dropped unless a font has them, then zero-width); a
    # whitespace character without a glyph prints as a space.
    text = "".join(run for _, run in fonts.runs("a\u200db\ufe0fc\U000e0100\td"))
    assert text.replace("\u200d", "").replace("\ufe0f", "") == "abc d"
    with pytest.raises(fonts.UnprintableCharacter) as caught:
        fonts.runs(f"酒店{NO_FONT}")
    assert "U+F0001" in str(caught.value)
    # Markup keeps its tags and escapes, and puts the rare run in its font.
    assert fonts.markup("<b>a&amp;b</b>") == "<b>a&amp;b</b>"
    marked = fonts.markup(f"<b>王&amp;{RARE[1]}</b>")
    assert marked.startswith("<b>王&amp;<font face=") and marked.endswith(f">{RARE[1]}</font></b>")


def test_sheet_with_rare_characters_in_name_address_and_caption_prints_them(
    db: Database, divisions: DivisionList, team: list[str], fill: Any, tmp_path: Path
) -> None:
    hotel = rare_hotel(db, divisions)
    view = insp_service.start_inspection(db, hotel.id, team)
    view = fill(db, view.id, "self_built", rooms={"301": {"boot_seconds": 58}})
    view = insp_service.update_header(
        db,
        view.id,
        insp_service.HeaderFields(findings=f"房间电视开机慢，{MORE}", hotel_signatory=f"李{RARE[2]}"),
    )
    store = PhotoStore.for_home(tmp_path)
    src = tmp_path / "src"
    src.mkdir()
    outcomes = attach_files(
        db,
        store,
        view.id,
        [write_photo(src / "a.jpg", 1, (400, 300))],
        room_id=view.rooms[0].id,
        item_key="boot_seconds",
        caption=f"说明{RARE}",
    )
    assert outcomes[0].ok
    out = write_inspection_sheet(db, view.id, tmp_path / "sheet.pdf", ReportOptions(home=tmp_path))
    text = poppler_text(out)
    for expected in (
        f"{RARE}客栈",
        f"{MORE}路{RARE}巷8号",
        f"王{RARE[1]}",
        f"{MORE}",
        f"说明{RARE}",
        f"李{RARE[2]}",
    ):
        assert expected in text, expected
    assert font_problems(out) == []


def test_field_form_with_rare_characters_prints_them(
    db: Database, divisions: DivisionList, tmp_path: Path
) -> None:
    hotel = rare_hotel(db, divisions)
    out = write_field_form(db, hotel.id, tmp_path / "form.pdf", ReportOptions(home=tmp_path))
    text = poppler_text(out)
    for char in RARE + MORE:
        assert char in text, f"U+{ord(char):04X}"
    assert f"{RARE}客栈" in text
    assert font_problems(out) == []


def test_a_character_no_font_has_refuses_the_print_naming_it_and_the_field(
    db: Database, divisions: DivisionList, team: list[str], fill: Any, tmp_path: Path
) -> None:
    hotel = rare_hotel(db, divisions, name=f"永昌{NO_FONT}酒店")
    out = tmp_path / "form.pdf"
    with pytest.raises(fonts.UnprintableCharacter) as caught:
        write_field_form(db, hotel.id, out, ReportOptions(home=tmp_path))
    message = str(caught.value)
    assert "U+F0001" in message and NO_FONT in message
    assert "酒店名称" in message and "name" in message
    assert not out.exists() and not list(tmp_path.glob("*.part"))

    view = insp_service.start_inspection(db, hotel.id, team)
    view = fill(db, view.id)
    view = insp_service.update_header(db, view.id, insp_service.HeaderFields(findings=f"问题{NO_FONT}"))
    sheet = tmp_path / "sheet.pdf"
    with pytest.raises(fonts.UnprintableCharacter) as caught:
        write_inspection_sheet(db, view.id, sheet, ReportOptions(home=tmp_path))
    assert "U+F0001" in str(caught.value) and "字段" in str(caught.value)
    assert not sheet.exists()


def test_cli_print_refuses_an_emoji_no_font_has_naming_it(
    tmp_path: Path, divisions: DivisionList, capsys: pytest.CaptureFixture[str]
) -> None:
    from hoteltv.cli import main
    from hoteltv.services.setup import open_home

    home = tmp_path / "home"
    db, _, _ = open_home(home)
    try:
        hotel_service.create_hotel(
            db, hotel_service.HotelInput(name="永昌🏨酒店", division_code="隆阳区"), divisions
        )
    finally:
        db.close()
    out = tmp_path / "form.pdf"
    code = main(["--home", str(home), "print", "form", "永昌🏨酒店", "-o", str(out)])
    err = capsys.readouterr().err
    assert code != 0
    assert "U+1F3E8" in err and "🏨" in err and "酒店名称" in err
    assert not out.exists()
