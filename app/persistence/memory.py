"""The store in this process's memory: for tests, and for a server that keeps
nothing across restarts (PLAYGROUND_DATA_DIR=:memory:)."""

from __future__ import annotations

from dataclasses import replace

from app.persistence.base import Backend, Meta
from app.persistence.record import RecordInfo

__all__ = ["MemoryBackend"]


class MemoryBackend(Backend):
    def __init__(self) -> None:
        super().__init__("memory store")
        self._set_aside: dict[str, tuple[str, tuple[Meta, int, dict[str, bytes]] | None]] = {}
        self._records: dict[str, tuple[Meta, int, dict[str, bytes]]] = {}  # id -> (meta, revision, parts)
        self._codes: dict[str, str] = {}  # code -> session id
        self._session_codes: dict[str, str] = {}  # session id -> code

    async def records(self) -> list[RecordInfo]:
        return [
            RecordInfo(
                session_id,
                meta.created,
                meta.last_active,
                session_id in self._session_codes,
                sum(map(len, parts.values())),
            )
            for session_id, (meta, _, parts) in self._records.items()
        ]

    async def close(self) -> None:
        """Nothing to release: the records go when the process does."""

    async def _write(
        self, session_id: str, meta: Meta, parts: dict[str, bytes], dropped: set[str] | None, revision: int | None
    ) -> int | None:
        stored = self._records.get(session_id)
        stored_revision = stored[1] if stored is not None else 0
        if revision is not None:
            if stored is None or stored_revision != revision:
                return None
            merged = {name: body for name, body in stored[2].items() if name not in (dropped or set())}
            merged.update(parts)
        else:
            merged = dict(parts)
        self._records[session_id] = (meta, stored_revision + 1, merged)
        return stored_revision + 1

    async def _read(self, session_id: str) -> tuple[Meta, dict[str, bytes]] | None:
        stored = self._records.get(session_id)
        return None if stored is None else (stored[0], dict(stored[2]))

    async def _meta(self, session_id: str) -> Meta | None:
        stored = self._records.get(session_id)
        return None if stored is None else stored[0]

    async def _touch(self, session_id: str, last_active: float) -> bool:
        stored = self._records.get(session_id)
        if stored is None:
            return False
        meta, revision, parts = stored
        self._records[session_id] = (replace(meta, last_active=max(meta.last_active, last_active)), revision, parts)
        return True

    async def _delete(self, session_id: str) -> bool:
        await self._delete_code(session_id)
        return self._records.pop(session_id, None) is not None

    async def _claim_code(self, code: str, session_id: str) -> str | None:
        existing = self._session_codes.get(session_id)
        if existing is not None:
            return existing
        if code in self._codes:
            return None
        self._codes[code] = session_id
        self._session_codes[session_id] = code
        return code

    async def _resolve_code(self, code: str) -> str | None:
        return self._codes.get(code)

    async def _code_of(self, session_id: str) -> str | None:
        return self._session_codes.get(session_id)

    async def _quarantine(self, session_id: str, reason: str) -> None:
        await self._delete_code(session_id)
        self._set_aside[session_id] = (reason, self._records.pop(session_id, None))

    async def _quarantine_reason(self, session_id: str) -> str | None:
        aside = self._set_aside.get(session_id)
        return None if aside is None else aside[0]

    async def _probe(self) -> None:
        """Memory always takes a write."""

    async def _delete_code(self, session_id: str) -> None:
        code = self._session_codes.pop(session_id, None)
        if code is not None:
            del self._codes[code]
