"""REST: training a session — step, reset, new data."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.deps import NEEDS_TOKEN, Controlled
from app.limits import check_work
from app.schemas import SessionState, StepRequest

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
