"""Checklist templates as data: typed items, a strict loader, and normalisation of one answer value.

A template is a versioned JSON file, ``resources/templates/<id>_v<version>.json`` (the shape is described
in ``docs/checklist-template.md``). Every threshold lives in the file, never in code, so a bureau writes
a new template (or a new version of one) without touching Python. An inspection stores the template id
and version it was made with; :func:`load_template` gives that exact version back, unchanged.

Answer values, as stored and passed around: ``yes_no`` → ``"yes" | "no" | "na"``; ``seconds`` → int or
float; ``count`` → int; ``choice`` → the choice key; ``text`` → str; unanswered → ``None``.
:func:`coerce_answer` turns what a person typed or a spreadsheet held into those values.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal, cast

from hoteltv.domain.numerals import COUNT_UNITS, NumeralError, fold, parse_number, parse_yes_no, to_number
from hoteltv.errors import Problem, TemplateError, ValidationError
from hoteltv.resources import read_json, resource

TEMPLATE_FORMAT = "hoteltv-checklist/1"

AnswerType = Literal["yes_no", "seconds", "count", "choice", "text"]
Scope = Literal["hotel", "room"]
Severity = Literal["critical", "minor"]
AnswerValue = str | int | float | None

ANSWER_TYPES: tuple[AnswerType, ...] = ("yes_no", "seconds", "count", "choice", "text")
SCOPES: tuple[Scope, ...] = ("hotel", "room")
SEVERITIES: tuple[Severity, ...] = ("critical", "minor")
YES_NO_VALUES = ("yes", "no", "na")

#: Largest value accepted as a measurement; anything above is a typing mistake, not an observation.
MAX_SECONDS = 3600
MAX_COUNT = 999

_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")


# --------------------------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Text:
    """A bilingual string from a template."""

    zh: str
    en: str

    def get(self, lang: str = "zh") -> str:
        return self.zh if lang.startswith("zh") else self.en


@dataclass(frozen=True)
class Choice:
    """One option of a ``choice`` item: the stored key and its labels."""

    key: str
    zh: str
    en: str

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang.startswith("zh") else self.en


@dataclass(frozen=True)
class Source:
    """A document a template's rules come from (cited on notices and reports)."""

    key: str
    zh: str
    en: str


@dataclass(frozen=True)
class PassRule:
    """When an answer passes: it is one of ``allowed`` (yes_no/choice), or within ``minimum..maximum``
    inclusive (seconds/count)."""

    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None

    def check(self, value: str | int | float) -> bool:
        if self.allowed is not None:
            return value in self.allowed
        if isinstance(value, str):
            return False
        if self.minimum is not None and value < self.minimum:
            return False
        return not (self.maximum is not None and value > self.maximum)


@dataclass(frozen=True)
class AppliesWhen:
    """An item applies only when the hotel-level item ``hotel_item`` has one of ``values``."""

    hotel_item: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ChecklistItem:
    """One question of a checklist, with its answer type and (unless informational) its pass rule."""

    key: str
    scope: Scope
    label: Text
    answer_type: AnswerType
    required: bool = True
    na_allowed: bool = False
    choices: tuple[Choice, ...] = ()
    rule: PassRule | None = None
    severity: Severity | None = None
    rule_text: Text | None = None
    photo_on_fail: bool = False
    applies_when: AppliesWhen | None = None
    help: Text | None = None
    sources: tuple[str, ...] = ()
    unit: Text | None = None

    @property
    def informational(self) -> bool:
        """True when the item is recorded but never passes or fails."""
        return self.rule is None

    def choice(self, key: str) -> Choice:
        for c in self.choices:
            if c.key == key:
                return c
        raise KeyError(key)


@dataclass(frozen=True)
class Wording:
    """How the forms and papers name the template's subject; a template that says nothing gets the
    hotel-TV wording the format was first shipped with."""

    site_section: Text = Text("酒店电视系统情况", "The hotel's TV system")
    room_section: Text = Text("抽查客房检查情况", "Sampled rooms")
    site: Text = Text("酒店", "Hotel")
    inspected: Text = Text("客房电视系统", "guest-room TV system")
    #: The general legal basis a notice under this template cites (None: the bureau's setting).
    legal_basis: Text | None = None


WORDING_KEYS = ("site_section", "room_section", "site", "inspected", "legal_basis")


@dataclass(frozen=True)
class ChecklistTemplate:
    """A versioned checklist: items in display order, the minimum room sample, and the cited sources."""

    id: str
    version: int
    title: Text
    sources: tuple[Source, ...]
    min_rooms: int
    items: tuple[ChecklistItem, ...]
    wording: Wording = Wording()
    site_status: bool = True
    """Whether a result under this template updates the site's remediation status (the hotel-TV campaign)."""
    _index: dict[str, ChecklistItem] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {item.key: item for item in self.items})

    def item(self, key: str) -> ChecklistItem:
        """The item with this key (``KeyError`` if the template has none)."""
        return self._index[key]

    def has_item(self, key: str) -> bool:
        return key in self._index

    @property
    def hotel_items(self) -> tuple[ChecklistItem, ...]:
        return tuple(i for i in self.items if i.scope == "hotel")

    @property
    def room_items(self) -> tuple[ChecklistItem, ...]:
        return tuple(i for i in self.items if i.scope == "room")

    def source(self, key: str) -> Source:
        for s in self.sources:
            if s.key == key:
                return s
        raise KeyError(key)


# --------------------------------------------------------------------------------------------- loading


def _template_filename(template_id: str, version: int) -> str:
    return f"{template_id}_v{version}.json"


@cache
def load_template(template_id: str, version: int) -> ChecklistTemplate:
    """The shipped template ``resources/templates/<template_id>_v<version>.json``, validated (cached)."""
    if not isinstance(template_id, str) or not _KEY_RE.match(template_id):
        raise TemplateError(f"invalid checklist template id {template_id!r}")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise TemplateError(f"invalid checklist template version {version!r} (a whole number from 1)")
    name = _template_filename(template_id, version)
    source = f"resources/templates/{name}"
    try:
        exists = resource("templates", name).is_file()
    except OSError:  # e.g. a 300-digit version from an imported file: a name the file system refuses
        exists = False
    if not exists:
        raise TemplateError(
            f"no checklist template {template_id!r} version {version} ({source} does not exist)"
        )
    try:
        data = read_json("templates", name)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TemplateError(f"{source}: cannot read checklist template: {exc}") from exc
    template = parse_template(data, source)
    if (template.id, template.version) != (template_id, version):
        raise TemplateError(
            f"{source}: file declares id {template.id!r} version {template.version}, "
            f"expected {template_id!r} version {version}"
        )
    return template


def template_versions(template_id: str = "hotel_tv") -> list[int]:
    """Versions of ``template_id`` shipped in ``resources/templates``, ascending."""
    pattern = re.compile(rf"^{re.escape(template_id)}_v([1-9][0-9]*)\.json$")
    folder = resource("templates")
    if not folder.is_dir():
        return []
    return sorted(int(m.group(1)) for entry in folder.iterdir() if (m := pattern.match(entry.name)))


def template_ids() -> list[str]:
    """Ids of the checklist templates shipped in ``resources/templates``, sorted."""
    pattern = re.compile(r"^([a-z][a-z0-9_]*)_v[1-9][0-9]*\.json$")
    folder = resource("templates")
    if not folder.is_dir():
        return []
    return sorted({m.group(1) for entry in folder.iterdir() if (m := pattern.match(entry.name))})


def latest_template(template_id: str = "hotel_tv") -> ChecklistTemplate:
    """The highest shipped version of ``template_id`` (what a new inspection uses)."""
    versions = template_versions(template_id)
    if not versions:
        raise TemplateError(f"no checklist template {template_id!r} in resources/templates")
    return load_template(template_id, versions[-1])


def load_template_file(path: Path) -> ChecklistTemplate:
    """Load and validate a template file from anywhere (e.g. one another bureau wrote)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))  # a BOM from Notepad is fine
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TemplateError(f"{path}: cannot read checklist template: {exc}") from exc
    return parse_template(data, str(path))


# --------------------------------------------------------------------------------------------- parsing

_TOP_KEYS = {
    "format",
    "id",
    "version",
    "title",
    "sources",
    "min_rooms",
    "items",
    "wording",
    "site_status",
}
_ITEM_KEYS = {
    "key",
    "scope",
    "label",
    "type",
    "required",
    "na_allowed",
    "choices",
    "pass",
    "severity",
    "rule_text",
    "photo_on_fail",
    "applies_when",
    "help",
    "sources",
    "unit",
}
_RULE_KEYS = {"equals", "in", "min", "max"}


class _Parser:
    """Collects every problem of a template file, so one run names them all."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def bad(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def text(self, value: object, where: str) -> Text | None:
        if (
            isinstance(value, dict)
            and isinstance(value.get("zh"), str)
            and isinstance(value.get("en"), str)
            and value["zh"].strip()
            and value["en"].strip()
        ):
            return Text(value["zh"].strip(), value["en"].strip())
        self.bad(where, 'must be {"zh": "…", "en": "…"} with both texts non-empty')
        return None

    def unknown_keys(self, obj: Mapping[str, object], allowed: set[str], where: str) -> None:
        for k in obj:
            if not k.startswith("_") and k not in allowed:
                self.bad(where, f"unknown field {k!r} (allowed: {', '.join(sorted(allowed))})")

    def boolean(self, obj: Mapping[str, object], name: str, default: bool, where: str) -> bool:
        value = obj.get(name, default)
        if not isinstance(value, bool):
            self.bad(where, f"{name!r} must be true or false, not {value!r}")
            return default
        return value


def parse_template(data: Any, source: str) -> ChecklistTemplate:
    """Validate parsed JSON and build a template; raise ``TemplateError`` listing every problem found."""
    p = _Parser(source)
    if not isinstance(data, dict):
        raise TemplateError(f"{source}: a checklist template must be a JSON object")
    if data.get("format") != TEMPLATE_FORMAT:
        raise TemplateError(
            f"{source}: not a hoteltv checklist template ('format' must be {TEMPLATE_FORMAT!r}, "
            f"found {data.get('format')!r})"
        )
    p.unknown_keys(data, _TOP_KEYS, "template")

    template_id = data.get("id")
    if not isinstance(template_id, str) or not _KEY_RE.match(template_id):
        p.bad("id", f"must be a lower-case key like 'hotel_tv', not {template_id!r}")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        p.bad("version", f"must be a whole number from 1, not {version!r}")
    title = p.text(data.get("title"), "title")
    min_rooms = data.get("min_rooms")
    if isinstance(min_rooms, bool) or not isinstance(min_rooms, int) or min_rooms < 0:
        p.bad("min_rooms", f"must be a whole number from 0, not {min_rooms!r}")

    wording = _parse_wording(p, data.get("wording"))
    site_status = p.boolean(data, "site_status", True, "template")
    sources = _parse_sources(p, data.get("sources", []))
    source_keys = {s.key for s in sources}

    raw_items = data.get("items")
    items: list[ChecklistItem] = []
    raw_conditions: list[tuple[int, object]] = []
    if not isinstance(raw_items, list) or not raw_items:
        p.bad("items", "must be a non-empty list")
        raw_items = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_items):
        item = _parse_item(p, raw, i, source_keys)
        if item is None:
            continue
        if item.key in seen:
            p.bad(f"items[{i}] ({item.key})", f"duplicate key {item.key!r}")
            continue
        seen.add(item.key)
        items.append(item)
        if isinstance(raw, dict) and raw.get("applies_when") is not None:
            raw_conditions.append((len(items) - 1, raw["applies_when"]))

    # Conditions refer to other items, so they are resolved once every item is known.
    by_key = {item.key: item for item in items}
    for index, raw_cond in raw_conditions:
        item = items[index]
        cond = _parse_condition(p, raw_cond, item, by_key, raw_items)
        if cond is not None:
            items[index] = replace(item, applies_when=cond)

    if p.problems:
        lines = "\n".join(f"  - {line}" for line in p.problems)
        raise TemplateError(f"{source}: invalid checklist template:\n{lines}")
    assert title is not None
    return ChecklistTemplate(
        id=cast(str, template_id),
        version=cast(int, version),
        title=title,
        sources=tuple(sources),
        min_rooms=cast(int, min_rooms),
        items=tuple(items),
        wording=wording,
        site_status=site_status,
    )


def _parse_wording(p: _Parser, raw: object) -> Wording:
    if raw is None:
        return Wording()
    if not isinstance(raw, dict):
        p.bad("wording", f"must be an object with {', '.join(WORDING_KEYS)}")
        return Wording()
    p.unknown_keys(raw, set(WORDING_KEYS), "wording")
    texts = {k: p.text(raw[k], f"wording {k}") for k in WORDING_KEYS if k in raw}
    return replace(Wording(), **{k: v for k, v in texts.items() if v is not None})


def _parse_sources(p: _Parser, raw: object) -> list[Source]:
    if not isinstance(raw, list):
        p.bad("sources", "must be a list of {key, zh, en}")
        return []
    out: list[Source] = []
    for i, s in enumerate(raw):
        where = f"sources[{i}]"
        if not isinstance(s, dict) or not isinstance(s.get("key"), str) or not _KEY_RE.match(s["key"]):
            p.bad(where, "needs a lower-case 'key'")
            continue
        text = p.text(s, where)
        if s["key"] in {x.key for x in out}:
            p.bad(where, f"duplicate source key {s['key']!r}")
        elif text is not None:
            out.append(Source(s["key"], text.zh, text.en))
    return out


def _parse_item(p: _Parser, raw: object, i: int, source_keys: set[str]) -> ChecklistItem | None:
    if not isinstance(raw, dict):
        p.bad(f"items[{i}]", "must be an object")
        return None
    key = raw.get("key")
    if not isinstance(key, str) or not _KEY_RE.match(key):
        p.bad(f"items[{i}]", f"'key' must be a lower-case key like 'boot_seconds', not {key!r}")
        return None
    where = f"items[{i}] ({key})"
    before = len(p.problems)
    p.unknown_keys(raw, _ITEM_KEYS, where)

    scope = raw.get("scope")
    if scope not in SCOPES:
        p.bad(where, f"'scope' must be 'hotel' or 'room', not {scope!r}")
    label = p.text(raw.get("label"), f"{where} label")
    answer_type = raw.get("type")
    if answer_type not in ANSWER_TYPES:
        p.bad(where, f"unknown answer type {answer_type!r} (known: {', '.join(ANSWER_TYPES)})")
        return None
    atype = cast(AnswerType, answer_type)
    required = p.boolean(raw, "required", True, where)

    na_allowed = p.boolean(raw, "na_allowed", False, where)
    if na_allowed and atype != "yes_no":
        p.bad(where, "'na_allowed' is only for yes_no items")

    choices: tuple[Choice, ...] = ()
    if atype == "choice":
        choices = _parse_choices(p, raw.get("choices"), where)
    elif "choices" in raw:
        p.bad(where, "'choices' is only for choice items")

    rule = _parse_rule(p, raw.get("pass"), atype, na_allowed, choices, where)

    severity = raw.get("severity")
    rule_text: Text | None = None
    if rule is not None:
        if severity not in SEVERITIES:
            p.bad(
                where,
                f"'severity' must be 'critical' or 'minor' for an item with a pass rule, not {severity!r}",
            )
        rule_text = p.text(raw.get("rule_text"), f"{where} rule_text")
    else:
        if severity is not None:
            p.bad(where, "'severity' given but the item has no pass rule (informational items never fail)")
        if raw.get("rule_text") is not None:
            p.bad(where, "'rule_text' given but the item has no pass rule")
    photo_on_fail = p.boolean(raw, "photo_on_fail", rule is not None, where)
    if photo_on_fail and rule is None:
        p.bad(where, "'photo_on_fail' is true but the item has no pass rule, so it can never fail")

    help_text = p.text(raw["help"], f"{where} help") if raw.get("help") is not None else None
    unit = p.text(raw["unit"], f"{where} unit") if raw.get("unit") is not None else None
    if unit is not None and atype != "count":
        p.bad(where, "'unit' is only for count items (seconds are always 秒)")

    item_sources = raw.get("sources", [])
    if not isinstance(item_sources, list) or not all(isinstance(s, str) for s in item_sources):
        p.bad(where, "'sources' must be a list of source keys")
        item_sources = []
    for s in item_sources:
        if s not in source_keys:
            p.bad(where, f"cites unknown source {s!r} (declare it in the template's 'sources')")

    if len(p.problems) > before or label is None:
        return None
    return ChecklistItem(
        key=key,
        scope=cast(Scope, scope),
        label=label,
        answer_type=atype,
        required=required,
        na_allowed=na_allowed,
        choices=choices,
        rule=rule,
        severity=cast("Severity | None", severity if rule is not None else None),
        rule_text=rule_text,
        photo_on_fail=photo_on_fail,
        help=help_text,
        sources=tuple(item_sources),
        unit=unit,
    )


def _parse_choices(p: _Parser, raw: object, where: str) -> tuple[Choice, ...]:
    if not isinstance(raw, list) or not raw:
        p.bad(where, "a choice item needs a non-empty 'choices' list of {key, zh, en}")
        return ()
    out: list[Choice] = []
    for j, c in enumerate(raw):
        cwhere = f"{where} choices[{j}]"
        if not isinstance(c, dict) or not isinstance(c.get("key"), str) or not _KEY_RE.match(c["key"]):
            p.bad(cwhere, "needs a lower-case 'key'")
            continue
        text = p.text(c, cwhere)
        if c["key"] in {x.key for x in out}:
            p.bad(cwhere, f"duplicate choice key {c['key']!r}")
        elif text is not None:
            out.append(Choice(c["key"], text.zh, text.en))
    return tuple(out)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _parse_rule(
    p: _Parser, raw: object, atype: AnswerType, na_allowed: bool, choices: tuple[Choice, ...], where: str
) -> PassRule | None:
    if raw is None:
        return None
    if atype == "text":
        p.bad(where, "a text item cannot have a pass rule (text is recorded, never judged)")
        return None
    if not isinstance(raw, dict) or not raw:
        p.bad(where, '\'pass\' must be an object such as {"equals": "yes"} or {"max": 35}, or null')
        return None
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        p.bad(where, f"unknown pass-rule operator(s) {sorted(unknown)} (known: equals, in, min, max)")
        return None

    if atype in ("yes_no", "choice"):
        if "min" in raw or "max" in raw:
            p.bad(where, f"'min'/'max' apply to seconds or count items, not {atype}")
            return None
        if ("equals" in raw) == ("in" in raw):
            p.bad(where, "a yes_no or choice rule needs exactly one of 'equals' or 'in'")
            return None
        values = [raw["equals"]] if "equals" in raw else raw["in"]
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            p.bad(where, "'in' must be a non-empty list of answer values")
            return None
        valid = _valid_values(atype, na_allowed, choices)
        wrong = [v for v in values if v not in valid]
        if wrong:
            p.bad(where, f"pass rule names {wrong} which the item cannot take (valid: {', '.join(valid)})")
            return None
        if atype == "yes_no" and na_allowed and "na" not in values:
            p.bad(where, "'na_allowed' is true but the pass rule does not list 'na': say that 'na' passes")
            return None
        return PassRule(allowed=tuple(dict.fromkeys(values)))

    # seconds / count
    if "equals" in raw or "in" in raw:
        p.bad(where, f"'equals'/'in' apply to yes_no or choice items; a {atype} item takes 'min'/'max'")
        return None
    bounds: dict[str, float] = {}
    for name in ("min", "max"):
        if name not in raw:
            continue
        value = raw[name]
        if not _is_number(value) or value < 0:
            p.bad(where, f"threshold {name!r} must be a non-negative number, not {value!r}")
        elif atype == "count" and value != int(value):
            p.bad(where, f"threshold {name!r} of a count item must be a whole number, not {value!r}")
        else:
            bounds[name] = value
    if len(bounds) != len(raw):
        return None
    if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
        p.bad(where, f"threshold 'min' ({bounds['min']}) is above 'max' ({bounds['max']})")
        return None
    return PassRule(minimum=bounds.get("min"), maximum=bounds.get("max"))


def _valid_values(atype: AnswerType, na_allowed: bool, choices: tuple[Choice, ...]) -> list[str]:
    if atype == "yes_no":
        return ["yes", "no", "na"] if na_allowed else ["yes", "no"]
    return [c.key for c in choices]


def _parse_condition(
    p: _Parser, raw: object, item: ChecklistItem, by_key: Mapping[str, ChecklistItem], raw_items: list[Any]
) -> AppliesWhen | None:
    where = f"items ({item.key}) applies_when"
    if (
        not isinstance(raw, dict)
        or set(raw) - {"hotel_item", "in"}
        or "hotel_item" not in raw
        or "in" not in raw
    ):
        p.bad(where, 'must be {"hotel_item": "<key>", "in": ["<value>", …]}')
        return None
    target_key = raw["hotel_item"]
    target = by_key.get(target_key) if isinstance(target_key, str) else None
    if target is None:
        p.bad(where, f"refers to unknown item {target_key!r}")
        return None
    if target.key == item.key:
        p.bad(where, "an item cannot depend on itself")
        return None
    if target.scope != "hotel":
        p.bad(where, f"{target.key!r} is a per-room item; conditions may only name hotel-level items")
        return None
    if target.answer_type not in ("yes_no", "choice"):
        p.bad(
            where, f"{target.key!r} is a {target.answer_type} item; conditions need a yes_no or choice item"
        )
        return None
    target_raw = next((r for r in raw_items if isinstance(r, dict) and r.get("key") == target.key), {})
    if target_raw.get("applies_when") is not None:
        p.bad(where, f"{target.key!r} is itself conditional; conditions may not be chained")
        return None
    values = raw["in"]
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        p.bad(where, "'in' must be a non-empty list of answer values")
        return None
    valid = _valid_values(target.answer_type, target.na_allowed, target.choices)
    wrong = [v for v in values if v not in valid]
    if wrong:
        p.bad(where, f"{wrong} are not answers of {target.key!r} (valid: {', '.join(valid)})")
        return None
    return AppliesWhen(target.key, tuple(dict.fromkeys(values)))


# --------------------------------------------------------------------------------------------- answers

_MINUTES_RE = re.compile(r"^(.+?)(?:分钟|分|minutes?|mins?)(.*)$")
_SECONDS_UNITS = ("秒钟", "秒", "seconds", "second", "secs", "sec", "s")


def _refuse(item: ChecklistItem, message: str, raw: object) -> ValidationError:
    return ValidationError(
        f"Invalid answer for {item.key!r} ({item.label.zh})", [Problem(item.key, message, raw)]
    )


def _number(value: float) -> int | float:
    return int(value) if value == int(value) else value


def coerce_answer(item: ChecklistItem, raw: object) -> AnswerValue:
    """Normalise one typed/imported answer to its stored value, or raise ``ValidationError``.

    ``None``, ``""`` and blanks mean unanswered (``None``). Accepts e.g. "是/否/不适用", "yes/no/na",
    True/False, "35", "35秒", "35 s", "1分05秒", full-width "３５", choice keys or their zh/en labels.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    t = item.answer_type

    if t == "text":
        if isinstance(raw, str):
            return raw.strip()
        if _is_number(raw):
            return str(_number(cast(float, raw)))
        raise _refuse(item, "expected text", raw)

    if t == "yes_no":
        answer = parse_yes_no(raw)
        if answer == "na" and not item.na_allowed:
            raise _refuse(item, "'not applicable' is not allowed for this item: answer yes or no", raw)
        if answer is None:
            allowed = "是/否/不适用 or yes/no/na" if item.na_allowed else "是/否 or yes/no"
            raise _refuse(item, f"expected {allowed}", raw)
        return answer

    if t == "choice":
        if isinstance(raw, str):
            folded = fold(raw)
            for c in item.choices:
                if folded in (fold(c.key), fold(c.zh), fold(c.en)):
                    return c.key
        options = ", ".join(f"{c.key} ({c.zh})" for c in item.choices)
        raise _refuse(item, f"not one of the choices: {options}", raw)

    # seconds / count
    if not isinstance(raw, str | int | float) or isinstance(raw, bool):
        raise _refuse(item, f"expected a number, not {raw!r}", raw)
    try:
        value = _seconds(raw) if t == "seconds" and isinstance(raw, str) else to_number(raw, COUNT_UNITS)
    except NumeralError as exc:
        if exc.kind != "not_a_number":
            raise _refuse(item, exc.en, raw) from None
        example = "35, “35秒” or “1分05秒”" if t == "seconds" else "1 or “1次”"
        kind = "seconds" if t == "seconds" else "times"
        raise _refuse(item, f"expected a number of {kind} such as {example}", raw) from None

    if t == "seconds":
        if value > MAX_SECONDS:
            raise _refuse(item, f"more than {MAX_SECONDS} seconds is not a plausible measurement", raw)
        return _number(value)
    if value != int(value):
        raise _refuse(item, "must be a whole number", raw)
    if value > MAX_COUNT:
        raise _refuse(item, f"more than {MAX_COUNT} is not a plausible count", raw)
    return int(value)


def _seconds(text: str) -> float:
    """Seconds written as "35", "35秒", "35 s", "三十秒" or "1分05秒"."""
    m = _MINUTES_RE.match(fold(text))
    if m is None:
        return parse_number(text, _SECONDS_UNITS)
    return parse_number(m.group(1)) * 60 + (parse_number(m.group(2), _SECONDS_UNITS) if m.group(2) else 0)
