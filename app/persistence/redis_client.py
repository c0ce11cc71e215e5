"""One Redis connection pool per process, shared by the store, the leases and
the message bus, set up to ride out a Redis restart.

Commands retry a few times with a short backoff on a lost connection, then
raise; app.persistence turns that into StoreUnavailable.  A pool that lost
its connections reconnects on the next command, so nothing needs restarting
when Redis comes back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.persistence.base import StoreUnavailable

__all__ = ["connect", "unavailable", "redacted", "REDIS_DOWN", "available", "text"]

T = TypeVar("T")

# What a Redis that is away (stopped, restarting, still loading its AOF) raises.
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


def connect(url: str, max_connections: int = 32) -> aioredis.Redis:
    """A client for ``url`` (redis://host:port/db) with bounded connections and retries."""
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=5,  # seconds to wait for a free connection
        socket_timeout=5,
        socket_connect_timeout=2,
        health_check_interval=15,  # ping a connection idle this long before using it
        retry=Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), retries=3),
    )
    return aioredis.Redis.from_pool(pool)  # the client owns the pool: aclose() closes its connections


def unavailable(url: str, error: BaseException) -> StoreUnavailable:
    return StoreUnavailable(f"Redis at {redacted(url)} is unavailable: {error}")


def redacted(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    where = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, where, parts.path, "", ""))


async def available(url: str, command: Callable[[], Awaitable[T]]) -> T:
    """Run one Redis ``command``, turning a lost connection into StoreUnavailable."""
    try:
        return await command()
    except REDIS_DOWN as error:
        raise unavailable(url, error) from error


def text(value: object) -> str:
    """A Redis reply (bytes: the client does not decode) as text."""
    return value.decode() if isinstance(value, bytes) else str(value)
