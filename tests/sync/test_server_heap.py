"""A server process sets aside what starting made from the garbage collector (:mod:`hoteltv.sync.server.heap`):
checked in a worker process as ``hoteltv serve --workers N`` starts one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hoteltv.db.engine import sqlite_url
from hoteltv.sync.server.workers import ENV_DATABASE, ENV_PHOTOS

WORKER = """
import gc
from hoteltv.sync.server.workers import app_from_env
before = gc.get_freeze_count()
app_from_env()
print(before, gc.get_freeze_count())
"""


def test_a_worker_process_sets_its_startup_objects_aside(tmp_path: Path) -> None:
    env = {
        **os.environ,
        ENV_DATABASE: sqlite_url(tmp_path / "server.db").render_as_string(hide_password=False),
        ENV_PHOTOS: str(tmp_path / "photos"),
    }
    done = subprocess.run(
        [sys.executable, "-c", WORKER], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    before, after = (int(n) for n in done.stdout.split()[-2:])
    assert before == 0 and after > 10_000  # the modules, the application, its routes and models
