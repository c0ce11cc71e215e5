"""What /metrics costs (issue 20): 150 sessions playing, each with its own client,
on a server with metrics on (the default) and on one with them off, one after
the other in the same run, alternating, so the machine's noise shows in the spread.
Target: with metrics on, at most 5 % fewer frames per second than off.

    .venv/bin/python -m benchmarks.bench_metrics [--sessions 150] [--rounds 3] [--seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile

import httpx

from benchmarks.bench_server import many_sessions
from benchmarks.common import LiveServer


async def one(mode: str, sessions: int, seconds: float) -> float:
    """The median client's frames per second with PLAYGROUND_METRICS=mode (scraped during the run when on)."""
    with (
        tempfile.TemporaryDirectory() as data,
        LiveServer(
            env={"PLAYGROUND_CLIENT_LIMITS": "0", "PLAYGROUND_DATA_DIR": data, "PLAYGROUND_METRICS": mode}
        ) as server,
    ):

        async def scrape() -> None:  # as Prometheus would, every second instead of every 15
            if mode == "off":
                return
            async with httpx.AsyncClient(base_url=server.url) as http:
                for _ in range(int(seconds) + 2):
                    assert (await http.get("/metrics")).status_code == 200
                    await asyncio.sleep(1.0)

        (low, median, cpu), _ = await asyncio.gather(many_sessions(server, sessions, seconds), scrape())
        print(
            f"  metrics {mode:5}: slowest client {low:5.1f} fps, median {median:5.1f} fps, "
            f"server CPU {cpu * 100:4.0f}% of one core"
        )
        return median


async def main(sessions: int, rounds: int, seconds: float) -> None:
    print(f"{sessions} sessions playing, one client each, {seconds:g} s per measure")
    on, off = [], []
    for _ in range(rounds):
        on.append(await one("local", sessions, seconds))
        off.append(await one("off", sessions, seconds))
    ratio = statistics.median(on) / statistics.median(off)
    print(
        f"median of medians: on {statistics.median(on):.1f} fps, off {statistics.median(off):.1f} fps: "
        f"on / off = {ratio:.3f} (target >= 0.95); rounds on {on}, off {off}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    asyncio.run(main(args.sessions, args.rounds, args.seconds))
