"""Helpers that drive and read the page the way a person would see it."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

# The original's default hash with a fixed seed (spec §6).
DEFAULTS = (
    "activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03&"
    "regularizationRate=0&noise=0&networkShape=4,2&seed=0.42&showTestData=false&discretize=false&"
    "percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&"
    "cosY=false&sinY=false&collectStats=false&problem=classification&initZero=false&hideText=false"
)


def with_fields(**fields: object) -> str:
    """DEFAULTS with some keys replaced (values written as the hash writes them)."""
    pairs = dict(item.split("=", 1) for item in DEFAULTS.split("&"))
    for key, value in fields.items():
        pairs[key] = str(value).lower() if isinstance(value, bool) else str(value)
    return "&".join(f"{k}={v}" for k, v in pairs.items())


SPIRAL_6X8 = with_fields(
    dataset="spiral",
    networkShape="8,8,8,8,8,8",
    seed="0.12345",
    xSquared=True,
    ySquared=True,
    xTimesY=True,
    sinX=True,
    sinY=True,
)


def open_page(page: Any, server: Any, hash: str = DEFAULTS, query: str = "", status: str = "connected") -> None:
    """Load the page and wait until it is connected and has drawn a frame."""
    page.goto(f"{server.url}/{query}" + (f"#{hash}" if hash else ""))
    wait_status(page, status)
    page.wait_for_function("() => window.__playground && window.__playground.lastFrame !== null")


def wait_status(page: Any, status: str, timeout: float = 20_000) -> None:
    page.wait_for_function(
        "s => document.getElementById('connection-status').dataset.status === s", arg=status, timeout=timeout
    )


def epoch(page: Any) -> int:
    return int(page.inner_text("#iter-number").replace(",", ""))


def loss(page: Any, which: str = "train") -> float:
    return float(page.inner_text(f"#loss-{which}"))


def wait_until(predicate: Any, timeout: float = 30.0, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")
        time.sleep(interval)


def session_id(page: Any) -> str:
    return str(page.evaluate("window.__playground.sessionId"))


def generation(page: Any) -> int:
    return int(page.evaluate("window.__playground.gate.generation"))


def rest_state(server: Any, sid: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{server.url}/api/sessions/{sid}", timeout=10) as response:
        data: dict[str, Any] = json.load(response)
    return data


def heatmap_rgba(page: Any, x: float, y: float) -> list[int]:
    """The big heatmap's canvas pixel at data point (x, y) in [-6, 6]^2."""
    return list(
        page.evaluate(
            """([x, y]) => {
                const c = document.getElementById('heatmap-canvas');
                const i = Math.min(99, Math.max(0, Math.floor((x + 6) / 12 * 100)));
                const j = Math.min(99, Math.max(0, Math.floor((6 - y) / 12 * 100)));
                return Array.from(c.getContext('2d').getImageData(i, j, 1, 1).data);
            }""",
            [x, y],
        )
    )


def heatmap_bytes(page: Any) -> list[int]:
    """All the heatmap canvas' RGBA bytes (to compare two drawings)."""
    return list(
        page.evaluate(
            "() => Array.from(document.getElementById('heatmap-canvas').getContext('2d')"
            ".getImageData(0, 0, 100, 100).data)"
        )
    )


def thumbnail_count(page: Any) -> int:
    return int(page.evaluate("document.querySelectorAll('#network .node.neuron canvas').length"))
