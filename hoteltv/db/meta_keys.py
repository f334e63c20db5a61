"""Keys of the database's ``meta`` table that are read without SQLAlchemy too (the GUI's first screen)."""

from __future__ import annotations

#: "1" in a database that holds the demo set (:func:`hoteltv.services.demo.load_demo` marks it).
META_DEMO = "demo"
