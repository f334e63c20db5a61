"""现场检查记录: the inspection sheet both sides sign, two copies, with photo pages as evidence.

Layout (as Chinese on-site inspection records are laid out): title and record number; a header grid
(inspected unit, unified social credit code, address, person in charge, on-site contact and phone, date
and start–end time, inspectors with enforcement ID numbers and the tick that IDs were shown); the
hotel-level items; a table of sampled rooms × items with measured values and √/× marks (failed cells
shaded); for a re-inspection, the problems of the notice it answers beside the new answers; the problems
found; the result as tick boxes; the inspected party's opinion; signatures and dates of both sides
(drawn from captured strokes when present); then the photo pages. Every page carries the record number,
"第x页 共y页" and the verification code with its QR code; a draft carries a 草稿 watermark.

:func:`sheet_story` builds the flowables (the batch puts many sheets in one PDF);
:func:`write_inspection_sheet` writes one sheet to a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer, Table

from hoteltv.chunks import chunked
from hoteltv.db.engine import Database
from hoteltv.db.models import RectificationNotice
from hoteltv.domain import clock, lifecycle
from hoteltv.domain.checklist import ChecklistItem, ChecklistTemplate
from hoteltv.domain.rooms import room_type_label
from hoteltv.domain.rules import ItemOutcome
from hoteltv.reports.common import (
    MARK_NONE,
    CheckChoices,
    Decor,
    Progress,
    ReportOptions,
    SignatureDrawing,
    StartSection,
    TitleLine,
    answer_text,
    cn_date,
    cn_datetime,
    header_table,
    mark,
    para,
    requirement_text,
    write_document,
)
from hoteltv.reports.photo_pages import PreparedPhoto, photo_grid, photo_refs, prepare_photos, refs_text
from hoteltv.reports.styles import (
    BLACK,
    FAIL_FILL,
    FRAME_WIDTH,
    GREY_TEXT,
    GRID_WIDTH,
    column_widths,
    grid_table,
    styled_table,
)
from hoteltv.reports.verification import CodeInfo, inspection_code
from hoteltv.services import inspections as insp_service
from hoteltv.services import notices as notice_service
from hoteltv.services import seal
from hoteltv.services.seal import SheetFacts

DOC_NAME = "现场检查记录"
#: Room columns per table; more rooms continue in a second table.
ROOMS_PER_TABLE = 5


@dataclass(frozen=True)
class SheetData:
    """Everything one sheet prints (plain values, safe on any thread).

    ``facts`` is what a finalized record's seal holds (:class:`hoteltv.services.seal.SheetFacts`): for a
    finalized sheet it is read back from the seal, never from live tables. The rest comes at print time:
    the code, the notice issued from the record, the photo copies.
    """

    facts: SheetFacts
    code: CodeInfo
    issued_notice_number: str | None
    photos: tuple[PreparedPhoto, ...]

    @property
    def view(self) -> insp_service.InspectionView:
        return self.facts.view

    @property
    def template(self) -> ChecklistTemplate:
        return self.view.template


def load_sheet(
    db: Database, inspection_id: str, options: ReportOptions, progress: Progress | None = None
) -> SheetData:
    """Read an inspection — a finalized one from its seal — with its photos (copies made or reused).

    Raises :class:`hoteltv.services.seal.SealError` when a finalized record's seal does not hold.
    """
    with db.reading() as s:
        insp = insp_service.load_inspection(s, inspection_id)
        if insp.status == "finalized":
            facts = seal.sheet_facts_from_seal(insp)
        else:
            facts = seal.build_sheet_facts(s, insp, options.authority, sealed_by=seal.DRAFT)
        # The notice issued from this record or, for a correction, from a version it replaces.
        notice_id = insp_service.issued_notice_id(s, insp)
        notice = s.get(RectificationNotice, notice_id) if notice_id else None
        issued = notice.number if notice is not None else None
    photos = prepare_photos(db, facts.view.id, options, progress, views=list(facts.photos))
    return SheetData(
        facts=facts,
        code=inspection_code(db, facts.view.id),
        issued_notice_number=issued,
        photos=tuple(photos),
    )


def write_inspection_sheet(
    db: Database,
    inspection_id: str,
    out: Path,
    options: ReportOptions | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the 现场检查记录 of one inspection to ``out`` (PDF, atomically)."""
    options = options or ReportOptions()
    data = load_sheet(db, inspection_id, options, progress)
    title = f"{DOC_NAME} {data.view.record_number}"
    story = partial(sheet_story, data)
    return write_document(out, data, story, title=title, subject=data.view.hotel_name, progress=progress)


# --- the story ---------------------------------------------------------------------------------------------


def sheet_story(data: SheetData) -> list[Flowable]:
    """The flowables of one sheet, starting with its :class:`StartSection`."""
    v = data.view
    draft = v.status != "finalized"
    reinspection = v.kind == "reinspection"
    story: list[Flowable] = [
        StartSection(Decor(DOC_NAME, v.record_number, data.code.code, draft, in_force=data.code.in_force)),
        TitleLine("现场复查记录" if reinspection else "现场检查记录", size=22, char_space=2),
        para(f"（{subject_of(data.template)}）", "subtitle"),
        Spacer(1, 3 * mm),
        _number_line(data),
        Spacer(1, 1.5 * mm),
    ]
    if data.code.in_force:
        story += [
            para(f"本件已被更正，不再有效。现行有效版本：{data.code.in_force}", "small"),
            Spacer(1, 1.5 * mm),
        ]
    story.append(_header_table(data))
    refs = photo_refs(data.photos)
    earlier_by_cell = {(e.room, e.item_key): e for e in data.facts.earlier}
    numerals = iter("一二三四五六七八九十")

    def section(title: str) -> Flowable:
        """The heading of the sheet's next part, numbered 一、二、三、…"""
        return para(f"{next(numerals)}、{title}", "section")

    wording = data.template.wording
    story += [section(wording.site_section.zh), _hotel_items_table(data, refs, earlier_by_cell)]
    if data.template.room_items:  # a template without per-room items has no room part at all
        story += [
            CondPageBreak(40 * mm),
            section(f"{wording.room_section.zh}（共抽查{len(v.rooms)}间）"),
            *_room_tables(data, earlier_by_cell),
        ]
        notes = _room_notes(data)
        if notes:
            story += [Spacer(1, 1.5 * mm), para("房间备注：" + "；".join(notes), "small")]
    if reinspection:
        number = data.facts.answered_notice_number or ""
        heading = f"原整改通知书{('（' + number + '）') if number else ''}所列问题复查情况"
        story += [CondPageBreak(35 * mm), section(heading), _earlier_table(data)]
    if v.refusal is not None:
        signed = "被检查单位拒绝签字，由检查人员注明情况并经见证人签名证明。"
    else:
        signed = "记录经双方签字确认后生效。"
    story += [
        CondPageBreak(30 * mm),
        section("检查发现的问题"),
        *_findings(data, refs),
        CondPageBreak(70 * mm),
        section("检查结论"),
        _result_block(data),
        KeepTogether(
            [
                section("被检查单位意见"),
                _opinion_box(v.hotel_opinion, refused=v.refusal is not None),
                Spacer(1, 3 * mm),
                _signature_table(data),
                Spacer(1, 2 * mm),
                para("本记录一式两份，检查单位和被检查单位各执一份。" + signed, "tiny"),
            ]
        ),
    ]
    if data.photos:
        story += [
            PageBreak(),
            para(f"附件：现场照片（共{len(data.photos)}张）", "section"),
            *photo_grid(data.photos, data.template, v.verdict),
        ]
    return story


def subject_of(template: ChecklistTemplate) -> str:
    """``酒店电视操作复杂治理`` from the template title ``酒店电视操作复杂治理现场检查表``."""
    title = template.title.zh
    for suffix in ("表", "检查", "现场"):
        title = title.removesuffix(suffix)
    return title


def _number_line(data: SheetData) -> Flowable:
    v = data.view
    version = f"第{data.code.version}版"
    if data.code.version > 1:
        version += "（更正版本，取代前一版本）"
    if data.code.superseded_by_id:
        version += "（已被更正，以新版本为准）"
    status = "草稿" if v.status != "finalized" else "已定稿"
    # The template's title, never its key (``hotel_tv``).
    left = f"记录编号：{v.record_number}\n检查表：{data.template.title.zh}（第{v.template_version}版）"
    return number_line(left, f"版本：{version}  状态：{status}", 0.6)


def number_line(left: str, right: str, share: float) -> Table:
    """The line above a sheet's header: the record number on the left (``share`` of the width), more on the
    right."""
    return styled_table(
        [[para(left, "small"), para(right, "small_right")]],
        [FRAME_WIDTH * share, FRAME_WIDTH * (1 - share)],
        [
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ],
    )


def _header_table(data: SheetData) -> Table:
    v, h = data.view, data.facts.hotel
    contact = "  ".join(x for x in (v.contact_on_site or "", v.contact_phone or "") if x)
    time_text = cn_datetime(v.started_at)
    if v.ended_at:
        end = clock.bureau_time(v.ended_at)
        start = clock.bureau_time(v.started_at) if v.started_at else None
        time_text += " 至 " + (
            f"{end:%H:%M}" if start and start.date() == end.date() else cn_datetime(v.ended_at)
        )
    else:
        time_text += " 至    时    分"
    team = "、".join(f"{i.name}（执法证号 {i.enforcement_id}）" for i in v.inspectors)
    kind = lifecycle.KINDS.get(v.kind, (v.kind, v.kind))[0]
    if v.kind == "reinspection" and data.facts.answered_notice_number:
        kind += f"（依据整改通知书 {data.facts.answered_notice_number}）"

    return header_table(
        [
            ("被检查单位", v.hotel_name),
            ("统一社会信用代码", h.credit_code if h else "", "所属县区", v.division_name),
            ("地址", h.address if h else ""),
            ("负责人", h.person_in_charge if h else "", "现场联系人及电话", contact),
            ("检查单位", data.facts.authority),
            ("检查时间", time_text),
            ("检查人员", team),
            ("出示证件", CheckChoices([("检查人员已向被检查单位出示执法证件", v.ids_shown)], size=9.5)),
            ("检查类型", kind),
        ]
    )


def _cell_text(
    item: ChecklistItem, outcome: ItemOutcome | None, earlier: notice_service.NoticeItem | None = None
) -> tuple[str, bool]:
    """What a value cell shows, and whether it failed."""
    if outcome is None:
        return "", False
    if not outcome.applicable:
        return '<font color="#595959" size="7.5">不适用</font>', False
    value = escape(answer_text(item, outcome.value))
    if outcome.value is None:
        text = MARK_NONE
    elif outcome.passed is None or outcome.value == "na":
        text = value
    else:
        text = f"{value} {mark(outcome.passed)}"
    if earlier is not None:
        before = escape(answer_text(item, earlier.value))
        text += f'<br/><font color="#595959" size="7">原：{before} ×</font>'
    return text, outcome.passed is False


def _outcome(data: SheetData, key: str, room: str | None) -> ItemOutcome | None:
    try:
        return data.view.verdict.outcome(key, room)
    except KeyError:
        return None


def _hotel_items_table(
    data: SheetData,
    refs: dict[tuple[str | None, str | None], list[int]],
    earlier: dict[tuple[str | None, str], notice_service.NoticeItem],
) -> Table:
    widths = column_widths(9 * mm, 66 * mm, 0, 32 * mm, 14 * mm)
    rows: list[list[Any]] = [
        [para(t, "cell_center") for t in ("序号", "检查项目", "检查情况", "要求", "判定")]
    ]
    fails: list[int] = []
    for n, item in enumerate(data.template.hotel_items, 1):
        outcome = _outcome(data, item.key, None)
        if outcome is None:
            value = data.view.hotel_answers.get(item.key)
            text, failed, verdict_mark = escape(answer_text(item, value)), False, ""
        else:
            text, failed = _cell_text(item, outcome, earlier.get((None, item.key)))
            if outcome.passed is not None and outcome.value != "na" and outcome.applicable:
                text = text.replace(f" {mark(outcome.passed)}", "", 1)
            judged = outcome.applicable and outcome.value is not None and outcome.passed is not None
            verdict_mark = mark(outcome.passed) if judged else ""
        photos = refs.get((None, item.key))
        if photos:
            text += f'<br/><font size="7.5">见{refs_text(photos)}</font>'
        rows.append(
            [
                para(str(n), "cell_center"),
                para(item.label.zh, "cell"),
                para(text or "", "cell", markup=True),
                para(requirement_text(item) if item.rule else "—", "cell_center"),
                para(verdict_mark, "cell_center"),
            ]
        )
        if failed:
            fails.append(n)
    shaded = [("BACKGROUND", (c, r), (c, r), FAIL_FILL) for r in fails for c in (2, 4)]
    return grid_table(rows, widths, header_rows=1, commands=shaded)


def _room_tables(
    data: SheetData, earlier: dict[tuple[str | None, str], notice_service.NoticeItem]
) -> list[Flowable]:
    v = data.view
    items = [i for i in data.template.room_items if i.answer_type != "text"]
    rooms = list(v.rooms)
    if not rooms:
        return [para("未抽查客房。", "body")]
    out: list[Flowable] = []
    for chunk in chunked(rooms, ROOMS_PER_TABLE):
        widths = room_table_widths(len(chunk))
        head: list[Any] = [para(t, "cell_center") for t in ("序号", "检查项目", "要求")]
        for r in chunk:
            sub = " ".join(
                x for x in ((f"{r.floor}层" if r.floor else ""), room_type_label(r.room_type)) if x
            )
            head.append(
                para(
                    f"{escape(r.room_number)}<br/><font size='7.5'>{escape(sub)}</font>"
                    if sub
                    else escape(r.room_number),
                    "cell_center",
                    markup=True,
                )
            )
        rows: list[list[Any]] = [head]
        fail_cells: list[tuple[int, int]] = []
        for n, item in enumerate(items, 1):
            row = room_item_cells(n, item.label.zh, item)
            for c, room in enumerate(chunk):
                text, failed = _cell_text(
                    item,
                    _outcome(data, item.key, room.room_number),
                    earlier.get((room.room_number, item.key)),
                )
                row.append(para(text, "cell_small_center", markup=True))
                if failed:
                    fail_cells.append((3 + c, n))
            rows.append(row)
        shaded = [("BACKGROUND", cell, cell, FAIL_FILL) for cell in fail_cells]
        out += [grid_table(rows, widths, header_rows=1, commands=shaded), Spacer(1, 2 * mm)]
    out.append(
        para("注：“√”符合要求，“×”不符合要求（底色加灰），“不适用”为该酒店电视模式不涉及的项目。", "tiny")
    )
    return out


def room_table_widths(rooms: int) -> list[float]:
    """Column widths of a room table: number, item, requirement and one column per room."""
    room_w = min(26 * mm, (FRAME_WIDTH - 80 * mm) / rooms)
    return [10 * mm, FRAME_WIDTH - 10 * mm - 17 * mm - room_w * rooms, 17 * mm] + [room_w] * rooms


def room_item_cells(n: int, label: str, item: ChecklistItem) -> list[Any]:
    """The first cells of an item's row in a room table: its number, label and requirement."""
    return [
        para(str(n), "cell_small_center"),
        para(label, "cell_small"),
        para(requirement_text(item), "cell_small_center"),
    ]


def _room_notes(data: SheetData) -> list[str]:
    text_items = [i for i in data.template.room_items if i.answer_type == "text"]
    return [
        f"{room.room_number}房间 {room.answers[item.key]}"
        for room in data.view.rooms
        for item in text_items
        if room.answers.get(item.key)
    ]


def _earlier_table(data: SheetData) -> Flowable:
    if not data.facts.earlier:
        return para("原整改通知书未列出问题。", "body")
    template = data.template
    widths = column_widths(9 * mm, 58 * mm, 47 * mm, 0, 22 * mm)
    rows: list[list[Any]] = [
        [para(t, "cell_center") for t in ("序号", "原检查发现的问题", "整改要求", "本次复查情况", "整改结果")]
    ]
    fails = []
    for n, e in enumerate(data.facts.earlier, 1):
        item = template.item(e.item_key) if template.has_item(e.item_key) else None
        where = insp_service.finding_place(e.room, template.wording.site.zh)
        before = answer_text(item, e.value) if item else str(e.value)
        outcome = _outcome(data, e.item_key, e.room)
        if outcome is None or item is None:
            now, result = "本次未复查该房间", "未复查"
        elif outcome.value is None:
            now, result = "未填写", "—"
        else:
            now = f"{answer_text(item, outcome.value)} {mark(outcome.passed)}"
            result = {True: "已整改 √", False: "未整改 ×", None: "—"}[outcome.passed]
            if outcome.passed is False:
                fails.append(n)
        rows.append(
            [
                para(str(n), "cell_center"),
                para(f"{where}：{e.label}（{before}）", "cell"),
                para(e.fix, "cell"),
                para(now, "cell_center"),
                para(result, "cell_center"),
            ]
        )
    shaded = [("BACKGROUND", (3, r), (4, r), FAIL_FILL) for r in fails]
    return grid_table(rows, widths, header_rows=1, commands=shaded)


def _findings(data: SheetData, refs: dict[tuple[str | None, str | None], list[int]]) -> list[Flowable]:
    v = data.view
    failed = v.verdict.failed
    out: list[Flowable] = []
    if not failed:
        out.append(para("未发现不符合要求的问题。", "body_indent"))
    template = data.template
    for n, f in enumerate(failed, 1):
        item = template.item(f.item_key) if template.has_item(f.item_key) else None
        where = insp_service.finding_place(f.room_label, template.wording.site.zh)
        value = answer_text(item, f.value) if item else str(f.value)
        severity = "严重" if f.severity == "critical" else "一般"
        photos = refs.get((f.room_label, f.item_key))
        evidence = f"，证据：{refs_text(photos)}" if photos else ""
        reason = "" if photos else v.evidence_note(f.item_key, f.room_label)
        if reason:
            evidence = f"，未拍照取证，理由：{reason}"
        out.append(
            para(
                f"{n}. {where}“{f.label_zh}”为{value}，不符合“{f.rule_zh}”的要求（{severity}{evidence}）。",
                "body",
            )
        )
    default = insp_service.default_findings(v.verdict)
    if v.findings and v.findings.strip() and v.findings.strip() != default:
        out += [Spacer(1, 1 * mm), para("检查情况说明：" + v.findings.strip(), "body")]
    return out


def _result_block(data: SheetData) -> Flowable:
    v = data.view
    result = v.result or v.verdict.result
    notes: list[tuple[str, str]] = []
    if data.issued_notice_number:
        notes.append(("处理", f"已下发整改通知书，编号 {data.issued_notice_number}"))
    elif result == "fail" and v.status == "finalized":
        notes.append(("处理", "应下发整改通知书，限期整改后复查。"))
    if v.status != "finalized":
        notes.append(("说明", "本记录为草稿，结论为按当前填写内容自动评定，定稿前可能变化。"))
    return result_table(result, notes)


def result_table(result: str | None, notes: Sequence[tuple[str, str]] = ()) -> Table:
    """The conclusion as tick boxes (``result`` ticked, None: none), then a row per (label, text) note."""
    choices = CheckChoices(
        [(label, key == result) for key, (label, _) in lifecycle.RESULTS.items()], size=11, gap=24
    )
    rows = [[para("检查结论", "label"), choices], *([para(k, "label"), para(t, "cell")] for k, t in notes)]
    return grid_table(rows, [25 * mm, FRAME_WIDTH - 25 * mm], padding=5)


def _opinion_box(opinion: str | None, refused: bool = False) -> Flowable:
    text = opinion.strip() if opinion and opinion.strip() else ""
    if not text and refused:
        text = "被检查单位拒绝签字，未发表意见。"
    return grid_table(
        [[para(text, "body")]],
        [FRAME_WIDTH],
        padding=5,
        commands=[("VALIGN", (0, 0), (-1, -1), "TOP")],
        rowHeights=[None if text else 16 * mm],
    )


def _inspector_signature(signatures: dict[str, Any], inspector_id: str) -> Any:
    """A captured inspector signature, stored under the inspector's id or ``inspector:<id>`` (as the
    inspection window stores it)."""
    for key in (inspector_id, f"inspector:{inspector_id}"):
        if isinstance(signatures.get(key), dict):
            return signatures[key]
    return None


def _signature_table(data: SheetData) -> Table:
    v = data.view
    when = (v.ended_at or v.started_at) if v.status == "finalized" else None
    signers = [(i.name, _inspector_signature(v.signatures, i.id)) for i in v.inspectors]
    if v.refusal is not None:
        return signature_block(signers, "", v.signatures.get("witness"), when, refusal=v.refusal)
    return signature_block(signers, v.hotel_signatory or "", v.signatures.get("hotel"), when)


def signature_block(
    inspectors: Sequence[tuple[str, Any]],
    hotel_signatory: str,
    hotel_signature: Any,
    when: datetime | None,
    refusal: insp_service.Refusal | None = None,
) -> Table:
    """Both sides' signatures: a drawn signature (or room for a pen) above each printed name, and the date.

    With a ``refusal`` the hotel's side says 拒绝签字 and names the witness (whose drawn signature, if
    any, is ``hotel_signature``) and the time of the refusal.
    """
    half = FRAME_WIDTH / 2
    sig_h = 13 * mm
    per = max(len(inspectors), lifecycle.MIN_INSPECTORS)  # room for at least the team a record needs
    sig_w = (half - 8 * mm) / per
    signers = [*inspectors, *[("", None)] * (per - len(inspectors))]  # blank places for a pen
    inner_left = styled_table(
        [
            [SignatureDrawing(sig, sig_w - 4 * mm, sig_h) for _, sig in signers],
            [para(name, "cell_small_center") for name, _ in signers],
        ],
        [sig_w] * per,
        [
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, GREY_TEXT),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ],
        rowHeights=[sig_h + 2 * mm, None],
    )
    right_name = hotel_signatory
    if refusal is not None:
        right_name = f"被检查单位拒绝签字。见证人：{refusal.witness}（{cn_datetime(refusal.at)}）"
    inner_right = styled_table(
        [[SignatureDrawing(hotel_signature, half - 20 * mm, sig_h)], [para(right_name, "cell_small_center")]],
        [half - 8 * mm],
        [("LINEBELOW", (0, 0), (-1, 0), 0.5, GREY_TEXT), ("ALIGN", (0, 0), (-1, -1), "CENTER")],
        rowHeights=[sig_h + 2 * mm, None],
    )
    date_text = "日期：" + cn_date(when)
    rows = [
        [
            para("检查人员（签名）：", "cell"),
            para(
                "被检查单位拒绝签字，见证人（签名）："
                if refusal is not None
                else "被检查单位负责人或现场人员（签名）：",
                "cell",
            ),
        ],
        [inner_left, inner_right],
        [para(date_text, "cell"), para(date_text, "cell")],
    ]
    return styled_table(
        rows,
        [half, half],
        [
            ("BOX", (0, 0), (0, -1), GRID_WIDTH, BLACK),
            ("BOX", (1, 0), (1, -1), GRID_WIDTH, BLACK),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ],
    )
