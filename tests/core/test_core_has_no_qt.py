"""The core (``hoteltv/``) never imports Qt or the GUI: every module imports with Qt blocked, and no
source file names PySide6, shiboken6 or ``ui`` in an import."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import hoteltv

CORE = Path(hoteltv.__file__).resolve().parent
FORBIDDEN = ("PySide6", "shiboken6", "ui")

# Runs in a fresh interpreter: a finder that refuses the forbidden packages, then every core module.
IMPORT_ALL_WITH_QT_BLOCKED = r"""
import importlib, importlib.abc, json, pkgutil, sys, traceback

FORBIDDEN = set(sys.argv[1].split(","))

class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in FORBIDDEN:
            raise ImportError(f"{name} is blocked: the core must not import Qt or ui")
        return None

sys.meta_path.insert(0, Refuse())
try:
    import PySide6
except ImportError:
    pass
else:
    sys.exit("the blocker let PySide6 through")
import hoteltv

# Alembic's env.py runs only inside Alembic (it reads alembic.context at import); the source scan
# covers it.
SKIP = {"hoteltv.db.migrations.env"}
failures = {}
names = []
def on_error(name):
    failures[name] = traceback.format_exc()
for info in pkgutil.walk_packages(hoteltv.__path__, "hoteltv.", onerror=on_error):
    names.append(info.name)
    if info.name in SKIP:
        continue
    try:
        importlib.import_module(info.name)
    except BaseException:
        failures[info.name] = traceback.format_exc()
print(json.dumps({"modules": names, "failures": failures}))
"""


def test_every_core_module_imports_with_qt_blocked(tmp_path: Path) -> None:
    env = {**os.environ, "HOTELTV_HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL_WITH_QT_BLOCKED, ",".join(FORBIDDEN)],
        cwd=CORE.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "hoteltv.resources" in result["modules"], result["modules"]
    failures = "\n".join(f"--- {name}\n{tb}" for name, tb in result["failures"].items())
    assert not result["failures"], f"core modules that fail to import with Qt blocked:\n{failures}"


def _forbidden_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        found += [f"{path}:{node.lineno}: {m}" for m in modules if m.partition(".")[0] in FORBIDDEN]
    return found


def test_no_core_source_imports_qt_or_ui() -> None:
    sources = sorted(CORE.rglob("*.py"))
    assert len(sources) > 1
    found = [hit for path in sources for hit in _forbidden_imports(path)]
    assert not found, "the core must not import Qt or ui:\n" + "\n".join(found)
