"""The pictures' float32 pass: its rational tanh against NumPy's float64 tanh,
and the pass against float64 values written from the formulas."""

from __future__ import annotations

import numpy as np
import pytest

from core.kernel_passes import LINEAR, RELU, SIGMOID, TANH, offsets
from core.picture_pass import forward_nodes32, tanh32


def _tanh32(values: list[float] | np.ndarray) -> np.ndarray:
    x = np.asarray(values, dtype=np.float32)
    out = np.empty_like(x)
    tanh32(x, out)
    return out


def test_rational_tanh_is_within_a_millionth_of_tanh_everywhere() -> None:
    x = np.linspace(-30, 30, 3_000_001).astype(np.float32)
    approx = _tanh32(x)
    assert np.abs(approx - np.tanh(x.astype(np.float64))).max() < 1e-6  # a byte of the picture is 1/127
    assert approx.max() == 1.0 and approx.min() == -1.0  # never past ±1
    assert np.array_equal(_tanh32(-x), -approx)  # odd, exactly


def test_rational_tanh_of_special_values() -> None:
    out = _tanh32([0.0, -0.0, np.inf, -np.inf, np.nan, 9.0, -9.0, 1e-30])
    assert out[0] == 0.0 and out[1] == 0.0
    assert out[2] == 1.0 and out[3] == -1.0  # a diverged node draws at full colour
    assert np.isnan(out[4])  # and a NaN node draws as NaN
    assert out[5] == 1.0 and out[6] == -1.0
    assert abs(out[7] - 1e-30) < 1e-35


FUNCTIONS = {
    TANH: np.tanh,
    RELU: lambda z: np.maximum(z, 0.0),
    SIGMOID: lambda z: 1 / (1 + np.exp(-z)),
    LINEAR: lambda z: z,
}


@pytest.mark.parametrize("hidden", [TANH, RELU, SIGMOID, LINEAR])
@pytest.mark.parametrize("sizes", [[7, 5, 3, 1], [2, 1], [3, 8, 8, 2]])
def test_pass_is_the_formulas_value_at_every_point(hidden: int, sizes: list[int]) -> None:
    """z = b + Σ w·a, then the function, node by node, for a number of points
    that is not a whole number of blocks and layers whose widths are not
    multiples of four (the pass takes sources four at a time)."""
    rng = np.random.default_rng(7)
    sizes_array = np.array(sizes, dtype=np.int64)
    w_off, b_off, _ = offsets(sizes_array)
    w = rng.normal(0, 0.8, w_off[-1])
    b = rng.normal(0, 0.3, b_off[-1])
    inputs = rng.uniform(-6, 6, (sizes[0], 1037)).astype(np.float32)
    out = np.empty((sum(sizes[1:]), 1037), dtype=np.float32)
    forward_nodes32(inputs, sizes_array, w, b, hidden, TANH, out)

    a, expected = inputs.astype(np.float64).T, []
    for layer in range(len(sizes) - 1):
        weights = w[w_off[layer] : w_off[layer + 1]].reshape(sizes[layer], sizes[layer + 1])
        function = np.tanh if layer == len(sizes) - 2 else FUNCTIONS[hidden]
        a = function(a @ weights + b[b_off[layer] : b_off[layer + 1]])
        expected.append(a.T)
    assert np.allclose(out, np.concatenate(expected), atol=1e-5, rtol=1e-5)
