"""core.fastmath.tanh32 (the heatmaps' tanh) against the exact tanh."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from core import fastmath


@njit(error_model="numpy")
def _apply32(values: np.ndarray, out: np.ndarray) -> None:
    for i in range(values.shape[0]):
        out[i] = fastmath.tanh32(values[i])


def test_fastmath_tanh32_is_within_a_few_units_of_2_to_the_minus_24() -> None:
    rng = np.random.default_rng(1)
    values = np.concatenate([rng.uniform(-1, 1, 100_000), rng.uniform(-30, 30, 100_000)]).astype(np.float32)
    values = np.concatenate([values, np.array([0, 9.2, 20, 100, np.inf, -np.inf], dtype=np.float32)])
    out = np.empty_like(values)
    _apply32(values, out)
    assert out.dtype == np.float32
    expected = np.tanh(values.astype(np.float64))
    assert np.abs(out - expected).max() <= 3 * 2.0**-24


def test_fastmath_tanh32_of_special_values() -> None:
    values = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0], dtype=np.float32)
    out = np.empty_like(values)
    _apply32(values, out)
    assert out[0] == 1.0 and out[1] == -1.0 and np.isnan(out[2])
    assert out[3] == 0.0 and math.copysign(1.0, out[4]) == -1.0
