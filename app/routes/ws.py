"""The websocket route: ``/ws/sessions/{id}``.  The protocol itself (reader,
writer, messages, commands) is app/protocol."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, WebSocket
from fastapi.responses import PlainTextResponse

from app.persistence import StoreUnavailable
from app.protocol.close_codes import CloseCode
from app.protocol.connection import close_reason, serve
from app.routes.deps import AppSettings, Limits, Store
from app.sessions.live import LiveSession
from app.sessions.store import OwnedElsewhere, SessionDamaged, ShuttingDown, StoreFull, UnknownSession
from app.web.client_limits import address_of

if TYPE_CHECKING:
    from app.cluster import Cluster

router = APIRouter()


@router.websocket("/ws/sessions/{session_id}")
async def session_socket(websocket: WebSocket, session_id: str, store: Store, settings: AppSettings,
                         limits: Limits) -> None:  # fmt: skip
    key = address_of(websocket)
    if not limits.may_connect(key):  # closed for flooding twice: refused before the handshake, nothing is read
        wait = {"Retry-After": str(limits.connect_retry_after(key))}
        await websocket.send_denial_response(
            PlainTextResponse("too many messages from this address; wait", status_code=429, headers=wait)
        )
        return
    await websocket.accept()

    async def serve_here(live: LiveSession) -> None:
        await serve(websocket, key, live, settings, limits)

    try:
        live = await store.open(session_id)
    except UnknownSession:
        await websocket.close(code=CloseCode.UNKNOWN_SESSION, reason="unknown session")
        return
    except SessionDamaged:
        await websocket.close(code=CloseCode.SESSION_CLOSED, reason="the session's stored record is damaged")
        return
    except OwnedElsewhere as elsewhere:
        cluster: Cluster | None = websocket.app.state.cluster
        if cluster is None:
            raise
        await cluster.relay_socket(websocket, session_id, elsewhere.owner, key, serve_here)
        return
    except (StoreFull, ShuttingDown, StoreUnavailable) as error:
        await websocket.close(code=CloseCode.TRY_AGAIN, reason=close_reason(error))
        return
    await serve_here(live)
