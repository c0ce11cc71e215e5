"""Fixed set-ups that a config names with ``scenario=``.

``worked-example`` is the lecture's slide (spec/lecture.md §7): two hidden
sigmoid nodes output 0.4 and 0.5, feed a sigmoid output through weights 2.0
and 3.0, the error t − o is 0.8 and α = 0.1.  One training point makes the
hidden outputs exactly those values: its inputs are logit(0.4) and
logit(0.5), passed through identity weights.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.session import Session

__all__ = ["SCENARIOS", "Scenario"]


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


class Scenario:
    def __init__(
        self,
        fields: dict[str, Any],
        points: Callable[[], list[list[float]]],
        network: Callable[[], dict[str, Any]],
        description: str,
    ) -> None:
        self.fields = fields  # config fields the scenario fixes
        self.points = points  # its training (and test) points
        self.network = network  # weights and biases to start from
        self.description = description

    def apply(self, session: Session) -> None:
        """Give ``session`` (already holding the scenario's config) its points and weights."""
        points = self.points()
        session.load_points(points, points)
        start = self.network()
        session.restore(start["weights"], start["biases"])


WORKED_EXAMPLE = Scenario(
    fields={
        "problem": "regression",
        "activation": "sigmoid",
        "outputActivation": "sigmoid",
        "loss": "half-square",  # dE/do = −(t − o): the slide's gradient, which drops the factor 2 of (t − o)²
        "networkShape": (2,),
        "learningRate": 0.1,
        "batchSize": 1,
        "x": True,
        "y": True,
        "xSquared": False,
        "ySquared": False,
        "xTimesY": False,
        "sinX": False,
        "sinY": False,
        "inputScaling": "raw",
        "targets": "pm1",
        "regularization": "none",
        "initZero": False,
    },
    points=lambda: [[_logit(0.4), _logit(0.5), _sigmoid(2.0 * 0.4 + 3.0 * 0.5) + 0.8]],
    network=lambda: {
        "weights": [[[1.0, 0.0], [0.0, 1.0]], [[2.0], [3.0]]],
        "biases": [[0.0, 0.0], [0.0]],
    },
    description="The lecture's worked example: hidden outputs 0.4 and 0.5, weights 2.0 and 3.0, error 0.8, α = 0.1.",
)

SCENARIOS: dict[str, Scenario] = {"worked-example": WORKED_EXAMPLE}
