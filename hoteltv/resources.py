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


def resource_path(*parts: str) -> str:
    """File system path of the shipped resource at ``resources/<parts...>`` (a plain file in a checkout,
    an installed package and the frozen build)."""
    with resources.as_file(resource(*parts)) as path:
        return str(path)


def font_path() -> str:
    """File system path of the bundled CJK TrueType font (WenQuanYi Micro Hei, Apache-2.0)."""
    return resource_path("fonts", "wqy-microhei.ttc")


#: The bundled fallback fonts for characters Micro Hei lacks (CJK extensions A–F; Hanazono Mincho).
FALLBACK_FONT_FILES = ("HanaMinA.ttf", "HanaMinB.ttf")


def fallback_font_paths() -> list[str]:
    """File system paths of the bundled fallback fonts, in lookup order."""
    return [resource_path("fonts", name) for name in FALLBACK_FONT_FILES]
