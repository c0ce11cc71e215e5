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
    page.wait_for_function("() => window.__playground && window.__playground.view.lastFrame !== null")


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
    return str(page.evaluate("window.__playground.connection.sessionId"))


def generation(page: Any) -> int:
    return int(page.evaluate("window.__playground.view.gate.generation"))


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
    return int(page.evaluate("document.querySelectorAll('#network .node.neuron').length"))


def rest_json(server: Any, path: str, method: str = "GET", token: str | None = None) -> Any:
    """GET (or POST an empty body to) an API path; the JSON answer."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = b"{}" if method == "POST" else None
    request = urllib.request.Request(f"{server.url}{path}", data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def rest_explain(server: Any, sid: str, selection: dict[str, Any], what: str = "explain") -> dict[str, Any]:
    """GET /explain (or /slice) for a selection {layer, source, target, point}."""
    query = {k: v for k, v in selection.items() if v is not None and (what == "explain" or k != "point")}
    text = "&".join(f"{k}={v}" for k, v in query.items())
    answer: dict[str, Any] = rest_json(server, f"/api/sessions/{sid}/{what}?{text}")
    return answer


def lookup(data: dict[str, Any], source: str) -> float:
    """The number at a dotted path ("explain.batch.gradient"); a leading "-" negates it."""
    sign = -1.0 if source.startswith("-") else 1.0
    value: Any = data
    for part in source.lstrip("-").split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return sign * float(value)


PANEL = "#explainer [data-source]:not(.matrix-form *)"


def panel_numbers(page: Any, part: str = PANEL) -> list[tuple[str, float, str]]:
    """(data-source, data-value, shown text) of every server number in the explainer
    (the matrix form's are the websocket's `matrix`, not GET /explain's: part=".matrix-form [data-source]")."""
    return [
        (source, float(value), text)
        for source, value, text in page.evaluate(
            "p => Array.from(document.querySelectorAll(p))"
            ".map(el => [el.dataset.source, el.dataset.value, el.textContent])",
            part,
        )
    ]


def shown_number(text: str) -> float:
    """A number as the panel writes it (real minus sign, optional leading +)."""
    return float(text.replace("\u2212", "-").lstrip("+"))


def panel_selection(page: Any) -> dict[str, Any] | None:
    raw = page.evaluate("document.getElementById('explainer').dataset.selection || null")
    return json.loads(raw) if raw else None


def click_link(page: Any, index: int) -> None:
    """Click link `index` of the diagram (links in weight order) and close the
    value editor the click opens. The click is dispatched on that link's own
    element: at its bounding box's centre another link may lie on top."""
    page.locator(f"#svg path.link-hover[data-index='{index}']").dispatch_event("click")
    page.wait_for_selector("#hovercard .edit:not([hidden])")
    page.keyboard.press("Escape")


def wait_selected(page: Any, selection: dict[str, Any], timeout: float = 20_000) -> None:
    page.wait_for_function(
        "s => { const d = document.getElementById('explainer').dataset.selection;"
        " return d !== undefined && d === JSON.stringify(s); }",
        arg=selection,
        timeout=timeout,
    )


def screenshot_between(page: Any, path: str, top: str, bottom: str) -> None:
    """A full-width screenshot from the top of one element to the bottom of
    another (legible where a whole-page picture would be shrunk)."""
    y0, y1, width = page.evaluate(
        """([a, b]) => [document.querySelector(a).getBoundingClientRect().top + scrollY,
                        document.querySelector(b).getBoundingClientRect().bottom + scrollY,
                        document.documentElement.clientWidth]""",
        [top, bottom],
    )
    page.screenshot(path=path, full_page=True, clip={"x": 0, "y": y0 - 8, "width": width, "height": y1 - y0 + 16})


def rest_call(server: Any, path: str, body: Any = None, method: str = "POST", token: str | None = None) -> Any:
    """A JSON call to the API (a body of None sends none); the JSON answer."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{server.url}{path}", data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def page_token(page: Any) -> str:
    """The control token the page holds for its session."""
    return str(page.evaluate("window.__playground.connection.token"))


def toast(page: Any, timeout: float = 20_000) -> str:
    """The next message the page shows (the toast at the bottom), once visible."""
    page.wait_for_selector("#server-message:not([hidden])", timeout=timeout)
    return str(page.inner_text("#server-message"))
