"""The sync commands given bad input, as a black-box tester typed it: a malformed or mistyped server
address (refused naming it, never saved), ``sync --json`` of one shape on every failure, a demo folder's
bundle, ``--drop ""``, a bundle written over a file, and the value in force of an open conflict."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest

from hoteltv.config import Settings
from hoteltv.db.engine import Database, sqlite_pragmas
from tests.sync.helpers import edit_hotel, make_hotel
from tests.sync.test_sync_cli import live_server, run  # noqa: F401 - the fixture is used by name
from tests.sync.test_sync_cli_refusals import _users

MALFORMED = ("http://[::1", "ftp://x", "127.0.0.1:8765", "localhost:8765", "http://")


def _init(home: Path) -> Path:
    assert run("--home", str(home), "init")[0] == 0
    return home


def _saved_server(home: Path) -> str:
    return str(Settings(home).get("server_url"))


def test_a_malformed_server_address_is_refused_naming_it(tmp_path: Path, capsys) -> None:
    a = _init(tmp_path / "a")
    db = Database.open(a)
    make_hotel(db, "地址酒店")
    db.close()
    stick = tmp_path / "stick.zip"
    assert run("--home", str(a), "bundle", "export", str(stick))[0] == 0
    capsys.readouterr()
    for address in MALFORMED:
        rc, out = run("--home", str(a), "sync", "--server", address, "--token", "T", "--json")
        result = json.loads(out)
        assert rc == 1 == result["exit_code"] and result["ok"] is False, address
        assert repr(address) in result["message"] and "http://" in result["message"], address
        assert result["pushed"] == 0 and result["outcomes"] == [], address
        assert repr(address) in capsys.readouterr().err
        assert _saved_server(a) == "", address  # nothing saved
        rc, _ = run("--home", str(a), "bundle", "import", str(stick), "--server", address, "--token", "T")
        assert rc == 1 and repr(address) in capsys.readouterr().err, address
    rc, _ = run("--home", str(a), "sync")  # nothing was remembered: asks for the address again
    assert rc == 1 and "--server" in capsys.readouterr().err
    Settings(a).set("server_url", "http://[::1")  # as an earlier version saved it
    rc, out = run("--home", str(a), "sync", "--json")
    assert rc == 1 and "'http://[::1'" in json.loads(out)["message"]


def test_a_mistyped_server_replaces_nothing_until_the_server_accepts(
    live_server,  # noqa: F811
    tmp_path: Path,
    capsys,
) -> None:
    url, data, _app = live_server
    tokens = _users(tmp_path / "x", data)
    a = _init(tmp_path / "a")
    assert run("--home", str(a), "sync", "--server", url, "--token", tokens["office"])[0] == 0
    assert _saved_server(a) == url
    port = url.rsplit(":", 1)[1]
    for typo in (f"{url}/wrongpath", "ftp://x", f"127.0.0.1:{port}"):
        assert run("--home", str(a), "sync", "--server", typo)[0] == 1, typo
        assert _saved_server(a) == url, typo
        assert run("--home", str(a), "sync")[0] == 0, typo  # the saved server and token still work
    capsys.readouterr()
    # A fresh folder whose first try fails (a refused token) keeps nothing either.
    b = _init(tmp_path / "b")
    assert run("--home", str(b), "sync", "--server", url, "--token", "htv_wrong")[0] == 1
    assert _saved_server(b) == ""
    # No token for an address: the refusal names the address it has no token for.
    assert run("--home", str(b), "sync", "--server", url)[0] == 1
    assert url in capsys.readouterr().err and _saved_server(b) == ""
    assert run("--home", str(b), "sync", "--server", url + "/", "--token", tokens["ly"])[0] == 0
    assert _saved_server(b) == url


def _hold_write_lock(db_file: Path, locked: threading.Event, release: threading.Event) -> None:
    """Another program writing: holds the database's write lock until ``release``."""
    conn = sqlite3.connect(db_file, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    locked.set()
    release.wait(30)
    conn.execute("ROLLBACK")
    conn.close()


def test_sync_json_is_one_shape_on_every_failure(
    live_server,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, data, _app = live_server
    tokens = _users(tmp_path / "x", data)
    good = _init(tmp_path / "good")
    rc, out = run("--home", str(good), "sync", "--server", url, "--token", tokens["office"], "--json")
    shape = set(json.loads(out))
    assert rc == 0 and {"pushed", "outcomes", "exit_code", "ok", "message"} <= shape

    bad_ca = tmp_path / "bad.pem"
    bad_ca.write_text("x", encoding="utf-8")
    demo = tmp_path / "demo"
    assert run("--home", str(demo), "demo")[0] == 0
    plain = _init(tmp_path / "plain")
    server = ["--server", url, "--token", tokens["office"]]
    failures = {
        "no server": (plain, []),
        "no token": (plain, ["--server", url]),
        "unreadable CA file": (plain, [*server, "--cafile", str(bad_ca)]),
        "demo folder": (demo, server),
        "refused token": (plain, ["--server", url, "--token", "htv_wrong"]),
    }
    for what, (home, argv) in failures.items():
        rc, out = run("--home", str(home), "sync", *argv, "--json")
        result = json.loads(out)
        assert set(result) == shape, what
        assert rc == 1 == result["exit_code"] and result["ok"] is False and result["message"], what
        assert result["pushed"] == 0 and result["outcomes"] == [], what

    # The database busy in another program (a concurrent sync): waited for a short while here.
    monkeypatch.setitem(sqlite_pragmas.__kwdefaults__, "busy_timeout_ms", 200)
    db = Database.open(good)
    make_hotel(db, "锁定酒店")
    db.close()
    locked, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(good / "hoteltv.db", locked, release))
    holder.start()
    try:
        assert locked.wait(10)
        rc, out = run("--home", str(good), "sync", "--json")
    finally:
        release.set()
        holder.join()
    result = json.loads(out)
    assert set(result) == shape and rc == 1 == result["exit_code"] and not result["ok"], result
    assert "其他程序" in result["message"]

    # --refused and --drop: their own objects, failures of the same shape.
    ok_drop = set(json.loads(run("--home", str(plain), "sync", "--refused", "--json")[1]))
    for ref in ("", "no-such-id"):
        rc, out = run("--home", str(plain), "sync", "--drop", ref, "--json")
        result = json.loads(out)
        assert rc == 1 == result["exit_code"] and result["dropped"] == [] and not result["ok"], ref
        assert set(result) == ok_drop - {"refused"} | {"dropped"}, ref


def test_drop_refuses_an_empty_id(tmp_path: Path, capsys) -> None:
    a = _init(tmp_path / "a")
    Settings(a).set("server_url", "http://127.0.0.1:9")  # a sync would be tried against it
    capsys.readouterr()
    for empty in ("", "  "):
        rc, out = run("--home", str(a), "sync", "--drop", empty)
        err = capsys.readouterr().err
        assert rc == 1 and out == "" and "--drop" in err and "--refused" in err, err
        assert "--token" not in err  # no sync was started


def test_bundle_export_refuses_a_demo_folder(tmp_path: Path, capsys) -> None:
    demo = tmp_path / "demo"
    assert run("--home", str(demo), "demo")[0] == 0
    capsys.readouterr()
    stick = tmp_path / "demo.zip"
    rc, _ = run("--home", str(demo), "bundle", "export", str(stick))
    assert rc == 1 and "演示数据" in capsys.readouterr().err and not stick.exists()
    rc, _ = run("--home", str(demo), "sync", "--server", "http://127.0.0.1:9", "--token", "T")
    assert rc == 1 and "演示数据" in capsys.readouterr().err  # the same refusal as its sync


def test_bundle_export_says_it_replaced_a_file(tmp_path: Path) -> None:
    a = _init(tmp_path / "a")
    sheet = tmp_path / "hotels.csv"
    sheet.write_text("酒店名称,所属县区\n", encoding="utf-8")
    rc, out = run("--home", str(a), "bundle", "export", str(sheet))
    assert rc == 0 and "已替换" in out and str(sheet) in out
    rc, out = run("--home", str(a), "bundle", "export", str(tmp_path / "new.zip"))
    assert rc == 0 and "已替换" not in out


def _phone_conflict(tmp_path: Path) -> tuple[Path, Path, str]:
    """Two data folders (no server) that changed one hotel's phone apart, b's bundle imported on a:
    an open conflict on a (0875-3333333 kept here, 0875-2222222 from b)."""
    a, b = _init(tmp_path / "a"), _init(tmp_path / "b")
    db = Database.open(a)
    hotel = make_hotel(db, "冲突酒店", contact_phone="0875-2111111")
    db.close()
    stick = tmp_path / "a.zip"
    assert run("--home", str(a), "bundle", "export", str(stick))[0] == 0
    assert run("--home", str(b), "bundle", "import", str(stick))[0] == 0
    for home, phone in ((a, "0875-3333333"), (b, "0875-2222222")):
        d = Database.open(home)
        edit_hotel(d, hotel, contact_phone=phone)
        d.close()
    back = tmp_path / "b.zip"
    assert run("--home", str(b), "bundle", "export", str(back))[0] == 0
    assert run("--home", str(a), "bundle", "import", str(back))[0] == 0
    return a, b, hotel


def test_conflicts_list_shows_the_value_in_force_now(tmp_path: Path) -> None:
    a, _b, hotel = _phone_conflict(tmp_path)
    rc, out = run("--home", str(a), "conflicts", "list", "--json")
    [conflict] = json.loads(out)
    assert conflict["status"] == "open" and conflict["kept"] == conflict["in_force"] == "0875-3333333"
    row = run("--home", str(a), "conflicts", "list")[1].splitlines()[2]
    assert "0875-3333333" in row and "冲突时" not in row
    d = Database.open(a)  # an edit since: the record holds another value now
    edit_hotel(d, hotel, contact_phone="0875-4444444")
    d.close()
    [conflict] = json.loads(run("--home", str(a), "conflicts", "list", "--json")[1])
    assert (conflict["status"], conflict["in_force"]) == ("open", "0875-4444444")
    row = run("--home", str(a), "conflicts", "list")[1].splitlines()[2]
    assert "0875-4444444 (冲突时 then: 0875-3333333)" in row and "0875-2222222" in row


def test_an_address_that_is_no_hoteltv_server_is_named_and_json_still_comes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A web page, a proxy's or a Wi-Fi login page answering at the address: a clear message (exit 1),
    not an internal error; and an internal error (a bug) still prints the result object, exit 70."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            body = b"<html><body>Welcome to the hotel Wi-Fi</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    page = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=page.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{page.server_address[1]}"
        home = _init(tmp_path / "a")
        rc, out = run("--home", str(home), "sync", "--server", url, "--token", "htv_x", "--json")
        result = json.loads(out)
        assert rc == 1 == result["exit_code"] and not result["ok"], result
        assert (
            "不是 hoteltv 同步服务" in result["message"] and "check the server address" in result["message"]
        )
        assert _saved_server(home) != url  # never saved: the address did not answer as a server
    finally:
        page.shutdown()

    def broken(*_args: object, **_kw: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("hoteltv.sync.client.SyncClient.sync", broken)
    rc, out = run("--home", str(home), "sync", "--server", "http://127.0.0.1:9", "--token", "htv_x", "--json")
    result = json.loads(out)
    assert rc == 70 == result["exit_code"] and not result["ok"], result
    assert "RuntimeError: a bug" in result["message"] and "crash-" in result["message"], result
    assert result["pushed"] == 0 and result["outcomes"] == []


def test_a_conflict_settled_with_a_typed_number_keeps_it_as_text_and_lists_the_value_given_up(
    tmp_path: Path,
) -> None:
    """Found from outside: ``--value 13900000009`` for a phone was read as a number and refused as not
    text; and a conflict settled with the other value listed that value twice, the one given up nowhere."""
    a, b, hotel = _phone_conflict(tmp_path)
    back = tmp_path / "b.zip"
    [conflict] = json.loads(run("--home", str(a), "conflicts", "list", "--json")[1])
    rc, _out = run("--home", str(a), "conflicts", "resolve", conflict["ref"], "--value", "13900000009")
    assert rc == 0
    [settled] = json.loads(run("--home", str(a), "conflicts", "list", "--all", "--json")[1])
    assert settled["in_force"] == "13900000009"
    # Another conflict on the same field, settled by taking the other value: the one given up is listed.
    d = Database.open(b)
    edit_hotel(d, hotel, contact_phone="0875-5555555")
    d.close()
    d = Database.open(a)
    edit_hotel(d, hotel, contact_phone="0875-6666666")
    d.close()
    assert run("--home", str(b), "bundle", "export", str(back))[0] == 0
    assert run("--home", str(a), "bundle", "import", str(back))[0] == 0
    [second] = json.loads(run("--home", str(a), "conflicts", "list", "--json")[1])
    assert run("--home", str(a), "conflicts", "resolve", second["ref"], "--other")[0] == 0
    rows = run("--home", str(a), "conflicts", "list", "--all")[1].splitlines()
    row = next(r for r in rows if second["ref"] in r)
    assert row.count("0875-5555555") == 1 and "0875-6666666" in row, row
