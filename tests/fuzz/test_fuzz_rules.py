"""Fuzzing the rule engine: any answers give a verdict or a ValidationError, and the verdict is monotonic.

* Random keys and values (text, numbers, NaN, booleans, lists, labels, blank or repeated room labels):
  :func:`hoteltv.domain.rules.evaluate` returns a :class:`Verdict` whose parts agree with each other, or
  raises ``ValidationError``; nothing else.
* Monotonic: turning one passing answer into a failing one never improves the result (pass < basic <
  fail) and adds that item to the failed list; turning a failing one into a passing one never worsens it.
"""

from __future__ import annotations

from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from hoteltv.domain.checklist import MAX_COUNT, MAX_SECONDS, ChecklistItem, latest_template
from hoteltv.domain.rules import RoomAnswers, Verdict, evaluate
from hoteltv.errors import ValidationError
from tests.fuzz.profile import fuzz

TEMPLATE = latest_template()
RANK = {None: 0, "pass": 0, "basic": 1, "fail": 2}

typical = st.sampled_from(
    [
        "是",
        "否",
        "不适用",
        "yes",
        "NO",
        " na ",
        "35秒",
        "1分05秒",
        "３５",
        "一次",
        "两个",
        "-3",
        "1e3",
        "",
        " ",
        "good",
        "差",
    ]
    + [c.key for i in TEMPLATE.items for c in i.choices]
    + [c.zh for i in TEMPLATE.items for c in i.choices]
)
scalars = st.one_of(
    st.none(),
    typical,
    st.text(max_size=12),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
raw_values = st.one_of(
    scalars, st.lists(scalars, max_size=2), st.dictionaries(st.text(max_size=3), scalars, max_size=2)
)
keys = st.one_of(st.sampled_from([i.key for i in TEMPLATE.items]), st.text(max_size=10))


def _consistent(v: Verdict) -> None:
    critical = any(f.severity == "critical" for f in v.failed)
    assert (v.result == "fail") == critical
    assert (v.result == "basic") == (bool(v.failed) and not critical)
    assert v.complete == (not v.missing and v.rooms_short == 0)
    failed = {(f.item_key, f.room_label) for f in v.failed}
    assert failed == {(o.item_key, o.room_label) for o in v.outcomes if o.passed is False}


@given(
    hotel=st.dictionaries(keys, raw_values, max_size=10),
    rooms=st.lists(
        st.tuples(
            st.one_of(st.text(max_size=5), st.sampled_from(["301", "301", " ", ""])),
            st.dictionaries(keys, raw_values, max_size=8),
        ),
        max_size=5,
    ),
)
@fuzz(300)
def test_any_answers_give_a_verdict_or_a_validation_error(
    hotel: dict[str, Any], rooms: list[tuple[str, dict[str, Any]]]
) -> None:
    try:
        verdict = evaluate(TEMPLATE, hotel, [RoomAnswers(label, answers) for label, answers in rooms])
    except ValidationError as exc:
        assert exc.problems
        return
    _consistent(verdict)


def _answer(item: ChecklistItem, draw: st.DrawFn) -> Any:
    t = item.answer_type
    if t == "yes_no":
        return draw(st.sampled_from(["yes", "no", "na"] if item.na_allowed else ["yes", "no"]))
    if t == "seconds":
        return draw(st.integers(0, MAX_SECONDS))
    if t == "count":
        return draw(st.integers(0, MAX_COUNT))
    if t == "choice":
        return draw(st.sampled_from([c.key for c in item.choices]))
    return draw(st.text(min_size=1, max_size=5).filter(str.strip))


@st.composite
def valid_answers(draw: st.DrawFn) -> tuple[dict[str, Any], list[RoomAnswers]]:
    hotel = {
        i.key: _answer(i, draw) for i in TEMPLATE.hotel_items if draw(st.booleans()) or i.key == "tv_mode"
    }
    labels = draw(st.lists(st.from_regex(r"[1-9][0-9]{2}", fullmatch=True), unique=True, max_size=4))
    rooms = [
        RoomAnswers(label, {i.key: _answer(i, draw) for i in TEMPLATE.room_items if draw(st.booleans())})
        for label in labels
    ]
    return hotel, rooms


def _flip(item: ChecklistItem, value: Any, to_pass: bool) -> Any:
    """A value of the same item that passes (``to_pass``) or fails its rule; None when there is none."""
    rule = item.rule
    assert rule is not None
    if rule.allowed is not None:
        options = ["yes", "no", "na"] if item.answer_type == "yes_no" else [c.key for c in item.choices]
        if item.answer_type == "yes_no" and not item.na_allowed:
            options.remove("na")
        wanted = [o for o in options if (o in rule.allowed) == to_pass]
        return wanted[0] if wanted else None
    top = MAX_SECONDS if item.answer_type == "seconds" else MAX_COUNT
    if to_pass:
        low = rule.minimum if rule.minimum is not None else 0
        return int(low) if rule.check(int(low)) else None
    if rule.maximum is not None and rule.maximum + 1 <= top:
        return int(rule.maximum) + 1
    if rule.minimum is not None and rule.minimum - 1 >= 0:
        return int(rule.minimum) - 1
    return None


def _set(
    hotel: dict[str, Any], rooms: list[RoomAnswers], key: str, room: str | None, value: Any
) -> tuple[dict[str, Any], list[RoomAnswers]]:
    if room is None:
        return {**hotel, key: value}, rooms
    return hotel, [
        RoomAnswers(r.room_label, {**r.answers, key: value}) if r.room_label == room else r for r in rooms
    ]


@given(answers=valid_answers(), pick=st.integers(min_value=0), to_pass=st.booleans())
@fuzz(300)
def test_the_result_is_monotonic_in_each_answer(
    answers: tuple[dict[str, Any], list[RoomAnswers]], pick: int, to_pass: bool
) -> None:
    hotel, rooms = answers
    before = evaluate(TEMPLATE, hotel, rooms)
    _consistent(before)
    # An answer that passes (to make it fail) or fails (to make it pass).
    candidates = [o for o in before.outcomes if o.passed is (not to_pass)]
    assume(candidates)
    target = candidates[pick % len(candidates)]
    value = _flip(TEMPLATE.item(target.item_key), target.value, to_pass)
    assume(value is not None)
    after = evaluate(TEMPLATE, *_set(hotel, rooms, target.item_key, target.room_label, value))
    _consistent(after)
    assert after.complete == before.complete
    flipped = after.outcome(target.item_key, target.room_label)
    assert flipped.passed is to_pass
    if to_pass:
        assert RANK[after.result] <= RANK[before.result]
    else:
        assert RANK[after.result] >= RANK[before.result]
        assert RANK[after.result] >= (2 if target.severity == "critical" else 1)
        assert {(f.item_key, f.room_label) for f in before.failed} < {
            (f.item_key, f.room_label) for f in after.failed
        }
