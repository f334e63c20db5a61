"""Sync commands of ``hoteltv`` (registered through :func:`register`, see ``hoteltv.cli._extensions``).

Laptop side: ``sync``, ``bundle export/import``, ``conflicts list/resolve``.
Server side (they work on the server's database, given by ``--database-url`` or ``--data``): ``serve``,
``users add/list/set/disable/enable``, ``tokens issue/revoke/list``, ``devices``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from hoteltv.cli_support import EXIT_INTERNAL, EXIT_REFUSED, command_group, format_table
from hoteltv.db.engine import sqlite_url
from hoteltv.errors import HoteltvError

#: ``hoteltv sync``: the sync went through, but the server refused some changes (listed; still queued).
EXIT_SOME_REFUSED = 4


def _server_db(ctx: Any, args: argparse.Namespace) -> closing[Any]:
    """The server's database (``--database-url`` or ``--data``), to open in a ``with``: closed at its end."""
    from hoteltv.sync.server.store import ServerDB

    return closing(ServerDB(_database_url(ctx, args)))


def _data_dir(ctx: Any, args: argparse.Namespace) -> Path:
    return Path(args.data) if getattr(args, "data", None) else Path(ctx.home) / "server"


def _database_url(ctx: Any, args: argparse.Namespace) -> str:
    if getattr(args, "database_url", None):
        return str(args.database_url)
    folder = _data_dir(ctx, args)
    folder.mkdir(parents=True, exist_ok=True)
    return sqlite_url(folder / "server.db").render_as_string(hide_password=False)


def _out(ctx: Any, args: argparse.Namespace, data: Any, text: str) -> None:
    if getattr(args, "json", False):
        ctx.json(data)
    else:
        ctx.print(text)


def _out_list(ctx: Any, args: argparse.Namespace, fetch: Callable[[Any], Sequence[Any]], *table: Any) -> int:
    """The records ``fetch(db)`` reads from the server's database (pydantic models): JSON, or a table."""
    with _server_db(ctx, args) as db:
        records = fetch(db)
    return ctx.records(getattr(args, "json", False), records, *table, data=lambda r: r.model_dump())


# --- server side ------------------------------------------------------------------------------------------------


def cmd_serve(ctx: Any, args: argparse.Namespace) -> int:
    try:
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise HoteltvError(
            "服务器组件未安装:pip install 'hoteltv[server]' (the server extra is not installed)"
        ) from exc
    from hoteltv.domain.divisions import load_division_lists
    from hoteltv.sync.server import workers

    if bool(args.certfile) != bool(args.keyfile):
        raise HoteltvError("--certfile 和 --keyfile 须同时给出 (give both --certfile and --keyfile)")
    url = _database_url(ctx, args)
    workers.check_workers(url, args.workers)
    cities = load_division_lists(args.divisions) if args.divisions else ()
    data = _data_dir(ctx, args)
    data.mkdir(parents=True, exist_ok=True)
    scheme = "https" if args.certfile else "http"
    print(
        f"hoteltv sync server on {scheme}://{args.host}:{args.port}  (data: {data}, workers: {args.workers})",
        file=sys.stderr,
    )
    workers.run(
        url,
        data,
        host=args.host,
        port=args.port,
        workers=args.workers,
        certfile=args.certfile,
        keyfile=args.keyfile,
        forwarded_allow_ips=args.forwarded_allow_ips,
        divisions=cities,
    )
    return 0


def cmd_users_add(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.sync.protocol import UserIn
    from hoteltv.sync.server import admin

    with _server_db(ctx, args) as db:
        divisions = [admin.division_code(db, d) for d in args.division or []]
        user = admin.add_user(
            db,
            UserIn(name=args.name, role=args.role, divisions=divisions, display_name=args.display_name or ""),
        )
    _out(ctx, args, user.model_dump(), f"已创建用户 {user.name} ({user.role} {' '.join(user.divisions)})")
    return 0


def cmd_users_list(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.sync.server import admin

    return _out_list(
        ctx,
        args,
        admin.list_users,
        ["用户 user", "角色 role", "县区 divisions", "姓名 name", "状态 state"],
        lambda u: [u.name, u.role, " ".join(u.divisions), u.display_name, "" if u.active else "停用"],
    )


def cmd_users_set(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.sync.server import admin

    with _server_db(ctx, args) as db:
        divisions = [admin.division_code(db, d) for d in args.division] if args.division else None
        user = admin.update_user(db, args.name, role=args.role, divisions=divisions)
    _out(ctx, args, user.model_dump(), f"已更新用户 {user.name} ({user.role} {' '.join(user.divisions)})")
    return 0


def _set_active(active: bool) -> Any:
    def run(ctx: Any, args: argparse.Namespace) -> int:
        from hoteltv.sync.server import admin

        with _server_db(ctx, args) as db:
            user = admin.update_user(db, args.name, active=active)
        ctx.print(
            f"用户 {user.name} 已{'启用' if active else '停用,其令牌已吊销'} "
            f"({'enabled' if active else 'disabled; its tokens are revoked'})"
        )
        return 0

    return run


def cmd_tokens_issue(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.sync.server import admin

    with _server_db(ctx, args) as db:
        tok = admin.issue_token(db, args.user, args.label or "")
    if args.json:
        ctx.json(tok.model_dump())
    else:
        ctx.print(tok.token)
        print(
            f"令牌只显示这一次,请交给 {args.user} 保管 (shown once; the server keeps only its hash) id={tok.id}",
            file=sys.stderr,
        )
    return 0


def cmd_tokens_revoke(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.sync.server import admin

    with _server_db(ctx, args) as db:
        tok = (
            admin.revoke_token(db, token_id=int(args.token))
            if args.token.isdigit()
            else admin.revoke_token(db, token=args.token)
        )
    ctx.print(f"令牌 {tok.id} ({tok.prefix}…, {tok.user}) 已吊销 (revoked)")
    return 0


def cmd_tokens_list(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.sync.server import admin

    return _out_list(
        ctx,
        args,
        admin.list_tokens,
        ["id", "用户 user", "前缀 prefix", "创建 created", "状态 state"],
        lambda t: [t.id, t.user, t.prefix + "…", t.created_at[:16], "已吊销" if t.revoked else "有效"],
    )


def cmd_devices(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.sync.server import admin

    return _out_list(
        ctx,
        args,
        admin.list_devices,
        ["设备 device", "用户 user", "最近连接 last seen", "最近发送 last push", "最近接收 last pull", "seq"],
        lambda d: [
            d.device_id[:8],
            d.user,
            d.last_seen[:16],
            (d.last_push or "")[:16],
            (d.last_pull or "")[:16],
            d.last_seq,
        ],
    )


# --- laptop side --------------------------------------------------------------------------------------------------


def _server_and_token(ctx: Any, args: argparse.Namespace) -> tuple[str, str]:
    """The server address (``--server``, else the saved one; checked, as one an earlier version saved may
    be broken) and token to use. Neither is saved here: ``hoteltv sync`` keeps them once the server has
    accepted the token (see :func:`_remember`)."""
    from hoteltv.sync.credentials import load_token, server_address

    typed = args.server or ctx.settings.get("server_url")
    if not typed:
        raise HoteltvError("请用 --server 指定同步服务器地址 (give the server address with --server URL)")
    url = server_address(typed)
    token = args.token or load_token(ctx.home, url, ctx.db.device_id)
    if not token:
        raise HoteltvError(
            f"请用 --token 提供服务器 {url} 的令牌;hoteltv sync 在服务器接受后会记住它 (give your token for "
            f"{url} with --token; hoteltv sync keeps it once the server has accepted it)"
        )
    return url, token


def _client(ctx: Any, args: argparse.Namespace) -> Any:
    from hoteltv.photos.store import PhotoStore
    from hoteltv.sync.client import SyncClient, tls_context

    url, token = _server_and_token(ctx, args)
    cafile = getattr(args, "cafile", None)
    if cafile:
        cafile = str(Path(cafile).resolve())
        tls_context(cafile)  # refuse an unreadable file before remembering it
        if cafile != ctx.settings.get("sync_cafile"):
            ctx.settings.set("sync_cafile", cafile)
    verify: str = cafile or ctx.settings.get("sync_cafile") or ""
    return SyncClient(ctx.db, PhotoStore.for_home(ctx.home), url, token, verify=verify)


def _remember(ctx: Any, args: argparse.Namespace, client: Any, report: Any) -> None:
    """Keep ``--server`` and ``--token`` for this data folder once the server has accepted the token (the
    sync ``report`` says who we are); a mistyped address or a refused token changes nothing."""
    from hoteltv.sync.credentials import accepted, remember_accepted

    if not accepted(report):
        return
    if args.server and client.server_url != ctx.settings.get("server_url"):
        ctx.settings.set("server_url", client.server_url)
    if args.token:
        where = remember_accepted(ctx.home, client.server_url, ctx.db.device_id, args.token, report)
        if where:
            print(f"令牌已保存到 {where} (token saved)", file=sys.stderr)


def _report_data(report: Any) -> dict[str, Any]:
    return report.summary() | {
        "ok": report.ok,
        "message": report.message,
        "outcomes": [o.__dict__ for o in report.outcomes],
    }


def _failure_json(
    ctx: Any, args: argparse.Namespace, message: str, report: Any = None, exit_code: int = EXIT_REFUSED
) -> int:
    """``sync --json`` that failed: the object a successful run prints, of the same shape (the ``report``
    so far, or zeros when nothing happened), with ``ok`` false, the ``message`` and the exit code; the
    message goes to stderr too. Returns the exit code."""
    if args.refused:
        data: dict[str, Any] = {"refused": []}
    elif args.drop is not None:
        data = {"dropped": []}
    else:
        from hoteltv.sync.client import SyncReport

        data = _report_data(report or SyncReport()) | {"update": None}
    ctx.json(data | {"ok": False, "message": message, "exit_code": exit_code})
    print(f"hoteltv: {message}", file=sys.stderr)
    return exit_code


def cmd_sync(ctx: Any, args: argparse.Namespace) -> int:
    """Sync, or list (``--refused``) or drop (``--drop ID``) refused changes. With ``--json`` a result
    object of one shape is printed on stdout whatever happens, failures included."""
    try:
        if args.refused:
            return _list_refused(ctx, args)
        if args.drop is not None:
            return _drop_refused(ctx, args)
        return _run_sync(ctx, args)
    except HoteltvError as exc:
        if not args.json:
            raise
        return _failure_json(ctx, args, str(exc))
    except Exception as exc:  # a bug: with --json the result object still comes, the details in a log file
        if not args.json:
            raise
        import traceback

        from hoteltv.logfile import write_crash_report

        log = write_crash_report(ctx.home, traceback.format_exc())
        message = f"内部错误 (internal error): {type(exc).__name__}: {exc}".splitlines()[0]
        return _failure_json(
            ctx, args, message + (f" — details in {log}" if log else ""), None, EXIT_INTERNAL
        )


def _run_sync(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.console import ProgressLine
    from hoteltv.sync.client import SyncError
    from hoteltv.sync.state import STATE_WORDS
    from hoteltv.sync.updates import try_check_for_update

    line = ProgressLine()
    line.active = line.active and not args.json

    def progress(done: int, total: int, text: str) -> bool:
        line.show(f"[{done}/{total}] {text}")
        return True

    with _client(ctx, args) as client:
        try:
            report = client.sync(progress, full=args.full)
        except SyncError as exc:
            _remember(ctx, args, client, exc.report)
            line.end()
            message = f"同步失败,本机数据未受影响,修改仍待发送 (sync failed; nothing here was lost): {exc}"
            if args.json:
                return _failure_json(ctx, args, message, exc.report)
            raise HoteltvError(message) from exc
        _remember(ctx, args, client, report)
        update = try_check_for_update(client.http) if report.ok else None
    line.end()
    rc = EXIT_REFUSED if not report.ok else EXIT_SOME_REFUSED if report.failed else 0
    if args.json:
        ctx.json(_report_data(report) | {"exit_code": rc, "update": update.__dict__ if update else None})
    else:
        ctx.print(report.message)
        for o in report.outcomes:
            if o.state in ("conflict", "failed") or o.reason or args.verbose:
                ctx.print(f"  {STATE_WORDS[o.state].split(' ')[0]}  {o.label}  {o.reason}")
        if update:
            ctx.print(
                f"新版本可用 (a newer version is available): {update.version} ({update.filename}) {update.notes}\n"
                "  在程序的同步窗口中下载,或: hoteltv release download (download it from the sync panel)"
            )
        # A photo file that did not go (missing or damaged here, or refused) is not a queued change.
        photos = sum(1 for o in report.outcomes if o.entity == "photos" and o.state == "failed")
        if rc == EXIT_SOME_REFUSED and report.failed > photos:
            ctx.print(
                "部分修改被服务器拒绝,仍待发送;用 hoteltv sync --refused 查看,--drop ID 放弃 "
                "(some changes were refused and stay queued: see hoteltv sync --refused, drop with --drop ID)"
            )
        if rc == EXIT_SOME_REFUSED and photos:
            ctx.print(
                f"{photos} 张照片的文件未能传送,原因见上,下次同步再试;本机照片文件缺失或损坏的,"
                f"用 hoteltv check 查看 ({photos} photo files did not go, reasons above, and are tried again "
                "next sync; hoteltv check lists photo files missing or damaged on this computer)"
            )
    return rc


def _list_refused(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.sync.state import refused_changes

    items = refused_changes(ctx.db)
    total = f"共 {len(items)} 条被拒绝的修改 ({len(items)} refused changes)"
    if args.json:
        refused = [c.__dict__ | {"at": c.at.isoformat() if c.at else None} for c in items]
        ctx.json({"ok": True, "message": total, "exit_code": 0, "refused": refused})
        return 0
    ctx.print(
        format_table(
            ["id", "类型 type", "记录 record", "原因 reason"],
            [[c.id[:8], c.entity, c.label, c.reason] for c in items],
        )
    )
    ctx.print(total)
    return 0


def _drop_refused(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.sync.state import drop_refused

    if not args.drop.strip():
        raise HoteltvError(
            "--drop 需要被拒绝修改的 id 或其开头几个字符,请用 hoteltv sync --refused 查看 "
            "(--drop needs the id of a refused change, or its first characters; see hoteltv sync --refused)"
        )
    dropped = drop_refused(ctx.db, args.drop)
    if args.json:
        ctx.json(
            {
                "ok": True,
                "message": f"已放弃 {len(dropped)} 条修改 (dropped {len(dropped)} changes)",
                "exit_code": 0,
                "dropped": [{"entity": c.entity, "id": c.id, "label": c.label} for c in dropped],
            }
        )
        return 0
    for c in dropped:
        ctx.print(f"已放弃 {c.entity} {c.label} ({c.id[:8]}) 的修改,不再发送 (dropped; no longer sent)")
    return 0


def cmd_bundle_export(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.photos.store import PhotoStore
    from hoteltv.sync.bundle import export_bundle

    path = Path(args.file)
    replaced = path.is_file()
    result = export_bundle(ctx.db, PhotoStore.for_home(ctx.home), path)
    ctx.print(
        f"已导出 {result.changes} 条修改和 {result.photos} 张照片到 {result.path} ({result.bytes / 1e6:.1f} MB) "
        f"(exported {result.changes} changes, {result.photos} photos); SHA-256 {result.sha256[:16]}"
        + ("\n已替换原有的同名文件 (the file that was there is replaced)" if replaced else "")
    )
    return 0


def cmd_bundle_import(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.sync import bundle as bundle_mod

    path = Path(args.file)
    if args.server:
        return _bundle_to_server(ctx, args, path)
    if args.database_url or args.data:
        from hoteltv.sync.server.bundle_import import import_to_server
        from hoteltv.sync.server.photos import BlobStore

        with _server_db(ctx, args) as db:
            result = import_to_server(db, BlobStore(_data_dir(ctx, args) / "photos"), path, args.as_user)
    else:
        from hoteltv.photos.store import PhotoStore

        result = bundle_mod.import_local(ctx.db, PhotoStore.for_home(ctx.home), path)
    if result.already:
        ctx.print("这个数据包已导入过,未做任何更改 (already imported; nothing changed)")
        return 0
    _print_import(ctx, result)
    return EXIT_REFUSED if result.count("refused") else 0


def _print_import(ctx: Any, result: Any) -> None:
    ctx.print(
        f"已应用 {result.count('applied')} 条,无变化 {result.count('unchanged')} 条,冲突 {result.count('conflict')} 条,"
        f"拒绝 {result.count('refused')} 条,照片 {result.photos} 张 (applied {result.count('applied')}, unchanged "
        f"{result.count('unchanged')}, conflicts {result.count('conflict')}, refused {result.count('refused')})"
    )
    for r in result.results:
        if r.status in ("refused", "conflict"):
            ctx.print(f"  {r.entity} {r.id[:8]}: {r.reason}")


def _bundle_to_server(ctx: Any, args: argparse.Namespace, path: Path) -> int:
    """Forward a bundle through the HTTP API on behalf of the device that wrote it."""
    from hoteltv.sync.bundle import BundleImport, read_bundle
    from hoteltv.sync.protocol import MAX_BATCH, PushRequest, PushResponse, batch_key, batches

    bundle = read_bundle(path)
    result = BundleImport()
    with _client(ctx, args) as client:  # neither the address nor --token is remembered
        for batch in batches(bundle.changes, MAX_BATCH):
            req = PushRequest(
                device_id=bundle.device_id, key=batch_key(bundle.device_id, batch), changes=batch
            )
            answer = client.request("POST", "/sync/push", json=req.model_dump(mode="json"))
            result.results += PushResponse.model_validate(answer.json()).results
        hashes = sorted(bundle.photos)
        if hashes:
            missing = client.request("POST", "/photos/missing", json={"sha256": hashes}).json()["missing"]
            for sha in missing:
                data = bundle.photos[sha]
                client.request(
                    "PUT", f"/photos/{sha}", params={"offset": 0, "total": len(data)}, content=data
                )
                result.photos += 1
    _print_import(ctx, result)
    return EXIT_REFUSED if result.count("refused") else 0


def cmd_conflicts_list(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.sync.state import field_words, list_conflicts

    items = list_conflicts(ctx.db, include_resolved=args.all)

    def show(v: Any) -> str:
        return "(空)" if v is None else json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v

    def in_force(c: Any) -> str:
        """The value the record holds now (as ``--json``'s ``in_force``); an open conflict's value kept
        when it was found follows in brackets when an edit since changed it."""
        if c.status == "open" and c.kept != c.in_force:
            return f"{show(c.in_force)} (冲突时 then: {show(c.kept)})"
        return show(c.in_force)

    def not_taken(c: Any) -> tuple[Any, str]:
        """The other value and where it came from; once settled with the other value, the one given up."""
        if c.status != "open" and c.in_force == c.other and c.kept != c.other:
            return c.kept, c.kept_source
        return c.other, c.other_source

    return ctx.records(
        args.json,
        items,
        ["id", "记录 record", "字段 field", "现行值 in force", "另一值 other", "来源 from", "状态 state"],
        lambda c: [
            c.ref,
            c.label,
            field_words(c.field),
            in_force(c),
            show(not_taken(c)[0]),
            not_taken(c)[1],
            c.status,
        ],
        data=lambda c: c.__dict__ | {"ref": c.ref},
        total=f"共 {len(items)} 个冲突 ({len(items)} conflicts)",
    )


def cmd_conflicts_resolve(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.sync.state import find_conflict, resolve_conflict

    conflict = find_conflict(ctx.db, args.id)
    if args.value is not None:
        from hoteltv.sync.values import value_problem

        try:
            value: Any = json.loads(args.value)
        except ValueError:
            value = args.value
        if value_problem(conflict.entity, {conflict.field: value}) and not value_problem(
            conflict.entity, {conflict.field: args.value}
        ):
            value = args.value  # text as typed: 13900000009 for a phone is text, not a number
        view = resolve_conflict(ctx.db, conflict.id, "value", value)
    else:
        view = resolve_conflict(ctx.db, conflict.id, "other" if args.other else "kept")
    ctx.print(
        f"冲突 {view.ref} 已处理,下次同步时生效 (resolved; the next sync tells the server)"
        if view.status == "resolving"
        else f"冲突 {view.ref} 已处理 (resolved)"
    )
    return 0


# --- registration ---------------------------------------------------------------------------------------------------


def _server_options(sp: argparse.ArgumentParser, *, with_json: bool = False) -> None:
    """The options of a command on the server's database (``with_json``: with ``--json`` output)."""
    if with_json:
        sp.add_argument("--json", action="store_true")
    sp.add_argument("--database-url", help="server database (default: SQLite in --data); e.g. postgresql://…")
    sp.add_argument("--data", metavar="DIR", help="server data folder (default: <home>/server)")


def register(sub: Any, add: Any) -> None:
    sp = add(sub, "serve", cmd_serve, "run the sync server (FastAPI under uvicorn)")
    sp.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sp.add_argument("--port", type=int, default=8765)
    sp.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="worker processes (default 1; more than 1 needs PostgreSQL, SQLite is single-process)",
    )
    _server_options(sp)
    sp.add_argument(
        "--divisions",
        metavar="LIST",
        default=os.environ.get("HOTELTV_DIVISIONS", ""),
        help="the counties served, added to the database at start: a shipped list's name (yunnan: the 16 "
        "cities of the province; baoshan) or a division file's path (default: $HOTELTV_DIVISIONS; none "
        "given, a new database gets Baoshan's)",
    )
    sp.add_argument("--certfile", help="TLS certificate (PEM) to serve HTTPS directly")
    sp.add_argument("--keyfile", help="TLS private key (PEM)")
    sp.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        help="proxies whose X-Forwarded-* headers are trusted (behind a TLS-terminating proxy)",
    )

    users = command_group(sub, "users", "server accounts (admin)")
    sp = add(users, "add", cmd_users_add, "create a user")
    sp.add_argument("name")
    sp.add_argument("--role", required=True, choices=["inspector", "office", "admin"])
    sp.add_argument("--division", action="append", help="division code or name (inspectors; repeatable)")
    sp.add_argument("--display-name")
    _server_options(sp, with_json=True)
    sp = add(users, "list", cmd_users_list, "list users")
    _server_options(sp, with_json=True)
    sp = add(users, "set", cmd_users_set, "change a user's role or divisions")
    sp.add_argument("name")
    sp.add_argument("--role", choices=["inspector", "office", "admin"])
    sp.add_argument("--division", action="append")
    _server_options(sp, with_json=True)
    for name, active in (("disable", False), ("enable", True)):
        sp = add(
            users, name, _set_active(active), f"{name} a user" + ("" if active else " (revokes its tokens)")
        )
        sp.add_argument("name")
        _server_options(sp)

    tokens = command_group(sub, "tokens", "server access tokens (admin)")
    sp = add(tokens, "issue", cmd_tokens_issue, "issue a token for a user (printed once)")
    sp.add_argument("user")
    sp.add_argument("--label")
    _server_options(sp, with_json=True)
    sp = add(tokens, "revoke", cmd_tokens_revoke, "revoke a token (by id or the token itself)")
    sp.add_argument("token")
    _server_options(sp)
    sp = add(tokens, "list", cmd_tokens_list, "list tokens (never the tokens themselves)")
    _server_options(sp, with_json=True)

    sp = add(sub, "devices", cmd_devices, "laptops that synced with this server, and when")
    _server_options(sp, with_json=True)

    sp = add(sub, "sync", cmd_sync, "sync with the server: send changes and photos, receive, check")
    sp.add_argument(
        "--server",
        metavar="URL",
        help="server address, http:// or https:// (remembered once the server accepts the token)",
    )
    sp.add_argument(
        "--token",
        help="your access token (remembered for this data folder once the server accepts it)",
    )
    sp.add_argument(
        "--cafile",
        help="PEM file of a CA to trust besides the system's certificate store (remembered in settings)",
    )
    sp.add_argument("--full", action="store_true", help="receive everything again, not only what is new")
    sp.add_argument("--json", action="store_true", help="print a result object (also when the sync fails)")
    sp.add_argument("-v", "--verbose", action="store_true", help="list every record's outcome")
    what = sp.add_mutually_exclusive_group()
    what.add_argument(
        "--refused", action="store_true", help="list the queued changes the server refused, with the reasons"
    )
    what.add_argument(
        "--drop", metavar="ID", help="give up a refused change (record id or its first characters)"
    )

    bundle = command_group(sub, "bundle", "sync by file (USB stick)")
    sp = add(bundle, "export", cmd_bundle_export, "write unsent changes and their photos to a bundle file")
    sp.add_argument(
        "file", help="the bundle to write (.zip); replaced atomically if it exists, like backup's"
    )
    sp = add(
        bundle,
        "import",
        cmd_bundle_import,
        "apply a bundle here, to a server (--server) or a server database",
    )
    sp.add_argument("file")
    sp.add_argument("--server", metavar="URL", help="forward the bundle to this server through its API")
    sp.add_argument("--token", help="a token for this import only (the saved one is left as it is)")
    sp.add_argument("--cafile", help="as for sync")
    _server_options(sp)
    sp.add_argument(
        "--as-user", default="admin", help="with --database-url/--data: the server user to act as"
    )

    conflicts = command_group(sub, "conflicts", "fields changed in two places")
    sp = add(conflicts, "list", cmd_conflicts_list, "list open conflicts with both values")
    sp.add_argument("--all", action="store_true", help="include resolved ones")
    sp.add_argument("--json", action="store_true")
    sp = add(
        conflicts, "resolve", cmd_conflicts_resolve, "settle a conflict (the choice syncs like any edit)"
    )
    sp.add_argument(
        "id", help="the conflict's number (the server's, as listed), or a local id's first characters"
    )
    how = sp.add_mutually_exclusive_group(required=True)
    how.add_argument("--keep", action="store_true", help="keep the value in force")
    how.add_argument("--other", action="store_true", help="take the other value")
    how.add_argument("--value", help="set this value instead (JSON or text)")
