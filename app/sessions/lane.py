"""One session's lane: all CPU work on a session runs as jobs in its
exclusive lane of the scheduler (app/sessions/scheduler.py), one at a time and in
order, so the core session is only ever touched by one thread, and no lock
is held while a job waits for a worker.

Reads never wait behind a long step: while one runs, its slices leave a
consistent copy of the session behind (``_reading_copy``), and reads use it.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from app.sessions.scheduler import SLICE_SECONDS, Scheduler
from core.link import Link
from core.session import Session

__all__ = ["SessionLane", "INLINE_SECONDS"]

T = TypeVar("T")
INLINE_SECONDS = 0.0005  # jobs predicted below this run on the event loop when the session is idle


class SessionLane:
    def __init__(self, id: str, session: Session, scheduler: Scheduler) -> None:
        self.id = id
        self.session = session
        self.scheduler = scheduler
        self.jobs = 0  # jobs in flight in its lane: it is not unloaded meanwhile (app/sessions/store.py)
        self._stepping = False
        self._reading_copy: Session | None = None  # left by a long step's slices for reads meanwhile
        self._epoch_seconds = float(1e-6 * (1 + session.train.shape[0]) * (1 + session.network.n_weights) / 50)
        self._recent: deque[float] = deque(maxlen=5)  # the last epochs' times: what runs inline goes by their median

    async def _job(self, fn: Callable[[], T], by: str, estimate: float = 1.0) -> T:
        """Run ``fn`` in this session's lane, attributed to client ``by``."""
        self.jobs += 1
        try:
            return await self.scheduler.run(fn, client=by, lane=self.id, inline_below=INLINE_SECONDS, estimate=estimate)
        finally:
            self.jobs -= 1

    def cost(self, epochs: int | None = None, updates: int | None = None) -> int:
        """What a step costs, in weight-passes (points x weights): ``epochs`` passes over the
        train and test points, or ``updates`` batches and one loss pass at the end."""
        session = self.session
        weights = max(1, session.network.n_weights)
        points = int(session.train.shape[0] + session.test.shape[0])
        if updates is not None:
            return (int(updates) * session.batch_size + points) * weights
        return points * int(epochs or 1) * weights

    def _timed_step(self, epochs: int | None = None, updates: int | None = None, only: Link | None = None) -> Any:
        started = time.perf_counter()
        result = self.session.step(epochs, updates, only)
        n = max(1, int(self.session.train.shape[0]))
        passes = result.updates * self.session.batch_size / n if updates is not None else (epochs or 1)
        per_epoch = (time.perf_counter() - started) / max(passes, 1e-9)
        self._epoch_seconds = 0.7 * self._epoch_seconds + 0.3 * per_epoch  # slices: quick to follow a slower network
        self._recent.append(per_epoch)
        return result

    def typical_epoch_seconds(self) -> float:
        """An epoch's time as the last few took it (their median): whether a small step runs on
        the event loop.  One slow one (the OS took the core away, a collection ran) would
        otherwise send the next tiny steps through a worker thread for a while."""
        if not self._recent:
            return self._epoch_seconds
        return sorted(self._recent)[len(self._recent) // 2]

    def slice_epochs(self, wanted: int, seconds: float = SLICE_SECONDS) -> int:
        """How many of ``wanted`` epochs fit in a slice of ``seconds`` (at least one)."""
        return max(1, min(wanted, int(seconds / max(self._epoch_seconds, 1e-9))))

    def slice_updates(self, wanted: int, seconds: float = SLICE_SECONDS) -> int:
        """How many of ``wanted`` updates fit in a slice of ``seconds`` (at least one)."""
        session = self.session
        per_update = self._epoch_seconds * session.batch_size / max(1, int(session.train.shape[0]))
        return max(1, min(wanted, int(seconds / max(per_update, 1e-9))))

    # -- reading ------------------------------------------------------------------------

    async def read(self, fn: Callable[[Session], T], by: str, estimate: float = 0.0) -> T:
        """``fn(session)`` on a consistent session: the live one between jobs in its
        lane (on the event loop if the lane is idle and ``estimate`` is tiny), or
        the copy a running long step left: never waiting for the whole step."""
        copy = self._reading_copy
        if self._stepping and copy is not None:
            if estimate < INLINE_SECONDS:
                return fn(copy)
            return await self.scheduler.run(lambda: fn(copy), client=by)
        return await self._job(lambda: fn(self.session), by, estimate=estimate)

    async def reading_copy(self, by: str) -> Session:
        """An independent copy to compute on elsewhere (pictures, the explainer for a REST reader)."""
        return await self.read(lambda s: s.copy(), by)
