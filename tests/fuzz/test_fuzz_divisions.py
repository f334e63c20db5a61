"""Division files edited by hand (the settings may name one): the shipped city and province files with any
value swapped for any other JSON value, or a key removed, anywhere in them. Loading one gives a division list
or a :class:`~hoteltv.errors.HoteltvError` saying what is wrong — never another exception, which would stop
the data folder from opening instead of falling back to the shipped list with a warning.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from hoteltv.domain.divisions import load_division_file, load_division_lists
from hoteltv.errors import HoteltvError
from hoteltv.resources import read_json
from tests.fuzz.profile import fuzz

SHIPPED = {"city": read_json("divisions", "baoshan.json"), "province": read_json("divisions", "yunnan.json")}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)


def _edit(doc: Any, steps: list[int], value: Any, remove: bool) -> None:
    """Walk into ``doc`` by ``steps`` (each picks a key or an index) and replace or remove what is there."""
    node = doc
    for i, step in enumerate(steps):
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            return
        key = keys[step % len(keys)]
        child = node[key]
        if i == len(steps) - 1 or not isinstance(child, dict | list) or not child:
            if remove and isinstance(node, dict):
                del node[key]
            else:
                node[key] = value
            return
        node = child


@given(
    which=st.sampled_from(sorted(SHIPPED)),
    steps=st.lists(st.integers(min_value=0), min_size=1, max_size=4),
    value=json_values,
    remove=st.booleans(),
    city=st.sampled_from(["", "保山市", "530100"]),
)
@fuzz(300)
def test_an_edited_division_file_loads_or_is_refused(
    which: str, steps: list[int], value: Any, remove: bool, city: str
) -> None:
    doc = copy.deepcopy(SHIPPED[which])
    _edit(doc, steps, value, remove)
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "区划.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        for load in (lambda: load_division_file(path, city), lambda: load_division_lists(path)):
            try:
                load()
            except HoteltvError as exc:
                assert str(exc)
