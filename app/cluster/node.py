"""This process's part in a cluster of processes sharing one Redis.

Each session is run by one process at a time, its owner, which holds the
session's lease (``SET NX PX``, renewed every third of its ttl) and listens
on ``commands:<id>``.  Any process can serve any request:

- a REST call for a session owned elsewhere is forwarded to the owner,
  which runs it as if it had arrived there and sends back the answer
  (app/cluster/forward.py);
- a websocket for a session owned elsewhere is relayed: its messages go to
  the owner, which keeps a stand-in client for it; what all clients get
  (frames, states) comes once per frame per process on ``frames:<id>``,
  what only it gets comes on this process's ``node:<id>``
  (app/cluster/relay.py);
- a session nobody watches moves to the process that asks for it: the
  owner saves and releases it, the asker loads it.

When a process dies its leases lapse within ``lease_seconds``, and the
next request loads each of its sessions from the store elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

import redis.asyncio as aioredis
from fastapi import WebSocket

from app.cluster import forward, relay, wire
from app.cluster.bus import COMMANDS, FRAMES, NODE, Bus, Message
from app.cluster.leases import Leases
from app.cluster.outbox import Outbox
from app.persistence import StoreUnavailable
from app.protocol.close_codes import CloseCode
from app.sessions.packets import Packet
from app.settings import Settings

if TYPE_CHECKING:
    from app.cluster.relay import RelayClient, RemoteSession
    from app.sessions.live import LiveSession
    from app.sessions.store import SessionStore

__all__ = ["Cluster"]

log = logging.getLogger("playground.cluster")
RENEW_BATCH = 200  # leases renewed concurrently


class Cluster:
    """Ownership through Redis leases (app.sessions.ownership.Ownership), and the
    messages between processes."""

    def __init__(self, settings: Settings, redis: aioredis.Redis, app: Any) -> None:
        self.settings = settings
        self.app = app  # the FastAPI app: forwarded requests run in it
        self.node = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(4)}"
        self.ttl_ms = int(settings.lease_seconds * 1000)
        self.leases = Leases(redis, settings.redis_url, settings.redis_prefix)
        self.bus = Bus(redis, settings.redis_url, settings.redis_prefix)
        self.subscription = self.bus.subscription()
        self.outbox = Outbox(self.bus)
        self.store: SessionStore | None = None  # set by create_app's lifespan
        self.owned: set[str] = set()
        self.remotes: dict[str, RemoteSession] = {}  # sessions owned elsewhere with clients here
        self.relays: dict[str, dict[str, RelayClient]] = {}  # sessions owned here: their clients elsewhere
        self.replies: dict[int, asyncio.Future[tuple[dict[str, Any], bytes]]] = {}  # forwarded requests
        self._next_id = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self.forwarded = 0  # requests and commands this process sent to owners (for /healthz)

    def store_(self) -> SessionStore:
        if self.store is None:
            raise RuntimeError("the cluster runs without a session store")
        return self.store

    async def remote(self, session_id: str, owner: str) -> RemoteSession:
        """This process's clients of a session ``owner`` runs (listening to its frames)."""
        remote = self.remotes.get(session_id)
        if remote is None or remote.owner != owner:
            if remote is not None:  # the session moved: those clients reconnect to the new owner
                for cid in list(remote.clients):
                    remote.clients[cid].close(CloseCode.TRY_AGAIN, "the session moved to another server process")
            remote = self.remotes[session_id] = relay.RemoteSession(self, session_id, owner)
            await self.subscription.add(FRAMES, session_id)
        return remote

    async def relay_socket(
        self,
        websocket: WebSocket,
        session_id: str,
        owner: str | None,
        key: str,
        serve_here: Callable[[LiveSession], Awaitable[None]],
        strikes: str | None = None,
    ) -> None:
        await relay.relay_socket(self, websocket, session_id, owner, key, serve_here, strikes)

    def spawn(self, work: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        """Run ``work`` as a task that is kept until it ends."""
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def next_id(self) -> int:
        self._next_id += 1
        return self._next_id

    # -- ownership ----------------------------------------------------------------

    async def acquire(self, session_id: str) -> bool:
        if await self.leases.acquire(session_id, self.node, self.ttl_ms):
            self.owned.add(session_id)
            return True
        return False

    async def owner(self, session_id: str) -> str | None:
        return await self.leases.owner(session_id)

    async def adopt(self, live: LiveSession) -> None:
        live.audience.relay = self
        await self.subscription.add(COMMANDS, live.id)

    async def release(self, session_id: str) -> None:
        self.owned.discard(session_id)
        for stand_in in list(self.relays.pop(session_id, {}).values()):
            stand_in.stop()
        with contextlib.suppress(StoreUnavailable):  # the lease lapses by itself
            await self.subscription.remove(COMMANDS, session_id)
            await self.leases.release(session_id, self.node)

    async def exclusive(self, name: str, seconds: float) -> bool:
        return await self.leases.acquire(f"~{name}", self.node, int(seconds * 1000))  # '~' is in no session id

    # -- what a session sends to its clients in other processes (app.sessions.audience.Relay) ----------

    def text(self, session_id: str, text: str) -> None:
        self.outbox.to_watchers(session_id, wire.text_message(text))

    def packet(self, session_id: str, packet: Packet) -> None:
        self.outbox.to_watchers(session_id, lambda: wire.frame_message(packet), frame=True)

    def to_node(self, node: str, header: dict[str, Any], body: bytes = b"", *, frame: bool = False) -> None:
        self.outbox.to_node(node, wire.pack(header, body), frame=frame)

    # -- running ------------------------------------------------------------------------

    async def run(self) -> None:
        """Listen, publish and renew forever (the app's lifespan runs this)."""
        await self.subscription.add(NODE, self.node)
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(self.outbox.run(), name="cluster-outbox")
            tasks.create_task(self._listen(), name="cluster-listen")
            tasks.create_task(self._keep(), name="cluster-leases")

    async def close(self) -> None:
        await self.subscription.close()

    async def _listen(self) -> None:
        async for message in self.subscription.messages():
            try:
                self._dispatch(message)
            except Exception:  # one bad message never stops the listener
                log.exception("cluster: a %s message for %s failed", message.kind, message.session_id)

    def _dispatch(self, message: Message) -> None:
        if message.kind == FRAMES:
            remote = self.remotes.get(message.session_id)
            if remote is not None:
                remote.deliver(message.payload)
        elif message.kind == COMMANDS:
            command = message.payload
            if not isinstance(command, dict):
                return
            if command.get("op") == "http":
                forward.on_request(self, message.session_id, command)
            else:
                relay.on_command(self, message.session_id, command)
        elif message.kind == NODE:
            header, body = wire.unpack(message.payload)
            if header.get("kind") == "http":
                future = self.replies.get(int(header.get("rid", 0)))
                if future is not None and not future.done():
                    future.set_result((header, body))
            else:
                relay.on_node_message(self, header, body)

    async def _keep(self) -> None:
        """Every third of the lease's ttl: renew the leases held, tell owners which
        of their clients are still here, and drop the stand-ins of clients whose
        process has gone quiet."""
        while True:
            await asyncio.sleep(self.settings.lease_seconds / 3)
            try:
                await self._renew()
            except StoreUnavailable as error:
                for _ in self.owned:
                    self.app.state.metrics.renewed(False)
                log.warning("cluster: leases not renewed: %s", error)
            for remote in list(self.remotes.values()):
                try:
                    await remote.heartbeat()
                except StoreUnavailable as error:
                    log.warning("cluster: heartbeat for %s not sent: %s", remote.session_id, error)
            now = time.monotonic()
            for relays in list(self.relays.values()):
                for stand_in in list(relays.values()):
                    if stand_in.expires < now:
                        stand_in.stop()

    async def _renew(self) -> None:
        owned = sorted(self.owned)
        for start in range(0, len(owned), RENEW_BATCH):
            batch = owned[start : start + RENEW_BATCH]
            kept = await asyncio.gather(*(self.leases.renew(sid, self.node, self.ttl_ms) for sid in batch))
            for session_id, renewed in zip(batch, kept, strict=True):
                self.app.state.metrics.renewed(renewed)
                if not renewed and session_id in self.owned and not await self.acquire(session_id):
                    self._lost(session_id)

    def _lost(self, session_id: str) -> None:
        """Another process holds the lease now (ours lapsed while we could not
        renew it): stop running the session here; its clients reconnect to the owner."""
        log.error("cluster: lost the lease of session %s; dropping it here", session_id)
        self.owned.discard(session_id)
        for stand_in in list(self.relays.pop(session_id, {}).values()):
            stand_in.stop()
        if self.store is not None:
            self.store.forget(session_id)
