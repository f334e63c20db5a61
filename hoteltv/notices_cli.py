"""``hoteltv numbers show|add-block`` (the laptop's 文号 blocks) and ``hoteltv notices list|deliver|extend``
(``extend``: 延期/更正, a new sealed version of an issued notice that keeps its 文号).

Registered into the ``hoteltv`` command by :func:`hoteltv.cli._extensions`. See docs/numbering.md for how
numbers are handed out, and docs/cli.md for the commands.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from hoteltv.cli_support import command_group, format_table, notice_id_arg, parse_date
from hoteltv.domain import clock
from hoteltv.errors import HoteltvError, ValidationError


def cmd_numbers_show(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.services import numbering
    from hoteltv.services.notices import NoticeTerms

    year = args.year or clock.today().year
    terms = NoticeTerms.from_settings(ctx.settings)
    tag = numbering.device_tag(terms.device_tag, ctx.db.device_id)
    blocks = numbering.list_blocks(ctx.db)
    with ctx.db.reading() as s:  # what the next notice would get; the session is rolled back
        upcoming = numbering.allocate(s, year=year, prefix=terms.number_prefix, tag=tag)
    fallback = numbering.fallback_count(ctx.db, year, tag)
    if args.json:
        ctx.json(
            {
                "year": year,
                "device_tag": tag,
                "next": upcoming.number,
                "next_is_fallback": upcoming.fallback,
                "fallback_used": fallback,
                "blocks": [asdict(b) | {"remaining": b.remaining} for b in blocks],
            }
        )
        return 0

    if blocks:
        rows = [
            [b.year, f"{b.first:03d}–{b.last:03d}", f"{b.next:03d}", b.remaining, b.source] for b in blocks
        ]
        ctx.print(format_table(["年度", "号段", "下一个", "剩余", "来源"], rows))
    else:
        ctx.print("本机没有号段 (no blocks of numbers on this laptop)")
    left = sum(b.remaining for b in blocks if b.year == year)
    ctx.print(f"{year} 年号段剩余 {left} 个 (numbers left in this year's blocks)")
    ctx.print(f"本机备用序列标识 (fallback tag): {tag}；{year} 年已用备用号 {fallback} 个")
    ctx.print(
        f"下一份整改通知的文号 (next number): {upcoming.number}"
        + ("（备用序列）" if upcoming.fallback else "")
    )
    return 0


def cmd_numbers_add_block(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.services import numbering

    block = numbering.add_block(ctx.db, args.year, args.first, args.last, source=args.source)
    ctx.print(
        f"已添加 {block.year} 年号段 {block.first:03d}–{block.last:03d}，共 {block.remaining} 个 "
        f"(block added: {block.remaining} numbers)"
    )
    return 0


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise HoteltvError(
            f"时间 {text!r} 无法识别 (use YYYY-MM-DD HH:MM, optionally with an offset such as +08:00)"
        ) from exc
    return value if value.tzinfo else value.replace(tzinfo=clock.zone())


def cmd_notices_list(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.services.notices import list_notices

    notices = list_notices(ctx.db, open_only=args.open)
    return ctx.records(
        args.json,
        notices,
        ["文号", "酒店", "整改期限", "状态", "送达", "ID"],
        lambda n: [
            n.number,
            n.hotel_name,
            n.deadline.isoformat(),
            n.status + ("（逾期）" if n.overdue else ""),
            ("留置送达" if n.delivery.refused else "已签收") if n.delivery else "",
            n.id[:8],
        ],
    )


def cmd_notices_deliver(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.services.notices import Delivery, record_delivery

    if not args.refused and not args.recipient:
        raise HoteltvError(
            "请给出 --recipient 签收人，或 --refused --witness 见证人 (who signed, or a refusal)"
        )
    delivery = Delivery(
        refused=args.refused, recipient=args.recipient or "", witness=args.witness or "", at=_when(args.at)
    )
    try:
        notice = record_delivery(ctx.db, notice_id_arg(ctx, args.notice), delivery, actor=args.actor or "")
    except ValidationError as exc:  # the service names its field ``at``; here the person typed --at
        named = [replace(p, where="--at") if p.where == "at" else p for p in exc.problems]
        raise ValidationError(exc.message, named) from exc
    if notice.delivery and notice.delivery.refused:
        ctx.print(f"{notice.number}：拒绝签收，已留置送达，见证人 {notice.delivery.witness} (recorded)")
    else:
        ctx.print(
            f"{notice.number}：已由 {notice.delivery.recipient if notice.delivery else ''} 签收 (recorded)"
        )
    return 0


def cmd_notices_extend(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.reports.verification import notice_code
    from hoteltv.services.notices import extend_notice

    deadline = parse_date(args.deadline, "--deadline")
    assert deadline is not None
    new = extend_notice(
        ctx.db,
        notice_id_arg(ctx, args.notice),
        deadline=deadline,
        reason=args.reason,
        reinspection_date=parse_date(args.reinspection, "--reinspection"),
        kind="correct" if args.correct else "extend",
        authority=ctx.settings.get("authority"),
        actor=args.actor or "",
    )
    ctx.print(
        f"已生成整改通知书 {new.number} 的新版本（{new.change_reason}），整改期限 {new.deadline.isoformat()}，"
        f"校验码 {notice_code(ctx.db, new.id)}；原版本已作废 (new version issued; the old one is superseded)"
    )
    return 0


def register(sub: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the ``numbers`` and ``notices`` groups to the ``hoteltv`` parser."""
    numbers = command_group(
        sub, "numbers", "文号 of rectification notices: this laptop's blocks", description=__doc__
    )
    sp = add(numbers, "show", cmd_numbers_show, "this laptop's blocks, what is left and the next number")
    sp.add_argument("--year", type=int, help="the year to report on (default: this year)")
    sp.add_argument("--json", action="store_true")
    sp = add(
        numbers, "add-block", cmd_numbers_add_block, "record a block of numbers the office gave this laptop"
    )
    sp.add_argument("year", type=int, help="the year of the series, e.g. 2026")
    sp.add_argument("first", type=int, help="first number of the block, e.g. 1")
    sp.add_argument("last", type=int, help="last number of the block, e.g. 50")
    sp.add_argument("--source", default="manual", help="where the block came from (e.g. 办公室 2026-01-05)")

    notices = command_group(sub, "notices", "rectification notices (整改通知书)")
    sp = add(notices, "list", cmd_notices_list, "list notices by deadline")
    sp.add_argument("--open", action="store_true", help="open notices only")
    sp.add_argument("--json", action="store_true")
    sp = add(
        notices,
        "deliver",
        cmd_notices_deliver,
        "record how a notice was served: signed for, or refused and left with a witness (留置送达)",
    )
    sp.add_argument(
        "notice", help="notice id (or its first characters), 文号, or YEAR-NUMBER such as 2026-017"
    )
    sp.add_argument("--recipient", help="who signed the receipt (签收人)")
    sp.add_argument("--refused", action="store_true", help="the party refused to sign (拒绝签收)")
    sp.add_argument("--witness", help="the witness's name (见证人), required with --refused")
    sp.add_argument("--at", help="when (YYYY-MM-DD HH:MM, optionally +08:00; default: now)")
    sp.add_argument("--actor", help="who records it (for the audit log)")
    sp = add(
        notices,
        "extend",
        cmd_notices_extend,
        "延期/更正: a new version of an open notice with a later deadline (the issued one is never edited)",
    )
    sp.add_argument("notice", help="notice id, 文号 or YEAR-NUMBER (the version in force)")
    sp.add_argument(
        "--deadline", required=True, help="the new deadline (YYYY-MM-DD), later than the current one"
    )
    sp.add_argument("--reason", required=True, help="why (printed on the new version)")
    sp.add_argument(
        "--reinspection", help="re-inspection date (YYYY-MM-DD; default: kept, or the new deadline)"
    )
    sp.add_argument(
        "--correct", action="store_true", help="a correction (更正) rather than an extension (延期)"
    )
    sp.add_argument("--actor", help="who issues it (for the audit log)")
