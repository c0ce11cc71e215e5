"""Dependencies shared by the REST routes and the websocket: the store, the
session named in the path, and the one control-token check."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, status
from fastapi.requests import HTTPConnection
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth import Role, authorize
from app.protocol.calls import Call
from app.schemas import TooMany
from app.sessions.live import LiveSession
from app.sessions.scheduler import Scheduler
from app.sessions.store import SessionStore, UnknownSession
from app.settings import Settings
from app.web.client_limits import ClientLimits, address_of, client_key

__all__ = [
    "LIMITED",
    "AppSettings",
    "ClientKey",
    "Controlled",
    "ControlledCall",
    "Jobs",
    "Limits",
    "NEEDS_TOKEN",
    "NOT_FOUND",
    "READ",
    "Readable",
    "Reader",
    "SESSION_ID_LENGTH",
    "SessionId",
    "Store",
    "Watched",
    "WatchedCall",
]

SERIALISE = 20  # a point or a weight written out costs about as much as 20 weight-passes (Reader.size)

# The errors these dependencies answer, for the OpenAPI page.
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "Unknown session"}}
LIMITED: dict[int | str, dict[str, Any]] = {
    429: {
        "model": TooMany,
        "description": "A per-client limit (`limit` names it; docs/classroom.md); try again after Retry-After",
        "headers": {"Retry-After": {"description": "Seconds until it passes", "schema": {"type": "integer"}}},
    }
}
READ = {**NOT_FOUND, **LIMITED}  # a read of a session: its computed answers are paid from the read budget
NEEDS_TOKEN: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing control token"},
    403: {"description": "Wrong control token"},
    **NOT_FOUND,
}

# Every dependency here is ``async def``: FastAPI runs a plain ``def`` one in a
# thread pool, a thread hop per dependency per request for work of a microsecond.
bearer = HTTPBearer(auto_error=False, description="The control token returned when the session was created.")
SESSION_ID_LENGTH = (1, 64)  # the shortest and longest id a path may hold
SessionId = Annotated[
    str,
    Path(
        min_length=SESSION_ID_LENGTH[0],
        max_length=SESSION_ID_LENGTH[1],
        description="A session id from POST /api/sessions",
    ),
]


async def get_store(connection: HTTPConnection) -> SessionStore:
    store: SessionStore = connection.app.state.store
    return store


async def get_settings(connection: HTTPConnection) -> Settings:
    settings: Settings = connection.app.state.settings
    return settings


async def get_scheduler(connection: HTTPConnection) -> Scheduler:
    scheduler: Scheduler = connection.app.state.scheduler
    return scheduler


async def get_limits(connection: HTTPConnection) -> ClientLimits:
    limits: ClientLimits = connection.app.state.limits
    return limits


Store = Annotated[SessionStore, Depends(get_store)]
AppSettings = Annotated[Settings, Depends(get_settings)]
Jobs = Annotated[Scheduler, Depends(get_scheduler)]
Limits = Annotated[ClientLimits, Depends(get_limits)]
ClientKey = Annotated[str, Depends(client_key)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


async def watched(session_id: SessionId, connection: HTTPConnection) -> LiveSession:
    """The session, for reading: anyone with the id may watch.  Loaded from
    the store on first use after a restart (app/sessions/store.py)."""
    store: SessionStore = connection.app.state.store  # not Depends(get_store): each dependency costs ~10 us
    try:
        return await store.open(session_id)
    except UnknownSession:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"unknown session {session_id!r}") from None


@dataclass(frozen=True)
class Reader:
    """A read of a session: the session, who reads, and whether they control it.

    Reads the server has computed already (cached for the session's present
    version, or the teacher's explanation) are free; one it must compute calls
    ``computes`` with its cost first, which a client that does not control the
    session pays from its read budget (429 when it is in debt)."""

    live: LiveSession
    key: str
    controls: bool
    limits: ClientLimits

    def computes(self, cost: int) -> None:
        """The answer is not cached: charge ``cost`` weight-passes (cells or samples x points x weights)."""
        if not self.controls:
            self.limits.read(self.key, cost)

    async def answer(self, kind: Hashable, cost: int, compute: Callable[[], Awaitable[bytes]]) -> bytes:
        """``kind``'s answer for the session as it is: from its cache, free (or the one being
        computed for someone else, once it is ready), or computed for ``cost``, taking its turn
        among this client's computed reads (``ClientLimits.computing``)."""
        answers = self.live.answers
        key = (kind, self.live.generation, self.live.version)
        cached = answers.get(key)
        if cached is not None:
            return cached
        pending = answers.pending.get(key)
        if pending is not None:
            with contextlib.suppress(Exception):  # it failed for its reader: this one tries on its own
                return await asyncio.shield(pending)
        async with self.limits.computing(self.key):
            cached = answers.get(key)  # computed while this one waited its turn
            if cached is not None:
                return cached
            self.computes(cost)
            future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
            future.add_done_callback(lambda done: done.cancelled() or done.exception())  # retrieved: no warning
            answers.pending[key] = future
            try:
                body = await compute()
            except BaseException as error:
                future.set_exception(error if isinstance(error, Exception) else RuntimeError("cancelled"))
                raise
            finally:
                answers.pending.pop(key, None)
            future.set_result(body)
            answers.put(key, body)
            return body

    @property
    def size(self) -> int:
        """What serialising the session costs, in the same units: its points and weights, times 20."""
        session = self.live.session
        return SERIALISE * (int(session.train.shape[0] + session.test.shape[0]) + session.network.n_weights)


async def read(
    live: Annotated[LiveSession, Depends(watched)], credentials: Credentials, key: ClientKey, limits: Limits
) -> Reader:
    """The session, for reading: anyone may (``Reader``)."""
    token = credentials.credentials if credentials is not None else None
    return Reader(live, key, authorize(live.token_hash, token) is Role.CONTROL, limits)


async def controlled(
    live: Annotated[LiveSession, Depends(watched)],
    credentials: Credentials,
) -> LiveSession:
    """The session, for changing: only the holder of its control token."""
    require_control(live, credentials.credentials if credentials is not None else None)
    return live


async def controlled_call(session_id: SessionId, connection: HTTPConnection) -> Call:
    """A command's caller on a session it changes (app/routes/commands.py): the checks of
    ``controlled`` and the client's key and limits, as one dependency (FastAPI spends about
    10 us on each dependency of a request, a tenth of a small step's whole cost).  The token
    is read as ``bearer`` reads it, without its dependency; the routes declare the scheme."""
    live = await watched(session_id, connection)
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    token = token.strip()  # as HTTPBearer reads it (fastapi.security.utils.get_authorization_scheme_param)
    require_control(live, token if scheme.lower() == "bearer" and token else None)
    return Call(live, address_of(connection), connection.app.state.limits)


async def watched_call(session_id: SessionId, connection: HTTPConnection) -> Call:
    """A command's caller on a session it only watches (``controlled_call`` without the token)."""
    return Call(await watched(session_id, connection), address_of(connection), connection.app.state.limits)


def require_control(live: LiveSession, token: str | None) -> None:
    """The one control-token check of REST (the websocket's: ``_auth`` in app/protocol/connection.py);
    both ask app.auth.authorize."""
    if token is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "this call changes the session: send its control token as 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if authorize(live.token_hash, token) is not Role.CONTROL:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "wrong control token for this session")


Watched = Annotated[LiveSession, Depends(watched)]
Readable = Annotated[Reader, Depends(read)]
Controlled = Annotated[LiveSession, Depends(controlled)]
ControlledCall = Annotated[Call, Depends(controlled_call)]
WatchedCall = Annotated[Call, Depends(watched_call)]
