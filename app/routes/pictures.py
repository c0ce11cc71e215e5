"""REST: pictures of a session — the output heatmap as a PNG or as numbers."""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from fastapi import APIRouter, Query, Response

from app import render
from app.deps import NOT_FOUND, Watched
from app.serialize import json_response, number
from core.boundary import grid_axes

router = APIRouter(prefix="/api/sessions/{session_id}", tags=["network"])


@router.get("/boundary", responses={**NOT_FOUND, 200: {"content": {"image/png": {}, "application/json": {}}}})
async def boundary(
    live: Watched,
    format: Literal["png", "json"] = "png",
    size: Annotated[int | None, Query(ge=2, le=1000, description="png: pixels a side (400); json: cells (100)")] = None,
    points: Literal["train", "test", "both", "none"] = "train",
    discretize: bool | None = None,
) -> Response:
    """The output heatmap over [-6, 6]²: a PNG for slides (with the points), or the numbers."""
    density = size or (400 if format == "png" else 100)
    async with live.lock:
        session = live.session
        xs, ys = grid_axes(density)
        gx, gy = np.meshgrid(xs, ys)
        values = await live.workers.run(session.predict, np.column_stack([gx.ravel(), gy.ravel()]))
        grid = values.reshape(density, density)
        train_points, test_points = session.train, session.test
        show_discrete = session.config.discretize if discretize is None else discretize
    if format == "json":
        return json_response(
            {
                "epoch": session.epoch,
                "size": density,
                "x": xs.tolist(),
                "y": ys.tolist(),
                "values": [[number(v) for v in row] for row in grid.tolist()],
            }
        )

    def draw() -> bytes:
        image = render.colorize(grid, show_discrete)
        radius = max(1.5, 3 * density / 260)
        if points in ("train", "both"):
            render.draw_points(image, train_points, (255, 255, 255), radius)
        if points in ("test", "both"):
            render.draw_points(image, test_points, (0, 0, 0), radius)
        return render.encode_png(image)

    return Response(await live.workers.run(draw), media_type="image/png")
