"""Websockets to sessions that another process owns.

Here (the process the browser reached), a ``RemoteSession`` holds this
process's clients of one such session: it reads their messages as usual
(rate limits, sizes) and sends each to the owner; it subscribes once to
the session's ``frames:<id>`` and hands every frame and broadcast to all of
them.  There (the owner), each of those clients has a ``RelayClient``
stand-in, attached to the LiveSession like a client of its own: messages
are carried out by the same handlers, in order; what the session
broadcasts goes out once per process (app/sessions/live.py ``Relay``); what only
that client gets (greeting, answers, errors) goes to its process's
``node:<id>`` channel.

A session nobody watches moves instead: the owner saves and releases it,
and the asking process loads it and serves the websocket itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol

import anyio
import orjson
from fastapi import WebSocket

from app.auth import Role
from app.cluster import wire
from app.cluster.bus import FRAMES, Bus, Subscription
from app.cluster.outbox import Outbox
from app.persistence import StoreUnavailable
from app.protocol.close_codes import CloseCode
from app.protocol.connection import close_reason, handle, run_connection
from app.sessions.clients import Client
from app.sessions.live import LiveSession
from app.sessions.ownership import OwnedElsewhere
from app.sessions.packets import Packet
from app.sessions.store import SessionDamaged, SessionStore, ShuttingDown, StoreFull, UnknownSession
from app.settings import Settings

__all__ = ["RemoteSession", "RelayClient", "relay_socket", "on_command", "on_node_message"]

log = logging.getLogger("playground.cluster")

WELCOME_SECONDS = 10.0  # how long the owner may take to greet a relayed client
RELAY_QUEUE = 1024  # messages of one relayed client waiting at the owner (its process rate-limits them)
MAX_ATTEMPTS = 200  # bounds the loop of relay_socket (its deadline comes first)
GREET = "\0greet"  # queued by a client that must start afresh (no JSON text starts with NUL)


class Cluster(Protocol):
    """What relaying needs of this process's part in the cluster (app.cluster.node.Cluster)."""

    settings: Settings
    app: Any
    node: str
    bus: Bus
    subscription: Subscription
    outbox: Outbox
    remotes: dict[str, RemoteSession]  # sessions owned elsewhere with clients here
    relays: dict[str, dict[str, RelayClient]]  # sessions owned here: their clients elsewhere
    forwarded: int

    def store_(self) -> SessionStore: ...
    async def remote(self, session_id: str, owner: str) -> RemoteSession: ...
    async def owner(self, session_id: str) -> str | None: ...
    def spawn(self, work: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]: ...
    def to_node(self, node: str, header: dict[str, Any], body: bytes = b"", *, frame: bool = False) -> None: ...


# -- here: this process's clients of a session owned elsewhere ---------------------------------


class RemoteSession:
    def __init__(self, cluster: Cluster, session_id: str, owner: str) -> None:
        self.cluster = cluster
        self.session_id = session_id
        self.owner = owner
        self.clients: dict[str, Client] = {}
        self.ready: set[str] = set()  # greeted by the owner: they get the broadcasts
        self._welcome: dict[str, asyncio.Future[dict[str, Any]]] = {}

    async def _command(self, op: str, **fields: Any) -> int:
        self.cluster.forwarded += 1
        return await self.cluster.bus.publish_command(self.session_id, {"op": op, "from": self.cluster.node, **fields})

    async def hello(self, cid: str, client: Client) -> dict[str, Any]:
        """Ask the owner to take ``client``; its answer (``ready``, ``moved``,
        ``close``), or ``gone`` if it does not answer."""
        self.clients[cid] = client
        welcome = self._welcome[cid] = asyncio.get_running_loop().create_future()
        try:
            if not await self._command("hello", client=cid, key=client.key):
                return {"kind": "gone"}
            return await asyncio.wait_for(welcome, WELCOME_SECONDS)
        except (TimeoutError, StoreUnavailable):
            return {"kind": "gone"}
        finally:
            del self._welcome[cid]

    async def forward(self, cid: str, text: str) -> None:
        try:
            received = await self._command("text", client=cid, text=text)
        except StoreUnavailable:
            received = 0
        if not received:  # the owner is gone: reconnecting finds the session wherever it is now
            self._close(cid, CloseCode.TRY_AGAIN, "the session is moving to another server process")

    async def regreet(self, cid: str) -> list[str]:
        """The client fell behind (app/sessions/clients.py): the owner sends it a fresh start."""
        with contextlib.suppress(StoreUnavailable):
            await self._command("greet", client=cid)
        return []

    async def bye(self, cid: str, *, tell: bool = True) -> None:
        self.clients.pop(cid, None)
        self.ready.discard(cid)
        if tell:
            with contextlib.suppress(StoreUnavailable):
                await self._command("bye", client=cid)
        if not self.clients and self.cluster.remotes.get(self.session_id) is self:
            del self.cluster.remotes[self.session_id]
            with contextlib.suppress(StoreUnavailable):
                await self.cluster.subscription.remove(FRAMES, self.session_id)

    async def heartbeat(self) -> None:
        """Tell the owner which clients are still here; if it is gone, send them
        off to reconnect (they find the session on its next owner)."""
        alive = await self._command("alive", clients=sorted(self.clients))
        if not alive or await self.cluster.owner(self.session_id) != self.owner:
            for cid in list(self.clients):
                self._close(cid, CloseCode.TRY_AGAIN, "the session is moving to another server process")

    def _close(self, cid: str, code: CloseCode, reason: str) -> None:
        client = self.clients.get(cid)
        if client is not None:
            client.close(code, reason)

    def deliver(self, raw: bytes) -> None:
        """A broadcast from the owner, for every client here (decoded once)."""
        header, body = wire.unpack(raw)
        if header["kind"] == "frame":
            packet = wire.packet_of(header, body)
            for cid in self.ready:
                self.clients[cid].offer(packet)
        elif header["kind"] == "text":
            text = body.decode()
            for cid in self.ready:
                self.clients[cid].send_text(text)

    def direct(self, cid: str, header: dict[str, Any], body: bytes) -> None:
        """A message from the owner for one client here."""
        client = self.clients.get(cid)
        if client is None:
            return
        kind = header["kind"]
        if kind == "text":
            client.send_text(body.decode())
        elif kind == "frame":
            client.offer(wire.packet_of(header, body))
        elif kind == "focus":
            client.focus = header["node"]
        else:  # ready, moved, close: the answer to hello (close may also come later)
            if kind == "ready":
                self.ready.add(cid)
            elif kind == "close":
                client.close(CloseCode(header["code"]), header["reason"])
            welcome = self._welcome.get(cid)
            if welcome is not None and not welcome.done():
                welcome.set_result(header)


async def relay_socket(
    cluster: Cluster,
    websocket: WebSocket,
    session_id: str,
    owner: str | None,
    key: str,
    serve_here: Callable[[LiveSession], Awaitable[None]],
    strikes: str | None = None,
) -> None:
    """Serve a websocket to a session owned elsewhere: relayed to its owner, or
    here once it moved (or its owner died and its lease lapsed).  ``strikes``: what
    a flood lock-out of this connection follows (app.web.client_limits.flood_key)."""
    settings = cluster.settings
    deadline = time.monotonic() + settings.lease_seconds + WELCOME_SECONDS
    for attempt in range(MAX_ATTEMPTS):
        if time.monotonic() > deadline:
            break
        answer: dict[str, Any] = {"kind": "gone"}
        if owner is not None:
            remote = await cluster.remote(session_id, owner)
            client = Client(websocket, key, settings.messages_per_second, strikes)
            cid = secrets.token_hex(8)
            answer = await remote.hello(cid, client)
            if answer["kind"] == "ready":
                await _relayed(websocket, remote, cid, client)
                return
            await remote.bye(cid, tell=False)
            if answer["kind"] == "close":
                await websocket.close(code=answer["code"], reason=answer["reason"])
                return
        if answer["kind"] == "gone" or attempt:
            # The owner died (its lease lapses soon), or it is letting go and we came round again.
            await asyncio.sleep(0.25 if answer["kind"] == "gone" else 0.05)
        try:
            live = await cluster.store_().open(session_id)
        except OwnedElsewhere as elsewhere:
            owner = elsewhere.owner
            continue
        except UnknownSession:
            await websocket.close(code=CloseCode.UNKNOWN_SESSION, reason="unknown session")
            return
        except SessionDamaged:
            await websocket.close(code=CloseCode.SESSION_CLOSED, reason="the session's stored record is damaged")
            return
        except (StoreFull, ShuttingDown, StoreUnavailable) as error:
            await websocket.close(code=CloseCode.TRY_AGAIN, reason=close_reason(error))
            return
        await serve_here(live)
        return
    await websocket.close(code=CloseCode.TRY_AGAIN, reason="the session is moving between server processes")


async def _relayed(websocket: WebSocket, remote: RemoteSession, cid: str, client: Client) -> None:
    """The connection of a client the owner greeted, until it closes."""
    settings = remote.cluster.settings
    try:
        await run_connection(
            websocket,
            client,
            lambda text, _: remote.forward(cid, text),
            lambda: remote.regreet(cid),
            settings,
            websocket.app.state.limits,
        )
    finally:
        await remote.bye(cid)


# -- there: the owner's stand-ins for clients other processes hold ------------------------------


class RelayClient:
    """A client of a session held here whose connection another process holds (app.sessions.clients.Peer)."""

    def __init__(self, cluster: Cluster, live: LiveSession, node: str, cid: str, key: str) -> None:
        self.cluster = cluster
        self.live = live
        self.node = node
        self.cid = cid
        self.key = key
        self.role = Role.WATCH
        self._focus: int | None = None
        self.queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=RELAY_QUEUE)
        self.expires = time.monotonic() + cluster.settings.lease_seconds
        self.closed = False
        self.task: asyncio.Task[None] | None = None

    @property
    def focus(self) -> int | None:
        return self._focus

    @focus.setter
    def focus(self, node: int | None) -> None:
        if node != self._focus:
            self._focus = node
            self._send({"kind": "focus", "node": node})  # its process sends it that node's grid with every frame

    def _send(self, header: dict[str, Any], body: bytes = b"") -> None:
        self.cluster.to_node(self.node, {"sid": self.live.id, "to": self.cid, **header}, body)

    def send_text(self, text: str) -> None:
        self._send({"kind": "text"}, text.encode())

    def send_json(self, message: dict[str, Any]) -> None:
        self.send_text(orjson.dumps(message).decode())

    def offer(self, packet: Packet) -> None:
        self.cluster.outbox.to_node(
            self.node, lambda: wire.frame_message(packet, only=self._focus, sid=self.live.id, to=self.cid)
        )

    def close(self, code: CloseCode, reason: str) -> None:
        if not self.closed:
            self.closed = True
            self._send({"kind": "close", "code": int(code), "reason": reason})
        self.stop()

    def push(self, item: str) -> None:
        self.expires = time.monotonic() + self.cluster.settings.lease_seconds
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:  # its process rate-limits: this only happens if the owner is stuck
            self.close(CloseCode.MESSAGE_FLOOD, "too many messages waiting")

    def stop(self) -> None:
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(None)
            return
        if self.task is not None:
            self.task.cancel()

    async def serve(self) -> None:
        """Attach, then carry out its messages in order until it leaves."""
        live, settings = self.live, self.cluster.settings
        attached = False
        try:
            if live.closed:
                self.close(*live.closed_with)
                return
            if live.watchers >= settings.max_watchers:
                self.close(CloseCode.TOO_MANY_WATCHERS, "too many watchers")
                return
            await live.attach(self, remote=True)
            attached = not self.closed
            if not attached:
                return
            self._send({"kind": "ready"})
            async with anyio.create_task_group() as tasks:
                while (item := await self.queue.get()) is not None:
                    if item == GREET:
                        for text in await live.greeting(self):
                            self.send_text(text)
                        if live.latest is not None:
                            self.offer(live.latest)
                    else:
                        await handle(item, self, live, self.cluster.app.state.limits, tasks)
                tasks.cancel_scope.cancel()
        finally:
            if attached:
                live.detach(self)
            relays = self.cluster.relays.get(live.id)
            if relays is not None and relays.get(f"{self.node}/{self.cid}") is self:
                del relays[f"{self.node}/{self.cid}"]


def on_command(cluster: Cluster, session_id: str, command: dict[str, Any]) -> None:
    """A message from another process about a session held here (app/cluster/node.py)."""
    op, node, cid = command.get("op"), str(command.get("from")), str(command.get("client"))
    relays = cluster.relays.get(session_id, {})
    stand_in = relays.get(f"{node}/{cid}")
    if op == "hello":
        cluster.spawn(_welcome(cluster, session_id, node, cid, str(command.get("key"))), f"welcome-{cid}")
    elif op in ("text", "greet"):
        if stand_in is not None:
            stand_in.push(str(command.get("text")) if op == "text" else GREET)
        else:  # not (or no longer) known here: it reconnects and is greeted afresh
            cluster.to_node(
                node,
                {
                    "sid": session_id,
                    "to": cid,
                    "kind": "close",
                    "code": int(CloseCode.TRY_AGAIN),
                    "reason": "the session moved",
                },
            )
    elif op == "bye" and stand_in is not None:
        stand_in.stop()
    elif op == "alive":
        present = set(command.get("clients") or ())
        for relayed in [relayed for relayed in relays.values() if relayed.node == node]:
            relayed.expires = time.monotonic() + cluster.settings.lease_seconds
            if relayed.cid not in present:
                relayed.stop()  # its connection ended and the goodbye was lost


async def _welcome(cluster: Cluster, session_id: str, node: str, cid: str, key: str) -> None:
    store = cluster.store_()
    live = store.held(session_id)
    moved = live is None or live.closed
    if not moved and live is not None and not live.watchers and not live.jobs and not live.playing:
        moved = await store.unload(live, "moved to the process its clients reach")  # go where the clients are
    if moved or live is None:
        cluster.to_node(node, {"sid": session_id, "to": cid, "kind": "moved"})
        return
    stand_in = RelayClient(cluster, live, node, cid, key)
    cluster.relays.setdefault(session_id, {})[f"{node}/{cid}"] = stand_in
    stand_in.task = cluster.spawn(stand_in.serve(), f"relay-{session_id}-{cid}")


def on_node_message(cluster: Cluster, header: dict[str, Any], body: bytes) -> None:
    """A message from an owner for one of this process's clients."""
    remote = cluster.remotes.get(str(header.get("sid")))
    if remote is not None:
        remote.direct(str(header.get("to")), header, body)
