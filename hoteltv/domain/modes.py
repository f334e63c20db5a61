"""The TV modes a hotel can reach (DOMAIN.md), loaded from ``resources/modes.json``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from hoteltv.domain.numerals import fold
from hoteltv.resources import read_json


@dataclass(frozen=True)
class TvMode:
    """One TV mode: stable key, Chinese and English labels, and the report group it is counted in."""

    key: str
    zh: str
    en: str
    report_group: str

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang.startswith("zh") else self.en


@dataclass(frozen=True)
class ReportGroup:
    """A group of modes that the bureau's report sentence counts together."""

    key: str
    phrase_zh: str
    omit_when_zero: bool


@dataclass(frozen=True)
class ModeCatalog:
    """All modes and report groups, with lookup by key or by any label."""

    modes: tuple[TvMode, ...]
    groups: tuple[ReportGroup, ...]
    sentence_zh: str

    def get(self, key: str) -> TvMode:
        for mode in self.modes:
            if mode.key == key:
                return mode
        raise KeyError(key)

    def keys(self) -> list[str]:
        return [m.key for m in self.modes]

    def find(self, text: str) -> TvMode | None:
        """Match a key or a Chinese/English label, ignoring spaces and case (as typed in spreadsheets)."""
        wanted = fold(text)
        if not wanted:
            return None
        for mode in self.modes:
            if wanted in (fold(mode.key), fold(mode.zh), fold(mode.en)):
                return mode
        # Offices shorten labels: "开机进直播", "移动OTT", "自建" … (but "模式" alone names nothing)
        if len(wanted.removesuffix("模式")) < 2:
            return None
        for mode in self.modes:
            zh = fold(mode.zh)
            if mode.key != "none" and (wanted in zh or zh.removesuffix("模式") == wanted):
                return mode
        return None


@cache
def mode_catalog() -> ModeCatalog:
    """The shipped catalog of TV modes."""
    data = read_json("modes.json")
    modes = tuple(TvMode(m["key"], m["zh"], m["en"], m["report_group"]) for m in data["modes"])
    groups = tuple(
        ReportGroup(g["key"], g["phrase_zh"], bool(g.get("omit_when_zero", False)))
        for g in data["report_groups"]
    )
    return ModeCatalog(modes, groups, data["sentence_zh"])
