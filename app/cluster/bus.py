"""Messages between processes over Redis pub/sub, per session.

The process that owns a session (app.cluster.leases) publishes each
frame once on ``frames:<id>``; every process with watchers of that session
subscribes once and fans the frame out to its own websockets.  Commands
for a session that another process owns travel on ``commands:<id>``; the
answers go to the asking process on its own ``node:<process id>``.

A process holds one Subscription (one Redis connection) for all its
channels.  It outlives a Redis restart: it keeps the set of channels it
wants, and when the connection comes back it subscribes to them again.
Messages published while Redis is away are lost; frames are superseded by
the next one anyway, and a publisher sees StoreUnavailable.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import orjson
import redis.asyncio as aioredis

from app.persistence.redis_client import REDIS_DOWN, available

__all__ = ["Bus", "Subscription", "Message", "FRAMES", "COMMANDS", "NODE"]

FRAMES, COMMANDS, NODE = "frames", "commands", "node"
_RETRY_FIRST, _RETRY_MAX = 0.1, 2.0  # seconds between reconnection attempts, doubling


@dataclass(frozen=True)
class Message:
    kind: str  # FRAMES or NODE (payload: bytes) or COMMANDS (payload: a dict)
    session_id: str
    payload: Any


class Bus:
    def __init__(self, client: aioredis.Redis, url: str, prefix: str) -> None:
        self.redis = client
        self.url = url
        self.prefix = prefix

    def channel(self, kind: str, session_id: str) -> str:
        if kind not in (FRAMES, COMMANDS, NODE):
            raise ValueError(f"unknown channel kind {kind!r}")
        return f"{self.prefix}{kind}:{session_id}"

    async def publish_frame(self, session_id: str, frame: bytes) -> int:
        """Send a frame to every process watching; returns how many received it."""
        channel = self.channel(FRAMES, session_id)
        return int(await available(self.url, lambda: self.redis.publish(channel, frame)))

    async def publish_command(self, session_id: str, command: dict[str, Any]) -> int:
        """Send a command (plain values) to the session's owner; returns how many
        processes received it (0: nobody owns the session right now)."""
        channel, body = self.channel(COMMANDS, session_id), orjson.dumps(command)
        return int(await available(self.url, lambda: self.redis.publish(channel, body)))

    async def publish_to_node(self, node: str, body: bytes) -> int:
        """Send ``body`` to one process (its answers and its remote clients' messages)."""
        channel = self.channel(NODE, node)
        return int(await available(self.url, lambda: self.redis.publish(channel, body)))

    def subscription(self) -> Subscription:
        return Subscription(self)


class Subscription:
    """The channels this process listens to, and the messages that arrive."""

    def __init__(self, bus: Bus) -> None:
        self.bus = bus
        self._pubsub = bus.redis.pubsub()
        self._wanted: set[str] = set()
        self._changed = asyncio.Event()  # wakes a reader that has nothing to listen to yet
        self._closed = False

    @property
    def channels(self) -> frozenset[str]:
        return frozenset(self._wanted)

    async def add(self, kind: str, session_id: str) -> None:
        """Listen to a session's frames or commands (from now on, and again
        after Redis comes back if it is away now)."""
        channel = self.bus.channel(kind, session_id)
        self._wanted.add(channel)
        self._changed.set()
        with contextlib.suppress(*REDIS_DOWN):  # the reader subscribes once Redis is back
            await self._pubsub.subscribe(channel)

    async def remove(self, kind: str, session_id: str) -> None:
        channel = self.bus.channel(kind, session_id)
        self._wanted.discard(channel)
        with contextlib.suppress(*REDIS_DOWN):  # a new connection will not subscribe to it again
            await self._pubsub.unsubscribe(channel)

    async def messages(self, poll: float = 1.0) -> AsyncIterator[Message]:
        """Messages as they arrive, until ``close``; rides out Redis restarts."""
        delay = _RETRY_FIRST
        while not self._closed:
            if not self._wanted:
                self._changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), poll)
                continue
            try:
                await self._resubscribe()
                raw = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=poll)
            except REDIS_DOWN:
                await asyncio.sleep(delay)
                delay = min(delay * 2, _RETRY_MAX)
                continue
            delay = _RETRY_FIRST
            message = self._parse(raw)
            if message is not None:
                yield message

    async def _resubscribe(self) -> None:
        """Subscribe to wanted channels the connection does not have (a
        subscription attempted while Redis was away)."""
        have = {name.decode() if isinstance(name, bytes) else name for name in self._pubsub.channels}
        missing = self._wanted - have
        if missing:
            await self._pubsub.subscribe(*sorted(missing))

    def _parse(self, raw: Any) -> Message | None:
        if raw is None or raw.get("type") != "message":
            return None
        channel = raw["channel"].decode()
        kind, _, session_id = channel[len(self.bus.prefix) :].partition(":")
        if channel not in self._wanted:  # arrived just after `remove`
            return None
        if kind == COMMANDS:
            try:
                return Message(kind, session_id, orjson.loads(raw["data"]))
            except orjson.JSONDecodeError:
                return None  # not ours: only Bus.publish_command writes here
        return Message(kind, session_id, raw["data"])

    async def close(self) -> None:
        self._closed = True
        self._changed.set()
        with contextlib.suppress(*REDIS_DOWN):
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]
