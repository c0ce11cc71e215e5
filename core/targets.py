"""What the network is trained towards: the labels as they are (±1, the
original), 0 and 1, or the lecture's 0.01 / 0.99, which a sigmoid output can
reach (a logistic output never reaches 0 or 1 themselves: its weights grow
for ever chasing them, the lecture's slide on the output range).

``encode`` turns labels into training targets; ``decode`` maps the network's
output back onto the label scale for display, so the heatmap's colours mean
the same thing (orange = −1, blue = +1) whichever targets are used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["TARGETS", "Targets"]


@dataclass(frozen=True)
class Targets:
    name: str
    encode: Callable[[np.ndarray], np.ndarray]  # labels in [-1, 1] -> training targets
    decode: Callable[[np.ndarray], np.ndarray] | None  # outputs -> the label scale; None: they are on it


TARGETS: dict[str, Targets] = {
    "pm1": Targets("pm1", lambda t: t, None),
    # −1 -> 0, +1 -> 1 (what cross-entropy reads pm1 as, too)
    "zero-one": Targets("zero-one", lambda t: (t + 1) / 2, lambda o: 2 * o - 1),
    # −1 -> 0.01, +1 -> 0.99, linearly (regression labels in between)
    "lecture": Targets("lecture", lambda t: 0.5 + 0.49 * t, lambda o: (o - 0.5) / 0.49),
}
