"""REST: training a session — step, reset, new data."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.deps import NEEDS_TOKEN, ClientKey, Controlled, Limits
from app.limits import check_work
from app.schemas import SessionState, StepRequest
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
