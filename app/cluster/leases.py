"""Ownership leases in Redis: each session is run by one process at a time.

The owner acquires ``lease:<id>`` with ``SET key owner NX PX ttl`` and
renews it well before it expires; a process that dies stops renewing, so
its sessions are free again within one ttl.  Renew and release act only
while the caller still owns the lease (a check and a change in one Lua
script): a process that paused past its ttl cannot extend or delete a
lease another process has taken since.
"""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis

from app.persistence.redis_client import available, text

__all__ = ["Leases"]

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class Leases:
    """``acquire`` / ``renew`` / ``release`` of per-session leases for ``owner``
    strings (a process's id, e.g. host:port:pid plus a random part)."""

    def __init__(self, client: aioredis.Redis, url: str, prefix: str) -> None:
        self.redis = client
        self.url = url
        self.prefix = prefix
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)

    def key(self, session_id: str) -> str:
        return f"{self.prefix}lease:{session_id}"

    async def acquire(self, session_id: str, owner: str, ttl_ms: int) -> bool:
        """Take the lease if nobody holds it; True if ``owner`` now holds it."""
        key = self.key(session_id)
        done = await available(self.url, lambda: self.redis.set(key, owner, nx=True, px=ttl_ms))
        return bool(done)

    async def renew(self, session_id: str, owner: str, ttl_ms: int) -> bool:
        """Extend the lease to ``ttl_ms`` from now if ``owner`` still holds it."""
        keys, args = [self.key(session_id)], [owner, str(ttl_ms)]
        return bool(await available(self.url, lambda: self._renew(keys=keys, args=args)))

    async def release(self, session_id: str, owner: str) -> bool:
        """Give the lease up if ``owner`` still holds it."""
        keys, args = [self.key(session_id)], [owner]
        return bool(await available(self.url, lambda: self._release(keys=keys, args=args)))

    async def owner(self, session_id: str) -> str | None:
        """Who holds the lease now, or None."""
        value: Any = await available(self.url, lambda: self.redis.get(self.key(session_id)))
        return None if value is None else text(value)
