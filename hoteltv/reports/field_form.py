"""A blank field form for one hotel: the inspection record on paper, for a visit where the laptop cannot be used.

The hotel's registry data is filled in (name, credit code, division, address, person in charge, contact);
everything observed is left blank with tick boxes: the hotel-level items, a room table with one empty
column per room to sample, findings, result, the hotel's opinion and both sides' signatures. The items,
their order and requirements come from the checklist template, so the paper matches what is later typed
into the program. A blank form is not a record: it carries no verification code.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table

from hoteltv.db.engine import Database
from hoteltv.domain.checklist import ChecklistItem, ChecklistTemplate, latest_template
from hoteltv.reports.common import (
    YES_NO_ZH,
    CheckChoices,
    Decor,
    Progress,
    ReportOptions,
    StartSection,
    TitleLine,
    cn_date,
    gap,
    header_table,
    para,
    requirement_text,
    write_document,
)
from hoteltv.reports.inspection_sheet import (
    ROOMS_PER_TABLE,
    number_line,
    result_table,
    room_item_cells,
    room_table_widths,
    signature_block,
    subject_of,
)
from hoteltv.reports.styles import FRAME_WIDTH, column_widths, grid_table, styled_table
from hoteltv.services.hotels import HotelView, get_hotel

DOC_NAME = "现场检查记录（现场填写）"
DEFAULT_ROOMS = 4
MAX_ROOMS = 10


def write_field_form(
    db: Database,
    hotel_id: str,
    out: Path,
    options: ReportOptions | None = None,
    *,
    rooms: int = DEFAULT_ROOMS,
    template: ChecklistTemplate | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write a blank form for ``hotel_id`` with ``rooms`` empty room columns (PDF, atomically)."""
    options = options or ReportOptions()
    hotel = get_hotel(db, hotel_id)
    template = template or latest_template()
    story = partial(field_form_story, hotel, template, options, rooms=rooms)
    title = f"{DOC_NAME} {hotel.name}"
    return write_document(out, hotel, story, title=title, subject=hotel.name, progress=progress, name="hotel")


def field_form_story(
    hotel: HotelView, template: ChecklistTemplate, options: ReportOptions, *, rooms: int = DEFAULT_ROOMS
) -> list[Flowable]:
    rooms = max(1, min(rooms, MAX_ROOMS))
    story: list[Flowable] = [
        StartSection(Decor(DOC_NAME, hotel.name, number_label="被检查单位")),
        TitleLine("现场检查记录", size=22, char_space=2),
        para(f"（{subject_of(template)} · 现场填写用）", "subtitle"),
        Spacer(1, 3 * mm),
        number_line("记录编号：", f"检查表：{template.title.zh}（第{template.version}版）", 0.5),
        Spacer(1, 1.5 * mm),
        _header(hotel, options),
        para("一、酒店电视系统情况", "section"),
        _hotel_items(template),
        CondPageBreak(50 * mm),
        para(f"二、抽查客房检查情况（随机抽查不少于{template.min_rooms}间，覆盖不同楼层和房型）", "section"),
    ]
    story += _room_tables(template, rooms)
    story += [
        # The conclusion, the opinion and the signatures stay on one page with the problems found.
        KeepTogether(
            [
                para("三、检查发现的问题", "section"),
                _ruled(4),
                para("四、检查结论", "section"),
                result_table(None),
                para("五、被检查单位意见", "section"),
                _ruled(2),
                Spacer(1, 3 * mm),
                signature_block([("", None), ("", None)], "", None, None),
                Spacer(1, 2 * mm),
                para(
                    "填写说明：请逐项填写，不得留空；不涉及的项目填“/”；测量值写明数字（如开机时间“28秒”）；"
                    "不合格项须拍照留证。本记录一式两份，检查单位和被检查单位各执一份。",
                    "tiny",
                ),
            ]
        ),
    ]
    return story


def _header(hotel: HotelView, options: ReportOptions) -> Table:
    contact = " ".join(x for x in (hotel.contact_name or "", hotel.contact_phone or "") if x)
    inspector = f"姓名：{gap(5)}执法证号："
    kinds = [("首次检查", False), (f"复查（整改通知书编号：{gap(8)}）", False)]
    return header_table(
        [
            ("被检查单位", hotel.name),
            ("统一社会信用代码", hotel.credit_code, "所属县区", hotel.division_name),
            ("地址", hotel.address),
            ("负责人", hotel.person_in_charge, "现场联系人及电话", contact),
            ("检查单位", options.authority),
            ("检查时间", f"{cn_date(None)}{gap(1.5)}时{gap(1.5)}分 至{gap(1.5)}时{gap(1.5)}分"),
            ("检查人员", inspector, "检查人员", inspector),
            ("出示证件", CheckChoices([("检查人员已向被检查单位出示执法证件", False)], size=9.5)),
            ("检查类型", CheckChoices(kinds, size=9.5)),
        ]
    )


def _answer_boxes(item: ChecklistItem, size: float) -> Flowable | str:
    """Empty boxes to tick for one answer (a blank for numbers and text)."""
    if item.answer_type == "yes_no":
        keys = ["yes", "no"] + (["na"] if item.na_allowed else [])
        return CheckChoices([(YES_NO_ZH[k], False) for k in keys], size=size, gap=size * 0.8)
    if item.answer_type == "choice":
        return CheckChoices([(c.zh, False) for c in item.choices], size=size, gap=size * 0.8)
    if item.answer_type == "seconds":
        return para("秒", "cell_small_right" if size < 9 else "right")
    return ""


def _hotel_items(template: ChecklistTemplate) -> Table:
    widths = column_widths(9 * mm, 52 * mm, 0, 28 * mm)
    rows: list[list[Any]] = [[para(t, "cell_center") for t in ("序号", "检查项目", "检查情况", "要求")]]
    for n, item in enumerate(template.hotel_items, 1):
        rows.append(
            [
                para(str(n), "cell_center"),
                para(item.label.zh, "cell"),
                _answer_boxes(item, 9),
                para(requirement_text(item), "cell_center"),
            ]
        )
    return grid_table(rows, widths, header_rows=1, padding=4)


def _room_tables(template: ChecklistTemplate, rooms: int) -> list[Flowable]:
    items = [i for i in template.room_items if i.answer_type != "text"]
    out: list[Flowable] = []
    for start in range(0, rooms, ROOMS_PER_TABLE):
        count = min(ROOMS_PER_TABLE, rooms - start)
        widths = room_table_widths(count)
        head: list[Any] = [para(t, "cell_center") for t in ("序号", "房间号", "要求")]
        head += [para("", "cell") for _ in range(count)]
        sub: list[Any] = ["", para("楼层 / 房型", "cell_center"), ""]
        sub += [para("", "cell") for _ in range(count)]
        rows: list[list[Any]] = [head, sub]
        for n, item in enumerate(items, 1):
            label = item.label.zh + ("（不涉及填“/”）" if item.applies_when else "")
            row = room_item_cells(n, label, item)
            row += [_answer_boxes(item, 7.5) for _ in range(count)]
            rows.append(row)
        rows.append(["", para("房间备注", "cell_small"), "", *["" for _ in range(count)]])
        heights = [9 * mm, 7 * mm] + [None] * len(items) + [12 * mm]
        spans = [("SPAN", (0, 0), (0, 1)), ("SPAN", (2, 0), (2, 1)), ("SPAN", (1, -1), (2, -1))]
        # padding: room to write a number by hand
        table = grid_table(rows, widths, header_rows=2, padding=3.5, commands=spans, rowHeights=heights)
        out += [table, Spacer(1, 2 * mm)]
    return out


def _ruled(lines: int) -> Table:
    return styled_table(
        [[""] for _ in range(lines)],
        [FRAME_WIDTH],
        [("BOX", (0, 0), (-1, -1), 0.6, "black"), ("LINEBELOW", (0, 0), (-1, -2), 0.3, "#999999")],
        rowHeights=[8 * mm] * lines,
    )
