"""The sync client's trust: the system's certificate store (``truststore``) plus a CA file the user gives.

A real HTTPS server on 127.0.0.1 with a certificate from a CA made here (``trustme``), as a bureau's
internal CA would be: refused without that CA, accepted with ``--cafile`` (and then remembered)."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import trustme

from hoteltv.cli import main
from hoteltv.config import Settings
from hoteltv.errors import HoteltvError
from hoteltv.sync.client import tls_context


class _Refusing(BaseHTTPRequestHandler):
    """Answers every request with 401 (enough to prove the TLS handshake went through)."""

    def do_GET(self) -> None:
        body = json.dumps({"detail": "bad token"}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA(organization_name="某市政务 CA (test)")


@pytest.fixture
def https_url(ca: trustme.CA) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "单位 CA 证书.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def test_the_system_store_alone_refuses_an_unknown_ca(https_url: str) -> None:
    with httpx.Client(verify=tls_context()) as client, pytest.raises(httpx.ConnectError, match="CERTIFICATE"):
        client.get(https_url)


def test_a_ca_file_is_trusted_besides_the_system_store(https_url: str, ca_file: Path) -> None:
    with httpx.Client(verify=tls_context(ca_file)) as client:
        assert client.get(https_url).status_code == 401


def test_an_unreadable_ca_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-cert.pem"
    bad.write_text("hello", encoding="utf-8")
    with pytest.raises(HoteltvError, match="CA 证书文件无法读取"):
        tls_context(bad)
    with pytest.raises(HoteltvError, match="CA 证书文件无法读取"):
        tls_context(tmp_path / "missing.pem")


def test_cli_sync_refuses_then_accepts_with_cafile(
    https_url: str, ca_file: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--home", str(home), "sync", "--server", https_url, "--token", "t0k"]
    assert main(base) == 1
    err = capsys.readouterr().err
    assert "证书不受信任" in err and "--cafile" in err and "已重试" not in err  # no pointless retries
    assert main([*base, "--cafile", str(ca_file)]) == 1
    err = capsys.readouterr().err
    assert "令牌无效" in err and "证书" not in err  # through TLS; the (fake) server refused the token
    assert Settings(home).get("sync_cafile") == str(ca_file.resolve())
    assert main(base) == 1  # the remembered CA file is used
    assert "令牌无效" in capsys.readouterr().err


def test_cli_refuses_a_bad_cafile_without_remembering_it(
    https_url: str, home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("x", encoding="utf-8")
    assert (
        main(["--home", str(home), "sync", "--server", https_url, "--token", "t", "--cafile", str(bad)]) == 1
    )
    assert "CA 证书文件无法读取" in capsys.readouterr().err
    assert Settings(home).get("sync_cafile") == ""
