"""The remediation lifecycle as pure rules: inspection → notice → re-inspection → closed.

A hotel's remediation status follows from its history (never typed by hand):

=====================  ====================================================================
status                 when
=====================  ====================================================================
not_inspected          no finalized inspection yet
compliant              latest finalized inspection 合格 and no open notice
basically_compliant    latest finalized inspection 基本合格 and no open notice
failed                 latest finalized inspection 不合格 and no notice issued for it yet
rectifying             a rectification notice is open (overdue once its deadline has passed)
rectified              the last notice was closed by a passing re-inspection
=====================  ====================================================================
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

STATUSES: dict[str, tuple[str, str]] = {
    "not_inspected": ("未检查", "Not inspected"),
    "compliant": ("合格", "Compliant"),
    "basically_compliant": ("基本合格", "Basically compliant"),
    "failed": ("不合格待整改", "Failed, notice pending"),
    "rectifying": ("整改中", "Rectifying"),
    "rectified": ("已整改", "Rectified"),
}

RESULTS: dict[str, tuple[str, str]] = {
    "pass": ("合格", "Pass"),
    "basic": ("基本合格", "Basically compliant"),
    "fail": ("不合格", "Fail"),
}

KINDS: dict[str, tuple[str, str]] = {
    "first": ("首次检查", "First inspection"),
    "reinspection": ("复查", "Re-inspection"),
}

#: An inspection is a draft until it is finalized (then it never changes).
INSPECTION_STATUSES: tuple[str, ...] = ("draft", "finalized")
#: A notice is open until a passing re-inspection closes it, or a new version (延期/更正) supersedes it.
NOTICE_STATUSES: tuple[str, ...] = ("open", "closed", "superseded")

#: Days a rectification notice gives by default (the ``notice_deadline_days`` setting starts here).
DEFAULT_DEADLINE_DAYS = 7

#: An inspection is made by at least this many enforcement officers (两名以上执法人员); a record with fewer
#: cannot be finalized, imported as finalized, or started from the team dialog.
MIN_INSPECTORS = 2


class Blocker(StrEnum):
    """What still stops a draft from being finalized: the ``code`` of each problem that
    :func:`hoteltv.services.inspections.finalize_problems` returns."""

    TOO_FEW_INSPECTORS = "too_few_inspectors"  # value: the minimum
    IDS_NOT_SHOWN = "ids_not_shown"
    ROOMS_SHORT = "rooms_short"  # value: how many rooms are still to sample
    UNANSWERED = "unanswered"  # value: the :class:`hoteltv.domain.rules.MissingItem`
    EVIDENCE_MISSING = "evidence_missing"  # value: the :class:`hoteltv.services.inspections.EvidenceGap`
    WITNESS_MISSING = "witness_missing"
    OPINION_MISSING = "opinion_missing"
    SIGNATORY_MISSING = "signatory_missing"
    UNTRUE_TIME = "untrue_time"  # a start or end in the future, or an end before the start


def status_label(status: str, lang: str = "zh") -> str:
    zh, en = STATUSES.get(status, (status, status))
    return zh if lang.startswith("zh") else en


def result_label(result: str | None, lang: str = "zh") -> str:
    if result is None:
        return "—"
    zh, en = RESULTS.get(result, (result, result))
    return zh if lang.startswith("zh") else en


def remediation_status(latest_result: str | None, open_notice: bool, last_notice_closed_by_pass: bool) -> str:
    """The hotel's status from the facts of its history (see module docstring)."""
    if open_notice:
        return "rectifying"
    if latest_result is None:
        return "not_inspected"
    if latest_result == "fail":
        return "failed"
    if last_notice_closed_by_pass:
        return "rectified"
    return "compliant" if latest_result == "pass" else "basically_compliant"


def hotel_state(
    inspections: Iterable[Mapping[str, Any]],
    notices: Iterable[Mapping[str, Any]],
    drives_status: Callable[[Mapping[str, Any] | None], bool],
) -> tuple[str | None, str]:
    """A hotel's ``(current mode, remediation status)`` from its history: its inspections and notices as
    column values (times as datetimes). The mode is None when no counted inspection names one (the hotel
    keeps what it has). ``drives_status(inspection)`` says whether that inspection's checklist speaks for
    the hotel's TV remediation (a satellite-facilities check does not; None: an inspection not here).

    The one rule for the laptop (:func:`hoteltv.services.inspections.refresh_hotel`) and the server (a
    hotel that inspections were moved to, see :mod:`hoteltv.sync.server.service`).
    """
    by_id = {i["id"]: i for i in inspections}
    finalized = sorted(
        (i for i in by_id.values() if i.get("status") == "finalized" and not i.get("deleted")),
        key=lambda i: (_when(i.get("started_at")), _when(i.get("finalized_at"))),
    )
    replaced = {i.get("supersedes_id") for i in finalized}
    effective = [i for i in finalized if i["id"] not in replaced and drives_status(i)]
    counted = {i["id"] for i in effective}
    kept = sorted(
        (
            n
            for n in notices
            if not n.get("deleted")
            and (n.get("inspection_id") in counted or drives_status(by_id.get(n.get("inspection_id"))))
        ),
        key=lambda n: _when(n.get("issued_at")),
    )
    latest = effective[-1] if effective else None
    status = remediation_status(
        latest.get("result") if latest else None,
        any(n.get("status") == "open" for n in kept),
        bool(kept) and kept[-1].get("status") == "closed",
    )
    mode = (latest.get("hotel_answers") or {}).get("tv_mode") if latest else None
    return (str(mode) if mode else None), status


def _when(value: Any) -> tuple[bool, Any]:
    """A sort key that puts a missing time first (as SQL's ORDER BY does on SQLite)."""
    return (value is not None, value)


def is_overdue(deadline: date | None, status: str, today: date) -> bool:
    return deadline is not None and status == "open" and deadline < today


def default_deadline(issued: date, days: int = DEFAULT_DEADLINE_DAYS) -> date:
    return issued + timedelta(days=days)


def notice_closes(reinspection_result: str) -> bool:
    """A re-inspection closes its notice when nothing critical fails any more (合格 or 基本合格)."""
    return reinspection_result in ("pass", "basic")
