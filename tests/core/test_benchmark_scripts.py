"""Each benchmark script runs on its own from the project folder, as the README says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted(p.stem for p in (ROOT / "benchmarks").glob("bench_*.py"))


def test_there_are_benchmark_scripts() -> None:
    assert len(SCRIPTS) >= 5


@pytest.mark.parametrize("how", ["module", "path"])
@pytest.mark.parametrize("name", SCRIPTS)
def test_a_benchmark_script_answers_help_on_its_own(name: str, how: str) -> None:
    """``python -m benchmarks.bench_X`` and ``python benchmarks/bench_X.py`` both work from the project folder."""
    command = ["-m", f"benchmarks.{name}"] if how == "module" else [f"benchmarks/{name}.py"]
    done = subprocess.run(
        [sys.executable, *command, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout
