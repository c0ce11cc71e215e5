"""Messages this process publishes, sent in order per channel by one task.

The session code that produces them runs on the event loop and must not
wait on Redis, so it only queues.  A frame not yet sent is replaced by a
newer one (as a slow websocket client gets the newest frame), and a frame
is encoded only when it is sent.  While Redis is away, each channel keeps
at most ``limit`` messages (the oldest go): frames are superseded anyway,
and a watcher that missed messages gets a fresh state when it reconnects.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable

from app.cluster.bus import FRAMES, NODE, Bus
from app.persistence import StoreUnavailable

__all__ = ["Outbox"]

log = logging.getLogger("playground.cluster")

Payload = bytes | Callable[[], bytes]


class Outbox:
    def __init__(self, bus: Bus, limit: int = 256) -> None:
        self.bus = bus
        self.limit = limit
        self._queues: dict[tuple[str, str], deque[tuple[bool, Payload]]] = {}
        self._wake = asyncio.Event()
        self._sending = False
        self.sent = 0
        self.dropped = 0

    def to_watchers(self, session_id: str, payload: Payload, *, frame: bool = False) -> None:
        """For every process with clients of ``session_id`` (``frames:<id>``)."""
        self._put((FRAMES, session_id), payload, frame)

    def to_node(self, node: str, payload: Payload, *, frame: bool = False) -> None:
        """For one process (``node:<id>``)."""
        self._put((NODE, node), payload, frame)

    def _put(self, channel: tuple[str, str], payload: Payload, frame: bool) -> None:
        queue = self._queues.get(channel)
        if queue is None:
            queue = self._queues[channel] = deque()
        if frame and queue and queue[-1][0]:
            queue[-1] = (True, payload)  # the newer frame replaces one not sent yet
        else:
            queue.append((frame, payload))
            if len(queue) > self.limit:
                queue.popleft()
                self.dropped += 1
        self._wake.set()

    async def drained(self, timeout: float) -> None:
        """Wait (at most ``timeout`` seconds) until everything queued has been sent."""
        deadline = asyncio.get_running_loop().time() + timeout
        while (self._queues or self._sending) and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.01)

    async def run(self) -> None:
        """Send forever (the cluster runs it as a task)."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            pending, self._queues = self._queues, {}
            self._sending = True
            for (kind, key), queue in pending.items():
                try:
                    for _, payload in queue:
                        body = payload() if callable(payload) else payload
                        if kind == FRAMES:
                            await self.bus.publish_frame(key, body)
                        else:
                            await self.bus.publish_to_node(key, body)
                        self.sent += 1
                except StoreUnavailable as error:
                    self.dropped += len(queue)
                    log.warning("messages for %s:%s dropped: %s", kind, key, error)
            self._sending = False
