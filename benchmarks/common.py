"""Shared pieces of the server benchmarks: a real server process, its CPU
time, and websocket clients that count what they receive."""

from __future__ import annotations

import asyncio
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from tests.live_server import LiveServer

__all__ = ["LiveServer", "cpu_seconds", "create_session", "Watcher", "percentile"]

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (and its threads) so far."""
    with open(f"/proc/{pid}/stat") as stat:
        parts = stat.read().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / TICKS


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def create_session(http: httpx.AsyncClient, **body: Any) -> tuple[str, str]:
    response = await http.post("/api/sessions", json=body)
    response.raise_for_status()
    data = response.json()
    return data["id"], data["control_token"]


@dataclass
class Watcher:
    """A websocket client that counts frames (kind 1) and their bytes."""

    url: str
    token: str | None = None
    frames: list[float] = field(default_factory=list)  # arrival times
    sizes: list[int] = field(default_factory=list)
    ws: ClientConnection | None = None

    async def open(self) -> None:
        self.ws = await connect(self.url, max_size=None, open_timeout=60, ping_interval=None)
        while True:  # the greeting: state, then the first frame
            message = await self.ws.recv()
            if isinstance(message, bytes):
                break
        if self.token:
            await self.send({"type": "auth", "token": self.token})

    async def send(self, message: dict[str, Any]) -> None:
        assert self.ws is not None
        await self.ws.send(json.dumps(message))

    async def listen(self, until: float) -> None:
        """Count frames until ``until`` (time.monotonic): one deadline for the
        whole loop, not a timer per message, so 150 clients in one process
        cost the benchmark little."""
        assert self.ws is not None
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout_at(loop.time() + max(0.0, until - time.monotonic())):
                async for message in self.ws:
                    if isinstance(message, bytes) and message[0] == 1:
                        self.frames.append(time.monotonic())
                        self.sizes.append(len(message))
        except TimeoutError:
            pass

    def fps(self, start: float, end: float) -> float:
        return sum(1 for t in self.frames if start <= t < end) / (end - start)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
