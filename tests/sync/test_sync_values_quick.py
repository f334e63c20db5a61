"""The quick pass of :func:`hoteltv.sync.values.value_problem` never lets through a value the exact check
refuses: for odd values of every column of every synced table, the answer is the same with and without it."""

from __future__ import annotations

from typing import Any

import pytest

from hoteltv.sync import values as codec

ODD: list[Any] = [
    None,
    True,
    0,
    -(2**63),
    2**63 - 1,
    2**63,
    -(2**63) - 1,
    1.5,
    float("nan"),
    "",
    "x",
    "a" * 36,
    "a" * 37,
    "a" * 64,
    "a" * 65,
    "a\x00",
    "2024-01-02",
    "2024-01-02T03:04:05+00:00",
    "2024-01-02T03:04:05",
    [],
    {"k": "v"},
    {"k": float("inf")},
    # One key of each fixed set (a TV mode, a status, a kind): taken where it belongs, refused elsewhere.
    *sorted({key for keys in codec.choices().values() for key in keys}),
]


@pytest.mark.parametrize("entity", sorted(codec.MODELS))
def test_quick_pass_agrees_with_the_exact_check(entity: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for column in codec.columns(entity):
        for value in ODD:
            quick = codec.value_problem(entity, {column: value})
            with monkeypatch.context() as m:
                m.setattr(codec, "_all_fit", lambda _entity, _values: False)
                exact = codec.value_problem(entity, {column: value})
            assert quick == exact, (entity, column, value)
