"""REST: the lecture's deck, a session's deck as a file, and a session file opened into a shared session.

Moving through a deck and editing it are commands (app/protocol/commands.py:
scene, scene_add, scene_move, scene_delete, compare); these are the files.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response, status

from app.output.serialize import json_response
from app.routes.deps import NEEDS_TOKEN, NOT_FOUND, ClientKey, Controlled, Readable
from app.schemas import DeckFile, SessionImport, SessionState
from app.sessions import scenes
from app.sessions.deck import SessionDeck
from core.deck import deck
from core.errors import InvalidValue
from core.snapshot import from_document

router = APIRouter(tags=["lecture"])


@router.get("/api/lecture/deck")
async def lecture_deck(
    lang: Annotated[Literal["ko", "en"], Query(description="the texts' language")] = "en",
) -> list[dict[str, Any]]:
    """The lecture's scenes in order: `id`, `title`, `caption` (lines), `next` (what the teacher does),
    `hash` (`scenario=<id>` sets it up), `fields`, `selection`, `compare` and `variants`
    (`scenario=<id>&variant=<k>`)."""
    return deck(lang)


@router.get("/api/sessions/{session_id}/deck", responses={**NOT_FOUND, 200: {"description": "A deck file (JSON)"}})
async def download_deck(reader: Readable) -> Response:
    """The session's deck as a file (`"format": "playground-deck"`): built-in scenes by id, a teacher's
    scenes with their session, selection and texts.  `PUT` it into any session to teach from it."""
    return json_response(
        reader.live.deck.document(),  # in memory already: a free read
        headers={"Content-Disposition": 'attachment; filename="playground-deck.json"'},
    )


@router.put("/api/sessions/{session_id}/deck", status_code=status.HTTP_204_NO_CONTENT, responses=NEEDS_TOKEN)
async def upload_deck(live: Controlled, body: DeckFile) -> Response:
    """Teach from this deck (a file from `GET .../deck`): every client gets its scenes.  A broken file is a
    422 naming the scene and the part at fault."""
    try:
        deck_ = SessionDeck.parse(body.model_dump())
    except InvalidValue as exc:
        raise InvalidValue(f"deck.{exc.field}", exc.message) from None
    scenes.replace_deck(live, deck_)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/api/sessions/{session_id}/deck", status_code=status.HTTP_204_NO_CONTENT, responses=NEEDS_TOKEN)
async def reset_deck(live: Controlled) -> Response:
    """Back to the lecture's deck."""
    scenes.replace_deck(live, None)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/api/sessions/{session_id}/load", response_model=SessionState, responses=NEEDS_TOKEN)
async def load_session(live: Controlled, key: ClientKey, body: SessionImport) -> Response:
    """Open a session file into this session: its id, token, class link and watchers stay, and every
    watcher follows (the page asks the teacher first).  A broken file is a 422 naming the part at fault."""
    document = body.document
    try:
        from_document(document)  # checked before anything changes
    except InvalidValue as exc:
        raise InvalidValue(f"import.{exc.field}", exc.message) from None
    await scenes.compare(live, None, [], key)
    await live.load(lambda: from_document(document), key)
    await live.select(None, key)
    return json_response(await live.read_state(("data",), key))
