"""The import layers in setup.cfg (``[importlinter]``) hold: the core never imports the GUI or Qt, and only
the server imports the server. The contracts are also run on a small tree that breaks both, to prove they
refuse what they should."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN = (
    "import sys; from importlinter.cli import lint_imports; "
    "sys.exit(lint_imports(config_filename='setup.cfg', no_cache=True, no_logo=True))"
)


def _lint(folder: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(folder), PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-c", RUN],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_project_keeps_its_import_layers() -> None:
    proc = _lint(ROOT)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "2 kept, 0 broken" in proc.stdout


def test_the_contracts_refuse_a_violation(tmp_path: Path) -> None:
    files = {
        "hoteltv/__init__.py": "",
        "hoteltv/report.py": "import ui.window\n",  # the core importing the GUI
        "hoteltv/sync/__init__.py": "",
        "hoteltv/sync/client.py": "from hoteltv.sync.server import app\n",  # the laptop importing the server
        "hoteltv/sync/cli.py": "from hoteltv.sync.server import app\n",  # ignored: the server's commands
        "hoteltv/sync/release_cli.py": "from hoteltv.sync.server import app\n",
        "hoteltv/sync/server/__init__.py": "",
        "hoteltv/sync/server/app.py": "import hoteltv.sync.client\n",  # the server may use the core
        "ui/__init__.py": "",
        "ui/window.py": "import hoteltv.report\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    kept = configparser.ConfigParser(interpolation=None)
    for section in config.sections():
        if section.startswith("importlinter"):
            kept[section] = dict(config[section])
    with (tmp_path / "setup.cfg").open("w", encoding="utf-8") as fh:
        kept.write(fh)
    proc = _lint(tmp_path)
    assert proc.returncode != 0
    out = proc.stdout
    assert "0 kept, 2 broken" in out, out[-4000:]
    assert "hoteltv.report -> ui.window" in out
    assert "hoteltv.sync.client -> hoteltv.sync.server.app" in out
    assert "hoteltv.sync.cli ->" not in out
