"""A laptop's device lineage: telling a data folder copied by hand from the one it was copied from.

Every data folder has a device id (``meta.device_id``), and the server knows a change by its device and
outbox number, so a change it has seen is never applied twice. A data folder copied by hand (a folder
prepared once and put on several laptops, or copied to a second laptop and used on both) shares that id:
the server would take the copy's edits for ones it had seen and answer "unchanged" — lost without a word —
and would skip, for that id, what the other copy wrote.

So each sync that pushes leaves a random token on the server, the device's *lineage*, and keeps it here;
every hello and push names the tokens kept here. Once one copy has pushed, the other names none the server
holds: its hello says so, and it takes a new device id (:func:`reidentify`) before it sends or pulls
anything — the drafts it owns and its saved token go with it, the blocks of 文号 numbers it shares with the
other copy are given up — and then pulls everything anew. A push from
a copy that slips past the hello (both syncing at the same moment) is refused whole (409).

A token is kept here *before* the push that leaves it (the push can land though its answer is lost) and
the list goes back to that one token when a push is answered, at most :data:`KEEP` a server. Restoring a
backup marks the folder to take over whatever the server holds (:data:`~hoteltv.sync.protocol.LINEAGE_ADOPT`):
a backup is the same laptop's, and the restore already numbers its next changes past the backup's.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update

from hoteltv.db.engine import Database
from hoteltv.db.meta_keys import META_LINEAGE
from hoteltv.db.models import Inspection, Meta, NoticeNumberBlock
from hoteltv.sync.protocol import LINEAGE_ADOPT, MAX_LINEAGE

log = logging.getLogger(__name__)

#: Tokens kept per server: one after an answered push, more while pushes fail (any may have landed).
KEEP = 8


@dataclass
class Lineage:
    """The tokens kept here per server id, and whether to take over what a server holds (after a restore)."""

    servers: dict[str, list[str]] = field(default_factory=dict)
    adopt: bool = False

    @classmethod
    def parse(cls, text: str | None) -> Lineage:
        """What ``meta`` holds (a damaged value reads as none kept: at worst a new device id)."""
        try:
            data: Any = json.loads(text or "{}")
            servers = {
                str(k): [str(t) for t in v][-KEEP:]
                for k, v in dict(data.get("servers") or {}).items()
                if isinstance(v, list)
            }
            return cls(servers, bool(data.get("adopt")))
        except (ValueError, TypeError, AttributeError):
            return cls()

    def dumps(self) -> str:
        return json.dumps({"servers": self.servers, "adopt": self.adopt}, separators=(",", ":"))

    def header(self, server_id: str = "") -> str:
        """The hello's and push's lineage header: ``*`` after a restore, then the tokens kept for
        ``server_id`` (the server asked, as far as known), then the others (a token is only ever on the
        server it was made for, so naming them too costs nothing), at most
        :data:`~hoteltv.sync.protocol.MAX_LINEAGE` of them (what the server reads)."""
        tokens = [*self.servers.get(server_id, [])]
        tokens += [t for sid, kept in self.servers.items() if sid != server_id for t in kept]
        return ",".join((([LINEAGE_ADOPT] if self.adopt else []) + tokens)[:MAX_LINEAGE])

    def before_push(self, db: Database, server_id: str) -> str:
        """A new token for a sync's pushes, kept here (written now) before any push can leave it on the
        server (it is named in every header from now on)."""
        token = secrets.token_hex(16)
        self.servers[server_id] = [*self.servers.get(server_id, []), token][-KEEP:]
        self._keep(db)
        return token

    def _keep(self, db: Database) -> None:
        with db.transaction() as s:
            s.merge(Meta(key=META_LINEAGE, value=self.dumps()))

    def take_over(self, db: Database) -> None:
        """Take over whatever lineage the server holds, until a push is answered (written now): a server
        restored from a backup, or another one, may hold an older token of this very folder."""
        self.adopt = True
        self._keep(db)

    def pushed(self, server_id: str, token: str) -> str:
        """The value to keep once a push leaving ``token`` was answered: that server holds it now (kept
        under another server's id while the server was not yet known, it moves)."""
        for sid, kept in list(self.servers.items()):
            if token in kept and sid != server_id:
                self.servers[sid] = [t for t in kept if t != token]
                if not self.servers[sid]:
                    del self.servers[sid]
        self.servers[server_id] = [token]
        self.adopt = False
        return self.dumps()


#: What a block of 文号 numbers given up by a copied data folder says where it came from.
GIVEN_UP = "副本停用 (copy: given up)"


@dataclass(frozen=True)
class NewIdentity:
    """What :func:`reidentify` did."""

    old: str
    new: str
    blocks_given_up: int  # blocks of 文号 numbers with numbers left, no longer used here


def reidentify(db: Database) -> NewIdentity:
    """Give this data folder a new device id: a copy of another one that syncs with the same id. The drafts
    this folder owns move to the new id (only the owner may change a draft); the kept tokens go (the new id
    has none on any server); the blocks of 文号 numbers it holds are given up, as the folder it was copied
    from holds the same ones (two laptops must never print one number; the office hands this one new
    blocks, and meanwhile it numbers from its own fallback series). Written in one transaction."""
    old, new = db.device_id, str(uuid.uuid4())
    with db.transaction() as s:
        row = s.get(Meta, "device_id")
        if row is None:
            s.add(Meta(key="device_id", value=new))
        else:
            row.value = new
        kept = s.get(Meta, META_LINEAGE)
        if kept is not None:
            s.delete(kept)
        # A bulk update, past the change tracking: the owner is this laptop's own note, not an edit to send
        # (a draft the server lacks goes with its new owner; one it has stays the other copy's).
        s.execute(
            update(Inspection)
            .where(Inspection.owner_device_id == old, Inspection.status == "draft")
            .values(owner_device_id=new)
            .execution_options(synchronize_session=False)
        )
        blocks = list(
            s.scalars(select(NoticeNumberBlock).where(NoticeNumberBlock.next <= NoticeNumberBlock.last))
        )
        for block in blocks:
            block.next = block.last + 1
            block.source = GIVEN_UP
    db.device_id = new
    log.info("data folder copied from another one with device id %s: this one is now %s", old, new)
    return NewIdentity(old, new, len(blocks))


def move_saved_token(home: Any, server_url: str, old: str, new: str) -> None:
    """The token this folder saved under its old device id, saved under the new one too (the keyring names
    the device id; the token file in the folder names none)."""
    from hoteltv.sync import credentials

    with contextlib.suppress(Exception):
        token = credentials.load_token(home, server_url, old)
        if token:
            credentials.save_token(home, server_url, new, token)
