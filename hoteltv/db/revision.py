"""Is a database's schema at head? Decided with the standard library only (no SQLAlchemy, no Alembic).

The GUI's first screen reads the registry with plain ``sqlite3`` before SQLAlchemy is loaded; it may only
do so when the schema is already at the migrations' head (otherwise the normal opening, which migrates,
comes first). :func:`quick_head` reads the head straight from the migration files; a test proves it is
Alembic's head.
"""

from __future__ import annotations

import re
import sqlite3
from functools import cache
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The database file in a data folder.
DB_FILENAME = "hoteltv.db"

_REVISION = re.compile(r"""^revision(?:\s*:[^=]*)?\s*=\s*["']([^"']+)["']""", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?:\s*:[^=]*)?\s*=\s*(.*)$", re.MULTILINE)


@cache
def quick_head(migrations: Path = MIGRATIONS) -> str | None:
    """The head revision read straight from the migration files in ``migrations`` (no Alembic import,
    which costs a large part of the GUI's start-up); None when the files do not make one clear head."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for file in (migrations / "versions").glob("*.py"):
        source = file.read_text(encoding="utf-8")
        rev, down = _REVISION.findall(source), _DOWN.findall(source)
        if len(rev) != 1 or len(down) != 1:
            return None
        revisions.add(rev[0])
        parents.update(re.findall(r"""["']([^"']+)["']""", down[0]))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def stored_revision(conn: sqlite3.Connection) -> str | None:
    """The schema revision recorded in an SQLite database (None when there is none or several)."""
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'")
    if found.fetchone() is None:
        return None
    rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    return str(rows[0][0]) if len(rows) == 1 else None


def at_head(conn: sqlite3.Connection) -> bool:
    """True when the database's schema is the migrations' head (nothing to upgrade)."""
    stored = stored_revision(conn)
    return stored is not None and stored == quick_head()
