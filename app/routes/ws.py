"""The websocket route: ``/ws/sessions/{id}``.  The protocol itself (reader,
writer, messages, commands) is app/protocol."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, WebSocket
from fastapi.responses import JSONResponse

from app.persistence import StoreUnavailable
from app.protocol.close_codes import CloseCode
from app.protocol.connection import Admission, close_reason, serve
from app.routes.deps import AppSettings, Limits, Store
from app.sessions.live import LiveSession
from app.sessions.store import OwnedElsewhere, SessionDamaged, SessionStore, ShuttingDown, StoreFull, UnknownSession
from app.settings import Settings
from app.web.client_limits import ClientLimits, Limit, address_of, flood_key

if TYPE_CHECKING:
    from app.cluster import Cluster

router = APIRouter()

SOCKETS_RETRY_SECONDS = 10  # an address at its cap of websockets: when to try again (as its pages come and go)


@router.websocket("/ws/sessions/{session_id}")
async def session_socket(
    websocket: WebSocket, session_id: str, store: Store, settings: AppSettings, limits: Limits
) -> None:
    """``?client=<id>``: the page's per-browser id, which a flood lock-out follows (not the address)."""
    key = address_of(websocket)
    strikes = flood_key(key, websocket.query_params.get("client"))
    if not limits.may_connect(strikes):  # closed for flooding twice: refused before the handshake, nothing is read
        await _deny(
            websocket,
            Limit.FLOOD,
            "this client was closed twice for flooding; wait",
            limits.connect_retry_after(strikes),
        )
        return
    if limits.socket_refused(key):
        await _deny(
            websocket,
            Limit.SOCKETS,
            f"this address holds {limits.socket_cap} websockets; close some",
            SOCKETS_RETRY_SECONDS,
        )
        return
    crowded = limits.crowded(key)  # a control token still gets in (app/protocol/connection.py)
    await websocket.accept()
    limits.sockets[key] += 1
    try:
        await _open(websocket, session_id, store, settings, limits, Admission(key, strikes, crowded))
    finally:
        limits.sockets[key] -= 1
        if not limits.sockets[key]:
            del limits.sockets[key]


async def _deny(websocket: WebSocket, limit: Limit, detail: str, retry_after: int) -> None:
    body = {"detail": detail, "limit": limit.value, "retry_after": retry_after}
    await websocket.send_denial_response(JSONResponse(body, status_code=429, headers={"Retry-After": str(retry_after)}))


async def _open(
    websocket: WebSocket,
    session_id: str,
    store: SessionStore,
    settings: Settings,
    limits: ClientLimits,
    admission: Admission,
) -> None:
    key = admission.key

    async def serve_here(live: LiveSession) -> None:
        await serve(websocket, live, settings, limits, admission)

    try:
        live = await store.open(session_id)
    except UnknownSession:
        await websocket.close(code=CloseCode.UNKNOWN_SESSION, reason="unknown session")
        return
    except SessionDamaged:  # set aside: reconnecting cannot help
        await websocket.close(code=CloseCode.SESSION_CLOSED, reason="the session's stored record is damaged")
        return
    except OwnedElsewhere as elsewhere:
        cluster: Cluster | None = websocket.app.state.cluster
        if cluster is None:
            raise
        await cluster.relay_socket(websocket, session_id, elsewhere.owner, key, serve_here, admission.strikes)
        return
    except (StoreFull, ShuttingDown, StoreUnavailable) as error:
        await websocket.close(code=CloseCode.TRY_AGAIN, reason=close_reason(error))
        return
    await serve_here(live)
