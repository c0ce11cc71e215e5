"""One websocket connection: one reader and one writer (docs/protocol.md).

A message is either one of the connection's own (``CONNECTION``: auth,
focus, ping) or a session command (app/protocol/commands.py), validated
against the command's body model and carried out by the same handler REST
uses.  A command marked ``background`` runs beside the reader, so a pause
sent meanwhile is read and stops it at its next slice.  The writer alone
sends, closing included.  The cluster (app/cluster/relay.py) runs the same
``handle`` for clients another process holds.
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
from pydantic import BaseModel, ValidationError
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketDisconnected

from app import schemas as m
from app.auth import Role, authorize
from app.protocol.close_codes import CloseCode
from app.protocol.commands import COMMANDS, Call, Command, Conflict
from app.sessions.clients import Client, Peer
from app.sessions.live import LiveSession
from app.settings import Settings
from app.web.client_limits import ClientLimits, TooManyRequests
from core.errors import InvalidValue

__all__ = ["Admission", "CONNECTION", "close_reason", "handle", "run_connection", "serve"]

log = logging.getLogger("playground.ws")

DISCONNECTED = (WebSocketDisconnect, WebSocketDisconnected)
CLOSE_GRACE_SECONDS = 5.0  # how long the writer may take to send what is queued, then the close
SHOW_TOKEN_SECONDS = 3.0  # a connection to a full session (or from a crowded address) may show a control token
TEACHER_ROOM = 8  # connections with the control token let in beyond a session's max_watchers


@dataclass(frozen=True)
class Admission:
    """Who connects: the address (limits, fair turns), what a flood lock-out follows
    (``flood_key``: the browser's client id, else the address's anonymous clients),
    and whether the address holds its cap of websockets already."""

    key: str
    strikes: str
    crowded: bool


@dataclass(frozen=True)
class ConnectionMessage:
    """A message about the connection itself, not a change of the session."""

    model: type[BaseModel]
    run: Callable[[Any, Peer, LiveSession], Awaitable[None]]


def _error(client: Peer, code: str, message: str, field: str | None = None) -> None:
    client.send_json({"type": "error", "code": code, "message": message, **({"field": field} if field else {})})


async def _auth(message: m.AuthMessage, client: Peer, live: LiveSession) -> None:
    client.role = authorize(live.token_hash, message.token)
    if client.role is Role.CONTROL:
        client.send_json({"type": "auth", "role": Role.CONTROL.value})
    else:
        _error(client, "forbidden", "wrong control token: you can watch this session but not change it", "token")


async def _focus(message: m.FocusMessage, client: Peer, live: LiveSession) -> None:
    node = message.node
    n_nodes = live.latest.n_nodes if live.latest is not None else 0
    if node is not None and node >= n_nodes:
        raise InvalidValue("node", f"expected a node index from 0 to {n_nodes - 1}, or null")
    await live.refocus(client, node)


async def _ping(message: m.PingMessage, client: Peer, live: LiveSession) -> None:
    client.send_json({"type": "pong"})


CONNECTION: dict[str, ConnectionMessage] = {
    "auth": ConnectionMessage(m.AuthMessage, _auth),
    "focus": ConnectionMessage(m.FocusMessage, _focus),
    "ping": ConnectionMessage(m.PingMessage, _ping),
}
TYPES = (*CONNECTION, *COMMANDS)


def close_reason(error: Exception) -> str:
    """A close reason: at most 123 bytes (RFC 6455)."""
    return str(error).encode()[:120].decode(errors="ignore")


async def serve(
    websocket: WebSocket, live: LiveSession, settings: Settings, limits: ClientLimits, admission: Admission
) -> None:
    """One connection to a session held here, until it closes.

    A session at ``max_watchers``, or an address at its cap of sockets, still
    lets in a connection whose first message is the control token (within
    SHOW_TOKEN_SECONDS): a teacher always gets into their own session, however
    many sockets others opened (up to TEACHER_ROOM beyond the limit)."""
    full = live.watchers >= settings.max_watchers
    role = Role.WATCH
    if full or admission.crowded:
        role = await _shown_role(websocket, live)
        if role is not Role.CONTROL or live.watchers >= settings.max_watchers + TEACHER_ROOM:
            code, reason = (
                (CloseCode.TOO_MANY_WATCHERS, "too many watchers")
                if full
                else (CloseCode.TOO_MANY_SOCKETS, "too many connections from this address")
            )
            websocket.app.state.metrics.refused("watchers" if full else "sockets")
            with contextlib.suppress(*DISCONNECTED):
                await websocket.close(code=code, reason=reason)
            return
    counted = websocket.app.state.metrics.frame_sent if settings.metrics != "off" else None
    client = Client(websocket, admission.key, settings.messages_per_second, admission.strikes, counted)
    client.role = role
    try:
        await live.attach(client)
        if role is Role.CONTROL:  # the auth message it showed: answered as `auth` answers
            client.send_json({"type": "auth", "role": Role.CONTROL.value})
        await run_connection(
            websocket,
            client,
            lambda text, tasks: handle(text, client, live, limits, tasks),
            lambda: live.greeting(client),
            settings,
            limits,
        )
    finally:
        live.detach(client)


async def _shown_role(websocket: WebSocket, live: LiveSession) -> Role:
    """The role the connection's first message proves (an ``auth`` with the control
    token), waiting at most SHOW_TOKEN_SECONDS; WATCH for anything else."""
    with anyio.move_on_after(SHOW_TOKEN_SECONDS):
        message = await websocket.receive()
        text = message.get("text") if message["type"] == "websocket.receive" else None
        try:
            data = orjson.loads(text) if text else None
        except ValueError:
            return Role.WATCH
        if isinstance(data, dict) and data.get("type") == "auth" and isinstance(data.get("token"), str):
            return authorize(live.token_hash, data["token"])
    return Role.WATCH


async def run_connection(
    websocket: WebSocket,
    client: Client,
    dispatch: Callable[[str, TaskGroup], Awaitable[None]],
    greeting: Callable[[], Awaitable[list[str]]],
    settings: Settings,
    limits: ClientLimits,
) -> None:
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


async def _read(
    websocket: WebSocket,
    client: Client,
    dispatch: Callable[[str], Awaitable[None]],
    settings: Settings,
    limits: ClientLimits,
) -> None:
    """Read until the client leaves (WebSocketDisconnect) or is closed for flooding (returns)."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000))
        if not client.inbox.take():
            client.refused += 1  # not even parsed: a flood costs us as little as possible
            if client.refused == 1:
                _error(
                    client,
                    "rate_limited",
                    f"more than {settings.messages_per_second:g} messages per second; this one was ignored",
                )
            elif client.refused >= settings.flood_limit:
                websocket.app.state.metrics.refused("flood")
                client.close(CloseCode.MESSAGE_FLOOD, "too many messages")
                limits.strike(client.strikes)
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


async def handle(text: str, client: Peer, live: LiveSession, limits: ClientLimits, tasks: TaskGroup) -> None:
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
    kind = data.pop("type")
    own = CONNECTION.get(kind)
    if own is not None:
        message = _validate(client, own.model, {"type": kind, **data}, kind)
        if message is not None:
            await _guarded(client, live, kind, own.run(message, client, live))
        return
    command = COMMANDS.get(kind)
    if command is None:
        _error(client, "unknown_type", f"unknown type {kind!r}; allowed: {', '.join(TYPES)}", "type")
        return
    if command.role is Role.CONTROL and client.role is not Role.CONTROL:
        _error(client, "forbidden", f"'{kind}' needs the control token: watchers cannot change the session")
        return
    body = _command_body(client, command, data)
    if body is None:
        return
    run = command.run(body, Call(live, client.key, limits, client))
    if command.background:
        tasks.start_soon(_guarded, client, live, kind, run)
    else:
        await _guarded(client, live, kind, run)


def _command_body(client: Peer, command: Command, data: dict[str, Any]) -> Any:
    """The command's body from a message: its fields beside `type`, or under ``command.wrap``."""
    if command.wrap is None:
        return _validate(client, command.body, data, command.name)
    extra = sorted(set(data) - {command.wrap})
    if extra:
        _error(
            client, "invalid", f"{extra[0]}: unknown field; a '{command.name}' message has '{command.wrap}'", extra[0]
        )
        return None
    return _validate(client, command.body, data.get(command.wrap), command.name, prefix=f"{command.wrap}.")


def _validate(client: Peer, model: type[BaseModel], data: Any, kind: str, prefix: str = "") -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = prefix + ".".join(str(part) for part in first["loc"]) if first["loc"] else (prefix.rstrip(".") or kind)
        _error(client, "invalid", f"{field}: {first['msg']}", field)
        return None


async def _guarded(client: Peer, live: LiveSession, kind: str, run: Awaitable[Any]) -> None:
    """Carry out one message; its failures become `error` messages, never a dropped connection."""
    try:
        await run
    except InvalidValue as exc:
        _error(client, "invalid", str(exc), exc.field)
    except Conflict as exc:
        _error(client, "conflict", str(exc))
    except TooManyRequests as exc:
        _error(client, "rate_limited", str(exc))
    except Exception:
        log.exception("session %s: %r failed", live.id, kind)
        _error(client, "internal", f"the server failed to carry out '{kind}'; it has been logged")
