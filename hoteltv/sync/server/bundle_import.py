"""A bundle file imported straight into a server database (``hoteltv bundle import FILE --server-db``):
the same checks and rules as a push from the device that wrote it, as the user named (scope applies).

Server side: the laptop's bundle code (:mod:`hoteltv.sync.bundle`) never imports this.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from hoteltv.errors import HoteltvError
from hoteltv.sync.bundle import BundleImport, read_bundle
from hoteltv.sync.protocol import MAX_BATCH, PushRequest, batch_key, batches
from hoteltv.sync.server import service
from hoteltv.sync.server.auth import Caller
from hoteltv.sync.server.models import User
from hoteltv.sync.server.photos import BlobStore
from hoteltv.sync.server.store import ServerDB


def import_to_server(server_db: ServerDB, blobs: BlobStore, path: Path, user: str) -> BundleImport:
    """Apply a verified bundle straight into a server database, as user ``user`` (scope applies)."""
    bundle = read_bundle(path)
    with server_db.read() as s:
        row = s.scalars(select(User).where(User.name == user, User.active.is_(True))).first()
        if row is None:
            raise HoteltvError(f"没有用户 {user} (no such active user on the server)")
        caller = Caller(row.id, row.name, row.role, frozenset(row.divisions or []))
    out = BundleImport()
    for batch in batches(bundle.changes, MAX_BATCH):
        req = PushRequest(device_id=bundle.device_id, key=batch_key(bundle.device_id, batch), changes=batch)
        out.results += service.push(server_db, caller, req).results
    with server_db.write() as s:
        known = service.referenced_hashes(s, caller, sorted(bundle.photos))
        for sha, data in bundle.photos.items():
            if sha in known:
                blobs.put_verified(s, data, sha)
                out.photos += 1
    return out
