"""REST calls for sessions that another process owns.

``OwnerRouting`` sits innermost among the app's middleware (after the body
limit and the same-origin check): a call about ``/api/sessions/{id}...``
for a session held here, or one this process can load, goes on as usual;
for a session another process runs, the request (method, path, headers,
body, client address) is sent to the owner, which runs it through the
same routes as if it had arrived there, and its answer is sent back as it
is.  A session nobody watches moves here instead (the owner saves and
lets it go, this process loads it).  A call whose owner dies before
answering is answered 503: it may have run there, so it is never repeated
behind the caller's back.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import time
from collections.abc import Coroutine
from typing import Any, Protocol

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.cluster.bus import Bus
from app.persistence import StoreUnavailable
from app.sessions.ownership import OwnedElsewhere
from app.sessions.store import SessionStore, ShuttingDown, StoreFull, UnknownSession
from app.settings import Settings
from app.web.body_limit import replay

__all__ = ["OwnerRouting", "on_request"]

log = logging.getLogger("playground.cluster")

SESSION_PATH = re.compile(r"^/api/sessions/([A-Za-z0-9_-]{1,64})(?:/|$)")
ANSWER_SECONDS = 120.0  # the longest a forwarded call may take (nginx's read timeout)
RETRY_SECONDS = 0.2  # between attempts while a session changes hands
MAX_ATTEMPTS = 200  # bounds the loop of _route (its deadline comes first)


class OwnerRouting:
    """ASGI middleware: a session's REST calls reach the process that runs it."""

    def __init__(self, app: ASGIApp, state: Any) -> None:
        self.app = app
        self.state = state
        state.routed_app = app  # what forwarded calls run through at the owner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cluster: Cluster | None = getattr(self.state, "cluster", None)
        match = SESSION_PATH.match(scope["path"]) if scope["type"] == "http" else None
        if cluster is None or match is None:
            await self.app(scope, receive, send)
            return
        await _route(cluster, self.app, match[1], scope, receive, send)


class Cluster(Protocol):
    """What forwarding needs of this process's part in the cluster (app.cluster.node.Cluster)."""

    settings: Settings
    app: Any
    node: str
    bus: Bus
    replies: dict[int, asyncio.Future[tuple[dict[str, Any], bytes]]]  # forwarded requests awaiting answers
    forwarded: int

    def store_(self) -> SessionStore: ...
    def next_id(self) -> int: ...
    async def owner(self, session_id: str) -> str | None: ...
    def spawn(self, work: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]: ...
    def to_node(self, node: str, header: dict[str, Any], body: bytes = b"", *, frame: bool = False) -> None: ...


MOVED, NOBODY, LOST = "moved", "nobody", "lost"  # what a forward may come to besides an answer
Answer = tuple[dict[str, Any], bytes]


async def _route(cluster: Cluster, app: ASGIApp, session_id: str, scope: Scope, receive: Receive, send: Send) -> None:
    store = cluster.store_()
    body: bytes | None = None
    deadline = time.monotonic() + cluster.settings.lease_seconds + 2.0
    for attempt in range(MAX_ATTEMPTS):
        try:
            await store.open(session_id)
            owner: str | None = None  # held here (now)
        except OwnedElsewhere as elsewhere:
            owner = elsewhere.owner or ""
        except (UnknownSession, StoreFull, ShuttingDown, StoreUnavailable):
            owner = None  # the route gives the usual answer (404, 503)
        if owner is None:
            await app(scope, receive if body is None else replay(body, receive), send)
            return
        if body is None:
            body = await _read_body(receive)
        outcome: Answer | str = NOBODY
        if owner:
            outcome = await _forward(cluster, session_id, owner, scope, body)
            if isinstance(outcome, tuple):
                await _send_answer(send, *outcome)
                return
            if outcome == LOST:
                await _unavailable(
                    send,
                    "the server process running this session stopped before answering; "
                    "the call may or may not have been carried out",
                )
                return
        if time.monotonic() > deadline:
            await _unavailable(send, "the session is moving between server processes; try again")
            return
        # Nobody listens (its owner died: its lease lapses soon), or it moved and we came round again.
        await asyncio.sleep(RETRY_SECONDS if outcome != MOVED else 0.05 * min(attempt, 4))
    await _unavailable(send, "the session is moving between server processes; try again")


async def _forward(cluster: Cluster, session_id: str, owner: str, scope: Scope, body: bytes) -> Answer | str:
    rid = cluster.next_id()
    answered: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
    cluster.replies[rid] = answered
    client = scope.get("client")
    request = {
        "op": "http",
        "from": cluster.node,
        "rid": rid,
        "method": scope["method"],
        "scheme": scope.get("scheme", "http"),
        "path": scope["path"],
        "query": scope.get("query_string", b"").decode("latin-1"),
        "headers": [[name.decode("latin-1"), value.decode("latin-1")] for name, value in scope["headers"]],
        "client": list(client) if client else None,
        "body": base64.b64encode(body).decode(),
    }
    try:
        cluster.forwarded += 1
        try:
            if not await cluster.bus.publish_command(session_id, request):
                return NOBODY
        except StoreUnavailable:
            return NOBODY
        started = time.monotonic()
        while True:
            try:
                header, answer = await asyncio.wait_for(asyncio.shield(answered), cluster.settings.lease_seconds)
            except TimeoutError:
                if time.monotonic() - started > ANSWER_SECONDS:
                    return LOST
                try:
                    if await cluster.owner(session_id) != owner:
                        return LOST
                except StoreUnavailable:
                    pass  # cannot tell: keep waiting
                continue
            return MOVED if header.get("moved") else (header, answer)
    finally:
        cluster.replies.pop(rid, None)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _send_answer(send: Send, header: dict[str, Any], body: bytes) -> None:
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in header["headers"]]
    await send({"type": "http.response.start", "status": int(header["status"]), "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _unavailable(send: Send, detail: str) -> None:
    body = orjson.dumps({"detail": detail})
    headers = [["content-type", "application/json"], ["content-length", str(len(body))], ["retry-after", "1"]]
    await _send_answer(send, {"status": 503, "headers": headers}, body)


# -- at the owner ------------------------------------------------------------------------------


def on_request(cluster: Cluster, session_id: str, command: dict[str, Any]) -> None:
    """A REST call forwarded by another process (app/cluster/node.py): run it as a task."""
    cluster.spawn(_serve(cluster, session_id, command), f"forwarded-{command.get('rid')}")


async def _serve(cluster: Cluster, session_id: str, command: dict[str, Any]) -> None:
    node, rid = str(command["from"]), int(command["rid"])
    store = cluster.store_()
    live = store.held(session_id)
    moved = live is None or live.closed
    if live is not None and not moved and not live.watchers and not live.jobs and not live.playing:
        moved = await store.unload(live, "moved to the process its clients reach")  # go where the calls come from
    if moved:
        cluster.to_node(node, {"kind": "http", "rid": rid, "moved": True})
        return
    try:
        status, headers, body = await _run(cluster, command)
    except Exception:
        log.exception("session %s: a forwarded %s %s failed", session_id, command.get("method"), command.get("path"))
        status, headers, body = 500, [["content-type", "application/json"]], b'{"detail":"internal error"}'
    cluster.to_node(node, {"kind": "http", "rid": rid, "status": status, "headers": headers}, body)


async def _run(cluster: Cluster, command: dict[str, Any]) -> tuple[int, list[list[str]], bytes]:
    """Run a forwarded call through the routes (below the middleware its first process already applied)."""
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": command["method"],
        "scheme": command["scheme"],
        "path": command["path"],
        "raw_path": command["path"].encode(),
        "root_path": "",
        "query_string": command["query"].encode("latin-1"),
        "headers": [(name.encode("latin-1"), value.encode("latin-1")) for name, value in command["headers"]],
        "client": tuple(command["client"]) if command["client"] else None,
        "server": None,
        "app": cluster.app,
        "state": {},
    }
    pending: bytes | None = base64.b64decode(command["body"])
    status = 500
    headers: list[list[str]] = []
    chunks: list[bytes] = []
    never = asyncio.Event()

    async def receive() -> Message:
        nonlocal pending
        if pending is not None:
            message: Message = {"type": "http.request", "body": pending, "more_body": False}
            pending = None
            return message
        await never.wait()  # the caller is connected to the other process; nothing more comes
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status = int(message["status"])
            headers = [[name.decode("latin-1"), value.decode("latin-1")] for name, value in message["headers"]]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await cluster.app.state.routed_app(scope, receive, send)
    return status, headers, b"".join(chunks)
