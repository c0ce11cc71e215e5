"""The app's sessions, held in memory, with the limits of app.settings."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable

from app.live import LiveSession
from app.settings import Settings
from app.tokens import new_token, token_digest
from app.workers import Workers
from core.session import Session

__all__ = ["SessionStore", "StoreFull", "UnknownSession"]

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread from a projector
CODE_LENGTH = 6


class UnknownSession(LookupError):
    """No session has this id (never created, deleted, or expired)."""


class StoreFull(RuntimeError):
    """The store holds its maximum of sessions and every one has clients."""


class SessionStore:
    def __init__(self, settings: Settings, workers: Workers) -> None:
        self.settings = settings
        self.workers = workers
        self._sessions: dict[str, LiveSession] = {}
        self._codes: dict[str, str] = {}  # short class-link code -> session id

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, session_id: str) -> LiveSession:
        live = self._sessions.get(session_id)
        if live is None:
            raise UnknownSession(session_id)
        return live

    async def create(self, build: Callable[[], Session]) -> tuple[LiveSession, str]:
        """Build a core session in a worker thread and keep it: (session, control token).

        The token is returned once and kept only as a digest.  When full, the
        longest-idle session without clients makes room; if every session
        has clients, StoreFull.  ``build`` may raise InvalidValue, which
        leaves the store unchanged.
        """
        await self._make_room()  # fail fast, before the work
        session = await self.workers.run(build)
        await self._make_room()  # others may have filled it meanwhile
        token = new_token()
        live = LiveSession(secrets.token_urlsafe(16), token_digest(token), session, self.settings, self.workers)
        self._sessions[live.id] = live
        return live, token

    async def fork(self, source: LiveSession) -> tuple[LiveSession, str]:
        """A new session starting from ``source``'s current data, weights and settings."""
        async with source.lock:
            snapshot = await self.workers.run(source.session.copy)
        return await self.create(lambda: snapshot)

    def share_code(self, live: LiveSession) -> str:
        """A short code for a class link to ``live`` (the same code every time)."""
        for code, session_id in self._codes.items():
            if session_id == live.id:
                return code
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in self._codes:
                self._codes[code] = live.id
                return code

    def resolve_code(self, code: str) -> LiveSession:
        session_id = self._codes.get(code.upper())
        if session_id is None:
            raise UnknownSession(code)
        return self.get(session_id)

    async def delete(self, session_id: str) -> None:
        live = self._sessions.pop(session_id, None)
        if live is None:
            raise UnknownSession(session_id)
        await self._drop(live)

    async def _make_room(self) -> None:
        if len(self._sessions) < self.settings.max_sessions:
            return
        idle = [live for live in self._sessions.values() if not live.clients]
        if not idle:
            raise StoreFull(
                f"the server holds its maximum of {self.settings.max_sessions} sessions and all are in use; "
                "try again later"
            )
        victim = min(idle, key=lambda live: live.last_active)
        del self._sessions[victim.id]
        await self._drop(victim)

    async def sweep(self, now: float | None = None) -> int:
        """Drop sessions without clients that have been idle too long; returns how many."""
        now = time.monotonic() if now is None else now
        expired = [
            live
            for live in self._sessions.values()
            if not live.clients and now - live.last_active > self.settings.idle_seconds
        ]
        for live in expired:
            del self._sessions[live.id]
            await self._drop(live)
        return len(expired)

    async def _drop(self, live: LiveSession) -> None:
        for code in [code for code, session_id in self._codes.items() if session_id == live.id]:
            del self._codes[code]
        await live.close()

    async def run_sweeper(self) -> None:
        """Sweep forever (the app's lifespan runs this as a task)."""
        while True:
            await asyncio.sleep(self.settings.sweep_seconds)
            await self.sweep()

    async def close(self) -> None:
        for live in list(self._sessions.values()):
            await live.close()
        self._sessions.clear()
