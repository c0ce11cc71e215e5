"""The websocket: one reader and one writer per connection (docs/protocol.md)."""

from __future__ import annotations

import contextlib
import json
import secrets
from typing import Any

import anyio
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import TypeAdapter, ValidationError

from app.live import Client, LiveSession
from app.schemas import (
    CLIENT_MESSAGE_TYPES,
    CONTROL_MESSAGE_TYPES,
    AuthMessage,
    BiasMessage,
    ClientMessage,
    ConfigMessage,
    FocusMessage,
    HashMessage,
    SelectMessage,
    SpeedMessage,
    StepMessage,
    WeightMessage,
)
from app.settings import Settings
from app.store import SessionStore, UnknownSession
from core.errors import InvalidValue

router = APIRouter()
_messages: TypeAdapter[Any] = TypeAdapter(ClientMessage)

CLOSE_UNKNOWN_SESSION = 4404
CLOSE_TOO_MANY_WATCHERS = 4429
DISCONNECTED = (WebSocketDisconnect, RuntimeError, OSError)


def _error(client: Client, code: str, message: str, field: str | None = None) -> None:
    client.send_json({"type": "error", "code": code, "message": message, **({"field": field} if field else {})})


@router.websocket("/ws/sessions/{session_id}")
async def session_socket(websocket: WebSocket, session_id: str) -> None:
    store: SessionStore = websocket.app.state.store
    settings: Settings = websocket.app.state.settings
    await websocket.accept()
    try:
        live = store.get(session_id)
    except UnknownSession:
        await websocket.close(code=CLOSE_UNKNOWN_SESSION, reason="unknown session")
        return
    if len(live.clients) >= settings.max_watchers:
        await websocket.close(code=CLOSE_TOO_MANY_WATCHERS, reason="too many watchers")
        return
    client = Client(websocket)
    await live.attach(client)
    try:
        async with anyio.create_task_group() as tasks:

            async def write() -> None:
                with contextlib.suppress(*DISCONNECTED):
                    await client.pump()
                tasks.cancel_scope.cancel()  # the writer stopped: stop reading too

            tasks.start_soon(write)
            with contextlib.suppress(*DISCONNECTED):
                await _read(websocket, client, live, settings)
            tasks.cancel_scope.cancel()
    finally:
        live.detach(client)


async def _read(websocket: WebSocket, client: Client, live: LiveSession, settings: Settings) -> None:
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        text = message.get("text")
        if text is None:
            _error(client, "invalid", "binary messages are not accepted; send JSON text")
            continue
        if len(text) > settings.max_message_bytes:
            _error(client, "too_big", f"messages are limited to {settings.max_message_bytes} bytes")
            continue
        await _handle(text, client, live)


async def _handle(text: str, client: Client, live: LiveSession) -> None:
    try:
        data = json.loads(text)
    except ValueError as exc:
        _error(client, "bad_json", f"not JSON: {exc}")
        return
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        _error(client, "invalid", "a message is a JSON object with a string 'type'", "type")
        return
    kind = data["type"]
    if kind not in CLIENT_MESSAGE_TYPES:
        _error(client, "unknown_type", f"unknown type {kind!r}; allowed: {', '.join(CLIENT_MESSAGE_TYPES)}", "type")
        return
    if kind in CONTROL_MESSAGE_TYPES and client.role != "control":
        _error(client, "forbidden", f"'{kind}' needs the control token: watchers cannot change the session")
        return
    try:
        command = _messages.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"][1:]) or kind
        _error(client, "invalid", f"{field}: {first['msg']}", field)
        return
    try:
        await _dispatch(command, client, live)
    except InvalidValue as exc:
        _error(client, "invalid", str(exc), exc.field)


async def _dispatch(command: Any, client: Client, live: LiveSession) -> None:
    kind = command.type
    if isinstance(command, AuthMessage):
        if secrets.compare_digest(command.token.encode(), live.token.encode()):
            client.role = "control"
            client.send_json({"type": "auth", "role": "control"})
        else:
            _error(client, "forbidden", "wrong control token: you can watch this session but not change it", "token")
    elif kind == "play":
        live.play()
    elif kind == "pause":
        live.pause()
    elif isinstance(command, StepMessage):
        await live.step(command.epochs)
    elif kind == "reset":
        await live.change(lambda s: s.reset())
    elif kind == "regenerate":
        await live.change(lambda s: s.regenerate())
    elif isinstance(command, ConfigMessage):
        fields = command.fields.given()
        await live.change(lambda s: s.update(**fields))
    elif isinstance(command, HashMessage):
        await live.change(lambda s: s.apply_hash(command.hash))
    elif isinstance(command, WeightMessage):
        await live.change(lambda s: s.set_weight(command.layer, command.source, command.target, command.value),
                          announce=False)  # fmt: skip
    elif isinstance(command, BiasMessage):
        await live.change(lambda s: s.set_bias(command.layer, command.node, command.value), announce=False)
    elif isinstance(command, SpeedMessage):
        live.set_speed(command.epochs_per_frame)
    elif isinstance(command, FocusMessage):
        node = command.node
        n_nodes = live.latest.n_nodes if live.latest is not None else 0
        if node is not None and node >= n_nodes:
            raise InvalidValue("node", f"expected a node index from 0 to {n_nodes - 1}, or null")
        live.refocus(client, node)
    elif kind == "ping":
        client.send_json({"type": "pong"})
    elif isinstance(command, SelectMessage):
        selection = None
        if command.layer is not None:
            selection = {"layer": command.layer, "source": command.source, "target": command.target,
                         "point": command.point}  # fmt: skip
        await live.select(selection)
