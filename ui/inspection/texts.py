"""Words and formats the inspection screens share: answers as text, local times, places, core problems.

Template labels, result and kind names are bilingual data from the core; the GUI picks the language.
Everything else a person reads goes through Qt's translation (Chinese source strings); code outside a
QObject writes ``translate("Inspection", "…")`` with the literal context, so ``lupdate`` finds it.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication

from hoteltv.domain import clock, lifecycle
from hoteltv.domain.checklist import ChecklistItem
from hoteltv.domain.lifecycle import Blocker
from hoteltv.domain.rules import Headline
from hoteltv.errors import Problem
from hoteltv.services.inspections import EvidenceGap
from ui.messages import error_texts, fill, localize

translate = QCoreApplication.translate


def lang_of(language: str) -> str:
    return "zh" if language.startswith("zh") else "en"


def seconds_text(value: float | int) -> str:
    """35 → "35", 35.40 → "35.4": how a measured time is typed and shown."""
    if isinstance(value, float) and value != int(value):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(int(value))


def answer_text(item: ChecklistItem, value: object, lang: str = "zh") -> str:
    """A stored answer as a person reads it (是 / 否 / 不适用, "48 秒", a choice label)."""
    if value is None or value == "":
        return translate("Inspection", "未填")
    if item.answer_type == "yes_no":
        return {
            "yes": translate("Inspection", "是"),
            "no": translate("Inspection", "否"),
            "na": translate("Inspection", "不适用"),
        }.get(str(value), str(value))
    if item.answer_type == "choice":
        try:
            return item.choice(str(value)).label(lang)
        except KeyError:
            return str(value)
    if item.answer_type == "seconds" and isinstance(value, int | float):
        return translate("Inspection", "%1 秒").replace("%1", seconds_text(value))
    return str(value)


def place_text(room_label: str | None, site: str | None = None) -> str:
    """Where an item was seen: ``site`` (the template's word, e.g. 现场) or 酒店 for site-level items,
    "101 房" for a room."""
    if not room_label:
        return site or translate("Inspection", "酒店")
    return translate("Inspection", "%1 房").replace("%1", room_label)


def local_time(dt: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return clock.fmt(dt, fmt)


def result_text(result: str | None, language: str) -> str:
    if result is None:
        return translate("Inspection", "未评定")
    return lifecycle.result_label(result, lang_of(language))


def headline_text(headline: Headline, language: str) -> str:
    """A verdict's headline: the result, or the provisional wording while answers are missing."""
    if not headline.provisional:
        return result_text(headline.result, language)
    return headline.label(lang_of(language))


def kind_text(kind: str, language: str) -> str:
    zh, en = lifecycle.KINDS.get(kind, (kind, kind))
    return zh if language.startswith("zh") else en


def problem_text(problem: Problem, lang: str = "zh", site: str | None = None) -> str:
    """A finalize problem (its :class:`~hoteltv.domain.lifecycle.Blocker` code) in the GUI's words; the
    core's message for a problem without a known code. ``site`` names where site-level items are (the
    template's word)."""
    code = problem.code
    if code == Blocker.TOO_FEW_INSPECTORS:
        return translate("Inspection", "至少需要 %1 名检查人员").replace("%1", str(lifecycle.MIN_INSPECTORS))
    if code == Blocker.ROOMS_SHORT:
        return translate("Inspection", "还需抽查 %1 间客房").replace("%1", str(problem.value))
    known = {
        Blocker.IDS_NOT_SHOWN: translate("Inspection", "勾选“已出示执法证件”"),
        Blocker.OPINION_MISSING: translate("Inspection", "填写被检查单位意见"),
        Blocker.SIGNATORY_MISSING: translate("Inspection", "填写被检查单位签字人"),
        Blocker.WITNESS_MISSING: translate("Inspection", "填写拒绝签字的见证人姓名"),
    }
    if code in known:
        return known[Blocker(code)]
    gap = problem.value
    if code == Blocker.EVIDENCE_MISSING and isinstance(gap, EvidenceGap):
        label = gap.label_zh if lang == "zh" else gap.label_en
        return fill(
            translate("Inspection", "%1“%2”不合格：须附照片或写明无法拍照的理由"),
            place_text(gap.room_label, site),
            label,
        )
    return localize(problem.message)


def error_text(exc: BaseException) -> str:
    """What to tell a person about a failed job (the core's message, in the interface language)."""
    _title, text, _details = error_texts(exc)
    return text
