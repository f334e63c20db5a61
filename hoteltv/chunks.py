"""Pieces of bounded size: ``IN (…)`` lists, requests, table rows (Python 3.11 has no itertools.batched)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


def chunked(items: Iterable[T], n: int) -> Iterator[list[T]]:
    """``items`` in order, as lists of ``n`` (the last one may be shorter; none when there are no items)."""
    if n < 1:
        raise ValueError(f"chunk size must be at least 1, not {n}")
    it = iter(items)
    while chunk := list(islice(it, n)):
        yield chunk
