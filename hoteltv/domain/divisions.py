"""Administrative divisions (counties) as data: a city's list ships in ``resources/divisions/<id>.json``.

Another city or the province loads its own file (``load_division_file``) without touching code.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hoteltv.domain.numerals import fold
from hoteltv.errors import Problem, ValidationError
from hoteltv.resources import read_json

#: Division ids are derived from the official code, so every device gives a division the same id.
DIVISION_NAMESPACE = uuid.UUID("5b0c6f4e-8f52-4a57-9d3e-0d1c3c9a4b21")


def division_id(code: str) -> str:
    return str(uuid.uuid5(DIVISION_NAMESPACE, f"division:{code}"))


@dataclass(frozen=True)
class DivisionInfo:
    """One county-level division with its official code and accepted old names/aliases."""

    code: str
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return division_id(self.code)


@dataclass(frozen=True)
class DivisionList:
    """A city's divisions, with lookup by code, name or alias (腾冲县 → 腾冲市)."""

    city_code: str
    city_name: str
    city_short: str
    divisions: tuple[DivisionInfo, ...]

    def find(self, text: str) -> DivisionInfo | None:
        wanted = fold(text)
        if not wanted:
            return None
        for d in self.divisions:
            if wanted in {fold(d.code), fold(d.name), *(fold(a) for a in d.aliases)}:
                return d
        # "保山市隆阳区" or "云南省保山市腾冲县" also name a division.
        for d in self.divisions:
            for name in (d.name, *d.aliases):
                if len(fold(name)) >= 3 and wanted.endswith(fold(name)):
                    return d
        return None


def parse_division_data(data: Any, source: str) -> DivisionList:
    """Validate and build a division list from parsed JSON; refuse with the precise problem."""
    problems: list[Problem] = []
    if not isinstance(data, dict) or data.get("format") != "hoteltv-divisions/1":
        raise ValidationError(f"{source}: not a hoteltv division file (format hoteltv-divisions/1)")
    city = data.get("city") or {}
    items = data.get("divisions")
    if not isinstance(items, list) or not items:
        raise ValidationError(f"{source}: 'divisions' must be a non-empty list")
    out: list[DivisionInfo] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        where = f"{source}: divisions[{i}]"
        if (
            not isinstance(item, dict)
            or not str(item.get("code", "")).strip()
            or not str(item.get("name", "")).strip()
        ):
            problems.append(Problem(where, "needs a 'code' and a 'name'", item))
            continue
        code = str(item["code"]).strip()
        if code in seen:
            problems.append(Problem(where, "duplicate code", code))
        seen.add(code)
        aliases = tuple(str(a) for a in item.get("aliases", []) or [])
        out.append(DivisionInfo(code, str(item["name"]).strip(), aliases))
    if problems:
        raise ValidationError(f"{source}: invalid division file", problems)
    return DivisionList(
        str(city.get("code", "")), str(city.get("name", "")), str(city.get("short", "市")), tuple(out)
    )


def load_division_file(path: Path) -> DivisionList:
    """Load a division list another city ships (same JSON shape as resources/divisions/baoshan.json)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))  # a BOM from Notepad is fine
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"{path}: cannot read division file: {exc}") from exc
    return parse_division_data(data, str(path))


def default_divisions() -> DivisionList:
    """The shipped default: Baoshan (530500)."""
    return parse_division_data(read_json("divisions", "baoshan.json"), "resources/divisions/baoshan.json")
