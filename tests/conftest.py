"""Shared test set-up: Qt draws offscreen, and a test can ask for its own empty data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Before anything imports Qt: no screen is needed, here or in CI.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder for this test only, set as ``HOTELTV_HOME``."""
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("HOTELTV_HOME", str(path))
    return path
