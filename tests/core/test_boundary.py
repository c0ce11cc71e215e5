"""Heatmaps: orientation, thumbnails, byte encoding."""

from __future__ import annotations

import numpy as np

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
