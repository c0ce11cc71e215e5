"""REST: a session taken away — the whole session as one file, its network as a standalone Python file."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Response

from app.routes.deps import READ, Readable
from core.modelcode import model_source
from core.snapshot import to_document

router = APIRouter(prefix="/api/sessions/{session_id}", tags=["exports"])


@router.get("/export", responses={**READ, 200: {"description": "A session file (JSON)"}})
async def export_session(reader: Readable) -> Response:
    """The whole session as one versioned document (`"format": "playground-session", "version": 1`): config,
    data, network with pending gradients, dead links and optimizer state, epoch, loss history and the random
    stream's position.  `POST /api/sessions {"import": <document>}` continues it exactly."""

    async def compute() -> bytes:
        return orjson.dumps(await reader.live.read(to_document, reader.key, estimate=1.0))

    body = await reader.answer("export", reader.size, compute)
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="playground-session.json"'},
    )


@router.get(
    "/model.py",
    response_class=Response,
    responses={**READ, 200: {"content": {"text/x-python": {}}, "description": "A Python file"}},
)
async def model_code(reader: Readable) -> Response:
    """The network as a Python file needing only NumPy: the weights as literals, and `predict(x, y)`
    (floats or arrays) equal to `boundary?format=json`'s values; `network_output(x, y)` before the
    targets are decoded; `classify(x, y)` (±1) for classification."""

    async def compute() -> bytes:
        text: str = await reader.live.read(model_source, reader.key, estimate=1.0)
        return text.encode()

    body = await reader.answer("model.py", reader.size, compute)
    return Response(
        body,
        media_type="text/x-python; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="playground_model.py"'},
    )
