"""The teacher's pointer: the weight or bias every client's explainer shows.

A ``LiveSession`` holds one (``live.pointer``).  It knows what is selected
(a dict of ``layer``, ``source`` (None for a bias), ``target`` and ``point``:
the state's ``selection``), builds the ``explain`` message for it, and keeps
the last one built, which REST reads of the same weight are answered from (a
class asks it once per student).  With ``train=selected`` it is also what
trains.  Its methods that read the core session run in the session's lane.
"""

from __future__ import annotations

from typing import Any

from app.output.serialize import jsonable
from core.config import PlaygroundConfig
from core.errors import InvalidValue
from core.link import Link
from core.scenarios import SCENARIOS
from core.session import Session

__all__ = ["EXPLAIN_INTERVAL", "Pointer"]

EXPLAIN_INTERVAL = 0.1  # seconds between explanations while playing: a readable pace, and cheaper

Explained = tuple[int, int, dict[str, Any], dict[str, Any]]  # generation, version, selection, message


class Pointer:
    def __init__(self, session: Session) -> None:
        self.selection: dict[str, Any] | None = scenario_selection(session)
        self.explained: Explained | None = None  # one assignment per explanation: read on the event loop
        self._explained_at = 0.0  # monotonic seconds of the last explanation sent while playing

    def trained_link(self, config: PlaygroundConfig) -> Link | None:
        """What ``train=selected`` trains: the selected weight or bias (None: every parameter).
        InvalidValue naming ``train`` when nothing is selected."""
        if config.train != "selected":
            return None
        if self.selection is None:
            raise InvalidValue(
                "train", "train=selected trains the selected weight: select a weight or bias first, or set train=all"
            )
        selection = self.selection
        return Link(selection["layer"], selection["source"], selection["target"])

    def trained_link_or_none(self, config: PlaygroundConfig) -> Link | None:
        """``trained_link``, or None where train=selected has nothing selected yet."""
        try:
            return self.trained_link(config)
        except InvalidValue:
            return None

    def due(self, now: float) -> bool:
        """Whether a frame of play at ``now`` carries an explanation (one every EXPLAIN_INTERVAL)."""
        if self.selection is None or now - self._explained_at < EXPLAIN_INTERVAL:
            return False
        self._explained_at = now
        return True

    def explain(self, session: Session, generation: int, version: int, selection: dict[str, Any]) -> dict[str, Any]:
        """The `explain` message for ``selection`` (in the lane); InvalidValue if it doesn't fit."""
        layer, source, target = selection["layer"], selection["source"], selection["target"]
        message: dict[str, Any] = jsonable(
            {
                "type": "explain",
                "selection": selection,
                "epoch": session.epoch,
                "explain": session.explain(layer, source, target, selection["point"]),
                "slice": session.loss_slice(layer, source, target),
                "matrix": session.weight_update_matrix(layer),  # the layer's ΔW = α·(E∘f′(z))·oᵀ
            }
        )
        self.explained = (generation, version, selection, message)
        return message

    def explanation(self, session: Session, generation: int, version: int) -> dict[str, Any] | None:
        """The `explain` message of the present selection (in the lane), None when nothing is
        selected, and a clearing one when the network changed shape under it."""
        if self.selection is None:
            return None
        try:
            return self.explain(session, generation, version, self.selection)
        except InvalidValue:
            self.selection = None
            return {"type": "explain", "selection": None}

    def explanation_for(
        self, layer: int, source: int | None, target: int, point: int | None, now: tuple[int, int, bool]
    ) -> dict[str, Any] | None:
        """The last explanation built, if it is of this weight (and ``point``; None: any) and still
        true at ``now`` (generation, version, playing): of the present version, or while playing
        of the present generation (a new one is made every EXPLAIN_INTERVAL)."""
        explained = self.explained
        if explained is None:
            return None
        generation, version, selection, message = explained
        if (selection["layer"], selection["source"], selection["target"]) != (layer, source, target):
            return None
        if point is not None and selection["point"] != point:
            return None
        present_generation, present_version, playing = now
        if generation != present_generation or (version != present_version and not playing):
            return None
        return message


def scenario_selection(session: Session) -> dict[str, Any] | None:
    """The weight a scenario's scene points the explainer at (None: none, or no scenario)."""
    scenario = SCENARIOS.get(session.config.scenario or "")
    if scenario is None or scenario.selection is None:
        return None
    return {**scenario.selection.to_dict(), "point": scenario.point}
