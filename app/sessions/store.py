"""The app's sessions: those held in memory, and the store behind them.

A session is saved as it changes (app/sessions/saver.py) and loaded back on first
use after a restart, paused, with its token, class code, selection and
speed.  Memory holds the sessions in use: one without clients for
``idle_seconds`` is unloaded (saved first) and stays in the store for
``keep_days``; at ``max_sessions`` in memory, the longest idle one without
clients is unloaded to make room.  Which process runs a session is the
``Ownership``'s business (app/sessions/ownership.py): always this one, or one of
many through Redis leases (app/cluster).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Callable

from app.auth import new_token, token_digest
from app.persistence import Backend, RecordDamaged, StoreUnavailable, retention
from app.protocol.close_codes import CloseCode
from app.sessions.live import LiveSession
from app.sessions.ownership import OwnedElsewhere, Ownership, SoleOwner
from app.sessions.player import Player
from app.sessions.saver import STORE_CLIENT, Saver, restore
from app.sessions.scheduler import Scheduler
from app.settings import Settings
from core.errors import InvalidValue
from core.session import Session
from core.snapshot import from_document

__all__ = [
    "SessionStore",
    "StoreFull",
    "TooManySessions",
    "UnknownSession",
    "SessionDamaged",
    "ShuttingDown",
    "OwnedElsewhere",
]

log = logging.getLogger("playground.store")

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread from a projector
CODE_LENGTH = 6  # 32^6 ≈ 10^9 codes; lookups are rate-limited per client
CODE_ATTEMPTS = 50  # draws before giving up (each collides with odds of sessions / 10^9)
SHUTDOWN_SAVE_SECONDS = 20.0  # how long a stopping process may spend saving its sessions
IN_USE_SECONDS = 300.0  # a session without a connection counts as in use this long after its last call
CLASS = "class:"  # the holder of forks from a class link: "class:<the shared session's id>"


class UnknownSession(LookupError):
    """No session has this id (never created, deleted, or dropped by retention)."""


class SessionDamaged(LookupError):
    """The session's stored record cannot be read: it was set aside (quarantined) and logged."""


class StoreFull(RuntimeError):
    """Memory holds its maximum of sessions and none can be unloaded to make room."""


class TooManySessions(RuntimeError):
    """This client (or class) holds its maximum of sessions in use, each with a connection or work."""

    retry_after = 60  # when one of its pages is closed: a guess a client can act on


class ShuttingDown(RuntimeError):
    """The process is stopping: it loads and creates nothing more (the client retries elsewhere)."""


class SessionStore:
    def __init__(
        self,
        settings: Settings,
        scheduler: Scheduler,
        player: Player,
        backend: Backend,
        ownership: Ownership | None = None,
    ) -> None:
        self.settings = settings
        self.scheduler = scheduler
        self.player = player
        self.backend = backend
        self.ownership: Ownership = ownership or SoleOwner()
        self.saver = Saver(backend, settings)
        self._sessions: dict[str, LiveSession] = {}
        self._loading: dict[str, asyncio.Task[LiveSession]] = {}
        self._leaving: dict[str, asyncio.Future[None]] = {}  # sessions being unloaded
        self.draining = False

    def __len__(self) -> int:
        return len(self._sessions)

    def local(self) -> list[LiveSession]:
        """The sessions held in memory here."""
        return list(self._sessions.values())

    def get(self, session_id: str) -> LiveSession:
        """A session held here (no loading); UnknownSession otherwise."""
        live = self._sessions.get(session_id)
        if live is None:
            raise UnknownSession(session_id)
        return live

    def held(self, session_id: str) -> LiveSession | None:
        """The session if it is in memory here, else None (no loading)."""
        return self._sessions.get(session_id)

    def forget(self, session_id: str) -> None:
        """Drop a session without saving it: another process owns it now (its
        lease lapsed here), and its clients reconnect to find it there."""
        live = self._sessions.pop(session_id, None)
        if live is not None:
            live.discarded = True
            live.close(CloseCode.TRY_AGAIN, "the session moved to another server process")

    def in_use(self, holder: str, now: float | None = None) -> list[LiveSession]:
        """``holder``'s sessions in use: with a connection, work, or a call in the last IN_USE_SECONDS."""
        now = time.monotonic() if now is None else now
        return [
            live
            for live in self._sessions.values()
            if live.holder == holder and (live.watchers or live.jobs or now - live.last_active < IN_USE_SECONDS)
        ]

    # -- opening --------------------------------------------------------------------

    async def open(self, session_id: str) -> LiveSession:
        """The session, loaded from the store if it is not in memory (once, however
        many ask at the same time).  UnknownSession if there is no such session;
        OwnedElsewhere if another process runs it; StoreFull, ShuttingDown,
        StoreUnavailable when it cannot be loaded now."""
        live = self._sessions.get(session_id)
        if live is None:
            if self.draining:
                raise ShuttingDown("the server is restarting; try again in a moment")
            loading = self._loading.get(session_id)
            if loading is None:
                loading = asyncio.create_task(self._load(session_id), name=f"load-{session_id}")
                self._loading[session_id] = loading
                loading.add_done_callback(lambda task: self._loaded(session_id, task))
            live = await asyncio.shield(loading)
        live.touch()
        return live

    def _loaded(self, session_id: str, task: asyncio.Task[LiveSession]) -> None:
        if self._loading.get(session_id) is task:
            del self._loading[session_id]
        if not task.cancelled():
            task.exception()  # retrieved: every waiter has it already

    async def _load(self, session_id: str) -> LiveSession:
        leaving = self._leaving.get(session_id)
        if leaving is not None:  # being unloaded: let that finish (or give up) first
            await asyncio.shield(leaving)
            live = self._sessions.get(session_id)
            if live is not None:
                return live
        if not await self._exists(session_id):
            raise UnknownSession(session_id)
        await self._make_room()
        if not await self.ownership.acquire(session_id):
            raise OwnedElsewhere(session_id, await self.ownership.owner(session_id))
        try:
            record = await self.backend.load(session_id)
            if record is None:
                raise UnknownSession(session_id)  # deleted since we looked
            session = await self.scheduler.run(lambda: from_document(record.document), client=STORE_CLIENT)
        except (RecordDamaged, InvalidValue) as error:  # set aside by the backend; or a record it read that fails
            await self.ownership.release(session_id)
            if isinstance(error, InvalidValue):
                await self.backend.quarantine(session_id, f"not a session this server reads: {error}")
            raise SessionDamaged(session_id) from None
        except BaseException:
            await self.ownership.release(session_id)
            raise
        live = restore(record, session, self.settings, self.scheduler, self.player)
        await self._adopt(live)
        log.info("session %s loaded from the store (epoch %d)", session_id, session.epoch)
        return live

    async def _exists(self, session_id: str) -> bool:
        try:
            return await self.backend.exists(session_id)
        except RecordDamaged:
            raise SessionDamaged(session_id) from None

    async def _adopt(self, live: LiveSession) -> None:
        live.on_change = self.saver.request
        self._sessions[live.id] = live
        await self.ownership.adopt(live)

    # -- creating -------------------------------------------------------------------

    async def create(
        self, build: Callable[[], Session], owner: str, holder: str | None = None
    ) -> tuple[LiveSession, str]:
        """Build a core session in a worker and keep it: (session, control token).

        The token is returned once and kept only as a digest.  ``owner`` is
        the creating client's key; ``holder`` whose sessions-in-use limit it
        counts against (default: the owner; a class for its forks).  The
        session is in the store before its id is returned.  When memory is
        full, the longest-idle session without clients is unloaded to make
        room (else StoreFull).  A holder at its limit has its own longest
        idle session unloaded (it stays stored), or gets TooManySessions if
        every one has a connection.  ``build`` may raise InvalidValue, which
        leaves the store unchanged.
        """
        holder = holder or owner
        if self.draining:
            raise ShuttingDown("the server is restarting; try again in a moment")
        await self.backend.probe()  # while saves fail: StoreUnavailable (503) before any work
        await self._room_for(holder)
        await self._make_room()  # fail fast, before the work
        session = await self.scheduler.run(build, client=owner)
        await self._room_for(holder)  # the same client may have raced us meanwhile
        await self._make_room()  # others may have filled it meanwhile
        token = new_token()
        live = LiveSession(
            secrets.token_urlsafe(16), token_digest(token), session, self.settings, self.scheduler, self.player, owner
        )
        live.holder = holder
        if not await self.ownership.acquire(live.id):  # a fresh random id: nobody else can hold it
            raise RuntimeError(f"session id {live.id} is already owned")
        await self._adopt(live)
        try:
            await self.saver.save(live)
        except (StoreUnavailable, OSError):  # counted in the store's health: nothing is created that is not stored
            live.discarded = True
            self._sessions.pop(live.id, None)
            live.close(CloseCode.SESSION_CLOSED, "session not created")
            await self.ownership.release(live.id)
            raise
        return live, token

    async def fork(self, source: LiveSession, owner: str, holder: str | None = None) -> tuple[LiveSession, str]:
        """A new session starting from ``source``'s current data, weights and settings."""
        snapshot = await source.reading_copy(owner)
        return await self.create(lambda: snapshot, owner, holder)

    async def _room_for(self, holder: str) -> None:
        """Below ``holder``'s limit of sessions in use, unloading its longest idle one if need be."""
        if not self.settings.client_limits:
            return
        limit = self.settings.max_watchers if holder.startswith(CLASS) else self.settings.sessions_per_client
        held = self.in_use(holder)
        if len(held) < limit:
            return
        for live in sorted(
            (live for live in held if not live.watchers and not live.jobs), key=lambda live: live.last_active
        ):
            if await self.unload(live, "session unloaded: its client opened another"):
                return
        whose = "this class holds" if holder.startswith(CLASS) else "this address holds"
        raise TooManySessions(
            f"{whose} {limit} sessions in use, each with a page open; close one of those pages "
            "or delete a session (DELETE /api/sessions/{id}), then try again"
        )

    # -- class codes ----------------------------------------------------------------

    async def share_code(self, live: LiveSession) -> str:
        """A short code for a class link to ``live`` (the same code every time)."""
        if live.code is not None:
            return live.code
        for _ in range(CODE_ATTEMPTS):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            claimed = await self.backend.claim_code(code, live.id)
            if claimed is not None:
                live.code = claimed
                self.saver.request(live)
                return claimed
        raise StoreUnavailable(f"no free class code after {CODE_ATTEMPTS} draws")

    async def resolve_code(self, code: str) -> str:
        """The id of the session behind a class code; UnknownSession if none."""
        session_id = await self.backend.resolve_code(code.upper())
        if session_id is None or (session_id not in self._sessions and not await self._exists(session_id)):
            raise UnknownSession(code)
        return session_id

    # -- letting go -----------------------------------------------------------------

    async def delete(self, live: LiveSession) -> None:
        """Delete a session here and in the store, with its class code."""
        live.discarded = True
        if self._sessions.get(live.id) is live:
            del self._sessions[live.id]
        live.close(CloseCode.SESSION_CLOSED, "session deleted")
        await self.saver.settle(live)
        await self.backend.delete(live.id)
        await self.ownership.release(live.id)

    async def unload(self, live: LiveSession, reason: str = "session unloaded") -> bool:
        """Save ``live`` and drop it from memory (it stays in the store); False if
        it has clients or work, or could not be saved."""
        if live.watchers or live.closed or live.id in self._leaving:
            return False
        await self.saver.settle(live)  # a snapshot being taken is a job in its lane too
        if live.watchers or live.jobs or live.closed or live.id in self._leaving:
            return False
        leaving: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._leaving[live.id] = leaving
        try:
            try:
                await self.saver.save(live)
            except (StoreUnavailable, OSError):
                return False  # logged by the saver; kept in memory, tried again later
            if live.watchers or live.jobs or live.closed or self.saver.dirty(live):
                return False  # used while it was being saved
            del self._sessions[live.id]
            live.close(CloseCode.TRY_AGAIN, reason)  # a client attaching right now reconnects and loads it again
            await self.ownership.release(live.id)
            return True
        finally:
            del self._leaving[live.id]
            leaving.set_result(None)

    async def _make_room(self) -> None:
        if len(self._sessions) < self.settings.max_sessions:
            return
        idle = sorted(
            (live for live in self._sessions.values() if not live.watchers and not live.jobs),
            key=lambda live: live.last_active,
        )
        for live in idle:
            if await self.unload(live, "session unloaded to make room"):
                return
        raise StoreFull(
            f"the server holds its maximum of {self.settings.max_sessions} sessions and all are in use; try again later"
        )

    async def sweep(self, now: float | None = None) -> int:
        """Unload sessions without clients that have been idle too long; returns how many."""
        now = time.monotonic() if now is None else now
        idle = [
            live
            for live in self._sessions.values()
            if not live.watchers and now - live.last_active > self.settings.idle_seconds
        ]
        unloaded = 0
        for live in idle:
            unloaded += await self.unload(live, "session idle")
        return unloaded

    async def prune(self) -> list[str]:
        """Apply the retention policy to the store (one process of many at a time)."""
        if not await self.ownership.exclusive("prune", self.settings.prune_seconds / 2):
            return []
        deleted = await self.backend.prune(retention(self.settings))
        if deleted:
            log.info("retention: %d stored sessions deleted", len(deleted))
        return deleted

    # -- the app's lifespan ------------------------------------------------------------

    async def run_sweeper(self) -> None:
        """Sweep forever (the app's lifespan runs this as a task)."""
        while True:
            await asyncio.sleep(self.settings.sweep_seconds)
            with contextlib.suppress(StoreUnavailable):  # counted in the store's health; the next sweep retries
                await self.sweep()

    async def run_pruner(self) -> None:
        """Apply the retention policy every ``prune_seconds``, starting now."""
        while True:
            try:
                await self.prune()
                self.backend.health.worked("retention")
            except StoreUnavailable as error:
                self.backend.health.failed("retention", error)
            await asyncio.sleep(self.settings.prune_seconds)

    async def drain(self) -> None:
        """The process is stopping (SIGTERM): stop play, save every session, then
        close every websocket with 1012 so that pages reconnect (to this process
        once it is back, or to another).  Sessions that were playing are saved
        as playing: they come back paused, and the page offers to resume."""
        if self.draining:
            return
        self.draining = True
        lives = self.local()
        for live in lives:
            if live.playing:
                live.halted = True
                live.pause()
        failed = await self.saver.flush(lives, SHUTDOWN_SAVE_SECONDS)
        if failed:
            log.error("shutdown: %d sessions could not be saved; their latest changes are lost", failed)
        for live in lives:
            live.close(CloseCode.SERVER_RESTART, "server restarting")
        log.info("shutdown: sessions saved: %d of %d", len(lives) - failed, len(lives))

    async def close(self) -> None:
        """After the drain: save what changed since (a call that was still
        running), and let every session go."""
        await self.drain()
        lives = self.local()
        await self.saver.flush(lives, SHUTDOWN_SAVE_SECONDS / 2)
        self._sessions.clear()
        for live in lives:
            try:
                await self.ownership.release(live.id)
            except StoreUnavailable:
                break  # Redis is away: the leases lapse by themselves
