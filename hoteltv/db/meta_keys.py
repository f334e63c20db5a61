"""Keys of the database's ``meta`` table that are read without SQLAlchemy too (the GUI's first screen)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hoteltv.db.engine import Database

#: "1" in a database that holds the demo set (:func:`hoteltv.services.demo.load_demo` marks it).
META_DEMO = "demo"


def is_demo(db: Database) -> bool:
    """True when this database holds the demo set (here, not in the demo module: the sync client asks
    before every sync and need not load the demo's services for that)."""
    return db.get_meta(META_DEMO) == "1"


#: The sync's device lineage kept here (see :mod:`hoteltv.sync.lineage`); a restore marks it to take over.
META_LINEAGE = "sync.lineage"
