"""Benchmarks: scripts that measure the speed goals of the issues against baselines measured in the same run."""

import hoteltv  # noqa: F401, E402  (first: it sets how openpyxl writes files, before a script imports openpyxl)
