"""The cost of the snapshot a playing session writes every 2 s, per store.

For the default session (2-4-2-1, circle) and the largest (7 features,
6 x 8, spiral), trained 1,000 epochs first (a full loss history), each
write follows `--epochs` more epochs of play.  Printed per store: the time
to take the snapshot (core.snapshot.to_document), the time to save it
(encoding, digests, the store's write), and the bytes and parts written;
"parts" writes only what changed (the server's way), "full" rewrites the
whole record every time (the naive way), for comparison.  On a shared
machine the wall times are noisy; the CPU time of the save is steadier.

    .venv/bin/python -m benchmarks.bench_store [--writes 30] [--epochs 40]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import orjson

from app.auth import token_digest
from app.persistence import Backend, MemoryBackend, RedisBackend, SessionRecord, SQLiteBackend
from core.config import PlaygroundConfig
from core.session import Session
from core.snapshot import to_document
from tests.services import RedisServer

SESSIONS = {
    "default 2-4-2-1": "seed=0.1",
    "6x8, 7 features": "dataset=spiral&seed=0.1&networkShape=8,8,8,8,8,8&xSquared=true&ySquared=true"
    "&xTimesY=true&sinX=true&sinY=true",
}


async def measure(backend: Backend, hash_text: str, writes: int, epochs: int, full: bool) -> dict[str, float]:
    session = Session(PlaygroundConfig.from_hash(hash_text))
    session.step(1000)
    snapshot_ms, save_ms, cpu_ms, sizes, parts = [], [], [], [], []
    created = time.time()
    for k in range(writes + 1):
        session.step(epochs)
        start = time.perf_counter()
        document = to_document(session)
        middle, middle_cpu = time.perf_counter(), time.process_time()
        record = SessionRecord("bench", document, {"speed": 1}, token_digest("t"), created, time.time())
        if full:
            backend._written.clear()  # forget what was written: every part again
        result = await backend.save(record)
        end, end_cpu = time.perf_counter(), time.process_time()
        if k == 0:
            continue  # the first write is always full
        snapshot_ms.append((middle - start) * 1e3)
        save_ms.append((end - middle) * 1e3)
        cpu_ms.append((end_cpu - middle_cpu) * 1e3)
        sizes.append(result.bytes)
        parts.append(result.parts)
    plain = len(orjson.dumps({"core": to_document(session), "app": {"speed": 1}}))
    return {
        "snapshot": statistics.median(snapshot_ms),
        "save": statistics.median(save_ms),
        "cpu": statistics.mean(cpu_ms),
        "bytes": statistics.mean(sizes),
        "parts": statistics.mean(parts),
        "plain": plain,
    }


async def run(writes: int, epochs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        redis = RedisServer(Path(tmp) / "redis")
        redis.start()
        stores: dict[str, Callable[[], Awaitable[Backend]]] = {
            "memory": lambda: _ready(MemoryBackend()),
            "sqlite": lambda: SQLiteBackend(Path(tmp) / "sqlite").open(),
            "redis": lambda: _ready(RedisBackend(redis.url, "bench:")),
        }
        try:
            print(f"{writes} writes, each after {epochs} epochs of play. snapshot, save: median wall ms;")
            print("save cpu: mean ms of this process's CPU (all threads) per save; bytes, parts: mean per write\n")
            print(
                f"{'session':18} {'store':7} {'mode':6} {'snapshot':>9} {'save':>7} {'save cpu':>9} {'bytes':>8} "
                f"{'parts':>6}"
            )
            for name, hash_text in SESSIONS.items():
                for store, make in stores.items():
                    for full in (False, True):
                        backend = await make()
                        try:
                            figures = await measure(backend, hash_text, writes, epochs, full)
                        finally:
                            await backend.delete("bench")
                            await backend.close()
                        print(
                            f"{name:18} {store:7} {'full' if full else 'parts':6} {figures['snapshot']:9.3f} "
                            f"{figures['save']:7.3f} {figures['cpu']:9.3f} {figures['bytes']:8.0f} "
                            f"{figures['parts']:6.1f}"
                        )
                print(f"{'':18} (the whole record as plain JSON: {figures['plain']} bytes)")
        finally:
            redis.stop()


async def _ready(backend: Backend) -> Backend:
    return backend


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writes", type=int, default=30)
    parser.add_argument("--epochs", type=int, default=40, help="epochs of play between two writes")
    args = parser.parse_args()
    asyncio.run(run(args.writes, args.epochs))


if __name__ == "__main__":
    main()
