"""Moving a shared session through its deck (app/sessions/deck.py), and comparisons.

Going to a scene sets the session up as the scene says (a built-in scene's
scenario and variant, or a scene of one's own: its session file), points
the explainer at the scene's weight, starts its comparison if it has one,
and tells every client: a student looking closer at a weight of their own
follows the teacher again.  These are the handlers' building blocks
(app/protocol/lecture_commands.py); each runs on the event loop and does its
CPU work in the session's lane.
"""

from __future__ import annotations

from typing import Any

from app.sessions.comparison import LiveComparison
from app.sessions.deck import BUILT_IN, SessionDeck, check_entry
from app.sessions.live import LiveSession
from core.errors import InvalidValue
from core.scenarios import SCENARIOS
from core.session import Session
from core.snapshot import from_document, to_document

__all__ = ["go_to_scene", "add_scene", "replace_deck", "compare", "rebuild_comparison"]


async def go_to_scene(live: LiveSession, index: int, variant: int, by: str) -> None:
    entry = live.deck.entry(index)
    live.pause()
    if "scene" in entry:
        scenario = SCENARIOS[entry["scene"]]
        if not 0 <= variant < len(scenario.variants):
            raise InvalidValue("variant", f"expected 0 to {len(scenario.variants) - 1}, got {variant!r}")
        await live.change(lambda s: s.apply_hash(f"scenario={entry['scene']}&variant={variant}"), by)
        link = scenario.selection
        selection = None if link is None else {**link.to_dict(), "point": scenario.point}
        recipe = {"scene": entry["scene"]} if BUILT_IN[entry["scene"]].compare else None
    else:
        if variant != 0:
            raise InvalidValue("variant", "a scene of one's own has no variants; expected 0")
        document = entry["session"]
        await live.load(lambda: from_document(document), by)
        selection, recipe = entry["selection"], None
    await live.select(selection, by)
    await _set_comparison(live, recipe, by)
    live.deck.index, live.deck.variant = index, variant
    live.broadcast(live.deck.scene_message())


async def add_scene(live: LiveSession, texts: dict[str, str], by: str) -> int:
    """The session as it is now, with its selection and the teacher's texts, as the deck's last scene."""
    document = await live.read(lambda s: to_document(s), by, estimate=1.0)
    entry = check_entry({**texts, "session": document, "selection": live.pointer.selection})
    index = live.deck.add(entry)
    _deck_changed(live)
    return index


def edit_deck(live: LiveSession, action: str, index: int, target: int | None = None) -> None:
    """Move scene ``index`` to ``target`` ("move"), or delete it ("delete")."""
    if action == "move":
        assert target is not None
        live.deck.move(index, target)
    else:
        live.deck.delete(index)
    _deck_changed(live)


def replace_deck(live: LiveSession, deck: SessionDeck | None) -> None:
    """A deck opened from a file (checked by SessionDeck.parse), or the lecture's again (None)."""
    live.deck = deck or SessionDeck()
    _deck_changed(live)


def _deck_changed(live: LiveSession) -> None:
    live.broadcast(live.deck.message())
    live.changed()


async def compare(live: LiveSession, field: str | None, values: list[Any], by: str) -> None:
    """Runs that differ in setting ``field`` only, from the session as it is (None: no comparison)."""
    await _set_comparison(live, None if field is None else {"field": field, "values": values}, by)


async def rebuild_comparison(live: LiveSession, by: str) -> None:
    """The comparison made afresh from its recipe (after a reset: every run from its start)."""
    if live.comparison is not None:
        await _set_comparison(live, live.comparison.recipe, by)


async def _set_comparison(live: LiveSession, recipe: dict[str, Any] | None, by: str) -> None:
    if recipe is None:
        if live.comparison is not None:
            live.comparison = None
            live.broadcast({"type": "comparison", "recipe": None})
            live.changed()
        return

    def build(session: Session) -> LiveComparison:
        return LiveComparison.build(recipe, session, live.pointer.trained_link_or_none(session.config))

    comparison = await live.read(build, by, estimate=1.0)
    live.comparison = comparison
    live.broadcast(comparison.message())
    live.changed()
