"""Cutting a sequence into pieces of a bounded size: ``IN (…)`` lists a database takes, requests a server
takes, rows of a printed table (Python 3.11 has no :func:`itertools.batched`)."""

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
