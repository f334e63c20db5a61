"""Versions of one record: a correction (inspection) or an extension (notice) is a new row whose
``supersedes_id`` points at the one it replaces; both stay. :func:`version_chain` walks such rows."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

T = TypeVar("T")


def version_chain(session: Session, record: T, order_by: Any) -> list[T]:
    """Every version of the record ``record`` belongs to, oldest first (tombstoned newer ones left out).

    ``order_by`` is the column that orders two rows replacing the same one (never expected; a cycle or a
    fork written behind the program's back ends the walk instead of looping)."""
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
        newer = session.scalars(
            select(model)
            .where(model.supersedes_id == chain[-1].id, model.deleted.is_(False))
            .order_by(order_by)
        ).first()
        if newer is None or newer.id in {c.id for c in chain}:
            return chain
        chain.append(newer)
