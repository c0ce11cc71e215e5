from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from core.config import PlaygroundConfig
from core.features import FEATURES

# Numbers produced by the original's own code, copied into the repository
# (tests/data/README.md) so that a fresh clone tests without anything beside it.
REFERENCE_DIR = Path(__file__).resolve().parents[1] / "data" / "tfplayground"
REFERENCE_FILES = sorted(REFERENCE_DIR.glob("*.json"))


def load_reference(path: Path) -> dict[str, Any]:
    def decode(value: Any) -> Any:
        if isinstance(value, str) and value in ("NaN", "Infinity", "-Infinity"):
            return float(value.replace("Infinity", "inf"))
        if isinstance(value, list):
            return [decode(v) for v in value]
        if isinstance(value, dict):
            return {k: decode(v) for k, v in value.items()}
        return value

    data: dict[str, Any] = decode(json.loads(path.read_text()))
    return data


def reference_config(c: dict[str, Any]) -> PlaygroundConfig:
    """The reference's `config` block as a PlaygroundConfig."""
    features = {name: name in c["features"] for name in FEATURES}
    return PlaygroundConfig(
        dataset=c["dataset"],
        problem=c["problem"],
        regDataset=c["regDataset"],
        initZero=c["initZero"],
        activation=c["activation"],
        regularization=c["regularization"] or "none",
        regularizationRate=c["regularizationRate"],
        learningRate=c["learningRate"],
        batchSize=c["batchSize"],
        noise=c["noise"],
        percTrainData=c["percTrainData"],
        networkShape=tuple(c["networkShape"]),
        seed=c["seed"],
        **features,
    )


def close(actual: Any, expected: Any, tol: float) -> bool:
    """The references' criterion: |a - b| <= tol * (1 + |b|), NaN equal to NaN."""
    a = np.asarray(actual, dtype=np.float64)
    b = np.asarray(expected, dtype=np.float64)
    if a.shape != b.shape:
        return False
    same = (a == b) | (np.isnan(a) & np.isnan(b))  # equal infinities included
    with np.errstate(invalid="ignore"):
        ok = np.abs(a - b) <= tol * (1 + np.abs(b))
    return bool(np.all(ok | same))
