"""The websocket protocol the server runs: uvicorn's own, with a short closing handshake.

After the server sends a close frame, uvicorn waits up to ``close_timeout``
for the client's reply, and parses (and drops) whatever the client sends
meanwhile.  A client closed for flooding (close 4430) does not stop to read
the close: for uvicorn's 10 s it kept the event loop parsing tens of
thousands of messages a second, and /healthz went over 100 ms
(benchmarks/bench_abuse.py).  A client that answers does so in
milliseconds, so one second is plenty.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

__all__ = ["CLOSE_TIMEOUT_SECONDS", "WebSocketProtocol"]

CLOSE_TIMEOUT_SECONDS = 1.0


class WebSocketProtocol(WebSocketsSansIOProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.close_timeout = CLOSE_TIMEOUT_SECONDS
