"""Server speed, measured against a real server process from this process:

- REST single step on the default network: p50 / p99 latency, requests per second;
- websocket frames per second and bytes per frame to one client, at speed 1
  and at top speed;
- how many sessions can play at once with every client at >= 20 frames/s.

    .venv/bin/python benchmarks/bench_server.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time

import httpx

from benchmarks.common import LiveServer, Watcher, cpu_seconds, create_session, percentile


async def rest_latency(server: LiveServer, n: int) -> None:
    """A 1-epoch REST step against GET /healthz (the framework's floor), interleaved,
    with the same keep-alive client."""
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:  # the first call may compile the kernel
        session_id, token = await create_session(http)
        auth = {"Authorization": f"Bearer {token}"}
        for _ in range(50):  # warm up
            await http.post(f"/api/sessions/{session_id}/step", json={"epochs": 1}, headers=auth)
            await http.get("/healthz")
        steps, floor = [], []
        for _ in range(n):
            start = time.perf_counter()
            response = await http.get("/healthz")
            floor.append((time.perf_counter() - start) * 1e3)
            start = time.perf_counter()
            response = await http.post(f"/api/sessions/{session_id}/step", json={"epochs": 1}, headers=auth)
            steps.append((time.perf_counter() - start) * 1e3)
            assert response.status_code == 200
        p50, p99, base = percentile(steps, 50), percentile(steps, 99), percentile(floor, 50)
        print(f"GET /healthz, same client:                p50 {base:.2f} ms   p99 {percentile(floor, 99):.2f} ms")
        print(
            f"REST step (1 epoch), default network:    p50 {p50:.2f} ms   p99 {p99:.2f} ms   "
            f"p50 / healthz p50 = {p50 / base:.2f} (target <= 1.5)   p99 / p50 = {p99 / p50:.2f} (target <= 3)"
            f"   ({n} calls each)"
        )

        clients, duration = 8, 3.0
        sessions = [await create_session(http) for _ in range(clients)]
        done = 0
        deadline = time.monotonic() + duration

        async def hammer(session_id: str, token: str) -> None:
            nonlocal done
            headers = {"Authorization": f"Bearer {token}"}
            while time.monotonic() < deadline:
                await http.post(f"/api/sessions/{session_id}/step", json={"epochs": 1}, headers=headers)
                done += 1

        await asyncio.gather(*(hammer(s, t) for s, t in sessions))
        print(f"REST step, {clients} concurrent clients:        {done / duration:.0f} requests/s")


async def one_client(server: LiveServer, speed: int, seconds: float, hash_: str = "seed=0.42") -> tuple[float, float]:
    async with httpx.AsyncClient(base_url=server.url) as http:
        session_id, token = await create_session(http, hash=hash_)
    watcher = Watcher(f"{server.ws_url}/ws/sessions/{session_id}", token)
    await watcher.open()
    await watcher.send({"type": "speed", "epochs_per_frame": speed})
    await watcher.send({"type": "play"})
    start = time.monotonic() + 0.5
    await watcher.listen(start + seconds)
    await watcher.close()
    return watcher.fps(start, start + seconds), statistics.mean(watcher.sizes)


async def many_sessions(server: LiveServer, n: int, seconds: float) -> tuple[float, float, float]:
    """n sessions, each played by its own client: (min fps, median fps, server CPU share)."""
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        sessions = [await create_session(http, config={"seed": f"0.{k}"}) for k in range(n)]
    watchers = [Watcher(f"{server.ws_url}/ws/sessions/{s}", t) for s, t in sessions]
    await asyncio.gather(*(w.open() for w in watchers))
    for w in watchers:
        await w.send({"type": "play"})
    start = time.monotonic() + 1.0
    end = start + seconds
    cpu_before: float | None = None

    async def sample_cpu() -> None:
        nonlocal cpu_before
        await asyncio.sleep(max(0.0, start - time.monotonic()))
        cpu_before = cpu_seconds(server.process.pid)  # type: ignore[union-attr]

    await asyncio.gather(sample_cpu(), *(w.listen(end) for w in watchers))
    cpu = (cpu_seconds(server.process.pid) - (cpu_before or 0.0)) / seconds  # type: ignore[union-attr]
    rates = [w.fps(start, end) for w in watchers]
    await asyncio.gather(*(w.close() for w in watchers))
    return min(rates), statistics.median(rates), cpu


async def main(quick: bool) -> None:
    # As `make run` serves: sessions saved to SQLite (in a scratch folder), limits off for one client address.
    with (
        tempfile.TemporaryDirectory() as data,
        LiveServer(env={"PLAYGROUND_CLIENT_LIMITS": "0", "PLAYGROUND_DATA_DIR": data}) as server,
    ):
        print("Server benchmark: a real `python -m app` process, SQLite store; clients in this process\n")
        await rest_latency(server, 200 if quick else 1000)
        seconds = 2.0 if quick else 5.0
        for label, speed in (("speed 1 (the original's pace)", 1), ("top speed (1000 epochs/frame)", 1000)):
            fps, size = await one_client(server, speed, seconds)
            print(f"websocket, default network, {label:30} {fps:6.1f} frames/s  {size / 1024:6.2f} KB/frame")
        fps, size = await one_client(
            server,
            1,
            seconds,
            "seed=0.42&networkShape=8,8,8,8,8,8&xSquared=true&ySquared=true&xTimesY=true&sinX=true&sinY=true",
        )
        print(f"websocket, 7 features 6x8, speed 1:                  {fps:6.1f} frames/s  {size / 1024:6.2f} KB/frame")
        print("\nSessions playing at once (speed 1, one client each):")
        best = 0
        for n in (10, 50, 100, 150) if quick else (10, 50, 100, 125, 150, 175, 200, 250):
            low, median, cpu = await many_sessions(server, n, seconds)
            ok = low >= 20
            best = n if ok else best
            print(
                f"  {n:3d} sessions: slowest client {low:5.1f} fps, median {median:5.1f} fps, "
                f"server CPU {cpu * 100:4.0f}% of one core  {'ok' if ok else 'below 20 fps'}"
            )
            if not ok:
                break
        print(f"\nMost sessions playing at once with every client >= 20 frames/s: {best}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    asyncio.run(main(parser.parse_args().quick))
