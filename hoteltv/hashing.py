"""Canonical JSON and its SHA-256: the one form seals, content hashes, notice hashes, annotation keys and
sync batch keys are taken over.

Canonical means sorted keys, no spaces (``","`` and ``":"``) and non-ASCII text kept as it is (UTF-8),
so the same values always give the same bytes. Stored seals and hashes were made this way: changing any
of it would break every one of them.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(data: Any) -> str:
    """``data`` (JSON values) as canonical JSON text."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def text_sha256(text: str) -> str:
    """The SHA-256 (hex) of ``text`` as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_sha256(data: Any) -> str:
    """The SHA-256 (hex) of ``data``'s canonical JSON."""
    return text_sha256(canonical_json(data))
