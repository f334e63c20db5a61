"""A laptop install runs without the server's packages (issue 13): every module of ``hoteltv`` outside
``hoteltv.sync.server``, and the sync panel of the GUI, import in a fresh interpreter where the server
package and FastAPI, Starlette, uvicorn and psycopg cannot be imported — and then run a bundle export."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BLOCKED = ("hoteltv.sync.server", "fastapi", "starlette", "uvicorn", "psycopg")

# Runs in a fresh interpreter: a finder that refuses the server side, then every laptop-side module.
IMPORT_LAPTOP_SIDE = r"""
import importlib, importlib.abc, json, pkgutil, sys, traceback

BLOCKED = sys.argv[1].split(",")

class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if any(name == b or name.startswith(b + ".") for b in BLOCKED):
            raise ImportError(f"{name} is blocked: the laptop side must not import the server")
        return None

sys.meta_path.insert(0, Refuse())
for probe in ("hoteltv.sync.server", "fastapi"):
    try:
        importlib.import_module(probe)
    except ImportError:
        pass
    else:
        sys.exit(f"the blocker let {probe} through")
import hoteltv

SKIP = {"hoteltv.db.migrations.env"}  # runs only inside Alembic
failures, names = {}, []
def on_error(name):
    if not name.startswith("hoteltv.sync.server"):  # walking into the blocked package: expected
        failures[name] = traceback.format_exc()
for info in pkgutil.walk_packages(hoteltv.__path__, "hoteltv.", onerror=on_error):
    if info.name in SKIP or info.name.startswith("hoteltv.sync.server"):
        continue
    names.append(info.name)
    try:
        importlib.import_module(info.name)
    except BaseException:
        failures[info.name] = traceback.format_exc()
for name in ("ui.sync_panel",):
    names.append(name)
    try:
        importlib.import_module(name)
    except BaseException:
        failures[name] = traceback.format_exc()

# And it works: a laptop with a record exports a bundle.
from pathlib import Path
from hoteltv.db.engine import Database
from hoteltv.photos.store import PhotoStore
from hoteltv.sync.bundle import export_bundle
from hoteltv.services.setup import ensure_divisions
from hoteltv.domain.divisions import default_divisions

home = Path(sys.argv[2])
db = Database.open(home)
ensure_divisions(db, default_divisions())
export = export_bundle(db, PhotoStore.for_home(home), home / "out.htvbundle")
db.close()
loaded = sorted(m for m in sys.modules if any(m == b or m.startswith(b + ".") for b in BLOCKED))
print(json.dumps({"modules": names, "failures": failures, "loaded": loaded, "changes": export.changes}))
"""


def test_laptop_side_imports_and_works_without_the_server(tmp_path: Path) -> None:
    env = {**os.environ, "HOTELTV_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-c", IMPORT_LAPTOP_SIDE, ",".join(BLOCKED), str(tmp_path / "laptop")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["failures"] == {}, "\n".join(f"{k}:\n{v}" for k, v in out["failures"].items())
    assert out["loaded"] == []
    # The laptop-side sync modules are among those imported (the split keeps them apart from the server).
    for name in (
        "hoteltv.sync.client",
        "hoteltv.sync.transport",
        "hoteltv.sync.photo_transfer",
        "hoteltv.sync.values",
        "hoteltv.sync.merge",
        "hoteltv.sync.outbox",
        "hoteltv.sync.apply",
        "hoteltv.sync.bundle",
    ):
        assert name in out["modules"], name
    assert out["changes"] > 0


@pytest.mark.parametrize("blocked", BLOCKED)
def test_the_blocker_blocks(blocked: str) -> None:
    """The finder above refuses each blocked name (so the test above cannot pass by accident)."""
    code = IMPORT_LAPTOP_SIDE.split("sys.meta_path.insert(0, Refuse())")[0] + (
        "sys.meta_path.insert(0, Refuse())\n"
        f"try:\n    importlib.import_module({blocked!r})\nexcept ImportError:\n    print('blocked')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, ",".join(BLOCKED)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.stdout.strip() == "blocked", proc.stderr[-2000:]


#: Command-line modules that run server commands when asked (``hoteltv server``, ``users``, ``release
#: publish`` …): they import the server inside those commands only, which the import test above proves.
SERVER_COMMANDS = {"hoteltv/sync/cli.py", "hoteltv/sync/release_cli.py"}


def test_no_laptop_module_imports_the_server_anywhere() -> None:
    """Not even inside a function (``bundle.py`` once did, for the server-side bundle import)."""
    import ast

    import hoteltv

    root = Path(hoteltv.__file__).resolve().parent.parent
    offenders = []
    for path in sorted([*(root / "hoteltv").rglob("*.py"), *(root / "ui").rglob("*.py")]):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("hoteltv/sync/server/") or rel in SERVER_COMMANDS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            if any(n == b or n.startswith(b + ".") for n in names for b in BLOCKED):
                offenders.append(f"{rel}:{node.lineno}")
    assert offenders == []
