"""Input features, in the original's fixed order (spec section 4).

The network sees the enabled features computed from the raw coordinates;
the page always draws all seven, greyed out when disabled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["FEATURES", "SCALINGS", "Feature", "feature_matrix", "UNIT_LOW", "UNIT_HIGH", "LARGE_HIGH"]


@dataclass(frozen=True)
class Feature:
    name: str  # the key in the URL hash and the API
    label: str  # as the page writes it
    f: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (n,), (n,) -> (n,)
    low: float  # the feature's range over the [-6, 6]² domain, for the lecture's input scaling
    high: float


FEATURES: dict[str, Feature] = {
    feature.name: feature
    for feature in (
        Feature("x", "X₁", lambda x, y: x, -6, 6),
        Feature("y", "X₂", lambda x, y: y, -6, 6),
        Feature("xSquared", "X₁²", lambda x, y: x * x, 0, 36),
        Feature("ySquared", "X₂²", lambda x, y: y * y, 0, 36),
        Feature("xTimesY", "X₁X₂", lambda x, y: x * y, -36, 36),
        Feature("sinX", "sin(X₁)", lambda x, y: np.sin(x), -1, 1),
        Feature("sinY", "sin(X₂)", lambda x, y: np.sin(y), -1, 1),
    )
}


SCALINGS = ("raw", "unit", "large")
UNIT_LOW, UNIT_HIGH = 0.01, 1.0  # the lecture: inputs in 0.01–1.0 (a zero input would kill its weight's gradient)
LARGE_HIGH = 255.0  # "large": 0–255, like raw pixel values: what saturates a sigmoid network (the lecture's slide)


def feature_matrix(names: Sequence[str], x: np.ndarray, y: np.ndarray, scaling: str = "raw") -> np.ndarray:
    """The network's input rows for raw coordinates: (n,), (n,) -> (n, len(names)).

    ``scaling="unit"`` maps each feature's range over the domain onto 0.01–1.0,
    ``scaling="large"`` onto 0–255.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    out = np.empty((x.shape[0], len(names)), dtype=np.float64)
    for k, name in enumerate(names):
        feature = FEATURES[name]
        values = feature.f(x, y)
        if scaling == "unit":
            values = UNIT_LOW + (UNIT_HIGH - UNIT_LOW) * (values - feature.low) / (feature.high - feature.low)
        elif scaling == "large":
            values = LARGE_HIGH * (values - feature.low) / (feature.high - feature.low)
        out[:, k] = values
    return out
