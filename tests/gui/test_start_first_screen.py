"""The start-up's first screen: the registry is filled from plain sqlite3 rows before SQLAlchemy loads (when
the schema is at head), it is usable (rows, search), and the database opens afterwards and follows changes;
a folder with an older schema is upgraded first, the normal way."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from PySide6.QtCore import QCoreApplication

from hoteltv.db.engine import DB_FILENAME, alembic_config, current_revision, head_revision, sqlite_url
from hoteltv.services import hotels as hotel_service
from hoteltv.services import setup
from ui import app as gui
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def start(qtbot: Any, home: Path) -> MainWindow:
    _app, window = gui.start(["--home", str(home)])
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    return window


def stop(window: MainWindow) -> None:
    window.close()
    window.ctx.close()
    QCoreApplication.setOrganizationName("hoteltv-tests")


def test_the_registry_is_filled_before_the_database_opens(
    qtbot: Any, home: Path, demo_template: Path
) -> None:
    shutil.copytree(demo_template, home, dirs_exist_ok=True)
    window = start(qtbot, home)
    ctx, registry = window.ctx, window.registry
    try:
        assert registry.loaded and not ctx.db_open  # filled inside start(), the database not opened yet
        shown = list(registry.model.hotels())
        assert registry.stack.currentWidget() is registry.table_page
        target = shown[5]
        registry.search.setText(target.name)  # as typed (keyClicks sends ASCII only)
        assert registry.proxy.rowCount() == 1 and registry.proxy.hotel(registry.proxy.index(0, 0)) == target
        registry.search.clear()
        gui.warm_up(ctx).join(60)
        assert ctx.db_open
        assert shown == hotel_service.list_hotels(ctx.db)
        # The database opened late still reaches the registry: an edit elsewhere shows in the table.
        data = hotel_service.HotelInput(**{**target.as_input().__dict__, "name": target.name + "（新）"})
        hotel_service.update_hotel(ctx.db, target.id, data, ctx.divisions)
        qtbot.waitUntil(
            lambda: any(h.name == target.name + "（新）" for h in registry.model.hotels()), timeout=10_000
        )
    finally:
        stop(window)


def test_an_older_schema_is_upgraded_before_the_window_shows_it(
    qtbot: Any, home: Path, monkeypatch: Any
) -> None:
    read: list[Path] = []
    home_settings = setup.home_settings
    monkeypatch.setattr(
        setup,
        "home_settings",
        lambda folder, problems: read.append(folder) or home_settings(folder, problems),
    )
    head = ScriptDirectory.from_config(alembic_config()).get_revision(head_revision())
    assert head is not None and isinstance(head.down_revision, str)
    old = create_engine(sqlite_url(home / DB_FILENAME))
    with old.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, head.down_revision)
    old.dispose()
    window = start(qtbot, home)
    try:
        assert window.ctx.db_open and current_revision(window.ctx.db.engine) == head_revision()
        assert read == [home]  # the settings are read once, not again for the normal way
        qtbot.waitUntil(lambda: window.registry.loaded, timeout=10_000)
    finally:
        stop(window)


#: In a fresh process: start the GUI on a data folder and say what was loaded when start() returned.
CHILD = r"""
import sys
from PySide6.QtCore import QSettings
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[2])
from ui import app as gui
app, window = gui.start(["--home", sys.argv[1]])
loaded = sorted({m.split(".")[0] for m in sys.modules if m.startswith(("sqlalchemy", "alembic"))})
print("ROWS", window.registry.model.rowCount(), "LOADED", ",".join(loaded) or "-", flush=True)
"""


def test_no_sqlalchemy_before_the_first_screen(home: Path, demo_template: Path, tmp_path: Path) -> None:
    shutil.copytree(demo_template, home, dirs_exist_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(home), str(tmp_path / "qsettings")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    found = re.search(r"ROWS (\d+) LOADED (\S+)", result.stdout)
    assert found is not None, result.stdout + result.stderr[-2000:]
    assert int(found[1]) > 30 and found[2] == "-"  # the demo's hotels shown; neither SQLAlchemy nor Alembic
