"""Checklist templates: the shipped v1, strict validation of template files, and answer normalisation."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from hoteltv.domain.checklist import (
    ChecklistItem,
    Text,
    coerce_answer,
    latest_template,
    load_template,
    load_template_file,
    parse_template,
    template_versions,
)
from hoteltv.domain.modes import mode_catalog
from hoteltv.errors import TemplateError, ValidationError
from hoteltv.resources import read_json

HOTEL_KEYS = [
    "tv_mode",
    "system_type",
    "provider",
    "licensed_source",
    "illegal_headend_or_app",
    "ott_live_channels",
    "machine_room_safe",
    "responsible_person",
]
ROOM_KEYS = [
    "boot_seconds",
    "first_channel_cctv1",
    "ads_seen",
    "remotes_needed",
    "keys_to_live",
    "one_key_live_works",
    "welcome_default_focus_live",
    "idle_seconds_to_live",
    "popups_or_paid_prompts",
    "channel_cctv1",
    "channel_yunnan",
    "channel_local",
    "duplicate_channel_numbers",
    "catchup_7_days",
    "operation_guide",
    "picture_quality",
    "room_notes",
]


# ----------------------------------------------------------------------------- the shipped template


def test_shipped_v1_has_the_agreed_items() -> None:
    t = load_template("hotel_tv", 1)
    assert (t.id, t.version, t.min_rooms) == ("hotel_tv", 1, 3)
    assert [i.key for i in t.hotel_items] == HOTEL_KEYS
    assert [i.key for i in t.room_items] == ROOM_KEYS
    assert t.title.zh and t.title.en
    assert {s.key for s in t.sources} >= {"nrta_2023", "gyt_421_2025", "notice_2025", "guide_2026"}


def test_shipped_v1_tv_mode_choices_match_the_mode_catalog() -> None:
    t = load_template("hotel_tv", 1)
    catalog = mode_catalog()
    tv_mode = t.item("tv_mode")
    assert [c.key for c in tv_mode.choices] == catalog.keys()
    for c in tv_mode.choices:
        assert c.zh == catalog.get(c.key).zh
    assert tv_mode.rule is None and tv_mode.required
    assert [c.key for c in t.item("system_type").choices] == [
        "cable",
        "iptv",
        "iptv_multi",
        "dedicated_line",
        "ott",
        "satellite",
        "headend",
    ]


def test_shipped_v1_rules() -> None:
    t = load_template("hotel_tv", 1)
    for item in t.items:
        if item.rule is None:
            assert item.severity is None and item.rule_text is None and not item.photo_on_fail
        else:
            assert item.rule_text is not None and item.rule_text.zh and item.rule_text.en
            assert item.photo_on_fail, f"{item.key}: every failed item needs photo evidence"
    boot_rule = t.item("boot_seconds").rule
    assert boot_rule is not None and boot_rule.maximum == 35 and boot_rule.minimum is None
    assert t.item("idle_seconds_to_live").rule.maximum == 20  # type: ignore[union-attr]
    assert "35秒" in t.item("boot_seconds").rule_text.zh  # type: ignore[union-attr]
    assert not t.item("room_notes").required
    welcome = ("welcome", "telecom_welcome", "self_built", "mobile_ott")
    for key in ("welcome_default_focus_live", "idle_seconds_to_live"):
        cond = t.item(key).applies_when
        assert cond is not None and cond.hotel_item == "tv_mode" and set(cond.values) == set(welcome)
    assert [i.key for i in t.items if i.applies_when] == [
        "welcome_default_focus_live",
        "idle_seconds_to_live",
    ]
    assert [i.key for i in t.items if i.na_allowed] == [
        "ott_live_channels",
        "machine_room_safe",
        "one_key_live_works",
        "catchup_7_days",
    ]


def test_load_template_is_cached_and_latest_is_highest_version() -> None:
    assert load_template("hotel_tv", 1) is load_template("hotel_tv", 1)
    versions = template_versions("hotel_tv")
    assert versions[0] == 1
    assert latest_template().version == versions[-1]
    assert latest_template("hotel_tv") is load_template("hotel_tv", versions[-1])


def test_load_template_refuses_missing_and_bad_names() -> None:
    with pytest.raises(TemplateError, match=r"version 999 .*hotel_tv_v999\.json does not exist"):
        load_template("hotel_tv", 999)
    with pytest.raises(TemplateError, match="invalid checklist template id"):
        load_template("../hotel_tv", 1)
    with pytest.raises(TemplateError, match="invalid checklist template version"):
        load_template("hotel_tv", 0)
    with pytest.raises(TemplateError, match="no checklist template 'nothing_here'"):
        latest_template("nothing_here")


# ----------------------------------------------------------------------------- template validation


def minimal() -> dict[str, Any]:
    """A small valid template that each validation test breaks in one place."""
    return {
        "format": "hoteltv-checklist/1",
        "id": "demo",
        "version": 1,
        "title": {"zh": "演示", "en": "Demo"},
        "sources": [{"key": "doc", "zh": "文件", "en": "Document"}],
        "min_rooms": 2,
        "items": [
            {
                "key": "mode",
                "scope": "hotel",
                "type": "choice",
                "label": {"zh": "模式", "en": "Mode"},
                "choices": [{"key": "a", "zh": "甲", "en": "A"}, {"key": "b", "zh": "乙", "en": "B"}],
            },
            {
                "key": "boot",
                "scope": "room",
                "type": "seconds",
                "label": {"zh": "开机", "en": "Boot"},
                "pass": {"max": 35},
                "severity": "critical",
                "rule_text": {"zh": "不超过35秒", "en": "At most 35 s"},
                "sources": ["doc"],
            },
            {
                "key": "guide",
                "scope": "room",
                "type": "yes_no",
                "na_allowed": True,
                "label": {"zh": "指南", "en": "Guide"},
                "pass": {"in": ["yes", "na"]},
                "severity": "minor",
                "rule_text": {"zh": "应有指南", "en": "Guide present"},
                "applies_when": {"hotel_item": "mode", "in": ["b"]},
            },
            {
                "key": "notes",
                "scope": "room",
                "type": "text",
                "required": False,
                "label": {"zh": "备注", "en": "Notes"},
            },
        ],
    }


def test_minimal_template_parses() -> None:
    t = parse_template(minimal(), "demo.json")
    assert [i.key for i in t.items] == ["mode", "boot", "guide", "notes"]
    assert t.item("boot").photo_on_fail  # defaults to true when there is a rule
    assert not t.item("notes").photo_on_fail
    assert t.item("guide").applies_when is not None
    assert t.item("guide").applies_when.values == ("b",)  # type: ignore[union-attr]


def _item(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(i for i in data["items"] if i["key"] == key)


def _break(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(minimal())
    change(data)
    return data


BROKEN: list[tuple[str, Any, str]] = [
    ("unknown answer type", lambda d: _item(d, "boot").update(type="photo"), r"unknown answer type 'photo'"),
    (
        "rule on a text item",
        lambda d: _item(d, "notes").update({"pass": {"equals": "x"}}),
        r"text item cannot have a pass rule",
    ),
    ("duplicate keys", lambda d: d["items"].append(copy.deepcopy(_item(d, "boot"))), r"duplicate key 'boot'"),
    (
        "threshold is a string",
        lambda d: _item(d, "boot").update({"pass": {"max": "35"}}),
        r"threshold 'max'.*'35'",
    ),
    ("negative threshold", lambda d: _item(d, "boot").update({"pass": {"max": -1}}), r"non-negative number"),
    ("boolean threshold", lambda d: _item(d, "boot").update({"pass": {"max": True}}), r"non-negative number"),
    (
        "min above max",
        lambda d: _item(d, "boot").update({"pass": {"min": 40, "max": 35}}),
        r"'min' \(40\) is above",
    ),
    (
        "fractional count threshold",
        lambda d: _item(d, "boot").update(type="count", **{"pass": {"max": 1.5}}),
        r"whole number",
    ),
    (
        "equals on seconds",
        lambda d: _item(d, "boot").update({"pass": {"equals": "yes"}}),
        r"takes 'min'/'max'",
    ),
    ("max on yes_no", lambda d: _item(d, "guide").update({"pass": {"max": 1}}), r"apply to seconds or count"),
    (
        "unknown operator",
        lambda d: _item(d, "boot").update({"pass": {"below": 35}}),
        r"unknown pass-rule operator",
    ),
    (
        "rule names a value the choice lacks",
        lambda d: _item(d, "mode").update(
            {"pass": {"in": ["c"]}, "severity": "minor", "rule_text": {"zh": "x", "en": "x"}}
        ),
        r"names \['c'\]",
    ),
    (
        "na in rule without na_allowed",
        lambda d: _item(d, "guide").update(na_allowed=False),
        r"names \['na'\] which the item cannot take",
    ),
    (
        "na_allowed but rule silent on na",
        lambda d: _item(d, "guide").update({"pass": {"equals": "yes"}}),
        r"does not list 'na'",
    ),
    (
        "na_allowed on seconds",
        lambda d: _item(d, "boot").update(na_allowed=True),
        r"'na_allowed' is only for yes_no",
    ),
    (
        "rule without severity",
        lambda d: _item(d, "boot").pop("severity"),
        r"'severity' must be 'critical' or 'minor'",
    ),
    ("bad severity", lambda d: _item(d, "boot").update(severity="major"), r"not 'major'"),
    ("severity on informational", lambda d: _item(d, "mode").update(severity="minor"), r"has no pass rule"),
    ("rule without rule text", lambda d: _item(d, "boot").pop("rule_text"), r"boot\) rule_text: must be"),
    ("photo on informational", lambda d: _item(d, "notes").update(photo_on_fail=True), r"can never fail"),
    ("typo in field name", lambda d: _item(d, "boot").update(requried=True), r"unknown field 'requried'"),
    ("bad scope", lambda d: _item(d, "boot").update(scope="floor"), r"'scope' must be 'hotel' or 'room'"),
    ("label missing en", lambda d: _item(d, "boot").update(label={"zh": "开机"}), r"boot\) label: must be"),
    ("bad key", lambda d: _item(d, "boot").update(key="Boot Time"), r"'key' must be a lower-case key"),
    ("choice without choices", lambda d: _item(d, "mode").update(choices=[]), r"non-empty 'choices'"),
    (
        "duplicate choice key",
        lambda d: _item(d, "mode")["choices"].append({"key": "a", "zh": "丙", "en": "C"}),
        r"duplicate choice key 'a'",
    ),
    (
        "choices on yes_no",
        lambda d: _item(d, "guide").update(choices=[]),
        r"'choices' is only for choice items",
    ),
    ("unknown source", lambda d: _item(d, "boot").update(sources=["nope"]), r"unknown source 'nope'"),
    (
        "condition on unknown item",
        lambda d: _item(d, "guide").update(applies_when={"hotel_item": "nope", "in": ["a"]}),
        r"unknown item 'nope'",
    ),
    (
        "condition on a room item",
        lambda d: _item(d, "guide").update(applies_when={"hotel_item": "boot", "in": ["a"]}),
        r"per-room item",
    ),
    (
        "condition with a value the item cannot take",
        lambda d: _item(d, "guide").update(applies_when={"hotel_item": "mode", "in": ["z"]}),
        r"\['z'\] are not answers of 'mode'",
    ),
    (
        "chained condition",
        lambda d: _item(d, "mode").update(applies_when={"hotel_item": "mode", "in": ["a"]}),
        r"cannot depend on itself",
    ),
    ("wrong format", lambda d: d.update(format="something/1"), r"not a hoteltv checklist template"),
    ("no items", lambda d: d.update(items=[]), r"items: must be a non-empty list"),
    ("bad version", lambda d: d.update(version="1"), r"version: must be a whole number from 1"),
    ("negative min_rooms", lambda d: d.update(min_rooms=-1), r"min_rooms: must be a whole number from 0"),
    ("unknown top-level field", lambda d: d.update(minrooms=3), r"unknown field 'minrooms'"),
]


@pytest.mark.parametrize(("change", "message"), [(c, m) for _, c, m in BROKEN], ids=[n for n, _, _ in BROKEN])
def test_broken_templates_are_refused_with_a_precise_message(change: Any, message: str) -> None:
    with pytest.raises(TemplateError, match=message) as info:
        parse_template(_break(change), "demo.json")
    assert str(info.value).startswith("demo.json: ")


def test_chained_conditions_are_refused() -> None:
    data = minimal()
    data["items"].insert(
        0,
        {"key": "has_box", "scope": "hotel", "type": "yes_no", "label": {"zh": "有盒子", "en": "Has box"}},
    )
    _item(data, "mode")["applies_when"] = {"hotel_item": "has_box", "in": ["yes"]}
    _item(data, "guide")["applies_when"] = {"hotel_item": "mode", "in": ["b"]}
    with pytest.raises(TemplateError, match=r"'mode' is itself conditional"):
        parse_template(data, "demo.json")


def test_every_problem_is_reported_at_once() -> None:
    data = minimal()
    _item(data, "boot")["pass"] = {"max": "35"}
    _item(data, "notes")["type"] = "photo"
    with pytest.raises(TemplateError) as info:
        parse_template(data, "demo.json")
    text = str(info.value)
    assert "items[1] (boot)" in text and "items[3] (notes)" in text


def test_not_an_object() -> None:
    with pytest.raises(TemplateError, match="must be a JSON object"):
        parse_template([], "x.json")


def test_load_template_file(tmp_path: Path) -> None:
    path = tmp_path / "demo_v1.json"
    path.write_text(json.dumps(minimal(), ensure_ascii=False), encoding="utf-8")
    assert load_template_file(path).id == "demo"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(TemplateError, match="cannot read checklist template"):
        load_template_file(path)
    with pytest.raises(TemplateError, match="cannot read checklist template"):
        load_template_file(tmp_path / "absent.json")


def test_shipped_file_parses_through_parse_template_too() -> None:
    data = read_json("templates", "hotel_tv_v1.json")
    assert parse_template(data, "x") == load_template("hotel_tv", 1)


# ----------------------------------------------------------------------------- coerce_answer


@pytest.fixture(scope="module")
def t1() -> Any:
    return load_template("hotel_tv", 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("yes", "yes"),
        ("YES", "yes"),
        (" y ", "yes"),
        ("是", "yes"),
        ("有", "yes"),
        ("√", "yes"),
        (True, "yes"),
        ("no", "no"),
        ("否", "no"),
        ("无", "no"),
        ("没有", "no"),
        ("×", "no"),
        (False, "no"),
        ("na", "na"),
        ("N/A", "na"),
        ("不适用", "na"),
        ("ｎａ", "na"),
        (None, None),
        ("", None),
        ("   ", None),
    ],
)
def test_coerce_yes_no_with_na(t1: Any, raw: object, expected: object) -> None:
    assert coerce_answer(t1.item("one_key_live_works"), raw) == expected


def test_coerce_yes_no_refuses_na_when_not_allowed(t1: Any) -> None:
    with pytest.raises(ValidationError) as info:
        coerce_answer(t1.item("first_channel_cctv1"), "不适用")
    (problem,) = info.value.problems
    assert problem.where == "first_channel_cctv1"
    assert "not allowed" in problem.message and problem.value == "不适用"


@pytest.mark.parametrize("raw", ["maybe", "合格吗", 2, 2.5, ["yes"]])
def test_coerce_yes_no_refuses_other_values(t1: Any, raw: object) -> None:
    with pytest.raises(ValidationError, match="ads_seen"):
        coerce_answer(t1.item("ads_seen"), raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (35, 35),
        (35.0, 35),
        (35.5, 35.5),
        (0, 0),
        ("35", 35),
        ("35秒", 35),
        ("35 秒", 35),
        ("35s", 35),
        ("35 sec", 35),
        ("３５", 35),
        ("３５秒", 35),
        ("35.5", 35.5),
        ("３５．５秒", 35.5),
        ("1分05秒", 65),
        ("2分钟", 120),
        ("1min30s", 90),
    ],
)
def test_coerce_seconds(t1: Any, raw: object, expected: float) -> None:
    value = coerce_answer(t1.item("boot_seconds"), raw)
    assert value == expected
    assert isinstance(value, int) == (expected == int(expected))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("-5", "must not be negative"),
        (-1, "must not be negative"),
        ("abc", "expected a number of seconds"),
        ("35分钟秒", "expected a number of seconds"),
        (True, "expected a number"),
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        (3601, "not a plausible measurement"),
        (["35"], "expected a number"),
    ],
)
def test_coerce_seconds_refuses(t1: Any, raw: object, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        coerce_answer(t1.item("boot_seconds"), raw)
    assert message in info.value.problems[0].message
    assert info.value.problems[0].where == "boot_seconds"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1, 1),
        (0, 0),
        (1.0, 1),
        ("1", 1),
        ("１", 1),
        ("2次", 2),
        ("１次", 1),
        ("两个", 2),
        ("一", 1),
        ("3 keys", 3),
    ],
)
def test_coerce_count(t1: Any, raw: object, expected: int) -> None:
    value = coerce_answer(t1.item("keys_to_live"), raw)
    assert value == expected and isinstance(value, int)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (1.5, "whole number"),
        ("1.5", "whole number"),
        (-1, "negative"),
        ("many", "expected a number"),
        (1000, "plausible"),
    ],
)
def test_coerce_count_refuses(t1: Any, raw: object, message: str) -> None:
    with pytest.raises(ValidationError, match="remotes_needed") as info:
        coerce_answer(t1.item("remotes_needed"), raw)
    assert message in info.value.problems[0].message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("welcome", "welcome"),
        ("迎宾模式", "welcome"),
        ("Welcome page, then live TV", "welcome"),
        ("ＷＥＬＣＯＭＥ", "welcome"),
    ],
)
def test_coerce_choice(t1: Any, raw: str, expected: str) -> None:
    assert coerce_answer(t1.item("tv_mode"), raw) == expected


def test_coerce_choice_refuses_unknown_and_lists_the_choices(t1: Any) -> None:
    with pytest.raises(ValidationError) as info:
        coerce_answer(t1.item("picture_quality"), "excellent")
    assert "good (良好)" in info.value.problems[0].message


def test_coerce_text(t1: Any) -> None:
    item: ChecklistItem = t1.item("provider")
    assert coerce_answer(item, "  中国电信 ") == "中国电信"
    assert coerce_answer(item, "") is None
    assert coerce_answer(item, 12) == "12"
    with pytest.raises(ValidationError):
        coerce_answer(item, True)


def test_text_get() -> None:
    assert Text("是", "yes").get() == "是" and Text("是", "yes").get("en") == "yes"


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("title", "title: unknown field '_c' (allowed: en, zh)"),
        ("label", "items[0] (tv_mode) label: unknown field '_c' (allowed: en, zh)"),
        ("choice", "items[0] (tv_mode) choices[0]: unknown field '_c' (allowed: en, key, zh)"),
    ],
)
def test_an_unknown_key_inside_a_text_is_named_not_a_crash(place: str, expected: str) -> None:
    data = read_json("templates", "hotel_tv_v1.json")
    text = {
        "title": lambda: data["title"],
        "label": lambda: data["items"][0]["label"],
        "choice": lambda: data["items"][0]["choices"][0],
    }[place]()
    text["_c"] = 1
    with pytest.raises(TemplateError) as caught:
        parse_template(data, "t.json")
    assert expected in str(caught.value)
