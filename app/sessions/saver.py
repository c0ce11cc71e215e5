"""Sessions to the store and back: snapshots, saved one at a time per session.

A snapshot is taken inside the session's lane (``LiveSession.read``: between
jobs, or from the copy a long step leaves), so it is always a state the
session really was in; the store's I/O runs outside the lane, so a slow
disk or a Redis round trip never holds up training.

Saves of one session are serialised and coalesced: a save asked for while
one is being written only marks the session dirty, and one more save
follows when the current one is done.  ``save`` waits until everything up
to the call is stored (creation, unloading, shutdown).  Every
``snapshot_seconds`` the saver writes whatever changed since its last save:
a change (``request``, which every change calls) or the frames of a playing
session, so a crash loses at most that much.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from app.persistence import Backend, SessionRecord, StoreUnavailable
from app.sessions.comparison import LiveComparison
from app.sessions.deck import SessionDeck
from app.sessions.live import LiveSession
from app.sessions.player import Player
from app.sessions.scheduler import Scheduler
from app.settings import Settings
from core.errors import InvalidValue
from core.session import Session
from core.snapshot import to_document

__all__ = ["Saver", "app_section", "restore", "STORE_CLIENT"]

log = logging.getLogger("playground.saver")

STORE_CLIENT = "~store"  # the scheduler client that snapshots and loads take their turns as
SNAPSHOT_ESTIMATE = 0.001  # seconds: run snapshots on a worker, not on the event loop
TOUCH_AFTER_SECONDS = 60.0  # a session only opened (not changed) has its last activity stored this often


def _snapshot(session: Session) -> dict[str, Any]:
    return to_document(session, arrays=True)  # arrays stay arrays: the store's writer serialises them


def app_section(live: LiveSession) -> dict[str, Any]:
    """What the app keeps beside the core's snapshot (plain values)."""
    return {
        "owner": live.owner,
        "holder": live.holder,
        "generation": live.generation,
        "epochs_per_frame": live.epochs_per_frame,
        "selection": live.pointer.selection,
        "code": live.code,
        "playing": live.playing or live.halted or live.restored,  # restored: still waiting to resume
        "deck": live.deck.to_record(),
        "comparison": live.comparison.recipe if live.comparison is not None else None,  # runs: made afresh
    }


def _mark(live: LiveSession) -> tuple[int, dict[str, Any]]:
    """What a save stores, to tell whether the session changed since."""
    return live.version, app_section(live)


def restore(
    record: SessionRecord, session: Session, settings: Settings, scheduler: Scheduler, player: Player
) -> LiveSession:
    """The LiveSession a record describes, paused; ``session`` is
    ``core.snapshot.from_document(record.document)`` (made on a worker by the caller)."""
    app = record.app
    live = LiveSession(
        record.id, record.token_hash, session, settings, scheduler, player, str(app.get("owner", STORE_CLIENT))
    )
    live.holder = str(app.get("holder", live.owner))
    live.generation = int(app.get("generation", 1))
    live.epochs_per_frame = int(app.get("epochs_per_frame", 1))
    live.pointer.selection = app.get("selection")
    live.code = app.get("code")
    live.deck = SessionDeck.from_record(app.get("deck"))
    recipe = app.get("comparison")
    if recipe:
        with contextlib.suppress(InvalidValue):  # a comparison that no longer fits is dropped, not the session
            live.comparison = LiveComparison.build(recipe, session, live.pointer.trained_link_or_none(session.config))
    live.restored = bool(app.get("playing", False))
    live.created_at = record.created
    live.saved = _mark(live)  # as stored: nothing to save until it changes
    live.stored_active = live.last_active
    return live


class _Flight:
    """The saves of one session: at most one being written."""

    __slots__ = ("asked", "done", "task", "waiters")

    def __init__(self) -> None:
        self.asked = 0  # saves asked for (a counter)
        self.done = 0  # the last ask the written snapshots cover
        self.task: asyncio.Task[None] | None = None
        self.waiters: list[tuple[int, asyncio.Future[None]]] = []


class Saver:
    def __init__(self, backend: Backend, settings: Settings) -> None:
        self.backend = backend
        self.settings = settings
        self._flights: dict[str, _Flight] = {}
        self.writes = 0  # snapshots written (for /healthz and the tests)
        self.failures = 0
        self.on_write: Callable[[float, bool], None] = lambda seconds, ok: None  # the metrics (app.metrics.watch)

    def request(self, live: LiveSession) -> None:
        """``live`` changed: it is saved at the next periodic pass, within ``snapshot_seconds``.

        Write-behind: a REST step or a page's change is answered without a store
        write on its way (a snapshot cost a 1-epoch step as much as the step), and
        a burst of changes is written once.  Nothing waits on it; creation,
        unloading and shutdown call ``save`` and wait for theirs."""

    async def save(self, live: LiveSession) -> None:
        """Save ``live`` and wait until its state as of now is stored.

        Raises StoreUnavailable (or the backend's error) if that write failed.
        """
        flight, ticket = self._ask(live)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        flight.waiters.append((ticket, future))
        await future

    async def settle(self, live: LiveSession) -> None:
        """Wait until no save of ``live`` is being written (before deleting it)."""
        flight = self._flights.get(live.id)
        if flight is not None and flight.task is not None:
            await asyncio.shield(flight.task)

    def dirty(self, live: LiveSession) -> bool:
        return bool(live.saved != _mark(live))

    def unsaved(self, lives: Iterable[LiveSession]) -> int:
        """How many of ``lives`` changed since they were last stored (for /healthz)."""
        return sum(1 for live in lives if not live.discarded and self.dirty(live))

    def _ask(self, live: LiveSession) -> tuple[_Flight, int]:
        flight = self._flights.get(live.id)
        if flight is None:
            flight = self._flights[live.id] = _Flight()
        flight.asked += 1
        if flight.task is None:
            flight.task = asyncio.create_task(self._fly(live, flight), name=f"save-{live.id}")
        return flight, flight.asked

    async def _fly(self, live: LiveSession, flight: _Flight) -> None:
        try:
            while flight.done < flight.asked:
                covered = flight.asked
                error: BaseException | None = None
                try:
                    await self._write(live)
                except (StoreUnavailable, OSError) as failure:  # the session stays dirty: the next pass retries
                    self.failures += 1
                    if not isinstance(failure, StoreUnavailable):  # the backend counted those: logged once a kind
                        self.backend.health.failed("write", failure)
                    error = failure
                except Exception as failure:  # a bug: logged, and the waiters learn of it
                    self.failures += 1
                    log.exception("session %s: saving failed", live.id)
                    error = failure
                flight.done = covered
                still = []
                for ticket, future in flight.waiters:
                    if ticket > covered:
                        still.append((ticket, future))
                    elif not future.done():
                        future.set_result(None) if error is None else future.set_exception(error)
                flight.waiters = still
                if error is not None and not flight.waiters:
                    break  # no one waits: retry on the next periodic pass rather than spin on a dead store
        finally:
            flight.task = None
            if flight.done >= flight.asked and not flight.waiters:
                self._flights.pop(live.id, None)

    async def _write(self, live: LiveSession) -> None:
        if live.discarded:
            return  # deleted meanwhile: writing would bring it back
        mark = _mark(live)  # before the snapshot: at worst it marks an older state, and a later pass saves again
        document = await live.read(_snapshot, STORE_CLIENT, estimate=SNAPSHOT_ESTIMATE)
        if live.discarded:
            return
        now = time.time()
        active = now - (time.monotonic() - live.last_active)
        record = SessionRecord(live.id, document, mark[1], live.token_hash, live.created_at, active)
        started = time.perf_counter()
        try:
            await self.backend.save(record)
        except BaseException:
            self.on_write(time.perf_counter() - started, False)
            raise
        self.on_write(time.perf_counter() - started, True)
        live.saved = mark
        live.stored_active = live.last_active
        self.writes += 1

    async def flush(self, lives: Iterable[LiveSession], timeout: float) -> int:
        """Save every session in ``lives`` that changed since its last save, at
        most 8 at a time, within ``timeout`` seconds; returns how many failed."""
        gate = asyncio.Semaphore(8)
        failed = 0

        async def one(live: LiveSession) -> None:
            nonlocal failed
            async with gate:
                try:
                    await self.save(live)
                except (StoreUnavailable, OSError):
                    failed += 1

        dirty = [live for live in lives if self.dirty(live) and not live.discarded]
        if not dirty:
            return 0
        tasks = [asyncio.ensure_future(one(live)) for live in dirty]
        _, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:
            task.cancel()
        return failed + len(pending)

    async def run(self, lives: Callable[[], Iterable[LiveSession]]) -> None:
        """Forever (the lifespan runs it): every ``snapshot_seconds``, save what
        changed without asking (play), and store the last activity of sessions
        only opened, so that retention counts from it."""
        while True:
            await asyncio.sleep(self.settings.snapshot_seconds)
            with contextlib.suppress(StoreUnavailable):  # while saves fail: learn when the store takes writes again
                await self.backend.probe()
            for live in list(lives()):
                if live.closed:
                    continue
                if self.dirty(live):
                    self._ask(live)  # coalesced with a save in progress
                elif live.last_active - live.stored_active > TOUCH_AFTER_SECONDS:
                    live.stored_active = live.last_active
                    with contextlib.suppress(StoreUnavailable):  # counted in the store's health; tried again later
                        await self.backend.touch(live.id, time.time() - (time.monotonic() - live.last_active))
