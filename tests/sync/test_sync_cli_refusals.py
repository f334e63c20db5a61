"""``hoteltv sync`` as a clerk or an inspector meets it: refused changes listed and dropped, a distinct exit
code when some were refused, ``--json`` on failure too, and tokens kept per data folder and saved only
once the server accepted them (issue 13, items 3 and 4)."""

from __future__ import annotations

import json
from pathlib import Path

from hoteltv.db.engine import Database
from hoteltv.sync import credentials
from hoteltv.sync.cli import EXIT_SOME_REFUSED
from tests.sync.helpers import make_hotel
from tests.sync.test_sync_cli import live_server, run  # noqa: F401 - the fixture is used by name


def _users(home: Path, data: Path) -> dict[str, str]:
    srv = ["--data", str(data)]
    run("--home", str(home), "users", "add", "office", "--role", "office", *srv)
    run("--home", str(home), "users", "add", "ly", "--role", "inspector", "--division", "隆阳区", *srv)
    return {
        name: run("--home", str(home), "tokens", "issue", name, *srv)[1].strip() for name in ("office", "ly")
    }


def test_refused_changes_are_listed_dropped_and_exit_distinctly(live_server, tmp_path: Path) -> None:  # noqa: F811
    url, data, _app = live_server
    tokens = _users(tmp_path / "x", data)
    b = tmp_path / "b"
    assert run("--home", str(b), "init")[0] == 0
    db = Database.open(b)
    mine = make_hotel(db, "隆阳宾馆", division="隆阳区")
    theirs = make_hotel(db, "腾冲宾馆", division="腾冲市")
    db.close()
    rc, out = run("--home", str(b), "sync", "--server", url, "--token", tokens["ly"], "--json")
    result = json.loads(out)
    assert rc == EXIT_SOME_REFUSED == result["exit_code"] and result["ok"] and result["failed"] == 1
    assert [o["id"] for o in result["outcomes"] if o["state"] == "failed"] == [theirs]
    rc, out = run("--home", str(b), "sync")
    assert rc == EXIT_SOME_REFUSED and "--refused" in out  # still queued, sent again, refused again
    rc, out = run("--home", str(b), "sync", "--refused")
    assert rc == 0 and "腾冲宾馆" in out and "超出权限范围" in out and "隆阳宾馆" not in out
    rc, out = run("--home", str(b), "sync", "--refused", "--json")
    listed = json.loads(out)["refused"]
    assert [(c["id"], c["entity"]) for c in listed] == [(theirs, "hotels")] and listed[0]["reason"]
    rc, _ = run("--home", str(b), "sync", "--drop", "no-such-id")
    assert rc == 1
    rc, out = run("--home", str(b), "sync", "--drop", theirs[:8])
    assert rc == 0 and "腾冲宾馆" in out
    rc, out = run("--home", str(b), "sync", "--json")
    result = json.loads(out)
    assert rc == 0 and result["ok"] and result["check_ok"] and result["pushed"] == 0, result
    assert json.loads(run("--home", str(b), "sync", "--refused", "--json")[1])["refused"] == []
    db = Database.open(b)  # the record stays here as it was
    from hoteltv.services import hotels as hotel_service

    assert hotel_service.get_hotel(db, theirs).name == "腾冲宾馆"
    assert hotel_service.get_hotel(db, mine).name == "隆阳宾馆"
    db.close()


def test_json_is_printed_on_failure_too(live_server, tmp_path: Path) -> None:  # noqa: F811
    url, _data, _app = live_server
    a = tmp_path / "a"
    assert run("--home", str(a), "init")[0] == 0
    rc, out = run("--home", str(a), "sync", "--json")  # no server given at all
    assert rc == 1 and json.loads(out)["ok"] is False and "--server" in json.loads(out)["message"]
    rc, out = run("--home", str(a), "sync", "--server", url, "--token", "htv_wrong", "--json")
    result = json.loads(out)
    assert rc == 1 and result["ok"] is False and "令牌" in result["message"]


def test_tokens_are_kept_per_folder_and_only_when_accepted(live_server, tmp_path: Path) -> None:  # noqa: F811
    url, data, _app = live_server
    tokens = _users(tmp_path / "x", data)
    a = tmp_path / "a"
    assert run("--home", str(a), "init")[0] == 0
    token_file = a / credentials.FILENAME
    rc, _ = run("--home", str(a), "sync", "--server", url, "--token", "htv_refused")
    assert rc == 1 and not token_file.exists()  # refused by the server: not saved
    rc, _ = run("--home", str(a), "sync", "--server", url, "--token", tokens["office"])
    assert rc == 0 and json.loads(token_file.read_text())[url] == tokens["office"]
    # A bundle forwarded once with another account's token leaves the saved token alone.
    other = tmp_path / "other"
    assert run("--home", str(other), "init")[0] == 0
    db = Database.open(other)
    make_hotel(db, "转交酒店", division="隆阳区")
    db.close()
    stick = tmp_path / "stick.zip"
    assert run("--home", str(other), "bundle", "export", str(stick))[0] == 0
    rc, out = run("--home", str(a), "bundle", "import", str(stick), "--server", url, "--token", tokens["ly"])
    assert rc == 0, out
    assert json.loads(token_file.read_text())[url] == tokens["office"]
    assert run("--home", str(a), "sync")[0] == 0  # still the office account's own token


class _FakeKeyring:
    def __init__(self) -> None:
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, name: str) -> str | None:
        return self.store.get((service, name))

    def set_password(self, service: str, name: str, value: str) -> None:
        self.store[(service, name)] = value

    def delete_password(self, service: str, name: str) -> None:
        del self.store[(service, name)]


def test_keyring_entries_name_the_data_folders_device(monkeypatch, tmp_path: Path) -> None:
    ring = _FakeKeyring()
    monkeypatch.setattr(credentials, "_keyring", lambda: ring)
    url = "https://sync.example.org"
    ring.set_password(credentials.SERVICE, url, "htv_old")  # kept by an earlier release, by URL alone
    assert credentials.load_token(tmp_path / "one", url, "dev-one") == "htv_old"  # taken over by one folder
    assert credentials.load_token(tmp_path / "two", url, "dev-two") is None  # and no longer shared
    credentials.save_token(tmp_path / "two", url, "dev-two", "htv_two")
    credentials.save_token(tmp_path / "one", url, "dev-one", "htv_one")
    assert credentials.load_token(tmp_path / "two", url, "dev-two") == "htv_two"
    assert credentials.load_token(tmp_path / "one", url, "dev-one") == "htv_one"
    assert {name for _service, name in ring.store} == {
        credentials.entry_name(url, "dev-one"),
        credentials.entry_name(url, "dev-two"),
    }
    assert credentials.remember_accepted(tmp_path / "one", url, "dev-one", "htv_bad", None) is None
    assert credentials.load_token(tmp_path / "one", url, "dev-one") == "htv_one"
