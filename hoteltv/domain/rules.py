"""The rule engine: a checklist template plus answers (hotel-level and per room) gives a verdict.

Pure functions over data, no database and no Qt. The result is computed from whatever has been
answered so far, so a form can show it updating live; ``Verdict.complete`` says whether the answers
are enough to finalize (nothing required missing, at least the template's minimum number of rooms).

Result: any failed ``critical`` item → ``"fail"`` (不合格); else any failed ``minor`` item → ``"basic"``
(基本合格); else ``"pass"`` (合格) once at least one rule has been checked; ``None`` before that.
Until the answers are complete the verdict is ``provisional`` and :attr:`Verdict.headline` never says
合格: it says 暂无不合格项（未完成） (no failure so far), 基本合格（未完成）, or 不合格 (a critical failure
cannot be undone by more answers).
An item whose ``applies_when`` condition is not met is neither required nor evaluated. While the
condition's hotel-level answer is still blank, the item is treated as applicable (asked for, evaluated).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from hoteltv.domain import lifecycle
from hoteltv.domain.checklist import AnswerValue, ChecklistItem, ChecklistTemplate, Severity, coerce_answer
from hoteltv.errors import Problem, ValidationError

Result = Literal["pass", "basic", "fail"]


def result_label(result: str | None, lang: str = "zh") -> str:
    """合格 / 基本合格 / 不合格 (Pass / Basically compliant / Fail); 未评定 / Not assessed for ``None``."""
    if result is None:
        return "未评定" if lang.startswith("zh") else "Not assessed"
    return lifecycle.result_label(result, lang)


_PROVISIONAL_LABELS: dict[str | None, tuple[str, str]] = {
    None: ("暂无不合格项（未完成）", "No failed items so far (incomplete)"),
    "basic": ("基本合格（未完成）", "Basically compliant so far (incomplete)"),
}


@dataclass(frozen=True)
class Headline:
    """The result to show for a verdict: ``result`` ("fail", "basic", "pass" or None) and ``provisional``.

    A provisional headline is never "pass": with answers missing, 合格 is not yet known.
    """

    result: Result | None
    provisional: bool

    def label(self, lang: str = "zh") -> str:
        if not self.provisional:
            return result_label(self.result, lang)
        zh, en = _PROVISIONAL_LABELS[self.result]
        return zh if lang.startswith("zh") else en


@dataclass(frozen=True)
class RoomAnswers:
    """The answers recorded for one sampled room, keyed by item key (blank/absent = unanswered)."""

    room_label: str
    answers: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemOutcome:
    """How one item came out for the hotel (``room_label`` None) or one room.

    ``passed`` is None when the item is unanswered, informational or not applicable.
    """

    item_key: str
    room_label: str | None
    value: AnswerValue
    passed: bool | None
    applicable: bool
    severity: Severity | None
    rule_zh: str
    rule_en: str


@dataclass(frozen=True)
class FailedItem:
    """A failed item, with what a rectification notice needs to cite it."""

    item_key: str
    room_label: str | None
    value: AnswerValue
    label_zh: str
    label_en: str
    rule_zh: str
    rule_en: str
    severity: Severity
    photo_on_fail: bool


@dataclass(frozen=True)
class MissingItem:
    """A required, applicable item still unanswered (``room_label`` None for hotel-level items)."""

    item_key: str
    room_label: str | None
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class Verdict:
    """The outcome of a (possibly partial) inspection under one template version."""

    template_id: str
    template_version: int
    result: Result | None
    outcomes: list[ItemOutcome]
    failed: list[FailedItem]
    missing: list[MissingItem]
    rooms_short: int
    complete: bool

    @property
    def provisional(self) -> bool:
        """True while required answers or rooms are missing: the result may still change."""
        return not self.complete

    @property
    def headline(self) -> Headline:
        """What a form shows as the result now: final, or provisional (never 合格 before it is complete)."""
        if not self.provisional or self.result == "fail":
            return Headline(self.result, False)
        return Headline("basic" if self.result == "basic" else None, True)

    def outcome(self, item_key: str, room_label: str | None = None) -> ItemOutcome:
        """The outcome of one item (hotel-level when ``room_label`` is None); ``KeyError`` if absent."""
        for o in self.outcomes:
            if o.item_key == item_key and o.room_label == room_label:
                return o
        raise KeyError((item_key, room_label))


def evaluate(
    template: ChecklistTemplate, hotel_answers: Mapping[str, object], rooms: Sequence[RoomAnswers]
) -> Verdict:
    """Judge the answers against ``template``.

    Answers may be raw (as typed or imported): each is normalised with :func:`coerce_answer`. Unknown
    item keys, a room item among hotel answers (or the reverse), invalid values and blank or duplicate
    room labels raise ``ValidationError`` listing every problem.
    """
    problems: list[Problem] = []
    hotel_values = _coerce_all(template, "hotel", hotel_answers, "hotel", problems)
    room_values: list[tuple[str, dict[str, AnswerValue]]] = []
    seen: set[str] = set()
    for i, room in enumerate(rooms):
        label = room.room_label.strip() if isinstance(room.room_label, str) else ""
        if not label:
            problems.append(Problem(f"rooms[{i}]", "room label is blank", room.room_label))
        elif label in seen:
            problems.append(Problem(f"rooms[{i}]", "the same room is listed twice", label))
        seen.add(label)
        room_values.append((label, _coerce_all(template, "room", room.answers, f"room {label}", problems)))
    if problems:
        raise ValidationError("Answers do not fit the checklist template", problems)

    def applicable(item: ChecklistItem) -> bool:
        cond = item.applies_when
        if cond is None:
            return True
        controlling = hotel_values.get(cond.hotel_item)
        return controlling is None or controlling in cond.values

    outcomes: list[ItemOutcome] = []
    failed: list[FailedItem] = []
    missing: list[MissingItem] = []

    def judge(item: ChecklistItem, room_label: str | None, value: AnswerValue) -> None:
        applies = applicable(item)
        passed: bool | None = None
        if applies and value is not None and item.rule is not None:
            passed = item.rule.check(value)
        rule_zh = item.rule_text.zh if item.rule_text else ""
        rule_en = item.rule_text.en if item.rule_text else ""
        outcomes.append(
            ItemOutcome(item.key, room_label, value, passed, applies, item.severity, rule_zh, rule_en)
        )
        if passed is False:
            assert item.severity is not None
            failed.append(
                FailedItem(
                    item.key,
                    room_label,
                    value,
                    item.label.zh,
                    item.label.en,
                    rule_zh,
                    rule_en,
                    item.severity,
                    item.photo_on_fail,
                )
            )
        if applies and value is None and item.required:
            missing.append(MissingItem(item.key, room_label, item.label.zh, item.label.en))

    for item in template.hotel_items:
        judge(item, None, hotel_values.get(item.key))
    for label, values in room_values:
        for item in template.room_items:
            judge(item, label, values.get(item.key))

    result: Result | None
    if any(f.severity == "critical" for f in failed):
        result = "fail"
    elif failed:
        result = "basic"
    elif any(o.passed for o in outcomes):
        result = "pass"
    else:
        result = None
    rooms_short = max(0, template.min_rooms - len(room_values))
    return Verdict(
        template_id=template.id,
        template_version=template.version,
        result=result,
        outcomes=outcomes,
        failed=failed,
        missing=missing,
        rooms_short=rooms_short,
        complete=not missing and rooms_short == 0,
    )


def _coerce_all(
    template: ChecklistTemplate,
    scope: str,
    answers: Mapping[str, object],
    where: str,
    problems: list[Problem],
) -> dict[str, AnswerValue]:
    """Normalise one set of answers, appending a Problem per unknown key or invalid value."""
    out: dict[str, AnswerValue] = {}
    for key, raw in answers.items():
        if not template.has_item(key):
            problems.append(
                Problem(f"{where}: {key}", f"no such item in template {template.id} v{template.version}", raw)
            )
            continue
        item = template.item(key)
        if item.scope != scope:
            other = "per-room" if item.scope == "room" else "hotel-level"
            problems.append(Problem(f"{where}: {key}", f"is a {other} item, not a {scope} one", raw))
            continue
        try:
            out[key] = coerce_answer(item, raw)
        except ValidationError as exc:
            problems.extend(Problem(f"{where}: {p.where}", p.message, p.value) for p in exc.problems)
    return out
