"""What the page needs to know about the server itself: where students can
reach it (the share dialog, when the teacher's page is on a loopback address)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Request
from pydantic import BaseModel

from app.web.addresses import reach

router = APIRouter(prefix="/api/server", tags=["server"])


class ServerReach(BaseModel):
    """Where students can open this server."""

    port: int  # the port the server listens on
    listening_beyond_loopback: bool  # false: bound to 127.0.0.1, no other machine gets in
    urls: list[str]  # base URLs on this machine's network interfaces (empty when not reachable)
    command: str  # how to start the server so students can reach it


@router.get("/reach", response_model=ServerReach)
async def server_reach(request: Request) -> ServerReach:
    """The server's addresses on the local network and whether it listens on them."""
    settings = request.app.state.settings
    return ServerReach(**asdict(reach(settings.host, settings.port, request.url.scheme)))
