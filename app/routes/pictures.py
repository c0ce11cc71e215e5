"""REST: pictures of a session — the output heatmap as a PNG or SVG for slides, or as numbers."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, Query, Response

from app import figure, render
from app.deps import NOT_FOUND, Watched
from app.serialize import json_response, number
from core.boundary import grid_axes
from core.errors import InvalidValue

router = APIRouter(prefix="/api/sessions/{session_id}", tags=["pictures"])

PICTURES: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    200: {"content": {"image/png": {}, "image/svg+xml": {}, "application/json": {}}, "description": "The picture"},
}
SVG_CELLS = 200  # the SVG embeds its heatmap at most this many cells a side; viewers scale it smoothly
NO_POINTS = np.zeros((0, 3))


@router.get("/boundary", responses=PICTURES)
async def boundary(
    live: Watched,
    format: Literal["png", "svg", "json"] = "png",
    size: Annotated[int | None, Query(ge=2, le=1000, description="png, svg: pixels a side (400); json: cells (100)")]
    = None,
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
    cells = {"png": size or 400, "svg": min(size or 400, SVG_CELLS), "json": size or 100}
    density = cells[format]
    xs, ys = grid_axes(density)
    gx, gy = np.meshgrid(xs, ys)
    async with live.lock:
        session = live.session
        values = await live.workers.run(session.output, np.column_stack([gx.ravel(), gy.ravel()]))
        grid = values.reshape(density, density)
        train_points, test_points = session.train, session.test
        show_discrete = session.config.discretize if discretize is None else discretize
        epoch, loss_train, loss_test = session.epoch, session.loss_train, session.loss_test
    if format == "json":
        return json_response(
            {
                "epoch": epoch,
                "size": density,
                "x": xs.tolist(),
                "y": ys.tolist(),
                "values": [[number(v) for v in row] for row in grid.tolist()],
            }
        )
    shown = figure.Figure(
        grid=grid,
        train=train_points if points in ("train", "both") else NO_POINTS,
        test=test_points if points in ("test", "both") else NO_POINTS,
        discretize=show_discrete,
        epoch=epoch,
        loss_train=loss_train,
        loss_test=loss_test,
        size=size or 400,
        lang=lang,
    )
    if format == "svg":
        return Response(await live.workers.run(figure.svg, shown), media_type="image/svg+xml")
    if axes:
        return Response(await live.workers.run(figure.png, shown), media_type="image/png")

    def plain() -> bytes:
        image = render.colorize(grid, show_discrete)
        render.draw_points(image, shown.train, (255, 255, 255), shown.radius)
        render.draw_points(image, shown.test, (0, 0, 0), shown.radius)
        return render.encode_png(image)

    return Response(await live.workers.run(plain), media_type="image/png")
