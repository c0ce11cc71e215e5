"""Attacks against a real server while a victim session plays at speed 1.

For each attack: the victim's frames per second and longest gap between
frames, `/healthz` latency and a plain create's latency, both from a third
client address.  The victim and the bystander each run in a process of
their own, so the attack's client load (a flood keeps its own loop busy)
does not distort what they measure.  Targets on this 2-core machine:
longest gap <= 250 ms, >= 40 fps, /healthz <= 100 ms, create <= 1 s.

The server trusts X-Forwarded-For from 127.0.0.1 so that the attacker, the
victim and the bystander are three client addresses.

    .venv/bin/python -m benchmarks.bench_abuse [--seconds 3] [--only NAME[,NAME...]]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import itertools
import json
import multiprocessing
import socket
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from websockets.asyncio.client import connect

from benchmarks.common import LiveServer, create_session

SPIRAL_6X8 = "dataset=spiral&seed=0.12345&networkShape=8,8,8,8,8,8&percTrainData=90" + "".join(
    f"&{name}=true" for name in ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY")
)
HEAVY_READS_PER_SECOND, HEAVY_READS_BURST = 20, 40  # the read limit's defaults (requests, before issue 22)
HEAVY_READ_ANSWERS: Counter[object] = Counter()  # what the heavy reads were answered, by status
# Attacks whose answers are awaited (up to SETTLE_SECONDS) and counted.
SETTLED = {"heavy reads at the read limit", "heavy reads of its own session"}
SETTLE_SECONDS = 300.0
# Rows with targets of their own (fps at least, longest gap at most): issue 22's heavy reads.
STRICTER = {"heavy reads at the read limit": (55, 0.1), "heavy reads of its own session": (55, 0.1)}
ATTACKER, VICTIM, BYSTANDER = ({"X-Forwarded-For": f"10.9.9.{n}"} for n in (1, 2, 3))


def victim(url: str, ws_url: str, seconds: float, results: Any) -> None:
    """In its own process: play a default session at speed 1 and time its frames."""

    async def run() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=60, headers=VICTIM) as http:
            session, token = await create_session(http)
        async with connect(f"{ws_url}/ws/sessions/{session}", max_size=None, ping_interval=None) as ws:
            await ws.send(json.dumps({"type": "auth", "token": token}))
            await ws.send(json.dumps({"type": "play"}))
            results.put("ready")
            arrivals: list[float] = []
            end = time.monotonic() + seconds + 1.0
            while time.monotonic() < end:
                try:
                    message = await asyncio.wait_for(ws.recv(), timeout=max(0.01, end - time.monotonic()))
                except TimeoutError:
                    break
                if isinstance(message, bytes) and message[0] == 1:
                    arrivals.append(time.monotonic())
            results.put(arrivals)

    asyncio.run(run())


async def probe(url: str, start: float, end: float) -> tuple[float, float]:
    """Worst /healthz latency over the window, and one create's latency in the middle of it."""
    worst = 0.0
    created = 0.0
    async with httpx.AsyncClient(base_url=url, timeout=60, headers=BYSTANDER) as http:
        await asyncio.sleep(max(0.0, start - time.monotonic()))
        while time.monotonic() < end:
            t = time.perf_counter()
            await http.get("/healthz")
            worst = max(worst, time.perf_counter() - t)
            if not created and time.monotonic() > (start + end) / 2:
                t = time.perf_counter()
                response = await http.post("/api/sessions", json={})
                created = time.perf_counter() - t
                await http.delete(
                    f"/api/sessions/{response.json()['id']}",
                    headers={"Authorization": f"Bearer {response.json()['control_token']}"},
                )
            await asyncio.sleep(0.05)
    return worst, created


def bystander(url: str, window: Any, results: Any) -> None:
    """In its own process: ``probe`` from a third address over the window it is sent."""
    results.put("ready")
    start, end = window.get()
    results.put(asyncio.run(probe(url, start, end)))


# -- the attacks (each runs until ``end``, bounded) ------------------------------------------


async def _attacker_session(http: httpx.AsyncClient, hash_: str = SPIRAL_6X8) -> tuple[str, dict[str, str]]:
    session, token = await create_session(http, hash=hash_)
    return session, {"Authorization": f"Bearer {token}"}


async def rest_step(server: LiveServer, http: httpx.AsyncClient, end: float) -> None:
    session, auth = await _attacker_session(http)
    while time.monotonic() < end:
        await http.post(
            f"/api/sessions/{session}/step", json={"epochs": 10000}, headers=auth, timeout=end - time.monotonic() + 30
        )


async def stateless_step(server: LiveServer, http: httpx.AsyncClient, end: float) -> None:
    session, _ = await _attacker_session(http)
    state = (await http.get(f"/api/sessions/{session}")).json()
    body = {"hash": SPIRAL_6X8, "epochs": 10000, "network": {"weights": state["weights"], "biases": state["biases"]}}
    while time.monotonic() < end:
        await http.post("/api/step", json=body, timeout=120)


async def ws_step(server: LiveServer, http: httpx.AsyncClient, end: float) -> None:
    session, auth = await _attacker_session(http)
    async with connect(f"{server.ws_url}/ws/sessions/{session}", max_size=None, additional_headers=ATTACKER) as ws:
        await ws.send(json.dumps({"type": "auth", "token": auth["Authorization"][7:]}))
        await ws.send(json.dumps({"type": "step", "epochs": 10000}))
        while time.monotonic() < end:
            with _ignore_timeout():
                await asyncio.wait_for(ws.recv(), timeout=0.1)


async def ws_play_top_speed(server: LiveServer, http: httpx.AsyncClient, end: float) -> None:
    session, auth = await _attacker_session(http)
    async with connect(f"{server.ws_url}/ws/sessions/{session}", max_size=None, additional_headers=ATTACKER) as ws:
        await ws.send(json.dumps({"type": "auth", "token": auth["Authorization"][7:]}))
        await ws.send(json.dumps({"type": "speed", "epochs_per_frame": 10000}))
        await ws.send(json.dumps({"type": "play"}))
        while time.monotonic() < end:
            with _ignore_timeout():
                await asyncio.wait_for(ws.recv(), timeout=0.1)


async def pictures(server: LiveServer, http: httpx.AsyncClient, end: float) -> None:
    session, _ = await _attacker_session(http)
    size = 1000
    while time.monotonic() < end:
        # A different picture each time (no cache help): sizes 1000, 999, ...
        await http.get(f"/api/sessions/{session}/boundary", params={"size": size, "format": "png"}, timeout=60)
        size -= 1


async def heavy_reads(server: LiveServer, http: httpx.AsyncClient, end: float, own: bool = False) -> None:
    """Reads of a large session the attacker does not control (``own``: its own, with its
    token), as fast as the default read limit before issue 22 let one client (20 a second,
    bursts of 40), none of them cached: 1000-pixel pictures of sizes that change every
    time, the loss along a weight at 401 samples, explanations.  Open loop: each is sent
    on time whether or not the earlier ones were answered, so a server that accepts them
    all builds a backlog."""
    owner = httpx.AsyncClient(base_url=server.url, timeout=60, headers={"X-Forwarded-For": "10.9.9.4"})
    async with owner:
        session, token = await create_session(owner, hash=SPIRAL_6X8)
    auth = {"Authorization": f"Bearer {token}"} if own else {}
    base = f"/api/sessions/{session}"
    links = [(layer, source, target) for layer in range(1, 6) for source in range(8) for target in range(8)]
    sent: list[asyncio.Task[httpx.Response]] = []
    for n in itertools.count():
        if time.monotonic() >= end:
            break
        kind = n % 3
        if kind == 0:
            request = http.get(
                f"{base}/boundary", params={"size": 1000 - n // 3, "format": "png"}, headers=auth, timeout=300
            )
        else:
            layer, source, target = links[n % len(links)]
            params = {"layer": layer, "source": source, "target": target}
            path = "slice" if kind == 1 else "explain"
            extra = {"samples": 401} if kind == 1 else {"point": n % 400}
            request = http.get(f"{base}/{path}", params={**params, **extra}, headers=auth, timeout=300)
        sent.append(asyncio.ensure_future(request))
        await asyncio.sleep(1 / HEAVY_READS_PER_SECOND if n >= HEAVY_READS_BURST else 0)
    answers = await asyncio.gather(*sent, return_exceptions=True)
    codes = Counter(a.status_code if isinstance(a, httpx.Response) else type(a).__name__ for a in answers)
    HEAVY_READ_ANSWERS.clear()
    HEAVY_READ_ANSWERS.update(codes)


async def creations(server: LiveServer, http: httpx.AsyncClient, end: float) -> None:
    for _ in range(600):
        if time.monotonic() >= end:
            break
        await http.post("/api/sessions", json={})


async def code_guesses(server: LiveServer, http: httpx.AsyncClient, end: float) -> None:
    for n in range(300):
        if time.monotonic() >= end:
            break
        await http.get(f"/s/ZZZ{n:03d}".replace("0", "A").replace("1", "B"), follow_redirects=False)


async def deep_nesting(server: LiveServer, http: httpx.AsyncClient, end: float) -> None:
    session, _ = await _attacker_session(http, "seed=1")
    async with connect(f"{server.ws_url}/ws/sessions/{session}", additional_headers=ATTACKER) as ws:
        for _ in range(100):
            await ws.send('{"a":' * 1000 + "1" + "}" * 1000)
            await asyncio.sleep(0.01)


async def message_flood(server: LiveServer, http: httpx.AsyncClient, end: float) -> None:
    session, _ = await _attacker_session(http, "seed=1")
    ping = json.dumps({"type": "ping"})
    while time.monotonic() < end:
        try:
            async with connect(f"{server.ws_url}/ws/sessions/{session}", additional_headers=ATTACKER) as ws:
                while time.monotonic() < end:
                    await ws.send(ping)
        except Exception:  # closed for flooding: come back and flood again
            await asyncio.sleep(0.05)


async def unsent_bodies(server: LiveServer, http: httpx.AsyncClient, end: float) -> None:
    sockets = []
    for _ in range(50):
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.sendall(
            b"POST /api/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\nX-Forwarded-For: 10.9.9.1\r\n\r\n"
        )
        sockets.append(sock)
    await asyncio.sleep(max(0.0, end - time.monotonic()))
    for sock in sockets:
        sock.close()


class _ignore_timeout:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, *rest: object) -> bool:
        return kind is TimeoutError


ATTACKS: dict[str, Callable[[LiveServer, httpx.AsyncClient, float], Awaitable[None]]] = {
    "none (baseline)": lambda server, http, end: asyncio.sleep(max(0.0, end - time.monotonic())),
    "REST step, 6x8, 10000 epochs": rest_step,
    "stateless step, 6x8, 10000 epochs": stateless_step,
    "websocket step, 6x8, 10000 epochs": ws_step,
    "websocket play, 6x8, 10000/frame": ws_play_top_speed,
    "boundary PNG 1000x1000, looped": pictures,
    "heavy reads at the read limit": heavy_reads,
    "heavy reads of its own session": functools.partial(heavy_reads, own=True),
    "600 creations": creations,
    "300 class-code guesses": code_guesses,
    "deep JSON nesting x100": deep_nesting,
    "websocket message flood": message_flood,
    "50 bodies declared, never sent": unsent_bodies,
}


async def one(server: LiveServer, name: str, seconds: float) -> None:
    spawn = multiprocessing.get_context("spawn")
    results: Any = spawn.Queue()
    process = spawn.Process(target=victim, args=(server.url, server.ws_url, seconds, results))
    window_box: Any = spawn.Queue()
    probes: Any = spawn.Queue()
    prober = spawn.Process(target=bystander, args=(server.url, window_box, probes))
    process.start()
    prober.start()
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, results.get)  # the victim plays
    await loop.run_in_executor(None, probes.get)  # the bystander is ready
    start = time.monotonic() + 0.3
    end = start + seconds
    window_box.put((start, end))
    async with httpx.AsyncClient(base_url=server.url, timeout=60, headers=ATTACKER) as http:
        attack = asyncio.ensure_future(ATTACKS[name](server, http, end))
        healthz, create = await loop.run_in_executor(None, probes.get)
        arrivals: list[float] = await loop.run_in_executor(None, results.get)
        if name in SETTLED:  # its answers are part of the figure: wait for them (bounded)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(attack), timeout=SETTLE_SECONDS)
        drained = time.monotonic() - end
        attack.cancel()
        await asyncio.gather(attack, return_exceptions=True)
    process.join(10)
    prober.join(10)
    window = [t for t in arrivals if start <= t <= end]
    fps = len(window) / seconds
    gaps = [b - a for a, b in zip([start, *window], [*window, end], strict=True)]
    least_fps, longest_gap = STRICTER.get(name, (40, 0.25))
    ok = fps >= least_fps and max(gaps) <= longest_gap and healthz <= 0.1 and create <= 1.0
    verdict = "ok" if ok else "MISSED"
    if not create or not healthz:
        verdict = "NOT MEASURED (the bystander got no answer in the window)"
    print(
        f"{name:36} {fps:6.1f} fps  gap {max(gaps) * 1e3:6.0f} ms  /healthz {healthz * 1e3:6.1f} ms  "
        f"create {create * 1e3:6.1f} ms  {verdict}"
    )
    if name in SETTLED:
        answers = ", ".join(f"{code}: {count}" for code, count in sorted(HEAVY_READ_ANSWERS.items(), key=str))
        print(f"{'':36} answers {answers}; the last answered {drained:.1f} s after the window")


async def main(seconds: float, only: str | None) -> None:
    env = {"PLAYGROUND_FORWARDED_ALLOW_IPS": "127.0.0.1"}
    with LiveServer(env=env) as server:
        print(
            "Victim plays the default network at speed 1 (its own process) while each attack runs;\n"
            "targets: >= 40 fps, longest gap <= 250 ms, /healthz <= 100 ms, create <= 1 s\n"
            "(heavy reads: >= 55 fps, longest gap <= 100 ms).\n"
        )
        for name in ATTACKS:
            if only is None or any(part.strip().lower() in name.lower() for part in only.split(",")):
                await one(server, name, seconds)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--only", default=None, help="the attacks whose name contains this (or any of these: a,b)")
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.only))
