"""Program updates through the sync server: publishing installers (HTTP and ``hoteltv release``), the
newest release per platform, downloads checked against their SHA-256, and the notice after a sync."""

from __future__ import annotations

import hashlib
import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from hoteltv.cli import main
from hoteltv.sync.protocol import API_PREFIX
from hoteltv.sync.updates import UpdateError, check_for_update, download_update, is_newer
from tests.sync import test_sync_cli
from tests.sync.conftest import Server

live_server = test_sync_cli.live_server
R = f"{API_PREFIX}/releases"


def publish(server: Server, user: str, data: bytes, **params: str) -> object:
    with server.http(user) as http:
        return http.post(R, params=params, content=data, headers={"Content-Type": "application/octet-stream"})


def stored_files(server: Server, tmp_path: Path) -> list[str]:
    folder = tmp_path / "releases"  # create_app(…, tmp_path / "server-photos") keeps releases beside
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_an_admin_publishes_and_any_user_gets_the_newest_with_its_file(
    server: Server, tmp_path: Path
) -> None:
    setup = b"MZ fake windows installer " * 1000
    r = publish(server, "admin", setup, version="0.2.0", filename="hoteltv-setup-0.2.0.exe", notes="修正打印")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["platform"] == "windows"  # from the .exe name
    assert body["sha256"] == hashlib.sha256(setup).hexdigest() and body["size"] == len(setup)
    assert body["published_by"] == "admin" and body["notes"] == "修正打印"

    with server.http("ly") as http:
        latest = http.get(f"{R}/latest", params={"platform": "windows"})
        assert latest.status_code == 200 and latest.json()["version"] == "0.2.0"
        assert http.get(f"{R}/latest", params={"platform": "linux"}).status_code == 404
        assert http.get(f"{R}/latest", params={"platform": "mac"}).status_code == 422
        file = http.get(f"{R}/{body['id']}/file")
        assert file.status_code == 200 and file.content == setup
        assert file.headers["x-hoteltv-sha256"] == body["sha256"]
        assert "hoteltv-setup-0.2.0.exe" in file.headers["content-disposition"]
        assert http.get(f"{R}/999/file").status_code == 404
    assert stored_files(server, tmp_path) == [body["sha256"]]


def test_only_an_admin_may_publish_and_refusals_store_nothing(server: Server, tmp_path: Path) -> None:
    data = b"\x7fELF not really a deb" * 100
    assert publish(server, "office", data, version="0.2.0", filename="hoteltv.deb").status_code == 403
    assert publish(server, "ly", data, version="0.2.0", filename="hoteltv.deb").status_code == 403
    with server.http("admin") as http:
        anonymous = http.post(
            R, params={"version": "0.2.0", "filename": "x.deb"}, content=data, headers={"Authorization": ""}
        )
    assert anonymous.status_code == 401
    bad = publish(server, "admin", data, version="最新", filename="hoteltv.deb")
    assert bad.status_code == 400 and "版本号无效" in bad.json()["detail"]
    unknown = publish(server, "admin", data, version="0.2.0", filename="hoteltv.tar.gz")
    assert unknown.status_code == 400 and "windows 或 linux" in unknown.json()["detail"]
    empty = publish(server, "admin", b"", version="0.2.0", filename="hoteltv.deb")
    assert empty.status_code == 400 and "为空" in empty.json()["detail"]
    assert stored_files(server, tmp_path) == []
    with server.http("admin") as http:
        assert http.get(R).json() == []

    assert publish(server, "admin", data, version="0.2.0", filename="hoteltv.deb").status_code == 201
    again = publish(server, "admin", data + b"!", version="0.2.0", filename="hoteltv.deb")
    assert again.status_code == 409
    with server.http("admin") as http:
        assert [r["version"] for r in http.get(R).json()] == ["0.2.0"]


def test_the_newest_is_the_highest_version_not_the_last_upload(server: Server) -> None:
    for version in ("0.10.0", "0.9.1", "0.10.0rc1"):
        r = publish(server, "admin", version.encode() * 10, version=version, filename=f"h-{version}.deb")
        assert r.status_code == 201, r.text
    with server.http("tc") as http:
        assert http.get(f"{R}/latest", params={"platform": "linux"}).json()["version"] == "0.10.0"
        assert [r["version"] for r in http.get(R, params={"platform": "linux"}).json()] == [
            "0.10.0",
            "0.10.0rc1",
            "0.9.1",
        ]


def test_a_laptop_learns_of_a_newer_version_and_downloads_it_checked(server: Server, tmp_path: Path) -> None:
    setup = b"installer bytes " * 5000
    body = publish(server, "admin", setup, version="0.3.0", filename="hoteltv-setup-0.3.0.exe").json()
    with server.http("ly") as http:
        assert check_for_update(http, platform="windows", current="0.3.0") is None
        assert check_for_update(http, platform="linux", current="0.1.0") is None  # nothing for Linux
        info = check_for_update(http, platform="windows", current="0.1.0")
        assert info is not None and info.version == "0.3.0" and info.sha256 == body["sha256"]
        seen: list[int] = []
        path = download_update(
            http, info, tmp_path / "下载", progress=lambda done, total, _t: seen.append(done)
        )
        assert path == tmp_path / "下载" / "hoteltv-setup-0.3.0.exe" and path.read_bytes() == setup
        assert seen and seen[-1] == len(setup)

        # The file on the server changed (disk fault, tampering): the download is refused and not kept.
        (tmp_path / "releases" / body["sha256"]).write_bytes(setup[:-1] + b"X")
        with pytest.raises(UpdateError, match="校验不符"):
            download_update(http, info, tmp_path / "again")
        assert list((tmp_path / "again").iterdir()) == []


def test_versions_compare_as_versions() -> None:
    assert is_newer("0.10.0", "0.9.9") and not is_newer("0.2.0", "0.2.0")
    assert not is_newer("0.2.0rc1", "0.2.0") and not is_newer("nonsense", "0.1.0")


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        rc = main(list(argv))
    return rc, out.getvalue()


def test_release_commands_and_the_notice_after_a_sync(live_server, tmp_path: Path, monkeypatch) -> None:
    url, data, _app = live_server
    srv = ["--home", str(tmp_path / "x"), "--data", str(data)]
    installer = tmp_path / "hoteltv_9.0.0_amd64.deb"
    installer.write_bytes(b"debian package " * 300)

    rc, _ = run(*srv[:2], "release", "publish", str(installer), "--version", "九", *srv[2:])
    assert rc == 1
    rc, listing = run(*srv[:2], "release", "list", "--json", *srv[2:])
    assert rc == 0 and json.loads(listing) == []
    assert not (data / "releases").exists() or list((data / "releases").iterdir()) == []

    rc, out = run(
        *srv[:2], "release", "publish", str(installer), "--version", "9.0.0", "--notes", "新功能", *srv[2:]
    )
    assert rc == 0 and hashlib.sha256(installer.read_bytes()).hexdigest() in out
    rc, listing = run(*srv[:2], "release", "list", "--json", *srv[2:])
    assert [(r["platform"], r["version"], r["notes"]) for r in json.loads(listing)] == [
        ("linux", "9.0.0", "新功能")
    ]

    assert (
        run(*srv[:2], "users", "add", "ly", "--role", "inspector", "--division", "隆阳区", *srv[2:])[0] == 0
    )
    token = run(*srv[:2], "tokens", "issue", "ly", *srv[2:])[1].strip()
    monkeypatch.setattr("hoteltv.sync.updates.this_platform", lambda: "linux")
    home = ["--home", str(tmp_path / "laptop")]
    rc, out = run(*home, "sync", "--server", url, "--token", token)
    assert rc == 0 and "新版本可用" in out and "9.0.0" in out
    rc, out = run(*home, "sync", "--json")
    assert rc == 0 and json.loads(out)["update"]["version"] == "9.0.0"
    rc, out = run(*home, "release", "download", "--to", str(tmp_path / "dl"))
    assert rc == 0 and (tmp_path / "dl" / installer.name).read_bytes() == installer.read_bytes()
