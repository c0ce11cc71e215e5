"""One websocket client: what it may do, and what it still has to receive.

Text messages queue in order (they are few, and a client needs them all to
stay in step); frames do not: a client that reads slower than frames are
made gets the newest one.  If the text queue overflows (a client that
stopped reading while a flood of changes went by), what is queued is
dropped and replaced by a fresh full state when the client reads again:
a reading client is never disconnected for being slow.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import orjson
from starlette.websockets import WebSocket

from app.auth import Role
from app.protocol.close_codes import CloseCode
from app.sessions.packets import Packet
from app.web.token_bucket import TokenBucket

__all__ = ["Client", "Peer"]


class Peer(Protocol):
    """What a session and the websocket handlers need of a client: a
    connection here (Client), or one another process holds (app.cluster)."""

    key: str
    role: Role
    focus: int | None

    def send_text(self, text: str) -> None: ...

    def send_json(self, message: dict[str, Any]) -> None: ...

    def offer(self, packet: Packet) -> None: ...

    def close(self, code: CloseCode, reason: str) -> None: ...


class Client:
    MAX_QUEUED_TEXTS = 256

    def __init__(
        self,
        websocket: WebSocket,
        key: str,
        messages_per_second: float,
        strikes: str | None = None,
        on_frame: Callable[[], None] | None = None,
    ) -> None:
        self.websocket = websocket
        self.on_frame = on_frame  # counts the frames sent (app.metrics), on the event loop
        self.key = key  # the client's address: what limits and fair turns are counted by
        self.strikes = strikes or f"anonymous:{key}"  # what a flood lock-out follows (app.web.client_limits)
        self.role = Role.WATCH
        self.focus: int | None = None
        # Incoming commands: a burst of two seconds' worth, then the steady rate.
        self.inbox = TokenBucket(messages_per_second, 2 * messages_per_second)
        self.refused = 0  # messages refused by the rate limit since the last accepted one
        self._texts: deque[str] = deque()
        self._packet: Packet | None = None
        self._wake = asyncio.Event()
        self._resync = False
        self._close: tuple[CloseCode, str] | None = None

    def send_text(self, text: str) -> None:
        if len(self._texts) >= self.MAX_QUEUED_TEXTS:
            self._texts.clear()  # stale by now: a fresh full state replaces them
            self._resync = True
        else:
            self._texts.append(text)
        self._wake.set()

    def send_json(self, message: dict[str, Any]) -> None:
        self.send_text(orjson.dumps(message).decode())

    def offer(self, packet: Packet) -> None:
        self._packet = packet  # replaces an unsent older frame
        self._wake.set()

    def close(self, code: CloseCode, reason: str) -> None:
        """Close after what is already queued has been sent (the writer does it)."""
        self._close = (code, reason)
        self._wake.set()

    async def pump(self, greeting: Callable[[], Awaitable[list[str]]]) -> None:
        """The connection's writer: texts in order, then the newest frame.

        ``greeting`` gives the messages of a fresh start (full state, the
        current explanation, status), sent after an overflow.
        """
        ws = self.websocket
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._resync:
                self._resync = False
                for text in await greeting():
                    await ws.send_text(text)
            while self._texts:
                await ws.send_text(self._texts.popleft())
            if self._close is not None:
                code, reason = self._close
                await ws.close(code=code, reason=reason)
                return
            packet, self._packet = self._packet, None
            if packet is not None:
                await ws.send_bytes(packet.data)
                if self.on_frame is not None:
                    self.on_frame()
                if packet.comparison is not None:
                    await ws.send_bytes(packet.comparison)
                if self.focus is not None:
                    grid = packet.node_grid(self.focus)
                    if grid is not None:
                        await ws.send_bytes(grid)
