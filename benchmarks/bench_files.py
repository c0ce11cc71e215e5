"""What the notebook endpoints cost on the largest network: CSV out and in (5,000 points),
the SVG and PNG figures, model.py, and a session file out and in.  Prints the best of a few
runs of each, in milliseconds, and the sizes; run in-process (no server), so the figures are
the work itself, which the server does in its workers.

    .venv/bin/python benchmarks/bench_files.py
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import orjson

from app.output import figure
from core.boundary import grid_axes
from core.config import PlaygroundConfig
from core.modelcode import model_source
from core.points import parse_csv, to_csv
from core.session import Session
from core.snapshot import from_document, to_document

LARGEST = PlaygroundConfig(
    seed="0.12345",
    dataset="spiral",
    networkShape=(8, 8, 8, 8, 8, 8),
    xSquared=True,
    ySquared=True,
    xTimesY=True,
    sinX=True,
    sinY=True,
)


def best_ms(fn: Callable[[], Any], runs: int = 5) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best * 1e3, result


def grid(session: Session, cells: int) -> np.ndarray:
    xs, ys = grid_axes(cells)
    gx, gy = np.meshgrid(xs, ys)
    values: np.ndarray = session.output(np.column_stack([gx.ravel(), gy.ravel()])).reshape(cells, cells)
    return values


def main() -> None:
    session = Session(LARGEST)
    session.step(20)
    rng = np.random.default_rng(0)
    points = np.column_stack([rng.uniform(-6, 6, (5000, 2)), rng.choice([-1.0, 1.0], 5000)])
    session.use_points(points)
    rows: list[tuple[str, float, str]] = []

    ms, text = best_ms(lambda: to_csv(session.train, session.test))
    rows.append(("data.csv, 5,000 points", ms, f"{len(text) / 1024:.0f} KB"))
    ms, _ = best_ms(lambda: parse_csv(text, session.config))
    rows.append(("PUT data: parse and check 5,000 rows", ms, ""))

    def figure_of(cells: np.ndarray, side: int) -> figure.Figure:
        """The session's figure at ``side`` px from ``cells``, with 250 points of each set."""
        train, test = session.train[:250], session.test[:250]
        return figure.Figure(cells, train, test, False, session.epoch, session.loss_train, session.loss_test, side)

    for side in (400, 1000):
        shown = figure_of(grid(session, min(side, 200)), side)
        ms, svg = best_ms(lambda shown=shown: figure.svg(shown), 3)
        rows.append((f"SVG figure {side} px, 500 points", ms, f"{len(svg) / 1024:.0f} KB"))
        shown = figure_of(grid(session, side), side)
        ms, png = best_ms(lambda shown=shown: figure.png(shown), 3)
        rows.append((f"PNG figure {side} px (axes=true), 500 points", ms, f"{len(png) / 1024:.0f} KB"))
        ms, _ = best_ms(lambda side=side: grid(session, side), 3)
        rows.append((f"  the {side} x {side} grid itself, 6 x 8 network", ms, ""))
    ms, code = best_ms(lambda: model_source(session))
    rows.append(("model.py, 6 x 8 network", ms, f"{len(code) / 1024:.0f} KB"))
    ms, document = best_ms(lambda: orjson.dumps(to_document(session)))
    rows.append(("export: session file with 5,000 points", ms, f"{len(document) / 1024:.0f} KB"))
    ms, _ = best_ms(lambda: from_document(orjson.loads(document)))
    rows.append(("import: read and check it", ms, ""))

    width = max(len(name) for name, _, _ in rows)
    for name, ms, size in rows:
        print(f"{name:<{width}}  {ms:8.1f} ms  {size}")


if __name__ == "__main__":
    main()
