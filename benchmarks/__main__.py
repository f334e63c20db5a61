"""Run every benchmark: ``python -m benchmarks`` (or ``python -m benchmarks NAME…`` for some of them).

See :mod:`benchmarks.run_all`: each ``benchmarks/bench_*.py`` runs at 1,000 and 10,000 hotels where
the size matters, and one table of medians with their baselines' ratios is printed and written to
``benchmarks/results/latest.json``.
"""

from __future__ import annotations

import sys

from benchmarks.run_all import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
