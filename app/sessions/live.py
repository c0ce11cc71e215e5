"""A session as the server holds it: the core session, its clients, and
everything that changes it or reads it.

Its work runs in its lane of the scheduler (app/sessions/lane.py).  Long steps are
cut into slices of about ``SLICE_SECONDS`` that yield to other sessions; a
pause or any change stops a running step at its next slice.  Playing is
driven by the app's ``Player`` (app/sessions/player.py), which asks every playing
session for a ``tick``.  Every change asks for the session to be saved
(``on_change``, app/sessions/saver.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum
from typing import Any, Protocol, TypeVar

import orjson

from app.output.serialize import session_state
from app.protocol.close_codes import CloseCode
from app.sessions.answer_cache import AnswerCache
from app.sessions.audience import Audience
from app.sessions.clients import Client, Peer
from app.sessions.comparison import LiveComparison
from app.sessions.deck import SessionDeck
from app.sessions.lane import SessionLane
from app.sessions.packets import Packet, render_packet
from app.sessions.pointer import Pointer, scenario_selection
from app.sessions.scheduler import SLICE_SECONDS, Scheduler
from app.settings import Settings
from core.errors import InvalidValue
from core.link import Link
from core.session import Session

__all__ = ["LiveSession", "Interrupted", "PlayState"]

T = TypeVar("T")
COMPARE_INTERVAL = 0.25  # seconds between a comparison's measures while playing (its pictures go with every frame)


class Ticker(Protocol):
    """What drives play: app.sessions.player.Player, which asks every playing session for ticks."""

    def add(self, live: LiveSession) -> None: ...


class PlayState(StrEnum):
    """Whether a session trains by itself."""

    PAUSED = "paused"
    PLAYING = "playing"


class Interrupted(Exception):
    """A sliced step stopped early: paused, changed or closed meanwhile."""


class LiveSession(SessionLane):
    def __init__(
        self,
        id: str,
        token_hash: str,
        session: Session,
        settings: Settings,
        scheduler: Scheduler,
        player: Ticker,
        owner: str,
    ) -> None:
        super().__init__(id, session, scheduler)
        self.token_hash = token_hash  # the control token's digest (app.auth)
        self.settings = settings
        self.player = player
        self.owner = owner  # the client key that created it: its fair turns and its per-client limits
        self.holder = owner  # whose sessions-in-use limit it counts against: its owner, or a class (a fork of one)
        self.generation = 1
        self.play_state = PlayState.PAUSED
        self.epochs_per_frame = 1
        self.audience = Audience(id)  # its clients, here and in other processes (app.cluster)
        self.latest: Packet | None = None
        self.closed = False
        self.closed_with = (CloseCode.SESSION_CLOSED, "session closed")
        self.code: str | None = None  # its class code, once shared
        self.created = self.last_active = time.monotonic()
        self.created_at = time.time()  # wall clock, for the store
        # Durability (app.sessions.saver): every change calls on_change, which saves soon; `saved` marks what was.
        self.on_change: Callable[[LiveSession], None] | None = None
        self.saved: Any = None
        self.restored = False  # loaded paused after the server stopped while it was playing (the page offers Resume)
        self.halted = False  # paused by a server shutdown while playing: saved as playing
        self.discarded = False  # deleted: never saved again
        self.stored_active = self.last_active  # the last activity the store knows of
        # the teacher's pointer: every client gets its explanation (a scene's, when a scenario set it up)
        self.pointer = Pointer(session)
        self.deck = SessionDeck()  # the scenes the class steps through (app/sessions/scenes.py)
        self.comparison: LiveComparison | None = None  # runs trained beside it, shown to every client
        self._compared_at = 0.0
        self.version = 0  # bumped by every job that changed the session (caches key on it)
        self.answers = AnswerCache()  # computed reads (pictures, explanations, exports) of the present version
        self.ticking = False  # a play tick is queued or running (app.sessions.player)
        self.next_tick = 0.0
        self._interrupts = 0  # bumped by pause and by changes: a running step stops at its next slice

    @property
    def playing(self) -> bool:
        return self.play_state is PlayState.PLAYING

    @property
    def shared(self) -> bool:
        return self.code is not None

    @property
    def clients(self) -> set[Client]:
        """The clients this process holds."""
        return self.audience.clients

    @property
    def watchers(self) -> int:
        """Clients here and in other processes."""
        return len(self.audience)

    def touch(self) -> None:
        self.last_active = time.monotonic()

    def changed(self) -> None:
        """Something worth saving changed (not a play tick: those are saved every few seconds)."""
        if self.on_change is not None and not self.closed:
            self.on_change(self)

    def state(self, include: tuple[str, ...] = (), session: Session | None = None) -> dict[str, Any]:
        """The `state` message (docs/protocol.md) of ``session`` (default: the live one; call between jobs)."""
        state = session_state(
            session or self.session,
            id=self.id,
            generation=self.generation,
            playing=self.playing,
            epochs_per_frame=self.epochs_per_frame,
            watchers=self.watchers,
            include=include,
        )
        state["selection"] = self.pointer.selection
        state["restored"] = self.restored
        return state

    async def read_state(self, include: tuple[str, ...], by: str) -> dict[str, Any]:
        return await self.read(lambda s: self.state(include, s), by)

    def status(self) -> dict[str, Any]:
        return {
            "type": "status",
            "playing": self.playing,
            "epochs_per_frame": self.epochs_per_frame,
            "watchers": self.watchers,
            "restored": self.restored,
            "stopped": self.session.stopped,  # why training last stopped by itself: epoch | loss | diverged
        }

    # -- clients ------------------------------------------------------------------------

    async def greeting(self, client: Peer) -> list[str]:
        """What ``client`` needs to draw at once: full state (counting it among the
        watchers), the current explanation."""
        by = client.key
        joining = client not in self.audience

        focus = self.focus()

        def work() -> tuple[dict[str, Any], list[dict[str, Any] | None], Packet | None]:
            latest = self.latest
            stale = latest is None or (latest.generation, latest.version) != (self.generation, self.version)
            packet = self._render(self.playing, focus, compare=False) if stale else None
            state = self.state(("data", "history"))
            state["watchers"] += joining
            extras = [self._explanation(), self.comparison.message() if self.comparison is not None else None]
            return state, extras, packet

        state, extras, packet = await self._job(work, by)
        if packet is not None:
            self.latest = packet
        texts = [_dumps({"type": "state", **state})]
        if self.deck.own or self.deck.index is not None:  # the lecture's own deck is in the page's config
            extras.append(self.deck.message())
        # a student joining mid-lecture sees the teacher's pointer, comparison and scene at once
        texts += [_dumps(message) for message in extras if message is not None]
        return texts

    async def attach(self, client: Peer, *, remote: bool = False) -> None:
        """Greet a new client with the full state and the current frame; ``remote``:
        another process holds its connection (app.cluster)."""
        self.touch()
        texts = await self.greeting(client)
        if self.closed:  # unloaded or deleted while we greeted it
            client.close(*self.closed_with)
            return
        self.audience.add(client, remote=remote)
        for text in texts:
            client.send_text(text)
        if self.latest is not None:
            client.offer(self.latest)
        self.broadcast(self.status(), exclude=client)  # the others learn the new watcher count

    def detach(self, client: Peer) -> None:
        self.audience.discard(client)
        self.touch()
        if not self.watchers:
            self.pause()  # nobody is watching
        else:
            self.broadcast(self.status())

    def broadcast(self, message: dict[str, Any], exclude: Peer | None = None) -> None:
        self.audience.send_text(_dumps(message), exclude)  # encoded once for every client

    def publish(self, packet: Packet) -> None:
        """Offer ``packet`` to every client, unless a newer one went out already (jobs
        finish in order, but the coroutines that publish their results may resume later)."""
        if self.latest is not None and packet.version < self.latest.version:
            return
        self.latest = packet
        self.audience.offer(packet)
        for message in packet.messages:
            self.broadcast(message)
        if self.playing and self.session.stopped is not None:  # a tick hit stopEpoch, stopLoss or diverged
            self.pause()  # the status says why

    def focus(self) -> frozenset[int]:
        """The nodes some client looks at (call on the event loop, which owns the clients)."""
        return self.audience.focus()

    # -- changes ------------------------------------------------------------------------

    async def change(self, fn: Callable[[Session], T], by: str, *, announce: bool = True) -> T:
        """Run ``fn(session)`` in the session's lane, then tell every client.

        Stops a running step at its next slice.  A new network or new data
        starts a new generation (and a new network pauses, as the original's
        reset does).  ``announce`` sends the new state; a frame always
        follows.  Errors from ``fn`` propagate and leave the session as it
        was (the core validates before changing).
        """
        self.touch()
        self._interrupts += 1
        watched = bool(self.clients)
        focus = self.focus()

        def work() -> tuple[T, bool, bool, Packet | None]:
            network, data = self.session.network, self.session.train
            scene = (self.session.config.scenario, self.session.config.variant)
            result = fn(self.session)
            if (self.session.config.scenario, self.session.config.variant) != scene and self.session.config.scenario:
                self.pointer.selection = scenario_selection(self.session)  # a scene points at its weight
            self.version += 1
            new_network = self.session.network is not network
            new_data = self.session.train is not data
            if new_network or new_data:
                self.generation += 1
            # A new network pauses at once, here in the lane: the player must not
            # tick it before the event loop hears of it (a reset shows epoch 0).
            paused = new_network and self.playing
            if paused:
                self.play_state = PlayState.PAUSED
            if not watched:  # a REST caller alone needs no picture
                return result, new_data, paused, None
            return result, new_data, paused, self._render(self.playing, focus, explain=True)

        result, new_data, paused, packet = await self._job(work, by)
        if paused:
            self.broadcast(self.status())
        if announce:
            # Points travel only when they changed; the history only on connect.
            state = await self.read_state(("data",) if new_data else (), by)
            self.broadcast({"type": "state", **state})
        if packet is None:
            self.latest = None  # stale: the next client to attach gets a fresh frame
        else:
            self.publish(packet)
        self.changed()
        return result

    async def step(
        self, by: str, epochs: int | None = None, updates: int | None = None, answer: tuple[str, ...] | None = None
    ) -> dict[str, Any] | None:
        """Pause, then train exactly ``epochs`` epochs (the original's step button) or
        ``updates`` updates (one mini-batch each), in slices.  ``answer``: the state (with
        those parts) as the last slice left it, made in that slice's job (a REST step's
        answer, without a second turn in the lane); None otherwise.

        Raises Interrupted if a pause or change came first (what was trained so far is kept).
        """
        self.pause()
        self.touch()
        self.restored = False
        self._interrupts += 1
        ticket = self._interrupts
        unit, total = ("updates", updates) if updates is not None else ("epochs", epochs or 1)
        remaining = total
        focus = self.focus()
        watched = bool(self.clients)
        only = self.trained_link()
        state: dict[str, Any] | None = None
        self._stepping = True
        try:
            while remaining > 0:
                if self.closed or ticket != self._interrupts:
                    raise Interrupted(f"stopped after {total - remaining} of {total} {unit}")
                k = self.slice_updates(remaining) if unit == "updates" else self.slice_epochs(remaining)
                last = k == remaining

                def work(k: int = k, last: bool = last) -> tuple[Packet | None, dict[str, Any] | None]:
                    amount = {unit: k}
                    self._timed_step(**amount, only=only)
                    if self.comparison is not None:
                        self.comparison.step(**amount)
                    self.version += 1
                    self._reading_copy = None if last else self.session.copy()  # reads meanwhile use it
                    state = self.state(answer) if last and answer is not None else None
                    if not watched:
                        return None, state
                    return self._render(False, focus, explain=last), state  # watchers see a long step progress

                per_unit = self.typical_epoch_seconds() * (
                    self.session.batch_size / max(1, len(self.session.train)) if unit == "updates" else 1.0
                )
                packet, state = await self._job(work, by, estimate=k * per_unit)
                remaining -= k
                if packet is not None:
                    self.publish(packet)
                if self.session.stopped is not None:  # stopEpoch, stopLoss or a diverged loss
                    self.broadcast(self.status())
                    break
        finally:
            self._stepping = False
            self._reading_copy = None
            self.changed()
        return state

    def refuse(self, error: InvalidValue) -> None:
        """Tell every client why play stopped by itself (an `error` naming the field)."""
        self.broadcast({"type": "error", "code": "invalid", "message": str(error), "field": error.field})

    def cost(self, epochs: int | None = None, updates: int | None = None) -> int:
        """What a step costs (app.sessions.lane), the comparison's runs included."""
        runs = self.comparison.runs if self.comparison is not None else 0
        return super().cost(epochs, updates) * (1 + runs)

    async def load(self, build: Callable[[], Session], by: str) -> None:
        """Replace the session by the one ``build`` makes (in the lane): a session file
        opened into it, a scene of one's own.  Every client follows (a new generation)."""

        def swap(session: Session) -> None:
            self.session = build()

        await self.change(swap, by)

    def tick(self, focus: frozenset[int], generation: int, seconds: float = SLICE_SECONDS) -> Packet | None:
        """One frame of play (in the session's lane): train at most ``seconds``
        of CPU (the player's share for it), then render what ``focus`` needs.

        Nothing if the session stopped playing or changed generation since the
        tick was asked for (``generation``): a reset queued ahead of it wins."""
        if not self.playing or generation != self.generation:
            return None
        epochs = self.slice_epochs(self.epochs_per_frame, seconds)
        self._timed_step(epochs, only=self.trained_link())
        if self.comparison is not None:
            self.comparison.step(epochs)
        self.version += 1
        playing = self.session.stopped is None  # stopped by itself: publish() pauses
        now = time.monotonic()
        explain = self.pointer.due(now)
        compare = now - self._compared_at >= COMPARE_INTERVAL
        if compare:
            self._compared_at = now
        return self._render(playing, focus, explain=explain, compare=compare)

    def _render(self, playing: bool, focus: frozenset[int], *, explain: bool = False, compare: bool = True) -> Packet:
        """The frame of the session as it is (in its lane), with the comparison's pictures, and
        the messages due with it: the explanation (``explain``), the comparison's measures."""
        packet = render_packet(self.session, self.generation, self.version, playing, focus)
        explanation = self._explanation() if explain else None
        if explanation is not None:
            packet.messages.append(explanation)
        if self.comparison is not None:
            packet.comparison = self.comparison.frame(self.generation)
            if compare:
                packet.messages.append(self.comparison.message())
        return packet

    def pause(self, *, by_client: bool = False) -> None:
        """Stop playing (and any running step, at its next slice).  ``by_client``:
        the controller asked, which also dismisses the offer to resume."""
        self._interrupts += 1
        if self.playing or (by_client and self.restored):
            self.play_state = PlayState.PAUSED
            self.restored = self.restored and not by_client
            self.broadcast(self.status())
            self.changed()

    def play(self) -> None:
        """Train by itself, frame by frame; InvalidValue (``train``) when train=selected has nothing selected."""
        self.touch()
        self.trained_link()  # refused before it starts, not at its first tick
        if not self.playing:
            self.play_state = PlayState.PLAYING
            self.restored = False
            self.next_tick = 0.0
            self.broadcast(self.status())
            self.changed()
        self.player.add(self)

    def set_speed(self, epochs_per_frame: int) -> None:
        self.epochs_per_frame = epochs_per_frame
        self.broadcast(self.status())
        self.changed()

    async def refocus(self, client: Peer, node: int | None) -> None:
        client.focus = node
        latest = self.latest
        if latest is None or node is None:
            return
        if node not in latest.grids:  # nobody looked at it when this frame was made: render it now
            focus = self.focus() | {node}  # a client of another process is not among ours
            latest = await self._job(lambda: self._render(self.playing, focus, compare=False), client.key)
            self.latest = latest
        client.offer(latest)  # show the new focus at once, even when paused

    # -- the teacher's pointer (app/sessions/pointer.py) -----------------------------------

    def trained_link(self) -> Link | None:
        """What trains: the selected weight or bias with train=selected (InvalidValue naming
        ``train`` when nothing is selected), else None: every parameter."""
        return self.pointer.trained_link(self.session.config)

    def _explanation(self) -> dict[str, Any] | None:
        return self.pointer.explanation(self.session, self.generation, self.version)

    def explanation_for(self, layer: int, source: int | None, target: int, point: int | None) -> dict[str, Any] | None:
        """The teacher's last explanation if it is of this weight and still true (Pointer.explanation_for)."""
        return self.pointer.explanation_for(layer, source, target, point, (self.generation, self.version, self.playing))

    async def select(self, selection: dict[str, Any] | None, by: str) -> None:
        """Point every client's explainer at a weight or bias (None clears it)."""
        self.touch()
        if selection is None:
            self.pointer.selection = None
            self.broadcast({"type": "explain", "selection": None})
            self.changed()
            return
        pointer = self.pointer
        message = await self._job(lambda: pointer.explain(self.session, self.generation, self.version, selection), by)
        pointer.selection = selection  # explain validated it first
        self.broadcast(message)
        self.changed()

    def close(self, code: CloseCode = CloseCode.SESSION_CLOSED, reason: str = "session closed") -> None:
        """Stop playing and disconnect every client (the session is going away)."""
        self.closed = True
        self.closed_with = (code, reason)
        self.pause()
        self.audience.close(code, reason)


def _dumps(message: dict[str, Any]) -> str:
    return orjson.dumps(message).decode()
