"""The one interface every store implements, and what they share: writing
only the parts that changed, and the retention policy.

A backend stores, per session: metadata (created, last active, token hash,
a revision number, the bytes held), named parts (app.persistence.record),
and at most one class code.  Subclasses implement the underscore methods;
callers use the public ones.
"""

from __future__ import annotations

import abc
import asyncio
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass

from app.persistence.health import StoreHealth
from app.persistence.record import (
    RecordDamaged,
    RecordInfo,
    SessionRecord,
    decode_parts,
    pack,
    part_digest,
    split_parts,
)

__all__ = [
    "Backend",
    "StoreUnavailable",
    "StoreDamaged",
    "StoreCannotOpen",
    "Retention",
    "WriteResult",
    "Meta",
    "RECENT_SECONDS",
    "PROBE_SECONDS",
]

log = logging.getLogger("playground.store")

RECENT_SECONDS = 3600.0  # sessions opened this recently are never dropped to make room
PROBE_SECONDS = 2.0  # while saves fail, a small test write is tried at most this often
_DIGEST_CACHE = 10_000  # sessions whose written parts a process remembers (oldest forgotten first)


class StoreUnavailable(RuntimeError):
    """The store cannot be reached now (Redis is down, the disk is full or locked).

    Catch it where a write or read is optional or can be retried: the
    session stays in memory and the next snapshot tries again.
    """


class StoreDamaged(StoreUnavailable):
    """What the store holds is damaged (SQLite: "database disk image is malformed").
    Reading a session's record this way sets the record aside (``quarantine``)."""


class StoreCannotOpen(RuntimeError):
    """The store cannot be opened at all (not a database, no permission, a newer
    schema): the server refuses to start, with this one line."""


@dataclass(frozen=True)
class Meta:
    """A record's metadata as the backends keep it."""

    token_hash: str
    created: float
    last_active: float


@dataclass(frozen=True)
class WriteResult:
    """What one save wrote: for the write-cost figures and the logs."""

    parts: int  # parts written
    bytes: int  # bytes of parts written
    full: bool  # every part (first write, or another writer came between)


@dataclass(frozen=True)
class Retention:
    """How long records are kept and how many the store holds."""

    keep_seconds: float  # a record not active for this long is deleted, shared or not
    max_sessions: int  # beyond it, the oldest unshared records not opened recently go first
    max_bytes: int  # the same, for the bytes held


class Backend(abc.ABC):
    """Session records, class codes and retention, behind one async interface."""

    def __init__(self, where: str) -> None:
        self.where = where  # for messages: "SQLite store data/sessions.sqlite3"
        self.health = StoreHealth(where)
        # session id -> (revision, {part: digest}) of this process's last write
        self._written: OrderedDict[str, tuple[int, dict[str, bytes]]] = OrderedDict()
        self._quarantined: dict[str, str] = {}  # session id -> why its record was set aside
        self._probed_at = -PROBE_SECONDS

    # -- records --------------------------------------------------------------

    async def save(self, record: SessionRecord) -> WriteResult:
        """Store ``record``, writing only the parts that changed since this
        process last wrote it, unless someone else wrote in between.
        StoreUnavailable if it could not (counted in ``health``)."""
        try:
            result = await self._save(record)
        except StoreUnavailable as error:
            self.health.failed("write", error)
            raise
        self.health.worked("write")
        return result

    async def _save(self, record: SessionRecord) -> WriteResult:
        meta = Meta(record.token_hash, record.created, record.last_active)
        known = self._written.get(record.id)
        old_digests = known[1] if known is not None else None
        # Encoding, hashing and compressing a record take a millisecond or so:
        # never on the event loop.
        raw, digests, written = await asyncio.to_thread(_encode, record, old_digests)
        revision = None
        full = False
        if known is not None:
            dropped = set(known[1]) - set(raw)
            revision = await self._write(record.id, meta, written, dropped, known[0])
        if revision is None:  # first write here, or the stored revision moved: write everything
            written = await asyncio.to_thread(lambda: {name: pack(body) for name, body in raw.items()})
            revision = await self._write(record.id, meta, written, None, None)
            full = True
            assert revision is not None  # a full write checks no revision
        self._remember(record.id, revision, digests)
        return WriteResult(len(written), sum(map(len, written.values())), full)

    async def load(self, session_id: str) -> SessionRecord | None:
        """The stored record, or None if there is none.  RecordDamaged if it is
        unreadable: it is then set aside (``quarantine``) and stays so."""
        self._check_quarantine(session_id)
        try:
            stored = await self._read(session_id)
        except StoreDamaged as error:
            await self.quarantine(session_id, str(error))
            raise RecordDamaged(f"session {session_id}: {error}") from None
        except StoreUnavailable as error:
            self.health.failed("read", error)
            raise
        self.health.worked("read")
        if stored is None:
            return None
        meta, parts = stored
        try:
            return decode_parts(session_id, parts, meta.token_hash, meta.created, meta.last_active)
        except RecordDamaged as error:
            await self.quarantine(session_id, str(error))
            raise

    async def exists(self, session_id: str) -> bool:
        """Whether a record is stored; RecordDamaged if it was set aside or cannot be read."""
        self._check_quarantine(session_id)
        try:
            meta = await self._meta(session_id)
        except StoreDamaged as error:
            await self.quarantine(session_id, str(error))
            raise RecordDamaged(f"session {session_id}: {error}") from None
        if meta is not None:
            return True
        reason = await self._quarantine_reason(session_id)  # set aside by an earlier run
        if reason is not None:
            self._quarantined[session_id] = reason
            self._check_quarantine(session_id)
        return False

    async def touch(self, session_id: str, last_active: float | None = None) -> bool:
        """Mark a record active (a client opened it); False if there is none."""
        try:
            touched = await self._touch(session_id, time.time() if last_active is None else last_active)
        except StoreUnavailable as error:
            self.health.failed("touch", error)
            raise
        self.health.worked("touch")
        return touched

    # -- damage ---------------------------------------------------------------------

    async def quarantine(self, session_id: str, reason: str) -> None:
        """Set a record that cannot be read aside: it answers as damaged from now on,
        is moved out of the live tables where the store still lets us, and is logged."""
        if session_id in self._quarantined:
            return
        reason = reason.removeprefix(f"session {session_id}: ").removeprefix(f"{self.where}: ")
        self._quarantined[session_id] = reason
        self._written.pop(session_id, None)
        moved = True
        try:
            await self._quarantine(session_id, reason)
        except StoreUnavailable:
            moved = False  # the damage may keep us from moving it: it is refused here all the same
        log.error(
            "%s: session %s cannot be read (%s); its record is set aside%s",
            self.where,
            session_id,
            reason,
            "" if moved else " (in memory only: the store would not move it)",
        )
        self.health.damaged(f"{len(self._quarantined)} stored session(s) could not be read and were set aside")

    def _check_quarantine(self, session_id: str) -> None:
        reason = self._quarantined.get(session_id)
        if reason is not None:
            raise RecordDamaged(f"session {session_id}: its stored record is damaged and was set aside ({reason})")

    async def probe(self) -> None:
        """While saves fail: a small write, at most every PROBE_SECONDS, to learn whether
        the store takes writes again.  StoreUnavailable while it does not."""
        if not self.health.cannot_write:
            return
        now = time.monotonic()
        if now - self._probed_at < PROBE_SECONDS:
            raise StoreUnavailable(f"{self.where} cannot save sessions now: {self.health.reason}")
        self._probed_at = now
        try:
            await self._probe()
        except StoreUnavailable as error:
            self.health.failed("probe", error)
            raise
        self.health.worked("probe")
        self.health.worked("write")  # it takes writes again: the next save says otherwise if not

    async def delete(self, session_id: str) -> bool:
        """Delete a record and its class code; False if there was none."""
        self._written.pop(session_id, None)
        return await self._delete(session_id)

    # -- class codes ------------------------------------------------------------

    async def claim_code(self, code: str, session_id: str) -> str | None:
        """Give ``session_id`` the class code ``code`` unless it has one.

        Returns the session's code (its existing one, or ``code``), or None
        when another session holds ``code`` (draw another and retry).
        """
        return await self._claim_code(code, session_id)

    async def resolve_code(self, code: str) -> str | None:
        """The session id behind a class code, or None."""
        return await self._resolve_code(code)

    async def code_of(self, session_id: str) -> str | None:
        """The session's class code, or None if it has not been shared."""
        return await self._code_of(session_id)

    # -- retention ------------------------------------------------------------------

    async def prune(self, retention: Retention, now: float | None = None) -> list[str]:
        """Apply the retention policy; returns the ids deleted.

        First every record inactive for longer than ``keep_seconds``; then,
        while the store holds more than its caps, the least recently active
        records that are neither shared nor opened in the last hour.
        """
        now = time.time() if now is None else now
        infos = sorted(await self.records(), key=lambda info: info.last_active)
        doomed = [info for info in infos if now - info.last_active > retention.keep_seconds]
        kept = [info for info in infos if now - info.last_active <= retention.keep_seconds]
        count, size = len(kept), sum(info.size for info in kept)
        for info in kept:
            if count <= retention.max_sessions and size <= retention.max_bytes:
                break
            if info.shared or now - info.last_active < RECENT_SECONDS:
                continue
            doomed.append(info)
            count, size = count - 1, size - info.size
        deleted = []
        for info in doomed:
            if await self.delete(info.id):
                deleted.append(info.id)
        return deleted

    async def count(self) -> int:
        """How many sessions are stored (for /metrics, read at most every 30 s)."""
        return len(await self.records())

    @abc.abstractmethod
    async def records(self) -> list[RecordInfo]:
        """Every stored record's metadata (for retention and the figures)."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Release connections and threads."""

    # -- what a backend implements ------------------------------------------------------

    @abc.abstractmethod
    async def _write(
        self, session_id: str, meta: Meta, parts: dict[str, bytes], dropped: set[str] | None, revision: int | None
    ) -> int | None:
        """Store ``meta`` and ``parts`` atomically and return the new revision.

        With ``revision`` None: replace every part (a full write).  Otherwise
        only if the stored revision is still ``revision`` (else return None
        and write nothing): set ``parts`` and remove the ``dropped`` ones.
        """

    @abc.abstractmethod
    async def _read(self, session_id: str) -> tuple[Meta, dict[str, bytes]] | None: ...

    @abc.abstractmethod
    async def _meta(self, session_id: str) -> Meta | None: ...

    @abc.abstractmethod
    async def _touch(self, session_id: str, last_active: float) -> bool: ...

    @abc.abstractmethod
    async def _delete(self, session_id: str) -> bool: ...

    @abc.abstractmethod
    async def _claim_code(self, code: str, session_id: str) -> str | None: ...

    @abc.abstractmethod
    async def _resolve_code(self, code: str) -> str | None: ...

    @abc.abstractmethod
    async def _code_of(self, session_id: str) -> str | None: ...

    @abc.abstractmethod
    async def _quarantine(self, session_id: str, reason: str) -> None:
        """Move a record out of the live ones, keeping what can still be read of it."""

    @abc.abstractmethod
    async def _quarantine_reason(self, session_id: str) -> str | None:
        """Why an earlier run set this record aside, or None."""

    @abc.abstractmethod
    async def _probe(self) -> None:
        """A small write that fails as a session's save would (disk full, Redis away)."""

    def _remember(self, session_id: str, revision: int, digests: dict[str, bytes]) -> None:
        self._written[session_id] = (revision, digests)
        self._written.move_to_end(session_id)
        while len(self._written) > _DIGEST_CACHE:
            self._written.popitem(last=False)


def _encode(
    record: SessionRecord, old_digests: dict[str, bytes] | None
) -> tuple[dict[str, bytes], dict[str, bytes], dict[str, bytes]]:
    """The record's parts, their digests, and the packed parts that differ from ``old_digests``."""
    raw = split_parts(record)
    digests = {name: part_digest(body) for name, body in raw.items()}
    changed = raw if old_digests is None else {n: b for n, b in raw.items() if old_digests.get(n) != digests[n]}
    return raw, digests, {name: pack(body) for name, body in changed.items()}
