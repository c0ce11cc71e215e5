"""Play: one loop that ticks every playing session, instead of a task each.

Each playing session with a client gets at most one tick per frame
interval (``1 / max_fps``), and never a second tick while one is queued or
running: a session whose frame takes longer simply plays slower, and the
scheduler's round robin shares the workers between sessions and clients.
A tick's result comes back through a callback (no task per frame), and the
newest frame is offered to every client of the session.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from app.frames import Packet
from app.scheduler import Scheduler

if TYPE_CHECKING:
    from app.live import LiveSession

__all__ = ["Player"]

log = logging.getLogger("playground.player")


class Player:
    def __init__(self, scheduler: Scheduler, max_fps: float) -> None:
        self.scheduler = scheduler
        self.interval = 1.0 / max_fps
        self._playing: set[LiveSession] = set()
        self._wake: asyncio.Event | None = None  # made by run(), on the loop it runs on

    def add(self, live: LiveSession) -> None:
        """``live`` started playing (LiveSession.play calls this)."""
        self._playing.add(live)
        if self._wake is not None:
            self._wake.set()

    def __len__(self) -> int:
        return len(self._playing)

    async def run(self) -> None:
        """Tick forever (the app's lifespan runs this as a task)."""
        loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        while True:
            if not self._playing:
                self._wake.clear()
                await self._wake.wait()
            now = loop.time()
            soonest = now + self.interval
            for live in list(self._playing):
                if not live.playing or live.closed or not live.watchers:
                    self._playing.discard(live)
                    if live.playing and not live.watchers:
                        live.pause()  # nobody is watching
                    continue
                if live.ticking:
                    continue
                if now < live.next_tick:
                    soonest = min(soonest, live.next_tick)
                    continue
                live.next_tick = max(live.next_tick + self.interval, now)  # behind: no bursts to catch up
                soonest = min(soonest, live.next_tick)
                self._tick(live)
            await asyncio.sleep(max(0.001, soonest - loop.time()))

    def _tick(self, live: LiveSession) -> None:
        live.ticking = True
        generation = live.generation
        focus = live.focus()

        def done(packet: Packet | None, error: BaseException | None) -> None:
            live.ticking = False
            if error is not None:
                log.error("session %s: a play tick failed; pausing", live.id, exc_info=error)
                live.pause()
                return
            if packet is not None and not live.closed and packet.generation == generation:
                live.publish(packet)

        self.scheduler.submit(lambda: live.tick(focus, generation), done, client=live.owner, lane=live.id)
