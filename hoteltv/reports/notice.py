"""整改通知书: the rectification notice handed to a hotel, with a detachable 送达回证 (receipt) at the bottom.

The notice names the inspected unit and the inspection it follows, lists each problem with where it was
seen, the rule it breaks, its evidence photos (numbered as on the inspection sheet's photo pages) and
what must be fixed, then the deadline, the re-inspection date and the issuing authority's line with the
date and a seal area. Below a dashed cut line, the receipt the hotel signs and hands back. Every page
carries the notice number, "第x页 共y页" and the verification code with its QR code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from hoteltv.db.engine import Database
from hoteltv.db.models import RectificationNotice
from hoteltv.domain.checklist import ChecklistTemplate
from hoteltv.reports.common import (
    AtBottom,
    CheckChoices,
    CutLine,
    Decor,
    Progress,
    ReportOptions,
    SealArea,
    StartSection,
    TitleLine,
    answer_text,
    build_pdf,
    cn_date,
    para,
    report_progress,
)
from hoteltv.reports.photo_pages import PreparedPhoto, photo_refs, refs_text
from hoteltv.reports.styles import FRAME_WIDTH, grid_style, table_style
from hoteltv.reports.verification import notice_code_of
from hoteltv.services import inspections as insp_service
from hoteltv.services import notices as notice_service
from hoteltv.services import seal
from hoteltv.services.seal import NoticeFacts, SealedHotel

DOC_NAME = "整改通知书"
_CHANGE_WORD = "延期或更正"
#: Where a notice stands now (not sealed: it moves on after issue), printed as a note on a reprint.
_STATUS_NOTE = {
    "closed": "本通知所列问题已经复查合格，通知已关闭。",
    "superseded": "本通知已被新的整改通知书取代。",
}


@dataclass(frozen=True)
class NoticeData:
    """What one notice prints: ``facts`` read back from the notice's seal, the code, the version in force."""

    facts: NoticeFacts
    code: str
    in_force: str | None = None  # number and code of the version that replaced this one (延期/更正)
    status: str = "open"  # the notice's status now

    @property
    def notice(self) -> notice_service.NoticeView:
        return self.facts.notice

    @property
    def inspection(self) -> insp_service.InspectionView | None:
        return self.facts.inspection

    @property
    def hotel(self) -> SealedHotel:
        return self.facts.hotel

    @property
    def authority(self) -> str:
        return self.facts.authority

    @property
    def photo_numbers(self) -> dict[tuple[str | None, str | None], list[int]]:
        return photo_refs([PreparedPhoto(n, v, None, None) for n, v in enumerate(self.facts.photos, 1)])


def load_notice(db: Database, notice_id_or_number: str, options: ReportOptions) -> NoticeData:
    """A notice as sealed when it was issued; :class:`SealError` when the record was changed since."""
    found = notice_service.get_notice(db, notice_id_or_number)
    with db.reading() as s:
        n = s.get(RectificationNotice, found.id)
        assert n is not None
        facts = seal.notice_facts_from_seal(n)
        code = notice_code_of(s, n)
        chain = notice_service.notice_chain(s, n)
        in_force = None
        if chain[-1].id != n.id:
            latest = chain[-1]
            in_force = f"{latest.number} 第{len(chain)}版 {notice_code_of(s, latest)}"
        status = n.status
    return NoticeData(facts=facts, code=code, in_force=in_force, status=status)


def write_notice(
    db: Database,
    notice_id_or_number: str,
    out: Path,
    options: ReportOptions | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the 整改通知书 (with its receipt) to ``out`` (PDF, atomically)."""
    options = options or ReportOptions()
    data = load_notice(db, notice_id_or_number, options)
    report_progress(progress, 0, 1, "排版 (laying out)")
    return build_pdf(
        out,
        notice_story(data),
        title=f"{DOC_NAME} {data.notice.number}",
        subject=data.notice.hotel_name,
        progress=progress,
    )


def notice_story(data: NoticeData) -> list[Flowable]:
    n = data.notice
    insp = data.inspection
    story: list[Flowable] = [
        StartSection(Decor(DOC_NAME, n.number, data.code, in_force=data.in_force)),
        para(data.authority, "subtitle"),
        Spacer(1, 2 * mm),
        TitleLine("整改通知书", size=24, char_space=8),
        para(f"编号：{n.number}", "right"),
    ]
    if data.in_force:
        story.append(para(f"（本通知已{_CHANGE_WORD}，现行有效版本：{data.in_force}）", "tiny"))
    elif data.status in _STATUS_NOTE:
        story.append(para(f"（{_STATUS_NOTE[data.status]}）", "tiny"))
    if n.change_reason:
        story.append(para(f"（本通知为原通知的变更版本，{n.change_reason}；原通知同时作废。）", "tiny"))
    story += [Spacer(1, 3 * mm), para(f"{n.hotel_name}：", "body"), Spacer(1, 1 * mm)]
    when = cn_date(insp.started_at) if insp and insp.started_at else cn_date(n.issued_at)
    team = "、".join(i.name for i in insp.inspectors) if insp else ""
    story.append(
        para(
            f"{when}，我局检查人员{team}依法对你单位客房电视系统进行了现场检查"
            f"（现场检查记录编号：{n.inspection_record_number}），发现存在下列不符合要求的问题：",
            "body_indent",
        )
    )
    story.append(Spacer(1, 2 * mm))
    story.append(_problems_table(data))
    if any(data.photo_numbers.values()):
        story.append(
            para(f"注：证据照片见现场检查记录（编号{n.inspection_record_number}）所附现场照片。", "tiny")
        )
    story.append(Spacer(1, 2 * mm))
    reinspect = cn_date(n.reinspection_date) if n.reinspection_date else "整改期限届满后"
    story.append(
        para(
            f"请你单位于<u>{cn_date(n.deadline)}</u>前按上述要求完成整改，并将整改情况书面报告我局。"
            f"我局将于<u>{reinspect}</u>进行复查。逾期未整改或者整改不到位的，将依照有关规定予以处理。",
            "body_indent",
            markup=True,
        )
    )
    story.append(Spacer(1, 2 * mm))
    story.append(_unit_table(data))
    story.append(Spacer(1, 2 * mm))
    story.append(SealArea(data.authority, n.issued_at.astimezone().date() if n.issued_at else None, 34 * mm))
    story.append(AtBottom([Spacer(1, 2 * mm), CutLine(), Spacer(1, 1 * mm), *receipt(data)]))
    return story


def _template(data: NoticeData) -> ChecklistTemplate | None:
    return data.inspection.template if data.inspection else None


def _problems_table(data: NoticeData) -> Table:
    template = _template(data)
    widths = [9 * mm, 48 * mm, 46 * mm, 24 * mm, 0.0]
    widths[4] = FRAME_WIDTH - sum(widths)
    rows: list[list[Any]] = [
        [
            para(t, "cell_center")
            for t in ("序号", "问题（位置、检查项目、检查情况）", "违反的要求", "证据照片", "整改要求")
        ]
    ]
    for k, item in enumerate(data.notice.items, 1):
        where = f"{item.room}房间" if item.room else "酒店"
        value = item.value
        if template is not None and template.has_item(item.item_key):
            value = answer_text(template.item(item.item_key), item.value)
        photos = data.photo_numbers.get((item.room, item.item_key))
        rows.append(
            [
                para(str(k), "cell_center"),
                para(f"{where}：{item.label}。检查情况：{value}", "cell"),
                para(item.rule, "cell"),
                para(refs_text(photos) if photos else "—", "cell_center"),
                para(item.fix, "cell"),
            ]
        )
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(table_style(grid_style(header_rows=1)))
    return table


def _unit_table(data: NoticeData) -> Table:
    h = data.hotel
    insp = data.inspection
    contact = ""
    if insp is not None:
        contact = " ".join(x for x in (insp.contact_on_site or "", insp.contact_phone or "") if x)
    elif h is not None:
        contact = " ".join(x for x in (h.contact_name or "", h.contact_phone or "") if x)
    rows = [
        [
            para("被检查单位", "label"),
            para(data.notice.hotel_name, "cell"),
            para("统一社会信用代码", "label"),
            para(h.credit_code if h and h.credit_code else "", "cell"),
        ],
        [
            para("地址", "label"),
            para(h.address if h and h.address else "", "cell"),
            para("联系人及电话", "label"),
            para(contact, "cell"),
        ],
    ]
    table = Table(rows, colWidths=[22 * mm, 66 * mm, 30 * mm, FRAME_WIDTH - 118 * mm])
    table.setStyle(table_style(grid_style()))
    return table


def receipt(data: NoticeData) -> list[Flowable]:
    """The 送达回证: the hotel signs it and it goes back to the bureau (cut off along the dashed line)."""
    n = data.notice
    label_w, half = 34 * mm, (FRAME_WIDTH - 34 * mm * 2) / 2

    def L(text: str) -> Any:  # noqa: N802
        return para(text, "label")

    rows: list[list[Any]] = [
        [L("送达文书"), para(f"整改通知书（{n.number}）", "cell"), "", ""],
        [L("受送达单位"), para(n.hotel_name, "cell"), "", ""],
        [
            L("送达地点"),
            para(data.hotel.address if data.hotel and data.hotel.address else "", "cell"),
            "",
            "",
        ],
        [
            L("送达方式"),
            CheckChoices([("直接送达", False), ("留置送达", False), ("邮寄送达", False)], size=9.5),
            "",
            "",
        ],
        [L("受送达人\n(签名或盖章)"), "", L("签收日期"), para(cn_date(None), "cell")],
        [L("送达人（签名）"), "", L("送达日期"), para(cn_date(None), "cell")],
        [L("备注"), para(f"校验码：{data.code}", "cell_small"), "", ""],
    ]
    table = Table(
        rows, colWidths=[label_w, half, label_w, half], rowHeights=[None] * 4 + [13 * mm, 10 * mm, None]
    )
    commands = grid_style()
    for r in (0, 1, 2, 3, 6):
        commands.append(("SPAN", (1, r), (3, r)))
    table.setStyle(table_style(commands))
    return [
        TitleLine("送达回证", size=15, char_space=6, space_after=0),
        para("（被检查单位签收后，本联沿虚线剪下交回检查单位）", "subtitle"),
        Spacer(1, 1 * mm),
        table,
    ]
