"""The app's sessions, held in memory, with the limits of app.settings."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable

from app.closecodes import CloseCode
from app.live import LiveSession
from app.player import Player
from app.scheduler import Scheduler
from app.settings import Settings
from app.tokens import new_token, token_digest
from core.session import Session

__all__ = ["SessionStore", "StoreFull", "TooManySessions", "UnknownSession"]

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread from a projector
CODE_LENGTH = 6  # 32^6 ≈ 10^9 codes; lookups are rate-limited per client


class UnknownSession(LookupError):
    """No session has this id (never created, deleted, or expired)."""


class StoreFull(RuntimeError):
    """The store holds its maximum of sessions and none may be evicted to make room."""


class TooManySessions(RuntimeError):
    """This client already holds its maximum of live sessions."""


class SessionStore:
    def __init__(self, settings: Settings, scheduler: Scheduler, player: Player) -> None:
        self.settings = settings
        self.scheduler = scheduler
        self.player = player
        self._sessions: dict[str, LiveSession] = {}
        self._codes: dict[str, str] = {}  # short class-link code -> session id

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, session_id: str) -> LiveSession:
        live = self._sessions.get(session_id)
        if live is None:
            raise UnknownSession(session_id)
        return live

    def owned_by(self, owner: str) -> int:
        return sum(1 for live in self._sessions.values() if live.owner == owner)

    async def create(self, build: Callable[[], Session], owner: str) -> tuple[LiveSession, str]:
        """Build a core session in a worker and keep it: (session, control token).

        The token is returned once and kept only as a digest.  ``owner`` is
        the creating client's key.  When full, the longest-idle evictable
        session makes room (see ``_make_room``), else StoreFull; a client
        over its own limit gets TooManySessions.  ``build`` may raise
        InvalidValue, which leaves the store unchanged.
        """
        self._check_owner(owner)
        self._make_room()  # fail fast, before the work
        session = await self.scheduler.run(build, client=owner)
        self._check_owner(owner)  # the same client may have raced us meanwhile
        self._make_room()  # others may have filled it meanwhile
        token = new_token()
        live = LiveSession(
            secrets.token_urlsafe(16), token_digest(token), session, self.settings, self.scheduler, self.player, owner
        )
        self._sessions[live.id] = live
        return live, token

    async def fork(self, source: LiveSession, owner: str) -> tuple[LiveSession, str]:
        """A new session starting from ``source``'s current data, weights and settings."""
        snapshot = await source.reading_copy(owner)
        return await self.create(lambda: snapshot, owner)

    def _check_owner(self, owner: str) -> None:
        limit = self.settings.sessions_per_client
        if self.settings.client_limits and self.owned_by(owner) >= limit:
            raise TooManySessions(
                f"this client already holds {limit} sessions; delete one (DELETE /api/sessions/{{id}}) "
                "or wait until an idle one expires"
            )

    def share_code(self, live: LiveSession) -> str:
        """A short code for a class link to ``live`` (the same code every time)."""
        for code, session_id in self._codes.items():
            if session_id == live.id:
                return code
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in self._codes:
                self._codes[code] = live.id
                live.shared = True
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
        self._drop(live, "session deleted")

    def evictable(self, live: LiveSession, now: float) -> bool:
        """May ``live`` make room for a new session?  Never if someone is connected, it
        has a class link, or it was used within ``protect_seconds`` (an hour)."""
        return not live.clients and not live.shared and now - live.last_active > self.settings.protect_seconds

    def _make_room(self) -> None:
        if len(self._sessions) < self.settings.max_sessions:
            return
        now = time.monotonic()
        candidates = [live for live in self._sessions.values() if self.evictable(live, now)]
        if not candidates:
            raise StoreFull(
                f"the server holds its maximum of {self.settings.max_sessions} sessions and all are in use; "
                "try again later"
            )
        victim = min(candidates, key=lambda live: live.last_active)
        del self._sessions[victim.id]
        self._drop(victim, "session evicted")

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
            self._drop(live, "session expired")
        return len(expired)

    def _drop(self, live: LiveSession, reason: str) -> None:
        for code in [code for code, session_id in self._codes.items() if session_id == live.id]:
            del self._codes[code]
        live.close(CloseCode.SESSION_CLOSED, reason)

    async def run_sweeper(self) -> None:
        """Sweep forever (the app's lifespan runs this as a task)."""
        while True:
            await asyncio.sleep(self.settings.sweep_seconds)
            await self.sweep()

    async def close(self) -> None:
        for live in list(self._sessions.values()):
            live.close(CloseCode.SERVER_RESTART, "server shutting down")
        self._sessions.clear()
