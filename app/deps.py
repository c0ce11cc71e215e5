"""Dependencies shared by the REST routes and the websocket: the store, the
session named in the path, and the one control-token check."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, status
from fastapi.requests import HTTPConnection
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.live import LiveSession
from app.roles import Role
from app.settings import Settings
from app.store import SessionStore, UnknownSession
from app.tokens import token_matches
from app.workers import Workers

__all__ = [
    "AppSettings",
    "Controlled",
    "NEEDS_TOKEN",
    "NOT_FOUND",
    "SessionId",
    "Store",
    "Watched",
    "WorkerPool",
    "authorize",
]

# The errors these dependencies answer, for the OpenAPI page.
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "Unknown session"}}
NEEDS_TOKEN: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing control token"},
    403: {"description": "Wrong control token"},
    **NOT_FOUND,
}

bearer = HTTPBearer(auto_error=False, description="The control token returned when the session was created.")
SessionId = Annotated[str, Path(min_length=1, max_length=64, description="A session id from POST /api/sessions")]


def authorize(live: LiveSession, token: str | None) -> Role:
    """The role a token gives on ``live``: control for its token, else watch.

    REST and the websocket both call this (see app.tokens).
    """
    return Role.CONTROL if token_matches(token, live.token_hash) else Role.WATCH


def get_store(connection: HTTPConnection) -> SessionStore:
    store: SessionStore = connection.app.state.store
    return store


def get_settings(connection: HTTPConnection) -> Settings:
    settings: Settings = connection.app.state.settings
    return settings


def get_workers(connection: HTTPConnection) -> Workers:
    workers: Workers = connection.app.state.workers
    return workers


Store = Annotated[SessionStore, Depends(get_store)]
AppSettings = Annotated[Settings, Depends(get_settings)]
WorkerPool = Annotated[Workers, Depends(get_workers)]


def watched(session_id: SessionId, store: Store) -> LiveSession:
    """The session, for reading: anyone with the id may watch."""
    try:
        live = store.get(session_id)
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
    if authorize(live, credentials.credentials) is not Role.CONTROL:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "wrong control token for this session")
    return live


Watched = Annotated[LiveSession, Depends(watched)]
Controlled = Annotated[LiveSession, Depends(controlled)]
