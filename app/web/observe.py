"""Every HTTP request, observed once: its duration in the metrics (by route
template, method and status) and one line in the access log.

The line names the route's template (``/api/sessions/{session_id}/step``),
the session id, the client key, the status and the duration: never a token,
a query string or a body.  Websockets are not requests: their connections
are counted by /metrics' client gauge.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.metrics import Metrics

__all__ = ["Observed"]

access = logging.getLogger("playground.access")


class Observed:
    """ASGI middleware, outermost: it times what every other layer does too."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # if the app fails before it answers

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope["method"]
            self.metrics.request(route, method, status, seconds)
            client = scope.get("client")
            session = scope.get("path_params", {}).get("session_id")
            access.info(
                "%s %s %d %.1f ms",
                method,
                route,
                status,
                seconds * 1e3,
                extra={
                    "route": route,
                    "method": method,
                    "status": status,
                    "duration_ms": round(seconds * 1e3, 3),
                    "client": client[0] if client else None,
                    "session": session,
                },
            )
