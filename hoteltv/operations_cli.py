"""``hoteltv operations add|list|delete``: enforcement operations (执法行动) of the satellite-TV campaign.

Registered into the ``hoteltv`` command by :func:`hoteltv.cli._extensions`; see docs/cli.md.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from hoteltv.cli_support import command_group, division_code, find_inspection_arg, hotel_id_arg, parse_date
from hoteltv.errors import HoteltvError


def cmd_operations_add(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.services.operations import OperationInput, add_operation, split_names

    op_date = parse_date(args.date, "--date")
    assert op_date is not None  # the option is required
    view = add_operation(
        ctx.db,
        OperationInput(
            op_date=op_date,
            division_code=args.division,
            lead_department=args.lead,
            joint_departments=tuple(split_names(args.joint)),
            officers=args.officers,
            vehicles=args.vehicles,
            site_checks=args.site_checks,
            site_ids=tuple(hotel_id_arg(ctx, t, site=True) for t in split_names(args.site)),
            inspection_ids=tuple(find_inspection_arg(ctx, t).id for t in split_names(args.inspection)),
            title=args.title,
            notes=args.notes,
        ),
        ctx.divisions,
        actor=args.actor or "",
    )
    joint = "联合执法" if view.joint else "单独执法"
    ctx.print(
        f"已记录执法行动 {view.op_date.isoformat()} {view.division_name} {joint}: "
        f"{view.officers}人次、{view.vehicles}车次、检查{view.site_checks}个次 (operation {view.id[:8]} saved)"
    )
    return 0


def cmd_operations_list(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.services.operations import list_operations

    ops = list_operations(
        ctx.db,
        since=parse_date(args.since, "--since"),
        until=parse_date(args.until, "--until"),
        division=division_code(ctx, args.division),
    )
    return ctx.records(
        args.json,
        ops,
        ["日期", "县区", "牵头部门", "联合部门", "人次", "车次", "个次", "检查记录", "ID"],
        lambda o: [
            o.op_date.isoformat(),
            o.division_name,
            o.lead_department,
            "、".join(o.joint_departments),
            o.officers,
            o.vehicles,
            o.site_checks,
            len(o.inspection_ids),
            o.id[:8],
        ],
        data=lambda o: asdict(o) | {"joint": o.joint},
        total=f"共 {len(ops)} 次,其中联合执法 {sum(o.joint for o in ops)} 次;"
        f"出动执法人员 {sum(o.officers for o in ops)} 人次、车辆 {sum(o.vehicles for o in ops)} 车次,"
        f"检查 {sum(o.site_checks for o in ops)} 个次 ({len(ops)} operations)",
    )


def cmd_operations_delete(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.services.operations import delete_operation, list_operations

    hits = [o for o in list_operations(ctx.db) if o.id == args.id or o.id.startswith(args.id)]
    if len(hits) != 1:
        raise HoteltvError(f"没有唯一的执法行动匹配 {args.id!r} (no single operation matches)")
    delete_operation(ctx.db, hits[0].id, actor=args.actor or "")
    ctx.print(f"已删除执法行动 {hits[0].id[:8]} (deleted)")
    return 0


def register(sub: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    ops = command_group(sub, "operations", "enforcement operations (执法行动)")
    sp = add(ops, "add", cmd_operations_add, "record an enforcement operation (执法行动)")
    sp.add_argument("--date", required=True, help="the day (YYYY-MM-DD), not in the future")
    sp.add_argument("--division", required=True, help="division name or code (e.g. 腾冲市, 530581)")
    sp.add_argument("--lead", required=True, help="lead department (牵头部门), e.g. 市文化和旅游局")
    sp.add_argument(
        "--joint", action="append", help="joint department(s) (联合部门), repeat or separate with 、"
    )
    sp.add_argument("--officers", type=int, default=0, help="officers taking part (人次)")
    sp.add_argument("--vehicles", type=int, default=0, help="vehicles (车次)")
    sp.add_argument("--site-checks", type=int, help="site checks (个次; default: the number of --site given)")
    sp.add_argument("--site", action="append", help="a site checked (id, its first characters or name)")
    sp.add_argument("--inspection", action="append", help="an inspection made (record number or id)")
    sp.add_argument("--title", help="what the operation was (e.g. 境外卫星电视传播秩序集中专项整治)")
    sp.add_argument("--notes")
    sp.add_argument("--actor", help="who records it (for the audit log)")
    sp = add(ops, "list", cmd_operations_list, "list operations with their totals")
    sp.add_argument("--since", help="from this date (YYYY-MM-DD)")
    sp.add_argument("--until", help="up to this date (YYYY-MM-DD)")
    sp.add_argument("--division", help="division name or code")
    sp.add_argument("--json", action="store_true")
    sp = add(ops, "delete", cmd_operations_delete, "delete an operation recorded by mistake")
    sp.add_argument("id", help="operation id (or its first characters)")
    sp.add_argument("--actor", help="who deletes it (for the audit log)")
