"""REST: the lecture — explain one weight's gradient, the loss along it,
fork a session, share it with a class.  Pointing every watcher at a weight
(`select`) is a command: app/protocol/commands.py."""

from __future__ import annotations

import io
from typing import Annotated, Any

import orjson
import segno
from fastapi import APIRouter, Query, Request, Response, status

from app.output.serialize import json_response, jsonable
from app.routes.deps import NEEDS_TOKEN, READ, Controlled, Limits, Readable, Store
from app.schemas import SessionCreated, ShareLink
from app.web.addresses import share_base
from app.web.client_limits import READ_FLOOR

router = APIRouter(prefix="/api/sessions/{session_id}", tags=["lecture"])

Index = Annotated[int, Query(ge=0, le=10_000)]
DEFAULT_SAMPLES = 61  # the slice's samples by default: those of the explanation every watcher gets
Source = Annotated[int | None, Query(ge=0, le=10_000, description="omit for the target's bias")]


@router.get("/explain", responses=READ)
async def explain(reader: Readable, layer: Index, target: Index, source: Source = None, point: Index = 0) -> Response:
    """The lecture's decomposition of ∂E/∂w for one weight (or bias) at one training point.

    `layer` 0 holds the links from the inputs; `source` and `target` are node
    indices in the two layers; `point` a training-point index.  The answer
    has `gradient` (∂E/∂w for that point), `new_weight` (w − α·gradient),
    every term of the formula, and `batch`: the same averaged over the
    mini-batch that the next update really uses.
    """
    live = reader.live
    taught = live.explanation_for(layer, source, target, point)  # the teacher's: a class asks it once per student
    if taught is not None:
        return json_response(taught["explain"])

    async def compute() -> bytes:
        result = await live.read(lambda s: s.explain(layer, source, target, point), reader.key, estimate=1.0)
        return orjson.dumps(jsonable(result))

    return _json(await reader.answer(("explain", layer, source, target, point), READ_FLOOR, compute))


@router.get("/slice", responses=READ)
async def loss_slice(
    reader: Readable,
    layer: Index,
    target: Index,
    source: Source = None,
    samples: Annotated[int, Query(ge=3, le=401)] = DEFAULT_SAMPLES,
) -> Response:
    """The training loss as a function of one weight, everything else fixed: the values, the slope
    there (the tangent) and where the next update lands."""
    live = reader.live
    taught = live.explanation_for(layer, source, target, None) if samples == DEFAULT_SAMPLES else None
    if taught is not None:
        return json_response(taught["slice"])
    session = live.session
    cost = samples * int(session.train.shape[0]) * max(1, session.network.n_weights)

    async def compute() -> bytes:
        result = await live.read(lambda s: s.loss_slice(layer, source, target, samples), reader.key, estimate=1.0)
        return orjson.dumps(jsonable(result))

    return _json(await reader.answer(("slice", layer, source, target, samples), cost, compute))


def _json(body: bytes) -> Response:
    return Response(body, media_type="application/json")


@router.post("/fork", status_code=status.HTTP_201_CREATED, response_model=SessionCreated, responses=READ)
async def fork_session(reader: Readable, store: Store, limits: Limits) -> Response:
    """A new session of your own, starting from this one's current data, weights and settings.
    Anyone watching may fork; the answer carries the new session's control token.  Forks of a
    shared session by its class draw on the class's budget (its watcher limit an hour)."""
    live, key = reader.live, reader.key
    from_class = live.shared and not reader.controls
    if from_class:
        limits.class_fork(live.id)
    else:
        limits.creation(key)
    forked, token = await store.fork(live, key, holder=f"class:{live.id}" if from_class else None)
    state = await forked.read_state(("data",), key)
    return json_response({"id": forked.id, "control_token": token, "state": state}, status.HTTP_201_CREATED)


@router.post("/share", response_model=ShareLink, responses=NEEDS_TOKEN)
async def share_session(live: Controlled, store: Store, request: Request) -> dict[str, Any]:
    """A short view-only link to this session for a class, and its QR code (SVG, drawn on the server)."""
    code = await store.share_code(live)
    settings = request.app.state.settings
    base = share_base(
        request.url.hostname,
        str(request.base_url),
        settings.host,
        settings.port,
        request.url.scheme,
        settings.public_url,
    )
    url = f"{base}/s/{code}"
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=2, xmldecl=False, dark="#183d4e")
    return {"code": code, "url": url, "qr_svg": buffer.getvalue().decode()}
