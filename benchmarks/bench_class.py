"""A class following live: one teacher session playing at full frame rate,
100 watchers connected from this (second) process.  Prints the frames per
second each watcher receives, the spread between watchers, and the server's
CPU.  Target: every watcher >= 30 frames/s with 100 watchers on 2 cores.

    .venv/bin/python -m benchmarks.bench_class [--watchers 100] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import httpx

from benchmarks.common import LiveServer, Watcher, cpu_seconds, create_session


async def main(n_watchers: int, seconds: float, hash_: str) -> None:
    with LiveServer(env={"PLAYGROUND_MAX_WATCHERS": str(n_watchers + 10), "PLAYGROUND_CLIENT_LIMITS": "0"}) as server:
        async with httpx.AsyncClient(base_url=server.url) as http:
            session_id, token = await create_session(http, hash=hash_)
        url = f"{server.ws_url}/ws/sessions/{session_id}"
        teacher = Watcher(url, token)
        await teacher.open()
        students = [Watcher(url) for _ in range(n_watchers)]
        for k in range(0, n_watchers, 20):  # a class arriving, not one burst
            await asyncio.gather(*(s.open() for s in students[k : k + 20]))
        await teacher.send({"type": "select", "layer": 1, "source": 0, "target": 0, "point": 0})
        await teacher.send({"type": "play"})
        start = time.monotonic() + 1.0
        end = start + seconds
        pid = server.process.pid  # type: ignore[union-attr]
        cpu_start = 0.0

        async def mark() -> None:
            nonlocal cpu_start
            await asyncio.sleep(start - time.monotonic())
            cpu_start = cpu_seconds(pid)

        await asyncio.gather(mark(), teacher.listen(end), *(s.listen(end) for s in students))
        cpu = (cpu_seconds(pid) - cpu_start) / seconds
        rates = [s.fps(start, end) for s in students]
        teacher_rate = teacher.fps(start, end)
        await asyncio.gather(teacher.close(), *(s.close() for s in students))
    rates.sort()
    print(f"Class benchmark: {n_watchers} watchers + the teacher on one session, {seconds:.0f} s, network {hash_!r}")
    print(f"  teacher:  {teacher_rate:5.1f} frames/s")
    print(
        f"  watchers: min {rates[0]:5.1f}  median {statistics.median(rates):5.1f}  max {rates[-1]:5.1f} frames/s;"
        f"  spread (max - min) {rates[-1] - rates[0]:4.1f}, stdev {statistics.pstdev(rates):4.2f}"
    )
    print(f"  server CPU: {cpu * 100:4.0f}% of one core (2 cores available)")
    print(
        f"  frame size: {statistics.mean(students[0].sizes) / 1024:.2f} KB;"
        f" every watcher >= 30 frames/s: {'yes' if rates[0] >= 30 else 'NO'}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--watchers", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--hash", default="seed=0.42", help="the teacher's network (a TF Playground hash)")
    args = parser.parse_args()
    asyncio.run(main(args.watchers, args.seconds, args.hash))
