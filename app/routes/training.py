"""REST: training a session — step, play, pause, speed, reset, new data."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, status

from app.deps import NEEDS_TOKEN, Controlled
from app.limits import check_work
from app.schemas import PlayRequest, SessionState, SpeedRequest, StepRequest

router = APIRouter(prefix="/api/sessions/{session_id}", tags=["training"], responses=NEEDS_TOKEN)


@router.post("/step", response_model=SessionState)
async def step_session(live: Controlled, body: StepRequest | None = None) -> dict[str, Any]:
    """Train `epochs` epochs (default 1) and answer the state after them."""
    body = body or StepRequest()
    check_work(live.session.train.shape[0], body.epochs, live.settings.max_work)
    await live.step(body.epochs)
    return live.state()


@router.post("/reset", response_model=SessionState)
async def reset_session(live: Controlled) -> dict[str, Any]:
    """New weights from the continuing random stream; epoch 0."""
    await live.change(lambda s: s.reset())
    return live.state()


@router.post("/regenerate", response_model=SessionState)
async def regenerate_session(live: Controlled) -> dict[str, Any]:
    """A new seed and new data; the network is kept."""
    await live.change(lambda s: s.regenerate())
    return live.state(("data",))


@router.post("/play", response_model=SessionState, responses={409: {"description": "Nobody is watching"}})
async def play_session(live: Controlled, body: PlayRequest | None = None) -> dict[str, Any]:
    """Start training in the background, as the page's play button does: every watcher receives the frames.

    A session plays only while a page watches it (it pauses when the last
    watcher leaves), so with no watcher the answer is 409: train with `step`.
    `epochs_per_frame` sets the speed first (as `POST .../speed`).
    """
    if not live.clients:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            "nobody is watching this session, and a session plays only while a page watches it; "
            "open it in a page, or train with POST .../step",
        )
    if body is not None and body.epochs_per_frame is not None:
        live.set_speed(body.epochs_per_frame)
    live.play()
    return live.state()


@router.post("/pause", response_model=SessionState)
async def pause_session(live: Controlled) -> dict[str, Any]:
    """Stop training in the background (nothing happens if it is not playing)."""
    live.pause()
    return live.state()


@router.post("/speed", response_model=SessionState)
async def set_speed(live: Controlled, body: SpeedRequest) -> dict[str, Any]:
    """Epochs trained per frame while playing (1 is the original's pace); every watcher is told."""
    live.set_speed(body.epochs_per_frame)
    return live.state()
