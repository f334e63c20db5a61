"""hoteltv.chunks.chunked: pieces in order, the last one shorter, none for nothing, a clear refusal of a bad size."""

from __future__ import annotations

import pytest

from hoteltv.chunks import chunked


def test_pieces_in_order_last_shorter() -> None:
    assert list(chunked(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunked("abcd", 2)) == [["a", "b"], ["c", "d"]]


def test_any_iterable_and_nothing() -> None:
    assert list(chunked(iter({"x": 1}.values()), 500)) == [[1]]
    assert list(chunked([], 5)) == []


def test_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        list(chunked([1], 0))
