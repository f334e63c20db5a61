"""Administrative divisions (counties) as data: lists ship in ``resources/divisions/<name>.json``.

A city file (``baoshan.json``) holds one city and its counties; a province file (``yunnan.json``) holds
every city of the province, each with its counties. A laptop works in one city: ``load_division_file`` takes
a city file, or a province file with the city named. A sync server may serve a whole province:
``load_division_lists`` gives every city of either kind of file. A shipped list is named by its file name
without ``.json`` ("yunnan"), any other file by its path.
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
    """Validate and build a city's division list from parsed JSON; refuse with the precise problem."""
    _check_format(data, source)
    if "cities" in data:
        raise ValidationError(
            f"{source}: 这是全省的区划文件,请同时指定所在的市 (division_city) "
            f"(a province file: name the city, one of {', '.join(_city_names(data))})"
        )
    return _parse_city(data.get("city") or {}, data.get("divisions"), source, "divisions", set())


def parse_division_lists(data: Any, source: str) -> tuple[DivisionList, ...]:
    """Every city of a city file (one) or a province file (``cities``), codes unique across them all."""
    _check_format(data, source)
    if "cities" not in data:
        return (parse_division_data(data, source),)
    cities = data["cities"]
    if not isinstance(cities, list) or not cities:
        raise ValidationError(f"{source}: 'cities' must be a non-empty list")
    seen: set[str] = set()
    out = []
    for i, city in enumerate(cities):
        if not isinstance(city, dict):
            raise ValidationError(f"{source}: cities[{i}] must be an object with code, name and divisions")
        out.append(_parse_city(city, city.get("divisions"), source, f"cities[{i}].divisions", seen))
    return tuple(out)


def _check_format(data: Any, source: str) -> None:
    if not isinstance(data, dict) or data.get("format") != "hoteltv-divisions/1":
        raise ValidationError(f"{source}: not a hoteltv division file (format hoteltv-divisions/1)")


def _city_names(data: dict[str, Any]) -> list[str]:
    cities = data.get("cities")
    return [str(c.get("name", "")) for c in cities if isinstance(c, dict)] if isinstance(cities, list) else []


def _parse_city(city: Any, items: Any, source: str, key: str, seen: set[str]) -> DivisionList:
    problems: list[Problem] = []
    if not isinstance(city, dict):
        raise ValidationError(f"{source}: 'city' must be an object with code, name and short")
    if not isinstance(items, list) or not items:
        raise ValidationError(f"{source}: '{key}' must be a non-empty list")
    out: list[DivisionInfo] = []
    for i, item in enumerate(items):
        where = f"{source}: {key}[{i}]"
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
        aliases = item.get("aliases") or []
        if not isinstance(aliases, list):
            problems.append(Problem(where, "'aliases' must be a list of names", aliases))
            continue
        out.append(DivisionInfo(code, str(item["name"]).strip(), tuple(str(a) for a in aliases)))
    if problems:
        raise ValidationError(f"{source}: invalid division file", problems)
    return DivisionList(
        str(city.get("code", "")), str(city.get("name", "")), str(city.get("short", "市")), tuple(out)
    )


def load_division_file(path: Path | str, city: str = "") -> DivisionList:
    """A laptop's division list: a city file (the shape of resources/divisions/baoshan.json), or one city —
    ``city``, by code or name — of a province file; ``path`` may name a shipped list ("yunnan")."""
    data, source = _read(path)
    if not city:
        return parse_division_data(data, source)
    wanted = fold(city)
    for found in parse_division_lists(data, source):
        if wanted in {fold(found.city_code), fold(found.city_name)}:
            return found
    names = _city_names(data) if isinstance(data, dict) and "cities" in data else []
    raise ValidationError(
        f"{source}: 没有名为 {city!r} 的市 (no city {city!r} in this file"
        + (f"; it has {', '.join(names)})" if names else ")")
    )


def load_division_lists(path: Path | str) -> tuple[DivisionList, ...]:
    """Every city of a division file (city or province), e.g. for a server that serves a province."""
    return parse_division_lists(*_read(path))


def _read(path: Path | str) -> tuple[Any, str]:
    shipped = str(path)
    if shipped.isidentifier() and Path(shipped).suffix == "" and not Path(shipped).exists():
        try:
            return read_json("divisions", f"{shipped}.json"), f"resources/divisions/{shipped}.json"
        except FileNotFoundError as exc:
            raise ValidationError(
                f"{shipped}: 没有这个内置区划 (no shipped division list of that name)"
            ) from exc
    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig")), str(path)  # a BOM from Notepad is fine
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"{path}: cannot read division file: {exc}") from exc


def default_divisions() -> DivisionList:
    """The shipped default: Baoshan (530500)."""
    return parse_division_data(read_json("divisions", "baoshan.json"), "resources/divisions/baoshan.json")
