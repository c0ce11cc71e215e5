"""core.fastmath.tanh against the C library's tanh (math.tanh)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from core import fastmath


@njit(error_model="numpy")
def _apply(values: np.ndarray, out: np.ndarray) -> None:
    for i in range(values.shape[0]):
        out[i] = fastmath.tanh(values[i])


def test_fastmath_tanh_is_within_a_few_units_of_2_to_the_minus_53() -> None:
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.uniform(-1, 1, 100_000), rng.uniform(-40, 40, 100_000), rng.normal(0, 1e-8, 1000),
                             [0.0, 1e-300, 0.5, 19.0, 22.0, 700.0, 1e300]])  # fmt: skip
    values = np.concatenate([values, -values])
    out = np.empty_like(values)
    _apply(values, out)
    expected = np.array([math.tanh(v) for v in values])
    assert np.abs(out - expected).max() <= 4 * 2.0**-53
    clear = np.abs(expected) > 4 * 2.0**-53  # an absolute error: tiny values may come out as 0
    assert np.array_equal(np.sign(out[clear]), np.sign(expected[clear]))


def test_fastmath_tanh_of_special_values() -> None:
    values = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0])
    out = np.empty_like(values)
    _apply(values, out)
    assert out[0] == 1.0 and out[1] == -1.0 and np.isnan(out[2])
    assert out[3] == 0.0 and math.copysign(1.0, out[4]) == -1.0


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
