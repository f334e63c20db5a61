"""Versions of one record: a correction (inspection) or an extension (notice) is a new row whose
``supersedes_id`` points at the one it replaces; both stay. :func:`version_chain` walks such rows."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

T = TypeVar("T")


def version_chain(session: Session, record: T, order_by: Any) -> list[T]:
    """Every version of the record ``record`` belongs to, oldest first (tombstoned newer ones left out).

    ``order_by`` orders two rows replacing the same one (two laptops corrected one version offline; the
    server takes only the first, the other stays on its laptop): the walk follows ``record``'s own line
    down to it, then the first by ``order_by``. A cycle written behind the program's back ends the walk
    instead of looping."""
    model: Any = type(record)
    first: Any = record
    seen = {first.id}
    while first.supersedes_id:
        older = session.get(model, first.supersedes_id)
        if older is None or older.id in seen:
            break
        seen.add(older.id)
        first = older
    chain = [first]
    while True:
        candidates = session.scalars(
            select(model)
            .where(model.supersedes_id == chain[-1].id, model.deleted.is_(False))
            .order_by(order_by)
        ).all()
        newer = next((c for c in candidates if c.id in seen), candidates[0] if candidates else None)
        if newer is None or newer.id in {c.id for c in chain}:
            return chain
        chain.append(newer)
