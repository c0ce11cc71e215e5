"""Play: every playing session drives its own ticks, with no task each.

Each playing session with a client gets at most one tick per frame
interval (``1 / max_fps``), and never a second tick while one is queued or
running: a session whose frame takes longer simply plays slower, and the
scheduler's round robin shares the workers between sessions and clients.
A tick's result comes back through a callback; the callback publishes the
frame and books the session's next tick at once (or with ``call_at`` at its
due time), so a tick that ends a millisecond after its due time waits a
millisecond, not a whole scan of every session.  Nothing here is O(number
of sessions) per frame.

A tick trains for at most one slice (``SLICE_SECONDS``) while its session
plays alone, and for ``SHARED_TICK_SECONDS`` while others play too: play
ticks run one at a time (app/sessions/scheduler.py), so a session at top speed
would otherwise hold every other session's frame back by a whole slice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.sessions.packets import Packet
from app.sessions.scheduler import SLICE_SECONDS, Scheduler
from core.errors import InvalidValue

if TYPE_CHECKING:
    from app.sessions.live import LiveSession

__all__ = ["Player"]

log = logging.getLogger("playground.player")

# A tick's most CPU while other sessions play: one session playing at top
# speed then delays the others' frames by a few milliseconds, not a slice.
SHARED_TICK_SECONDS = 0.005


class Player:
    def __init__(
        self, scheduler: Scheduler, max_fps: float, on_tick: Callable[[float, float], None] | None = None
    ) -> None:
        self.scheduler = scheduler
        self.interval = 1.0 / max_fps
        self.on_tick = on_tick  # (seconds the tick took, seconds it started late): the metrics, on the loop
        self._playing: set[LiveSession] = set()  # sessions with a tick queued, running or booked

    def add(self, live: LiveSession) -> None:
        """``live`` started playing (LiveSession.play calls this, on the event loop)."""
        if live not in self._playing:
            self._playing.add(live)
            asyncio.get_running_loop().call_soon(self._tick, live)

    def __len__(self) -> int:
        return len(self._playing)

    async def run(self) -> None:
        """Nothing to do between ticks: kept so the app's lifespan owns the player's life."""
        try:
            await asyncio.Event().wait()
        finally:
            self._playing.clear()

    def _tick(self, live: LiveSession) -> None:
        """Ask for one frame of ``live``, if it still plays and someone watches."""
        if not live.playing or live.closed or not live.watchers:
            self._playing.discard(live)
            if live.playing and not live.closed:
                live.pause()  # nobody is watching
            return
        loop = asyncio.get_running_loop()
        due = live.next_tick
        live.next_tick = max(live.next_tick + self.interval, loop.time())  # behind: no bursts to catch up
        live.ticking = True
        generation = live.generation
        focus = live.focus()

        timing = [0.0, 0.0]  # when the tick started and ended, on the loop's clock

        def run() -> Packet | None:
            timing[0] = loop.time()
            try:
                return live.tick(focus, generation, seconds)
            finally:
                timing[1] = loop.time()

        def done(packet: Packet | None, error: BaseException | None) -> None:
            live.ticking = False
            if self.on_tick is not None and timing[1]:
                self.on_tick(timing[1] - timing[0], max(0.0, timing[0] - due) if due else 0.0)
            if error is not None:
                self._playing.discard(live)
                if isinstance(error, InvalidValue):  # e.g. train=selected after the selection went: say why
                    live.refuse(error)
                else:
                    log.error("session %s: a play tick failed; pausing", live.id, exc_info=error)
                live.pause()
                return
            if packet is not None and not live.closed and packet.generation == generation:
                live.publish(packet)
            delay = live.next_tick - loop.time()
            if delay <= 0:
                self._tick(live)
            else:
                loop.call_at(live.next_tick, self._tick, live)

        seconds = SLICE_SECONDS if len(self._playing) == 1 else SHARED_TICK_SECONDS
        self.scheduler.submit(run, done, client=live.owner, lane=live.id, tick=True)
