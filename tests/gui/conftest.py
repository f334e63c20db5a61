"""Fixtures for the GUI tests: a data folder opened as the GUI opens it, with jobs run at once.

``ctx`` is an ``AppContext`` on an empty data folder whose runner is synchronous (a job's callbacks
have run when ``submit`` returns), ``demo_ctx`` the same with the demo data loaded (copied from one
demo database made per test session, since loading it takes seconds). Qt's own settings (window
state, column widths) go to a folder of each test's own, never to the user's.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget

from hoteltv.services.demo import load_demo
from hoteltv.services.setup import open_home
from ui.app import install_translators
from ui.context import AppContext
from ui.worker import JobRunner


@pytest.fixture(autouse=True)
def qt_settings(tmp_path: Path, qapp: QApplication) -> Iterator[Path]:
    """Each test's QSettings live in its own folder, in INI format."""
    folder = tmp_path / "qsettings"
    folder.mkdir()
    QCoreApplication.setOrganizationName("hoteltv-tests")
    QCoreApplication.setApplicationName("hoteltv-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    install_translators(qapp, "zh_CN")
    yield folder


def open_context(home: Path) -> AppContext:
    runner = JobRunner()
    runner.synchronous = True
    return AppContext.open(home, runner)


@pytest.fixture
def ctx(home: Path) -> Iterator[AppContext]:
    """An empty data folder opened for the GUI; background jobs run at once."""
    context = open_context(home)
    yield context
    context.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the demo data, made once per session and copied by ``demo_ctx``."""
    folder = tmp_path_factory.mktemp("demo-template")
    db, _settings, divisions = open_home(folder)
    try:
        load_demo(db, divisions)
    finally:
        db.close()
    return folder


@pytest.fixture
def demo_ctx(home: Path, demo_template: Path) -> Iterator[AppContext]:
    """Like ``ctx``, with the demo data (35 pilot hotels: 24/4/4/3, one overdue notice)."""
    shutil.copytree(demo_template, home, dirs_exist_ok=True)
    context = open_context(home)
    yield context
    context.close()


@pytest.fixture
def type_text(qtbot: Any) -> Callable[[QWidget, str], None]:
    """``type_text(widget, text)`` types as a user does: ASCII by key clicks, Chinese as an input method
    commits it (QTest can only synthesise key events for ASCII; Chinese arrives from the IME as a
    ``QInputMethodEvent`` commit, which is what this sends)."""

    def type_into(widget: QWidget, text: str) -> None:
        for run in _runs(text):
            if run.isascii():
                qtbot.keyClicks(widget, run)
            else:
                event = QInputMethodEvent()
                event.setCommitString(run)
                QApplication.sendEvent(widget, event)

    return type_into


def _runs(text: str) -> list[str]:
    runs: list[str] = []
    for ch in text:
        if runs and runs[-1][-1].isascii() == ch.isascii():
            runs[-1] += ch
        else:
            runs.append(ch)
    return runs
