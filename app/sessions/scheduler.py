"""Fair scheduling of CPU work on a few worker threads.

Every job belongs to a *client* (who asked: an address, or a session's
player) and to a *lane*.  An exclusive lane (one per session) runs one job
at a time, in order: the session's state is only ever touched by one
thread, and no asyncio lock is held while a job waits for a worker.  A
shared lane runs its jobs side by side (work on copies: pictures, the
stateless step).

Workers take the next job by round robin over clients, then over that
client's lanes, so a client with a thousand queued jobs gets one turn per
round like everyone else.  Jobs are short by construction: callers cut
long work into slices of ``SLICE_SECONDS`` (see ``LiveSession.step``), so
another session's frame waits at most about one slice per worker.

The compiled kernel and the picture pass release the GIL, so the threads
run in parallel.  Play ticks may use every worker while nothing else
waits; while another job waits, ticks start on at most all but one worker,
so the next worker to finish a tick (a few milliseconds at most) takes it:
other work never waits behind a crowd of frames.  The other way round,
while sessions play (a tick was asked for in the last TICKS_RECENT
seconds), other jobs start on at most all but one worker: a frame never
waits for a worker behind a crowd of pictures, reads and steps, however
long one of those jobs is (issue 22: one client's heavy reads held both
workers, and a bystander's frames came 40 a second with 450 ms gaps).  (While a frame took about twenty GIL hand-offs,
ticks on both threads mostly waited for each other and one tick thread was
better: 150 playing sessions got 12-13 frames/s with two, 14-18 with one.
With a frame in two compiled calls, two give 19.5-24 where one gives
14.5-19.5, in five runs of each alternating on one day.)
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["Scheduler", "SLICE_SECONDS"]

T = TypeVar("T")
SLICE_SECONDS = 0.02  # the most CPU one job should take; longer work is sliced by its caller
TICKS_RECENT = 0.1  # seconds after a tick was asked for during which one worker is kept for ticks


class _Job:
    __slots__ = ("fn", "lane", "future", "loop", "done", "cancelled", "tick")

    def __init__(
        self,
        fn: Callable[[], Any],
        lane: _Lane,
        loop: asyncio.AbstractEventLoop,
        future: asyncio.Future[Any] | None,
        done: Callable[[Any, BaseException | None], None] | None,
        tick: bool = False,
    ) -> None:
        self.fn = fn
        self.tick = tick  # a play tick: see Scheduler._tick_limit
        self.lane = lane
        self.loop = loop
        self.future = future
        self.done = done
        self.cancelled = False


class _Lane:
    """One client's queue for one key (a session id, or its shared work)."""

    __slots__ = ("client", "key", "exclusive", "jobs")

    def __init__(self, client: str, key: str, exclusive: bool) -> None:
        self.client = client
        self.key = key
        self.exclusive = exclusive
        self.jobs: deque[_Job] = deque()


class Scheduler:
    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._ticking = 0  # play ticks running now
        self._others = 0  # jobs waiting that are not ticks
        self._working = 0  # jobs running that are not ticks
        self._tick_asked = -TICKS_RECENT  # when a tick was last asked for (monotonic)
        self._cond = threading.Condition()
        # client -> its lanes by key, both in round-robin order
        self._clients: OrderedDict[str, OrderedDict[str, _Lane]] = OrderedDict()
        self._running: dict[str, int] = {}  # exclusive key -> jobs running (0 or 1)
        self._queued: dict[str, int] = {}  # exclusive key -> jobs waiting, over every client
        self._workers: list[threading.Thread] = []
        self._ready: dict[asyncio.AbstractEventLoop, list[tuple[_Job, Any, BaseException | None]]] = {}
        self._stopping = False
        self.busy_seconds = 0.0  # CPU time spent in jobs (for /healthz and benchmarks)

    # -- submitting ---------------------------------------------------------------

    async def run(
        self,
        fn: Callable[[], T],
        *,
        client: str,
        lane: str | None = None,
        inline_below: float = 0.0,
        estimate: float = 1.0,
    ) -> T:
        """Run ``fn()`` on a worker and return its result (its exception propagates).

        ``lane`` names an exclusive lane (a session id); None runs in the
        client's shared lane.  When ``estimate`` (seconds) is below
        ``inline_below`` and the lane is idle, ``fn`` runs here on the event
        loop instead: a hand-off to a thread costs more than a tiny job.
        """
        if estimate < inline_below and self._idle(lane):
            return fn()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        job = self._enqueue(fn, client, lane, loop, future, None)
        try:
            return await future
        except asyncio.CancelledError:
            job.cancelled = True  # not started yet: skipped; started: its result is dropped
            raise

    def submit(
        self,
        fn: Callable[[], T],
        done: Callable[[T | None, BaseException | None], None],
        *,
        client: str,
        lane: str | None = None,
        tick: bool = False,
    ) -> None:
        """Run ``fn()`` on a worker, then call ``done(result, error)`` on the event loop (no task needed).
        ``tick``: a play tick (see the module's docstring)."""
        self._enqueue(fn, client, lane, asyncio.get_running_loop(), None, done, tick)

    def _idle(self, lane: str | None) -> bool:
        if lane is None:
            return True
        with self._cond:
            return not self._running.get(lane) and not self._queued.get(lane)

    def _enqueue(
        self,
        fn: Callable[[], Any],
        client_key: str,
        lane_key: str | None,
        loop: asyncio.AbstractEventLoop,
        future: asyncio.Future[Any] | None,
        done: Callable[[Any, BaseException | None], None] | None,
        tick: bool = False,
    ) -> _Job:
        self._start()
        exclusive = lane_key is not None
        key = lane_key if lane_key is not None else "\0shared"  # no session id starts with NUL
        with self._cond:
            lanes = self._clients.get(client_key)
            if lanes is None:
                lanes = self._clients[client_key] = OrderedDict()
            lane = lanes.get(key)
            if lane is None:
                lane = lanes[key] = _Lane(client_key, key, exclusive)
            job = _Job(fn, lane, loop, future, done, tick)
            lane.jobs.append(job)
            if exclusive:
                self._queued[key] = self._queued.get(key, 0) + 1
            self._others += not tick
            if tick:
                self._tick_asked = time.monotonic()
            if not tick or self._ticking < self._tick_limit():
                self._cond.notify()  # else the worker running a tick takes it next: no one to wake
        return job

    # -- the workers ----------------------------------------------------------------

    def _start(self) -> None:
        if self._workers:
            return
        self._stopping = False
        for n in range(self.threads):
            worker = threading.Thread(target=self._work, name=f"playground-worker-{n}", daemon=True)
            worker.start()
            self._workers.append(worker)

    def _tick_limit(self) -> int:
        """How many play ticks may run at once (lock held): every worker, but
        one worker is kept for the other jobs while any waits."""
        return self.threads - 1 if self._others and self.threads > 1 else self.threads

    def _work_limit(self) -> int:
        """How many other jobs may run at once (lock held): every worker, but one
        worker is kept for play ticks while sessions play."""
        playing = time.monotonic() - self._tick_asked < TICKS_RECENT
        return self.threads - 1 if playing and self.threads > 1 else self.threads

    def _next(self) -> _Job | None:
        """The next job in round-robin order (lock held), or None if nothing can run now."""
        limit = self._tick_limit()
        work_limit = self._work_limit()
        if self._ticking >= limit and (not self._others or self._working >= work_limit):
            return None  # only ticks wait, and enough are running: no scan over every client
        for client, lanes in self._clients.items():
            for key, lane in lanes.items():
                if lane.exclusive and self._running.get(key):
                    continue  # that session is busy on another worker
                if lane.jobs[0].tick and self._ticking >= limit:
                    continue  # enough workers are running ticks; this one takes other work
                if not lane.jobs[0].tick and self._working >= work_limit:
                    continue  # the last worker is kept for the frames of sessions that play
                job = lane.jobs.popleft()
                self._ticking += job.tick
                self._working += not job.tick
                self._others -= not job.tick
                if lane.exclusive:
                    self._running[key] = 1
                    self._queued[key] -= 1
                if lane.jobs:
                    lanes.move_to_end(key)  # this lane had its turn
                else:
                    del lanes[key]  # empty lanes cost nothing
                if lanes:
                    self._clients.move_to_end(client)  # this client had its turn
                else:
                    del self._clients[client]
                return job
        return None

    def _finish(self, job: _Job) -> None:
        """Bookkeeping after a job ran (lock held)."""
        lane = job.lane
        self._ticking -= job.tick
        self._working -= not job.tick
        if lane.exclusive:
            del self._running[lane.key]
            if not self._queued.get(lane.key):
                self._queued.pop(lane.key, None)

    def _work(self) -> None:
        while True:
            with self._cond:
                job = self._next()
                while job is None:
                    if self._stopping:
                        return
                    self._cond.wait(TICKS_RECENT)  # the worker kept for ticks is freed when play stops
                    job = self._next()
            result: Any = None
            error: BaseException | None = None
            started = time.thread_time()
            if not job.cancelled:
                try:
                    result = job.fn()
                except BaseException as exc:  # delivered to the caller, who decides
                    error = exc
            with self._cond:
                self.busy_seconds += time.thread_time() - started
                self._finish(job)
                self._cond.notify()  # the session may be runnable again
            if not job.cancelled:
                self._deliver_later(job, result, error)

    def _deliver_later(self, job: _Job, result: Any, error: BaseException | None) -> None:
        """Hand a result to its loop.  Results wait in one queue per loop, and
        the loop is woken only when that queue was empty: under load one
        wake-up delivers many results, instead of a wake-up (and a GIL
        hand-off) each."""
        loop = job.loop
        with self._cond:
            ready = self._ready.setdefault(loop, [])
            ready.append((job, result, error))
            if len(ready) > 1:
                return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile (shutdown)
            loop.call_soon_threadsafe(self._drain, loop)

    def _drain(self, loop: asyncio.AbstractEventLoop) -> None:
        with self._cond:
            ready = self._ready.pop(loop, [])
        for job, result, error in ready:
            _deliver(job, result, error)

    def pending(self) -> int:
        with self._cond:
            return sum(len(lane.jobs) for lanes in self._clients.values() for lane in lanes.values())

    def shutdown(self) -> None:
        """Stop the workers after their current job; queued jobs are dropped."""
        with self._cond:
            self._stopping = True
            for lanes in self._clients.values():
                for lane in lanes.values():
                    for job in lane.jobs:
                        job.cancelled = True
            self._clients.clear()
            self._queued.clear()
            self._others = 0
            self._cond.notify_all()
        for worker in self._workers:
            worker.join(timeout=5)
        self._workers = []


def _deliver(job: _Job, result: Any, error: BaseException | None) -> None:
    if job.future is not None:
        if job.future.done():
            return
        if error is None:
            job.future.set_result(result)
        else:
            job.future.set_exception(error)
    elif job.done is not None:
        job.done(result, error)
