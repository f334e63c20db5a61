"""Where the sync token is kept: the system keyring when one works, else a private file in the data folder.

A token belongs to one data folder: the keyring entry is named by the server URL *and* the folder's device
id, so two data folders of one account on one computer never share (or overwrite) each other's token.
The keyring (Windows Credential Manager, macOS Keychain, Secret Service on Linux desktops) is used through
the optional ``keyring`` package. Headless machines and CI usually have none; then the token goes to
``<home>/sync-token.json`` (inside the data folder itself), readable by its owner only. The server URL
itself is an ordinary setting, checked when typed (:func:`server_address`).

A token, and the server address of ``hoteltv sync --server``, are saved only once the server has accepted
the token (:func:`accepted`, :func:`remember_accepted`), and only by the commands that set up a laptop
(``hoteltv sync``, the sync panel): a one-off ``--token`` given to ``bundle import --server`` is used for
that command alone.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from hoteltv.errors import HoteltvError

SERVICE = "hoteltv-sync"
FILENAME = "sync-token.json"


def _keyring() -> object | None:
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception:
        return None
    if (
        isinstance(backend, fail.Keyring)
        or "fail" in type(backend).__module__
        or "null" in type(backend).__module__
    ):
        return None
    return keyring


def entry_name(server_url: str, device_id: str) -> str:
    """The keyring user name of a data folder's token: the server and the folder's device id."""
    return f"{server_url} device={device_id}"


def _file(home: Path) -> Path:
    return Path(home) / FILENAME


def _read_file(home: Path) -> dict[str, str]:
    try:
        data = json.loads(_file(home).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def load_token(home: Path, server_url: str, device_id: str) -> str | None:
    """The token this data folder (device ``device_id``) saved for ``server_url``, or None.

    A token an earlier release kept in the keyring under the server URL alone is taken over by the first
    data folder that asks (and moved under its own name), so it is never shared again."""
    kr = _keyring()
    if kr is not None:
        with contextlib.suppress(Exception):
            token = kr.get_password(SERVICE, entry_name(server_url, device_id))  # type: ignore[attr-defined]
            if token:
                return str(token)
            legacy = kr.get_password(SERVICE, server_url)  # type: ignore[attr-defined]
            if legacy:
                kr.set_password(SERVICE, entry_name(server_url, device_id), legacy)  # type: ignore[attr-defined]
                kr.delete_password(SERVICE, server_url)  # type: ignore[attr-defined]
                return str(legacy)
    return _read_file(home).get(server_url)


def save_token(home: Path, server_url: str, device_id: str, token: str) -> str:
    """Remember this data folder's token for ``server_url``; returns where it went ("keyring" or the file)."""
    kr = _keyring()
    if kr is not None:
        with contextlib.suppress(Exception):
            kr.set_password(SERVICE, entry_name(server_url, device_id), token)  # type: ignore[attr-defined]
            return "keyring"
    data = _read_file(home)
    data[server_url] = token
    path = _file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    os.replace(tmp, path)
    return str(path)


def server_address(text: str) -> str:
    """The sync server address a user typed, checked, without its trailing ``/``: ``http://`` or
    ``https://``, a host and a valid port. Anything else is refused with a :class:`HoteltvError` naming it
    (nothing is tried, nothing saved)."""
    import httpx

    url = text.strip().rstrip("/")
    refused = (
        f"服务器地址 {text!r} 无效,应形如 https://sync.example.org 或 http://192.168.1.10:8765 "
        f"(not a server address: {text!r}"
    )
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise HoteltvError(f"{refused}; {exc})") from None
    if parsed.scheme not in ("http", "https") or "://" not in text:
        raise HoteltvError(f"{refused}; it must start with http:// or https://)")
    if not parsed.host or not (parsed.port is None or 0 < parsed.port < 65536):
        raise HoteltvError(f"{refused}; no host, or no valid port)")
    return url


def accepted(report: Any) -> bool:
    """Did the server accept the token of the sync ``report`` (a :class:`~hoteltv.sync.client.SyncReport`,
    or None)? It did when it answered who we are; only then are the token and the address kept."""
    return report is not None and bool(getattr(report, "user", ""))


def remember_accepted(home: Path, server_url: str, device_id: str, token: str, report: Any) -> str | None:
    """Save ``token`` when the sync ``report`` shows that the server :func:`accepted` it; a refused token is
    never saved. Returns where it went, or None."""
    if not accepted(report):
        return None
    return save_token(home, server_url, device_id, token)
