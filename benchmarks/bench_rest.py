"""The REST command path against the framework's floor (issue 21 item 7).

A 1-epoch step on the default network against GET /healthz, interleaved on
one keep-alive connection, with two clients: Python's own ``http.client``
(lean: what the server costs shows) and httpx (what a notebook uses).
Printed: p50 and p99 of each, and the ratios (targets: step p50 <= 1.5x
/healthz p50, step p99 <= 3x step p50).  Several rounds, so the machine's
noise shows in the spread.

    .venv/bin/python -m benchmarks.bench_rest [--calls 400] [--rounds 3]
"""

from __future__ import annotations

import argparse
import http.client
import json
import time
from collections.abc import Callable

import httpx

from benchmarks.common import LiveServer, percentile

STEP = json.dumps({"epochs": 1})


def _lean(port: int) -> tuple[Callable[[], None], Callable[[], None], Callable[[], None]]:
    """create, step and healthz calls over one http.client keep-alive connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    state: dict[str, str] = {}

    def call(method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None) -> bytes:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        assert response.status in (200, 201), (response.status, data[:200])
        return data

    def create() -> None:
        made = json.loads(call("POST", "/api/sessions", "{}", {"content-type": "application/json"}))
        state.update(path=f"/api/sessions/{made['id']}/step", auth=f"Bearer {made['control_token']}")

    def step() -> None:
        call("POST", state["path"], STEP, {"content-type": "application/json", "authorization": state["auth"]})

    def healthz() -> None:
        call("GET", "/healthz")

    return create, step, healthz


def _httpx(url: str) -> tuple[Callable[[], None], Callable[[], None], Callable[[], None]]:
    client = httpx.Client(base_url=url, timeout=60)
    state: dict[str, str] = {}

    def create() -> None:
        made = client.post("/api/sessions", json={}).json()
        state.update(path=f"/api/sessions/{made['id']}/step", auth=f"Bearer {made['control_token']}")

    def step() -> None:
        assert (
            client.post(
                state["path"],
                content=STEP,
                headers={"content-type": "application/json", "authorization": state["auth"]},
            ).status_code
            == 200
        )

    def healthz() -> None:
        assert client.get("/healthz").status_code == 200

    return create, step, healthz


def _timed(call: Callable[[], None]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1e3


def measure(name: str, calls: tuple[Callable[[], None], Callable[[], None], Callable[[], None]], n: int) -> None:
    create, step, healthz = calls
    create()
    for _ in range(100):  # warm up: the kernel compiles on the first step
        step()
        healthz()
    floor, steps = [], []
    for _ in range(n):
        floor.append(_timed(healthz))
        steps.append(_timed(step))
    base, p50, p99 = percentile(floor, 50), percentile(steps, 50), percentile(steps, 99)
    print(
        f"{name:12} /healthz p50 {base:6.3f} ms  p99 {percentile(floor, 99):6.3f} ms   "
        f"step p50 {p50:6.3f} ms  p99 {p99:6.3f} ms   step/healthz {p50 / base:5.2f} (<= 1.5)   "
        f"step p99/p50 {p99 / p50:5.2f} (<= 3)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with LiveServer(env={"PLAYGROUND_CLIENT_LIMITS": "0"}) as server:
        for round_ in range(1, args.rounds + 1):
            print(f"round {round_}")
            measure("http.client", _lean(server.port), args.calls)
            measure("httpx", _httpx(server.url), args.calls)


if __name__ == "__main__":
    main()
