"""Who runs a session: this process alone, or one process of many at a time.

The store (app/sessions/store.py) asks an ``Ownership`` before it loads a session
and tells it when it lets one go.  A single process owns everything
(``SoleOwner``); with Redis, ``app.cluster.ClusterOwnership`` holds one
lease per session and carries requests to the process that owns it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from app.sessions.live import LiveSession

__all__ = ["Ownership", "SoleOwner", "OwnedElsewhere"]


class OwnedElsewhere(LookupError):
    """Another process runs this session now: forward to it (app.cluster), or
    retry once its lease lapses (``owner`` None: it was just let go)."""

    def __init__(self, session_id: str, owner: str | None) -> None:
        super().__init__(session_id)
        self.session_id = session_id
        self.owner = owner


class Ownership(Protocol):
    async def acquire(self, session_id: str) -> bool:
        """Become the session's owner; False if another process is."""

    async def owner(self, session_id: str) -> str | None:
        """The owning process, or None."""

    async def adopt(self, live: LiveSession) -> None:
        """``live`` is now held here (after ``acquire`` and a load or a creation)."""

    async def release(self, session_id: str) -> None:
        """Let the session go (unloaded or deleted here; it was saved first)."""

    async def exclusive(self, name: str, seconds: float) -> bool:
        """True for one process only in every ``seconds`` (chores such as pruning)."""


class SoleOwner:
    """One process: it owns every session, always."""

    async def acquire(self, session_id: str) -> bool:
        return True

    async def owner(self, session_id: str) -> str | None:
        return None

    async def adopt(self, live: LiveSession) -> None:
        """Nothing to announce: nobody else could ask."""

    async def release(self, session_id: str) -> None:
        """Nothing to give up."""

    async def exclusive(self, name: str, seconds: float) -> bool:
        return True
