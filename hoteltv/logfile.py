"""Log files in the data folder's ``logs/``: the GUI's running log and the command line's crash reports.

On Windows the GUI runs under ``pythonw.exe`` (no console window to close by mistake); there
``sys.stdout`` and ``sys.stderr`` are None, so a log that goes to stderr goes nowhere and a stray
``sys.stderr.write`` raises. :func:`ensure_std_streams` gives them somewhere harmless to write, and
:func:`log_to_file` keeps what happened in ``<data folder>/logs/hoteltv-gui.log`` for a bug report.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from datetime import datetime
from pathlib import Path

LOG_FOLDER = "logs"
GUI_LOG = "hoteltv-gui.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_folder(home: Path) -> Path:
    """Where the data folder ``home`` keeps its log files."""
    return Path(home) / LOG_FOLDER


def ensure_std_streams() -> bool:
    """Point a missing ``sys.stdout``/``sys.stderr`` (pythonw) at the null device; True if one was missing."""
    missing = False
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - lives as long as the program
            missing = True
    return missing


def log_to_file(home: Path, name: str = GUI_LOG, level: int = logging.INFO) -> Path | None:
    """Add a rotating UTF-8 log file (1 MB, 3 old ones kept) under ``logs/`` to the root logger.

    Returns its path, or None when the folder cannot be written (the program runs on without it). Calling
    it again for the same file adds no second handler.
    """
    path = log_folder(home) / name
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename) == path.absolute():
            return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8", delay=False
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.setLevel(level)
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    return path


def write_crash_report(home: Path, text: str) -> Path | None:
    """Write ``text`` (a traceback) to ``logs/crash-<time>.txt``; its path, or None if it cannot be written."""
    try:
        folder = log_folder(home)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{datetime.now():%Y%m%d-%H%M%S}.txt"
        path.write_text(text, encoding="utf-8")
        return path
    except OSError:
        return None
