"""The sync commands end to end: admin commands on a server database, a real uvicorn server on
127.0.0.1, ``hoteltv sync``, ``conflicts`` and ``bundle`` through ``hoteltv.cli.main``."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from hoteltv.cli import main
from hoteltv.db.engine import Database, sqlite_url
from hoteltv.services import hotels as hotel_service
from hoteltv.sync.server.app import create_app
from hoteltv.sync.server.auth import TokenCache
from tests.sync.helpers import edit_hotel, make_hotel, serving


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        rc = main(list(argv))
    return rc, out.getvalue()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[tuple[str, Path, Any]]:
    """A real uvicorn server on a free loopback port, its data in tmp (stops by itself at the end)."""
    data = tmp_path / "srv"
    url = sqlite_url(data / "server.db").render_as_string(hide_password=False)
    data.mkdir()
    app = create_app(url, data / "photos")
    app.state.db.tokens = TokenCache(ttl=0.5)
    with serving(app) as url:
        yield url, data, app


def test_admin_commands_and_sync_over_real_http(live_server, tmp_path: Path) -> None:
    url, data, live_app = live_server
    srv = ["--data", str(data)]
    assert run("--home", str(tmp_path / "x"), "users", "add", "boss", "--role", "admin", *srv)[0] == 0
    assert (
        run(
            "--home",
            str(tmp_path / "x"),
            "users",
            "add",
            "ly",
            "--role",
            "inspector",
            "--division",
            "隆阳区",
            *srv,
        )[0]
        == 0
    )
    assert run("--home", str(tmp_path / "x"), "users", "add", "bad", "--role", "inspector", *srv)[0] == 1
    rc, listing = run("--home", str(tmp_path / "x"), "users", "list", *srv)
    assert rc == 0 and "530502" in listing
    rc, office_token = run("--home", str(tmp_path / "x"), "tokens", "issue", "boss", *srv)
    assert rc == 0 and office_token.strip().startswith("htv_")
    rc, ly_token = run("--home", str(tmp_path / "x"), "tokens", "issue", "ly", *srv)

    a, b = tmp_path / "a", tmp_path / "b"
    for home in (a, b):
        assert run("--home", str(home), "init")[0] == 0
    db = Database.open(a)
    hotel = make_hotel(db, "命令行酒店", contact_phone="0875-2111111")
    db.close()
    rc, out = run("--home", str(a), "sync", "--server", url, "--token", office_token.strip())
    assert rc == 0, out
    rc, out = run("--home", str(b), "sync", "--server", url, "--token", ly_token.strip())
    assert rc == 0, out
    rc, out = run("--home", str(b), "sync")  # server and token remembered
    assert rc == 0, out
    dbb = Database.open(b)
    assert hotel_service.get_hotel(dbb, hotel).name == "命令行酒店"
    dbb.close()

    # The same field on both: a conflict, listed and resolved from the command line.
    for home, phone in ((b, "0875-2222222"), (a, "0875-3333333")):
        d = Database.open(home)
        edit_hotel(d, hotel, contact_phone=phone)
        d.close()
    assert run("--home", str(b), "sync")[0] == 0
    rc, out = run("--home", str(a), "sync")
    assert rc == 0 and "contact_phone" in out
    rc, out = run("--home", str(a), "conflicts", "list")
    assert "0875-2222222" in out and "0875-3333333" in out
    from hoteltv.sync.state import list_conflicts

    d = Database.open(a)
    cid = list_conflicts(d)[0].id
    d.close()
    assert run("--home", str(a), "conflicts", "resolve", cid[:8], "--other")[0] == 0
    assert run("--home", str(a), "sync")[0] == 0
    assert run("--home", str(b), "sync")[0] == 0
    d = Database.open(b)
    assert hotel_service.get_hotel(d, hotel).contact_phone == "0875-3333333"
    d.close()
    rc, out = run("--home", str(tmp_path / "x"), "devices", *srv)
    assert rc == 0 and "boss" in out and "ly" in out
    rc, out = run("--home", str(tmp_path / "x"), "tokens", "revoke", "2", *srv)
    assert rc == 0
    # The command wrote to the database, not through the running server, whose token cache keeps a
    # token for TTL seconds (10 in production, documented in docs/sync.md); shortened here.
    time.sleep(live_app.state.db.tokens.ttl + 0.1)
    rc, _ = run("--home", str(b), "sync")
    assert rc == 1  # revoked: refused with a reason, nothing lost


def test_bundle_commands(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for home in (a, b):
        assert run("--home", str(home), "init")[0] == 0
    db = Database.open(a)
    make_hotel(db, "U盘酒店")
    db.close()
    stick = tmp_path / "stick.zip"
    rc, out = run("--home", str(a), "bundle", "export", str(stick))
    assert rc == 0 and stick.is_file()
    rc, out = run("--home", str(b), "bundle", "import", str(stick))
    assert rc == 0, out
    rc, out = run("--home", str(b), "bundle", "import", str(stick))
    assert rc == 0 and "已导入过" in out
    stick.write_bytes(stick.read_bytes()[:200])
    rc, _ = run("--home", str(b), "bundle", "import", str(stick))
    assert rc == 1


def test_server_commands_close_the_server_database(tmp_path: Path, monkeypatch) -> None:
    """Each server command disposes of the database it opened, also when it fails."""
    from hoteltv.sync.server.store import ServerDB

    opened: list[ServerDB] = []
    closed: list[ServerDB] = []
    real_init, real_close = ServerDB.__init__, ServerDB.close

    def init(self: ServerDB, *a: Any, **kw: Any) -> None:
        real_init(self, *a, **kw)
        opened.append(self)

    def close(self: ServerDB) -> None:
        closed.append(self)
        real_close(self)

    monkeypatch.setattr(ServerDB, "__init__", init)
    monkeypatch.setattr(ServerDB, "close", close)
    home, srv = ["--home", str(tmp_path / "x")], ["--data", str(tmp_path / "srv")]
    for argv, rc in (
        (["users", "add", "boss", "--role", "admin"], 0),
        (["users", "add", "bad", "--role", "inspector"], 1),  # refused: no division
        (["users", "list"], 0),
        (["users", "set", "boss", "--role", "admin"], 0),
        (["users", "disable", "boss"], 0),
        (["users", "enable", "boss"], 0),
        (["tokens", "issue", "boss"], 0),
        (["tokens", "list"], 0),
        (["tokens", "revoke", "1"], 0),
        (["devices"], 0),
    ):
        assert run(*home, *argv, *srv)[0] == rc, argv
        assert len(opened) == len(closed) and opened[-1] is closed[-1], argv
    assert len(opened) == 10


def test_a_photo_file_missing_here_is_not_called_a_server_refusal(live_server, tmp_path: Path) -> None:
    """A sync that fails only because a photo file is gone from this laptop says so and points to
    ``hoteltv check``, not to ``sync --refused`` (which lists nothing: the server refused nothing)."""
    from sqlalchemy import select

    from hoteltv.db.models import Photo
    from hoteltv.photos.store import PhotoStore
    from tests.sync.helpers import make_inspection

    url, data, _app = live_server
    srv = ["--data", str(data)]
    assert run("--home", str(tmp_path / "x"), "users", "add", "boss", "--role", "admin", *srv)[0] == 0
    token = run("--home", str(tmp_path / "x"), "tokens", "issue", "boss", *srv)[1].strip()
    a = tmp_path / "a"
    assert run("--home", str(a), "init")[0] == 0
    db = Database.open(a)
    make_inspection(db, make_hotel(db, "缺照片酒店"), photos=2, folder=tmp_path / "pics", seed=7)
    with db.reading() as s:
        photo = s.scalars(select(Photo).order_by(Photo.sha256)).first()
        assert photo is not None
        gone = photo.sha256
    db.close()
    PhotoStore.for_home(a).path(gone).unlink()
    rc, out = run("--home", str(a), "sync", "--server", url, "--token", token)
    assert rc == 4, out
    assert "被服务器拒绝" not in out and "sync --refused" not in out, out
    assert "1 张照片的文件未能传送" in out and "hoteltv check" in out, out
    rc, listing = run("--home", str(a), "sync", "--refused")
    assert rc == 0 and "共 0 条被拒绝的修改" in listing
