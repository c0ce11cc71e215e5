"""The REST API: sessions, single steps, the stateless step, pictures."""

from __future__ import annotations

import io
import json
import secrets
from typing import Annotated, Any, Literal

import numpy as np
import segno
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app import render
from app.live import LiveSession
from app.schemas import (
    BiasUpdate,
    ConfigFields,
    HashRequest,
    NetworkState,
    SessionCreate,
    SessionCreated,
    SessionState,
    ShareLink,
    StatelessStep,
    StatelessStepResult,
    StepRequest,
    WeightUpdate,
)
from app.store import SessionStore, UnknownSession
from app.views import jsonable, network_state, number
from core.boundary import grid_axes
from core.config import PlaygroundConfig
from core.datasets import generate
from core.errors import InvalidValue
from core.rng import SeedRandom
from core.session import Session

router = APIRouter(prefix="/api")
bearer = HTTPBearer(auto_error=False, description="The control token returned when the session was created.")

SessionId = Annotated[str, Path(min_length=1, max_length=64, description="A session id from POST /api/sessions")]
Include = Annotated[
    str | None,
    Query(max_length=100, description="Comma-separated extras: data (train and test points), history, pending"),
]
INCLUDES = ("data", "history", "pending")
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "Unknown session"}}
NEEDS_TOKEN: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing control token"},
    403: {"description": "Wrong control token"},
    **NOT_FOUND,
}


def _store(request: Request) -> SessionStore:
    store: SessionStore = request.app.state.store
    return store


def watched(session_id: SessionId, request: Request) -> LiveSession:
    """The session, for reading: anyone with the id may watch."""
    try:
        live = _store(request).get(session_id)
    except UnknownSession:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"unknown session {session_id!r}") from None
    live.touch()
    return live


def controlled(
    live: Annotated[LiveSession, Depends(watched)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> LiveSession:
    """The session, for changing: only the holder of its control token."""
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "this call changes the session: send its control token as 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not secrets.compare_digest(credentials.credentials.encode(), live.token.encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "wrong control token for this session")
    return live


Watched = Annotated[LiveSession, Depends(watched)]
Controlled = Annotated[LiveSession, Depends(controlled)]


def _includes(include: str | None) -> tuple[str, ...]:
    names = tuple(part.strip() for part in (include or "").split(",") if part.strip())
    for name in names:
        if name not in INCLUDES:
            raise InvalidValue("include", f"{name!r} is not allowed; allowed: {', '.join(INCLUDES)}")
    return names


def _config(config: ConfigFields | None, hash: str | None) -> PlaygroundConfig:
    """A config from a TF Playground hash and/or fields (fields win)."""
    base = PlaygroundConfig.from_hash(hash) if hash is not None else None
    given = config.given() if config is not None else {}
    if base is None:
        return PlaygroundConfig(**given)
    return base.replace(**given) if given else base


def _restore_args(network: NetworkState) -> dict[str, Any]:
    pending = network.pending
    return {
        "weights": network.weights,
        "biases": network.biases,
        "dead": network.dead,
        "pending": None if pending is None else (pending.count, pending.weights, pending.biases),
    }


@router.post("/sessions", status_code=status.HTTP_201_CREATED, response_model=SessionCreated, tags=["sessions"])
async def create_session(request: Request, body: SessionCreate | None = None) -> dict[str, Any]:
    """Create a session from config fields and/or a TF Playground hash.

    The answer holds the session id (anyone may watch with it) and the
    control token (keep it: every change needs it).  `network` and `epoch`
    restore a trained network of the same shape.
    """
    body = body or SessionCreate()

    def build() -> Session:
        config = _config(body.config, body.hash)
        if body.scenario is not None:
            config = config.replace(scenario=body.scenario)
        session = Session(config)
        if body.network is not None or body.epoch is not None:
            if body.network is None:
                raise InvalidValue("epoch", "only meaningful together with network")
            session.restore(**_restore_args(body.network), epoch=body.epoch)
        return session

    live = await _store(request).create(build)
    return {"id": live.id, "control_token": live.token, "state": live.state(("data",))}


@router.get("/sessions/{session_id}", response_model=SessionState, responses=NOT_FOUND, tags=["sessions"])
async def read_session(live: Watched, include: Include = None) -> dict[str, Any]:
    """The session's state; `include=data,history,pending` adds points, the loss history, pending gradients."""
    names = _includes(include)
    async with live.lock:
        return live.state(names)


@router.delete(
    "/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NEEDS_TOKEN, tags=["sessions"]
)
async def delete_session(live: Controlled, request: Request) -> Response:
    await _store(request).delete(live.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/sessions/{session_id}/step", response_model=SessionState, responses=NEEDS_TOKEN, tags=["training"])
async def step_session(live: Controlled, body: StepRequest | None = None) -> dict[str, Any]:
    """Train `epochs` epochs (default 1) and answer the state after them."""
    body = body or StepRequest()
    _check_work(live.session.train.shape[0], body.epochs, live.settings.max_work)
    await live.step(body.epochs)
    return live.state()


@router.post("/sessions/{session_id}/reset", response_model=SessionState, responses=NEEDS_TOKEN, tags=["training"])
async def reset_session(live: Controlled) -> dict[str, Any]:
    """New weights from the continuing random stream; epoch 0."""
    await live.change(lambda s: s.reset())
    return live.state()


@router.post("/sessions/{session_id}/regenerate", response_model=SessionState, responses=NEEDS_TOKEN, tags=["training"])
async def regenerate_session(live: Controlled) -> dict[str, Any]:
    """A new seed and new data; the network is kept."""
    await live.change(lambda s: s.regenerate())
    return live.state(("data",))


@router.patch("/sessions/{session_id}/config", response_model=SessionState, responses=NEEDS_TOKEN, tags=["sessions"])
async def patch_config(live: Controlled, body: ConfigFields, response: Response) -> dict[str, Any]:
    """Change any fields, with the original's semantics: the learning rate applies live; the network's
    settings build a new network; the data's settings draw a new seed and new data.  The header
    `X-Playground-Effect` says which happened (none, live, reset, data, seed)."""
    effect = await live.change(lambda s: s.update(**body.given()))
    response.headers["X-Playground-Effect"] = effect
    return live.state()


@router.post("/sessions/{session_id}/hash", response_model=SessionState, responses=NEEDS_TOKEN, tags=["sessions"])
async def apply_hash(live: Controlled, body: HashRequest, response: Response) -> dict[str, Any]:
    """Apply a TF Playground URL hash to the session as one change (a hash without `seed` keeps the seed)."""
    effect = await live.change(lambda s: s.apply_hash(body.hash))
    response.headers["X-Playground-Effect"] = effect
    return live.state()


@router.put("/sessions/{session_id}/weights", response_model=SessionState, responses=NEEDS_TOKEN, tags=["network"])
async def put_weight(live: Controlled, body: WeightUpdate) -> dict[str, Any]:
    """Set one weight: `layer` 0 holds the links from the inputs; `source` and `target` are node indices."""
    await live.change(lambda s: s.set_weight(body.layer, body.source, body.target, body.value), announce=False)
    return live.state()


@router.put("/sessions/{session_id}/biases", response_model=SessionState, responses=NEEDS_TOKEN, tags=["network"])
async def put_bias(live: Controlled, body: BiasUpdate) -> dict[str, Any]:
    """Set one bias: `layer` 0 is the first hidden layer."""
    await live.change(lambda s: s.set_bias(body.layer, body.node, body.value), announce=False)
    return live.state()


Index = Annotated[int, Query(ge=0, le=10_000)]
Source = Annotated[int | None, Query(ge=0, le=10_000, description="omit for the target's bias")]


@router.get("/sessions/{session_id}/explain", responses=NOT_FOUND, tags=["lecture"])
async def explain(
    live: Watched,
    layer: Index,
    target: Index,
    source: Source = None,
    point: Index = 0,
) -> Response:
    """The lecture's decomposition of ∂E/∂w for one weight (or bias) at one training point.

    `layer` 0 holds the links from the inputs; `source` and `target` are node
    indices in the two layers; `point` a training-point index.  The answer
    has `gradient` (∂E/∂w for that point), `new_weight` (w − α·gradient),
    every term of the formula, and `batch`: the same averaged over the
    mini-batch that the next update really uses.
    """
    async with live.lock:
        result = await live.workers.run(live.session.explain, layer, source, target, point)
    return _json_response(jsonable(result))


@router.get("/sessions/{session_id}/slice", responses=NOT_FOUND, tags=["lecture"])
async def loss_slice(
    live: Watched,
    layer: Index,
    target: Index,
    source: Source = None,
    samples: Annotated[int, Query(ge=3, le=401)] = 61,
) -> Response:
    """The training loss as a function of one weight, everything else fixed: the values, the slope
    there (the tangent) and where the next update lands."""
    async with live.lock:
        result = await live.workers.run(live.session.loss_slice, layer, source, target, samples)
    return _json_response(jsonable(result))


@router.post(
    "/sessions/{session_id}/fork", status_code=status.HTTP_201_CREATED, response_model=SessionCreated,
    responses=NOT_FOUND, tags=["lecture"],
)  # fmt: skip
async def fork_session(live: Watched, request: Request) -> dict[str, Any]:
    """A new session of your own, starting from this one's current data, weights and settings.
    Anyone watching may fork; the answer carries the new session's control token."""
    forked = await _store(request).fork(live)
    return {"id": forked.id, "control_token": forked.token, "state": forked.state(("data",))}


@router.post("/sessions/{session_id}/share", response_model=ShareLink, responses=NEEDS_TOKEN, tags=["lecture"])
async def share_session(live: Controlled, request: Request) -> dict[str, Any]:
    """A short view-only link to this session for a class, and its QR code (SVG, drawn on the server)."""
    code = _store(request).share_code(live)
    base = request.app.state.settings.public_url or str(request.base_url)
    url = f"{base.rstrip('/')}/s/{code}"
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=2, xmldecl=False, dark="#183d4e")
    return {"code": code, "url": url, "qr_svg": buffer.getvalue().decode()}


@router.get(
    "/sessions/{session_id}/boundary",
    responses={**NOT_FOUND, 200: {"content": {"image/png": {}, "application/json": {}}}},
    tags=["network"],
)
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
        return _json_response(
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


def _json_response(content: Any) -> Response:
    return Response(json.dumps(content, allow_nan=False), media_type="application/json")


def _check_work(n_points: int, epochs: int, limit: int) -> None:
    """Bound the CPU one call can ask for (a worker thread is busy meanwhile)."""
    if n_points * epochs > limit:
        raise InvalidValue(
            "epochs", f"{epochs} epochs over {n_points} points is more than one call may ask ({limit} point-passes)"
        )


@router.post("/step", response_model=StatelessStepResult, tags=["training"])
async def stateless_step(body: StatelessStep, request: Request) -> dict[str, Any]:
    """Train a network that the caller holds: nothing is kept on the server.

    Send the config (or a hash), the network's weights, biases and dead
    masks (and pending gradients, if a batch remainder is carried), and
    optionally the points; without points, the data the config's seed
    generates is used, exactly as a session would.  The answer is the
    network after `epochs` epochs and the losses after each.
    """
    config = _config(body.config, body.hash)
    settings = request.app.state.settings
    if config.scenario is not None:
        raise InvalidValue("scenario", "the stateless step takes points, not a scenario")

    def work() -> dict[str, Any]:
        if body.train is None:
            train_points, test_points = generate(SeedRandom(config.seed), config.data_name, config.noise,
                                                 config.percTrainData)  # fmt: skip
            if body.test is not None:
                test_points = np.asarray(body.test, dtype=np.float64).reshape(-1, 3)
        else:
            train_points = np.asarray(body.train, dtype=np.float64).reshape(-1, 3)
            test_points = np.asarray(body.test or [], dtype=np.float64).reshape(-1, 3)
        if train_points.shape[0] == 0:
            raise InvalidValue("train", "expected at least one training point")
        _check_work(train_points.shape[0], body.epochs, settings.max_work)
        # The session's own code path, on the given points and network: the same numbers by construction.
        session = Session.from_points(config, train_points, test_points)
        session.restore(**_restore_args(body.network))
        losses = session.step(body.epochs)
        has_test = test_points.shape[0] > 0
        result = network_state(session.network)
        result.update(
            epochs=body.epochs,
            loss_train=number(session.loss_train),
            loss_test=number(session.loss_test) if has_test else None,
            losses=[[number(a), number(b) if has_test else None] for a, b in losses.tolist()],
        )
        return result

    result: dict[str, Any] = await request.app.state.workers.run(work)
    return result
