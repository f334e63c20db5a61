"""整改通知书: the rectification notice handed to a hotel, with a detachable 送达回证 (receipt) at the bottom.

An enforcement document: it carries its 文号 (``保文旅广电整改〔2026〕第017号``, see docs/numbering.md),
names the inspected unit and the inspection it follows, lists each problem with where it was seen, the
rule it breaks and that rule's legal basis (the template's sources), its evidence photos (numbered as on
the inspection sheet's photo pages, with the start of their SHA-256 and their caption, or the inspector's
reason for having none) and what must be fixed; then the general legal basis, the deadline, the
re-inspection date, the party's rights (行政复议 within 60 days, 行政诉讼 within 6 months, before the
bodies the settings name), the inspectors with their enforcement ids, the verification code with its QR
code (on the part the hotel keeps) and the authority's line with the date and a seal area. Below a dashed
cut line, the receipt: signed for, or refused and left with a witness (留置送达). Every page carries the
notice number, "第x页 共y页" and the verification code with its QR code.

Every printed fact is in :class:`NoticeData`, gathered by :func:`load_notice`; drawing reads nothing else.
The notice is printed from its seal (:mod:`hoteltv.services.seal`): the 文号, items with their basis and
evidence photos, terms, deadline, inspectors and unit are what was sealed when it was issued. The
delivery record (送达) comes later, with its own paper, and is read from the notice as recorded (once).
A superseded version (延期/更正) prints with a 已更正 watermark naming the version in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from hoteltv.db.engine import Database
from hoteltv.db.models import RectificationNotice
from hoteltv.domain import clock
from hoteltv.domain.checklist import Wording
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
    cn_date,
    cn_datetime,
    header_table,
    para,
    write_document,
)
from hoteltv.reports.fonts import FONT
from hoteltv.reports.styles import FRAME_WIDTH, GREY_TEXT, column_widths, grid_table
from hoteltv.reports.verification import draw_qr, notice_code_of
from hoteltv.services import inspections as insp_service
from hoteltv.services import notices as notice_service
from hoteltv.services import seal
from hoteltv.services.seal import NoticeFacts

DOC_NAME = "整改通知书"
_CHANGE_WORD = "延期或更正"
#: Where a notice stands now (not sealed: it moves on after issue), printed as a note on a reprint.
_STATUS_NOTE = {
    "closed": "本通知所列问题已经复查合格，通知已关闭。",
    "superseded": "本通知已被新的整改通知书取代。",
}


@dataclass(frozen=True)
class EvidencePhoto:
    """A photo cited as evidence: its number on the sheet's photo pages, hash prefix and caption."""

    number: int
    sha_short: str
    caption: str

    def text(self) -> str:
        caption = f"：{self.caption}" if self.caption else ""
        return f"照片{self.number}（{self.sha_short}）{caption}"


@dataclass(frozen=True)
class NoticeData:
    """What one notice prints: ``facts`` read back from the notice's seal, the code, the version in force,
    and the delivery record (送达, recorded after issue and not part of the notice's seal)."""

    facts: NoticeFacts
    code: str
    delivery: notice_service.Delivery | None = None
    in_force: str | None = None  # number, version and code of the version that replaced this one (延期/更正)
    status: str = "open"  # the notice's status now

    @property
    def notice(self) -> notice_service.NoticeView:
        return self.facts.notice

    @property
    def inspection(self) -> insp_service.InspectionView | None:
        return self.facts.inspection

    @property
    def evidence(self) -> dict[tuple[str | None, str | None], tuple[EvidencePhoto, ...]]:
        """Linked photos by (room label, item key); (None, key) for hotel-level items. Numbered as the
        sheet's photo pages number them (every sealed photo of the inspection, in order)."""
        found: dict[tuple[str | None, str | None], list[EvidencePhoto]] = {}
        for n, v in enumerate(self.facts.photos, 1):
            found.setdefault((v.room_number, v.item_key), []).append(
                EvidencePhoto(n, v.sha256[:8], (v.caption or "").strip())
            )
        return {k: tuple(v) for k, v in found.items()}

    @property
    def evidence_notes(self) -> dict[tuple[str | None, str], str]:
        """The inspectors' written reasons for missing photos, by (room label, item key)."""
        insp = self.inspection
        return {(e.room_label, e.item_key): e.reason for e in insp.evidence_notes} if insp else {}


def load_notice(db: Database, notice_id_or_number: str) -> NoticeData:
    """A notice as sealed when it was issued; :class:`hoteltv.services.seal.SealError` when the record was
    changed since. A 文号 finds the version in force, an id that version."""
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
    return NoticeData(facts=facts, code=code, delivery=found.delivery, in_force=in_force, status=status)


def write_notice(
    db: Database,
    notice_id_or_number: str,
    out: Path,
    options: ReportOptions | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the 整改通知书 (with its receipt) to ``out`` (PDF, atomically). A notice prints what its seal
    holds: ``options`` (taken as by every ``write_*``) change nothing on it."""
    data = load_notice(db, notice_id_or_number)
    title = f"{DOC_NAME} {data.notice.number}"
    story = partial(notice_story, data)
    return write_document(out, data, story, title=title, subject=data.notice.hotel_name, progress=progress)


def notice_story(data: NoticeData) -> list[Flowable]:
    n = data.notice
    insp = data.inspection
    story: list[Flowable] = [
        StartSection(Decor(DOC_NAME, n.number, data.code, in_force=data.in_force)),
        para(data.facts.authority, "subtitle"),
        Spacer(1, 2 * mm),
        TitleLine("整改通知书", size=24, char_space=8),
        para(n.number, "subtitle"),
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
    wording = insp.template.wording if insp else Wording()
    inspected = wording.inspected.zh
    story += [
        para(
            f"{when}，我局检查人员{team}依法对你单位{inspected}进行了现场检查"
            f"（现场检查记录编号：{n.inspection_record_number}），发现存在下列不符合要求的问题：",
            "body_indent",
        ),
        Spacer(1, 2 * mm),
        _problems_table(data),
    ]
    if any(data.evidence.values()):
        story.append(
            para(
                f"注：证据照片见现场检查记录（编号{n.inspection_record_number}）所附现场照片，"
                "括号内为照片文件SHA-256校验值的前8位。",
                "tiny",
            )
        )
    reinspect = cn_date(n.reinspection_date) if n.reinspection_date else "整改期限届满后"
    issued = clock.bureau_date(n.issued_at) if n.issued_at else None
    story += [
        Spacer(1, 2 * mm),
        para(
            f"依据{escape(n.terms.legal_basis)}的规定，"
            f"请你单位于<u>{cn_date(n.deadline)}</u>前按上述要求完成整改，并将整改情况书面报告我局。"
            f"我局将于<u>{reinspect}</u>进行复查。逾期未整改或者整改不到位的，将依照有关规定予以处理。",
            "body_indent",
            markup=True,
        ),
        para(rights_text(n.terms), "body_indent"),
        Spacer(1, 2 * mm),
        _unit_table(data),
        Spacer(1, 1 * mm),
        para(inspectors_text(insp.inspectors if insp else ()), "small"),
        Spacer(1, 1 * mm),
        CodeAndSeal(data.code, SealArea(data.facts.authority, issued, 24 * mm)),
        AtBottom([Spacer(1, 2 * mm), CutLine(), Spacer(1, 1 * mm), *receipt(data)]),
    ]
    return story


def rights_text(terms: notice_service.NoticeTerms) -> str:
    """The party's rights of review and appeal, as the notice states them."""
    return (
        f"你单位如对本通知不服，可以自收到本通知书之日起六十日内向{terms.review_body}申请行政复议，"
        f"也可以自收到本通知书之日起六个月内依法向{terms.court}提起行政诉讼。"
    )


def inspectors_text(inspectors: tuple[insp_service.InspectorView, ...]) -> str:
    """``执法人员：张明（执法证号：53050001）、李华（执法证号：53050002）``."""
    names = "、".join(f"{i.name}（执法证号：{i.enforcement_id}）" for i in inspectors)
    return f"执法人员：{names or '—'}"


class CodeAndSeal(Flowable):
    """The verification code with its QR code on the left (on the part the hotel keeps), the seal area
    on the right."""

    QR = 19 * mm

    def __init__(self, code: str, seal: SealArea) -> None:
        super().__init__()
        self.code, self.seal = code, seal

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        _w, h = self.seal.wrap(availWidth, availHeight)
        self.width, self.height = availWidth, max(h, self.QR + 2 * mm)
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        top = self.height
        draw_qr(c, self.code, 0, top - self.QR, self.QR)
        c.saveState()
        c.setFont(FONT, 8)
        c.setFillColor(GREY_TEXT)
        x = self.QR + 2 * mm
        c.drawString(x, top - 6 * mm, "校验码（扫码或输入核验本通知）：")
        c.setFillColorRGB(0, 0, 0)
        c.setFont(FONT, 9)
        c.drawString(x, top - 11 * mm, self.code)
        c.restoreState()
        self.seal.drawOn(c, 0, self.height - self.seal.height)


def _problems_table(data: NoticeData) -> Table:
    template = data.inspection.template if data.inspection else None
    widths = column_widths(9 * mm, 42 * mm, 50 * mm, 34 * mm, 0)
    rows: list[list[Any]] = [
        [
            para(t, "cell_center")
            for t in ("序号", "问题（位置、检查项目、检查情况）", "违反的要求及依据", "证据照片", "整改要求")
        ]
    ]
    for k, item in enumerate(data.notice.items, 1):
        where = insp_service.finding_place(item.room, (template.wording if template else Wording()).site.zh)
        value = item.value
        if template is not None and template.has_item(item.item_key):
            value = answer_text(template.item(item.item_key), item.value)
        rows.append(
            [
                para(str(k), "cell_center"),
                para(f"{where}：{item.label}。检查情况：{value}", "cell"),
                para(f"{item.rule}。依据：{item.basis or data.notice.terms.legal_basis}", "cell"),
                para(evidence_text(data, item), "cell_small"),
                para(item.fix, "cell"),
            ]
        )
    return grid_table(rows, widths, header_rows=1)


def evidence_text(data: NoticeData, item: notice_service.NoticeItem) -> str:
    """The 证据照片 cell: each linked photo, else the inspector's reason for having none, else "—"."""
    photos = data.evidence.get((item.room, item.item_key))
    if photos:
        return "；".join(p.text() for p in photos)
    reason = data.evidence_notes.get((item.room, item.item_key))
    return f"未拍照：{reason}" if reason else "—"


def _unit_table(data: NoticeData) -> Table:
    h = data.facts.hotel
    insp = data.inspection
    if insp is not None:
        contact = " ".join(filter(None, (insp.contact_on_site, insp.contact_phone)))
    else:
        contact = " ".join(filter(None, (h.contact_name, h.contact_phone) if h else ()))
    rows = [  # a missing value (None) prints as an empty cell
        ("被检查单位", data.notice.hotel_name, "统一社会信用代码", h.credit_code if h else ""),
        ("地址", h.address if h else "", "联系人及电话", contact),
    ]
    return header_table(rows, [22 * mm, 66 * mm, 30 * mm, FRAME_WIDTH - 118 * mm], padding=2.5)


def receipt(data: NoticeData) -> list[Flowable]:
    """The 送达回证: the hotel signs it and it goes back to the bureau (cut off along the dashed line).

    A recorded delivery prints as recorded: signed for by a named person, or 拒绝签收，已留置送达 with the
    witness and the time; an unrecorded one leaves the boxes to fill in by hand.
    """
    n, d, h = data.notice, data.delivery, data.facts.hotel
    label_w, half = 34 * mm, (FRAME_WIDTH - 34 * mm * 2) / 2

    when = cn_datetime(d.at) if d is not None else cn_date(None)
    if d is None:
        recipient = witness = ""
    elif d.refused:
        recipient = f"拒绝签收，已留置送达（{d.recipient}）" if d.recipient else "拒绝签收，已留置送达"
        witness = d.witness
    else:
        recipient, witness = d.recipient, "—"
    rows: list[tuple[Any, ...]] = [
        ("送达文书", f"整改通知书（{n.number}）"),
        ("受送达单位", n.hotel_name, "送达地点", h.address if h else ""),
        (
            "送达方式",
            CheckChoices(
                [
                    ("直接送达", d is not None and not d.refused),
                    ("留置送达", d is not None and d.refused),
                    ("邮寄送达", False),
                ],
                size=9.5,
            ),
        ),
        ("受送达人\n（签名或盖章）", recipient, "签收日期", "—" if d and d.refused else when),
        ("见证人（签名）", witness, "见证日期", when if d and d.refused else cn_date(None)),
        ("送达人（签名）", "", "送达日期", when),
        (
            "备注",
            para(
                f"校验码：{data.code}。受送达人拒绝签收的，送达人注明情况，由见证人签名，"
                "将通知书留置于受送达单位，即视为送达。",
                "cell_small",
            ),
        ),
    ]
    table = header_table(
        rows,
        [label_w, half, label_w, half],
        padding=2.5,
        rowHeights=[None] * 3 + [11 * mm, 9 * mm, 9 * mm, None],
    )
    return [
        TitleLine("送达回证", size=15, char_space=6, space_after=0),
        para("（被检查单位签收后，本联沿虚线剪下交回检查单位）", "subtitle"),
        Spacer(1, 1 * mm),
        table,
    ]
