"""The server process's heap: what starting made is set aside from the garbage collector once.

A server keeps for its whole life what it made while starting (modules, the application and its routes,
models, compiled statements). Python's collector walks every tracked object on each full pass, and a
first sync of 1,000 inspections set off enough passes that walking them cost the server about 0.31 s of
its 2.5-3 s of CPU; set aside (:func:`gc.freeze`), the same passes took about 0.08 s (measured with
``gc.callbacks`` in the benchmark's server process). New objects are collected as before.

Called once per server process, where it is started as a program (``hoteltv serve`` and each of its
workers), never where many applications are made in one process (tests): what is set aside is never
collected, so a dead application caught in it would stay in memory.
"""

from __future__ import annotations

import gc


def set_aside_startup_objects() -> None:
    """Collect what is already garbage, then move every object alive now out of the collector's passes."""
    gc.collect()
    gc.freeze()
