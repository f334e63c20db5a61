"""Small print details (issue 11 point 10): the template's title prints, never its key; full-width
punctuation in printed Chinese; the running header never overlaps a long hotel name; a batch starts with
a cover listing its sheets and starts each sheet on an odd page."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from hoteltv.db.engine import Database
from hoteltv.domain.divisions import DivisionList
from hoteltv.reports import fonts
from hoteltv.reports.batch import write_batch
from hoteltv.reports.common import HEADER_MIN_SIZE, ReportOptions, header_layout, para
from hoteltv.reports.field_form import write_field_form
from hoteltv.reports.inspection_sheet import write_inspection_sheet
from hoteltv.reports.notice import write_notice
from hoteltv.reports.styles import MARGIN_LEFT, MARGIN_RIGHT, PAGE_HEIGHT, PAGE_WIDTH
from hoteltv.services import hotels as hotel_service
from hoteltv.services.inspections import list_inspections
from hoteltv.services.notices import list_notices
from tests.core.report_fixtures import compact, page_count

REPORTS = Path(__file__).resolve().parents[2] / "hoteltv" / "reports"
LONG_NAME = "保山市隆阳区永昌街道九隆池畔青华海湿地公园东侧文化旅游度假区国际会议中心配套商务接待酒店管理有限公司第一分店（云南保山）"


def page_texts(pdf: Path) -> list[str]:
    """Each page's text (pdftotext, or pypdf where poppler is missing), without whitespace."""
    exe = shutil.which("pdftotext")
    if exe is None:  # pragma: no cover - poppler missing
        from pypdf import PdfReader

        return [compact(p.extract_text() or "") for p in PdfReader(str(pdf)).pages]
    raw = subprocess.run([exe, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout
    return [compact(page) for page in raw.decode("utf-8").split("\f")[: page_count(pdf)]]


def test_the_template_key_never_prints_its_title_does(demo_db: Database, tmp_path: Path) -> None:
    inspection = next(i for i in list_inspections(demo_db) if i.rooms)  # a hotel-TV record
    hotel = hotel_service.list_hotels(demo_db)[0]
    sheet = write_inspection_sheet(demo_db, inspection.id, tmp_path / "sheet.pdf", ReportOptions())
    form = write_field_form(demo_db, hotel.id, tmp_path / "form.pdf", ReportOptions())
    notice = write_notice(demo_db, list_notices(demo_db)[0].id, tmp_path / "notice.pdf", ReportOptions())
    batch = write_batch(demo_db, tmp_path / "batch.pdf").path
    for pdf in (sheet, form, notice, batch):
        text = "".join(page_texts(pdf))
        assert "hotel_tv" not in text and "satellite" not in text, pdf.name
    for pdf in (sheet, form):
        assert "检查表：酒店电视操作复杂治理现场检查表（第1版）" in "".join(page_texts(pdf)), pdf.name


def _chinese_literals() -> list[tuple[str, int, str]]:
    """Every string literal (f-string parts included) with Chinese in it, outside docstrings."""
    out = []
    for path in sorted(REPORTS.glob("*.py")):
        if path.name == "cli.py":  # the command line's help, never on paper
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and re.search(r"[\u4e00-\u9fff]", node.value)
            ):
                out.append((path.name, node.lineno, node.value))
    return out


def test_printed_chinese_uses_full_width_punctuation() -> None:
    """A half-width , ; : ( ) next to a Chinese character is a mistake in printed Chinese. Messages in the
    house style "中文 (English)" are not printed: the space before "(" and the English after it tell them."""
    cjk = r"[\u4e00-\u9fff（），。：；、“”]"
    bad = re.compile(rf"{cjk}[,;:()!?]|[,;:()!?]{cjk}")
    found = [
        f"{name}:{line}: {text!r}"
        for name, line, text in _chinese_literals()
        if bad.search(re.sub(r" \([^()]*[A-Za-z][^()]*\)?", "", text))
    ]
    assert found == []


def test_a_long_hotel_name_in_the_running_header_never_reaches_the_document_name() -> None:
    assert len(LONG_NAME) >= 60
    left = "现场检查记录（现场填写）（草稿）"
    right = f"被检查单位：{LONG_NAME}"
    placed = header_layout(left, right, PAGE_HEIGHT - 30)
    (lx, ly, lsize, ltext), *rights = placed
    assert ltext == left and lsize == 8
    left_end = lx + fonts.string_width(left, lsize)
    assert "".join(t for *_, t in rights) == right  # nothing cut
    assert len(rights) >= 2  # too long for one line even shrunk: wrapped onto lines above
    for x, y, size, text in rights:
        assert size >= HEADER_MIN_SIZE
        assert x >= left_end + 5  # clear of the document name
        assert x + fonts.string_width(text, size) <= PAGE_WIDTH - MARGIN_RIGHT + 0.01
        assert y < PAGE_HEIGHT - 5  # still on the paper
    assert len({y for _, y, _, _ in rights}) == len(rights)  # lines do not overprint each other
    # A short one stays one line at the normal size.
    short = header_layout(left, "被检查单位：永昌酒店", PAGE_HEIGHT - 30)
    assert len(short) == 2 and short[1][2] == 8 and short[1][0] > MARGIN_LEFT


def test_field_form_with_a_60_character_name_prints_it_whole(
    db: Database, divisions: DivisionList, tmp_path: Path
) -> None:
    hotel = hotel_service.create_hotel(
        db, hotel_service.HotelInput(name=LONG_NAME, division_code="隆阳区"), divisions
    )
    out = write_field_form(db, hotel.id, tmp_path / "form.pdf", ReportOptions())
    first = page_texts(out)[0]
    assert first.count(LONG_NAME) >= 2  # the header table and the running header (on two lines)


def test_batch_starts_with_a_cover_and_each_sheet_on_an_odd_page(demo_db: Database, tmp_path: Path) -> None:
    result = write_batch(demo_db, tmp_path / "batch.pdf")
    pages = page_texts(result.path)
    cover = pages[0]
    assert "批量打印目录" in cover
    starts = [n for n, text in enumerate(pages, 1) if "第1页共" in text and "现场" in text and n > 1]
    sheets = [n for n, text in enumerate(pages, 1) if any(no in text for no in result.record_numbers)]
    assert len(starts) >= result.sheets
    first_pages = []
    for number in result.record_numbers:
        first = next(n for n, text in enumerate(pages, 1) if number in text and n > 1)
        first_pages.append(first)
        assert first % 2 == 1, (number, first)
    assert sheets
    # The cover lists each sheet with its hotel, date, page count and the page it starts on.
    views = {i.record_number: i for i in list_inspections(demo_db)}
    for number, first in zip(result.record_numbers, first_pages, strict=True):
        view = views[number]
        row = cover[cover.index(number) - len(view.hotel_name) - 2 : cover.index(number) + 60]
        assert view.hotel_name in row and f"第{first}页" in row
    # Blank pages say so and carry no header, footer or page number.
    blanks = [text for text in pages if text == "（此页空白）"]
    assert blanks and len(pages) == 1 + result.sheets * 2 + len(blanks)
    assert pytest.approx(sum(1 for t in pages if "第1页共2页" in t)) == result.sheets


def test_line_breaks_typed_or_written_print_as_line_breaks(demo_db: Database, tmp_path: Path) -> None:
    """A remark typed on two lines prints on two lines, rare characters (another font) included; the
    sheet's number line puts the checklist on its own line."""
    assert para("整改意见：\n一、拆除𠀀前端").text.count("<br/>") == 1
    inspection = next(i for i in list_inspections(demo_db) if i.rooms)
    sheet = write_inspection_sheet(demo_db, inspection.id, tmp_path / "sheet.pdf", ReportOptions())
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(sheet), "-"], capture_output=True, check=True)
    lines = [line.strip() for line in raw.stdout.decode("utf-8").splitlines()]
    assert any(line.startswith("检查表：") for line in lines)
