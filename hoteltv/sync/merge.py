"""The merge rule (:func:`decide`): how an incoming change meets the holder's record — the same on the
server and on a laptop importing a bundle.

* **Per-field records** (divisions, hotels, inspectors, rectification notices): for each changed field, the
  incoming value is taken when the holder's current value still equals the change's ``base`` (nobody else
  changed it), or when the holder's value was written by the sender's own earlier change (its answer was
  lost, or it was forwarded in a bundle, before this newer edit); an equal value is nothing to do;
  otherwise the field is a **conflict**: both values are
  kept, the holder's value stays in force (deterministic: the server's value wins until a person
  resolves it), and the resolution later travels as an ordinary change.
* **Inspection documents** (inspections and their rooms, team and photos): a draft travels as whole-record
  versions and only from the device that owns it; a finalized inspection never changes: the same content
  again is a no-op, different content is refused (409) and reported, never written.

Laptop clocks are never compared: what happened after what is decided by server sequence numbers and the
``base`` values a change carries. Pure functions: no database, no network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hoteltv.sync.protocol import DOCUMENT_ENTITIES, Change, ChangeStatus, FieldConflict
from hoteltv.sync.values import BOOKKEEPING, content, value_problem

#: Fields computed from the inspection history, not typed by anyone: the newest value pushed stands and
#: two laptops finalizing visits to one hotel never make a conflict for the office to resolve.
DERIVED = {"hotels": frozenset({"current_mode", "remediation_status"})}
#: What an edit of a hotel merged into another does not carry over to the hotel that stays (on the server
#: and on a laptop alike): its tombstone fields, and the fields worked out from its own history only (the
#: hotel that stays has its own, worked out again when inspections move to it).
NOT_REDIRECTED = frozenset({"deleted", "merged_into_id", "id"}) | DERIVED["hotels"]
#: The refusal of an inspection part whose inspection has not arrived: it passes once that arrives.
PARENT_NOT_YET = "所属检查记录尚未同步,稍后重试 (its inspection is not there yet; it is sent again next time)"
#: Why a change's field was not taken: another value was written there meanwhile (a conflict).
IN_CONFLICT = (
    "同一字段在两处被修改,暂以服务器的值为准,待办公室处理 "
    "(the same field was changed in two places; the server's value stands until resolved)"
)
#: Two laptops corrected one version offline: the first correction to reach the server stands, so one
#: version is in force (the server's refusal of the second, read on the laptop that made it).
CORRECTED_ELSEWHERE = (
    "这份检查记录已在另一台电脑上更正,本更正未被采用;请同步后在现行版本上重新更正,本机的这份可用 "
    "hoteltv sync --drop 放弃 (the record was already corrected on another computer: this correction was "
    "not taken; sync, then correct the version in force)"
)
#: The same, met on a laptop importing a bundle: this laptop holds a correction of the version already, so
#: the bundle's does not enter here (the laptop that made it keeps it and learns of the refusal at its sync).
CORRECTED_HERE = (
    "这份检查记录在本机已有更正版本,数据包中的这份更正未被采用(它仍保留在做出更正的电脑上) "
    "(the record already has a correction here: the bundle's correction of it was not taken; the computer "
    "that made it still holds it)"
)


def conflict_values(c: FieldConflict, kept_source: str, other_source: str) -> dict[str, Any]:
    """What a laptop keeps of conflict ``c`` (``SyncConflict.values``): the holder's value in force, the
    incoming one beside it, each with where it came from."""
    return {
        "kept": c.server,
        "other": c.client,
        "base": c.base,
        "kept_source": kept_source,
        "other_source": other_source,
    }


# --- the merge rule -----------------------------------------------------------------------------------------


@dataclass
class Decision:
    """What to do with one incoming change (see module docstring)."""

    status: ChangeStatus
    code: int = 200
    reason: str = ""
    #: The record's full values after the change (None: write nothing).
    values: dict[str, Any] | None = None
    conflicts: list[FieldConflict] = field(default_factory=list)
    #: True when the holder's record ends up equal to what the sender has.
    echo: bool = False


def _stamp(merged: dict[str, Any], change: Change, origin_device: str) -> dict[str, Any]:
    out = dict(merged)
    if "updated_at" in change.values:
        out["updated_at"] = change.values["updated_at"]
    out["device_id"] = origin_device
    return out


def decide(
    change: Change,
    current: dict[str, Any] | None,
    parent: dict[str, Any] | None,
    origin_device: str,
    own: Callable[[str], bool] | None = None,
) -> Decision:
    """Meet an incoming change with the holder's ``current`` values (None: the record is new here).

    ``parent`` is the holder's inspection for parts of an inspection (rooms, team, photos). ``own(name)``:
    was the holder's value of that field written by an earlier change of the sender (asked only where the
    field would otherwise be a conflict)?
    """
    problem = value_problem(change.entity, change.values)
    if problem:
        return Decision("refused", 422, problem)
    incoming = dict(change.values)
    incoming["id"] = change.id
    if change.entity in DOCUMENT_ENTITIES:
        return _decide_document(change, incoming, current, parent, origin_device)
    if current is None:
        return Decision("applied", values=_stamp(incoming, change, origin_device), echo=True)
    merged = dict(current)
    conflicts: list[FieldConflict] = []
    changed = False
    for name in change.fields:
        if name in BOOKKEEPING or name == "id" or name not in incoming:
            continue
        new, cur = incoming[name], current.get(name)
        if new == cur:
            continue
        if (
            name in DERIVED.get(change.entity, ())
            or name in change.base
            and change.base[name] == cur
            or name not in change.base
            and change.created
            and cur is None
            or own is not None
            and own(name)
        ):
            merged[name] = new
            changed = True
        else:
            conflicts.append(FieldConflict(field=name, base=change.base.get(name), server=cur, client=new))
    echo = content(merged) == content(incoming)
    if conflicts:
        return Decision(
            "conflict",
            reason=IN_CONFLICT,
            values=_stamp(merged, change, origin_device) if changed else None,
            conflicts=conflicts,
            echo=False,
        )
    if not changed:
        return Decision("unchanged", echo=echo)
    return Decision("applied", values=_stamp(merged, change, origin_device), echo=echo)


def _decide_document(
    change: Change,
    incoming: dict[str, Any],
    current: dict[str, Any] | None,
    parent: dict[str, Any] | None,
    origin_device: str,
) -> Decision:
    if change.entity == "inspections":
        owner = str((current or incoming).get("owner_device_id") or "")
        finalized = current is not None and current.get("status") == "finalized"
        number = incoming.get("record_number") or change.id
    else:
        if parent is None:
            return Decision("refused", 422, PARENT_NOT_YET)
        owner = str(parent.get("owner_device_id") or "")
        finalized = parent.get("status") == "finalized"
        number = parent.get("record_number") or change.id
    if current is not None and content(current) == content(incoming):
        return Decision("unchanged", echo=True)
    if finalized and current is not None:
        # A finalized record sent again: the same content (wherever the copy came from) is nothing to do.
        if _final_content(current) == _final_content(incoming):
            return Decision("unchanged", echo=False)
        if _fills_seal(current, incoming):
            # A record finalized before seals existed gets the seal its laptop made on upgrade, once.
            return Decision("applied", values=_stamp(incoming, change, origin_device), echo=True)
        return Decision(
            "refused",
            409,
            f"检查记录 {number} 已定稿,内容与服务器上的不同,未覆盖;如需更正请新建更正版本 "
            f"(inspection {number} is finalized with different content here; nothing was overwritten)",
        )
    if finalized and owner != origin_device:
        return Decision(
            "refused",
            409,
            f"检查记录 {number} 已定稿,不能再添加内容 (inspection {number} is finalized; nothing can be added)",
        )
    if owner and owner != origin_device:
        return Decision(
            "refused",
            403,
            f"检查记录 {number} 属于另一台设备,只能由那台设备修改 "
            f"(inspection {number} belongs to another device and only that device may change it)",
        )
    return Decision("applied", values=_stamp(incoming, change, origin_device), echo=True)


#: Fields that may differ between two faithful copies of a finalized inspection (who holds it, when the
#: copy was made); everything else must be identical.
_COPY_FIELDS = frozenset({"owner_device_id"})


def _final_content(values: dict[str, Any], strip: frozenset[str] = _COPY_FIELDS) -> dict[str, Any]:
    return {k: v for k, v in content(values).items() if k not in strip}


#: A finalized inspection's seal (hoteltv.services.seal): filled in once for records made before seals.
_SEAL_FIELDS = frozenset({"seal_json", "seal_hash"})


def _fills_seal(current: dict[str, Any], incoming: dict[str, Any]) -> bool:
    """The incoming copy differs only by a seal that the held copy does not have yet."""
    if current.get("seal_hash") or not incoming.get("seal_hash"):
        return False
    strip = _COPY_FIELDS | _SEAL_FIELDS
    return _final_content(current, strip) == _final_content(incoming, strip)
