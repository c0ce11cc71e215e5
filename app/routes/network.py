"""REST: editing the network by hand — one weight or one bias."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.deps import NEEDS_TOKEN, Controlled
from app.schemas import BiasUpdate, SessionState, WeightUpdate

router = APIRouter(prefix="/api/sessions/{session_id}", tags=["network"], responses=NEEDS_TOKEN)


@router.put("/weights", response_model=SessionState)
async def put_weight(live: Controlled, body: WeightUpdate) -> dict[str, Any]:
    """Set one weight: `layer` 0 holds the links from the inputs; `source` and `target` are node indices."""
    await live.change(lambda s: s.set_weight(body.layer, body.source, body.target, body.value), announce=False)
    return live.state()


@router.put("/biases", response_model=SessionState)
async def put_bias(live: Controlled, body: BiasUpdate) -> dict[str, Any]:
    """Set one bias: `layer` 0 is the first hidden layer."""
    await live.change(lambda s: s.set_bias(body.layer, body.node, body.value), announce=False)
    return live.state()
