"""Checklist templates as data: typed items, a strict loader (pydantic models for the file's shape, plain
code for its meaning), and normalisation of one answer value.

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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import ErrorDetails

from hoteltv.domain.numerals import COUNT_UNITS, NumeralError, fold, parse_number, parse_yes_no, to_number
from hoteltv.errors import Problem, TemplateError, ValidationError
from hoteltv.resources import read_json, resource

TEMPLATE_FORMAT = "hoteltv-checklist/1"

AnswerType = Literal["yes_no", "seconds", "count", "choice", "text"]
Scope = Literal["hotel", "room"]
Severity = Literal["critical", "minor"]
AnswerValue = str | int | float | None

ANSWER_TYPES: tuple[AnswerType, ...] = get_args(AnswerType)

#: Largest value accepted as a measurement; anything above is a typing mistake, not an observation.
MAX_SECONDS = 3600
MAX_COUNT = 999

_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")


# --------------------------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Text:
    """A bilingual string from a template (the file's ``{"zh": …, "en": …}``, validated as it is)."""

    zh: _NonEmpty
    en: _NonEmpty

    def get(self, lang: str = "zh") -> str:
        return self.zh if lang.startswith("zh") else self.en


@dataclass(frozen=True, kw_only=True)
class Choice(Text):
    """One option of a ``choice`` item: the stored key and its labels."""

    key: _Key
    label = Text.get


@dataclass(frozen=True, kw_only=True)
class Source(Text):
    """A document a template's rules come from (cited on notices and reports)."""

    key: _Key


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
    """An item applies only when the hotel-level item ``hotel_item`` has one of ``values`` (the file's
    ``{"hotel_item": …, "in": […]}``, validated as it is)."""

    # Files spell ``values`` as "in" (or "in_", which the file model's field name once let through).
    __pydantic_config__ = ConfigDict(extra="forbid", populate_by_name=False)
    hotel_item: StrictStr
    values: Annotated[tuple[StrictStr, ...], Field(validation_alias=AliasChoices("in", "in_"), min_length=1)]


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
    rule: PassRule | None = None  # None: informational (recorded, never passed or failed)
    severity: Severity | None = None
    rule_text: Text | None = None
    photo_on_fail: bool = False
    applies_when: AppliesWhen | None = None
    help: Text | None = None
    sources: tuple[str, ...] = ()
    unit: Text | None = None

    def choice(self, key: str) -> Choice:
        for c in self.choices:
            if c.key == key:
                return c
        raise KeyError(key)


@dataclass(frozen=True)
class Wording:
    """How the forms and papers name the template's subject (the file's ``wording``, validated as it is);
    a template that says nothing, or null for a part, gets the hotel-TV wording the format was first
    shipped with."""

    site_section: Text = Text("酒店电视系统情况", "The hotel's TV system")
    room_section: Text = Text("抽查客房检查情况", "Sampled rooms")
    site: Text = Text("酒店", "Hotel")
    inspected: Text = Text("客房电视系统", "guest-room TV system")
    #: The general legal basis a notice under this template cites (None: the bureau's setting).
    legal_basis: Text | None = None


WORDING_KEYS = tuple(f.name for f in fields(Wording))


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


# --------------------------------------------------------------------------------------------- loading


@cache
def load_template(template_id: str, version: int) -> ChecklistTemplate:
    """The shipped template ``resources/templates/<template_id>_v<version>.json``, validated (cached)."""
    if not isinstance(template_id, str) or not _KEY_RE.match(template_id):
        raise TemplateError(f"invalid checklist template id {template_id!r}")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise TemplateError(f"invalid checklist template version {version!r} (a whole number from 1)")
    name = f"{template_id}_v{version}.json"
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


_FILE_RE = re.compile(r"^([a-z][a-z0-9_]*)_v([1-9][0-9]*)\.json$")


def _shipped() -> list[tuple[str, int]]:
    """(id, version) of every template file in ``resources/templates``."""
    folder = resource("templates")
    names = (entry.name for entry in folder.iterdir()) if folder.is_dir() else ()
    return [(m.group(1), int(m.group(2))) for n in names if (m := _FILE_RE.match(n))]


def template_versions(template_id: str = "hotel_tv") -> list[int]:
    """Versions of ``template_id`` shipped in ``resources/templates``, ascending."""
    return sorted(version for tid, version in _shipped() if tid == template_id)


def template_ids() -> list[str]:
    """Ids of the checklist templates shipped in ``resources/templates``, sorted."""
    return sorted({tid for tid, _version in _shipped()})


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


# --------------------------------------------------------------------------------------------- file schema
# The shape of a template file as pydantic models; what they cannot say (rules against answer types,
# references between items and sources) is checked in plain code below, on the validated models.

_Key = Annotated[StrictStr, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
_NonEmpty = Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=1)]


def _finite_non_negative(value: float) -> float:
    if not math.isfinite(value) or value < 0:
        raise ValueError("not a non-negative number")
    return value


_Threshold = Annotated[StrictInt | StrictFloat, AfterValidator(_finite_non_negative)]


class _Model(BaseModel):
    """A strict part of a template file; keys starting with ``_`` are comments."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_comments(cls, data: Any) -> Any:
        return _uncommented(data)


def _uncommented(data: Any) -> Any:
    """A part of a template file without its comments (keys starting with ``_``)."""
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("_"))}
    return data


class _RuleFile(_Model):
    equals: StrictStr | None = None
    in_: Annotated[list[StrictStr], Field(min_length=1)] | None = Field(None, alias="in")
    min: _Threshold | None = None
    max: _Threshold | None = None


class _ItemFile(_Model):
    key: _Key
    scope: Scope
    label: Text
    type: AnswerType
    required: StrictBool = True
    na_allowed: StrictBool = False
    choices: list[Choice] | None = None
    pass_: _RuleFile | None = Field(None, alias="pass")
    severity: Severity | None = None
    rule_text: Text | None = None
    photo_on_fail: StrictBool | None = None
    applies_when: AppliesWhen | None = None
    help: Text | None = None
    sources: list[StrictStr] = []
    unit: Text | None = None

    _condition_comments = field_validator("applies_when", mode="before")(_uncommented)


class _TemplateFile(_Model):
    format: StrictStr
    id: _Key
    version: Annotated[StrictInt, Field(ge=1)]
    title: Text
    sources: list[Source] = []
    min_rooms: Annotated[StrictInt, Field(ge=0)]
    items: Annotated[list[_ItemFile], Field(min_length=1)]
    wording: Wording = Wording()
    site_status: StrictBool = True

    @field_validator("wording", mode="before")
    @classmethod
    def _wording_parts(cls, data: Any) -> Any:
        """null, for the whole or a part, means the default wording; keys starting with ``_`` are comments."""
        if isinstance(data, dict):
            return {k: v for k, v in _uncommented(data).items() if v is not None or k not in WORDING_KEYS}
        return {} if data is None else data


_TEXT_FIELDS = {"title", "label", "rule_text", "help", "unit", *WORDING_KEYS}
_TEXT_MESSAGE = 'must be {"zh": "…", "en": "…"} with both texts non-empty'
_PASS_MESSAGE = '\'pass\' must be an object such as {"equals": "yes"} or {"max": 35}, or null'
_CONDITION_MESSAGE = 'must be {"hotel_item": "<key>", "in": ["<value>", …]}'
#: What a bad value of a field means; ``{name}`` is the field, ``{value}`` the value given.
_MESSAGES = {
    "id": "must be a lower-case key like 'hotel_tv', not {value!r}",
    "version": "must be a whole number from 1, not {value!r}",
    "min_rooms": "must be a whole number from 0, not {value!r}",
    "items": "must be a non-empty list",
    "sources": "must be a list of {{key, zh, en}}",
    "wording": f"must be an object with {', '.join(WORDING_KEYS)}",
    "scope": "'scope' must be 'hotel' or 'room', not {value!r}",
    "type": f"unknown answer type {{value!r}} (known: {', '.join(ANSWER_TYPES)})",
    "severity": "'severity' must be 'critical' or 'minor' for an item with a pass rule, not {value!r}",
    "choices": "a choice item needs a non-empty 'choices' list of {{key, zh, en}}",
    "pass": _PASS_MESSAGE.replace("{", "{{").replace("}", "}}"),
    **dict.fromkeys(("min", "max"), "threshold {name!r} must be a non-negative number, not {value!r}"),
    **dict.fromkeys(("equals", "in"), "'in' must be a non-empty list of answer values"),
    **dict.fromkeys(("hotel_item", "applies_when"), _CONDITION_MESSAGE.replace("{", "{{").replace("}", "}}")),
}
_FLAGS = {"site_status", "required", "na_allowed", "photo_on_fail"}


def _where(loc: tuple[int | str, ...], data: Any) -> str:
    """The place a problem is reported at: ``items[1] (boot) label``, ``sources[0]``, ``wording site`` …"""
    if not loc:
        return "template"
    if loc[0] == "items" and len(loc) > 1 and isinstance(loc[1], int):
        raw = data["items"][loc[1]]
        key = raw.get("key") if isinstance(raw, dict) else None
        named = isinstance(key, str) and _KEY_RE.match(key) and loc[2:3] != ("key",)
        base = f"items[{loc[1]}]" + (f" ({key})" if named else "")
        rest = loc[2:]
        if rest[:1] == ("choices",) and len(rest) > 1:
            return f"{base} choices[{rest[1]}]"
        return f"{base} {rest[0]}" if rest and rest[0] in (*_TEXT_FIELDS, "applies_when") else base
    if loc[0] in ("sources", "wording") and len(loc) > 1:
        return f"{loc[0]}[{loc[1]}]" if isinstance(loc[1], int) else f"wording {loc[1]}"
    return str(loc[0])


def _problem(error: ErrorDetails, data: Any) -> str:
    """One pydantic error as the line a template author reads."""
    loc = tuple(p for p in error["loc"] if p not in ("int", "float"))  # the threshold's union members
    value = None if error["type"] == "missing" else error["input"]
    # Wording, AppliesWhen and the texts are dataclasses: an unknown key is an unexpected argument to them.
    if error["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
        loc, name = loc[:-1], str(loc[-1])
        if (
            loc[-1:] != ("wording",)
            and error["type"] == "unexpected_keyword_argument"
            and (loc[-1] in _TEXT_FIELDS or "choices" in loc or loc[:1] == ("sources",))
        ):
            allowed = "en, key, zh" if "choices" in loc or loc[:1] == ("sources",) else "en, zh"
            return f"{_where(loc, data)}: unknown field {name!r} (allowed: {allowed})"
        if loc[-1:] == ("pass",):
            return (
                f"{_where(loc, data)}: unknown pass-rule operator(s) {[name]} (known: equals, in, min, max)"
            )
        if loc[-1:] == ("applies_when",):
            return f"{_where(loc, data)}: {_CONDITION_MESSAGE}"
        models: dict[int, type[_Model]] = {0: _TemplateFile, 2: _ItemFile}
        model = models.get(len(loc))
        names = WORDING_KEYS if model is None else (f.alias or n for n, f in model.model_fields.items())
        allowed = ", ".join(sorted(names))
        return f"{_where(loc, data)}: unknown field {name!r} (allowed: {allowed})"
    named = [p for p in loc if isinstance(p, str) and p not in ("zh", "en")]
    name = named[-1] if named else ""
    if loc[-1] in ("zh", "en") or name in _TEXT_FIELDS:
        message = _TEXT_MESSAGE
    elif "choices" in loc[:-1] or (loc[0] == "sources" and len(loc) > 1):
        message = "needs a lower-case 'key'"
    elif name == "key":
        message = f"'key' must be a lower-case key like 'boot_seconds', not {value!r}"
    elif name == "sources" and loc[0] == "items":
        message = "'sources' must be a list of source keys"
    elif name in _FLAGS:
        message = f"{name!r} must be true or false, not {value!r}"
    elif isinstance(loc[-1], int) and loc[:1] == ("items",) and len(loc) == 2:
        message = "must be an object"
    else:
        message = _MESSAGES[name].format(name=name, value=value)
    return f"{_where(loc, data)}: {message}"


def parse_template(data: Any, source: str) -> ChecklistTemplate:
    """Validate parsed JSON and build a template; raise ``TemplateError`` listing every problem found."""
    if not isinstance(data, dict):
        raise TemplateError(f"{source}: a checklist template must be a JSON object")
    if data.get("format") != TEMPLATE_FORMAT:
        raise TemplateError(
            f"{source}: not a hoteltv checklist template ('format' must be {TEMPLATE_FORMAT!r}, "
            f"found {data.get('format')!r})"
        )
    problems: list[str] = []
    try:
        model = _TemplateFile.model_validate(data)
    except PydanticValidationError as exc:
        problems = list(dict.fromkeys(_problem(e, data) for e in exc.errors()))
    else:
        template = _build(model, problems)
    if problems:
        lines = "\n".join(f"  - {line}" for line in problems)
        raise TemplateError(f"{source}: invalid checklist template:\n{lines}")
    return template


# --------------------------------------------------------------------------------------------- meaning


def _build(f: _TemplateFile, problems: list[str]) -> ChecklistTemplate:
    """The template a valid file describes, after the checks the schema cannot make."""

    def bad(where: str, message: str) -> None:
        problems.append(f"{where}: {message}")

    sources: dict[str, Source] = {}
    for i, s in enumerate(f.sources):
        if s.key in sources:
            bad(f"sources[{i}]", f"duplicate source key {s.key!r}")
        sources[s.key] = s
    items: dict[str, ChecklistItem] = {}
    broken: set[str] = set()  # items with a problem: conditions naming them are not judged
    for i, raw in enumerate(f.items):
        where = f"items[{i}] ({raw.key})"
        before = len(problems)
        if raw.key in items:
            bad(where, f"duplicate key {raw.key!r}")
        else:
            items[raw.key] = _item(raw, where, set(sources), bad)
        if len(problems) > before:
            broken.add(raw.key)
    # Conditions refer to other items, so they are resolved once every item is known.
    for raw in f.items:
        if raw.applies_when is not None and raw.applies_when.hotel_item not in broken:
            cond = _condition(raw.applies_when, raw.key, items, f.items, bad)
            items[raw.key] = replace(items[raw.key], applies_when=cond)
    return ChecklistTemplate(
        id=f.id,
        version=f.version,
        title=f.title,
        sources=tuple(sources.values()),
        min_rooms=f.min_rooms,
        items=tuple(items.values()),
        wording=f.wording,
        site_status=f.site_status,
    )


def _item(
    raw: _ItemFile, where: str, source_keys: set[str], bad: Callable[[str, str], None]
) -> ChecklistItem:
    atype = raw.type
    if raw.na_allowed and atype != "yes_no":
        bad(where, "'na_allowed' is only for yes_no items")
    choices: dict[str, Choice] = {}
    if atype == "choice":
        if not raw.choices:
            bad(where, _MESSAGES["choices"].format())
        for j, c in enumerate(raw.choices or ()):
            if c.key in choices:
                bad(f"{where} choices[{j}]", f"duplicate choice key {c.key!r}")
            choices[c.key] = c
    elif raw.choices is not None:
        bad(where, "'choices' is only for choice items")
    rule = _rule(raw.pass_, atype, raw.na_allowed, tuple(choices.values()), where, bad)
    if rule is not None:
        if raw.severity is None:
            bad(where, _MESSAGES["severity"].format(value=None))
        if raw.rule_text is None:
            bad(f"{where} rule_text", _TEXT_MESSAGE)
    else:
        if raw.severity is not None:
            bad(where, "'severity' given but the item has no pass rule (informational items never fail)")
        if raw.rule_text is not None:
            bad(where, "'rule_text' given but the item has no pass rule")
    photo_on_fail = rule is not None if raw.photo_on_fail is None else raw.photo_on_fail
    if photo_on_fail and rule is None:
        bad(where, "'photo_on_fail' is true but the item has no pass rule, so it can never fail")
    if raw.unit is not None and atype != "count":
        bad(where, "'unit' is only for count items (seconds are always 秒)")
    for s in raw.sources:
        if s not in source_keys:
            bad(where, f"cites unknown source {s!r} (declare it in the template's 'sources')")
    return ChecklistItem(
        key=raw.key,
        scope=raw.scope,
        label=raw.label,
        answer_type=atype,
        required=raw.required,
        na_allowed=raw.na_allowed,
        choices=tuple(choices.values()),
        rule=rule,
        severity=raw.severity if rule is not None else None,
        rule_text=raw.rule_text if rule is not None else None,
        photo_on_fail=photo_on_fail,
        help=raw.help,
        sources=tuple(raw.sources),
        unit=raw.unit,
    )


def _rule(
    raw: _RuleFile | None,
    atype: AnswerType,
    na_allowed: bool,
    choices: tuple[Choice, ...],
    where: str,
    bad: Callable[[str, str], None],
) -> PassRule | None:
    if raw is None:
        return None
    given = raw.model_fields_set
    if atype == "text":
        bad(where, "a text item cannot have a pass rule (text is recorded, never judged)")
        return None
    if not given:
        bad(where, _PASS_MESSAGE)
        return None
    if atype in ("yes_no", "choice"):
        if given & {"min", "max"}:
            bad(where, f"'min'/'max' apply to seconds or count items, not {atype}")
            return None
        if len(given & {"equals", "in_"}) != 1:
            bad(where, "a yes_no or choice rule needs exactly one of 'equals' or 'in'")
            return None
        values = [raw.equals] if raw.equals is not None else raw.in_ or []
        valid = _valid_values(atype, na_allowed, choices)
        wrong = [v for v in values if v not in valid]
        if wrong:
            bad(where, f"pass rule names {wrong} which the item cannot take (valid: {', '.join(valid)})")
            return None
        if atype == "yes_no" and na_allowed and "na" not in values:
            bad(where, "'na_allowed' is true but the pass rule does not list 'na': say that 'na' passes")
            return None
        return PassRule(allowed=tuple(dict.fromkeys(values)))
    # seconds / count
    if given & {"equals", "in_"}:
        bad(where, f"'equals'/'in' apply to yes_no or choice items; a {atype} item takes 'min'/'max'")
        return None
    bounds = {"min": raw.min, "max": raw.max}
    fractional = [n for n, v in bounds.items() if atype == "count" and v is not None and v != int(v)]
    for name in fractional:
        bad(where, f"threshold {name!r} of a count item must be a whole number, not {bounds[name]!r}")
    if raw.min is not None and raw.max is not None and raw.min > raw.max:
        bad(where, f"threshold 'min' ({raw.min}) is above 'max' ({raw.max})")
        return None
    return None if fractional else PassRule(minimum=raw.min, maximum=raw.max)


def _valid_values(atype: AnswerType, na_allowed: bool, choices: tuple[Choice, ...]) -> list[str]:
    if atype == "yes_no":
        return ["yes", "no", "na"] if na_allowed else ["yes", "no"]
    return [c.key for c in choices]


def _condition(
    raw: AppliesWhen,
    key: str,
    items: Mapping[str, ChecklistItem],
    raw_items: list[_ItemFile],
    bad: Callable[[str, str], None],
) -> AppliesWhen | None:
    where = f"items ({key}) applies_when"
    target = items.get(raw.hotel_item)
    if target is None:
        bad(where, f"refers to unknown item {raw.hotel_item!r}")
    elif target.key == key:
        bad(where, "an item cannot depend on itself")
    elif target.scope != "hotel":
        bad(where, f"{target.key!r} is a per-room item; conditions may only name hotel-level items")
    elif target.answer_type not in ("yes_no", "choice"):
        bad(where, f"{target.key!r} is a {target.answer_type} item; conditions need a yes_no or choice item")
    elif any(r.key == target.key and r.applies_when is not None for r in raw_items):
        bad(where, f"{target.key!r} is itself conditional; conditions may not be chained")
    else:
        valid = _valid_values(target.answer_type, target.na_allowed, target.choices)
        wrong = [v for v in raw.values if v not in valid]
        if not wrong:
            return replace(raw, values=tuple(dict.fromkeys(raw.values)))
        bad(where, f"{wrong} are not answers of {target.key!r} (valid: {', '.join(valid)})")
    return None


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
        if isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw):
            return str(_number(raw))
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
