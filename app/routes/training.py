"""REST: training a session — step, play, pause, speed, reset, new data."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response, status

from app.deps import NEEDS_TOKEN, ClientKey, Controlled, Limits
from app.limits import check_work
from app.schemas import PlayRequest, SessionState, SpeedRequest, StepRequest
from app.serialize import json_response

router = APIRouter(prefix="/api/sessions/{session_id}", tags=["training"], responses=NEEDS_TOKEN)


@router.post("/step", response_model=SessionState)
async def step_session(live: Controlled, key: ClientKey, limits: Limits, body: StepRequest | None = None
                       ) -> Response:  # fmt: skip
    """Train `epochs` epochs (default 1) and answer the state after them.

    Long steps run in slices that take turns with other sessions; a pause
    or change from another client stops it early (409, the epochs trained
    so far are kept)."""
    body = body or StepRequest()
    check_work(live.cost(body.epochs), live.settings.max_work, f"{body.epochs} epochs")
    with limits.busy(key):
        await live.step(body.epochs, key)
    return json_response(await live.read_state((), key))


@router.post("/reset", response_model=SessionState)
async def reset_session(live: Controlled, key: ClientKey) -> Response:
    """New weights from the continuing random stream; epoch 0."""
    await live.change(lambda s: s.reset(), key)
    return json_response(await live.read_state((), key))


@router.post("/regenerate", response_model=SessionState)
async def regenerate_session(live: Controlled, key: ClientKey) -> Response:
    """A new seed and new data; the network is kept."""
    await live.change(lambda s: s.regenerate(), key)
    return json_response(await live.read_state(("data",), key))


@router.post("/play", response_model=SessionState, responses={409: {"description": "Nobody is watching"}})
async def play_session(live: Controlled, key: ClientKey, body: PlayRequest | None = None) -> Response:
    """Start training in the background, as the page's play button does: every watcher receives the frames.

    A session plays only while a page watches it (it pauses when the last
    watcher leaves), so with no watcher the answer is 409: train with `step`.
    `epochs_per_frame` sets the speed first (as `POST .../speed`).
    """
    if not live.watchers:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            "nobody is watching this session, and a session plays only while a page watches it; "
            "open it in a page, or train with POST .../step",
        )
    if body is not None and body.epochs_per_frame is not None:
        live.set_speed(body.epochs_per_frame)
    live.play()
    return json_response(await live.read_state((), key))


@router.post("/pause", response_model=SessionState)
async def pause_session(live: Controlled, key: ClientKey) -> Response:
    """Stop training in the background, and any long step (nothing happens if it is not playing)."""
    live.pause(by_client=True)
    return json_response(await live.read_state((), key))


@router.post("/speed", response_model=SessionState)
async def set_speed(live: Controlled, key: ClientKey, body: SpeedRequest) -> Response:
    """Epochs trained per frame while playing (1 is the original's pace); every watcher is told."""
    live.set_speed(body.epochs_per_frame)
    return json_response(await live.read_state((), key))
