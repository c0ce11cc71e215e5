"""The websocket protocol the server runs: uvicorn's own, with a short
closing handshake, sockets that stopped reading dropped, and a keepalive
timeout the app hears of at once.

- After the server sends a close frame, uvicorn waits up to
  ``close_timeout`` for the client's reply, and parses (and drops) whatever
  the client sends meanwhile.  A client closed for flooding (close 4430)
  does not stop to read the close: for uvicorn's 10 s it kept the event
  loop parsing tens of thousands of messages a second, and /healthz went
  over 100 ms (benchmarks/bench_abuse.py).  A client that answers does so
  in milliseconds, so one second is plenty.
- A socket whose writes have been held back (the transport paused: its
  peer reads nothing) for ``stall_seconds`` is dropped.  A client that
  never reads its frames can therefore not hold a watcher slot, while a
  slow phone that does read drains its buffer now and then, which resets
  the clock.
- When a peer misses its keepalive pong, uvicorn sends a close and closes
  the transport, but tells the app only once the transport is lost, and a
  peer that stopped reading may keep it from ever being lost.  A send
  meanwhile raised "Unexpected ASGI message 'websocket.send', after sending
  'websocket.close'" out of the app (80 idle sockets to one session logged
  nine such tracebacks).  Here the app is told at once, and the transport
  is dropped with what it still buffered.
"""

from __future__ import annotations

import logging
from asyncio import TimerHandle
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

__all__ = ["CLOSE_TIMEOUT_SECONDS", "STALL_SECONDS", "WebSocketProtocol", "websocket_protocol"]

CLOSE_TIMEOUT_SECONDS = 1.0
STALL_SECONDS = 20.0  # the default of PLAYGROUND_STALLED_SOCKET_SECONDS
GOING_AWAY = 1001  # what the app is told when the transport is dropped under it

log = logging.getLogger("playground.ws")


class WebSocketProtocol(WebSocketsSansIOProtocol):
    stall_seconds = STALL_SECONDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.close_timeout = CLOSE_TIMEOUT_SECONDS
        self.stall_timer: TimerHandle | None = None

    def pause_writing(self) -> None:
        super().pause_writing()
        if self.stall_timer is None:
            self.stall_timer = self.loop.call_later(self.stall_seconds, self._stalled)

    def resume_writing(self) -> None:
        super().resume_writing()
        self._cancel_stall()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_stall()
        super().connection_lost(exc)

    def keepalive_timeout(self) -> None:
        if self.close_sent or self.transport.is_closing():
            super().keepalive_timeout()
            return
        super().keepalive_timeout()  # sends the close (1011) and closes the transport
        self._drop(1011)

    def _stalled(self) -> None:
        self.stall_timer = None
        if self.disconnected:
            return
        where = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
        log.info("%s read nothing for %g s: its socket is dropped", where, self.stall_seconds)
        self._drop(GOING_AWAY)

    def _drop(self, code: int) -> None:
        """Tell the app the connection is gone (its sends raise ClientDisconnected, its
        reader gets a disconnect), then drop the transport without flushing."""
        self.disconnected = True
        self.queue.put_nowait({"type": "websocket.disconnect", "code": code})
        self.writable.set()  # a send waiting for the peer to read wakes and finds it disconnected
        self.transport.abort()

    def _cancel_stall(self) -> None:
        if self.stall_timer is not None:
            self.stall_timer.cancel()
            self.stall_timer = None


def websocket_protocol(stall_seconds: float) -> type[WebSocketProtocol]:
    """The protocol class with its stall time (uvicorn's ``ws`` option takes a class)."""
    return type("WebSocketProtocol", (WebSocketProtocol,), {"stall_seconds": stall_seconds})
