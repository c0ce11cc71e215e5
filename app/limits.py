"""Limits on what one request may cost: the body's size (413, enforced
before anything parses it) and the training work of one call."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import InvalidValue

__all__ = ["BodySizeLimit", "check_work"]


def check_work(n_points: int, epochs: int, limit: int) -> None:
    """Bound the CPU one call can ask for (a worker thread is busy meanwhile)."""
    if n_points * epochs > limit:
        raise InvalidValue(
            "epochs", f"{epochs} epochs over {n_points} points is more than one call may ask ({limit} point-passes)"
        )


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """Answer 413 to HTTP requests whose body is larger than ``max_bytes``,
    whether they declare a Content-Length or stream chunks."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await self._reject(send)
                    return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._reject(send)

    async def _reject(self, send: Send) -> None:
        body = json.dumps({"detail": f"request body larger than {self.max_bytes} bytes"}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
