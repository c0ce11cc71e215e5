"""The one interface, checked the same way on every store: memory, SQLite in a
temporary folder, and a real redis-server on a free port."""

from __future__ import annotations

import time

import numpy as np

from app.auth import token_digest
from app.persistence import Retention
from app.persistence.base import RECENT_SECONDS
from core.snapshot import from_document
from tests.app.persistence.conftest import MakeBackend, record_of, run, trained


def _bits(array: np.ndarray) -> bytes:
    return np.ascontiguousarray(array).tobytes()


def test_backend_saves_and_loads_a_session_bit_for_bit(make_backend: MakeBackend) -> None:
    session = trained(23)  # 250 points in batches of 7: a carried remainder

    async def scenario() -> None:
        backend = await make_backend()
        try:
            result = await backend.save(record_of(session, "abc"))
            assert result.full and result.bytes > 0
            loaded = await backend.load("abc")
        finally:
            await backend.close()
        assert loaded is not None
        assert loaded.app == {"selection": None, "speed": 1}
        assert loaded.token_hash == token_digest("secret-token")
        restored = from_document(loaded.document)
        for name, array in session.network.state_dict().items():
            assert _bits(array) == _bits(restored.network.state_dict()[name]), name
        assert _bits(session.history.rows) == _bits(restored.history.rows)
        assert _bits(session.step(4).losses) == _bits(restored.step(4).losses)

    run(scenario())


def test_backend_unknown_session_is_none(make_backend: MakeBackend) -> None:
    async def scenario() -> None:
        backend = await make_backend()
        try:
            assert await backend.load("nobody") is None
            assert not await backend.exists("nobody")
            assert not await backend.delete("nobody")
            assert not await backend.touch("nobody")
            assert await backend.code_of("nobody") is None
            assert await backend.resolve_code("NOCODE") is None
        finally:
            await backend.close()

    run(scenario())


def test_backend_playing_write_sends_only_what_changed(make_backend: MakeBackend) -> None:
    session = trained(350)  # four history blocks

    async def scenario() -> None:
        backend = await make_backend()
        try:
            first = await backend.save(record_of(session, "p"))
            session.step(40)  # two seconds of play: new rows in the last block
            second = await backend.save(record_of(session, "p"))
            loaded = await backend.load("p")
        finally:
            await backend.close()
        assert first.full and not second.full
        assert second.parts == 2  # the head and the last history block; not the data
        assert second.bytes < first.bytes / 3
        assert loaded is not None
        restored = from_document(loaded.document)
        assert restored.epoch == session.epoch == 390
        assert _bits(restored.history.rows) == _bits(session.history.rows)
        assert _bits(restored.network.w) == _bits(session.network.w)

    run(scenario())


def test_backend_reset_drops_history_blocks_it_no_longer_has(make_backend: MakeBackend) -> None:
    session = trained(350)

    async def scenario() -> None:
        backend = await make_backend()
        try:
            await backend.save(record_of(session, "r"))
            size_before = {info.id: info.size for info in await backend.records()}["r"]
            session.reset()
            await backend.save(record_of(session, "r"))
            loaded = await backend.load("r")
            size_after = {info.id: info.size for info in await backend.records()}["r"]
        finally:
            await backend.close()
        assert loaded is not None
        assert len(loaded.document["history"]["rows"]) == 1
        assert size_after < size_before

    run(scenario())


def test_backend_new_data_is_written(make_backend: MakeBackend) -> None:
    session = trained(5)

    async def scenario() -> None:
        backend = await make_backend()
        try:
            await backend.save(record_of(session, "d"))
            session.regenerate()
            await backend.save(record_of(session, "d"))
            loaded = await backend.load("d")
        finally:
            await backend.close()
        assert loaded is not None
        assert _bits(from_document(loaded.document).train) == _bits(session.train)

    run(scenario())


def test_backend_writer_in_between_forces_a_full_write(make_shared_backend: MakeBackend) -> None:
    session = trained(150)
    other = trained(60, dataset="xor")

    async def scenario() -> None:
        mine, theirs = await make_shared_backend(), await make_shared_backend()
        try:
            await mine.save(record_of(session, "x"))
            await theirs.save(record_of(other, "x"))  # e.g. the session moved to another process and back
            session.step(3)
            result = await mine.save(record_of(session, "x"))
            loaded = await theirs.load("x")
        finally:
            await mine.close()
            await theirs.close()
        assert result.full
        assert loaded is not None
        restored = from_document(loaded.document)
        assert restored.config.dataset == "circle"
        assert _bits(restored.train) == _bits(session.train)
        assert _bits(restored.history.rows) == _bits(session.history.rows)

    run(scenario())


def test_backend_delete_removes_the_record_and_its_code(make_backend: MakeBackend) -> None:
    async def scenario() -> None:
        backend = await make_backend()
        try:
            await backend.save(record_of(trained(1), "gone"))
            assert await backend.claim_code("ABC234", "gone") == "ABC234"
            assert await backend.delete("gone")
            assert await backend.load("gone") is None
            assert await backend.resolve_code("ABC234") is None
            assert "gone" not in {info.id for info in await backend.records()}
            assert await backend.claim_code("ABC234", "another") == "ABC234"  # the code is free again
        finally:
            await backend.close()

    run(scenario())


def test_backend_class_codes_map_both_ways_and_stay_unique(make_backend: MakeBackend) -> None:
    async def scenario() -> None:
        backend = await make_backend()
        try:
            for session_id in ("one", "two"):
                await backend.save(record_of(trained(0), session_id))
            assert await backend.claim_code("KLM567", "one") == "KLM567"
            assert await backend.claim_code("PQR789", "one") == "KLM567"  # the same code every time
            assert await backend.claim_code("KLM567", "two") is None  # taken: draw another
            assert await backend.claim_code("STU234", "two") == "STU234"
            assert await backend.resolve_code("KLM567") == "one"
            assert await backend.code_of("two") == "STU234"
            shared = {info.id: info.shared for info in await backend.records()}
            assert shared == {"one": True, "two": True}
        finally:
            await backend.close()

    run(scenario())


def test_backend_touch_only_moves_activity_forward(make_backend: MakeBackend) -> None:
    async def scenario() -> None:
        backend = await make_backend()
        try:
            await backend.save(record_of(trained(0), "t", created=1000.0, last_active=2000.0))
            assert await backend.touch("t", 3000.0)
            assert await backend.touch("t", 2500.0)
            loaded = await backend.load("t")
            infos = await backend.records()
        finally:
            await backend.close()
        assert loaded is not None and (loaded.created, loaded.last_active) == (1000.0, 3000.0)
        assert [(info.id, info.last_active) for info in infos] == [("t", 3000.0)]

    run(scenario())


def test_backend_records_report_the_bytes_held(make_backend: MakeBackend) -> None:
    async def scenario() -> None:
        backend = await make_backend()
        try:
            result = await backend.save(record_of(trained(120), "sz"))
            (info,) = await backend.records()
        finally:
            await backend.close()
        assert info.size == result.bytes

    run(scenario())


def test_backend_prune_applies_retention(make_backend: MakeBackend) -> None:
    now = 10_000_000.0
    day = 86400.0
    ages = {  # id: seconds since last active
        "expired-shared": 31 * day,
        "expired": 40 * day,
        "old": 20 * day,
        "older": 25 * day,
        "old-shared": 29 * day,
        "recent": RECENT_SECONDS / 2,
        "yesterday": day,
    }

    async def scenario() -> list[str]:
        backend = await make_backend()
        try:
            session = trained(0)
            for session_id, age in ages.items():
                await backend.save(record_of(session, session_id, created=now - age, last_active=now - age))
            for session_id in ("expired-shared", "old-shared"):
                await backend.claim_code(f"C{len(session_id)}", session_id)
            policy = Retention(keep_seconds=30 * day, max_sessions=3, max_bytes=10**12)
            deleted = await backend.prune(policy, now=now)
            left = sorted(info.id for info in await backend.records())
            assert await backend.resolve_code("C14") is None  # the expired shared one's code went with it
        finally:
            await backend.close()
        assert sorted(deleted) == ["expired", "expired-shared", "old", "older"]
        return left

    # 5 within 30 days, cap 3: "older", then "old" go; shared and recent ones stay, so 3 remain
    assert run(scenario()) == ["old-shared", "recent", "yesterday"]


def test_backend_prune_never_drops_shared_or_recent_sessions_to_make_room(make_backend: MakeBackend) -> None:
    now = time.time()

    async def scenario() -> tuple[list[str], list[str]]:
        backend = await make_backend()
        try:
            session = trained(0)
            await backend.save(record_of(session, "shared", last_active=now - 10 * 86400))
            await backend.claim_code("SHARED", "shared")
            await backend.save(record_of(session, "fresh", last_active=now - 60))
            await backend.save(record_of(session, "stale", last_active=now - 2 * RECENT_SECONDS))
            deleted = await backend.prune(Retention(keep_seconds=30 * 86400, max_sessions=10, max_bytes=1))
            return deleted, sorted(info.id for info in await backend.records())
        finally:
            await backend.close()

    deleted, left = run(scenario())
    assert deleted == ["stale"]  # over the byte cap, but nothing else may go
    assert left == ["fresh", "shared"]
