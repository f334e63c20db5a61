"""The server's token cache: entries expire after their TTL, a full cache drops its oldest entries rather
than everything, and a moved auth generation (a token revoked elsewhere) forgets them all."""

from __future__ import annotations

import time

from hoteltv.sync.server.auth import TokenCache


def test_entries_expire_after_the_ttl() -> None:
    cache = TokenCache(ttl=0.05)
    cache.put("a", ("caller", 1, False))
    assert cache.get("a") == ("caller", 1, False)
    time.sleep(0.1)
    assert cache.get("a") is None


def test_a_full_cache_keeps_the_newest_entries() -> None:
    cache = TokenCache()
    for i in range(TokenCache.SIZE + 5):
        cache.put(f"t{i}", i)
    assert cache.get("t0") is None
    assert cache.get(f"t{TokenCache.SIZE + 4}") == TokenCache.SIZE + 4
    assert cache.get("t10") == 10  # not emptied wholesale


def test_a_moved_auth_generation_forgets_everything() -> None:
    cache = TokenCache()
    generation = [1]
    cache.watch(lambda: generation[0])
    cache.put("a", 1)
    cache._polled = float("-inf")  # as if POLL seconds had passed
    cache.watch(lambda: generation[0])
    assert cache.get("a") == 1  # unchanged generation: kept
    generation[0] = 2
    cache._polled = float("-inf")
    assert cache.due()
    cache.watch(lambda: generation[0])
    assert cache.get("a") is None
