"""Where the sync token is kept: the system keyring when one works, else a private file in the data folder.

The keyring (Windows Credential Manager, macOS Keychain, Secret Service on Linux desktops) is used through
the optional ``keyring`` package. Headless machines and CI usually have none; then the token goes to
``<home>/sync-token.json``, readable by its owner only. The server URL itself is an ordinary setting.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

SERVICE = "hoteltv-sync"
FILENAME = "sync-token.json"


def _keyring() -> object | None:
    try:
        import keyring
        from keyring.backends import fail
    except Exception:
        return None
    try:
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


def _file(home: Path) -> Path:
    return Path(home) / FILENAME


def _read_file(home: Path) -> dict[str, str]:
    try:
        data = json.loads(_file(home).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def load_token(home: Path, server_url: str) -> str | None:
    kr = _keyring()
    if kr is not None:
        with contextlib.suppress(Exception):
            token = kr.get_password(SERVICE, server_url)  # type: ignore[attr-defined]
            if token:
                return str(token)
    return _read_file(home).get(server_url)


def save_token(home: Path, server_url: str, token: str) -> str:
    """Remember the token for ``server_url``; returns where it went ("keyring" or the file path)."""
    kr = _keyring()
    if kr is not None:
        try:
            kr.set_password(SERVICE, server_url, token)  # type: ignore[attr-defined]
            return "keyring"
        except Exception:
            pass
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
