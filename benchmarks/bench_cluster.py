"""How many sessions can play at once, every client at >= 20 frames/s: one
process against two behind nginx, on this machine.

- one process: `python -m app` as `make run` serves it (SQLite store);
- 1 process + Redis + nginx, and 2 processes + Redis + nginx: scripts/cluster.sh.

Clients run in this process (not the servers'), one websocket per session
(the controller: auth, then play), with PLAYGROUND_CLIENT_LIMITS=0.  Each
step adds sessions and measures every client's frame rate for a few
seconds; the best count whose slowest client stays at 20 frames/s or more
is reported, and the ratio of two processes to one.

    .venv/bin/python -m benchmarks.bench_cluster [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from benchmarks.common import LiveServer, Watcher, cpu_seconds, create_session

ROOT = Path(__file__).resolve().parent.parent
MIN_FPS = 20.0


@contextmanager
def one_process(directory: Path) -> Iterator[tuple[str, list[int]]]:
    with LiveServer(env={"PLAYGROUND_CLIENT_LIMITS": "0", "PLAYGROUND_DATA_DIR": str(directory)}) as server:
        assert server.process is not None
        yield server.url, [server.process.pid]


@contextmanager
def cluster(directory: Path, processes: int) -> Iterator[tuple[str, list[int]]]:
    env = {
        **os.environ,
        "PLAYGROUND_CLUSTER_DIR": str(directory),
        "PLAYGROUND_PYTHON": sys.executable,
        "PLAYGROUND_CLIENT_LIMITS": "0",
    }
    script = [str(ROOT / "scripts" / "cluster.sh")]
    started = subprocess.run(["bash", *script, "up", str(processes)], env=env, capture_output=True, text=True)
    try:
        if started.returncode != 0:
            raise RuntimeError(started.stderr)
        pairs = (line.split("=", 1) for line in (directory / "cluster.env").read_text().splitlines())
        values = {key: " ".join(shlex.split(value)) for key, value in pairs}
        pids = [int((directory / f"app-{k}.pid").read_text()) for k in range(1, processes + 1)]
        yield f"http://127.0.0.1:{values['NGINX_PORT']}", pids
    finally:
        subprocess.run(["bash", *script, "down"], env=env, capture_output=True, text=True)


async def play(url: str, pids: list[int], n: int, seconds: float) -> tuple[float, float, float]:
    """n sessions, each played by its own client: (slowest fps, median fps, server CPU in cores)."""
    ws_base = url.replace("http://", "ws://")
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        sessions = [await create_session(http, config={"seed": f"0.{k}"}) for k in range(n)]
    watchers = [Watcher(f"{ws_base}/ws/sessions/{session_id}", token) for session_id, token in sessions]
    for start in range(0, n, 10):  # not all at once: a burst of handshakes is not what is measured
        await asyncio.gather(*(watcher.open() for watcher in watchers[start : start + 10]))
    for watcher in watchers:
        await watcher.send({"type": "play"})
    start = time.monotonic() + 1.5
    end = start + seconds
    before: list[float] = []

    async def sample() -> None:
        await asyncio.sleep(max(0.0, start - time.monotonic()))
        before.extend(cpu_seconds(pid) for pid in pids)

    await asyncio.gather(sample(), *(watcher.listen(end) for watcher in watchers))
    cpu = sum(cpu_seconds(pid) - used for pid, used in zip(pids, before, strict=True)) / seconds
    rates = sorted(watcher.fps(start, end) for watcher in watchers)
    await asyncio.gather(*(watcher.close() for watcher in watchers))
    return rates[0], rates[len(rates) // 2], cpu


async def ramp(label: str, url: str, pids: list[int], counts: list[int], seconds: float) -> int:
    print(f"\n{label}")
    best = 0
    for n in counts:
        slowest, median, cpu = await play(url, pids, n, seconds)
        ok = slowest >= MIN_FPS
        print(
            f"  {n:3d} sessions: slowest client {slowest:5.1f} fps, median {median:5.1f} fps, "
            f"servers' CPU {cpu:4.2f} cores  {'ok' if ok else 'below 20 fps'}",
            flush=True,
        )
        if not ok:
            break
        best = n
    print(f"  -> {best} sessions at >= {MIN_FPS:.0f} frames/s each")
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer steps, shorter measurements")
    parser.add_argument("--seconds", type=float, default=None)
    args = parser.parse_args()
    seconds = args.seconds or (2.0 if args.quick else 4.0)
    counts = [10, 30, 60] if args.quick else [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 140, 160]
    print(
        f"Sessions playing at >= {MIN_FPS:.0f} frames/s each (default network, speed 1, one client each); "
        f"{os.cpu_count()} cores shared by the servers and this client process; "
        f"load average {os.getloadavg()[0]:.1f} before"
    )  # the machine is shared: read the figures with it
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        with one_process(root / "one") as (url, pids):
            results["one"] = asyncio.run(ramp("One process (SQLite), no proxy:", url, pids, counts, seconds))
        with cluster(root / "c1", 1) as (url, pids):
            results["c1"] = asyncio.run(ramp("One process + Redis, behind nginx:", url, pids, counts, seconds))
        with cluster(root / "c2", 2) as (url, pids):
            results["c2"] = asyncio.run(ramp("Two processes + Redis, behind nginx:", url, pids, counts, seconds))
    ratio = results["c2"] / results["one"] if results["one"] else float("nan")
    print(
        f"\nTwo processes behind nginx hold {results['c2']} sessions, one process {results['one']}: "
        f"ratio {ratio:.2f} (one process behind nginx with Redis: {results['c1']}); "
        f"load average {os.getloadavg()[0]:.1f} after"
    )


if __name__ == "__main__":
    main()
