"""REST: pictures of a session — the output heatmap as a PNG or as numbers.

Pictures are computed off the event loop, on a copy of the session, in
chunks that take turns with everyone else's work; their size is capped, and
the last few are cached per session until the session changes.
"""

from __future__ import annotations

import functools
from typing import Annotated, Literal

import numpy as np
import orjson
from fastapi import APIRouter, Query, Response

from app import render
from app.deps import NOT_FOUND, AppSettings, ClientKey, Jobs, Readable
from app.serialize import number
from core.boundary import grid_axes
from core.errors import InvalidValue
from core.session import Session

router = APIRouter(prefix="/api/sessions/{session_id}", tags=["network"])

CHUNK_POINTS = 20_000  # grid points per job: a few milliseconds on the largest network


@router.get("/boundary", responses={**NOT_FOUND, 200: {"content": {"image/png": {}, "application/json": {}}}})
async def boundary(
    live: Readable,
    key: ClientKey,
    jobs: Jobs,
    settings: AppSettings,
    format: Literal["png", "json"] = "png",
    size: Annotated[int | None, Query(ge=2, le=1000, description="png: pixels a side (400); json: cells (100)")] = None,
    points: Literal["train", "test", "both", "none"] = "train",
    discretize: bool | None = None,
) -> Response:
    """The output heatmap over [-6, 6]²: a PNG for slides (with the points), or the numbers."""
    density = size or (400 if format == "png" else 100)
    limit = settings.max_json_cells if format == "json" else settings.max_picture_cells
    if density * density > limit:
        raise InvalidValue("size", f"at most {int(limit**0.5)} for format={format}, got {density}")
    media = "application/json" if format == "json" else "image/png"
    cache_key = (format, density, points, discretize, live.generation, live.version)
    cached = live.pictures.get(cache_key)
    if cached is not None:
        return Response(cached, media_type=media)
    copy = await live.reading_copy(key)
    xs, ys = grid_axes(density)
    gx, gy = np.meshgrid(xs, ys)
    cells = np.column_stack([gx.ravel(), gy.ravel()])  # (density², 2)
    values = np.empty(cells.shape[0])
    for start in range(0, cells.shape[0], CHUNK_POINTS):
        chunk = slice(start, start + CHUNK_POINTS)
        values[chunk] = await jobs.run(functools.partial(copy.predict, cells[chunk]), client=key)
    grid = values.reshape(density, density)
    if format == "json":
        body = await jobs.run(lambda: _numbers(copy, xs, ys, grid), client=key)
    else:
        show_discrete = copy.config.discretize if discretize is None else discretize
        body = await jobs.run(lambda: _png(copy, grid, density, points, show_discrete), client=key)
    live.pictures.put(cache_key, body)
    return Response(body, media_type=media)


def _numbers(session: Session, xs: np.ndarray, ys: np.ndarray, grid: np.ndarray) -> bytes:
    values = grid.tolist() if np.isfinite(grid).all() else [[number(v) for v in row] for row in grid.tolist()]
    return orjson.dumps({"epoch": session.epoch, "size": grid.shape[0], "x": xs.tolist(), "y": ys.tolist(),
                         "values": values})  # fmt: skip


def _png(session: Session, grid: np.ndarray, density: int, points: str, discretize: bool) -> bytes:
    image = render.colorize(grid, discretize)
    radius = max(1.5, 3 * density / 260)
    if points in ("train", "both"):
        render.draw_points(image, session.train, (255, 255, 255), radius)
    if points in ("test", "both"):
        render.draw_points(image, session.test, (0, 0, 0), radius)
    return render.encode_png(image)
