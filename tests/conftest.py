"""Shared test set-up: Qt draws offscreen, every temporary folder sits under an awkward name, and a test
can ask for its own empty data folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

import hoteltv  # noqa: F401  (first: it sets how openpyxl writes files, before any test imports openpyxl)

# Before anything imports Qt: no screen is needed, here or in CI.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: The name a Chinese Windows user's folder gives a path: Chinese characters, a space, ``%20`` and ``#``.
#: Every test's data folder, and every temporary file the program makes during the suite, lives under
#: it, so a path that is escaped, URL-decoded or encoded wrongly anywhere fails the suite, not a laptop.
AWKWARD_FOLDER = "hoteltv 检查员 的数据%20#1"


#: The pytest-xdist worker this process is (``gw0``, ``gw1``, …), or None in a run without workers.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def _awkward_temp_root() -> Path:
    """The temporary folder of this test process: under :data:`AWKWARD_FOLDER`, and, in a run split over
    pytest-xdist workers, a folder of this worker's own below it, so a test that looks for what the program
    left in the temporary folder sees only its own process's files."""
    root = Path(tempfile.gettempdir())
    if AWKWARD_FOLDER not in str(root):
        root = root / AWKWARD_FOLDER
    if XDIST_WORKER and root.name != XDIST_WORKER:
        root = root / XDIST_WORKER
    root.mkdir(parents=True, exist_ok=True)
    return root


_root = str(_awkward_temp_root())
if tempfile.gettempdir() != _root:
    os.environ["PYTEST_DEBUG_TEMPROOT"] = _root  # pytest's tmp_path root (read when first used)
    os.environ["TMPDIR"] = _root  # the program's own temporary files, here and in child processes
    tempfile.tempdir = _root


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder for this test only, set as ``HOTELTV_HOME``."""
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("HOTELTV_HOME", str(path))
    return path
