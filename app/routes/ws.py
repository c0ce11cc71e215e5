"""The websocket: one reader and one writer per connection (docs/protocol.md).

Every client message type has one entry in ``HANDLERS``: its model (in
app/schemas.py), the role it needs, and the coroutine that carries it out.
A step runs beside the reader, so a pause sent meanwhile is read and stops
it at its next slice.  The writer alone sends, closing included.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import anyio
import orjson
from anyio.abc import TaskGroup
from fastapi import APIRouter, WebSocket
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ValidationError
from starlette.websockets import WebSocketDisconnect, WebSocketDisconnected

from app import schemas as m
from app.clients import Client, Peer
from app.closecodes import CloseCode
from app.deps import AppSettings, Limits, Store, authorize
from app.limits import ClientLimits, address_of, check_work
from app.live import Interrupted, LiveSession
from app.persistence import StoreUnavailable
from app.roles import Role
from app.settings import Settings
from app.store import OwnedElsewhere, ShuttingDown, StoreFull, UnknownSession
from core.errors import InvalidValue

if TYPE_CHECKING:
    from app.cluster import Cluster

router = APIRouter()
log = logging.getLogger("playground.ws")

DISCONNECTED = (WebSocketDisconnect, WebSocketDisconnected)
CLOSE_GRACE_SECONDS = 5.0  # how long the writer may take to send what is queued, then the close


@dataclass(frozen=True)
class Handler:
    model: type[BaseModel]
    role: Role  # the least role that may send it
    run: Callable[[Any, Peer, LiveSession], Awaitable[None]]
    background: bool = False  # runs beside the reader (long work that a later message may stop)


def _error(client: Peer, code: str, message: str, field: str | None = None) -> None:
    client.send_json({"type": "error", "code": code, "message": message, **({"field": field} if field else {})})


async def _auth(command: m.AuthMessage, client: Peer, live: LiveSession) -> None:
    client.role = authorize(live, command.token)
    if client.role is Role.CONTROL:
        client.send_json({"type": "auth", "role": Role.CONTROL.value})
    else:
        _error(client, "forbidden", "wrong control token: you can watch this session but not change it", "token")


async def _play(command: m.PlayMessage, client: Peer, live: LiveSession) -> None:
    live.play()


async def _pause(command: m.PauseMessage, client: Peer, live: LiveSession) -> None:
    live.pause(by_client=True)


async def _step(command: m.StepMessage, client: Peer, live: LiveSession) -> None:
    check_work(live.cost(command.epochs), live.settings.max_work, f"{command.epochs} epochs")
    with contextlib.suppress(Interrupted):  # a pause or a change came first: every client was told
        await live.step(command.epochs, client.key)


async def _reset(command: m.ResetMessage, client: Peer, live: LiveSession) -> None:
    await live.change(lambda s: s.reset(), client.key)


async def _regenerate(command: m.RegenerateMessage, client: Peer, live: LiveSession) -> None:
    await live.change(lambda s: s.regenerate(), client.key)


async def _config(command: m.ConfigMessage, client: Peer, live: LiveSession) -> None:
    fields = command.fields.given()
    await live.change(lambda s: s.update(**fields), client.key)


async def _hash(command: m.HashMessage, client: Peer, live: LiveSession) -> None:
    await live.change(lambda s: s.apply_hash(command.hash), client.key)


async def _weight(command: m.WeightMessage, client: Peer, live: LiveSession) -> None:
    await live.change(lambda s: s.set_weight(command.layer, command.source, command.target, command.value),
                      client.key, announce=False)  # fmt: skip


async def _bias(command: m.BiasMessage, client: Peer, live: LiveSession) -> None:
    await live.change(lambda s: s.set_bias(command.layer, command.node, command.value), client.key, announce=False)


async def _speed(command: m.SpeedMessage, client: Peer, live: LiveSession) -> None:
    live.set_speed(command.epochs_per_frame)


async def _focus(command: m.FocusMessage, client: Peer, live: LiveSession) -> None:
    node = command.node
    n_nodes = live.latest.n_nodes if live.latest is not None else 0
    if node is not None and node >= n_nodes:
        raise InvalidValue("node", f"expected a node index from 0 to {n_nodes - 1}, or null")
    await live.refocus(client, node)


async def _ping(command: m.PingMessage, client: Peer, live: LiveSession) -> None:
    client.send_json({"type": "pong"})


async def _select(command: m.SelectMessage, client: Peer, live: LiveSession) -> None:
    await live.select(command.selection(), client.key)


HANDLERS: dict[str, Handler] = {
    "auth": Handler(m.AuthMessage, Role.WATCH, _auth),
    "play": Handler(m.PlayMessage, Role.CONTROL, _play),
    "pause": Handler(m.PauseMessage, Role.CONTROL, _pause),
    "step": Handler(m.StepMessage, Role.CONTROL, _step, background=True),
    "reset": Handler(m.ResetMessage, Role.CONTROL, _reset),
    "regenerate": Handler(m.RegenerateMessage, Role.CONTROL, _regenerate),
    "config": Handler(m.ConfigMessage, Role.CONTROL, _config),
    "hash": Handler(m.HashMessage, Role.CONTROL, _hash),
    "weight": Handler(m.WeightMessage, Role.CONTROL, _weight),
    "bias": Handler(m.BiasMessage, Role.CONTROL, _bias),
    "speed": Handler(m.SpeedMessage, Role.CONTROL, _speed),
    "focus": Handler(m.FocusMessage, Role.WATCH, _focus),
    "ping": Handler(m.PingMessage, Role.WATCH, _ping),
    "select": Handler(m.SelectMessage, Role.CONTROL, _select),
}


def close_reason(error: Exception) -> str:
    """A close reason: at most 123 bytes (RFC 6455)."""
    return str(error).encode()[:120].decode(errors="ignore")


@router.websocket("/ws/sessions/{session_id}")
async def session_socket(websocket: WebSocket, session_id: str, store: Store, settings: AppSettings,
                         limits: Limits) -> None:  # fmt: skip
    key = address_of(websocket)
    if not limits.may_connect(key):  # closed for flooding twice: refused before the handshake, nothing is read
        wait = {"Retry-After": str(limits.connect_retry_after(key))}
        await websocket.send_denial_response(
            PlainTextResponse("too many messages from this address; wait", status_code=429, headers=wait)
        )
        return
    await websocket.accept()

    async def serve_here(live: LiveSession) -> None:
        await serve(websocket, key, live, settings, limits)

    try:
        live = await store.open(session_id)
    except UnknownSession:
        await websocket.close(code=CloseCode.UNKNOWN_SESSION, reason="unknown session")
        return
    except OwnedElsewhere as elsewhere:
        cluster: Cluster | None = websocket.app.state.cluster
        if cluster is None:
            raise
        await cluster.relay_socket(websocket, session_id, elsewhere.owner, key, serve_here)
        return
    except (StoreFull, ShuttingDown, StoreUnavailable) as error:
        await websocket.close(code=CloseCode.TRY_AGAIN, reason=close_reason(error))
        return
    await serve_here(live)


async def serve(websocket: WebSocket, key: str, live: LiveSession, settings: Settings, limits: ClientLimits) -> None:
    """One connection to a session held here, until it closes."""
    if live.watchers >= settings.max_watchers:
        await websocket.close(code=CloseCode.TOO_MANY_WATCHERS, reason="too many watchers")
        return
    client = Client(websocket, key, settings.messages_per_second)
    try:
        await live.attach(client)
        await run_connection(websocket, client, lambda text, tasks: handle(text, client, live, tasks),
                             lambda: live.greeting(client), settings, limits)  # fmt: skip
    finally:
        live.detach(client)


async def run_connection(websocket: WebSocket, client: Client, dispatch: Callable[[str, TaskGroup], Awaitable[None]],
                         greeting: Callable[[], Awaitable[list[str]]], settings: Settings,
                         limits: ClientLimits) -> None:  # fmt: skip
    """The reader and the writer of one connection: ``dispatch`` carries out each
    message (here, or at the session's owner); ``greeting`` starts a client afresh."""
    async with anyio.create_task_group() as tasks:

        async def write() -> None:
            with contextlib.suppress(*DISCONNECTED):
                await client.pump(greeting)
            tasks.cancel_scope.cancel()  # the writer stopped (closed or gone): stop reading too

        tasks.start_soon(write)
        try:
            await _read(websocket, client, lambda text: dispatch(text, tasks), settings, limits)
        except DISCONNECTED:
            tasks.cancel_scope.cancel()
            return
        # The reader stopped on purpose (a flood): give the writer time to send the close.
        with anyio.move_on_after(CLOSE_GRACE_SECONDS):
            await anyio.sleep_forever()
        tasks.cancel_scope.cancel()


async def _read(websocket: WebSocket, client: Client, dispatch: Callable[[str], Awaitable[None]], settings: Settings,
                limits: ClientLimits) -> None:  # fmt: skip
    """Read until the client leaves (WebSocketDisconnect) or is closed for flooding (returns)."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000))
        if not client.inbox.take():
            client.refused += 1  # not even parsed: a flood costs us as little as possible
            if client.refused == 1:
                _error(client, "rate_limited",
                       f"more than {settings.messages_per_second:g} messages per second; this one was ignored")
            elif client.refused >= settings.flood_limit:
                client.close(CloseCode.MESSAGE_FLOOD, "too many messages")
                limits.strike(client.key)
                return
            continue
        client.refused = 0
        text = message.get("text")
        if text is None:
            _error(client, "invalid", "binary messages are not accepted; send JSON text")
            continue
        if len(text) > settings.max_message_bytes:
            _error(client, "too_big", f"messages are limited to {settings.max_message_bytes} bytes")
            continue
        await dispatch(text)


async def handle(text: str, client: Peer, live: LiveSession, tasks: TaskGroup) -> None:
    """Carry out one client message on a session held here (from this process's
    client, or from a client another process holds: app.cluster.relay)."""
    try:
        data = orjson.loads(text)
    except ValueError as exc:  # also JSON nested deeper than orjson's limit
        _error(client, "bad_json", f"not JSON: {exc}")
        return
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        _error(client, "invalid", "a message is a JSON object with a string 'type'", "type")
        return
    kind = data["type"]
    handler = HANDLERS.get(kind)
    if handler is None:
        _error(client, "unknown_type", f"unknown type {kind!r}; allowed: {', '.join(HANDLERS)}", "type")
        return
    if handler.role is Role.CONTROL and client.role is not Role.CONTROL:
        _error(client, "forbidden", f"'{kind}' needs the control token: watchers cannot change the session")
        return
    try:
        command = handler.model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or kind
        _error(client, "invalid", f"{field}: {first['msg']}", field)
        return
    if handler.background:
        tasks.start_soon(_run, handler, command, client, live)
    else:
        await _run(handler, command, client, live)


async def _run(handler: Handler, command: Any, client: Peer, live: LiveSession) -> None:
    """Carry out one command; its failures become `error` messages, never a dropped connection."""
    try:
        await handler.run(command, client, live)
    except InvalidValue as exc:
        _error(client, "invalid", str(exc), exc.field)
    except Exception:
        log.exception("session %s: %r failed", live.id, command.type)
        _error(client, "internal", f"the server failed to carry out '{command.type}'; it has been logged")
