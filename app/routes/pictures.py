"""REST: pictures of a session — the output heatmap as a PNG or SVG for slides, or as numbers.

Pictures are computed off the event loop, on a copy of the session, in
chunks that take turns with everyone else's work; their size is capped, and
the last few are cached per session until the session changes.  The figure
(axes, ticks, points, legend) is drawn by app/output/figure.py.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal

import numpy as np
import orjson
from fastapi import APIRouter, Query, Response

from app.output import figure, raster
from app.output.serialize import number
from app.routes.deps import READ, AppSettings, Jobs, Readable
from app.sessions.live import LiveSession
from app.sessions.scheduler import Scheduler
from core.boundary import grid_axes
from core.errors import InvalidValue
from core.session import Session

router = APIRouter(prefix="/api/sessions/{session_id}", tags=["pictures"])

PICTURES: dict[int | str, dict[str, Any]] = {
    **READ,
    200: {"content": {"image/png": {}, "image/svg+xml": {}, "application/json": {}}, "description": "The picture"},
}
MEDIA = {"png": "image/png", "svg": "image/svg+xml", "json": "application/json"}
CHUNK_POINTS = 20_000  # grid points per job: a few milliseconds on the largest network
SVG_CELLS = 200  # the SVG embeds its heatmap at most this many cells a side; viewers scale it smoothly
NO_POINTS = np.zeros((0, 3))
PIXEL_COST = 30  # colouring, drawing the points and compressing a pixel: about 30 weight-passes' time


@router.get("/boundary", responses=PICTURES)
async def boundary(
    reader: Readable,
    jobs: Jobs,
    settings: AppSettings,
    format: Literal["png", "svg", "json"] = "png",
    size: Annotated[
        int | None, Query(ge=2, le=1000, description="png, svg: pixels a side (400); json: cells (100)")
    ] = None,
    points: Literal["train", "test", "both", "none"] = "train",
    discretize: bool | None = None,
    axes: Annotated[bool, Query(description="png: add axes, tick labels, a legend and a caption, as svg has")] = False,
    lang: Annotated[Literal[figure.LANGUAGES], Query(description="the legend's words; ko needs format=svg")] = "en",  # type: ignore[valid-type]
) -> Response:
    """The output heatmap over [-6, 6]² on the label scale (−1 orange … +1 blue, the page's colours).

    `png`: the plot alone, one cell per pixel, or with `axes=true` a figure for slides; `svg`: the figure
    (axes, tick labels, points, legend, caption) with the heatmap embedded; `json`: the numbers,
    `values[row][column]` at `(x[column], y[row])`, as the model's `predict(x, y)` gives them.
    """
    if lang != "en" and format != "svg":
        raise InvalidValue("lang", f"{lang} needs format=svg: the PNG's font has no Hangul")
    side = size or (100 if format == "json" else 400)
    density = min(side, SVG_CELLS) if format == "svg" else side
    limit = settings.max_json_cells if format == "json" else settings.max_picture_cells
    if density * density > limit:
        raise InvalidValue("size", f"at most {int(limit**0.5)} for format={format}, got {density}")
    live, key = reader.live, reader.key
    weights = max(1, live.session.network.n_weights)
    cost = density * density * weights + side * side * PIXEL_COST

    async def compute() -> bytes:
        return await _picture(live, key, jobs, format, side, density, points, discretize, axes, lang)

    body = await reader.answer(("boundary", format, side, points, discretize, axes, lang), cost, compute)
    return Response(body, media_type=MEDIA[format])


async def _picture(
    live: LiveSession,
    key: str,
    jobs: Scheduler,
    format: str,
    side: int,
    density: int,
    points: str,
    discretize: bool | None,
    axes: bool,
    lang: str,
) -> bytes:
    copy = await live.reading_copy(key)
    # One picture at a time per client, in a lane of its own: however many it
    # asks for at once, they hold at most one worker, and everyone else's
    # frames take turns with each of their jobs.
    lane = f"\0pictures:{key}"  # no session id starts with NUL
    xs, ys = grid_axes(density)
    values = np.empty(density * density)  # row-major: cell i is (xs[i % density], ys[i // density])

    def output(start: int, stop: int) -> np.ndarray:
        """The output at cells start..stop, made in the job (a million cells are 16 MB)."""
        index = np.arange(start, stop)
        return copy.output(np.column_stack([xs[index % density], ys[index // density]]))

    for start in range(0, values.shape[0], CHUNK_POINTS):
        stop = min(start + CHUNK_POINTS, values.shape[0])
        values[start:stop] = await jobs.run(functools.partial(output, start, stop), client=key, lane=lane)
    grid = values.reshape(density, density)
    if format == "json":
        body = await jobs.run(lambda: _numbers(copy, xs, ys, grid), client=key, lane=lane)
    else:
        shown = _figure(copy, grid, side, points, discretize, lang)
        draw = {"svg": _svg, "png": figure.png if axes else _plain}[format]
        body = await jobs.run(functools.partial(draw, shown), client=key, lane=lane)
    return body


def _numbers(session: Session, xs: np.ndarray, ys: np.ndarray, grid: np.ndarray) -> bytes:
    values = grid.tolist() if np.isfinite(grid).all() else [[number(v) for v in row] for row in grid.tolist()]
    return orjson.dumps(
        {"epoch": session.epoch, "size": grid.shape[0], "x": xs.tolist(), "y": ys.tolist(), "values": values}
    )


def _figure(
    session: Session, grid: np.ndarray, side: int, points: str, discretize: bool | None, lang: str
) -> figure.Figure:
    return figure.Figure(
        grid=grid,
        train=session.train if points in ("train", "both") else NO_POINTS,
        test=session.test if points in ("test", "both") else NO_POINTS,
        discretize=session.config.discretize if discretize is None else discretize,
        epoch=session.epoch,
        loss_train=session.loss_train,
        loss_test=session.loss_test,
        size=side,
        lang=lang,
    )


def _svg(shown: figure.Figure) -> bytes:
    return figure.svg(shown).encode()


def _plain(shown: figure.Figure) -> bytes:
    """The plot alone, one cell per pixel, with the points."""
    image = raster.colorize(shown.grid, shown.discretize)
    raster.draw_points(image, shown.train, (255, 255, 255), shown.radius)
    raster.draw_points(image, shown.test, (0, 0, 0), shown.radius)
    return raster.encode_png(image)
