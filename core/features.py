"""Input features, in the original's fixed order (spec section 4).

The network sees the enabled features computed from the raw coordinates;
the page always draws all seven, greyed out when disabled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Feature", "FEATURES", "feature_matrix"]


@dataclass(frozen=True)
class Feature:
    name: str  # the key in the URL hash and the API
    label: str  # as the page writes it
    f: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (n,), (n,) -> (n,)


FEATURES: dict[str, Feature] = {
    feature.name: feature
    for feature in (
        Feature("x", "X₁", lambda x, y: x),
        Feature("y", "X₂", lambda x, y: y),
        Feature("xSquared", "X₁²", lambda x, y: x * x),
        Feature("ySquared", "X₂²", lambda x, y: y * y),
        Feature("xTimesY", "X₁X₂", lambda x, y: x * y),
        Feature("sinX", "sin(X₁)", lambda x, y: np.sin(x)),
        Feature("sinY", "sin(X₂)", lambda x, y: np.sin(y)),
    )
}


def feature_matrix(names: Sequence[str], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The network's input rows for raw coordinates: (n,), (n,) -> (n, len(names))."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    out = np.empty((x.shape[0], len(names)), dtype=np.float64)
    for k, name in enumerate(names):
        out[:, k] = FEATURES[name].f(x, y)
    return out
