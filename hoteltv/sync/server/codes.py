"""Live hotels by unified social credit code, kept in memory per server process and brought up to date
from the hotels changed since it last looked — not read whole for every push.

A push with a new hotel that carries a code asks which live hotel here already has it (the same hotel
typed in on two laptops is one hotel). Reading every hotel's values for that, once per push, costs a
province's server with tens of thousands of hotels a second per push; this index reads them once per
process and afterwards only the hotels whose sequence number is newer than the last it saw.

That is exact for the same reason a laptop's pull is: every write of a record gives it the next sequence
number, and numbers are given in commit order (see :mod:`hoteltv.sync.server.store`). The index reads
only numbers up to the committed head it reads in the same transaction, so a push's own writes (on SQLite
numbered before they commit) never enter it — what the push itself made or changed the caller overlays
(:class:`hoteltv.sync.server.service._Records`). On PostgreSQL a push may read a head older than one
another push already brought the index to: the index is then used as it stands (it names only committed
hotels, and the caller reads the one it takes itself). A database restored from a backup is served by a
newly started server (``packaging/server/restore.sh``), which builds its index anew.

Where two live hotels share a code (two divisions each holding one), the one with the lowest sequence
number — changed least recently — comes first, as the whole-table read ordered by number gave.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoteltv.domain.identifiers import normalise_credit_code
from hoteltv.sync.server.models import Record


def credit_code(value: Any) -> str:
    """The normalised unified social credit code of a stored value ("" for none or not text)."""
    return normalise_credit_code(value) if isinstance(value, str) else ""


class CreditCodeIndex:
    """Code → the live hotels holding it, with their sequence numbers; one per
    :class:`~hoteltv.sync.server.store.ServerDB` (so per process), shared by its pushes under a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._upto = 0
        self._holders: dict[str, dict[str, int]] = {}
        self._code_of: dict[str, str] = {}

    def holders(self, session: Session, head: int, code: str) -> list[str]:
        """The live hotels (ids) that held ``code`` at the committed ``head`` that ``session``'s
        transaction read, lowest sequence number first; brought up to date first."""
        with self._lock:
            self._refresh(session, head)
            found = self._holders.get(code, {})
            return sorted(found, key=lambda rid: (found[rid], rid))

    def _refresh(self, session: Session, head: int) -> None:
        if head <= self._upto:  # nothing newer (or another push already read further)
            return
        rows = session.execute(
            select(Record.id, Record.seq, Record.deleted, Record.data)
            .where(Record.entity == "hotels", Record.seq > self._upto, Record.seq <= head)
            .order_by(Record.seq)
        )
        for rid, seq, deleted, data in rows:
            old = self._code_of.pop(rid, None)
            if old is not None:
                left = self._holders.get(old, {})
                left.pop(rid, None)
                if not left:
                    self._holders.pop(old, None)
            code = "" if deleted else credit_code((data or {}).get("credit_code"))
            if code:
                self._code_of[rid] = code
                self._holders.setdefault(code, {})[rid] = int(seq)
        self._upto = head
