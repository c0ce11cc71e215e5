"""Redis only: ownership leases, pub/sub between processes, and riding out a
Redis restart (a real redis-server stopped and started on the same port)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest

from app.cluster.bus import COMMANDS, FRAMES, Bus, Message, Subscription
from app.cluster.leases import Leases
from app.persistence import RedisBackend, StoreUnavailable
from app.persistence.redis_client import connect
from core.snapshot import from_document
from tests.app.persistence.conftest import record_of, run, trained, unique_prefix
from tests.services import RedisServer


async def _next(messages: AsyncIterator[Message], timeout: float = 5.0) -> Message:
    return await asyncio.wait_for(anext(messages), timeout)


def test_lease_is_held_by_one_owner_at_a_time(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        client = connect(redis_server.url)
        leases = Leases(client, redis_server.url, unique_prefix())
        try:
            assert await leases.acquire("s", "process-a", 5000)
            assert not await leases.acquire("s", "process-b", 5000)
            assert await leases.owner("s") == "process-a"
            assert await leases.renew("s", "process-a", 5000)
            assert not await leases.renew("s", "process-b", 5000)  # not the owner: no extension
            assert not await leases.release("s", "process-b")  # nor a release
            assert await leases.owner("s") == "process-a"
            assert await leases.release("s", "process-a")
            assert await leases.owner("s") is None
            assert await leases.acquire("s", "process-b", 5000)
        finally:
            await client.aclose()

    run(scenario())


def test_lease_of_a_silent_owner_expires(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        client = connect(redis_server.url)
        leases = Leases(client, redis_server.url, unique_prefix())
        try:
            assert await leases.acquire("s", "dead-process", 150)
            await asyncio.sleep(0.3)  # it never renews
            assert await leases.owner("s") is None
            assert not await leases.renew("s", "dead-process", 150)  # too late: it must not come back
            assert await leases.acquire("s", "survivor", 150)
            for _ in range(3):  # a live owner renewing keeps it past several ttls
                await asyncio.sleep(0.08)
                assert await leases.renew("s", "survivor", 150)
            assert await leases.owner("s") == "survivor"
        finally:
            await client.aclose()

    run(scenario())


def test_bus_delivers_frames_and_commands_per_session(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        publisher_client, listener_client = connect(redis_server.url), connect(redis_server.url)
        prefix = unique_prefix()
        publisher = Bus(publisher_client, redis_server.url, prefix)  # the owner's process
        subscription = Bus(listener_client, redis_server.url, prefix).subscription()  # a watcher's process
        messages = subscription.messages(poll=0.2)
        try:
            await subscription.add(FRAMES, "s1")
            await subscription.add(COMMANDS, "s1")
            assert await publisher.publish_frame("s1", b"\x01\x01frame") == 1
            assert await publisher.publish_frame("other", b"not watched") == 0
            assert await publisher.publish_command("s1", {"type": "play", "epochs": 3}) == 1
            assert await _next(messages) == Message(FRAMES, "s1", b"\x01\x01frame")
            assert await _next(messages) == Message(COMMANDS, "s1", {"type": "play", "epochs": 3})
            await subscription.remove(FRAMES, "s1")
            await publisher.publish_frame("s1", b"after remove")
            await publisher.publish_command("s1", {"type": "pause"})
            assert await _next(messages) == Message(COMMANDS, "s1", {"type": "pause"})
            assert subscription.channels == {f"{prefix}commands:s1"}
        finally:
            await messages.aclose()
            await subscription.close()
            await publisher_client.aclose()
            await listener_client.aclose()

    run(scenario())


def test_bus_rejects_unknown_channel_kinds(redis_server: RedisServer) -> None:
    bus = Bus(connect(redis_server.url), redis_server.url, "p:")
    with pytest.raises(ValueError, match="unknown channel kind"):
        bus.channel("gossip", "s1")
    run(bus.redis.aclose())


def test_redis_restart_loses_nothing_saved_and_everything_reconnects(tmp_path: Path) -> None:
    server = RedisServer(tmp_path / "redis")
    server.start()
    session = trained(40)

    async def scenario() -> None:
        backend = RedisBackend(server.url, "restart:")
        bus_client, listener_client = connect(server.url), connect(server.url)
        bus = Bus(bus_client, server.url, "restart:")
        subscription: Subscription = Bus(listener_client, server.url, "restart:").subscription()
        messages = subscription.messages(poll=0.1)
        reader = asyncio.ensure_future(_next(messages, timeout=30))
        try:
            await backend.save(record_of(session, "kept"))
            await backend.claim_code("KEEP23", "kept")
            await subscription.add(FRAMES, "kept")

            await asyncio.to_thread(server.stop)
            with pytest.raises(StoreUnavailable, match="unavailable"):
                await backend.load("kept")
            with pytest.raises(StoreUnavailable):
                await bus.publish_frame("kept", b"lost")
            await subscription.add(FRAMES, "later")  # asked for while Redis is away
            await asyncio.sleep(0.3)  # the reader keeps trying, without crashing
            assert not reader.done()

            await asyncio.to_thread(server.start)
            loaded = await backend.load("kept")  # the AOF kept it
            assert loaded is not None
            assert np.array_equal(from_document(loaded.document).network.w, session.network.w)
            assert await backend.resolve_code("KEEP23") == "kept"
            session.step(2)
            assert (await backend.save(record_of(session, "kept"))).bytes > 0

            for _ in range(100):  # until the reader has subscribed again
                if await bus.publish_frame("later", b"after restart") == 1:
                    break
                await asyncio.sleep(0.05)
            assert await reader == Message(FRAMES, "later", b"after restart")
            assert await bus.publish_frame("kept", b"old channel too") == 1
            assert await _next(messages) == Message(FRAMES, "kept", b"old channel too")
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                await reader
            await messages.aclose()
            await subscription.close()
            await bus_client.aclose()
            await listener_client.aclose()
            await backend.close()

    try:
        run(scenario())
    finally:
        server.stop()
