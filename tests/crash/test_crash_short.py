"""The crash campaign's short mode, run in CI: a dozen kills across every scenario, well under a minute.

The long mode (``python -m tests.crash.harness --trials 200 --scenario all``) is run by hand; see the
README's "Crash and fault campaigns".
"""

from __future__ import annotations

import sys

import pytest

from tests.crash.harness import run_campaign
from tests.crash.scenarios import SCENARIOS

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and fork-free POSIX semantics")


def test_short_crash_campaign_finds_nothing() -> None:
    names = list(SCENARIOS)
    campaign = run_campaign(2 * len(names), names, seed=20261127, size="small")
    assert len(campaign.trials) == 2 * len(names)
    assert sum(t.killed for t in campaign.trials) >= len(names) // 2, campaign.table()
    failures = [f"{t.scenario}/{t.variant} #{t.index}: {'; '.join(t.problems)}" for t in campaign.failures]
    assert not failures, "\n".join(failures) + "\n" + campaign.table()
