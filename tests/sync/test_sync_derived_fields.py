"""Fields derived from the inspection history never become conflicts for the office to resolve."""

from __future__ import annotations

from hoteltv.sync.merge import decide
from hoteltv.sync.protocol import Change


def _change(fields: dict[str, object], base: dict[str, object]) -> Change:
    return Change(
        entity="hotels",
        id="h1",
        seq=7,
        version=3,
        fields=sorted(fields),
        base=base,
        values=dict(fields),
        created=False,
    )


def test_derived_status_takes_the_newest_push_without_conflict() -> None:
    current = {"id": "h1", "name": "甲", "remediation_status": "compliant", "current_mode": "welcome"}
    change = _change(
        {"remediation_status": "rectifying", "current_mode": "self_built"},
        {"remediation_status": "not_inspected", "current_mode": "none"},
    )
    decision = decide(change, current, None, "dev-b")
    assert decision.status == "applied" and not decision.conflicts
    assert decision.values is not None and decision.values["remediation_status"] == "rectifying"


def test_typed_fields_still_conflict() -> None:
    current = {"id": "h1", "name": "甲(办公室改)", "remediation_status": "compliant"}
    decision = decide(_change({"name": "甲(现场改)"}, {"name": "甲"}), current, None, "dev-b")
    assert decision.status == "conflict" and [c.field for c in decision.conflicts] == ["name"]
