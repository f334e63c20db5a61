"""How hard the fuzz tests try: a bounded, repeatable run in CI, or a long exploration by hand.

    pytest tests/fuzz                               # CI: few examples each, derandomized, seconds per test
    HYPOTHESIS_PROFILE=long pytest tests/fuzz       # by hand: 20 times the examples, random seeds

A failing example is printed by hypothesis and kept in ``.hypothesis/`` (git-ignored), so the next run
tries it first; turn it into a plain regression test beside the fuzz test that found it.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

LONG = os.environ.get("HYPOTHESIS_PROFILE", "").lower() == "long"


def fuzz(examples: int) -> settings:
    """Settings for one fuzz test: ``examples`` in CI (derandomized), 20× as many in the long profile."""
    return settings(
        max_examples=examples * 20 if LONG else examples,
        deadline=None,
        derandomize=not LONG,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
