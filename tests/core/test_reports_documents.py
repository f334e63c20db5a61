"""The rectification notice, the blank field form, the summary report and the batch: content read back."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hoteltv.db.engine import Database
from hoteltv.domain import clock
from hoteltv.errors import ValidationError
from hoteltv.reports.batch import select_inspections, write_batch
from hoteltv.reports.common import ReportCancelled, ReportOptions
from hoteltv.reports.field_form import write_field_form
from hoteltv.reports.notice import write_notice
from hoteltv.reports.summary_report import write_summary_report
from hoteltv.services import hotels as hotel_service
from hoteltv.services.hotels import list_hotels
from hoteltv.services.inspections import list_inspections
from hoteltv.services.notices import issue_notice, list_notices
from tests.core.report_fixtures import (
    compact,
    failed_inspection,
    font_problems,
    ink_fraction,
    page_count,
    pdf_text,
    render_page,
)


def test_notice_lists_each_problem_with_rule_fix_deadline_and_receipt(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any, tmp_path: Path
) -> None:
    view = failed_inspection(db, hotel.id, team, fill, photos_dir=tmp_path, photos=3, photo_size=(400, 300))
    notice = issue_notice(db, view.id, today=date(2026, 11, 20), reinspection_date=date(2026, 12, 1))
    out = write_notice(
        db, notice.id, tmp_path / "notice.pdf", ReportOptions(home=tmp_path, authority="保山市文化和旅游局")
    )
    text = compact(pdf_text(out))
    for expected in (
        "整改通知书",
        notice.number,
        "永昌测试酒店：",
        view.record_number,
        "301房间：开机至直播画面时间（秒）。检查情况：58秒",
        "机顶盒开机至直播画面不超过35秒",
        "502房间：从迎宾页到全屏直播的按键次数。检查情况：3",
        "照片1",
        "照片3",
        "2026年11月27日前",
        "2026年12月1日进行复查",
        "保山市文化和旅游局（盖章）",
        "送达回证",
        "受送达人",
        "签收日期",
        "送达人",
        "沿此虚线剪下",
    ):
        assert expected in text, expected
    assert "按要求整改：" not in text  # the requirement is the rule itself, not "按要求整改：<rule>"
    # The body keeps to the first page; the receipt follows at the foot of the next when it does not fit.
    assert page_count(out) == 2
    assert "送达回证" not in compact(pdf_text(out, page=1)) and "送达回证" in compact(pdf_text(out, page=2))
    assert font_problems(out) == []
    assert ink_fraction(render_page(out, 1, tmp_path)) > 0.02


def test_field_form_has_the_hotel_filled_in_and_empty_boxes(demo_db: Database, tmp_path: Path) -> None:
    hotel = next(h for h in list_hotels(demo_db) if h.credit_code)
    out = write_field_form(
        demo_db, hotel.id, tmp_path / "form.pdf", ReportOptions(authority="保山市文化和旅游局"), rooms=6
    )
    text = compact(pdf_text(out))
    for expected in (
        hotel.name,
        hotel.credit_code or "",
        hotel.division_name,
        "现场填写用",
        "保山市文化和旅游局",
        "电视开机模式",
        "开机进直播模式",
        "开机至直播画面时间（秒）",
        "≤35秒",
        "房间号",
        "楼层/房型",
        "检查发现的问题",
        "合格",
        "基本合格",
        "不合格",
        "被检查单位意见",
        "检查人员（签名）",
        "检查表：酒店电视操作复杂治理现场检查表（第1版）",
    ):
        assert expected in text, expected
    assert "校验码" not in text  # a blank form is not a record
    assert "58秒" not in text
    assert font_problems(out) == []
    pages = page_count(out)
    assert f"第{pages}页共{pages}页" in text


def test_summary_report_counts_chart_overdue_and_sentence(demo_db: Database, tmp_path: Path) -> None:
    out = write_summary_report(demo_db, tmp_path / "summary.pdf", ReportOptions(city_short="市"))
    text = compact(pdf_text(out))
    assert "酒店电视操作复杂治理工作统计表" in text
    assert "统计范围：试点酒店" in text
    assert "全市35家试点酒店中" in text and "达到开机进直播模式或迎宾模式的酒店24家" in text
    for division in ("隆阳区", "施甸县", "龙陵县", "昌宁县", "腾冲市"):
        assert division in text
    assert "各县区酒店电视模式统计" in text and "整改状态统计" in text
    assert "图：各县区酒店电视模式" in text
    overdue = list_notices(demo_db, overdue_only=True)
    assert overdue and overdue[0].number in text
    assert "逾期未整改的整改通知（共1份）" in text
    assert font_problems(out) == []
    image = render_page(out, 1, tmp_path)
    assert ink_fraction(image, (0.1, 0.42, 0.7, 0.65)) > 0.05  # the bar chart


def test_summary_for_one_division_and_a_period(demo_db: Database, tmp_path: Path) -> None:
    out = write_summary_report(
        demo_db,
        tmp_path / "s.pdf",
        pilot_only=False,
        division="530581",
        since=date(2000, 1, 1),
        until=date(2000, 1, 2),
    )
    text = compact(pdf_text(out))
    assert "县区：腾冲市" in text and "统计范围：全部酒店" in text
    assert "隆阳区" not in text
    assert "2000年1月1日至2000年1月2日" in text
    assert "无逾期未整改的整改通知" in text


def test_batch_puts_every_sheet_in_one_pdf_each_with_its_own_page_count(
    demo_db: Database, tmp_path: Path
) -> None:
    seen: list[tuple[int, int, str]] = []
    result = write_batch(
        demo_db, tmp_path / "batch.pdf", progress=lambda d, t, s: seen.append((d, t, s)) or True
    )
    assert result.sheets == 8  # the 4 hotel-TV records and the satellite campaign's 4 checks
    text = compact(pdf_text(result.path))
    for number in result.record_numbers:
        assert number in text
    assert text.count("第1页共2页") == 8
    assert page_count(result.path) == 18  # a cover, a blank page, eight sheets of two pages from odd pages
    assert any(s.startswith(result.record_numbers[0]) for _, _, s in seen)


def test_batch_by_division_and_period(demo_db: Database, tmp_path: Path) -> None:
    assert len(select_inspections(demo_db, division="隆阳区")) == 5  # 4 hotel-TV records and a market's check
    assert len(select_inspections(demo_db, division="腾冲市")) == 2  # satellite checks only
    assert select_inspections(demo_db, division="施甸县") == []
    with pytest.raises(ValidationError):
        write_batch(demo_db, tmp_path / "none.pdf", division="施甸县")
    first = min(i.started_at for i in list_inspections(demo_db) if i.started_at)
    only_first_day = select_inspections(
        demo_db, since=clock.bureau_date(first), until=clock.bureau_date(first)
    )
    assert len(only_first_day) == 1


def test_cancelled_batch_writes_nothing(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "batch.pdf"
    with pytest.raises(ReportCancelled):
        write_batch(demo_db, target, progress=lambda done, total, text: done < 2)
    # Cancelled while laying out pages, after every sheet was gathered.
    with pytest.raises(ReportCancelled):
        write_batch(demo_db, target, progress=lambda done, total, text: not text.startswith("排版第3页"))
    assert list(out.iterdir()) == []
