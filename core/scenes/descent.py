"""The scenes of gradient descent: why not brute force, descent on one weight,
overshooting, and a local minimum.

The one-weight scenes train a single weight (``train=selected``) on every
point at once (``fullBatch``), so the loss along that weight, which the slice
draws, is exactly the function each update descends.
"""

from __future__ import annotations

from typing import Any

from core.link import Link
from core.scene import Scenario, Variant

__all__ = ["DESCENT_SCENES", "brute_force", "BOWL_POINTS", "TWO_VALLEY_POINTS"]


def brute_force(weights: int, values: int = 1000) -> dict[str, Any]:
    """The slide's count: trying ``values`` values for each of ``weights`` weights is
    values^weights combinations (1000^18 = 10^54 for the 3-3-3 network); the slide writes
    the product weights × values (18 × 1,000 = 18,000)."""
    exact = values**weights
    return {
        "weights": weights,
        "values": values,
        "combinations": str(exact),
        "digits": len(str(exact)),
        "slide_product": weights * values,
    }


# A bowl: the loss of w·x against t = 0.3·x ± 0.1 is ½·mean(w·x − t)², with its minimum at
# w* = mean(x·t) / mean(x²) = 0.3 and curvature mean(x²) = 2.5.  An update multiplies
# w − w* by 1 − 2.5·α: α = 0.1 descends (× 0.75), α = 1 overshoots (× −1.5).
BOWL_POINTS = tuple((x, y, 0.3 * x + e) for x in (-2.0, -1.0, 1.0, 2.0) for y, e in ((2.0, 0.1), (-2.0, -0.1)))
_BOWL: dict[str, Any] = {
    "problem": "regression",
    "networkShape": (),
    "x": True,
    "y": False,
    "fullBatch": True,
    "train": "selected",
    "stepUnit": "update",
}


def _bowl_start(w: float) -> Any:
    return lambda: {"weights": [[[w]]], "biases": [[0.0]]}


# Two valleys: a sigmoid output o = σ(w·x + y) trained towards 0 and 1.  A point (x, y) with
# x > 0 switches at w = −y/x: its error falls there (label +1) or rises (label −1).  Switches
# at −3, −1, 1 (two points) and 3 leave a valley near w = −1.84 with two points wrong (loss
# 0.20) and one near w = 2.15 with one point wrong (loss 0.11), a hill between them.
TWO_VALLEY_POINTS = ((2.0, 6.0, 1.0), (2.0, 2.0, -1.0), (2.0, -2.0, 1.0), (1.5, -1.5, 1.0), (2.0, -6.0, -1.0))


def _valley_start(w: float) -> Any:
    return lambda: {"weights": [[[w], [1.0]]], "biases": [[0.0]]}


DESCENT_SCENES: dict[str, Scenario] = {
    "brute-force": Scenario(
        fields={
            "classes": 3,
            "dataset": "gauss",
            "activation": "sigmoid",
            "networkShape": (3,),
            "x": True,
            "y": True,
            "xTimesY": True,
        },
        description="The slide's 3-3-3 network: 18 weights, 1000^18 combinations to try by brute force.",
    ),
    "descent": Scenario(
        fields={**_BOWL, "learningRate": 0.1},
        description="Gradient descent on one weight: a clean bowl, the slope's sign gives the direction.",
        points=lambda: [list(p) for p in BOWL_POINTS],
        network=_bowl_start(-1.5),
        variants=(
            Variant(label={"en": "start at w = −1.5 (slope negative)", "ko": "w = −1.5에서 시작 (기울기 음수)"}),
            Variant(
                network=_bowl_start(2.0),
                label={"en": "start at w = 2 (slope positive)", "ko": "w = 2에서 시작 (기울기 양수)"},
            ),
        ),
        selection=Link(0, 0, 0),
    ),
    "overshoot": Scenario(
        fields={**_BOWL, "learningRate": 1.0},
        description="Overshooting: the same bowl with a learning rate too large.",
        points=lambda: [list(p) for p in BOWL_POINTS],
        network=_bowl_start(0.0),
        variants=(
            Variant(label={"en": "α = 1", "ko": "α = 1"}),
            Variant(fields={"learningRate": 0.1}, label={"en": "α = 0.1", "ko": "α = 0.1"}),
        ),
        selection=Link(0, 0, 0),
    ),
    "local-minimum": Scenario(
        fields={
            "networkShape": (),
            "x": True,
            "y": True,
            "outputActivation": "sigmoid",
            "targets": "zero-one",
            "loss": "half-square",
            "fullBatch": True,
            "train": "selected",
            "stepUnit": "update",
            "learningRate": 3.0,
        },
        description="A local minimum: a weight whose loss has two valleys, and two starts ending in different ones.",
        points=lambda: [list(p) for p in TWO_VALLEY_POINTS],
        network=_valley_start(-0.8),
        variants=(
            Variant(label={"en": "start at w = −0.8", "ko": "w = −0.8에서 시작"}),
            Variant(network=_valley_start(0.8), label={"en": "start at w = 0.8", "ko": "w = 0.8에서 시작"}),
        ),
        selection=Link(0, 0, 0),
    ),
}
