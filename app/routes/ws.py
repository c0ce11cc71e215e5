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
from typing import Any

import anyio
import orjson
from anyio.abc import TaskGroup
from fastapi import APIRouter, WebSocket
from pydantic import BaseModel, ValidationError
from starlette.websockets import WebSocketDisconnect, WebSocketDisconnected

from app import schemas as m
from app.clients import Client
from app.closecodes import CloseCode
from app.deps import AppSettings, Limits, Store, authorize
from app.limits import ClientLimits, check_work, client_key
from app.live import Interrupted, LiveSession
from app.persistence import StoreUnavailable
from app.roles import Role
from app.settings import Settings
from app.store import OwnedElsewhere, ShuttingDown, StoreFull, UnknownSession
from core.errors import InvalidValue

router = APIRouter()
log = logging.getLogger("playground.ws")

DISCONNECTED = (WebSocketDisconnect, WebSocketDisconnected)
CLOSE_GRACE_SECONDS = 5.0  # how long the writer may take to send what is queued, then the close


@dataclass(frozen=True)
class Handler:
    model: type[BaseModel]
    role: Role  # the least role that may send it
    run: Callable[[Any, Client, LiveSession], Awaitable[None]]
    background: bool = False  # runs beside the reader (long work that a later message may stop)


def _error(client: Client, code: str, message: str, field: str | None = None) -> None:
    client.send_json({"type": "error", "code": code, "message": message, **({"field": field} if field else {})})


async def _auth(command: m.AuthMessage, client: Client, live: LiveSession) -> None:
    client.role = authorize(live, command.token)
    if client.role is Role.CONTROL:
        client.send_json({"type": "auth", "role": Role.CONTROL.value})
    else:
        _error(client, "forbidden", "wrong control token: you can watch this session but not change it", "token")


async def _play(command: m.PlayMessage, client: Client, live: LiveSession) -> None:
    live.play()


async def _pause(command: m.PauseMessage, client: Client, live: LiveSession) -> None:
    live.pause(by_client=True)


async def _step(command: m.StepMessage, client: Client, live: LiveSession) -> None:
    check_work(live.cost(command.epochs), live.settings.max_work, f"{command.epochs} epochs")
    with contextlib.suppress(Interrupted):  # a pause or a change came first: every client was told
        await live.step(command.epochs, client.key)


async def _reset(command: m.ResetMessage, client: Client, live: LiveSession) -> None:
    await live.change(lambda s: s.reset(), client.key)


async def _regenerate(command: m.RegenerateMessage, client: Client, live: LiveSession) -> None:
    await live.change(lambda s: s.regenerate(), client.key)


async def _config(command: m.ConfigMessage, client: Client, live: LiveSession) -> None:
    fields = command.fields.given()
    await live.change(lambda s: s.update(**fields), client.key)


async def _hash(command: m.HashMessage, client: Client, live: LiveSession) -> None:
    await live.change(lambda s: s.apply_hash(command.hash), client.key)


async def _weight(command: m.WeightMessage, client: Client, live: LiveSession) -> None:
    await live.change(lambda s: s.set_weight(command.layer, command.source, command.target, command.value),
                      client.key, announce=False)  # fmt: skip


async def _bias(command: m.BiasMessage, client: Client, live: LiveSession) -> None:
    await live.change(lambda s: s.set_bias(command.layer, command.node, command.value), client.key, announce=False)


async def _speed(command: m.SpeedMessage, client: Client, live: LiveSession) -> None:
    live.set_speed(command.epochs_per_frame)


async def _focus(command: m.FocusMessage, client: Client, live: LiveSession) -> None:
    node = command.node
    n_nodes = live.latest.n_nodes if live.latest is not None else 0
    if node is not None and node >= n_nodes:
        raise InvalidValue("node", f"expected a node index from 0 to {n_nodes - 1}, or null")
    await live.refocus(client, node)


async def _ping(command: m.PingMessage, client: Client, live: LiveSession) -> None:
    client.send_json({"type": "pong"})


async def _select(command: m.SelectMessage, client: Client, live: LiveSession) -> None:
    selection = None
    if command.layer is not None:
        selection = {"layer": command.layer, "source": command.source, "target": command.target,
                     "point": command.point}  # fmt: skip
    await live.select(selection, client.key)


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


def _reason(error: Exception) -> str:
    """A close reason: at most 123 bytes (RFC 6455)."""
    return str(error).encode()[:120].decode(errors="ignore")


@router.websocket("/ws/sessions/{session_id}")
async def session_socket(websocket: WebSocket, session_id: str, store: Store, settings: AppSettings,
                         limits: Limits) -> None:  # fmt: skip
    await websocket.accept()
    key = client_key(websocket)
    if not limits.may_connect(key):
        await websocket.close(code=CloseCode.MESSAGE_FLOOD, reason="too many messages from this address; wait")
        return
    try:
        live = await store.open(session_id)
    except UnknownSession:
        await websocket.close(code=CloseCode.UNKNOWN_SESSION, reason="unknown session")
        return
    except (StoreFull, ShuttingDown, OwnedElsewhere, StoreUnavailable) as error:
        await websocket.close(code=CloseCode.TRY_AGAIN, reason=_reason(error))
        return
    if live.watchers >= settings.max_watchers:
        await websocket.close(code=CloseCode.TOO_MANY_WATCHERS, reason="too many watchers")
        return
    client = Client(websocket, key, settings.messages_per_second)
    try:
        await live.attach(client)
        async with anyio.create_task_group() as tasks:

            async def write() -> None:
                with contextlib.suppress(*DISCONNECTED):
                    await client.pump(lambda: live.greeting(client))
                tasks.cancel_scope.cancel()  # the writer stopped (closed or gone): stop reading too

            tasks.start_soon(write)
            try:
                await _read(websocket, client, live, settings, limits, tasks)
            except DISCONNECTED:
                tasks.cancel_scope.cancel()
                return
            # The reader stopped on purpose (a flood): give the writer time to send the close.
            with anyio.move_on_after(CLOSE_GRACE_SECONDS):
                await anyio.sleep_forever()
            tasks.cancel_scope.cancel()
    finally:
        live.detach(client)


async def _read(websocket: WebSocket, client: Client, live: LiveSession, settings: Settings, limits: ClientLimits,
                tasks: TaskGroup) -> None:  # fmt: skip
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
        await _handle(text, client, live, tasks)


async def _handle(text: str, client: Client, live: LiveSession, tasks: TaskGroup) -> None:
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


async def _run(handler: Handler, command: Any, client: Client, live: LiveSession) -> None:
    """Carry out one command; its failures become `error` messages, never a dropped connection."""
    try:
        await handler.run(command, client, live)
    except InvalidValue as exc:
        _error(client, "invalid", str(exc), exc.field)
    except Exception:
        log.exception("session %s: %r failed", live.id, command.type)
        _error(client, "internal", f"the server failed to carry out '{command.type}'; it has been logged")
