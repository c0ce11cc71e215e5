"""The embedded default store: one SQLite file in PLAYGROUND_DATA_DIR.

The standard library's sqlite3 runs in one thread of its own (a connection
belongs to the thread that made it, and the event loop must never wait on
the disk).  WAL mode with synchronous=NORMAL, SQLite's advice for WAL: a
committed write survives the process being killed; a power cut may roll
back the last commits before a checkpoint, and the file stays consistent
(FULL would fsync the log on every commit: every save of every playing
session).  Readers never block the writer.

At start the file is checked (``PRAGMA quick_check``): what it finds is
logged and said by /healthz, and a record that cannot be read is set aside
(table ``quarantine``) when it is asked for.  A file that is not a
database refuses to start (StoreCannotOpen).  A sidecar,
``sessions.sqlite3.count``, holds how many sessions the store held when the
last run stopped: an empty store where it says more is warned of (a
truncated or replaced file would otherwise start silently empty).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import orjson

from app.persistence.base import Backend, Meta, StoreCannotOpen, StoreDamaged, StoreUnavailable
from app.persistence.record import RecordInfo

__all__ = ["SQLiteBackend", "FILENAME"]

log = logging.getLogger("playground.store")

FILENAME = "sessions.sqlite3"
COUNT_SUFFIX = ".count"  # the sidecar: sessions held when the last run stopped
SCHEMA_VERSION = 1
QUICK_CHECK_LINES = 5  # problems quick_check reports at most (the first say where)
T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL,
    created REAL NOT NULL,
    last_active REAL NOT NULL,
    revision INTEGER NOT NULL,
    size INTEGER NOT NULL          -- bytes of its parts
);
CREATE INDEX IF NOT EXISTS sessions_by_activity ON sessions (last_active);
CREATE TABLE IF NOT EXISTS parts (
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (session_id, name)
);
CREATE TABLE IF NOT EXISTS codes (
    code TEXT PRIMARY KEY,
    session_id TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS quarantine (
    id TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    at REAL NOT NULL,
    record BLOB                    -- what could still be read: {"meta": [...], "parts": {name: base64}}, or NULL
);
CREATE TABLE IF NOT EXISTS probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at REAL NOT NULL
);
"""


class SQLiteBackend(Backend):
    def __init__(self, directory: str | Path) -> None:
        self.path = Path(directory) / FILENAME
        super().__init__(f"SQLite store {self.path}")
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-store")
        self._db: sqlite3.Connection | None = None

    async def open(self, check: bool = True) -> SQLiteBackend:
        """Create the directory, the file and the tables if needed; with ``check``,
        run quick_check and compare the sessions held with the last run's count.
        StoreCannotOpen if the file cannot be used at all."""
        try:
            await asyncio.get_running_loop().run_in_executor(self._thread, self._open)
            if check:
                await asyncio.get_running_loop().run_in_executor(self._thread, self._check)
        except (sqlite3.DatabaseError, OSError) as error:
            await self.close(record=False)
            raise StoreCannotOpen(
                f"{self.where} cannot be opened: {error}; move it aside to start with an "
                "empty store, or put back a copy from a backup"
            ) from None
        return self

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, isolation_level=None, timeout=5.0)  # autocommit; explicit transactions
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")  # see the module's docstring
            db.execute("PRAGMA foreign_keys = ON")
            (version,) = db.execute("PRAGMA user_version").fetchone()
            if version > SCHEMA_VERSION:
                raise StoreCannotOpen(f"{self.path} was written by a newer Playground (schema {version})")
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            db.close()
            raise
        self._db = db

    def _check(self) -> None:
        """quick_check, and the sessions held against the sidecar's count."""
        db = self.db
        problems = [str(row[0]) for row in db.execute(f"PRAGMA quick_check({QUICK_CHECK_LINES})").fetchall()]
        if problems != ["ok"]:
            log.error(
                "%s: quick_check found damage (%s); sessions that cannot be read answer 410 and are set "
                "aside; `sqlite3 %s .recover` salvages what can be read",
                self.where,
                "; ".join(problems),
                self.path,
            )
            self.health.damaged(f"quick_check found damage: {problems[0]}")
        (held,) = db.execute("SELECT COUNT(*) FROM sessions").fetchone()
        recorded = self._recorded_count()
        if held == 0 and recorded:
            log.warning(
                "%s holds no sessions, but held %d when the last run stopped: was the file replaced or "
                "truncated? (a backup of it, if any, holds them)",
                self.where,
                recorded,
            )

    def _recorded_count(self) -> int:
        sidecar = self.path.with_name(self.path.name + COUNT_SUFFIX)
        try:
            return int(orjson.loads(sidecar.read_bytes())["sessions"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0

    def _record_count(self) -> None:
        """The sidecar: sessions held now (at a clean stop)."""
        (held,) = self.db.execute("SELECT COUNT(*) FROM sessions").fetchone()
        sidecar = self.path.with_name(self.path.name + COUNT_SUFFIX)
        partial = sidecar.with_name(sidecar.name + ".partial")
        partial.write_bytes(orjson.dumps({"sessions": held, "at": time.time()}))
        partial.replace(sidecar)

    async def _run(self, work: Callable[[], T]) -> T:
        try:
            return await asyncio.get_running_loop().run_in_executor(self._thread, work)
        except sqlite3.OperationalError as error:  # locked by another process past the timeout, disk full, I/O
            raise StoreUnavailable(f"{self.where}: {error}") from error
        except sqlite3.DatabaseError as error:
            if type(error) is not sqlite3.DatabaseError:  # IntegrityError and the like: a bug of ours
                raise
            raise StoreDamaged(f"{self.where}: {error}") from error  # "database disk image is malformed"

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise StoreUnavailable(f"SQLite store {self.path} is not open")
        return self._db

    async def close(self, record: bool = True) -> None:
        """Close the file; ``record``: write the sidecar's count first (a clean stop)."""

        def close() -> None:
            if self._db is not None:
                try:
                    if record:
                        self._record_count()
                except (sqlite3.Error, OSError) as error:
                    log.warning("%s: the count of sessions held was not recorded: %s", self.where, error)
                self._db.close()
                self._db = None

        await asyncio.get_running_loop().run_in_executor(self._thread, close)
        self._thread.shutdown(wait=True)

    # -- the interface ----------------------------------------------------------------

    async def records(self) -> list[RecordInfo]:
        def query() -> list[RecordInfo]:
            rows = self.db.execute(
                "SELECT s.id, s.created, s.last_active, c.code IS NOT NULL, s.size "
                "FROM sessions s LEFT JOIN codes c ON c.session_id = s.id"
            ).fetchall()
            return [RecordInfo(i, created, active, bool(shared), size) for i, created, active, shared, size in rows]

        return await self._run(query)

    async def _write(
        self, session_id: str, meta: Meta, parts: dict[str, bytes], dropped: set[str] | None, revision: int | None
    ) -> int | None:
        def write() -> int | None:
            db = self.db
            with _transaction(db):
                row = db.execute("SELECT revision FROM sessions WHERE id = ?", (session_id,)).fetchone()
                stored = row[0] if row is not None else 0
                if revision is not None and (row is None or stored != revision):
                    return None
                if revision is None:
                    db.execute("DELETE FROM parts WHERE session_id = ?", (session_id,))
                db.execute(
                    "INSERT INTO sessions (id, token_hash, created, last_active, revision, size) "
                    "VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (id) DO UPDATE SET token_hash = excluded.token_hash, "
                    "created = excluded.created, last_active = excluded.last_active, revision = excluded.revision",
                    (session_id, meta.token_hash, meta.created, meta.last_active, stored + 1),
                )
                db.executemany(
                    "DELETE FROM parts WHERE session_id = ? AND name = ?", [(session_id, n) for n in dropped or ()]
                )
                db.executemany(
                    "INSERT OR REPLACE INTO parts (session_id, name, body) VALUES (?, ?, ?)",
                    [(session_id, name, body) for name, body in parts.items()],
                )
                db.execute(
                    "UPDATE sessions SET size = (SELECT COALESCE(SUM(LENGTH(body)), 0) FROM parts "
                    "WHERE session_id = ?) WHERE id = ?",
                    (session_id, session_id),
                )
                return int(stored + 1)

        return await self._run(write)

    async def _read(self, session_id: str) -> tuple[Meta, dict[str, bytes]] | None:
        def read() -> tuple[Meta, dict[str, bytes]] | None:
            db = self.db
            with _transaction(db, write=False):  # one consistent view of the metadata and the parts
                meta = _meta(db, session_id)
                if meta is None:
                    return None
                rows = db.execute("SELECT name, body FROM parts WHERE session_id = ?", (session_id,)).fetchall()
            return meta, {name: bytes(body) for name, body in rows}

        return await self._run(read)

    async def _meta(self, session_id: str) -> Meta | None:
        return await self._run(lambda: _meta(self.db, session_id))

    async def _touch(self, session_id: str, last_active: float) -> bool:
        def touch() -> bool:
            cursor = self.db.execute(
                "UPDATE sessions SET last_active = MAX(last_active, ?) WHERE id = ?", (last_active, session_id)
            )
            return cursor.rowcount > 0

        return await self._run(touch)

    async def _delete(self, session_id: str) -> bool:
        def delete() -> bool:
            db = self.db
            with _transaction(db):
                db.execute("DELETE FROM codes WHERE session_id = ?", (session_id,))
                return db.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount > 0

        return await self._run(delete)

    async def _claim_code(self, code: str, session_id: str) -> str | None:
        def claim() -> str | None:
            db = self.db
            with _transaction(db):
                row = db.execute("SELECT code FROM codes WHERE session_id = ?", (session_id,)).fetchone()
                if row is not None:
                    return str(row[0])
                inserted = db.execute(
                    "INSERT OR IGNORE INTO codes (code, session_id) VALUES (?, ?)", (code, session_id)
                ).rowcount
                return code if inserted else None

        return await self._run(claim)

    async def _resolve_code(self, code: str) -> str | None:
        def resolve() -> str | None:
            row = self.db.execute("SELECT session_id FROM codes WHERE code = ?", (code,)).fetchone()
            return None if row is None else str(row[0])

        return await self._run(resolve)

    async def _code_of(self, session_id: str) -> str | None:
        def code_of() -> str | None:
            row = self.db.execute("SELECT code FROM codes WHERE session_id = ?", (session_id,)).fetchone()
            return None if row is None else str(row[0])

        return await self._run(code_of)

    async def _quarantine(self, session_id: str, reason: str) -> None:
        def move() -> None:
            db = self.db
            try:  # what can still be read of it
                meta = db.execute(
                    "SELECT token_hash, created, last_active FROM sessions WHERE id = ?", (session_id,)
                ).fetchone()
                parts = db.execute("SELECT name, body FROM parts WHERE session_id = ?", (session_id,)).fetchall()
                record: bytes | None = orjson.dumps(
                    {"meta": meta, "parts": {name: base64.b64encode(body).decode() for name, body in parts}}
                )
            except sqlite3.DatabaseError:
                record = None
            with _transaction(db):
                db.execute(
                    "INSERT OR REPLACE INTO quarantine (id, reason, at, record) VALUES (?, ?, ?, ?)",
                    (session_id, reason, time.time(), record),
                )
                try:
                    db.execute("DELETE FROM codes WHERE session_id = ?", (session_id,))
                    db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
                except sqlite3.DatabaseError as error:
                    log.warning(
                        "%s: session %s: its damaged rows stay where they are: %s", self.where, session_id, error
                    )

        await self._run(move)

    async def _quarantine_reason(self, session_id: str) -> str | None:
        def reason() -> str | None:
            row = self.db.execute("SELECT reason FROM quarantine WHERE id = ?", (session_id,)).fetchone()
            return None if row is None else str(row[0])

        return await self._run(reason)

    async def _probe(self) -> None:
        await self._run(lambda: self.db.execute("INSERT OR REPLACE INTO probe (id, at) VALUES (1, ?)", (time.time(),)))


def _meta(db: sqlite3.Connection, session_id: str) -> Meta | None:
    row = db.execute("SELECT token_hash, created, last_active FROM sessions WHERE id = ?", (session_id,)).fetchone()
    return None if row is None else Meta(row[0], row[1], row[2])


class _transaction:
    """BEGIN ... COMMIT (or ROLLBACK on an error).  A writing transaction takes
    the write lock up front (IMMEDIATE), so two processes sharing the file
    never deadlock upgrading a read lock."""

    def __init__(self, db: sqlite3.Connection, write: bool = True) -> None:
        self.db = db
        self.begin = "BEGIN IMMEDIATE" if write else "BEGIN"

    def __enter__(self) -> None:
        self.db.execute(self.begin)

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        self.db.execute("ROLLBACK" if kind is not None else "COMMIT")
