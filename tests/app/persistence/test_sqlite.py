"""The SQLite store: a file that outlives the process, even one killed outright."""

from __future__ import annotations

import dataclasses
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import orjson
import pytest

from app.auth import token_digest
from app.persistence import SQLiteBackend, open_backend
from app.persistence.sqlite import FILENAME
from app.settings import Settings
from core.snapshot import from_document
from tests.app.persistence.conftest import record_of, run, trained

ROOT = Path(__file__).resolve().parents[3]


def test_sqlite_store_creates_its_folder_in_wal_mode(tmp_path: Path) -> None:
    folder = tmp_path / "nested" / "data"

    async def scenario() -> None:
        backend = await open_backend(Settings(data_dir=str(folder)))
        assert isinstance(backend, SQLiteBackend)
        await backend.save(record_of(trained(0), "w"))
        await backend.close()

    run(scenario())
    with sqlite3.connect(folder / FILENAME) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("SELECT id FROM sessions").fetchall() == [("w",)]


def test_sqlite_store_is_read_back_by_a_new_process(tmp_path: Path) -> None:
    session = trained(30)

    async def write() -> None:
        backend = await SQLiteBackend(tmp_path).open()
        await backend.save(record_of(session, "again"))
        await backend.claim_code("CLASS2", "again")
        await backend.close()

    run(write())

    async def read() -> None:  # a fresh instance, as after a restart
        backend = await SQLiteBackend(tmp_path).open()
        loaded = await backend.load("again")
        assert await backend.resolve_code("CLASS2") == "again"
        await backend.close()
        assert loaded is not None
        assert np.array_equal(from_document(loaded.document).network.w, session.network.w)

    run(read())


def test_sqlite_store_keeps_writes_of_a_process_killed_outright(tmp_path: Path) -> None:
    # A child process saves two snapshots, then kills itself with SIGKILL (no
    # clean-up, no close): the committed writes must be there, the last one last.
    session = trained(10)
    first = record_of(session, "killed")
    session.step(5)
    second = record_of(session, "killed")
    records = orjson.dumps([dataclasses.asdict(first), dataclasses.asdict(second)])
    script = textwrap.dedent(
        f"""
        import asyncio, os, signal, sys
        import orjson
        from app.persistence import SessionRecord, SQLiteBackend

        async def main():
            backend = await SQLiteBackend({str(tmp_path)!r}).open()
            for fields in orjson.loads(sys.stdin.buffer.read()):
                await backend.save(SessionRecord(**fields))
            os.kill(os.getpid(), signal.SIGKILL)

        asyncio.run(main())
        """
    )
    child = subprocess.run([sys.executable, "-c", script], cwd=ROOT, input=records, capture_output=True, timeout=60)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()

    async def read() -> None:
        backend = await SQLiteBackend(tmp_path).open()
        loaded = await backend.load("killed")
        await backend.close()
        assert loaded is not None
        restored = from_document(loaded.document)
        assert restored.epoch == 15
        assert np.array_equal(restored.network.w, session.network.w)

    run(read())


def test_sqlite_store_refuses_a_newer_schema(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / FILENAME) as db:
        db.execute("PRAGMA user_version = 99")

    backend = SQLiteBackend(tmp_path)
    with pytest.raises(RuntimeError, match="newer Playground"):
        run(backend.open())
    run(backend.close())


def test_open_backend_follows_the_settings(tmp_path: Path) -> None:
    from app.persistence import MemoryBackend, RedisBackend

    async def scenario() -> None:
        memory = await open_backend(Settings(data_dir=":memory:"))
        redis = await open_backend(Settings(redis_url="redis://127.0.0.1:1/0", data_dir=str(tmp_path)))
        assert isinstance(memory, MemoryBackend) and isinstance(redis, RedisBackend)
        await memory.close()
        await redis.close()

    run(scenario())
    assert not (tmp_path / FILENAME).exists()  # Redis was chosen: no SQLite file


def test_sqlite_store_file_holds_the_token_digest_not_the_token(tmp_path: Path) -> None:
    token = "control-token-that-must-not-leak"

    async def write() -> None:
        backend = await SQLiteBackend(tmp_path).open()
        await backend.save(record_of(trained(0), "t", token=token))
        await backend.close()

    run(write())
    stored = b"".join(path.read_bytes() for path in tmp_path.iterdir())
    assert token.encode() not in stored
    assert token_digest(token).encode() in stored
