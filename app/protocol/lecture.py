"""The lecture's commands (rows of app/protocol/commands.py): the deck and comparisons.

Each is a thin handler over app/sessions/scenes.py, which does the work.
"""

from __future__ import annotations

from app import schemas as m
from app.protocol.calls import Call, Outcome
from app.sessions import scenes

__all__ = ["scene", "scene_add", "scene_move", "scene_delete", "compare"]


async def scene(body: m.SceneRequest, call: Call) -> Outcome:
    """Go to a scene of the deck: every client follows.

    The session is set up as the scene says (its scenario and variant, or the
    session a teacher added), the explainer points at the scene's weight, and a
    comparison scene starts its runs.  Watchers looking closer at a weight of
    their own follow the teacher again."""
    await scenes.go_to_scene(call.live, body.index, body.variant, call.key)
    return Outcome(parts=("data",))


async def scene_add(body: m.SceneAdd, call: Call) -> None:
    """Add the session as it is now (settings, data, weights, selection) as the deck's last scene.

    The first scene added makes the deck the teacher's own: a copy of the
    lecture's with the new scene at its end."""
    await scenes.add_scene(call.live, {"title": body.title, "caption": body.caption, "next": body.next}, call.key)


async def scene_move(body: m.SceneMove, call: Call) -> None:
    """Move a scene of the deck to another place."""
    scenes.edit_deck(call.live, "move", body.index, body.to)


async def scene_delete(body: m.SceneDelete, call: Call) -> None:
    """Delete a scene of the deck."""
    scenes.edit_deck(call.live, "delete", body.index)


async def compare(body: m.CompareRequest, call: Call) -> None:
    """Compare runs that differ in one setting, trained beside the session.

    Every run starts from the session as it is (its data; its weights, unless
    the setting changes the network's shape or how weights are drawn) and
    trains whenever the session trains; every client sees each run's loss and
    picture.  `{"field": null}` ends it."""
    await scenes.compare(call.live, body.field, body.values, call.key)
