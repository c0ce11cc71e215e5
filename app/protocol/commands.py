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
from typing import Any

from app import schemas as m
from app.protocol import lecture
from app.protocol.calls import Call, Command, Conflict, Outcome
from app.sessions import scenes
from app.sessions.live import Interrupted
from app.web.client_limits import check_work

__all__ = ["Call", "Command", "COMMANDS", "Conflict", "Outcome"]  # the row and its parts: app/protocol/calls.py


# -- handlers ----------------------------------------------------------------------------


async def _step(body: m.StepRequest, call: Call) -> Outcome | None:
    """Train `epochs` epochs (default 1) or `updates` updates (mini-batches) and answer the state after them.

    With `train=selected` only the selected weight or bias trains.  Long steps
    run in slices that take turns with other sessions; a pause or change from
    another client stops it early (409 over REST; what was trained is kept)."""
    live = call.live
    epochs, updates = body.amount()
    what = f"{updates} updates" if updates is not None else f"{epochs} epochs"
    check_work(live.cost(epochs, updates), live.settings.max_work, what, "updates" if updates else "epochs")
    if call.peer is None:  # REST: the answer is made in the last slice's job (no second turn in the lane)
        with call.limits.busy(call.key):
            return Outcome(state=await live.step(call.key, epochs, updates, answer=()))
    with contextlib.suppress(Interrupted):  # a pause or a change came first: every client was told
        await live.step(call.key, epochs, updates)
    return None


async def _reset(body: m.EmptyBody, call: Call) -> None:
    """New weights from the continuing random stream; epoch 0 (a comparison's runs start again too)."""
    await call.live.change(lambda s: s.reset(), call.key)
    await scenes.rebuild_comparison(call.live, call.key)


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
    await call.live.change(
        lambda s: s.set_weight(body.layer, body.source, body.target, body.value), call.key, announce=False
    )


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
    429: {
        "model": m.TooMany,
        "description": "This client has its maximum of training calls in progress",
        "headers": {"Retry-After": {"description": "Seconds", "schema": {"type": "integer"}}},
    },
}

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
        Command("scene", m.SceneRequest, lecture.scene, tag="lecture"),
        Command("scene_add", m.SceneAdd, lecture.scene_add, path="/deck/scenes", tag="lecture"),
        Command("scene_move", m.SceneMove, lecture.scene_move, path="/deck/move", tag="lecture"),
        Command("scene_delete", m.SceneDelete, lecture.scene_delete, path="/deck/delete", tag="lecture"),
        Command("compare", m.CompareRequest, lecture.compare, tag="lecture"),
    )
}
