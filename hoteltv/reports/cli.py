"""``hoteltv print sheet|notice|form|summary|batch … -o FILE.pdf``, ``hoteltv report -o FILE.docx|.pdf`` (the
half-year report) and ``hoteltv verify CODE``.

Registered into the ``hoteltv`` command by :func:`hoteltv.cli._extensions`. ``verify`` exits 0 when the
paper matches the version in force, 3 when it matches a version that a correction replaced, and 1 when it
does not match (or the code is unknown or malformed).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from hoteltv.cli_support import division_code, find_inspection_arg, hotel_id_arg, notice_id_arg, parse_date
from hoteltv.reports.common import ReportOptions

EXIT_SUPERSEDED = 3


def _options(ctx: Any) -> ReportOptions:
    return ReportOptions.from_settings(ctx.home, ctx.settings, ctx.divisions)


def _done(ctx: Any, path: Path, what: str) -> int:
    size = path.stat().st_size
    ctx.print(f"已生成{what}:{path} ({size / 1024:.0f} KB) (wrote {path})")
    return 0


def cmd_print_sheet(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.reports.inspection_sheet import write_inspection_sheet

    view = find_inspection_arg(ctx, args.id)
    path = write_inspection_sheet(ctx.db, view.id, Path(args.output), _options(ctx))
    return _done(ctx, path, f"现场检查记录 {view.record_number}")


def cmd_print_notice(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.reports.notice import write_notice

    notice_id = notice_id_arg(ctx, args.id)
    path = write_notice(ctx.db, notice_id, Path(args.output), _options(ctx))
    return _done(ctx, path, "整改通知书")


def cmd_print_form(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.reports.field_form import write_field_form

    hotel_id = hotel_id_arg(ctx, args.hotel)
    path = write_field_form(ctx.db, hotel_id, Path(args.output), _options(ctx), rooms=args.rooms)
    return _done(ctx, path, "现场检查记录（空白）")


def cmd_print_summary(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.reports.summary_report import write_summary_report

    path = write_summary_report(
        ctx.db,
        Path(args.output),
        _options(ctx),
        pilot_only=not args.all,
        division=division_code(ctx, args.division),
        since=parse_date(args.since, "--since"),
        until=parse_date(args.until, "--until"),
    )
    return _done(ctx, path, "统计报表")


def cmd_print_batch(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.console import ProgressLine
    from hoteltv.reports.batch import write_batch

    line = ProgressLine()
    result = write_batch(
        ctx.db,
        Path(args.output),
        _options(ctx),
        since=parse_date(args.since, "--since"),
        until=parse_date(args.until, "--until"),
        division=division_code(ctx, args.division),
        include_drafts=args.drafts,
        progress=line.counter,
    )
    line.end()
    return _done(ctx, result.path, f"{result.sheets}份现场检查记录")


def cmd_report(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.reports.half_year import build_report, report_as_dict, report_path, write_report

    since, until = parse_date(args.since, "--since"), parse_date(args.until, "--until")
    division = division_code(ctx, args.division)
    out = report_path(Path(args.output))
    # Counted once: the figures --json prints are those of the file, even if a sync lands meanwhile.
    report = build_report(ctx.db, _options(ctx), since=since, until=until, division=division)
    path = write_report(report, out)
    if args.json:
        ctx.json(report_as_dict(report))
        return 0
    return _done(ctx, path, "工作情况报告")


def cmd_verify(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.reports.verification import SUPERSEDED, verify_code

    result = verify_code(ctx.db, args.code)
    if args.json:
        ctx.json(asdict(result) | {"matches": result.matches, "current": result.current})
    else:
        for line in result.lines():
            ctx.print(line)
    if result.current:
        return 0
    return EXIT_SUPERSEDED if result.status == SUPERSEDED else 1


def register(sub: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the ``print`` group and the ``report`` and ``verify`` commands to the ``hoteltv`` parser."""
    sp = add(
        sub,
        "report",
        cmd_report,
        "the half-year report (hotel TV and satellite TV campaigns) as Word (.docx) or PDF",
    )
    sp.add_argument("-o", "--output", required=True, metavar="FILE.docx|FILE.pdf", help="where to write it")
    sp.add_argument("--since", help="operations and inspections from this date (YYYY-MM-DD)")
    sp.add_argument("--until", help="operations and inspections up to this date (YYYY-MM-DD)")
    sp.add_argument("--division", help="one division (name or code); default the whole city")
    sp.add_argument("--json", action="store_true", help="also print the figures as JSON")
    group = sub.add_parser(
        "print", help="printed documents (PDF, A4)", description="printed documents (PDF, A4)"
    )
    actions = group.add_subparsers(dest="sub", metavar="DOCUMENT", required=True)

    def output(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="where to write the PDF")

    sp = add(actions, "sheet", cmd_print_sheet, "现场检查记录: the inspection sheet, with photo pages")
    sp.add_argument("id", help="inspection id (or its first characters) or record number")
    output(sp)
    sp = add(actions, "notice", cmd_print_notice, "整改通知书: the rectification notice with its receipt")
    sp.add_argument("id", help="notice id (or its first characters) or notice number")
    output(sp)
    sp = add(actions, "form", cmd_print_form, "a blank field form for one hotel (hotel data filled in)")
    sp.add_argument("hotel", help="hotel id (or its first characters) or exact name")
    sp.add_argument("--rooms", type=int, default=4, help="empty room columns (default 4, at most 10)")
    output(sp)
    sp = add(actions, "summary", cmd_print_summary, "the summary report: counts, chart, overdue notices")
    sp.add_argument("--all", action="store_true", help="all hotels, not only pilot hotels")
    sp.add_argument("--division", help="one division only (name or code)")
    sp.add_argument("--since", help="inspections/notices from this date (YYYY-MM-DD)")
    sp.add_argument("--until", help="inspections/notices up to this date (YYYY-MM-DD)")
    output(sp)
    sp = add(
        actions, "batch", cmd_print_batch, "all inspection sheets of a period and/or division in one PDF"
    )
    sp.add_argument("--division", help="one division only (name or code)")
    sp.add_argument("--since", help="inspections started from this date (YYYY-MM-DD)")
    sp.add_argument("--until", help="inspections started up to this date (YYYY-MM-DD)")
    sp.add_argument("--drafts", action="store_true", help="include drafts (printed with a 草稿 watermark)")
    output(sp)

    sp = add(
        sub,
        "verify",
        cmd_verify,
        "check a paper copy's verification code against the records "
        "(exit 0: matches the version in force; 3: matches a superseded version; 1: does not match)",
    )
    sp.add_argument("code", help="the code printed under the QR code, e.g. J-7F3A9C12-V1-5E8B2D41C0")
    sp.add_argument("--json", action="store_true")
