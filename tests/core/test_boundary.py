"""Heatmaps: orientation, thumbnails, byte encoding."""

from __future__ import annotations

import numpy as np
import pytest

from core.boundary import NAN_BYTE, decode, grid_axes, quantize
from core.config import PlaygroundConfig
from core.session import Session


def test_boundary_grid_runs_left_to_right_and_top_down() -> None:
    xs, ys = grid_axes()
    assert xs[0] == -6 and xs[-1] == 6 and ys[0] == 6 and ys[-1] == -6
    assert len(xs) == 100


def test_boundary_output_grid_is_the_networks_prediction() -> None:
    session = Session(PlaygroundConfig(seed="0.42", xSquared=True))
    session.step(20)
    frame = session.frame()
    xs, ys = grid_axes()
    for row, col in [(0, 0), (0, 99), (99, 0), (37, 64)]:
        expected = session.predict(np.array([[xs[col], ys[row]]]))[0]
        # the heatmaps are computed in float32: a cell is one byte in the end
        assert abs(frame.grids[-1][row, col] - expected) < 1e-6
        assert abs(int(frame.output[row, col]) - int(quantize(np.array([expected]))[0])) <= 1


def test_boundary_thumbnails_average_ten_by_ten_blocks() -> None:
    session = Session(PlaygroundConfig(seed="0.42"))
    frame = session.frame()
    assert frame.thumbnails.shape == (7 + 4 + 2 + 1, 10, 10)
    first_hidden = frame.grids[0]
    block_mean = first_hidden[30:40, 50:60].mean()
    assert frame.thumbnails[7, 3, 5] == quantize(np.array([block_mean]))[0]
    # feature x: left columns negative (orange), right positive
    assert frame.thumbnails[0, 5, 0] < 127 < frame.thumbnails[0, 5, 9]


def test_boundary_quantize_bytes() -> None:
    values = np.array([-1.0, -5.0, 0.0, 1.0, 7.0, -1e-9, 1e-9, np.nan, 0.5])
    b = quantize(values)
    assert b.tolist() == [0, 0, 127, 254, 254, 126, 127, NAN_BYTE, 191]
    back = decode(b)
    assert np.isnan(back[7])
    assert np.all(np.abs(back[[0, 2, 3, 8]] - values[[0, 2, 3, 8]]) <= 0.5 / 127)
    # discretize reads the sign off the byte
    assert ((b >= 127) == (values >= 0))[~np.isnan(values)].all()


FEATURE_FORMULAS = {  # the original's input features, from its code
    "x": lambda x, y: x,
    "y": lambda x, y: y,
    "xSquared": lambda x, y: x * x,
    "ySquared": lambda x, y: y * y,
    "xTimesY": lambda x, y: x * y,
    "sinX": lambda x, y: np.sin(x),
    "sinY": lambda x, y: np.sin(y),
}
FUNCTIONS = {
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "linear": lambda z: z,
    "softmax": lambda z: (
        np.exp(z - z.max(axis=1, keepdims=True)) / np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)
    ),
}


@pytest.mark.parametrize(
    "hash_",
    [
        "seed=0.42&activation=relu&networkShape=8,8,8&xSquared=true&sinY=true",
        "seed=0.42&activation=sigmoid&networkShape=3,3&xTimesY=true&sinX=true",
        "seed=0.42&activation=linear&networkShape=5",
        "seed=0.42&dataset=spiral&classes=4&networkShape=6,6",
        "seed=0.42&networkShape=",
    ],
)
def test_boundary_every_node_is_the_formulas_value(hash_: str) -> None:
    """Every node's heatmap (float32) against float64 values written from the
    formulas: z = b + Σ w·a, then the layer's function (a softmax over the
    output units); before the display mapping, so compared on the hidden
    nodes, and on the output units through the session's own label scale."""
    session = Session(PlaygroundConfig.from_hash(hash_))
    session.step(15)
    frame = session.frame()
    xs, ys = grid_axes()
    gx, gy = np.meshgrid(xs, ys)  # rows top-down, columns left to right
    a = np.stack([FEATURE_FORMULAS[name](gx.ravel(), gy.ravel()) for name in session.config.features], axis=1)
    net = session.network
    nodes = []
    for k, layer in enumerate(net.layers):
        function = net.output_activation if k == len(net.layers) - 1 else net.activation
        a = FUNCTIONS[function](a @ layer.weights + layer.biases)
        nodes.append(a.T)
    expected = np.concatenate(nodes).reshape(-1, 100, 100)
    n_out = net.layers[-1].biases.shape[0]
    hidden = expected.shape[0] - n_out
    assert np.allclose(frame.grids[:hidden], expected[:hidden], atol=2e-6, rtol=1e-5)
    shown = (
        2 * expected[hidden:] - 1
        if n_out > 1
        else session._display(expected[hidden:].reshape(-1, 1)).reshape(1, 100, 100)
    )
    assert np.allclose(frame.grids[hidden:], shown, atol=4e-6, rtol=1e-5)
    # and the thumbnails are the 10 x 10 block means of those grids
    means = expected.reshape(-1, 10, 10, 10, 10).mean(axis=(2, 4))
    means[hidden:] = frame.grids[hidden:].astype(np.float64).reshape(-1, 10, 10, 10, 10).mean(axis=(2, 4))
    assert np.abs(frame.thumbnails[7:].astype(int) - quantize(means).astype(int)).max() <= 1


def test_boundary_render_in_a_reused_buffer_draws_the_same_frames() -> None:
    """A play tick renders into one scratch buffer frame after frame; what it
    keeps must not change when the buffer is reused."""
    scratch = np.empty(60 * 100 * 100, dtype=np.float32)
    a = Session(PlaygroundConfig.from_hash("seed=0.42&networkShape=8,8,8&xSquared=true"))
    b = Session(PlaygroundConfig.from_hash("seed=0.42&networkShape=3&dataset=spiral"))
    a.step(5)
    kept = a.frame(lambda size: scratch)
    assert np.shares_memory(kept.grids, scratch)
    output, thumbnails = kept.output.copy(), kept.thumbnails.copy()
    b.frame(lambda size: scratch)  # another network overwrites the buffer
    assert np.array_equal(kept.output, output) and np.array_equal(kept.thumbnails, thumbnails)
    fresh = a.frame()
    assert np.array_equal(fresh.outputs, kept.outputs) and np.array_equal(fresh.thumbnails, kept.thumbnails)
    assert not np.shares_memory(fresh.grids, scratch)
