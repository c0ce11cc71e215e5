"""The scenes of the lecture's deck, in the deck's order: each one's set-up
(core.scene), keyed by the id that ``scenario=<id>`` names."""

from __future__ import annotations

from core.scene import Scenario
from core.scenes.advice import ADVICE_SCENES
from core.scenes.backprop import BACKPROP_SCENES
from core.scenes.descent import DESCENT_SCENES

__all__ = ["SCENES"]

SCENES: dict[str, Scenario] = {**DESCENT_SCENES, **BACKPROP_SCENES, **ADVICE_SCENES}
