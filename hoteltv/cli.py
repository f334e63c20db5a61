"""The ``hoteltv`` command: the office's and scripts' way into the core (documented in docs/cli.md).

Every failure exits non-zero with a short reason on stderr; a user's mistake never shows a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from hoteltv import __version__
from hoteltv.cli_support import (
    EXIT_INTERNAL,
    EXIT_REFUSED,
    EXIT_USAGE,
    Context,
    command_group,
    division_code,
    find_inspection_arg,
    format_table,
    hotel_id_arg,
    json_default,
    parse_date,
    warn,
)
from hoteltv.config import resolve_home
from hoteltv.domain import clock, lifecycle
from hoteltv.domain.modes import mode_catalog
from hoteltv.domain.sites import site_kind_label
from hoteltv.errors import HoteltvError

# --- commands ---------------------------------------------------------------------------------------------


def cmd_init(ctx: Context, args: argparse.Namespace) -> int:
    db, _, divisions = ctx.open()
    ctx.print(f"数据目录 (data folder): {ctx.home}")
    ctx.print(f"数据库 (database): {db.path}  设备 (device): {db.device_id}")
    ctx.print(f"县区 (divisions): {', '.join(d.name for d in divisions.divisions)}")
    return 0


def cmd_demo(ctx: Context, args: argparse.Namespace) -> int:
    from hoteltv.services.demo import load_demo

    result = load_demo(ctx.db, ctx.divisions)
    ctx.print(
        f"已载入演示数据: {result.hotels}家酒店(试点{result.pilot_hotels}家), {result.inspections}次检查, "
        f"{result.notices}份整改通知, {result.other_sites}个其他场所(市场、居民小区), {result.operations}次执法行动 "
        f"(demo data loaded into {ctx.home})"
    )
    return 0


def cmd_hotels_import(ctx: Context, args: argparse.Namespace) -> int:
    from hoteltv.io.hotel_sheet import read_hotel_sheet
    from hoteltv.services.hotels import import_hotels

    sheet = read_hotel_sheet(Path(args.file), ctx.divisions)
    report = import_hotels(ctx.db, sheet, dry_run=args.dry_run)
    if args.json:
        ctx.json(report.as_dict())
    else:
        prefix = "试运行,未写入 (dry run, nothing written): " if args.dry_run else ""
        ctx.print(
            f"{prefix}新增 {report.count('create')} 家, 更新 {report.count('update')} 家, "
            f"无变化 {report.count('unchanged')} 家, 拒绝 {report.refused_rows} 行 "
            f"(created {report.count('create')}, updated {report.count('update')}, "
            f"unchanged {report.count('unchanged')}, refused rows {report.refused_rows})"
        )
        if report.ignored_headers:
            ctx.print(f"未使用的列 (columns not used): {', '.join(report.ignored_headers)}")
        if report.refused:
            ctx.print("被拒绝的行 (refused rows):")
            ctx.print(
                format_table(
                    ["行 row", "列 column", "值 value", "原因 reason"],
                    [
                        [e.row_number, e.column, "" if e.value is None else e.value, e.reason]
                        for e in report.refused
                    ],
                )
            )
    return EXIT_REFUSED if report.refused and args.strict else 0


def _mode_key(text: str | None) -> str | None:
    if not text:
        return None
    mode = mode_catalog().find(text)
    if mode is None:
        raise HoteltvError(
            f"未知的电视模式 {text!r} (unknown TV mode; one of: {', '.join(mode_catalog().keys())})"
        )
    return mode.key


def _status_key(text: str | None) -> str | None:
    if not text:
        return None
    if text == "overdue" or text == "逾期":
        return "overdue"
    for key, (zh, en) in lifecycle.STATUSES.items():
        if text in (key, zh, en):
            return key
    raise HoteltvError(
        f"未知的整改状态 {text!r} (unknown status; one of: {', '.join(lifecycle.STATUSES)}, overdue)"
    )


def _site_kind(text: str | None) -> str | None:
    from hoteltv.domain.sites import parse_site_kind

    if text is None or text.strip().lower() in ("all", "全部"):
        return None
    try:
        return parse_site_kind(text)
    except ValueError as exc:
        raise HoteltvError(str(exc)) from None


def cmd_hotels_list(ctx: Context, args: argparse.Namespace) -> int:
    from hoteltv.services.hotels import list_hotels

    hotels = list_hotels(
        ctx.db,
        division=division_code(ctx, args.division),
        mode=_mode_key(args.mode),
        status=_status_key(args.status),
        pilot=True if args.pilot else None,
        search=args.search,
        site_kind=_site_kind(args.kind),
    )
    catalog = mode_catalog()
    return ctx.records(
        args.json,
        hotels,
        ["县区", "酒店名称", "场所类型", "试点", "当前模式", "整改状态", "整改期限", "ID"],
        lambda h: [
            h.division_name,
            h.name,
            site_kind_label(h.site_kind),
            "是" if h.pilot else "",
            catalog.get(h.current_mode).zh,
            lifecycle.status_label(h.remediation_status) + ("(逾期)" if h.overdue else ""),
            h.next_deadline or "",
            h.id[:8],
        ],
        total=f"共 {len(hotels)} 家 ({len(hotels)} hotels)",
    )


def cmd_hotels_export(ctx: Context, args: argparse.Namespace) -> int:
    from hoteltv.io.tables import write_table
    from hoteltv.services.hotels import hotels_as_table, list_hotels

    path = Path(args.file)
    hotels = list_hotels(ctx.db, site_kind=_site_kind(args.kind))
    if path.suffix.lower() == ".json":
        from hoteltv.io.files import atomic_write_text

        atomic_write_text(
            path,
            json.dumps(
                {"format": "hoteltv-hotels/1", "hotels": [asdict(h) for h in hotels]},
                ensure_ascii=False,
                indent=2,
                default=json_default,
            ),
        )
    else:
        headers, rows = hotels_as_table(hotels)
        write_table(path, headers, rows, sheet_title="酒店")
    ctx.print(f"已导出 {len(hotels)} 家酒店到 {path} (exported {len(hotels)} hotels)")
    return 0


def cmd_hotels_merge(ctx: Context, args: argparse.Namespace) -> int:
    from hoteltv.services.hotel_merge import merge_hotels

    keep, other = hotel_id_arg(ctx, args.keep), hotel_id_arg(ctx, args.other)
    result = merge_hotels(ctx.db, keep, other)
    ctx.print(
        f"已将酒店 {other[:8]} 并入 {keep[:8]}:检查记录 {result.inspections} 份、整改通知 {result.notices} 份随之转移,"
        f"下次同步时生效 (merged {other[:8]} into {keep[:8]}: {result.inspections} inspections and "
        f"{result.notices} notices follow; the next sync sends the merge)"
    )
    return 0


def cmd_hotels_duplicates(ctx: Context, args: argparse.Namespace) -> int:
    from hoteltv.services.hotel_merge import find_duplicates

    pairs = find_duplicates(ctx.db)
    return ctx.records(
        args.json,
        pairs,
        ["酒店 hotel", "id", "疑似重复 duplicate of", "id", "县区 division", "原因 reason"],
        lambda p: [p.second_name, p.second_id[:8], p.first_name, p.first_id[:8], p.division, p.reason],
        # The flat keys as before, and each hotel's facts beside them.
        data=lambda p: {
            "first_id": p.first_id,
            "first_name": p.first_name,
            "second_id": p.second_id,
            "second_name": p.second_name,
            "division": p.division,
            **asdict(p),
        },
        total=f"共 {len(pairs)} 对疑似重复 ({len(pairs)} suspected duplicates; merge with: hotels merge KEEP OTHER)",
    )


def cmd_inspections_list(ctx: Context, args: argparse.Namespace) -> int:
    from hoteltv.services.inspections import list_inspections

    items = list_inspections(ctx.db, hotel_id=hotel_id_arg(ctx, args.hotel) if args.hotel else None)
    return ctx.records(
        args.json,
        items,
        ["记录编号", "酒店", "县区", "类型", "状态", "开始时间", "结果", "ID"],
        lambda i: [
            i.record_number + (" (已更正)" if i.superseded else ""),
            i.hotel_name,
            i.division_name,
            lifecycle.KINDS[i.kind][0],
            "已定稿" if i.status == "finalized" else "草稿",
            clock.fmt(i.started_at),
            lifecycle.result_label(i.result) if i.result else "",
            i.id[:8],
        ],
        total=f"共 {len(items)} 条 ({len(items)} inspections)",
    )


def cmd_inspections_show(ctx: Context, args: argparse.Namespace) -> int:
    from hoteltv.io.inspection_json import inspection_document
    from hoteltv.services.inspections import finding_place

    view = find_inspection_arg(ctx, args.id)
    if args.json:
        from hoteltv.db.models import Inspection

        with ctx.db.reading() as s:
            doc = inspection_document(s.get(Inspection, view.id))
        v = view.verdict
        doc["verdict"] = {
            "result": v.result,
            "complete": v.complete,
            "rooms_short": v.rooms_short,
            "failed": [asdict(f) for f in v.failed],
            "missing": [asdict(m) for m in v.missing],
        }
        ctx.json(doc)
        return 0
    v = view.verdict
    ctx.print(f"检查记录 {view.record_number}  ({view.id})")
    ctx.print(f"酒店: {view.hotel_name} ({view.division_name})   类型: {lifecycle.KINDS[view.kind][0]}")
    ctx.print(
        f"状态: {'已定稿' if view.status == 'finalized' else '草稿'}   开始: {clock.fmt(view.started_at)}  结束: {clock.fmt(view.ended_at)}"
    )
    ctx.print("检查人员: " + ", ".join(f"{i.name}({i.enforcement_id})" for i in view.inspectors))
    ctx.print(f"抽查房间: {', '.join(r.room_number for r in view.rooms) or '无'}")
    ctx.print(
        f"结论 (verdict): {lifecycle.result_label(v.result)}"
        + ("" if v.complete else "  (记录未完成 incomplete)")
    )
    if v.failed:
        ctx.print("不合格项 (failed items):")
        for f in v.failed:
            sev = "严重" if f.severity == "critical" else "一般"
            ctx.print(f"  - [{sev}] {finding_place(f.room_label)} {f.label_zh}: {f.value!r} — {f.rule_zh}")
    if v.missing:
        ctx.print(f"未填写 (unanswered): {len(v.missing)} 项")
    if v.rooms_short:
        ctx.print(f"还需抽查 {v.rooms_short} 间客房")
    if view.superseded_by_id:
        ctx.print(f"此版本已被更正 (superseded by {view.superseded_by_id})")
    if view.content_hash:
        ctx.print(f"内容校验码 (content hash): {view.content_hash[:16]}")
    return 0


def cmd_inspections_discard(ctx: Context, args: argparse.Namespace) -> int:
    from hoteltv.services.inspections import discard_draft

    view = find_inspection_arg(ctx, args.id)
    discard_draft(ctx.db, view.id, actor=args.actor or "")
    ctx.print(f"已放弃草稿 {view.record_number}（{view.hotel_name}） (draft discarded; the tombstone syncs)")
    return 0


def cmd_hotels_delete(ctx: Context, args: argparse.Namespace) -> int:
    from hoteltv.services.hotels import delete_hotel, get_hotel

    hotel = get_hotel(ctx.db, hotel_id_arg(ctx, args.id))
    drafts = delete_hotel(ctx.db, hotel.id, actor=args.actor or "")
    extra = f"，连同 {drafts} 份草稿" if drafts else ""
    ctx.print(f"已删除酒店 {hotel.name}{extra} (hotel deleted; the tombstone syncs)")
    return 0


def cmd_inspections_import(ctx: Context, args: argparse.Namespace) -> int:
    from hoteltv.services.inspection_import import import_inspections

    report = import_inspections(ctx.db, Path(args.file))
    ctx.print(
        f"已导入 {len(report.created)} 条, 已存在且相同 {len(report.unchanged)} 条 "
        f"(imported {len(report.created)}, already present {len(report.unchanged)})"
    )
    for number in report.created:
        ctx.print(f"  + {number}")
    return 0


def cmd_inspections_export(ctx: Context, args: argparse.Namespace) -> int:
    path = Path(args.file)
    if path.suffix.lower() == ".json":
        from hoteltv.io.inspection_json import export_inspections

        n = export_inspections(ctx.db, path)
    else:
        from hoteltv.io.tables import write_table
        from hoteltv.services.inspections import inspections_as_table

        headers, rows = inspections_as_table(ctx.db)
        n = write_table(path, headers, rows, sheet_title="检查记录")
    ctx.print(f"已导出 {n} 条检查记录到 {path} (exported {n} inspections)")
    return 0


def cmd_summary(ctx: Context, args: argparse.Namespace) -> int:
    from hoteltv.services.summary import summarize

    s = summarize(
        ctx.db,
        pilot_only=not args.all,
        division=division_code(ctx, args.division),
        since=parse_date(args.since, "--since"),
        until=parse_date(args.until, "--until"),
        city_short=ctx.divisions.city_short or "市",
    )
    if args.json:
        ctx.json(s.as_dict())
        return 0
    modes = mode_catalog().modes
    rows = s.table_rows([m.key for m in modes], s.by_division, s.by_mode)
    ctx.print(
        ("试点酒店" if s.scope == "pilot" else "全部酒店")
        + "按县区和电视模式统计 (hotels by division × TV mode):"
    )
    ctx.print(format_table(["县区"] + [m.zh for m in modes] + ["合计"], rows))
    ctx.print("")
    ctx.print(
        "整改状态 (remediation status): "
        + ", ".join(f"{lifecycle.status_label(k)} {n}" for k, n in s.by_status.items() if n)
    )
    ctx.print(f"未关闭整改通知 {s.open_notices} 份, 其中逾期 {s.overdue_notices} 份")
    ctx.print("")
    ctx.print(s.sentence)
    return 0


def cmd_inspectors_list(ctx: Context, args: argparse.Namespace) -> int:
    from hoteltv.services.inspections import list_inspectors

    people = list_inspectors(ctx.db)
    return ctx.records(
        args.json,
        people,
        ["姓名", "执法证号", "电话", "ID"],
        lambda p: [p.name, p.enforcement_id, p.phone, p.id[:8]],
    )


def cmd_inspectors_add(ctx: Context, args: argparse.Namespace) -> int:
    from hoteltv.domain.divisions import division_id
    from hoteltv.services.inspections import add_inspector

    code = division_code(ctx, args.division)
    division = division_id(code) if code else None
    person = add_inspector(ctx.db, args.name, args.enforcement_id, division_id=division, phone=args.phone)
    ctx.print(f"已添加检查人员 {person.name} ({person.enforcement_id}) (added inspector)")
    return 0


def cmd_check(ctx: Context, args: argparse.Namespace) -> int:
    problems = ctx.db.integrity_problems()
    if problems:
        warn(
            *problems,
            f"数据库检查发现 {len(problems)} 个问题 (database check found {len(problems)} problems)",
        )
        return EXIT_REFUSED
    ctx.print(f"数据库完好 (database OK): {ctx.db.path}")
    from hoteltv.services.seal import broken_seals

    with ctx.db.reading() as s:
        broken = broken_seals(s)
    for kind, number, why in broken:
        what = "检查记录" if kind == "inspection" else "整改通知书"
        warn(f"{what} {number}: 封存校验失败 (seal broken): {why}")
    if broken:
        warn(
            f"{len(broken)} 份记录与封存内容不一致,请从备份或同步服务器核对 "
            f"({len(broken)} records do not match their seal; compare with a backup or the server)",
        )
        return EXIT_REFUSED
    ctx.print("封存记录完好 (every finalized record and notice matches its seal)")

    from hoteltv.photos.store import PhotoStore
    from hoteltv.services.photos import check_store, collect_garbage, garbage

    store = PhotoStore.for_home(ctx.home)
    report = check_store(ctx.db, store)
    rc = 0
    for p in report.problems:
        what = (
            "缺失 (missing)"
            if p.problem == "missing"
            else "内容与校验值不符 (content does not match its hash)"
        )
        warn(f"照片 {p.sha256[:16]}… {what}; 用于 (used by): {'; '.join(p.photos)}")
    if report.ok:
        ctx.print(
            f"照片库完好 (photo store OK): {report.checked} 个文件已校验 (files verified) in {store.root}"
        )
    else:
        n = len(report.problems)
        warn(f"照片库检查发现 {n} 个问题 (photo store check found {n} problems)")
        rc = EXIT_REFUSED
    if not args.gc:
        if report.unreferenced:
            ctx.print(
                f"另有 {report.unreferenced} 个照片文件不再被任何记录使用;用 --gc 清理 "
                f"({report.unreferenced} stored files are unused; 'hoteltv check --gc' removes them)"
            )
        return rc
    found = garbage(ctx.db, store)
    if found.empty:
        ctx.print("没有可清理的照片文件 (nothing to remove)")
        return rc
    ctx.print(
        f"将删除 {len(found.blobs) + len(found.leftovers)} 个不再使用的文件, 共 {found.total_bytes / 1e6:.1f} MB "
        f"(would remove {len(found.blobs) + len(found.leftovers)} unused files, {found.total_bytes / 1e6:.1f} MB):"
    )
    for sha, size in found.blobs[:50]:
        ctx.print(f"  {sha}  {size / 1e3:.0f} kB")
    for part in found.leftovers[:50]:
        ctx.print(f"  {part}  (未完成的写入 interrupted write)")
    if len(found.blobs) > 50 or len(found.leftovers) > 50:
        ctx.print("  …")
    if not args.yes:
        if not sys.stdin.isatty():
            warn("未删除;确认请加 --yes (nothing removed; add --yes to confirm)")
            return EXIT_REFUSED
        answer = input("确认删除?(y/N) Remove them? [y/N] ").strip().lower()
        if answer not in ("y", "yes", "是"):
            ctx.print("未删除 (nothing removed)")
            return rc
    removed = collect_garbage(ctx.db, store, found)
    ctx.print(f"已删除 {removed} 个文件 (removed {removed} files)")
    return rc


# --- parser -----------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hoteltv",
        description="酒店电视整治检查 — hotel-TV remediation inspections (command line). See docs/cli.md.",
    )
    p.add_argument(
        "--home", metavar="DIR", help="data folder (default: $HOTELTV_HOME or the user data folder)"
    )
    p.add_argument("--version", action="version", version=f"hoteltv {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def add(
        parent: Any, name: str, func: Callable[[Context, argparse.Namespace], int], help_: str
    ) -> argparse.ArgumentParser:
        sp: argparse.ArgumentParser = parent.add_parser(name, help=help_, description=help_)
        sp.set_defaults(func=func)
        return sp

    add(sub, "init", cmd_init, "create or upgrade the data folder and show where it is")
    add(sub, "demo", cmd_demo, "load the fictional Baoshan demo set into an empty data folder")

    hotels = command_group(sub, "hotels", "the hotel registry")
    sp = add(hotels, "import", cmd_hotels_import, "import or update hotels from an xlsx/csv sheet")
    sp.add_argument("file")
    sp.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    sp.add_argument("--json", action="store_true", help="print the report as JSON")
    sp.add_argument("--strict", action="store_true", help="exit 1 when any row was refused")
    sp = add(hotels, "list", cmd_hotels_list, "list hotels")
    sp.add_argument("--division", help="division name or code (e.g. 腾冲市, 530581)")
    sp.add_argument("--mode", help="TV mode key or name (e.g. direct_live, 迎宾模式)")
    sp.add_argument("--status", help="remediation status (e.g. rectifying, 整改中, overdue)")
    sp.add_argument("--pilot", action="store_true", help="pilot hotels only")
    sp.add_argument("--search", help="text in name, address, contact, phone or credit code")
    sp.add_argument(
        "--kind", default="hotel", help="site kind (hotel, market, residential, other, 市场 …) or 'all'"
    )
    sp.add_argument("--json", action="store_true")
    sp = add(hotels, "export", cmd_hotels_export, "export hotels to .xlsx, .csv or .json")
    sp.add_argument("file")
    sp.add_argument(
        "--kind",
        default="all",
        help="only sites of this kind (hotel, market, residential, other); default all",
    )
    sp = add(hotels, "duplicates", cmd_hotels_duplicates, "suspected duplicate hotels (疑似重复)")
    sp.add_argument("--json", action="store_true")
    sp = add(hotels, "merge", cmd_hotels_merge, "merge hotel OTHER into KEEP (one hotel typed in twice)")
    sp.add_argument("keep", help="the hotel that stays (id, its first characters, or exact name)")
    sp.add_argument("other", help="the hotel merged into it (its inspections and notices follow)")
    sp = add(
        hotels,
        "delete",
        cmd_hotels_delete,
        "delete a hotel (a tombstone; refused if it has finalized records)",
    )
    sp.add_argument("id", help="hotel id (or its first characters) or exact name")
    sp.add_argument("--actor", help="who deletes it (for the audit log)")

    insp = command_group(sub, "inspections", "inspection records")
    sp = add(insp, "list", cmd_inspections_list, "list inspections, newest first")
    sp.add_argument("--hotel", help="hotel id (or its first characters) or exact name")
    sp.add_argument("--json", action="store_true")
    sp = add(insp, "show", cmd_inspections_show, "show one inspection and its computed verdict")
    sp.add_argument("id", help="inspection id (or its first characters) or record number")
    sp.add_argument("--json", action="store_true")
    sp = add(insp, "discard", cmd_inspections_discard, "discard a draft (a tombstone that syncs)")
    sp.add_argument("id", help="draft id (or its first characters) or record number")
    sp.add_argument("--actor", help="who discards it (for the audit log)")
    sp = add(
        insp, "import", cmd_inspections_import, "import inspections from a hoteltv JSON file (all or nothing)"
    )
    sp.add_argument("file")
    sp = add(insp, "export", cmd_inspections_export, "export inspections to .json (lossless), .xlsx or .csv")
    sp.add_argument("file")

    people = command_group(sub, "inspectors", "bureau inspectors")
    sp = add(people, "list", cmd_inspectors_list, "list inspectors")
    sp.add_argument("--json", action="store_true")
    sp = add(people, "add", cmd_inspectors_add, "add an inspector")
    sp.add_argument("name")
    sp.add_argument("enforcement_id", help="执法证号")
    sp.add_argument("--division")
    sp.add_argument("--phone")

    sp = add(sub, "summary", cmd_summary, "counts by division × TV mode and the report sentence")
    sp.add_argument("--all", action="store_true", help="all hotels, not only pilot hotels")
    sp.add_argument("--division", help="one division only")
    sp.add_argument("--since", help="inspections/notices from this date (YYYY-MM-DD)")
    sp.add_argument("--until", help="inspections/notices up to this date (YYYY-MM-DD)")
    sp.add_argument("--json", action="store_true")
    sp = add(
        sub,
        "check",
        cmd_check,
        "verify the database (integrity, foreign keys, the seals of finalized records and notices) "
        "and the photo store",
    )
    sp.add_argument(
        "--gc", action="store_true", help="also remove stored photo files no record uses (asks first)"
    )
    sp.add_argument("--yes", action="store_true", help="with --gc: remove without asking")
    for register in _extensions():
        register(sub, add)
    return p


def _extensions() -> list[Callable[..., None]]:
    """Command groups that live beside their feature (``<package>/cli.py`` with ``register(sub, add)``)."""
    from hoteltv import backup_cli, notices_cli, operations_cli
    from hoteltv.photos import cli as photos_cli
    from hoteltv.reports import cli as reports_cli
    from hoteltv.sync import cli as sync_cli
    from hoteltv.sync import release_cli

    modules = (photos_cli, reports_cli, sync_cli, release_cli, backup_cli, notices_cli, operations_cli)
    return [module.register for module in modules]


def main(argv: Sequence[str] | None = None) -> int:
    from hoteltv.console import prepare_streams

    prepare_streams()  # UTF-8 when redirected; a console never fails on a character outside its code page
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    ctx = Context(resolve_home(args.home))
    try:
        return args.func(ctx, args)
    except HoteltvError as exc:  # a refused file, invalid input (every problem listed), any refusal
        warn(exc)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        warn("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug, not a user's mistake: one line here, the details in a log file
        import traceback

        from hoteltv.logfile import write_crash_report

        log = write_crash_report(ctx.home, traceback.format_exc())
        warn(
            f"内部错误 (internal error): {type(exc).__name__}: {exc}".splitlines()[0]
            + (f" — details in {log}" if log else "")
        )
        return EXIT_INTERNAL
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
