"""文号 of rectification notices: ``保文旅广电整改〔2026〕第017号``, unique across the bureau's laptops.

A laptop prints notices where there is no network, so it cannot ask anyone for the next number. The
office therefore hands each laptop **blocks** of the year's series (``hoteltv numbers add-block 2026 1 50``
on one laptop, ``51 100`` on the next); a laptop gives numbers only from its own blocks, in order, inside
the transaction that issues the notice, so two notices never get one number and two laptops never share
one. When a laptop has no block left for the year, it does not stop work: it numbers from its own
**fallback series** ``第D3-001号``, where ``D3`` is the laptop's tag (a setting; by default the first four
characters of its device id). A fallback number has a tag and a hyphen, so it can never equal a block
number, and two laptops with different tags never share one. The year is the issue date's year: on
1 January the series starts again from that year's blocks. See docs/numbering.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoteltv.db.engine import Database
from hoteltv.db.models import NoticeNumberBlock, RectificationNotice
from hoteltv.errors import Problem, ValidationError

#: The largest number of a year's series (the bureau's numbers have three digits; room to grow).
MAX_NUMBER = 9999
MIN_YEAR, MAX_YEAR = 2000, 2999
_TAG_RE = re.compile(r"^[A-Z0-9]{1,8}$")


@dataclass(frozen=True)
class BlockView:
    """One block of numbers on this laptop, and how much of it is left."""

    id: int
    year: int
    first: int
    last: int
    next: int
    source: str

    @property
    def remaining(self) -> int:
        return max(0, self.last - self.next + 1)


@dataclass(frozen=True)
class Allocated:
    """A 文号 given to a notice: from a block (``block_id``) or from the laptop's fallback series."""

    number: str
    year: int
    serial: int
    block_id: int | None
    tag: str | None

    @property
    def fallback(self) -> bool:
        return self.block_id is None


def format_number(prefix: str, year: int, serial: int, tag: str | None = None) -> str:
    """``保文旅广电整改〔2026〕第017号``, or ``…第D3-017号`` in a laptop's fallback series."""
    body = f"{tag}-{serial:03d}" if tag else f"{serial:03d}"
    return f"{prefix}〔{year}〕第{body}号"


def device_tag(setting: str, device_id: str) -> str:
    """This laptop's fallback tag: the ``notice_device_tag`` setting, else the device id's first 4 characters.

    A tag set by hand must be 1–8 capital letters or digits with at least one letter (so it never reads
    as a plain number); a bad one raises ``ValidationError`` rather than printing a confusing number.
    """
    tag = (setting or "").strip().upper()
    if not tag:
        tag = device_id.replace("-", "")[:4].upper()
        return tag if re.search(r"[A-Z]", tag) else "D" + tag[:3]
    if not _TAG_RE.match(tag) or not re.search(r"[A-Z]", tag):
        raise ValidationError(
            f"设备标识 {setting!r} 无效：须为1至8位大写字母或数字，且含字母 "
            "(notice_device_tag must be 1-8 letters/digits with at least one letter, e.g. D3)",
            [Problem("notice_device_tag", "invalid", setting)],
        )
    return tag


def check_prefix(prefix: str) -> str:
    """The 文号 prefix trimmed; ``ValidationError`` when it is blank, too long or has 〔〕第号 in it."""
    prefix = (prefix or "").strip()
    if not prefix or any(c in prefix for c in "〔〕第号") or len(prefix) > 20:
        raise ValidationError(
            f"文号前缀 {prefix!r} 无效 (notice_number_prefix must be 1-20 characters without 〔〕第号)",
            [Problem("notice_number_prefix", "invalid", prefix)],
        )
    return prefix


def _view(b: NoticeNumberBlock) -> BlockView:
    return BlockView(b.id, b.year, b.first, b.last, b.next, b.source)


def list_blocks(db: Database) -> list[BlockView]:
    """This laptop's blocks, by year and first number."""
    with db.reading() as s:
        stmt = select(NoticeNumberBlock).order_by(NoticeNumberBlock.year, NoticeNumberBlock.first)
        return [_view(b) for b in s.scalars(stmt)]


def _used_serials(session: Session, year: int, tag: str | None = None) -> set[int]:
    """Serials of ``year`` already on a notice in this database, whatever the prefix: plain (block) ones,
    or with a ``tag`` those of that laptop's fallback series."""
    stem = f"〔{year}〕第{tag}-" if tag else f"〔{year}〕第"
    pattern = re.compile(re.escape(stem) + r"(\d+)号$")
    numbers = session.scalars(
        select(RectificationNotice.number).where(RectificationNotice.number.like(f"%{stem}%"))
    )
    return {int(m.group(1)) for number in numbers if (m := pattern.search(number))}


def add_block(db: Database, year: int, first: int, last: int, *, source: str = "manual") -> BlockView:
    """Record a block of numbers the office gave this laptop; refuses one that overlaps another block of
    the year or a number a notice in this database already carries (nothing is changed then)."""
    problems: list[Problem] = []
    if not MIN_YEAR <= year <= MAX_YEAR:
        problems.append(Problem("year", f"年份须在{MIN_YEAR}至{MAX_YEAR}之间 (year out of range)", year))
    if not 1 <= first <= last <= MAX_NUMBER:
        problems.append(
            Problem(
                "range",
                f"号段须满足 1 ≤ 起始号 ≤ 截止号 ≤ {MAX_NUMBER} (need 1 <= first <= last <= {MAX_NUMBER})",
                (first, last),
            )
        )
    if problems:
        raise ValidationError("号段无效，未保存 (block not added)", problems)
    with db.transaction() as s:
        for b in s.scalars(select(NoticeNumberBlock).where(NoticeNumberBlock.year == year)):
            if first <= b.last and b.first <= last:
                raise ValidationError(
                    f"号段 {first}–{last} 与本机已有的 {year} 年号段 {b.first}–{b.last} 重叠，未保存 "
                    "(overlaps a block this laptop already has; nothing changed)",
                    [Problem("range", "overlap", (b.first, b.last))],
                )
        used = sorted(n for n in _used_serials(s, year) if first <= n <= last)
        if used:
            raise ValidationError(
                f"号段 {first}–{last} 中的 {', '.join(f'{n:03d}' for n in used[:5])} 号已被本库中的整改通知使用，"
                "未保存 (numbers in this block are already on notices; ask the office for another block)",
                [Problem("range", "already used", used)],
            )
        block = NoticeNumberBlock(year=year, first=first, last=last, next=first, source=source[:40])
        s.add(block)
        s.flush()
        return _view(block)


def allocate(session: Session, *, year: int, prefix: str, tag: str) -> Allocated:
    """The next 文号 for a notice issued in ``year``, inside the caller's transaction.

    From this laptop's blocks of the year in order; a number that some notice here already carries (a
    block handed out twice by mistake, seen through sync) is skipped, never given again. With no block
    left: the next number of the laptop's fallback series.
    """
    prefix = check_prefix(prefix)
    used = _used_serials(session, year)
    blocks = session.scalars(
        select(NoticeNumberBlock)
        .where(NoticeNumberBlock.year == year, NoticeNumberBlock.next <= NoticeNumberBlock.last)
        .order_by(NoticeNumberBlock.first)
    )
    for block in blocks:
        while block.next <= block.last:
            serial = block.next
            block.next = serial + 1
            if serial not in used:
                return Allocated(format_number(prefix, year, serial), year, serial, block.id, None)
    serial = max(_used_serials(session, year, tag), default=0) + 1
    return Allocated(format_number(prefix, year, serial, tag), year, serial, None, tag)


def fallback_count(db: Database, year: int, tag: str) -> int:
    """How many numbers of ``year`` this laptop took from its fallback series (a notice's 延期 and 更正
    versions keep its number: counted once)."""
    with db.reading() as s:
        return len(_used_serials(s, year, tag))
