"""The one accessor for files shipped in ``resources/`` (templates, divisions, modes, fonts, translations)."""

from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any


def resource(*parts: str) -> Traversable:
    """Return the shipped resource at ``resources/<parts...>`` (it may not exist; check ``is_file()``)."""
    node: Traversable = resources.files("resources")
    for part in parts:
        node = node / part
    return node


def read_json(*parts: str) -> Any:
    """Load a shipped JSON resource."""
    return json.loads(resource(*parts).read_text(encoding="utf-8"))


def font_path() -> str:
    """File system path of the bundled CJK TrueType font (WenQuanYi Micro Hei, Apache-2.0)."""
    node = resource("fonts", "wqy-microhei.ttc")
    with resources.as_file(node) as path:
        return str(path)
