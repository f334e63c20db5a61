"""A server for a whole province: its counties loaded from the shipped Yunnan list, accounts named by any
county of it, and a laptop of another city (Kunming) syncing with it."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path

import httpx
from sqlalchemy import func, select

from hoteltv.cli import main
from hoteltv.config import Settings
from hoteltv.db.engine import Database, sqlite_url
from hoteltv.domain.divisions import division_id, load_division_lists
from hoteltv.services import hotels as hotel_service
from hoteltv.services.setup import division_list
from hoteltv.sync.protocol import API_PREFIX
from hoteltv.sync.server.app import create_app
from hoteltv.sync.server.models import Record, User
from hoteltv.sync.server.store import ServerDB
from tests.sync.helpers import serving


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        rc = main(list(argv))
    return rc, out.getvalue()


def _division_count(db: ServerDB) -> int:
    with db.read() as s:
        return int(
            s.scalar(select(func.count()).select_from(Record).where(Record.entity == "divisions")) or 0
        )


def test_a_province_server_keeps_its_counties_and_a_new_one_starts_with_baoshan(tmp_path: Path) -> None:
    province = sqlite_url(tmp_path / "province.db").render_as_string(hide_password=False)
    db = ServerDB(province, load_division_lists("yunnan"))
    assert _division_count(db) == 129
    db.close()
    again = ServerDB(province)  # a worker, or a restart without --divisions: nothing added, nothing lost
    assert _division_count(again) == 129
    again.close()
    city = ServerDB(sqlite_url(tmp_path / "city.db").render_as_string(hide_password=False))
    assert _division_count(city) == 5
    city.close()


def test_accounts_name_any_county_of_the_province_and_only_those(tmp_path: Path) -> None:
    data = tmp_path / "srv"
    data.mkdir()
    ServerDB(
        sqlite_url(data / "server.db").render_as_string(hide_password=False), load_division_lists("yunnan")
    ).close()
    home, srv = ["--home", str(tmp_path / "admin")], ["--data", str(data)]
    assert run(*home, "users", "add", "li", "--role", "inspector", "--division", "五华区", *srv)[0] == 0
    assert (
        run(*home, "users", "add", "zhao", "--role", "inspector", "--division", "云南省大理州大理市", *srv)[0]
        == 0
    )
    rc, listing = run(*home, "users", "list", *srv)
    assert rc == 0 and "530102" in listing and "532901" in listing
    assert run(*home, "users", "add", "x", "--role", "inspector", "--division", "朝阳区", *srv)[0] == 1
    assert run(*home, "users", "add", "y", "--role", "inspector", "--division", "110105", *srv)[0] == 1
    db = ServerDB(sqlite_url(data / "server.db").render_as_string(hide_password=False))
    with db.read() as s:
        assert sorted(s.scalars(select(User.name))) == ["li", "zhao"]  # the refused ones left nothing
    db.close()


def test_the_admin_api_refuses_a_county_the_server_does_not_have(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "server.db").render_as_string(hide_password=False)
    app = create_app(url, tmp_path / "photos")  # Baoshan only
    rc, _ = run(
        "--home", str(tmp_path / "a"), "users", "add", "boss", "--role", "admin", "--data", str(tmp_path)
    )
    with serving(app) as base:
        token = run("--home", str(tmp_path / "a"), "tokens", "issue", "boss", "--data", str(tmp_path))[
            1
        ].strip()
        auth = {"Authorization": f"Bearer {token}"}
        body = {"name": "wang", "role": "inspector", "divisions": ["530102"]}
        answer = httpx.post(f"{base}{API_PREFIX}/users", json=body, headers=auth)
        assert answer.status_code == 400 and "530102" in answer.text
        users = httpx.get(f"{base}{API_PREFIX}/users", headers=auth).json()
        assert [u["name"] for u in users] == ["boss"]


def test_a_kunming_laptop_syncs_its_hotels_with_the_province_server(tmp_path: Path) -> None:
    data = tmp_path / "srv"
    data.mkdir()
    url = sqlite_url(data / "server.db").render_as_string(hide_password=False)
    ServerDB(url, load_division_lists("yunnan")).close()
    home, srv = ["--home", str(tmp_path / "admin")], ["--data", str(data)]
    assert run(*home, "users", "add", "li", "--role", "inspector", "--division", "五华区", *srv)[0] == 0
    token = run(*home, "tokens", "issue", "li", *srv)[1].strip()

    laptop = tmp_path / "昆明 笔记本"
    settings = Settings(laptop)
    settings.set("division_file", "yunnan")
    settings.set("division_city", "昆明市")
    assert run("--home", str(laptop), "init")[0] == 0
    db = Database.open(laptop)
    hotel = hotel_service.create_hotel(
        db,
        hotel_service.HotelInput(name="翠湖宾馆", division_code="五华区", pilot=True),
        division_list(settings),
    )
    db.close()

    app = create_app(url, data / "photos")
    with serving(app) as base:
        rc, out = run("--home", str(laptop), "sync", "--server", base, "--token", token)
        assert rc == 0, out
    server = ServerDB(url)
    with server.read() as s:
        row = s.get(Record, ("hotels", hotel.id))
        assert row is not None and row.division_id == division_id("530102")
    server.close()


def test_serve_refuses_an_unknown_division_list_before_starting(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    rc = main(
        ["--home", str(tmp_path / "h"), "serve", "--divisions", "sichuan", "--data", str(tmp_path / "srv")]
    )
    assert rc == 1 and "sichuan" in capsys.readouterr().err
    assert not (tmp_path / "srv" / "server.db").exists()
