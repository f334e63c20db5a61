"""What a benchmark reports besides printing it: one call per measured figure, gathered by
:mod:`benchmarks.run_all` into one table and ``benchmarks/results/latest.json``.

A benchmark run on its own keeps printing as before; recording costs nothing when nobody collects.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Figure:
    """One median: what was measured, at what size, and the baseline measured in the same run."""

    bench: str
    what: str
    median_s: float
    hotels: int | None = None
    baseline: str | None = None
    baseline_s: float | None = None
    aim_s: float | None = None
    runs: int | None = None

    @property
    def ratio(self) -> float | None:
        """Product time over baseline time (1.0 = as fast as the baseline; lower is better)."""
        if self.baseline_s is None or self.baseline_s <= 0:
            return None
        return self.median_s / self.baseline_s

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}


FIGURES: list[Figure] = []


def record(bench: str, what: str, median_s: float, **kw: Any) -> None:
    """Note one median (seconds); see :class:`Figure` for the optional fields."""
    FIGURES.append(Figure(bench, what, float(median_s), **kw))
