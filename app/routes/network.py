"""REST: editing the network by hand — one weight or one bias."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.deps import NEEDS_TOKEN, ClientKey, Controlled
from app.schemas import BiasUpdate, SessionState, WeightUpdate
from app.serialize import json_response

router = APIRouter(prefix="/api/sessions/{session_id}", tags=["network"], responses=NEEDS_TOKEN)


@router.put("/weights", response_model=SessionState)
async def put_weight(live: Controlled, key: ClientKey, body: WeightUpdate) -> Response:
    """Set one weight: `layer` 0 holds the links from the inputs; `source` and `target` are node indices."""
    await live.change(lambda s: s.set_weight(body.layer, body.source, body.target, body.value), key, announce=False)
    return json_response(await live.read_state((), key))


@router.put("/biases", response_model=SessionState)
async def put_bias(live: Controlled, key: ClientKey, body: BiasUpdate) -> Response:
    """Set one bias: `layer` 0 is the first hidden layer."""
    await live.change(lambda s: s.set_bias(body.layer, body.node, body.value), key, announce=False)
    return json_response(await live.read_state((), key))
