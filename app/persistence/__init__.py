"""Where sessions outlive the process: one async interface (``Backend``) and
three stores behind it, chosen by the settings:

- Redis when PLAYGROUND_REDIS_URL is set (many processes share it; their
  leases and messages are app/cluster's);
- memory when PLAYGROUND_DATA_DIR is ``:memory:`` (tests; nothing is kept);
- otherwise SQLite in PLAYGROUND_DATA_DIR (the embedded default).

The app turns a session into a ``SessionRecord`` with core.snapshot and its
own section, and saves it; see docs/deploy.md for how the pieces fit.
"""

from __future__ import annotations

from app.persistence.base import Backend, Retention, StoreCannotOpen, StoreDamaged, StoreUnavailable, WriteResult
from app.persistence.memory import MemoryBackend
from app.persistence.record import RecordDamaged, RecordInfo, SessionRecord
from app.persistence.redis_store import RedisBackend
from app.persistence.sqlite import SQLiteBackend
from app.settings import Settings

__all__ = [
    "Backend",
    "MemoryBackend",
    "SQLiteBackend",
    "RedisBackend",
    "SessionRecord",
    "RecordInfo",
    "Retention",
    "WriteResult",
    "StoreUnavailable",
    "StoreDamaged",
    "StoreCannotOpen",
    "RecordDamaged",
    "open_backend",
    "retention",
    "MEMORY",
]

MEMORY = ":memory:"  # PLAYGROUND_DATA_DIR value for a store that keeps nothing


async def open_backend(settings: Settings, check: bool = True) -> Backend:
    """The store the settings ask for, ready to use; StoreCannotOpen if it cannot
    be used at all.  ``check``: SQLite's start-up checks (quick_check, the count)."""
    if settings.redis_url:
        return RedisBackend(settings.redis_url, settings.redis_prefix)
    if settings.data_dir == MEMORY:
        return MemoryBackend()
    return await SQLiteBackend(settings.data_dir).open(check)


def retention(settings: Settings) -> Retention:
    """The retention policy the settings describe."""
    return Retention(
        keep_seconds=settings.keep_days * 86400.0,
        max_sessions=settings.store_max_sessions,
        max_bytes=settings.store_max_bytes,
    )
