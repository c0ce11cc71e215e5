"""Memory per watched session, measured on a real server process.

Creates N sessions of the 7-feature 6x8 spiral network, each with a
websocket client that has received its first frame (so the server holds a
rendered frame for it), and reports the growth of the server's resident
memory per session.  Target: <= 0.5 MB per watched 6x8 session.

    .venv/bin/python -m benchmarks.bench_memory [--sessions 100]
"""

from __future__ import annotations

import argparse
import asyncio

import httpx

from benchmarks.common import LiveServer, Watcher, create_session

SPIRAL_6X8 = "dataset=spiral&seed=0.12345&networkShape=8,8,8,8,8,8" + "".join(
    f"&{name}=true" for name in ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY")
)


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def main(n: int) -> None:
    with LiveServer(env={"PLAYGROUND_CLIENT_LIMITS": "0"}) as server:
        pid = server.process.pid  # type: ignore[union-attr]
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            # Warm up: compile, caches, one session watched and dropped.
            session, _ = await create_session(http, hash=SPIRAL_6X8)
            warm = Watcher(f"{server.ws_url}/ws/sessions/{session}")
            await warm.open()
            await warm.close()
            await asyncio.sleep(1.0)
            before = rss_mb(pid)
            sessions = [await create_session(http, hash=SPIRAL_6X8.replace("0.12345", f"0.{k}")) for k in range(n)]
            created = rss_mb(pid)
            watchers = [Watcher(f"{server.ws_url}/ws/sessions/{s}") for s, _ in sessions]
            for watcher in watchers:
                await watcher.open()  # each has received its state and its first frame
            await asyncio.sleep(1.0)
            watched = rss_mb(pid)
            print(f"{n} sessions of the 7-feature 6x8 network (server RSS {before:.0f} MB before):")
            print(f"  created, not watched: {(created - before) / n:6.3f} MB per session")
            print(f"  each watched:         {(watched - before) / n:6.3f} MB per session   (target <= 0.5 MB)")
            await asyncio.gather(*(w.close() for w in watchers))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=100)
    asyncio.run(main(parser.parse_args().sessions))
