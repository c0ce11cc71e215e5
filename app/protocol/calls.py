"""What a command's handler gets and gives (app/protocol/commands.py), and what a row is."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from app.auth import Role
from app.sessions.clients import Peer
from app.sessions.live import LiveSession
from app.web.client_limits import ClientLimits

__all__ = ["Call", "Command", "Conflict", "Handler", "Outcome"]


@dataclass(frozen=True)
class Call:
    """Who asks, on which session.  ``peer`` is the websocket client (None over REST)."""

    live: LiveSession
    key: str  # the client key: fair turns and per-client limits
    limits: ClientLimits
    peer: Peer | None = None


@dataclass(frozen=True)
class Outcome:
    """What a REST answer carries besides the state: its extra parts and the change's effect."""

    parts: tuple[str, ...] = ()  # session_state includes: data, history, pending
    effect: str | None = None  # none | live | reset | data | seed: the X-Playground-Effect header
    state: dict[str, Any] | None = None  # the answer itself, when the handler made it in its own job


class Conflict(Exception):
    """The command cannot run in the session's present state: REST 409, a websocket ``error``."""


Handler = Callable[[Any, Call], Awaitable[Outcome | None]]


@dataclass(frozen=True)
class Command:
    name: str  # the websocket message's `type`, and the REST route's last path segment by default
    body: type[BaseModel]
    run: Handler
    method: str = "POST"  # REST
    path: str = ""  # REST, under /api/sessions/{session_id}; default: /<name>
    tag: str = "training"  # the OpenAPI page's group
    role: Role = Role.CONTROL
    background: bool = False  # websocket: runs beside the reader, so a later `pause` can stop it
    wrap: str | None = None  # websocket: the body sits under this key (config: "fields")
    body_optional: bool = False  # REST: the body may be left out (every field has a default)
    responses: dict[int | str, dict[str, Any]] = field(default_factory=dict)  # REST: answers beyond the usual

    @property
    def rest_path(self) -> str:
        return self.path or f"/{self.name}"
