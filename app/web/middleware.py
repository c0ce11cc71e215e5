"""HTTP behaviour every response shares: security headers, refusing
cross-site writes, HEAD answered like GET, and 405s that list every method
the path allows.  Plain ASGI middleware (no per-request task), in the
order ``create_app`` installs them."""

from __future__ import annotations

from urllib.parse import urlsplit

import orjson
from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["SecurityHeaders", "SameOriginWrites", "HeadAsGet", "method_not_allowed"]

# No inline scripts or styles, nothing from another origin, not framed by another site.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'self'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # class links carry session ids: never hand them to other sites
    (b"x-frame-options", b"SAMEORIGIN"),  # frame-ancestors for older browsers
]
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in SECURITY_HEADERS if name not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SameOriginWrites:
    """Refuse (403) writes that a browser sent from another site: a plain
    cross-site form must not create or fork sessions.  Clients that are not
    browsers send no Origin and are not affected."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in WRITES and _cross_site(scope):
            body = orjson.dumps({"detail": "cross-site request refused: send it from the playground's own pages"})
            await send(
                {"type": "http.response.start", "status": 403, "headers": [(b"content-type", b"application/json")]}
            )
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


def _cross_site(scope: Scope) -> bool:
    headers: dict[str, str] = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
    if headers.get("sec-fetch-site", "") == "cross-site":
        return True
    origin = headers.get("origin")
    if origin is None:
        return False
    if origin == "null":  # sandboxed frames, file: pages
        return True
    return urlsplit(origin).netloc.lower() != headers.get("host", "").lower()


class HeadAsGet:
    """Answer HEAD as GET without the body (FastAPI routes only register GET)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


async def method_not_allowed(request: Request, exc: Exception) -> JSONResponse:
    """405 with an ``Allow`` header naming every method some route takes on this path
    (asked of the router itself, method by method, so included routers count too)."""
    assert isinstance(exc, HTTPException)
    routes = request.app.router.routes
    allowed = {
        method
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
        if any(route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes)
    }
    if "GET" in allowed:
        allowed.add("HEAD")
    return JSONResponse({"detail": exc.detail}, status_code=405, headers={"Allow": ", ".join(sorted(allowed))})
