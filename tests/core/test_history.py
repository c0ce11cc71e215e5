"""LossHistory.extend keeps exactly what add() one epoch at a time keeps."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from core.history import LossHistory


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 16), st.integers(0, 5), st.lists(st.integers(1, 70), min_size=1, max_size=10))
def test_history_extend_equals_add_one_by_one(max_points: int, first: int, chunks: list[int]) -> None:
    bulk, single = LossHistory(max_points), LossHistory(max_points)
    epoch = first
    rng = np.random.default_rng(len(chunks))
    for k in chunks:
        losses = rng.random((k, 2))
        bulk.extend(epoch, losses)
        for i in range(k):
            single.add(epoch + i, float(losses[i, 0]), float(losses[i, 1]))
        epoch += k
    np.testing.assert_array_equal(bulk.rows, single.rows)
    assert bulk.stride == single.stride and len(bulk) <= max_points
