"""The store in Redis (PLAYGROUND_REDIS_URL): shared by every process.

Keys, under a prefix (default ``playground:``):

- ``s:<id>``     a hash per session: ``token_hash``, ``created``,
                 ``last_active``, ``revision``, ``size`` (bytes of parts),
                 ``code`` once shared, and one field ``p:<name>`` per part;
- ``active``     a sorted set of session ids by last activity (retention);
- ``code:<CODE>`` the session id behind a class code;
- ``quarantine:<id>`` a record that could not be read, set aside, with ``reason``;
- ``probe``      a small write that tells whether Redis takes writes.

Every write is one Lua script, so a record is never seen half written, and
the revision check of a partial write (app.persistence.base) is atomic.
"""

from __future__ import annotations

import time
from typing import Any

import redis.asyncio as aioredis

from app.persistence.base import Backend, Meta
from app.persistence.record import RecordInfo
from app.persistence.redis_client import available, connect, redacted, text

__all__ = ["RedisBackend", "DEFAULT_PREFIX"]

DEFAULT_PREFIX = "playground:"
_LIST_BATCH = 500  # records whose metadata one round trip fetches

_WRITE = """
local key, stored = KEYS[1], tonumber(redis.call('HGET', KEYS[1], 'revision') or '0')
if ARGV[1] ~= '' then
  if tonumber(ARGV[1]) ~= stored then return -1 end
else
  for _, field in ipairs(redis.call('HKEYS', key)) do
    if string.sub(field, 1, 2) == 'p:' then redis.call('HDEL', key, field) end
  end
end
local dropped = tonumber(ARGV[6])
for i = 7, 6 + dropped do redis.call('HDEL', key, 'p:' .. ARGV[i]) end
for i = 7 + dropped, #ARGV, 2 do redis.call('HSET', key, 'p:' .. ARGV[i], ARGV[i + 1]) end
local size = 0
for _, field in ipairs(redis.call('HKEYS', key)) do
  if string.sub(field, 1, 2) == 'p:' then size = size + redis.call('HSTRLEN', key, field) end
end
redis.call('HSET', key, 'token_hash', ARGV[3], 'created', ARGV[4], 'last_active', ARGV[5],
           'revision', stored + 1, 'size', size)
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[2])
return stored + 1
"""

_TOUCH = """
local active = tonumber(redis.call('HGET', KEYS[1], 'last_active') or 'nil')
if not active then return 0 end
if tonumber(ARGV[1]) > active then
  redis.call('HSET', KEYS[1], 'last_active', ARGV[1])
  redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
end
return 1
"""

_DELETE = """
local code = redis.call('HGET', KEYS[1], 'code')
if code and redis.call('GET', ARGV[1] .. code) == ARGV[2] then redis.call('DEL', ARGV[1] .. code) end
redis.call('ZREM', KEYS[2], ARGV[2])
return redis.call('DEL', KEYS[1])
"""

_QUARANTINE = """
local code = redis.call('HGET', KEYS[1], 'code')
if code and redis.call('GET', ARGV[1] .. code) == ARGV[2] then redis.call('DEL', ARGV[1] .. code) end
redis.call('ZREM', KEYS[2], ARGV[2])
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('RENAME', KEYS[1], KEYS[3]) end
redis.call('HSET', KEYS[3], 'reason', ARGV[3])
return 1
"""

_CLAIM = """
local existing = redis.call('HGET', KEYS[1], 'code')
if existing then return existing end
if redis.call('SET', KEYS[2], ARGV[2], 'NX') then
  redis.call('HSET', KEYS[1], 'code', ARGV[1])
  return ARGV[1]
end
return false
"""


class RedisBackend(Backend):
    def __init__(self, url: str, prefix: str = DEFAULT_PREFIX, client: aioredis.Redis | None = None) -> None:
        super().__init__(f"Redis store {redacted(url)}")
        self.url = url
        self.prefix = prefix
        self.redis = client if client is not None else connect(url)
        self._write_script = self.redis.register_script(_WRITE)
        self._touch_script = self.redis.register_script(_TOUCH)
        self._delete_script = self.redis.register_script(_DELETE)
        self._claim_script = self.redis.register_script(_CLAIM)
        self._quarantine_script = self.redis.register_script(_QUARANTINE)

    def _key(self, session_id: str) -> str:
        return f"{self.prefix}s:{session_id}"

    @property
    def _active(self) -> str:
        return f"{self.prefix}active"

    async def close(self) -> None:
        await self.redis.aclose()

    async def records(self) -> list[RecordInfo]:
        entries: list[Any] = await available(self.url, lambda: self.redis.zrange(self._active, 0, -1, withscores=True))
        infos = []
        for start in range(0, len(entries), _LIST_BATCH):
            batch = entries[start : start + _LIST_BATCH]
            pipe = self.redis.pipeline(transaction=False)
            for session_id, _ in batch:
                pipe.hmget(self._key(text(session_id)), "created", "size", "code")
            rows: list[Any] = await available(self.url, pipe.execute)
            for (session_id, score), (created, size, code) in zip(batch, rows, strict=True):
                if created is None:  # deleted between the two round trips
                    continue
                infos.append(RecordInfo(text(session_id), float(created), float(score), code is not None, int(size)))
        return infos

    async def _write(
        self, session_id: str, meta: Meta, parts: dict[str, bytes], dropped: set[str] | None, revision: int | None
    ) -> int | None:
        names = sorted(dropped or ())
        args: list[Any] = [
            "" if revision is None else revision,
            session_id,
            meta.token_hash,
            repr(meta.created),
            repr(meta.last_active),
            len(names),
            *names,
        ]
        for name, body in parts.items():
            args += [name, body]
        keys = [self._key(session_id), self._active]
        result = int(await available(self.url, lambda: self._write_script(keys=keys, args=args)))
        return None if result < 0 else result

    async def _read(self, session_id: str) -> tuple[Meta, dict[str, bytes]] | None:
        fields: dict[Any, Any] = await available(self.url, lambda: self.redis.hgetall(self._key(session_id)))
        meta = _meta(fields)
        if meta is None:
            return None
        parts = {field[2:].decode(): body for field, body in fields.items() if field.startswith(b"p:")}
        return meta, parts

    async def _meta(self, session_id: str) -> Meta | None:
        values: list[Any] = await available(
            self.url, lambda: self.redis.hmget(self._key(session_id), "token_hash", "created", "last_active")
        )
        return _meta(dict(zip((b"token_hash", b"created", b"last_active"), values, strict=True)))

    async def _touch(self, session_id: str, last_active: float) -> bool:
        keys = [self._key(session_id), self._active]
        args = [repr(last_active), session_id]
        return bool(await available(self.url, lambda: self._touch_script(keys=keys, args=args)))

    async def _delete(self, session_id: str) -> bool:
        keys = [self._key(session_id), self._active]
        args = [f"{self.prefix}code:", session_id]
        return bool(await available(self.url, lambda: self._delete_script(keys=keys, args=args)))

    async def _claim_code(self, code: str, session_id: str) -> str | None:
        keys = [self._key(session_id), f"{self.prefix}code:{code}"]
        result: Any = await available(self.url, lambda: self._claim_script(keys=keys, args=[code, session_id]))
        return None if result is None else text(result)

    async def _resolve_code(self, code: str) -> str | None:
        value: Any = await available(self.url, lambda: self.redis.get(f"{self.prefix}code:{code}"))
        return None if value is None else text(value)

    async def _code_of(self, session_id: str) -> str | None:
        value: Any = await available(self.url, lambda: self.redis.hget(self._key(session_id), "code"))
        return None if value is None else text(value)

    async def _quarantine(self, session_id: str, reason: str) -> None:
        keys = [self._key(session_id), self._active, f"{self.prefix}quarantine:{session_id}"]
        args = [f"{self.prefix}code:", session_id, reason]
        await available(self.url, lambda: self._quarantine_script(keys=keys, args=args))

    async def _quarantine_reason(self, session_id: str) -> str | None:
        value: Any = await available(
            self.url, lambda: self.redis.hget(f"{self.prefix}quarantine:{session_id}", "reason")
        )
        return None if value is None else text(value)

    async def _probe(self) -> None:
        await available(self.url, lambda: self.redis.set(f"{self.prefix}probe", repr(time.time())))


def _meta(fields: dict[bytes, Any]) -> Meta | None:
    """The metadata of a written record (a hash holding only a code claimed
    before the first write is not a record yet)."""
    token_hash, created, active = fields.get(b"token_hash"), fields.get(b"created"), fields.get(b"last_active")
    if token_hash is None or created is None or active is None:
        return None
    return Meta(token_hash.decode(), float(created), float(active))
