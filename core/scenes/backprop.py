"""The scenes of back-propagation: the chain rule on an output weight, a hidden
weight, the learning rate, the matrix form and the slide's worked example.

They run the lecture's network (core.preset) with the slide's error: ½(t − o)²,
whose gradient −(t − o)·σ(z)(1 − σ(z))·oⱼ is the slide's formula (the slide
drops the factor 2 of (t − o)², which only rescales the learning rate), on
the circle with raw inputs, one point per update.
"""

from __future__ import annotations

import math
from typing import Any

from core.link import Link
from core.preset import LECTURE_PRESET
from core.scene import Scenario, Variant

__all__ = ["BACKPROP_SCENES", "LECTURE_NETWORK"]

LECTURE_NETWORK: dict[str, Any] = {**LECTURE_PRESET, "loss": "half-square", "inputScaling": "raw", "stepUnit": "update"}


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


# The slide (spec/lecture.md §7): two hidden sigmoid nodes output 0.4 and 0.5 and feed a
# sigmoid output through weights 2.0 and 3.0; the error t − o is 0.8 and α = 0.1.  One
# training point makes the hidden outputs exactly those values: its inputs are logit(0.4)
# and logit(0.5), passed through identity weights.  The target σ(2.3) + 0.8 = 1.709 is
# beyond a sigmoid's reach, as the slide's error is: with 0/1 targets its label is
# 2·1.709 − 1, which encodes back to 1.709 exactly.
WORKED_EXAMPLE = Scenario(
    fields={
        "problem": "regression",
        "activation": "sigmoid",
        "outputActivation": "sigmoid",
        "loss": "half-square",  # dE/do = −(t − o): the slide's gradient, which drops the factor 2 of (t − o)²
        "targets": "zero-one",
        "networkShape": (2,),
        "learningRate": 0.1,
        "batchSize": 1,
    },
    points=lambda: [[_logit(0.4), _logit(0.5), 2 * (_sigmoid(2.0 * 0.4 + 3.0 * 0.5) + 0.8) - 1]],
    network=lambda: {
        "weights": [[[1.0, 0.0], [0.0, 1.0]], [[2.0], [3.0]]],
        "biases": [[0.0, 0.0], [0.0]],
    },
    description="The lecture's worked example: hidden outputs 0.4 and 0.5, weights 2.0 and 3.0, error 0.8, α = 0.1.",
    selection=Link(1, 0, 0),
)

BACKPROP_SCENES: dict[str, Scenario] = {
    "chain-rule": Scenario(
        fields=LECTURE_NETWORK,
        description="The chain rule on an output weight: error, slope of the sigmoid, output of the source node.",
        selection=Link(1, 0, 0),
    ),
    "hidden-weight": Scenario(
        fields=LECTURE_NETWORK,
        description="A hidden weight: the recombined back-propagated error Σ w·δ in place of t − o.",
        selection=Link(0, 0, 0),
    ),
    "learning-rate": Scenario(
        fields={**LECTURE_NETWORK, "seed": "learning-rate", "stepUnit": "epoch"},
        description="The learning rate: three runs from the same start, α = 0.03, 0.3 and 10.",
        variants=tuple(
            Variant(fields={"learningRate": rate}, label={"en": f"α = {rate:g}", "ko": f"α = {rate:g}"})
            for rate in (0.03, 0.3, 10.0)
        ),
        selection=Link(1, 0, 0),
    ),
    "matrix-form": Scenario(
        fields=LECTURE_NETWORK,
        description="The matrix form ΔW = α · (E ∘ o(1 − o)) · o^T of a whole layer's update.",
        selection=Link(0, 1, 2),
    ),
    "worked-example": WORKED_EXAMPLE,
}
