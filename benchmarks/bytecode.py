"""Compiled bytecode for the benchmarks of start-up and stalls, as an installed program has it.

An installed hoteltv has its modules compiled (``.pyc``); a checkout run with ``PYTHONDONTWRITEBYTECODE``
compiles every module from source each time it starts, which is not what a user waits for. The
benchmarks that time imports compile the project once into a cache outside the repository
(``sys.pycache_prefix``) and let their child processes use it.
"""

from __future__ import annotations

import compileall
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(tempfile.gettempdir()) / "hoteltv-bench-pycache"


def use_bytecode() -> Path:
    """Compile ``hoteltv`` and ``ui`` into :data:`CACHE` and import from it in this process."""
    sys.dont_write_bytecode = False
    sys.pycache_prefix = str(CACHE)
    for package in ("hoteltv", "ui"):
        compileall.compile_dir(str(ROOT / package), quiet=1)
    return CACHE


def child_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` for a child process that imports from the compiled cache."""
    out = dict(env)
    out.pop("PYTHONDONTWRITEBYTECODE", None)
    out["PYTHONPYCACHEPREFIX"] = str(CACHE)
    return out


if __name__ == "__main__":  # pragma: no cover
    print(use_bytecode(), os.listdir(CACHE)[:3])
