"""Fixed set-ups that a config names with ``scenario=`` (and ``variant=``).

A scenario is the set-up of one scene of the lecture's deck (core.deck): the
fields it sets (every other field at its default, core.session), the points
it trains on (train and test alike; generated from the seed if it has none),
the weights and biases it starts from (drawn from the seed if it has none),
and its variants: two or three starts or runs that differ in one setting,
each a few more fields and, for a start, other weights.  ``scenario=<id>``
in a hash sets the scene up; ``variant=<k>`` picks the start or run.

The scenes themselves live in core.scenes, one module per part of the
lecture; this module is their common shape and the registry.
"""

from __future__ import annotations

from core.scene import Scenario, Variant
from core.scenes import SCENES

__all__ = ["SCENARIOS", "Scenario", "Variant"]

SCENARIOS: dict[str, Scenario] = dict(SCENES)
