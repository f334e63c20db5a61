"""The rule engine against the shipped hotel_tv v1 template: thresholds, na, severity, partial answers."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from hoteltv.domain.checklist import ChecklistTemplate, load_template, parse_template
from hoteltv.domain.rules import RoomAnswers, Verdict, evaluate, result_label
from hoteltv.errors import ValidationError
from hoteltv.resources import read_json

WELCOME_MODES = ["welcome", "telecom_welcome", "self_built", "mobile_ott"]


@pytest.fixture(scope="module")
def t1() -> ChecklistTemplate:
    return load_template("hotel_tv", 1)


def good_hotel(**changes: object) -> dict[str, object]:
    answers: dict[str, object] = {
        "tv_mode": "welcome",
        "system_type": "cable",
        "provider": "云南广电网络",
        "licensed_source": "yes",
        "illegal_headend_or_app": "no",
        "ott_live_channels": "na",
        "machine_room_safe": "yes",
        "responsible_person": "张三",
    }
    answers.update(changes)
    return answers


def good_room(**changes: object) -> dict[str, object]:
    answers: dict[str, object] = {
        "boot_seconds": 30,
        "first_channel_cctv1": "yes",
        "ads_seen": "no",
        "remotes_needed": 1,
        "keys_to_live": 1,
        "one_key_live_works": "yes",
        "welcome_default_focus_live": "yes",
        "idle_seconds_to_live": 15,
        "popups_or_paid_prompts": "no",
        "channel_cctv1": "yes",
        "channel_yunnan": "yes",
        "channel_local": "yes",
        "duplicate_channel_numbers": "no",
        "catchup_7_days": "yes",
        "operation_guide": "yes",
        "picture_quality": "good",
    }
    answers.update(changes)
    return answers


def three_rooms(**first_room_changes: object) -> list[RoomAnswers]:
    return [
        RoomAnswers("301", good_room(**first_room_changes)),
        RoomAnswers("512", good_room()),
        RoomAnswers("808", good_room()),
    ]


def test_all_good_passes_and_is_complete(t1: ChecklistTemplate) -> None:
    v = evaluate(t1, good_hotel(), three_rooms())
    assert v.result == "pass" and result_label(v.result) == "合格"
    assert v.complete and not v.failed and not v.missing and v.rooms_short == 0
    assert (v.template_id, v.template_version) == ("hotel_tv", 1)
    assert len(v.outcomes) == len(t1.hotel_items) + 3 * len(t1.room_items)
    assert v.outcome("boot_seconds", "301").passed is True
    assert v.outcome("tv_mode").passed is None  # informational
    assert v.outcome("room_notes", "808").value is None


# ----------------------------------------------------------------------------- threshold edges


@pytest.mark.parametrize(
    ("key", "value", "result"),
    [
        ("boot_seconds", 0, "pass"),
        ("boot_seconds", 35, "pass"),
        ("boot_seconds", 35.0, "pass"),
        ("boot_seconds", 35.5, "fail"),
        ("boot_seconds", 36, "fail"),
        ("boot_seconds", 118, "fail"),
        ("idle_seconds_to_live", 20, "pass"),
        ("idle_seconds_to_live", 20.5, "basic"),
        ("idle_seconds_to_live", 60, "basic"),
        ("remotes_needed", 1, "pass"),
        ("remotes_needed", 2, "fail"),
        ("keys_to_live", 0, "pass"),
        ("keys_to_live", 1, "pass"),
        ("keys_to_live", 2, "fail"),
        ("keys_to_live", 11, "fail"),
        ("picture_quality", "fair", "pass"),
        ("picture_quality", "poor", "basic"),
    ],
)
def test_threshold_edges(t1: ChecklistTemplate, key: str, value: object, result: str) -> None:
    v = evaluate(t1, good_hotel(), three_rooms(**{key: value}))
    assert v.result == result
    assert v.outcome(key, "301").passed is (result == "pass")


# Every rule of the template, its failing answer and the result it must give (critical → 不合格).
FAILING: dict[str, tuple[object, str]] = {
    "licensed_source": ("no", "fail"),
    "illegal_headend_or_app": ("yes", "fail"),
    "ott_live_channels": ("yes", "fail"),
    "machine_room_safe": ("no", "basic"),
    "boot_seconds": (40, "fail"),
    "first_channel_cctv1": ("no", "fail"),
    "ads_seen": ("yes", "fail"),
    "remotes_needed": (2, "fail"),
    "keys_to_live": (3, "fail"),
    "one_key_live_works": ("no", "fail"),
    "welcome_default_focus_live": ("no", "basic"),
    "idle_seconds_to_live": (25, "basic"),
    "popups_or_paid_prompts": ("yes", "fail"),
    "channel_cctv1": ("no", "fail"),
    "channel_yunnan": ("no", "basic"),
    "channel_local": ("no", "basic"),
    "duplicate_channel_numbers": ("yes", "basic"),
    "catchup_7_days": ("no", "basic"),
    "operation_guide": ("no", "basic"),
    "picture_quality": ("poor", "basic"),
}


def test_every_rule_is_covered(t1: ChecklistTemplate) -> None:
    assert {i.key for i in t1.items if i.rule is not None} == set(FAILING)


@pytest.mark.parametrize(("key", "value", "result"), [(k, v, r) for k, (v, r) in FAILING.items()])
def test_each_rule_fails_with_its_severity(
    t1: ChecklistTemplate, key: str, value: object, result: str
) -> None:
    item = t1.item(key)
    if item.scope == "hotel":
        v = evaluate(t1, good_hotel(**{key: value}), three_rooms())
        room = None
    else:
        v = evaluate(t1, good_hotel(), three_rooms(**{key: value}))
        room = "301"
    assert v.result == result
    assert v.complete  # a failure is still a complete record
    (failed,) = v.failed
    assert (failed.item_key, failed.room_label, failed.value) == (key, room, value)
    assert failed.severity == ("critical" if result == "fail" else "minor")
    assert item.rule_text is not None
    assert (failed.rule_zh, failed.rule_en, failed.label_zh) == (
        item.rule_text.zh,
        item.rule_text.en,
        item.label.zh,
    )
    assert failed.photo_on_fail
    assert v.outcome(key, room).passed is False


def test_boot_failure_cites_the_35_second_rule(t1: ChecklistTemplate) -> None:
    v = evaluate(t1, good_hotel(), three_rooms(boot_seconds=35.5))
    assert v.failed[0].rule_zh == "机顶盒开机至直播画面不超过35秒"


def test_critical_outweighs_minor(t1: ChecklistTemplate) -> None:
    rooms = three_rooms(channel_local="no")
    rooms[2] = RoomAnswers("808", good_room(ads_seen="yes"))
    v = evaluate(t1, good_hotel(), rooms)
    assert v.result == "fail"
    assert [(f.item_key, f.room_label, f.severity) for f in v.failed] == [
        ("channel_local", "301", "minor"),
        ("ads_seen", "808", "critical"),
    ]


def test_same_failure_in_several_rooms_is_listed_per_room(t1: ChecklistTemplate) -> None:
    rooms = [RoomAnswers(label, good_room(operation_guide="no")) for label in ("1", "2", "3")]
    v = evaluate(t1, good_hotel(), rooms)
    assert v.result == "basic" and [f.room_label for f in v.failed] == ["1", "2", "3"]


# ----------------------------------------------------------------------------- na


@pytest.mark.parametrize("key", ["ott_live_channels", "machine_room_safe"])
def test_na_passes_where_allowed_at_hotel_level(t1: ChecklistTemplate, key: str) -> None:
    v = evaluate(t1, good_hotel(**{key: "na"}), three_rooms())
    assert v.result == "pass" and v.outcome(key).passed is True


@pytest.mark.parametrize("key", ["one_key_live_works", "catchup_7_days"])
def test_na_passes_where_allowed_per_room(t1: ChecklistTemplate, key: str) -> None:
    v = evaluate(t1, good_hotel(), three_rooms(**{key: "不适用"}))
    assert v.result == "pass" and v.outcome(key, "301").value == "na"


def test_na_is_refused_where_not_allowed(t1: ChecklistTemplate) -> None:
    with pytest.raises(ValidationError) as info:
        evaluate(t1, good_hotel(), three_rooms(channel_cctv1="na"))
    (problem,) = info.value.problems
    assert problem.where == "room 301: channel_cctv1" and "not allowed" in problem.message


# ----------------------------------------------------------------------------- applies_when


def test_welcome_items_do_not_apply_to_direct_live(t1: ChecklistTemplate) -> None:
    rooms = [
        RoomAnswers(
            "301",
            {
                k: v
                for k, v in good_room(keys_to_live=0, one_key_live_works="na").items()
                if k not in ("welcome_default_focus_live", "idle_seconds_to_live")
            },
        ),
        # Answers recorded before the mode was corrected are kept but not judged.
        RoomAnswers("512", good_room(welcome_default_focus_live="no", idle_seconds_to_live=90)),
        RoomAnswers("808", good_room()),
    ]
    v = evaluate(t1, good_hotel(tv_mode="direct_live"), rooms)
    assert v.result == "pass" and v.complete and not v.failed
    o = v.outcome("idle_seconds_to_live", "512")
    assert (o.value, o.applicable, o.passed) == (90, False, None)
    assert not v.outcome("welcome_default_focus_live", "301").applicable


@pytest.mark.parametrize("mode", WELCOME_MODES)
def test_welcome_items_apply_to_welcome_modes(t1: ChecklistTemplate, mode: str) -> None:
    rooms = three_rooms(idle_seconds_to_live=None)
    v = evaluate(t1, good_hotel(tv_mode=mode), rooms)
    assert [(m.item_key, m.room_label) for m in v.missing] == [("idle_seconds_to_live", "301")]
    assert not v.complete
    v = evaluate(t1, good_hotel(tv_mode=mode), three_rooms(idle_seconds_to_live=21))
    assert v.result == "basic"


def test_welcome_items_apply_while_mode_is_unanswered(t1: ChecklistTemplate) -> None:
    hotel = good_hotel()
    del hotel["tv_mode"]
    v = evaluate(t1, hotel, three_rooms(idle_seconds_to_live=30))
    assert v.result == "basic"
    assert ("tv_mode", None) in [(m.item_key, m.room_label) for m in v.missing]


# ----------------------------------------------------------------------------- partial answers


def test_nothing_answered(t1: ChecklistTemplate) -> None:
    v = evaluate(t1, {}, [])
    assert (
        v.result is None and result_label(v.result) == "未评定" and result_label(None, "en") == "Not assessed"
    )
    assert v.rooms_short == 3 and not v.complete and not v.failed
    assert [m.item_key for m in v.missing] == [i.key for i in t1.hotel_items]
    assert all(m.room_label is None for m in v.missing)


def test_only_informational_answers_give_no_result(t1: ChecklistTemplate) -> None:
    v = evaluate(
        t1, {"tv_mode": "welcome", "provider": "中国电信"}, [RoomAnswers("301", {"room_notes": "靠电梯"})]
    )
    assert v.result is None


def test_result_updates_while_the_form_is_filled(t1: ChecklistTemplate) -> None:
    hotel: dict[str, object] = {}
    rooms = [RoomAnswers("301", {"boot_seconds": "33秒"})]
    v = evaluate(t1, hotel, rooms)
    assert v.result == "pass" and not v.complete and v.rooms_short == 2
    assert ("first_channel_cctv1", "301") in [(m.item_key, m.room_label) for m in v.missing]
    rooms = [RoomAnswers("301", {"boot_seconds": "33秒", "channel_yunnan": "否"})]
    assert evaluate(t1, hotel, rooms).result == "basic"
    rooms = [RoomAnswers("301", {"boot_seconds": "33秒", "channel_yunnan": "否", "ads_seen": "有"})]
    v = evaluate(t1, hotel, rooms)
    assert v.result == "fail" and not v.complete


def test_blank_answers_count_as_missing(t1: ChecklistTemplate) -> None:
    v = evaluate(t1, good_hotel(provider="  ", licensed_source=None), three_rooms(boot_seconds=""))
    assert [(m.item_key, m.room_label) for m in v.missing] == [
        ("provider", None),
        ("licensed_source", None),
        ("boot_seconds", "301"),
    ]
    assert v.missing[0].label_zh == "信号提供方（运营商）"
    assert v.result == "pass" and not v.complete


def test_optional_items_are_never_missing(t1: ChecklistTemplate) -> None:
    v = evaluate(t1, good_hotel(), three_rooms())
    assert "room_notes" not in {m.item_key for m in v.missing}


def test_too_few_rooms(t1: ChecklistTemplate) -> None:
    v = evaluate(t1, good_hotel(), three_rooms()[:2])
    assert v.result == "pass" and v.rooms_short == 1 and not v.missing and not v.complete
    v = evaluate(t1, good_hotel(), [*three_rooms(), RoomAnswers("909", good_room())])
    assert v.rooms_short == 0 and v.complete


def test_an_empty_room_counts_toward_the_sample_but_its_items_are_missing(t1: ChecklistTemplate) -> None:
    rooms = [*three_rooms()[:2], RoomAnswers("808", {})]
    v = evaluate(t1, good_hotel(), rooms)
    assert v.rooms_short == 0 and not v.complete
    assert {m.room_label for m in v.missing} == {"808"}
    assert len(v.missing) == sum(1 for i in t1.room_items if i.required)


# ----------------------------------------------------------------------------- refused input


def test_raw_values_are_normalised(t1: ChecklistTemplate) -> None:
    rooms = three_rooms(boot_seconds="３５秒", ads_seen="无", keys_to_live="１次", picture_quality="一般")
    v = evaluate(t1, good_hotel(tv_mode="迎宾模式", licensed_source="是"), rooms)
    assert v.result == "pass"
    assert v.outcome("boot_seconds", "301").value == 35
    assert v.outcome("tv_mode").value == "welcome"


def test_bad_answers_are_all_reported(t1: ChecklistTemplate) -> None:
    hotel = good_hotel(boot_seconds=30, nonsense="x", licensed_source="maybe")
    rooms = [
        RoomAnswers("301", good_room(remotes_needed=1.5, provider="中国电信")),
        RoomAnswers("301", good_room()),
        RoomAnswers(" ", good_room()),
    ]
    with pytest.raises(ValidationError) as info:
        evaluate(t1, hotel, rooms)
    wheres = [p.where for p in info.value.problems]
    assert wheres == [
        "hotel: licensed_source",
        "hotel: boot_seconds",
        "hotel: nonsense",
        "room 301: remotes_needed",
        "room 301: provider",
        "rooms[1]",
        "rooms[2]",
    ]
    messages = [p.message for p in info.value.problems]
    assert "per-room item" in messages[1] and "no such item in template hotel_tv v1" in messages[2]
    assert "hotel-level item" in messages[4] and "listed twice" in messages[5] and "blank" in messages[6]


# ----------------------------------------------------------------------------- template versions


def test_old_version_keeps_evaluating_the_same_after_a_v2_exists(t1: ChecklistTemplate) -> None:
    answers = (good_hotel(), three_rooms(boot_seconds=33))
    before = evaluate(t1, *answers)

    data: dict[str, Any] = copy.deepcopy(read_json("templates", "hotel_tv_v1.json"))
    data["version"] = 2
    boot = next(i for i in data["items"] if i["key"] == "boot_seconds")
    boot["pass"] = {"max": 30}
    boot["rule_text"] = {"zh": "机顶盒开机至直播画面不超过30秒", "en": "Boot to live picture at most 30 s"}
    v2 = parse_template(data, "hotel_tv_v2.json (test)")

    after_v2 = evaluate(v2, *answers)
    assert after_v2.result == "fail" and after_v2.template_version == 2
    assert after_v2.failed[0].rule_zh == "机顶盒开机至直播画面不超过30秒"

    again = evaluate(load_template("hotel_tv", 1), *answers)
    assert again == before and again.result == "pass"
    assert load_template("hotel_tv", 1).item("boot_seconds").rule.maximum == 35  # type: ignore[union-attr]


def test_result_label() -> None:
    assert [result_label(r) for r in ("pass", "basic", "fail")] == ["合格", "基本合格", "不合格"]
    assert [result_label(r, "en") for r in ("pass", "basic", "fail")] == [
        "Pass",
        "Basically compliant",
        "Fail",
    ]
    assert result_label(None) == "未评定"


def test_verdict_outcome_lookup_raises_for_unknown(t1: ChecklistTemplate) -> None:
    v: Verdict = evaluate(t1, {}, [])
    with pytest.raises(KeyError):
        v.outcome("boot_seconds", "301")


def test_an_incomplete_record_is_provisional_and_never_headlined_pass(t1: ChecklistTemplate) -> None:
    # Two answers, one room of three: everything answered passes, yet the headline is not 合格.
    v = evaluate(t1, {"licensed_source": "yes"}, [RoomAnswers("301", {"boot_seconds": 30})])
    assert v.result == "pass" and v.provisional and not v.complete
    assert v.headline.result is None and v.headline.provisional
    assert v.headline.label() == "暂无不合格项（未完成）"
    assert v.headline.label("en") == "No failed items so far (incomplete)"
    # A minor failure: at best 基本合格 — still provisional.
    v = evaluate(t1, {}, [RoomAnswers("301", {"idle_seconds_to_live": 60})])
    assert v.headline.result == "basic" and v.headline.label() == "基本合格（未完成）"
    # A critical failure is 不合格 at once: more answers cannot undo it.
    v = evaluate(t1, {}, [RoomAnswers("301", {"boot_seconds": 65})])
    assert v.headline.result == "fail" and v.headline.label() == "不合格"
    # Complete: the result itself.
    v = evaluate(t1, good_hotel(), three_rooms())
    assert not v.provisional and v.headline.result == "pass" and v.headline.label() == "合格"
    # All rooms answered but one hotel item missing: still provisional.
    answers = good_hotel()
    del answers["licensed_source"]
    v = evaluate(t1, answers, three_rooms())
    assert v.result == "pass" and v.provisional and v.headline.label() != "合格"
