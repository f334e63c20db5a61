"""The sync fault campaign's short mode, run in CI: ten seeded trials (one with a real server process
killed by SIGKILL), each healed and checked against the model of what the laptops wrote.

The long mode (``python -m tests.syncfault.campaign --trials 120``) is run by hand; see the README's "Crash
and fault campaigns". The second test proves the oracle can fail: with a bug planted in the server (every
4th new record pushed answered "applied" and never written), three trials must all be reported failed.
"""

from __future__ import annotations

import sys

import pytest

from hoteltv.sync.protocol import ChangeResult
from hoteltv.sync.server import service
from tests.syncfault.campaign import run_campaign

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL of the server process")

SEED = 20261127
TRIALS = 10
STEPS = 22
SUBPROCESS_EVERY = 10  # trial 9 runs a real `hoteltv serve`


def test_short_sync_fault_campaign_finds_nothing() -> None:
    campaign = run_campaign(range(TRIALS), seed=SEED, steps=STEPS, subprocess_every=SUBPROCESS_EVERY)
    assert len(campaign.trials) == TRIALS
    faults = campaign.faults()
    for kind in ("refused", "lost_answer", "cut", "duplicate", "held", "crash", "kill"):
        assert faults[kind] > 0, f"no {kind!r} fault injected:\n{campaign.summary()}"
    failures = [
        f"trial {t.index} ({t.mode}): "
        + "\n    ".join(t.problems[:10])
        + "\n  steps:\n    "
        + "\n    ".join(t.log)
        for t in campaign.failures
    ]
    assert not failures, "\n".join(failures) + "\n" + campaign.summary()


def test_the_oracle_catches_a_server_that_drops_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    real = service._apply_change
    calls = {"new": 0}

    def dropping(s, caller, device, change, records, seqs):  # type: ignore[no-untyped-def]
        if change.entity != "divisions" and records.get(change.entity, change.id) is None:
            calls["new"] += 1
            if calls["new"] % 4 == 0:  # the planted bug: a new record answered "applied", never written
                return ChangeResult(
                    entity=change.entity, id=change.id, status="applied", version=change.version
                )
        return real(s, caller, device, change, records, seqs)

    monkeypatch.setattr(service, "_apply_change", dropping)
    campaign = run_campaign(range(3), seed=SEED, steps=STEPS, subprocess_every=0)
    assert len(campaign.failures) == 3, campaign.summary()
    problems = [p for t in campaign.failures for p in t.problems]
    assert any(p.startswith("lost: ") for p in problems), problems[:20]
