"""The one table of session commands: each is reachable over REST and as a websocket message.

A command is a row of ``COMMANDS``: its name (the websocket's ``type``),
its body model (the REST body; the message's fields beside ``type``, or
under ``wrap``), the least role that may send it, and the coroutine that
carries it out.  REST routes are made from the table (app/routes/commands.py)
and the websocket dispatches through it (app/protocol/connection.py), so a
new command is one row here, reachable both ways.

A handler gets the body and a ``Call`` (who asks, on which session) and
returns an ``Outcome``: what a REST answer adds to the session's state.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from app import schemas as m
from app.auth import Role
from app.sessions.clients import Peer
from app.sessions.live import Interrupted, LiveSession
from app.web.client_limits import ClientLimits, check_work

__all__ = ["Call", "Command", "COMMANDS", "Conflict", "Outcome"]


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


# -- handlers ----------------------------------------------------------------------------


async def _step(body: m.StepRequest, call: Call) -> None:
    """Train `epochs` epochs (default 1) and answer the state after them.

    Long steps run in slices that take turns with other sessions; a pause or
    change from another client stops it early (409 over REST, the epochs
    trained so far are kept)."""
    live = call.live
    check_work(live.cost(body.epochs), live.settings.max_work, f"{body.epochs} epochs")
    if call.peer is None:
        with call.limits.busy(call.key):
            await live.step(body.epochs, call.key)
        return None
    with contextlib.suppress(Interrupted):  # a pause or a change came first: every client was told
        await live.step(body.epochs, call.key)
    return None


async def _reset(body: m.EmptyBody, call: Call) -> None:
    """New weights from the continuing random stream; epoch 0."""
    await call.live.change(lambda s: s.reset(), call.key)


async def _regenerate(body: m.EmptyBody, call: Call) -> Outcome:
    """A new seed and new data; the network is kept."""
    await call.live.change(lambda s: s.regenerate(), call.key)
    return Outcome(parts=("data",))


async def _play(body: m.PlayRequest, call: Call) -> None:
    """Start training in the background, as the page's play button does: every watcher receives the frames.

    A session plays only while a page watches it (it pauses when the last
    watcher leaves), so with no watcher the answer is 409: train with `step`.
    `epochs_per_frame` sets the speed first (as `POST .../speed`)."""
    live = call.live
    if not live.watchers:
        raise Conflict(
            "nobody is watching this session, and a session plays only while a page watches it; "
            "open it in a page, or train with POST .../step"
        )
    if body.epochs_per_frame is not None:
        live.set_speed(body.epochs_per_frame)
    live.play()


async def _pause(body: m.EmptyBody, call: Call) -> None:
    """Stop training in the background, and any long step (nothing happens if it is not playing)."""
    call.live.pause(by_client=True)


async def _speed(body: m.SpeedRequest, call: Call) -> None:
    """Epochs trained per frame while playing (1 is the original's pace); every watcher is told."""
    call.live.set_speed(body.epochs_per_frame)


async def _config(body: m.ConfigFields, call: Call) -> Outcome:
    """Change any fields, with the original's semantics: the learning rate applies live; the network's
    settings build a new network; the data's settings draw a new seed and new data.  The header
    `X-Playground-Effect` says which happened (none, live, reset, data, seed)."""
    fields = body.given()
    effect = await call.live.change(lambda s: s.update(**fields), call.key)
    return Outcome(effect=effect)


async def _hash(body: m.HashRequest, call: Call) -> Outcome:
    """Apply a TF Playground URL hash to the session as one change (a hash without `seed` keeps the seed)."""
    effect = await call.live.change(lambda s: s.apply_hash(body.hash), call.key)
    return Outcome(effect=effect)


async def _weight(body: m.WeightUpdate, call: Call) -> None:
    """Set one weight: `layer` 0 holds the links from the inputs; `source` and `target` are node indices."""
    await call.live.change(lambda s: s.set_weight(body.layer, body.source, body.target, body.value), call.key,
                           announce=False)  # fmt: skip


async def _bias(body: m.BiasUpdate, call: Call) -> None:
    """Set one bias: `layer` 0 is the first hidden layer."""
    await call.live.change(lambda s: s.set_bias(body.layer, body.node, body.value), call.key, announce=False)


async def _select(body: m.SelectRequest, call: Call) -> None:
    """Point every watcher's explainer at a weight or bias.

    A weight is (`layer`, `source`, `target`), a bias the same without `source`;
    `point` is the training point explained.  `{"layer": null}` clears it.  Every client receives
    the `explain` message, and the state's `selection` shows it."""
    await call.live.select(body.selection(), call.key)


NOBODY_WATCHING: dict[int | str, dict[str, Any]] = {409: {"description": "Nobody is watching"}}
INTERRUPTED: dict[int | str, dict[str, Any]] = {409: {"description": "A pause or a change stopped the step early"}}
BUSY: dict[int | str, dict[str, Any]] = {  # limits.busy: training calls of one client in progress at once
    429: {"model": m.TooMany, "description": "This client has its maximum of training calls in progress",
          "headers": {"Retry-After": {"description": "Seconds", "schema": {"type": "integer"}}}},
}  # fmt: skip

COMMANDS: dict[str, Command] = {
    command.name: command
    for command in (
        Command("step", m.StepRequest, _step, background=True, body_optional=True, responses=INTERRUPTED | BUSY),
        Command("reset", m.EmptyBody, _reset, body_optional=True),
        Command("regenerate", m.EmptyBody, _regenerate, body_optional=True),
        Command("play", m.PlayRequest, _play, body_optional=True, responses=NOBODY_WATCHING),
        Command("pause", m.EmptyBody, _pause, body_optional=True),
        Command("speed", m.SpeedRequest, _speed),
        Command("config", m.ConfigFields, _config, method="PATCH", tag="sessions", wrap="fields"),
        Command("hash", m.HashRequest, _hash, tag="sessions"),
        Command("weight", m.WeightUpdate, _weight, method="PUT", path="/weights", tag="network"),
        Command("bias", m.BiasUpdate, _bias, method="PUT", path="/biases", tag="network"),
        Command("select", m.SelectRequest, _select, tag="lecture"),
    )
}
