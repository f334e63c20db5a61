"""What every document shares: options, the A4 page template, "第x页 共y页", the verification footer,
small flowables of a Chinese form (title, check boxes, signatures, cut line) and value formatting.

A document is a list of flowables that starts with :class:`StartSection`. A section is one printed
document with its own page count, running header, verification code and draft watermark; a batch puts
many sections into one PDF and each still counts "第1页 共3页" on its own. Page decorations are drawn
at the end of each page (``onPageEnd``), when the section on that page is known; the page totals are
filled in when the file is saved (:class:`NumberedCanvas`).

Files are written atomically (:func:`hoteltv.io.files.atomic_output`): a failed or cancelled build
leaves any earlier file untouched.
"""

from __future__ import annotations

import itertools
import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Paragraph, Table

from hoteltv.domain import clock
from hoteltv.domain.checklist import ChecklistItem
from hoteltv.errors import HoteltvError
from hoteltv.io.files import atomic_output
from hoteltv.reports import fonts, styles
from hoteltv.reports.fonts import FONT, register_fonts
from hoteltv.reports.styles import (
    FRAME_WIDTH,
    GREY_TEXT,
    HEAD_FILL,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    WATERMARK,
    grid_table,
)

#: ``progress(done, total, text)``; returning False asks the job to stop (see :class:`ReportCancelled`).
Progress = Callable[[int, int, str], bool | None]

MARK_PASS = "√"
MARK_FAIL = "×"
MARK_NONE = "—"

YES_NO_ZH = {"yes": "是", "no": "否", "na": "不适用"}


class ReportCancelled(HoteltvError):
    """The user cancelled a document while it was being made; nothing was written."""

    def __init__(self, message: str = "已取消，未生成文件 (cancelled; no file written)") -> None:
        super().__init__(message)


def report_progress(progress: Progress | None, done: int, total: int, text: str) -> None:
    """Report progress; raise :class:`ReportCancelled` when the callback answers False."""
    if progress is not None and progress(done, total, text) is False:
        raise ReportCancelled()


@dataclass(frozen=True)
class ReportOptions:
    """What documents need from the data folder and its settings.

    ``home`` is the data folder (its ``photos`` store gives the photo pages); None prints no photos.
    """

    home: Path | None = None
    authority: str = "保山市文化和旅游局"
    photo_long_edge: int = 1600
    photo_quality: int = 85
    city_short: str = "市"

    @classmethod
    def from_settings(cls, home: Path | None, settings: Any = None, divisions: Any = None) -> ReportOptions:
        """Options from a data folder's :class:`hoteltv.config.Settings` and division list (either may be None)."""
        values: dict[str, Any] = {"home": home}
        if settings is not None:
            values["authority"] = settings.get("authority") or cls.authority
            values["photo_long_edge"] = int(settings.get("photo_long_edge"))
            values["photo_quality"] = int(settings.get("photo_quality"))
        if divisions is not None and getattr(divisions, "city_short", None):
            values["city_short"] = divisions.city_short
        return cls(**values)


# --- formatting ------------------------------------------------------------------------------------------


def gap(chars: float) -> str:
    """Blank space about ``chars`` Chinese characters wide that a paragraph keeps (for filling in by hand).

    Ideographic spaces would collapse (Python counts U+3000 as whitespace); no-break spaces stay.
    """
    return "\xa0" * round(chars * 4)


def cn_date(d: date | datetime | None) -> str:
    """``2026年11月15日`` (a blank to fill by hand when None)."""
    if d is None:
        return f"{gap(2.5)}年{gap(1.5)}月{gap(1.5)}日"
    d = clock.bureau_date(d)
    return f"{d.year}年{d.month}月{d.day}日"


def cn_datetime(dt: datetime | None) -> str:
    """``2026年11月15日 14:37`` in the bureau's time zone (empty when None)."""
    if dt is None:
        return ""
    lt = clock.bureau_time(dt)
    return f"{cn_date(lt)} {lt:%H:%M}"


def number_text(value: float | int) -> str:
    return str(int(value)) if float(value) == int(value) else f"{value:g}"


def answer_text(item: ChecklistItem, value: Any) -> str:
    """An answer as a form shows it: 是/否/不适用, ``58秒``, a count, a choice's label, the text."""
    if value is None or value == "":
        return ""
    kind = item.answer_type
    if kind == "yes_no":
        return YES_NO_ZH.get(str(value), str(value))
    if kind == "seconds" and isinstance(value, int | float):
        return f"{number_text(value)}秒"
    if kind == "count" and isinstance(value, int | float):
        return number_text(value) + (item.unit.zh if item.unit else "")
    if kind == "choice":
        try:
            return item.choice(str(value)).zh
        except KeyError:
            return str(value)
    return str(value)


def requirement_text(item: ChecklistItem) -> str:
    """The pass rule in a few characters: ``≤35秒``, ``是``, ``否``, ``良好/一般``; ``—`` when only recorded."""
    rule = item.rule
    if rule is None:
        return MARK_NONE
    if rule.allowed is not None:
        values = [v for v in rule.allowed if v != "na"] or list(rule.allowed)
        return "/".join(answer_text(item, v) for v in values)
    unit = "秒" if item.answer_type == "seconds" else ""
    if rule.minimum is not None and rule.maximum is not None:
        return f"{number_text(rule.minimum)}–{number_text(rule.maximum)}{unit}"
    if rule.maximum is not None:
        return f"≤{number_text(rule.maximum)}{unit}"
    if rule.minimum is not None:
        return f"≥{number_text(rule.minimum)}{unit}"
    return MARK_NONE


def mark(passed: bool | None) -> str:
    return MARK_NONE if passed is None else (MARK_PASS if passed else MARK_FAIL)


def para(text: str | None, style_name: str = "body", *, markup: bool = False) -> Paragraph:
    """A paragraph of plain text (escaped unless ``markup``), line breaks kept, in a named style."""
    body = text or ""
    # Each run of characters in the first bundled font that has them (a rare character in Hanazono).
    # Lines are marked up one by one: the font runs turn a line break (in no font) into a space.
    body = (
        fonts.markup(body) if markup else "<br/>".join(fonts.plain_markup(line) for line in body.split("\n"))
    )
    return Paragraph(body, styles.style(style_name))


@contextmanager
def naming_fields(source: Any, name: str = "") -> Iterator[None]:
    """Turn an :class:`~hoteltv.reports.fonts.UnprintableCharacter` raised while a document is made from
    ``source`` (the loaded data, called ``name`` in the message) into one that names the field holding
    the character."""
    try:
        yield
    except fonts.UnprintableCharacter as exc:
        if exc.field or exc.path:
            raise
        label, path = _field_with(source, exc.char, name)
        raise (exc.in_field(label, path) if path else exc) from None


#: Field names as a person knows them, for the message naming an unprintable character.
FIELD_LABELS = {
    "hotel.name": "酒店名称",
    "hotel_name": "酒店名称",
    "name": "名称",
    "address": "地址",
    "person_in_charge": "负责人",
    "contact_name": "联系人",
    "contact_on_site": "现场联系人",
    "contact_phone": "联系电话",
    "credit_code": "统一社会信用代码",
    "division_name": "所属县区",
    "caption": "照片说明",
    "findings": "检查发现的问题",
    "hotel_opinion": "被检查单位意见",
    "hotel_signatory": "被检查单位签字人",
    "note": "备注",
    "notes": "备注",
    "room_number": "房间号",
    "authority": "检查单位",
    "enforcement_id": "执法证号",
    "text": "文字",
    "value": "检查情况",
    "problem": "问题",
    "requirement": "整改要求",
    # The sealed data a sheet or notice is printed from (hoteltv.services.seal) and the delivery record.
    "items.label": "检查项目",
    "items.rule": "违反的要求",
    "items.fix": "整改要求",
    "items.basis": "依据",
    "legal_basis": "法律依据",
    "review_body": "行政复议机关",
    "court": "行政诉讼法院",
    "change_reason": "变更理由",
    "reason": "未拍照原因",
    "witness": "见证人",
    "recipient": "签收人",
    "inspectors.name": "执法人员姓名",
    "title_zh": "检查表名称",
}


def _field_with(source: Any, char: str, name: str = "") -> tuple[str, str]:
    """A person's name for the first text in ``source`` (dataclasses, dicts, lists) that contains
    ``char`` and its path: ``("酒店名称", "view.hotel_name")``; empty strings if none does."""
    seen: set[int] = set()

    def walk(node: Any, path: str, depth: int) -> str | None:
        if isinstance(node, str):
            return path if char in node else None
        if depth > 8 or id(node) in seen or isinstance(node, bytes | int | float | date | Path):
            return None
        seen.add(id(node))
        if isinstance(node, dict):
            items: Iterable[tuple[str, Any]] = ((f"{path}[{k!r}]", v) for k, v in node.items())
        elif isinstance(node, list | tuple):
            items = ((f"{path}[{n}]", v) for n, v in enumerate(node))
        elif is_dataclass(node):
            items = ((f"{path}.{f.name}" if path else f.name, getattr(node, f.name)) for f in fields(node))
        else:
            return None
        for sub_path, value in items:
            found = walk(value, sub_path, depth + 1)
            if found:
                return found
        return None

    path = walk(source, name, 0)
    if not path:
        return "", ""
    tail = path.rsplit(".", 1)[-1]
    last = path.rsplit("[", 1)[-1].strip("]'\"") if "[" in tail else tail
    two = ".".join(path.split(".")[-2:])
    plain = re.sub(r"\[[^\]]*\]", "", two)  # "items[0].label" -> "items.label"
    label = FIELD_LABELS.get(two) or FIELD_LABELS.get(plain) or FIELD_LABELS.get(last)
    return label or "", path


# --- sections, pages and the canvas ----------------------------------------------------------------------


@dataclass
class Decor:
    """How the pages of one printed document are decorated.

    ``code`` is the verification code printed (with its QR code) in the footer; ``draft`` prints a
    草稿 watermark on every page; ``in_force`` (the version that replaced this one: number, version and
    code) prints a large 已更正 watermark naming it.
    """

    doc_name: str
    number: str = ""
    code: str | None = None
    draft: bool = False
    number_label: str = "编号"
    key: int = 0
    in_force: str | None = None


class StartSection(Flowable):
    """Zero-size marker that makes the following pages belong to a new printed document."""

    _keys = itertools.count(1)

    def __init__(self, decor: Decor) -> None:
        super().__init__()
        decor.key = next(StartSection._keys)
        self.decor = decor
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.hoteltv_section = self.decor


@dataclass(frozen=True)
class PageFacts:
    """What is known of a file's pages when it is saved: each section's page count and first page (the
    page's number in the file, counting blank pages), by :attr:`Decor.key`."""

    pages: dict[int, int]
    first_page: dict[int, int]


class DeferredText(Flowable):
    """Text known only when the file is saved (a section's page count on a batch's cover), drawn centred
    in a ``width`` × ``height`` box: ``text(facts)`` gives it."""

    def __init__(
        self, text: Callable[[PageFacts], str], width: float, height: float, size: float = 9
    ) -> None:
        super().__init__()
        self.text, self.width, self.height, self.size = text, width, height, size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        # Where this box is on the page: flowables are drawn translated, never scaled or turned.
        _, _, _, _, x0, y0 = canv._currentMatrix
        x, y = x0 + self.width / 2, y0 + (self.height - self.size * 0.7) / 2
        size = self.size

        def draw_later(canvas: Canvas, facts: PageFacts) -> None:
            canvas.setFont(FONT, size)
            canvas.setFillColor(styles.BLACK)
            canvas.drawCentredString(x, y, self.text(facts))

        deferred = getattr(canv, "hoteltv_deferred", None)
        if deferred is not None:
            deferred.append(draw_later)


class OddPageStart(Flowable):
    """Zero-size marker placed right after a page break: if that new page is even, it is left blank
    (no header, footer or page number; "此页空白" in the middle) so that what follows starts on an odd
    page — the front of a sheet of paper when the file is printed on both sides."""

    _ZEROSIZE = 1

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        doc = self._doctemplate
        if doc is not None and doc.page % 2 == 0:
            self._doctemplateAttr("frame").add_generated_content(_BlankPage(), PageBreak())
        return 0, 0

    def draw(self) -> None:
        pass


class _BlankPage(Flowable):
    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, availHeight / 2
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.hoteltv_section = None  # no running header, footer or page number on this page
        canv.saveState()
        canv.setFont(FONT, 9)
        canv.setFillColor(GREY_TEXT)
        canv.drawCentredString(self.width / 2, 0, "（此页空白）")
        canv.restoreState()


class NumberedCanvas(Canvas):
    """A canvas that holds pages back until saving, to print "第x页 共y页" counted per section."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Without this reportlab names Helvetica in every page preamble: a non-embedded font in the file.
        kwargs["initialFontName"] = kwargs.get("initialFontName") or register_fonts()
        kwargs["initialFontSize"] = kwargs.get("initialFontSize") or 10.5
        super().__init__(*args, **kwargs)
        self._held: list[dict[str, Any]] = []
        self.hoteltv_section: Decor | None = None
        self.hoteltv_page_label: tuple[int, float, float] | None = None
        #: Drawn on this page when the file is saved, when every section's pages are known.
        self.hoteltv_deferred: list[Callable[[Canvas, PageFacts], None]] = []

    # Every string drawn on the canvas (table cells, running headers, labels) is split into runs of one
    # font each, so a character Micro Hei lacks is drawn by a fallback font (or refused, named).
    def drawString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:  # noqa: N802
        self._draw_runs(x, y, text, 0, args, kwargs)

    def drawCentredString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:  # noqa: N802
        self._draw_runs(x, y, text, 1, args, kwargs)

    def drawRightString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:  # noqa: N802
        self._draw_runs(x, y, text, 2, args, kwargs)

    def _draw_runs(self, x: float, y: float, text: str, align: int, args: Any, kwargs: Any) -> None:
        base = self._fontname
        draw = (Canvas.drawString, Canvas.drawCentredString, Canvas.drawRightString)[align]
        if base not in fonts.FONTS:
            draw(self, x, y, text, *args, **kwargs)
            return
        parts = fonts.runs(text, base)
        if len(parts) == 1 and parts[0][0] == base:
            draw(self, x, y, parts[0][1], *args, **kwargs)
            return
        size, leading = self._fontsize, self._leading
        x -= sum(stringWidth(run, font, size) for font, run in parts) * align / 2
        for font, run in parts:
            self.setFont(font, size, leading)
            Canvas.drawString(self, x, y, run, *args, **kwargs)
            x += stringWidth(run, font, size)
        self.setFont(base, size, leading)

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._held.append(dict(self.__dict__))
        self._startPage()
        self.hoteltv_page_label = None
        self.hoteltv_deferred = []

    def save(self) -> None:
        # Each page of a section (by its key) with its page number in the file; the earliest page is its first.
        labelled = [
            (n, s["hoteltv_page_label"][0]) for n, s in enumerate(self._held, 1) if s["hoteltv_page_label"]
        ]
        totals = Counter(key for _n, key in labelled)
        facts = PageFacts(dict(totals), {key: n for n, key in reversed(labelled)})
        seen: Counter[int] = Counter()
        for state in self._held:
            self.__dict__.update(state)
            label = self.hoteltv_page_label
            if label is not None:
                key, x, y = label
                seen[key] += 1
                self.setFont(FONT, 9)
                self.setFillColor(styles.BLACK)
                self.drawCentredString(x, y, f"第 {seen[key]} 页  共 {totals[key]} 页")
            for draw in self.hoteltv_deferred:
                draw(self, facts)
            Canvas.showPage(self)
        Canvas.save(self)


QR_SIZE = 20 * mm


def _page_background(canv: Canvas, doc: BaseDocTemplate) -> None:
    # A white page, so a viewer with a dark theme or a transparent-page renderer shows paper.
    canv.saveState()
    canv.setFillColorRGB(1, 1, 1)
    canv.rect(0, 0, PAGE_WIDTH, PAGE_HEIGHT, stroke=0, fill=1)
    canv.restoreState()


def _page_decorations(canv: Canvas, doc: BaseDocTemplate) -> None:
    decor: Decor | None = getattr(canv, "hoteltv_section", None)
    if decor is None:
        return
    canv.saveState()
    if decor.draft:
        _draw_watermark(canv)
    elif decor.in_force:
        _draw_watermark(canv, "已 更 正", f"本件已被更正，现行有效版本：{decor.in_force}", size=120)
    # Running header: which document and its number, on every page (pages get separated).
    canv.setFillColor(GREY_TEXT)
    top = PAGE_HEIGHT - 11 * mm
    left = decor.doc_name + ("（草稿）" if decor.draft else "")
    right = f"{decor.number_label}：{decor.number}" if decor.number else ""
    for x, y, size, text in header_layout(left, right, top):
        canv.setFont(FONT, size)
        canv.drawString(x, y, text)
    canv.setStrokeColor(GREY_TEXT)
    canv.setLineWidth(0.4)
    canv.line(MARGIN_LEFT, top - 2 * mm, PAGE_WIDTH - MARGIN_RIGHT, top - 2 * mm)
    # Footer: the verification code as text and QR code, and the page number (filled in on save).
    base = 9 * mm
    canv.line(MARGIN_LEFT, MARGIN_BOTTOM - 4 * mm, PAGE_WIDTH - MARGIN_RIGHT, MARGIN_BOTTOM - 4 * mm)
    if decor.code:
        from hoteltv.reports.verification import draw_qr

        qr_x = PAGE_WIDTH - MARGIN_RIGHT - QR_SIZE
        draw_qr(canv, decor.code, qr_x, base - 3 * mm, QR_SIZE)  # clear of the footer rule above
        canv.setFillColor(styles.BLACK)
        canv.setFont(FONT, 9)
        canv.drawString(MARGIN_LEFT, base + 10 * mm, f"校验码：{decor.code}")
        canv.setFont(FONT, 7.5)
        canv.setFillColor(GREY_TEXT)
        canv.drawString(
            MARGIN_LEFT,
            base + 6 * mm,
            "扫描右侧二维码或在系统“核验”中输入校验码，可核对本件与存档记录是否一致。",
        )
    canv.restoreState()
    canv.hoteltv_page_label = (decor.key, PAGE_WIDTH / 2, base)


HEADER_SIZE = 8.0
#: The smallest size a long running-header text shrinks to before it wraps onto lines above.
HEADER_MIN_SIZE = 6.5
HEADER_GAP = 6 * mm


def header_layout(left: str, right: str, y: float) -> list[tuple[float, float, float, str]]:
    """Where the running header's texts go: ``(x, y, size, text)`` each.

    ``left`` (the document's name) is drawn at the left margin; ``right`` (e.g. 被检查单位：<a long hotel
    name>) ends at the right margin and never reaches ``left``: it shrinks down to
    :data:`HEADER_MIN_SIZE`, then wraps onto lines above the first (the top margin has room for them).
    """
    out = [(MARGIN_LEFT, y, HEADER_SIZE, left)] if left else []
    if not right:
        return out
    right_edge = PAGE_WIDTH - MARGIN_RIGHT
    avail = right_edge - MARGIN_LEFT - (fonts.string_width(left, HEADER_SIZE) + HEADER_GAP if left else 0)
    size = HEADER_SIZE
    while size > HEADER_MIN_SIZE and fonts.string_width(right, size) > avail:
        size -= 0.5
    lines = _wrap(right, size, avail)
    if len(lines) > 1:  # as even as the same number of lines allows, not a long line and a stub
        width = fonts.string_width(right, size) / len(lines)
        while len(balanced := _wrap(right, size, width)) > len(lines):
            width += 2
        lines = balanced
    # The last line sits on the header's base line, the earlier ones above it.
    for n, text in enumerate(lines):
        line_y = y + (len(lines) - 1 - n) * size * 1.15
        out.append((right_edge - fonts.string_width(text, size), line_y, size, text))
    return out


def _wrap(text: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (between any two characters, as Chinese is)."""
    lines: list[str] = []
    line = ""
    for char in text:
        if line and fonts.string_width(line + char, size) > width:
            lines.append(line)
            line = ""
        line += char
    lines.append(line)
    return lines


def _draw_watermark(
    canv: Canvas, text: str = "草 稿", note: str = "未定稿，不作为正式记录", size: float = 150
) -> None:
    canv.saveState()
    canv.setFillColor(WATERMARK)
    canv.setFillAlpha(0.22)
    canv.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canv.rotate(35)
    canv.setFont(FONT, size)
    canv.drawCentredString(0, -50, text)
    note_size = 20.0
    while note_size > 8 and stringWidth(note, FONT, note_size) > PAGE_WIDTH * 0.9:
        note_size -= 1
    canv.setFont(FONT, note_size)
    canv.setFillAlpha(0.45)
    canv.drawCentredString(0, -95, note)
    canv.restoreState()


_BUILD_LOCK = threading.Lock()


class _Doc(BaseDocTemplate):
    def __init__(self, filename: Any, on_page: Callable[[int], None], **kwargs: Any) -> None:
        super().__init__(filename, **kwargs)
        self._on_page = on_page

    def afterPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._on_page(self.page)


def write_document(
    out: Path,
    source: Any,
    story: Callable[[], Sequence[Flowable]],
    *,
    title: str,
    subject: str = "",
    progress: Progress | None = None,
    name: str = "",
    step: tuple[int, int] = (0, 1),
) -> Path:
    """Report the laying-out ``step``, then :func:`build_pdf` ``story()``; an unprintable character is
    named by its field of ``source`` (see :func:`naming_fields`)."""
    report_progress(progress, *step, "排版 (laying out)")
    with naming_fields(source, name):
        return build_pdf(out, story(), title=title, subject=subject, progress=progress)


def build_pdf(
    out: Path,
    story: Sequence[Flowable],
    *,
    title: str,
    subject: str = "",
    progress: Progress | None = None,
    expected_pages: int = 0,
) -> Path:
    """Lay ``story`` out on A4 pages and write the PDF atomically to ``out``.

    ``story`` must start with a :class:`StartSection`. ``progress`` hears of each finished page and may
    cancel (nothing is written then).
    """
    register_fonts()

    def on_page(page: int) -> None:
        report_progress(progress, page, max(expected_pages, page), f"排版第{page}页 (laying out page {page})")

    with atomic_output(Path(out)) as fh:
        doc = _Doc(
            fh,
            on_page,
            pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
            leftMargin=MARGIN_LEFT,
            rightMargin=MARGIN_RIGHT,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=title,
            subject=subject,
            author="hoteltv",
            creator="hoteltv (reportlab)",
            pageCompression=1,
            invariant=0,
        )
        frame = Frame(
            MARGIN_LEFT,
            MARGIN_BOTTOM,
            FRAME_WIDTH,
            PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        doc.addPageTemplates(
            [PageTemplate(id="page", frames=[frame], onPage=_page_background, onPageEnd=_page_decorations)]
        )
        # reportlab keeps per-document font-subset state inside the shared font object: two builds at
        # once (two previews on the worker pool) must not interleave. Photo copies are made before this.
        with _BUILD_LOCK:
            doc.build(list(story), canvasmaker=NumberedCanvas)
    return Path(out)


# --- flowables of a form ---------------------------------------------------------------------------------


class TitleLine(Flowable):
    """A centred heading in heavier strokes (the font has one weight) with optional letter spacing."""

    def __init__(self, text: str, size: float = 22, char_space: float = 0, space_after: float = 4) -> None:
        super().__init__()
        self.text, self.size, self.char_space, self.space_after = text, size, char_space, space_after

    def _text_width(self) -> float:
        return fonts.string_width(self.text, self.size) + self.char_space * max(len(self.text) - 1, 0)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.size * 1.3 + self.space_after
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        text = c.beginText()
        text.setFont(FONT, self.size)
        text.setCharSpace(self.char_space)
        text.setTextRenderMode(2)  # fill and stroke: a bold look
        c.setLineWidth(self.size / 40)
        text.setTextOrigin((self.width - self._text_width()) / 2, self.space_after + self.size * 0.3)
        for font, run in fonts.runs(self.text):
            text.setFont(font, self.size)
            text.textOut(run)
        c.drawText(text)
        c.restoreState()


class CheckChoices(Flowable):
    """Tick boxes on one line (wrapping if needed): ``□ 合格  √ 基本合格  □ 不合格``.

    The font has no ☑/☐ glyphs, so boxes are drawn; a chosen box gets a √ inside.
    """

    def __init__(self, options: Iterable[tuple[str, bool]], size: float = 10.5, gap: float = 14) -> None:
        super().__init__()
        self.options = list(options)
        self.size, self.gap = size, gap
        self._lines: list[list[tuple[str, bool]]] = []

    def _item_width(self, label: str) -> float:
        return self.size * 1.25 + stringWidth(label, FONT, self.size)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._lines = []
        line: list[tuple[str, bool]] = []
        used = 0.0
        for label, checked in self.options:
            w = self._item_width(label)
            if line and used + w > availWidth:
                self._lines.append(line)
                line, used = [], 0.0
            line.append((label, checked))
            used += w + self.gap
        if line:
            self._lines.append(line)
        self.width = availWidth
        self.height = len(self._lines) * self.size * 1.5
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        box = self.size * 0.85
        for n, line in enumerate(self._lines):
            y = self.height - (n + 1) * self.size * 1.5 + self.size * 0.35
            x = 0.0
            for label, checked in line:
                draw_box(c, x, y - box * 0.1, box, checked)
                c.setFont(FONT, self.size)
                c.drawString(x + box + self.size * 0.3, y, label)
                x += self._item_width(label) + self.gap


def draw_box(c: Canvas, x: float, y: float, size: float, checked: bool) -> None:
    """A check box at (x, y) lower-left; ticked with √ when ``checked``."""
    c.saveState()
    c.setLineWidth(0.7)
    c.rect(x, y, size, size, stroke=1, fill=0)
    if checked:
        c.setLineWidth(size / 7)
        c.setLineCap(1)
        c.setLineJoin(1)
        path = c.beginPath()
        path.moveTo(x + size * 0.18, y + size * 0.52)
        path.lineTo(x + size * 0.42, y + size * 0.22)
        path.lineTo(x + size * 0.86, y + size * 0.86)
        c.drawPath(path, stroke=1, fill=0)
    c.restoreState()


class SignatureDrawing(Flowable):
    """A signature captured as vector strokes (``{"strokes": [[[x, y], …]], "w": …, "h": …}``), scaled
    into ``width`` × ``height``; draws nothing when there is no signature (the space stays for a pen)."""

    def __init__(self, signature: Any, width: float, height: float) -> None:
        super().__init__()
        self.signature = signature if isinstance(signature, dict) else None
        self.width, self.height = width, height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        strokes = signature_strokes(self.signature)
        if not strokes:
            return
        w = float((self.signature or {}).get("w") or 0) or max(p[0] for s in strokes for p in s) or 1.0
        h = float((self.signature or {}).get("h") or 0) or max(p[1] for s in strokes for p in s) or 1.0
        scale = min(self.width / w, self.height / h)
        dx = (self.width - w * scale) / 2
        dy = (self.height - h * scale) / 2
        c = self.canv
        c.saveState()
        c.setLineWidth(max(0.8, 1.1 * scale))
        c.setLineCap(1)
        c.setLineJoin(1)
        for stroke in strokes:
            path = c.beginPath()
            x0, y0 = stroke[0]
            path.moveTo(dx + x0 * scale, self.height - dy - y0 * scale)
            for x, y in stroke[1:] or [stroke[0]]:
                path.lineTo(dx + x * scale, self.height - dy - y * scale)
            c.drawPath(path, stroke=1, fill=0)
        c.restoreState()


def signature_strokes(signature: Any) -> list[list[tuple[float, float]]]:
    """The usable strokes of a stored signature (malformed points are skipped)."""
    if not isinstance(signature, dict):
        return []
    out: list[list[tuple[float, float]]] = []
    for stroke in signature.get("strokes") or []:
        points: list[tuple[float, float]] = []
        for p in stroke if isinstance(stroke, list) else []:
            if (
                isinstance(p, list | tuple)
                and len(p) >= 2
                and all(isinstance(v, int | float) and math.isfinite(v) for v in p[:2])
            ):
                points.append((float(p[0]), float(p[1])))
        if points:
            out.append(points)
    return out


def header_table(
    rows: Sequence[Sequence[Any]], widths: Sequence[float] | None = None, padding: float = 4, **kwargs: Any
) -> Table:
    """A form's header grid: rows of a label and its value, or of two labels and values. Text is set as
    label and value; a flowable (tick boxes) as it is. A row of one value spans it over the width.
    ``widths``: the four columns (default: a sheet's, labels 25 and 31 mm wide, the values sharing the rest);
    ``kwargs`` go to the Table."""
    if widths is None:
        label_w, wide_label_w = 25 * mm, 31 * mm
        value_w = (FRAME_WIDTH - label_w - wide_label_w) / 2
        widths = [label_w, value_w, wide_label_w, value_w]
    cells = [
        [c if isinstance(c, Flowable) else para(c, "cell" if i % 2 else "label") for i, c in enumerate(row)]
        + ["", ""] * (len(row) == 2)
        for row in rows
    ]
    spans = [("SPAN", (1, r), (3, r)) for r, row in enumerate(rows) if len(row) == 2]
    return grid_table(cells, widths, padding=padding, commands=spans, **kwargs)


def count_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], first: float) -> Table:
    """A table of counts: the ``headers``, then each row's values centred, a 合计 row last (shaded) when
    there is one; the first column ``first`` wide, the others sharing the rest of the width."""
    other = (FRAME_WIDTH - first) / (len(headers) - 1)
    data = [[para(h, "cell_small_center") for h in headers]]
    data += [[para(str(v), "cell_center") for v in row] for row in rows]
    total = [("BACKGROUND", (0, -1), (-1, -1), HEAD_FILL)] if rows and rows[-1][0] == "合计" else []
    return grid_table(data, [first] + [other] * (len(headers) - 1), header_rows=1, commands=total)


class CutLine(Flowable):
    """A dashed line across the page with a label in the middle: where the receipt is cut off."""

    def __init__(self, label: str = "（沿此虚线剪下）") -> None:
        super().__init__()
        self.label = label

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, 14
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setFont(FONT, 8)
        label_w = stringWidth(self.label, FONT, 8) + 8
        mid, y = self.width / 2, self.height / 2
        c.setDash(4, 3)
        c.setLineWidth(0.7)
        c.line(0, y, mid - label_w / 2, y)
        c.line(mid + label_w / 2, y, self.width, y)
        c.setFillColor(GREY_TEXT)
        c.drawCentredString(mid, y - 3, self.label)
        c.restoreState()


class AtBottom(Flowable):
    """Puts its content at the bottom of the current page (or of the next one if it does not fit)."""

    def __init__(self, content: Sequence[Flowable]) -> None:
        super().__init__()
        self.content = list(content)
        self._heights: list[float] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._heights = [f.wrap(availWidth, availHeight)[1] for f in self.content]
        needed = sum(self._heights)
        self.width = availWidth
        self.height = availHeight if needed <= availHeight else needed
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        y = sum(self._heights)
        for f, h in zip(self.content, self._heights, strict=True):
            y -= h
            f.drawOn(self.canv, 0, y)


class SealArea(Flowable):
    """The issuing authority's line, date and a dashed circle where the seal goes, right-aligned."""

    def __init__(self, authority: str, when: date | None, diameter: float = 40 * mm) -> None:
        super().__init__()
        self.authority, self.when, self.diameter = authority, when, diameter

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, self.diameter + 2 * mm
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        right = self.width - 6 * mm
        text_w = max(
            fonts.string_width(self.authority + "（盖章）", 11), stringWidth(cn_date(self.when), FONT, 11)
        )
        cx = right - text_w / 2
        cy = self.height / 2
        c.setStrokeColor(GREY_TEXT)
        c.setDash(3, 3)
        c.setLineWidth(0.6)
        c.circle(cx, cy, self.diameter / 2)
        c.setFillColor(GREY_TEXT)
        c.setFont(FONT, 7.5)
        c.drawCentredString(cx, cy + self.diameter / 2 - 6 * mm, "（印章）")
        c.setFillColor(styles.BLACK)
        c.setFont(FONT, 11)
        c.drawCentredString(cx, cy + 2, self.authority + "（盖章）")
        c.drawCentredString(cx, cy - 16, cn_date(self.when))
        c.restoreState()
