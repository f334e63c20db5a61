"""Canonical JSON (sorted keys, no spaces, non-ASCII kept as UTF-8) and its SHA-256: what seals, content
and notice hashes, annotation keys and sync batch keys are taken over. Stored hashes were made this way:
any change here breaks them all."""

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
