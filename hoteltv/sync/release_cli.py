"""``hoteltv release …``: program updates through the sync server (registered by ``hoteltv.cli``).

Server side (on the server's database and data folder, like ``hoteltv serve``): ``release publish FILE
--version V --notes TEXT`` stores an installer with its SHA-256, ``release list`` shows what is published.
Laptop side: ``release download`` fetches the newer release this laptop's server offers into the Downloads
folder and checks its SHA-256 (it never runs it). See docs/installing.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from hoteltv.cli_support import command_group, format_table
from hoteltv.errors import HoteltvError
from hoteltv.sync.cli import _client, _data_dir, _server_db, _server_options


def _row(r: Any) -> list[Any]:
    return [r.id, r.platform, r.version, r.filename, f"{r.size / 1e6:.1f} MB", r.sha256[:12], r.notes]


def cmd_release_publish(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.sync.server.releases import ReleaseStore, publish_file

    with _server_db(ctx, args) as db:
        out = publish_file(
            db,
            ReleaseStore(_data_dir(ctx, args) / "releases"),
            Path(args.file),
            version=args.version,
            notes=args.notes,
            platform=args.platform,
            by=args.by,
        )
    if args.json:
        ctx.json(out.model_dump(mode="json"))
    else:
        ctx.print(
            f"已发布 {out.platform} 版本 {out.version}: {out.filename}, {out.size} 字节, SHA-256 {out.sha256} "
            f"(published release #{out.id})"
        )
    return 0


def cmd_release_list(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.sync.server.releases import list_releases

    with _server_db(ctx, args) as db:
        rows = list_releases(db, args.platform)
    if args.json:
        ctx.json([r.model_dump(mode="json") for r in rows])
    else:
        headers = ["ID", "平台", "版本", "文件", "大小", "SHA-256", "说明"]
        ctx.print(format_table(headers, [_row(r) for r in rows]) if rows else "尚无发布 (no releases)")
    return 0


def cmd_release_download(ctx: Any, args: argparse.Namespace) -> int:
    from hoteltv.sync.updates import check_for_update, download_update

    with _client(ctx, args) as client:
        try:
            info = check_for_update(client.http)
        except Exception as exc:  # httpx errors, a server without releases …
            raise HoteltvError(
                f"无法向服务器查询新版本 (could not ask the server for updates): {exc}"
            ) from exc
        if info is None:
            ctx.print("已是最新版本 (this is the newest version)")
            return 0
        path = download_update(client.http, info, Path(args.to) if args.to else None)
    ctx.print(
        f"新版本 {info.version} 已下载并校验 (downloaded and checked against its SHA-256): {path}\n"
        "请关闭程序后运行它安装 (close hoteltv, then run it to install)"
    )
    return 0


def register(sub: Any, add: Any) -> None:
    release = command_group(sub, "release", "program updates published on the sync server")
    sp = add(release, "publish", cmd_release_publish, "publish an installer on this server (admin)")
    sp.add_argument("file", help="the installer (.exe for Windows, .deb for Linux)")
    sp.add_argument("--version", required=True, help="its version, e.g. 0.2.0")
    sp.add_argument("--notes", default="", help="what changed (shown to the users)")
    sp.add_argument("--platform", choices=["windows", "linux"], help="default: from the file name")
    sp.add_argument("--by", default="", help="who publishes it (recorded)")
    _server_options(sp, with_json=True)
    sp = add(release, "list", cmd_release_list, "list the installers published on this server")
    sp.add_argument("--platform", choices=["windows", "linux"])
    _server_options(sp, with_json=True)
    sp = add(release, "download", cmd_release_download, "download a newer version from the sync server")
    sp.add_argument("--to", metavar="DIR", help="where to save it (default: your Downloads folder)")
    sp.add_argument("--server", metavar="URL", help="server address (default: the one in settings)")
    sp.add_argument("--token", help="your access token (default: the saved one)")
    sp.add_argument("--cafile", help="CA certificate to trust")
