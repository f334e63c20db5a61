"""The inspection sheet (现场检查记录): content read back from the PDF, fonts, a rendered page, photos."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from hoteltv.db.engine import Database
from hoteltv.reports.common import ReportOptions
from hoteltv.reports.fonts import has_glyph
from hoteltv.reports.inspection_sheet import write_inspection_sheet
from hoteltv.reports.verification import inspection_code
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from hoteltv.services.notices import issue_notice
from tests.core.report_fixtures import (
    SIGNATURE,
    compact,
    failed_inspection,
    font_problems,
    ink_fraction,
    page_count,
    pdf_text,
    render_page,
)


def test_marks_used_on_forms_exist_in_the_font() -> None:
    for char in "√×□—≤≥“”（）：、·":
        assert has_glyph(char), char


def test_failed_sheet_lists_everything_the_form_asks_for(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, tmp_path: Path
) -> None:
    view = failed_inspection(db, hotel.id, team, fill)
    out = write_inspection_sheet(
        db, view.id, tmp_path / "sheet.pdf", ReportOptions(authority="保山市文化和旅游局")
    )
    text = compact(pdf_text(out))
    # Header
    for expected in (
        "现场检查记录",
        view.record_number,
        "永昌测试酒店",
        "隆阳区",
        "段丽",
        "0875-2123456",
        "张明",
        "53050219001",
        "李华",
        "53050219002",
        "出示执法证件",
        "保山市文化和旅游局",
    ):
        assert expected in text, expected
    # Hotel-level items and the room table with values and marks
    for expected in (
        "酒店电视系统情况",
        "直播信号来自合法信号源",
        "抽查客房检查情况",
        "301",
        "502",
        "718",
        "开机至直播画面时间（秒）",
        "58秒×",
        "≤35秒",
        "24秒√",
        "3×",
    ):
        assert expected in text, expected
    # Problems found, result, opinion, signatures
    assert "检查发现的问题" in text
    assert "301房间“开机至直播画面时间（秒）”为58秒" in text
    assert "502房间“从迎宾页到全屏直播的按键次数”为3" in text
    assert "检查结论" in text and "不合格" in text
    assert "被检查单位意见" in text and "无异议" in text
    assert "检查人员（签名）" in text and "被检查单位负责人或现场人员（签名）" in text
    # Pages and the verification code
    pages = page_count(out)
    assert pages >= 2
    assert f"第1页共{pages}页" in text and f"第{pages}页共{pages}页" in text
    assert inspection_code(db, view.id).code in text
    assert "草稿" not in text


def test_every_font_is_embedded_truetype(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, tmp_path: Path
) -> None:
    view = failed_inspection(db, hotel.id, team, fill)
    out = write_inspection_sheet(db, view.id, tmp_path / "sheet.pdf")
    assert font_problems(out) == []
    raw = out.read_bytes()
    assert b"STSong" not in raw and b"Helvetica" not in raw
    assert b"/FontFile2" in raw


def test_a_rendered_page_is_not_blank(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, tmp_path: Path
) -> None:
    view = failed_inspection(db, hotel.id, team, fill)
    out = write_inspection_sheet(db, view.id, tmp_path / "sheet.pdf")
    image = render_page(out, 1, tmp_path)
    assert image.width > 400 and image.height > 600
    assert ink_fraction(image) > 0.02  # text and grid lines
    assert ink_fraction(image, (0.3, 0.05, 0.7, 0.12)) > 0.05  # the title
    assert ink_fraction(image, (0.825, 0.915, 0.91, 0.975)) > 0.3  # the QR code in the footer


def test_signatures_are_drawn_when_captured(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, tmp_path: Path
) -> None:
    signed = failed_inspection(db, hotel.id, team, fill, signatures=True)
    unsigned = failed_inspection(db, hotel.id, team, fill, signatures=False)
    a = render_page(write_inspection_sheet(db, signed.id, tmp_path / "signed.pdf"), 2, tmp_path)
    b = render_page(write_inspection_sheet(db, unsigned.id, tmp_path / "unsigned.pdf"), 2, tmp_path)
    assert ink_fraction(a) > ink_fraction(b)


def test_an_inspector_signature_drawn_in_the_inspection_window_is_printed(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, tmp_path: Path
) -> None:
    """The window stores an inspector's signature under ``inspector:<id>`` (no hotel signature here)."""
    signed = failed_inspection(db, hotel.id, team, fill, signatures=False, finalize=False)
    sigs = {f"inspector:{i.id}": SIGNATURE for i in signed.inspectors}
    insp_service.update_header(db, signed.id, insp_service.HeaderFields(signatures=sigs))
    unsigned = failed_inspection(db, hotel.id, team, fill, signatures=False, finalize=False)
    a = render_page(write_inspection_sheet(db, signed.id, tmp_path / "signed.pdf"), 2, tmp_path)
    b = render_page(write_inspection_sheet(db, unsigned.id, tmp_path / "unsigned.pdf"), 2, tmp_path)
    body = (0, 0.1, 1, 0.85)  # the same records but for the signatures (not the header's number, the code)
    assert ink_fraction(a, body) > ink_fraction(b, body)


def test_draft_has_a_watermark_and_says_so(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, tmp_path: Path
) -> None:
    view = failed_inspection(db, hotel.id, team, fill, finalize=False)
    out = write_inspection_sheet(db, view.id, tmp_path / "draft.pdf")
    text = compact(pdf_text(out))
    assert "草稿" in text and "未定稿，不作为正式记录" in text
    assert "状态：草稿" in text


def test_reinspection_sheet_shows_the_earlier_failures_beside_the_new_answers(
    demo_db: Database, tmp_path: Path
) -> None:
    re_view = next(
        insp_service.get_inspection(demo_db, i.id)
        for i in insp_service.list_inspections(demo_db)
        if i.kind == "reinspection"
    )
    out = write_inspection_sheet(demo_db, re_view.id, tmp_path / "re.pdf")
    text = compact(pdf_text(out))
    assert "现场复查记录" in text
    assert "原整改通知书" in text and "所列问题复查情况" in text
    assert "301房间：开机过程出现商业广告（是）" in text
    assert "已整改√" in text
    assert "原：是×" in text  # the earlier value in the room table


def test_twelve_photos_make_photo_pages_and_stay_about_three_megabytes(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, tmp_path: Path
) -> None:
    view = failed_inspection(db, hotel.id, team, fill, photos_dir=tmp_path, photos=12)
    out = write_inspection_sheet(db, view.id, tmp_path / "photos.pdf", ReportOptions(home=tmp_path))
    text = compact(pdf_text(out))
    assert "附件：现场照片（共12张）" in text
    assert "照片1·301房间·证明项目：开机至直播画面时间（秒）（×不合格）" in text
    assert "照片12" in text and "说明：502房间电视画面12" in text
    assert "证据：照片1、4、7、10" in text
    assert page_count(out) == 4  # 2 pages of record + 2 pages of 6 photos
    size = out.stat().st_size
    assert size <= 3.3 * 1024 * 1024, f"{size / 1e6:.2f} MB"
    photo_page = render_page(out, 3, tmp_path)
    assert ink_fraction(photo_page, (0.1, 0.1, 0.45, 0.3)) > 0.5  # a photo, not an empty frame


def test_a_missing_photo_file_prints_a_marked_frame(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, tmp_path: Path
) -> None:
    view = failed_inspection(db, hotel.id, team, fill, photos_dir=tmp_path, photos=1)
    for original in (tmp_path / "photos" / "originals").rglob("*"):
        if original.is_file():
            original.unlink()
    out = write_inspection_sheet(db, view.id, tmp_path / "missing.pdf", ReportOptions(home=tmp_path))
    assert "照片文件缺失" in compact(pdf_text(out))


def test_notice_number_on_a_failed_sheet(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, tmp_path: Path
) -> None:
    view = failed_inspection(db, hotel.id, team, fill)
    notice = issue_notice(db, view.id)
    text = compact(pdf_text(write_inspection_sheet(db, view.id, tmp_path / "s.pdf")))
    assert f"已下发整改通知书，编号{notice.number}" in text


def test_writing_over_an_existing_file_is_atomic(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, tmp_path: Path
) -> None:
    target = tmp_path / "sheet.pdf"
    target.write_bytes(b"old")
    with pytest.raises(Exception):  # noqa: B017 - any failure
        write_inspection_sheet(db, "no-such-id", target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


@pytest.mark.skipif(
    shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None, reason="needs zbarimg"
)
def test_the_printed_qr_code_reads_back_as_the_code(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, tmp_path: Path
) -> None:
    view = failed_inspection(db, hotel.id, team, fill)
    out = write_inspection_sheet(db, view.id, tmp_path / "sheet.pdf")
    render_page(out, 2, tmp_path, dpi=150).save(tmp_path / "page.png")
    read = subprocess.run(
        ["zbarimg", "-q", "--raw", str(tmp_path / "page.png")], capture_output=True, text=True
    )
    assert read.stdout.strip() == inspection_code(db, view.id).code


def test_markup_characters_in_answers_are_printed_as_typed(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, tmp_path: Path
) -> None:
    view = insp_service.start_inspection(db, hotel.id, team)
    fill(db, view.id, "self_built", hotel_overrides={"provider": "电信&移动 <联合>"})
    insp_service.update_header(db, view.id, insp_service.HeaderFields(hotel_opinion="同意 <签字> & 盖章"))
    room = insp_service.get_inspection(db, view.id).rooms[0]
    insp_service.update_room(db, room.id, room_type="套房<A&B>")
    text = compact(pdf_text(write_inspection_sheet(db, view.id, tmp_path / "s.pdf")))
    assert "电信&移动<联合>" in text and "同意<签字>&盖章" in text and "套房<A&B>" in text
