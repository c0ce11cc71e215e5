"""The scenes of the lecture's practical advice (saturation, the output range,
the initial weights), "automatic" feature engineering, and TF Playground.

Each compares two or three runs from the same start (the same seed: the same
data, and the same initial weights wherever the varied setting allows) that
differ in one setting: its variants.  The seeds are fixed, so the numbers
the captions quote are the numbers the scenes produce (tests/core/test_scenes.py).
"""

from __future__ import annotations

from core.link import Link
from core.preset import LECTURE_PRESET
from core.scene import Scenario, Variant

__all__ = ["ADVICE_SCENES"]

ENGINEERED = {"xSquared": True, "ySquared": True, "xTimesY": True, "sinX": True, "sinY": True}

ADVICE_SCENES: dict[str, Scenario] = {
    "saturation": Scenario(
        fields={**LECTURE_PRESET, "seed": "saturation", "dataset": "gauss"},
        description="Saturation: inputs of 0–255 push the sigmoid into its flat tails, where learning stalls.",
        variants=(
            Variant(fields={"inputScaling": "unit"}, label={"en": "inputs 0.01–1.0", "ko": "입력 값 0.01 ~ 1.0"}),
            Variant(fields={"inputScaling": "large"}, label={"en": "inputs 0–255", "ko": "입력 값 0 ~ 255"}),
        ),
        selection=Link(0, 0, 0),
    ),
    "output-range": Scenario(
        fields={**LECTURE_PRESET, "seed": "output-range", "dataset": "gauss", "inputScaling": "raw"},
        description="The output range: targets 0 and 1 make the output weights grow for ever; 0.01 and 0.99 do not.",
        variants=(
            Variant(fields={"targets": "zero-one"}, label={"en": "targets 0 and 1", "ko": "목표 값 0과 1"}),
            Variant(fields={"targets": "lecture"}, label={"en": "targets 0.01 and 0.99", "ko": "목표 값 0.01과 0.99"}),
        ),
        selection=Link(1, 0, 0),
    ),
    "initialisation": Scenario(
        fields={
            **LECTURE_PRESET,
            "seed": "initialisation",
            "dataset": "circle",
            "inputScaling": "raw",
            "networkShape": (8, 8),
        },
        description="Initial weights: ±1/√n against U(−1, 1) on a wide layer, and all equal.",
        variants=(
            Variant(fields={"init": "lecture"}, label={"en": "±1/√n", "ko": "±1/√n"}),
            Variant(fields={"init": "wide"}, label={"en": "U(−1, 1)", "ko": "U(−1, 1)"}),
            Variant(
                fields={"init": "equal", "initValue": 0.5}, label={"en": "all weights 0.5", "ko": "모든 가중치 0.5"}
            ),
        ),
        selection=Link(0, 0, 0),
    ),
    "feature-engineering": Scenario(
        fields={"seed": "feature-engineering", "dataset": "spiral"},
        description="Automatic feature engineering: the spiral from x and y on a deep network, or engineered features.",
        variants=(
            Variant(
                fields={"networkShape": (8, 8, 8, 8, 8, 8)},
                label={"en": "x and y, 6 hidden layers", "ko": "x와 y, 은닉 계층 6개"},
            ),
            Variant(
                fields={"networkShape": (8,), **ENGINEERED},
                label={"en": "engineered features, 1 hidden layer", "ko": "사람이 만든 특성, 은닉 계층 1개"},
            ),
        ),
    ),
    "tf-playground": Scenario(fields={}, description="TensorFlow Playground: the original's defaults."),
}
