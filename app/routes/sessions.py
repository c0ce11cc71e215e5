"""REST: sessions — create, read, delete.  Their commands (config, hash, step...) are app/routes/commands.py."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Response, status

from app.output.serialize import json_response
from app.routes.deps import LIMITED, NEEDS_TOKEN, READ, ClientKey, Controlled, Limits, Readable, Store
from app.schemas import SessionCreate, SessionCreated, SessionState
from app.web.client_limits import READ_FLOOR
from core.errors import InvalidValue
from core.session import Session
from core.snapshot import from_document

router = APIRouter(prefix="/api/sessions", tags=["sessions"])

Include = Annotated[
    str | None,
    Query(max_length=100, description="Comma-separated extras: data (train and test points), history, pending"),
]
INCLUDES = ("data", "history", "pending")


def _includes(include: str | None) -> tuple[str, ...]:
    names = tuple(part.strip() for part in (include or "").split(",") if part.strip())
    for name in names:
        if name not in INCLUDES:
            raise InvalidValue("include", f"{name!r} is not allowed; allowed: {', '.join(INCLUDES)}")
    return names


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SessionCreated, responses=LIMITED)
async def create_session(store: Store, key: ClientKey, limits: Limits, body: SessionCreate | None = None) -> Response:
    """Create a session from config fields and/or a TF Playground hash, or from a session file.

    The answer holds the session id (anyone may watch with it) and the
    control token (keep it: every change needs it).  `network` and `epoch`
    restore a trained network of the same shape.  `{"import": <document>}`
    (from `GET .../export`, or the page's Save) continues that session
    exactly: the same numbers step for step; a broken or foreign document
    is a 422 naming the part at fault.
    """
    limits.creation(key)
    body = body or SessionCreate()

    def build() -> Session:
        if body.document is not None:
            return _imported(body)
        config = body.build_config()
        if body.scenario is not None:
            config = config.replace(scenario=body.scenario)
        session = Session(config)
        if body.network is not None or body.epoch is not None:
            if body.network is None:
                raise InvalidValue("epoch", "only meaningful together with network")
            session.restore(**body.network.restore_args(), epoch=body.epoch)
        return session

    live, token = await store.create(build, key)
    state = await live.read_state(("data",), key)
    return json_response({"id": live.id, "control_token": token, "state": state}, status.HTTP_201_CREATED)


def _imported(body: SessionCreate) -> Session:
    others = sorted(body.model_fields_set - {"document"})
    if others:
        raise InvalidValue("import", f"send the document alone, without {', '.join(others)}")
    assert body.document is not None
    try:
        return from_document(body.document)
    except InvalidValue as exc:
        raise InvalidValue(f"import.{exc.field}", exc.message) from None


@router.get("/{session_id}", response_model=SessionState, responses=READ)
async def read_session(reader: Readable, include: Include = None) -> Response:
    """The session's state; `include=data,history,pending` adds points, the loss history, pending gradients."""
    includes = _includes(include)
    live = reader.live
    # What the state holds beside the session's version: a class reading it between two changes reads it once.
    # The answer carries these as they are now, when it is keyed, not as the lane sees them later: a watcher
    # joining meanwhile had a body saying 1 watcher cached under the key of 0, served again once all had left.
    facts = {
        "playing": live.playing,
        "epochs_per_frame": live.epochs_per_frame,
        "watchers": live.watchers,
        "restored": live.restored,
        "selection": live.pointer.selection,
    }
    kind = ("state", includes, orjson.dumps(facts))

    async def compute() -> bytes:
        state = await live.read_state(includes, reader.key)
        state.update(facts)
        return orjson.dumps(state)

    body = await reader.answer(kind, reader.size if includes else READ_FLOOR, compute)
    return Response(body, media_type="application/json")


@router.delete("/{session_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NEEDS_TOKEN)
async def delete_session(live: Controlled, store: Store) -> Response:
    await store.delete(live)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
