"""Who is calling and what they may touch: bearer tokens (stored as SHA-256), roles and division scope.

Roles: an **inspector** reads and writes only the hotels, inspections and notices of the division codes
on their account (divisions and the list of inspectors are reference data everyone reads); **office**
reads and writes everything and resolves conflicts; **admin** does what office does and manages users,
tokens and devices.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cachetools import TTLCache
from sqlalchemy import select
from sqlalchemy.orm import Session

from hoteltv.domain.divisions import division_id
from hoteltv.sync.server.models import ServerState, Token, User, now

ROLES = ("inspector", "office", "admin")
TOKEN_PREFIX = "htv_"
#: Records everyone may read whatever their divisions (reference data).
SHARED_ENTITIES = frozenset({"divisions", "inspectors"})


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh random token (shown once; only its hash is stored)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Caller:
    """The authenticated user of a request."""

    user_id: int
    name: str
    role: str
    division_codes: frozenset[str]

    @property
    def reads_all(self) -> bool:
        return self.role in ("office", "admin")

    @property
    def resolves_conflicts(self) -> bool:
        return self.role in ("office", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @functools.cached_property
    def division_ids(self) -> frozenset[str]:
        # Worked out once per caller: a push asks for every change it applies (a uuid5 per code each time).
        return frozenset(division_id(c) for c in self.division_codes)

    def covers(self, division: str | None) -> bool:
        """May this caller read and write records of ``division`` (a division id)?"""
        if self.reads_all:
            return True
        return division is not None and division in self.division_ids


def authenticate(session: Session, token: str) -> tuple[Caller, int, bool] | None:
    """The caller a token belongs to, the token's row id and whether its last-use time is stale;
    None for an unknown or revoked token or a disabled user."""
    if not token or len(token) > 200:
        return None
    row = session.execute(
        select(Token, User)
        .join(User, User.id == Token.user_id)
        .where(Token.token_hash == hash_token(token), Token.revoked_at.is_(None), User.active.is_(True))
    ).first()
    if row is None:
        return None
    tok, user = row
    stale = tok.last_used_at is None or (now() - tok.last_used_at).total_seconds() > 300
    caller = Caller(user.id, user.name, user.role, frozenset(str(c) for c in user.divisions or []))
    return caller, tok.id, stale


#: ``server_state`` key of the auth generation: bumped by every change of a user or token.
AUTH_GENERATION = "auth"


def auth_generation(session: Session) -> int:
    """The database's auth generation (0 before any user or token change)."""
    state = session.get(ServerState, AUTH_GENERATION)
    return 0 if state is None else int(state.value)


def bump_auth_generation(session: Session) -> None:
    """Tell every server process that users or tokens changed (inside the writing transaction)."""
    state = session.get(ServerState, AUTH_GENERATION)
    if state is None:
        session.add(ServerState(key=AUTH_GENERATION, value=1))
    else:
        state.value = (int(state.value) % (2**31 - 2)) + 1


class TokenCache:
    """Recently seen tokens → what :func:`authenticate` said, per server database and process.

    An entry lives at most ``ttl`` seconds (:data:`TTL` unless told), and at most :data:`SIZE` of them are kept (the least
    recently used go first; a :class:`cachetools.TTLCache`). Besides, :meth:`watch` looks at the database's
    auth generation at most every :data:`POLL` seconds and forgets everything when it moved, so a token
    revoked or a user disabled by another worker process or by ``hoteltv tokens revoke`` is refused by this
    process within about :data:`POLL` seconds (at most :data:`TTL`); the process that made the change
    forgets at once. Requests are served from several threads: every access holds a lock."""

    TTL = 10.0
    POLL = 1.0
    SIZE = 10_000

    def __init__(self, ttl: float = TTL) -> None:
        self.ttl = ttl
        self._items: TTLCache[str, Any] = TTLCache(self.SIZE, ttl, timer=time.monotonic)
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._polled = float("-inf")

    def due(self) -> bool:
        """Whether :meth:`watch` would ask the database now (cheap: no I/O)."""
        return time.monotonic() - self._polled >= self.POLL

    def watch(self, generation: Callable[[], int]) -> None:
        """Forget every entry when the database's auth generation moved (checked at most every POLL s)."""
        stamp = time.monotonic()
        if stamp - self._polled < self.POLL:
            return
        self._polled = stamp
        current = generation()
        if current != self._generation:
            self.clear()
            self._generation = current

    def get(self, token: str) -> Any:
        with self._lock:
            return self._items.get(token)

    def put(self, token: str, value: Any) -> None:
        with self._lock:
            self._items[token] = value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
