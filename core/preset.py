"""The lecture's network as a set of fields: the page's one-click preset, and
the network most of the deck's scenes (core.scenes) start from."""

from __future__ import annotations

__all__ = ["LECTURE_PRESET"]

# The lecture's network in one click: sigmoid everywhere, (t − o)², weights
# from ±1/√fan-in, inputs scaled to 0.01–1.0, targets 0.01/0.99; and, as in
# the book behind the slides, one hidden layer trained per sample with
# α = 0.3 (with two sigmoid hidden layers and batches of 10 the circle barely
# moves in 300 epochs; this way it reaches a training loss below 0.01).
LECTURE_PRESET: dict[str, object] = {
    "networkShape": (4,),
    "batchSize": 1,
    "learningRate": 0.3,
    "activation": "sigmoid",
    "outputActivation": "sigmoid",
    "loss": "square",
    "init": "lecture",
    "inputScaling": "unit",
    "targets": "lecture",
}
