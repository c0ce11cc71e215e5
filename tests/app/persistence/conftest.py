from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from app.auth import token_digest
from app.persistence import Backend, MemoryBackend, RedisBackend, SessionRecord, SQLiteBackend
from core.config import PlaygroundConfig
from core.session import Session
from core.snapshot import to_document
from tests.services import RedisServer

T = TypeVar("T")
MakeBackend = Callable[[], Awaitable[Backend]]
_prefixes = itertools.count()


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run, in a thread of its own when this one already runs a loop
    (Playwright's sync API keeps one running once a browser test has run)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One real redis-server for the tests that do not stop it (each uses its own key prefix)."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


def unique_prefix() -> str:
    return f"test{next(_prefixes)}-{time.monotonic_ns()}:"


def backend_factory(kind: str, request: pytest.FixtureRequest, directory: Path) -> MakeBackend:
    """A function that opens a backend of ``kind`` inside the test's event loop
    (a Redis client belongs to the loop that made it); every call opens a new
    instance on the same underlying store, like a second process would."""
    if kind == "redis":
        url, prefix = request.getfixturevalue("redis_server").url, unique_prefix()
    memory = MemoryBackend()

    async def make() -> Backend:
        if kind == "memory":
            return memory
        if kind == "sqlite":
            return await SQLiteBackend(directory).open()
        return RedisBackend(url, prefix)

    return make


@pytest.fixture(params=["memory", "sqlite", "redis"])
def make_backend(request: pytest.FixtureRequest, tmp_path: Path) -> MakeBackend:
    return backend_factory(request.param, request, tmp_path)


@pytest.fixture(params=["sqlite", "redis"])
def make_shared_backend(request: pytest.FixtureRequest, tmp_path: Path) -> MakeBackend:
    """Stores that several processes can open at once."""
    return backend_factory(request.param, request, tmp_path)


def record_of(session: Session, session_id: str = "s1", token: str = "secret-token", **meta: Any) -> SessionRecord:
    now = time.time()
    return SessionRecord(
        id=session_id,
        document=to_document(session),
        app={"selection": None, "speed": 1},
        token_hash=token_digest(token),
        created=meta.get("created", now),
        last_active=meta.get("last_active", now),
    )


def trained(epochs: int = 20, **config: Any) -> Session:
    session = Session(PlaygroundConfig(seed="store", batchSize=7, **config))
    if epochs:
        session.step(epochs)
    return session
