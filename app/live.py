"""A session as the server holds it: the core session, its lock, its
clients, and the background loop that trains and streams while it plays.

Every change goes through ``LiveSession``, whether it came from REST or a
websocket, so both paths share one lock and one way of telling clients.
CPU work (training, rendering) runs in a worker thread while the lock is
held; the event loop only packs bytes and hands them to the clients.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.websockets import WebSocket

from app.closecodes import CloseCode
from app.roles import Role
from app.serialize import jsonable, pack_frame, pack_node_grid, session_state
from app.settings import Settings
from app.workers import Workers
from core.boundary import Frame
from core.errors import InvalidValue
from core.session import Session

__all__ = ["Client", "LiveSession", "Packet"]

T = TypeVar("T")


class Packet:
    """One rendered frame, shared by every client of a session."""

    __slots__ = ("data", "epoch", "frame", "generation", "_grids")

    def __init__(self, data: bytes, frame: Frame, generation: int, epoch: int) -> None:
        self.data = data
        self.frame = frame
        self.generation = generation
        self.epoch = epoch
        self._grids: dict[int, bytes] = {}

    @property
    def n_nodes(self) -> int:
        return int(self.frame.thumbnails.shape[0])

    def node_grid(self, node: int) -> bytes | None:
        """The node's full grid message, made once per frame however many ask."""
        if not 0 <= node < self.n_nodes:
            return None
        if node not in self._grids:
            self._grids[node] = pack_node_grid(self.frame, node, self.generation, self.epoch)
        return self._grids[node]


class Client:
    """One websocket client: what it may do, and what it still has to receive.

    Text messages queue (they are few and must not be lost); frames do not:
    a client that reads slower than frames are made gets the newest one.
    """

    MAX_QUEUED_TEXTS = 256

    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket
        self.role = Role.WATCH
        self.focus: int | None = None
        self._texts: deque[str] = deque()
        self._packet: Packet | None = None
        self._wake = asyncio.Event()
        self.overflowed = False

    def send_text(self, text: str) -> None:
        if len(self._texts) >= self.MAX_QUEUED_TEXTS:
            self.overflowed = True  # the writer closes the connection
        else:
            self._texts.append(text)
        self._wake.set()

    def send_json(self, message: dict[str, Any]) -> None:
        self.send_text(json.dumps(message, allow_nan=False))

    def offer(self, packet: Packet) -> None:
        self._packet = packet  # replaces an unsent older frame
        self._wake.set()

    async def pump(self) -> None:
        """The connection's writer: texts in order, then the newest frame."""
        ws = self.websocket
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self.overflowed:
                await ws.close(code=1008, reason="client too slow")
                return
            while self._texts:
                await ws.send_text(self._texts.popleft())
            packet, self._packet = self._packet, None
            if packet is not None:
                await ws.send_bytes(packet.data)
                if self.focus is not None:
                    grid = packet.node_grid(self.focus)
                    if grid is not None:
                        await ws.send_bytes(grid)


class LiveSession:
    def __init__(self, id: str, token_hash: str, session: Session, settings: Settings, workers: Workers) -> None:
        self.id = id
        self.workers = workers
        self.token_hash = token_hash  # the control token's digest (app.tokens)
        self.session = session
        self.settings = settings
        self.lock = asyncio.Lock()
        self.generation = 1
        self.playing = False
        self.epochs_per_frame = 1
        self.clients: set[Client] = set()
        self.latest: Packet | None = None
        self.closed = False
        self.last_active = time.monotonic()
        self._task: asyncio.Task[None] | None = None
        # The teacher's pointer: a weight or bias whose explanation every client receives.
        self.selection: dict[str, Any] | None = None
        self._explained_at = 0.0

    # -- reading ----------------------------------------------------------------

    def touch(self) -> None:
        self.last_active = time.monotonic()

    def state(self, include: tuple[str, ...] = ()) -> dict[str, Any]:
        state = session_state(
            self.session,
            id=self.id,
            generation=self.generation,
            playing=self.playing,
            epochs_per_frame=self.epochs_per_frame,
            watchers=len(self.clients),
            include=include,
        )
        state["selection"] = self.selection
        return state

    def status(self) -> dict[str, Any]:
        return {
            "type": "status",
            "playing": self.playing,
            "epochs_per_frame": self.epochs_per_frame,
            "watchers": len(self.clients),
        }

    # -- clients ------------------------------------------------------------------

    async def attach(self, client: Client) -> None:
        """Greet a new client with the full state and the current frame."""
        async with self.lock:
            self.touch()
            if (
                self.latest is None
                or self.latest.generation != self.generation
                or self.latest.epoch != self.session.epoch
            ):
                self.latest = self._pack(await self.workers.run(self.session.frame))
            explanation = await self.workers.run(self._explanation) if self.selection is not None else None
            self.clients.add(client)
            client.send_json({"type": "state", **self.state(("data", "history"))})
            if explanation is not None:  # a student joining mid-lecture sees the teacher's pointer at once
                client.send_json(explanation)
            client.offer(self.latest)
        self._broadcast(self.status(), exclude=client)  # the others learn the new watcher count

    def detach(self, client: Client) -> None:
        self.clients.discard(client)
        self.touch()
        if not self.clients:
            self.playing = False  # nobody is watching: pause
        else:
            self._broadcast(self.status())

    def _broadcast(self, message: dict[str, Any], exclude: Client | None = None) -> None:
        text = json.dumps(message, allow_nan=False)  # encoded once for every client
        for client in self.clients:
            if client is not exclude:
                client.send_text(text)

    def _publish(self, packet: Packet) -> None:
        self.latest = packet
        for client in self.clients:
            client.offer(packet)

    def _pack(self, frame: Frame) -> Packet:
        data = pack_frame(self.session, frame, self.generation, self.playing)
        return Packet(data, frame, self.generation, self.session.epoch)

    # -- changes ------------------------------------------------------------------

    async def change(self, fn: Callable[[Session], T], *, announce: bool = True) -> T:
        """Run ``fn(session)`` under the lock in a worker thread, then tell every client.

        A new network or new data starts a new generation (and a new network
        pauses, as the original's reset does).  ``announce`` sends the new
        state; a frame always follows.  Errors from ``fn`` propagate and
        leave the session as it was (the core validates before changing).
        """
        async with self.lock:
            self.touch()
            network, data = self.session.network, self.session.train

            watched = bool(self.clients)  # nobody can join meanwhile: attach takes the lock

            def work() -> tuple[T, Frame | None, dict[str, Any] | None]:
                result = fn(self.session)
                if not watched:  # a REST caller alone needs no picture
                    return result, None, None
                return result, self.session.frame(), self._explanation()

            result, frame, explanation = await self.workers.run(work)
            new_network = self.session.network is not network
            new_data = self.session.train is not data
            if new_network or new_data:
                self.generation += 1
            if new_network and self.playing:
                self.playing = False
                self._broadcast(self.status())
            if announce:
                # Points travel only when they changed; the history only on connect.
                self._broadcast({"type": "state", **self.state(("data",) if new_data else ())})
            if frame is None:
                self.latest = None  # stale: the next client to attach gets a fresh frame
            else:
                self._publish(self._pack(frame))
            if explanation is not None:
                self._broadcast(explanation)
            return result

    async def step(self, epochs: int) -> None:
        """Pause, then train exactly ``epochs`` epochs (the original's step button)."""
        self.pause()
        await self.change(lambda s: s.step(epochs), announce=False)

    def pause(self) -> None:
        if self.playing:
            self.playing = False
            self._broadcast(self.status())

    def play(self) -> None:
        self.touch()
        if not self.playing:
            self.playing = True
            self._broadcast(self.status())
        if self._task is None:
            self._task = asyncio.create_task(self._play_loop(), name=f"play-{self.id[:6]}")

    def set_speed(self, epochs_per_frame: int) -> None:
        self.epochs_per_frame = epochs_per_frame
        self._broadcast(self.status())

    def refocus(self, client: Client, node: int | None) -> None:
        client.focus = node
        if self.latest is not None:
            client.offer(self.latest)  # show the new focus at once, even when paused

    async def _play_loop(self) -> None:
        loop = asyncio.get_running_loop()
        interval = 1.0 / self.settings.max_fps
        deadline = loop.time()
        try:
            while self.playing and self.clients and not self.closed:
                async with self.lock:
                    if not self.playing:
                        break
                    frame, explanation = await self.workers.run(self._advance, self.epochs_per_frame)
                    self._publish(self._pack(frame))
                    if explanation is not None:
                        self._broadcast(explanation)
                    self.touch()
                deadline += interval
                now = loop.time()
                if deadline < now:
                    deadline = now  # running behind: no bursts to catch up
                await asyncio.sleep(deadline - now)
        finally:
            self._task = None
            if self.playing and (self.closed or not self.clients):
                self.playing = False

    def _advance(self, epochs: int) -> tuple[Frame, dict[str, Any] | None]:
        self.session.step(epochs)
        frame = self.session.frame()
        now = time.monotonic()
        if now - self._explained_at < self.EXPLAIN_INTERVAL:
            return frame, None  # the panel follows training at a readable pace
        self._explained_at = now
        return frame, self._explanation()

    # -- the explainer ----------------------------------------------------------

    EXPLAIN_INTERVAL = 0.1  # seconds between explanations while playing

    def _explain(self, selection: dict[str, Any]) -> dict[str, Any]:
        """The `explain` message for a selection (worker thread, lock held); InvalidValue if it doesn't fit."""
        layer, source, target = selection["layer"], selection["source"], selection["target"]
        message: dict[str, Any] = jsonable(
            {
                "type": "explain",
                "selection": selection,
                "epoch": self.session.epoch,
                "explain": self.session.explain(layer, source, target, selection["point"]),
                "slice": self.session.loss_slice(layer, source, target),
            }
        )
        return message

    def _explanation(self) -> dict[str, Any] | None:
        if self.selection is None:
            return None
        try:
            return self._explain(self.selection)
        except InvalidValue:  # the network changed shape under the selection
            self.selection = None
            return {"type": "explain", "selection": None}

    async def select(self, selection: dict[str, Any] | None) -> None:
        """Point every client's explainer at a weight or bias (None clears it)."""
        async with self.lock:
            self.touch()
            if selection is None:
                self.selection = None
                self._broadcast({"type": "explain", "selection": None})
                return
            message = await self.workers.run(self._explain, selection)  # validates first
            self.selection = selection
            self._broadcast(message)

    async def close(self) -> None:
        """Stop playing and disconnect every client (the session is going away)."""
        self.closed = True
        self.playing = False
        task = self._task
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for client in list(self.clients):
            with contextlib.suppress(RuntimeError, OSError):
                await client.websocket.close(code=CloseCode.SESSION_CLOSED, reason="session closed")
        self.clients.clear()
