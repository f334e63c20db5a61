"""The whole core in a data folder named as a Chinese Windows user's folder would be: Chinese characters, a
space, ``%20`` and ``#`` (``检查员 的数据%20#1``). Database URLs and Alembic once escaped such paths (every
Windows path, ``C:\\``, too) and nothing opened; here each command a user runs goes through such a folder,
for the data, for the files it reads and for the files it writes."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from hoteltv.cli import main
from hoteltv.db.engine import DB_FILENAME, Database, sqlite_url
from hoteltv.services import inspections as insp_service
from hoteltv.sync.server.app import create_app
from tests.conftest import AWKWARD_FOLDER
from tests.core.photo_fixtures import jpeg
from tests.sync.helpers import make_hotel, make_inspection, serving, team

ROOT = Path(__file__).resolve().parents[2]
ODD = "检查员 的数据%20#1"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        rc = main(list(argv))
    return rc, out.getvalue()


def ok(*argv: str) -> str:
    rc, out = run(*argv)
    assert rc == 0, (argv, out)
    return out


@pytest.fixture
def odd(tmp_path: Path) -> Path:
    """A folder whose name holds everything that broke URL-built paths."""
    path = tmp_path / ODD
    path.mkdir()
    return path


def test_the_whole_suite_runs_under_an_awkward_folder(tmp_path: Path) -> None:
    """tests/conftest.py puts every test's folders (and the program's temporary files) under one."""
    assert AWKWARD_FOLDER in str(tmp_path) and AWKWARD_FOLDER in tempfile.gettempdir()


def test_sqlite_url_is_the_file_itself(odd: Path) -> None:
    for name in ("a%20b.db", "c#d.db", "百分比%.db", "x?y.db"):
        path = odd / name
        db = Database.open_file(path)
        db.close()
        assert path.is_file(), name
        with sqlite3.connect(path) as conn:  # the very file, not a decoded neighbour
            assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
    assert sorted(p.name for p in odd.iterdir() if p.suffix == ".db") == sorted(
        ["a%20b.db", "c#d.db", "百分比%.db", "x?y.db"]
    )
    windows = sqlite_url(Path("C:\\Users\\张三\\AppData\\Local\\hoteltv\\hoteltv.db"))
    assert windows.database == "C:\\Users\\张三\\AppData\\Local\\hoteltv\\hoteltv.db"


def test_init_in_a_fresh_process(odd: Path) -> None:
    """The command exactly as the bug report ran it, in its own process (its own start-up path)."""
    home = odd / "home"
    done = subprocess.run(
        [sys.executable, "-m", "hoteltv.cli", "--home", str(home), "init"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (home / DB_FILENAME).is_file()
    assert "内部错误" not in done.stderr


def test_upgrade_of_an_old_database_in_an_odd_folder(odd: Path) -> None:
    """An upgrade migrates in place and writes its backup copy beside it, both in the odd folder."""
    fixture = ROOT / "tests" / "fixtures" / "schema_0001.db"
    home = odd / "old"
    home.mkdir()
    (home / DB_FILENAME).write_bytes(fixture.read_bytes())
    db = Database.open(home)
    db.close()
    assert list((home / "backups").glob("hoteltv-before-*.db"))


def test_every_command_in_an_odd_folder(odd: Path) -> None:
    home = str(odd / "数据")
    ok("--home", home, "init")
    ok("--home", home, "demo")
    assert "35家" in ok("--home", home, "summary")

    # Spreadsheets out and back in, through folders with the same kind of name.
    sheet = odd / "导出 表格%20#2.xlsx"
    ok("--home", home, "hotels", "export", str(sheet))
    assert sheet.is_file()
    out = ok("--home", home, "hotels", "import", str(sheet), "--json")
    assert json.loads(out)

    final = json.loads(ok("--home", home, "inspections", "list", "--json"))[0]
    db = Database.open(Path(home))
    draft = {"id": insp_service.start_inspection(db, final["hotel_id"], team(db)).id}
    db.close()
    inspections = json.loads(ok("--home", home, "inspections", "list", "--json"))

    # Photos from a folder like a phone's copy on the desktop.
    photos = odd / "照片 #3"
    photos.mkdir()
    jpeg(photos / "客房 101%.jpg")
    ok("--home", home, "photos", "add", draft["id"], str(photos / "客房 101%.jpg"), "--caption", "开机画面")
    listed = json.loads(ok("--home", home, "photos", "list", draft["id"], "--json"))
    assert [p["caption"] for p in listed] == ["开机画面"]

    # Printed documents into the odd folder.
    pdf = odd / "检查记录 %20#.pdf"
    ok("--home", home, "print", "sheet", final["id"], "-o", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    inspections_json = odd / "记录 导出#.json"
    ok("--home", home, "inspections", "export", str(inspections_json))
    assert inspections_json.is_file()

    # Backup and restore, the archive in the odd folder too.
    archive = odd / "备份 %20#1.zip"
    ok("--home", home, "backup", str(archive))
    ok("--home", home, "restore", str(archive), "--check")
    ok("--home", home, "restore", str(archive), "--force")
    ok("--home", home, "check")
    assert json.loads(ok("--home", home, "inspections", "list", "--json")) == inspections

    # A bundle written by one odd folder and read by another (not by the demo folder: it refuses).
    stick = odd / "U盘 %20#.zip"
    assert run("--home", home, "bundle", "export", str(stick))[0] == 1 and not stick.exists()
    field = odd / "外业 电脑#2"
    ok("--home", str(field), "init")
    db = Database.open(field)
    make_inspection(db, make_hotel(db, "U盘 酒店"), photos=1, folder=odd / "照片 #3")
    db.close()
    ok("--home", str(field), "bundle", "export", str(stick))
    other = str(odd / "另一台 电脑%")
    ok("--home", other, "init")
    assert "照片 1 张" in ok("--home", other, "bundle", "import", str(stick))


@pytest.fixture
def odd_server(odd: Path) -> Iterator[tuple[str, Path, Any]]:
    """A real server on loopback whose database and photos live in an odd folder."""
    data = odd / "服务器 数据%20#"
    data.mkdir()
    app = create_app(sqlite_url(data / "server.db").render_as_string(hide_password=False), data / "photos")
    with serving(app) as url:
        yield url, data, app


def test_sync_with_a_server_in_an_odd_folder(odd_server: tuple[str, Path, Any], odd: Path) -> None:
    url, data, _app = odd_server
    admin_home = str(odd / "管理员 %")
    srv = ["--data", str(data)]
    ok("--home", admin_home, "users", "add", "boss", "--role", "office", *srv)
    token = ok("--home", admin_home, "tokens", "issue", "boss", *srv).strip()
    assert (data / "server.db").is_file() and not any(p.name.startswith("server.db") for p in odd.iterdir())

    a, b = str(odd / "甲 笔记本%20#"), str(odd / "乙 笔记本#%")
    ok("--home", a, "init")
    db = Database.open(Path(a))
    make_inspection(db, make_hotel(db, "百分号%酒店"), photos=2, folder=odd / "照片 %#")
    db.close()
    ok("--home", a, "sync", "--server", url, "--token", token)
    ok("--home", b, "sync", "--server", url, "--token", token)
    got = json.loads(ok("--home", b, "inspections", "list", "--json"))
    assert [i["id"] for i in got] == [
        i["id"] for i in json.loads(ok("--home", a, "inspections", "list", "--json"))
    ]
    assert len(got) == 1
    assert list((data / "photos").rglob("*")), "the photos arrived in the server's odd folder"
